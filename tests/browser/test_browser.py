"""The site in a real browser: Debian's Chromium driven by Playwright, axe-core injected.

The site is built over SYNTHETIC pulled data (tests/fakes.py) and served on 127.0.0.1.
Screenshots of every tested page go to artifacts/screenshots/ (gitignored; CI keeps them).
Without Chromium these tests are skipped locally, but fail under CI=true: .ci/run installs it.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import REPO
from tests.fakes import build_site, write_synthetic_data

CHROMIUM = os.environ.get("CEEATLAS_CHROMIUM", "/usr/bin/chromium")
AXE = REPO / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not (Path(CHROMIUM).exists() and AXE.exists()):
    if os.environ.get("CI"):
        raise RuntimeError(f"browser tests need {CHROMIUM} and {AXE}; .ci/run installs both")
    pytest.skip("Chromium or axe-core is not installed (run .ci/run or see README)", allow_module_level=True)

playwright_api = pytest.importorskip("playwright.sync_api")

# Every page type, by path and the name of its screenshot.
PAGES = {
    "home": "",
    "centers-index": "centers/",
    "center": "centers/apparel-footwear-textiles/",
    "lookup": "centers/lookup/",
    "assignment": "centers/assignment/",
    "centers-compared": "centers/compare/",
    "agencies": "guides/agencies/",
    "icps": "guides/icps/",
    "guides": "guides/",
    "programs": "programs/",
    "program": "programs/ctpat-trade-compliance/",
    "compare": "programs/compare/",
    "picker": "programs/picker/",
    "processes": "guides/processes/",
    "trade-issues": "guides/trade-issues/",
    "events": "guides/events/",
    "pga-matrix": "guides/pga-matrix/",
    "glossary": "guides/glossary/",
    "getting-started": "guides/getting-started/",
    "rulings": "rulings/",
    "find-rulings": "rulings/find/",
    "headings": "rulings/hts/",
    "heading": "rulings/hts/6109/",
    "unassigned": "rulings/unassigned/",
    "about": "about/",
    "hts-chapters": "hts/",
    "hts-chapter": "hts/61/",
    "open-data": "about/open-data/",
    "not-found": "404.html",
}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(root: Path) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 for a fixture to yield from; the site is under /atlas/ as on a
    project site, so the 404 page's root-relative links resolve."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/atlas/"
    server.shutdown()


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    data = tmp_path_factory.mktemp("browser-data")
    write_synthetic_data(data)
    root = tmp_path_factory.mktemp("browser-www")
    result = build_site(root / "atlas", data, site_url="https://example.invalid/atlas/")
    assert result.returncode == 0, result.stderr
    yield from serve(root)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.console_errors = []
    tab.dialogs = []
    tab.on("console", lambda message: message.type == "error" and tab.console_errors.append(message.text))
    tab.on("pageerror", lambda error: tab.console_errors.append(str(error)))

    def on_dialog(dialog):
        tab.dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    yield tab
    context.close()


def _shot(tab, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _axe(tab) -> list[dict]:
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


AXE_RESULTS: dict[str, list[str]] = {}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_has_no_errors_and_passes_axe(page, site_url, name):
    response = page.goto(site_url + PAGES[name])
    assert response is not None and response.status == 200
    page.wait_for_load_state("networkidle")
    _shot(page, name)
    assert page.console_errors == [], page.console_errors
    assert page.locator("h1").count() == 1
    violations = _axe(page)
    AXE_RESULTS[name] = [f"{v['id']} ({v['impact']}): {len(v['nodes'])} nodes" for v in violations]
    _write_axe_report()
    assert violations == [], json.dumps(
        [{k: v[k] for k in ("id", "impact", "help")} for v in violations], indent=1
    )


def _write_axe_report() -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS.parent / "axe-results.json").write_text(json.dumps(AXE_RESULTS, indent=1, sort_keys=True))


@pytest.mark.parametrize(
    ("typed", "center"),
    [("6109.10.00.40", "Apparel, Footwear & Textiles"), ("8703.23", "Automotive & Aerospace")],
)
def test_hts_lookup_finds_the_center(page, site_url, typed, center):
    page.goto(site_url + "centers/lookup/")
    page.fill("#hts-input", typed)
    page.click("#hts-lookup button[type=submit]")
    result = page.locator("#hts-result")
    result.get_by_text(center, exact=True).wait_for(timeout=5000)
    assert "Source:" in result.inner_text()
    _shot(page, f"lookup-{typed}")
    assert page.console_errors == []


def test_lookup_explains_a_number_in_words(page, site_url):
    page.goto(site_url + "centers/lookup/")
    page.fill("#hts-input", "6109.10.00.12")
    page.click("#hts-lookup button[type=submit]")
    result = page.locator("#hts-result")
    result.get_by_text("Men's (338)").wait_for(timeout=5000)
    text = result.inner_text()
    assert (
        "Other T-shirts" in text and "Unit of quantity: doz., kg" in text and "HTSUS 2026 Revision 10" in text
    )
    assert result.locator("a[href^='https://hts.usitc.gov/']").count() == 1
    page.fill("#hts-input", "6109.10.00.99")
    page.click("#hts-lookup button[type=submit]")
    result.get_by_text("6109.10.00.99 is not in HTSUS 2026 Revision 10.").wait_for(timeout=5000)
    assert "6109.10.00.11" in result.inner_text()  # a sibling that exists
    _shot(page, "lookup-missing-number")
    assert page.console_errors == []


def test_lookup_finds_headings_from_words(page, site_url):
    page.goto(site_url + "centers/lookup/?hts=robot+vacuum+cleaner")
    result = page.locator("#hts-result")
    result.locator("ol.atlas-word-results li").first.wait_for(timeout=5000)
    assert result.locator("ol.atlas-word-results li").first.inner_text().startswith("8508")
    page.fill("#hts-input", "thermal undershirts")
    page.click("#hts-lookup button[type=submit]")
    result.get_by_text("6109.10.00.11").wait_for(timeout=5000)
    assert "Apparel, Footwear & Textiles" in result.inner_text()
    _shot(page, "lookup-words")
    assert page.console_errors == []


def test_assignment_estimate_stays_in_the_browser(page, site_url):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site_url + "centers/assignment/")
    page.fill("#assign-input", "HTS,lines\n6109.10.00.12,120\n8471.30.01.00,3\n9817.00.96,4\n")
    page.click("#assign-form button[type=submit]")
    result = page.locator("#assign-result")
    result.get_by_text("By the number of entry lines").wait_for(timeout=5000)
    text = result.inner_text()
    assert "Apparel, Footwear & Textiles" in text and "9817.00.96" in text and "CBP decides" in text
    assert all(url.startswith(site_url.split("/atlas/")[0]) for url in requests)  # nothing leaves the site
    assert not any("6109" in url for url in requests)  # the list itself is never sent
    _shot(page, "assignment-estimate")
    assert page.console_errors == []


def test_program_picker_reaches_a_recommendation(page, site_url):
    page.goto(site_url + "programs/picker/")
    for name, value in (
        ("role", "importer"),
        ("history", "two_plus"),
        ("ctpat", "tier23"),
        ("compliance", "yes"),
        ("land_border", "no"),
    ):
        page.check(f"input[name={name}][value={value}]")
    page.click("#program-picker button[type=submit]")
    result = page.locator("#program-picker-result")
    result.get_by_role("heading", name="Apply for CTPAT Trade Compliance").wait_for(timeout=5000)
    assert result.get_by_role("link", name="Read about CTPAT Trade Compliance").count() == 1
    _shot(page, "picker-result")
    assert page.console_errors == []


@pytest.mark.parametrize(
    ("hts", "words", "expected", "absent"),
    [
        ("6109.10.00.40", "", "N900001", "N900002"),  # HTSUS form, 10 digits
        ("6109.10.0012", "", "N900002", "N900001"),  # CROSS form
        ("6109100040", "", "N900001", "N900002"),
        ("6109.10", "", "N900002", "N900005"),
        ("6109", "cotton", "N900001", "N900002"),
        ("", "passenger car", "N900005", "N900001"),
    ],
)
def test_find_rulings(page, site_url, hts, words, expected, absent):
    page.goto(site_url + "rulings/find/")
    page.fill("#find-hts", hts)
    page.fill("#find-words", words)
    page.click("#find-rulings-form button[type=submit]")
    result = page.locator("#find-rulings-result")
    result.get_by_role("link", name=f"NY {expected}").wait_for(timeout=5000)
    assert result.get_by_role("link", name=f"NY {absent}").count() == 0
    assert page.console_errors == []


def test_lookup_explains_bad_input(page, site_url):
    page.goto(site_url + "centers/lookup/?hts=101")
    page.locator("#hts-result .atlas-error").wait_for(timeout=5000)
    assert "leading zero" in page.locator("#hts-result").inner_text()


def test_site_search_finds_a_center_by_name(page, site_url):
    page.goto(site_url)
    page.keyboard.press("/")  # Material's shortcut opens search
    # Material says "Initializing search" until its worker has built the index (about 600 KB of
    # pages; seconds on a loaded two-core machine), and a query typed before then may be lost.
    # Wait for the worker, then type as a reader does: Material searches on key events, and a
    # programmatic fill() alone sometimes starts no search.
    meta = page.locator(".md-search-result__meta")
    meta.wait_for(timeout=10_000)
    page.wait_for_function(
        "() => !/Initializing/i.test(document.querySelector('.md-search-result__meta').textContent)",
        timeout=60_000,
    )
    page.locator("input[data-md-component=search-query]").press_sequentially("Machinery", delay=30)
    page.locator(".md-search-result__link[href*='centers/machinery/']").first.wait_for(timeout=30_000)
    _shot(page, "search-machinery")


def test_untrusted_text_stays_text(page, site_url):
    for path in ("rulings/hts/6109/", "guides/icps/", "centers/apparel-footwear-textiles/", "rulings/"):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
        assert page.dialogs == [], path
        assert page.get_by_text("<script>alert('x')</script>", exact=False).count() >= 1, path
        assert page.locator("a[href^='javascript:']").count() == 0, path
    assert page.console_errors == []


def test_narrow_viewport_does_not_scroll_sideways(browser, site_url):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    tab = context.new_page()
    for name in ("home", "center", "lookup", "heading", "agencies", "centers-compared"):
        tab.goto(site_url + PAGES[name])
        tab.wait_for_load_state("networkidle")
        width = tab.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        _shot(tab, f"mobile-{name}")
        assert width[0] <= width[1], f"{name}: content {width[0]}px wide in a {width[1]}px viewport"
    context.close()


def test_readable_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(site_url + "centers/lookup/")
    assert tab.locator("table").first.is_visible()
    assert "Articles of apparel and clothing accessories, knitted or crocheted" in tab.content()
    tab.goto(site_url + "centers/electronics/")
    assert tab.get_by_role("heading", name="HTS scope").is_visible()
    tab.goto(site_url + "hts/61/")  # the lookup's answers, browsed by chapter
    assert "T-shirts, singlets, tank tops and similar garments" in tab.content()
    _shot(tab, "no-javascript-center")
    context.close()


def test_report_link_names_the_page_it_is_on(page, site_url):
    """On a theme page and on a plain HTML ruling list alike."""
    for path in ("centers/machinery/", "rulings/hts/6109/"):
        page.goto(site_url + path)
        link = page.get_by_role("link", name="Report an error or suggest a source", exact=True)
        assert link.count() == 1 and link.is_visible(), path
        query = parse_qs(urlsplit(link.get_attribute("href")).query)
        assert query["page-url"] == ["https://example.invalid/atlas/" + path], path
        assert query["page-title"] == [page.title()], path
    _shot(page, "report-link")


def test_pages_make_no_third_party_requests(browser, site_url):
    """No tracking: loading a page asks only the site's own server (Material's repository
    widget would ask api.github.com; overrides/partials/source.html keeps it from doing so)."""
    context = browser.new_context()
    tab = context.new_page()
    hosts = set()
    tab.on("request", lambda request: hosts.add(urlsplit(request.url)[:2]))
    for name in ("home", "center", "lookup", "heading", "unassigned"):
        tab.goto(site_url + PAGES[name])
        tab.wait_for_load_state("networkidle")
    context.close()
    served = urlsplit(site_url)
    assert {host for host in hosts if host[0] in ("http", "https")} == {(served.scheme, served.netloc)}


def test_keyboard_user_gets_a_skip_link_and_visible_focus(page, site_url):
    page.goto(site_url + "centers/machinery/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const e = document.activeElement; const s = getComputedStyle(e);"
        " return {text: e.textContent.trim(), href: e.getAttribute('href'), visible: e.getBoundingClientRect().height > 0,"
        " outline: s.outlineStyle, shadow: s.boxShadow}; }"
    )
    assert "Skip to content" in focused["text"] and focused["href"].startswith("#")
    assert focused["visible"]


def test_tables_have_headers_and_captions(page, site_url):
    for path in (
        "centers/apparel-footwear-textiles/",
        "centers/lookup/",
        "guides/agencies/",
        "rulings/hts/6109/",
        "about/",
    ):
        page.goto(site_url + path)
        tables = page.locator("article table")
        for index in range(tables.count()):
            table = tables.nth(index)
            assert table.locator("th").count() > 0, path
        assert page.locator("article figure figcaption, article table caption").count() >= tables.count(), (
            path
        )


@pytest.fixture(scope="session", autouse=True)
def _clean_screenshots():
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    yield
