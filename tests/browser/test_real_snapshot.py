"""The ruling lists of the REAL snapshot (the committed data/) in Chromium, on a desktop and a
phone: the note's icon beside its title, not over it; no sideways scrolling; axe-clean."""

from __future__ import annotations

import pytest

from tests.browser.test_browser import _axe, _shot, serve
from tests.conftest import REPO
from tests.fakes import build_site

PAGES = {
    "real-compare": "centers/compare/",
    "real-rulings": "rulings/",
    "real-heading": "rulings/hts/7113/",
    "real-unassigned": "rulings/unassigned/",
    "real-center": "centers/consumer-products-mass-merchandising/",
}


@pytest.fixture(scope="module")
def real_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("real-www")
    result = build_site(root / "atlas", REPO / "data")
    assert result.returncode == 0, result.stderr
    yield from serve(root)


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (360, 740)])
def test_ruling_lists_of_the_real_snapshot(browser, real_site, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=width < 600)
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    for name, path in PAGES.items():
        tab.goto(real_site + path)
        tab.wait_for_load_state("networkidle")
        _shot(tab, f"{name}-{width}")
        size = tab.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert size[0] <= size[1], f"{name}: {size[0]}px wide in a {size[1]}px viewport"
        # The admonition's icon (the ::before of its title) ends before the title's text starts.
        titles = tab.locator(".admonition-title")
        for index in range(titles.count()):
            gap = titles.nth(index).evaluate(
                "e => { const s = getComputedStyle(e), b = getComputedStyle(e, '::before');"
                " return parseFloat(s.paddingLeft) - (parseFloat(b.left) + parseFloat(b.width)); }"
            )
            assert gap > 0, f"{name}: the icon overlaps the title by {-gap}px"
        assert _axe(tab) == [], name
    assert errors == []
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_dashboards_with_the_real_snapshot(browser, real_site, scheme):
    """Charts drawn in both schemes (their colours come from atlas.css), axe-clean, and the
    site-wide chart redrawn for a window of months chosen in the menus."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(real_site + "centers/compare/")
    fill = tab.locator(".atlas-windowed svg rect.atlas-series-0").first.evaluate(
        "e => getComputedStyle(e).fill"
    )
    assert fill not in ("", "none", "rgb(0, 0, 0)")
    columns = tab.locator(".atlas-windowed g.atlas-plot rect")
    before = columns.count()
    tab.select_option("#atlas-window-from", label="Jun 2026")
    tab.get_by_text("Showing Jun 2026 to Aug 2026.").wait_for(timeout=5000)
    assert 0 < columns.count() < before
    _shot(tab, f"compare-window-{scheme}")
    tab.goto(real_site + "centers/electronics/")
    assert tab.locator("#in-numbers").count() == 1 and tab.locator("svg.atlas-chart").count() >= 3
    # Every chart takes the column's width, whatever the length of its caption.
    widths = tab.locator("svg.atlas-chart").evaluate_all(
        "charts => charts.map(c => c.getBoundingClientRect().width)"
    )
    assert max(widths) - min(widths) < 1, widths
    _shot(tab, f"center-in-numbers-{scheme}")
    assert _axe(tab) == []
    assert errors == []
    context.close()
