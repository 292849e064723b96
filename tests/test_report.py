"""The "Report an error or suggest a source" link: on every page, filled with that page's own
address and title, opening an issue form that has the fields it fills; and the repository's
address written down once."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from ceeatlas.project import (
    PAGE_TITLE_FIELD,
    PAGE_URL_FIELD,
    REPORT_FORM,
    REPORT_TEXT,
    repo_url,
    report_link,
    report_url,
)

from .conftest import REPO
from .fakes import build_site, write_synthetic_data

FORMS = REPO / ".github" / "ISSUE_TEMPLATE"
SITE_URL = "https://example.invalid/atlas/"
# Not the placeholder in mkdocs.yml: a build with this address proves that the environment
# variable reaches the theme's pages and the ruling lists alike.
REPO_URL = "https://example.invalid/owner/atlas"


def _query(href: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(href)
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert all(len(values) == 1 for values in query.values()), href
    return f"{parts.scheme}://{parts.netloc}{parts.path}", {key: values[0] for key, values in query.items()}


# ---------------------------------------------------------------------------------------
# The link itself
# ---------------------------------------------------------------------------------------


def test_report_url_encodes_what_would_break_the_query():
    page = "https://example.invalid/a b/?x=1&y=2#part"
    title = "Apparel, Footwear & Textiles + 100% cotton - Atlas é"
    url = report_url("https://github.com/owner/repo/", page, title)
    assert url.startswith("https://github.com/owner/repo/issues/new?template=report-error.yml&")
    assert " " not in url and "#" not in url and "é" not in url
    base, query = _query(url)
    assert base == "https://github.com/owner/repo/issues/new"
    assert query == {"template": REPORT_FORM, PAGE_URL_FIELD: page, PAGE_TITLE_FIELD: title}


def test_report_link_is_escaped_html_with_a_named_link():
    html = str(report_link("https://github.com/owner/repo", "https://example.invalid/", 'A "quoted" <b>'))
    soup = BeautifulSoup(html, "html.parser")
    links = soup.find_all("a")
    assert len(links) == 1 and links[0].get_text() == REPORT_TEXT
    assert _query(links[0]["href"])[1][PAGE_TITLE_FIELD] == 'A "quoted" <b>'
    assert "<b>" not in html


# ---------------------------------------------------------------------------------------
# The issue forms
# ---------------------------------------------------------------------------------------

# GitHub's form schema, as far as these forms use it: keys each kind of body item may have.
ITEM_KEYS = {
    "markdown": ({"type", "attributes"}, {"value"}),
    "input": ({"type", "id", "attributes", "validations"}, {"label", "description", "placeholder", "value"}),
    "textarea": (
        {"type", "id", "attributes", "validations"},
        {"label", "description", "placeholder", "value", "render"},
    ),
}
TOP_KEYS = {"name", "description", "title", "labels", "assignees", "projects", "type", "body"}


def _form(name: str) -> dict:
    return yaml.safe_load((FORMS / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["report-error.yml", "suggest-source.yml"])
def test_issue_forms_follow_githubs_schema(name):
    form = _form(name)
    assert set(form) <= TOP_KEYS, set(form) - TOP_KEYS
    assert isinstance(form["name"], str) and form["name"]
    assert isinstance(form["description"], str) and form["description"]
    assert all(isinstance(label, str) for label in form.get("labels", []))
    assert isinstance(form["body"], list) and form["body"]
    ids, labels = [], []
    for item in form["body"]:
        assert item.get("type") in ITEM_KEYS, item
        keys, attributes = ITEM_KEYS[item["type"]]
        assert set(item) <= keys, item
        assert set(item["attributes"]) <= attributes, item
        if item["type"] == "markdown":
            assert isinstance(item["attributes"]["value"], str) and item["attributes"]["value"].strip()
            continue
        assert re.fullmatch(r"[A-Za-z0-9_-]+", item["id"]), item["id"]
        assert isinstance(item["attributes"]["label"], str) and item["attributes"]["label"].strip()
        assert set(item.get("validations", {})) <= {"required"}
        assert isinstance(item.get("validations", {}).get("required", False), bool)
        ids.append(item["id"])
        labels.append(item["attributes"]["label"])
    assert len(ids) == len(set(ids)) and len(labels) == len(set(labels))  # GitHub rejects repeats


def _fields(name: str) -> dict[str, dict]:
    return {item["id"]: item for item in _form(name)["body"] if "id" in item}


def test_report_form_has_the_fields_the_link_fills():
    fields = _fields("report-error.yml")
    _, query = _query(report_url("https://github.com/owner/repo", "https://example.invalid/", "T"))
    assert query.pop("template") == REPORT_FORM and (FORMS / REPORT_FORM).exists()
    assert set(query) <= set(fields)
    for field in query:
        assert fields[field]["type"] == "input"  # one line: a URL and a title
    assert {"fact", "correction", "source-url", "notes"} <= set(fields)
    assert fields["source-url"]["validations"]["required"] is True
    assert "data error" in _form("report-error.yml")["labels"]


def test_suggest_source_form_fields():
    fields = _fields("suggest-source.yml")
    assert {PAGE_URL_FIELD, "supports", "source-url", "source-date"} <= set(fields)
    assert fields["source-url"]["validations"]["required"] is True


def test_issue_chooser_config():
    config = yaml.safe_load((FORMS / "config.yml").read_text(encoding="utf-8"))
    assert isinstance(config["blank_issues_enabled"], bool)


# ---------------------------------------------------------------------------------------
# One setting for the repository's address
# ---------------------------------------------------------------------------------------


def _placeholder() -> str:
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    match = re.search(r'^repo_url: !ENV \[CEEATLAS_REPO_URL, "([^"]+)"\]$', text, re.MULTILINE)
    assert match, "mkdocs.yml: repo_url should come from CEEATLAS_REPO_URL with a default"
    return match.group(1)


def test_repo_url_is_read_from_mkdocs_yml(monkeypatch):
    monkeypatch.delenv("CEEATLAS_REPO_URL", raising=False)
    assert repo_url() == _placeholder()
    monkeypatch.setenv("CEEATLAS_REPO_URL", REPO_URL)
    assert repo_url() == REPO_URL


def test_repository_address_is_written_once():
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs a git checkout")
    found = subprocess.run(
        # --untracked: a new file counts before it is committed
        ["git", "grep", "--untracked", "-l", "-F", _placeholder().removeprefix("https://")],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode in (0, 1), found.stderr
    # The setting, and the README that documents it; nothing else may fall back to the placeholder.
    files = set(found.stdout.split())
    assert "mkdocs.yml" in files and files <= {"mkdocs.yml", "README.md"}, files


# ---------------------------------------------------------------------------------------
# The built site
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("report-data")
    write_synthetic_data(data)
    site = tmp_path_factory.mktemp("report-site")
    result = build_site(site, data, site_url=SITE_URL, repo_url=REPO_URL)
    assert result.returncode == 0, result.stderr
    return site


def _report_links(soup: BeautifulSoup) -> list:
    return [a for a in soup.find_all("a", href=True) if "/issues/new" in a["href"]]


@pytest.mark.build
def test_every_page_has_one_report_link_for_itself(built):
    checked = set()
    for html_file in sorted(built.rglob("*.html")):
        path = html_file.relative_to(built).as_posix()
        soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
        links = _report_links(soup)
        if path == "404.html":
            assert links == []  # served at any mistyped address: no page of its own to report
            continue
        assert path.endswith("index.html"), path
        assert len(links) == 1, (path, len(links))
        link = links[0]
        assert link.get_text(strip=True) == REPORT_TEXT, path
        base, query = _query(link["href"])
        address = SITE_URL + path.removesuffix("index.html")
        assert base == REPO_URL + "/issues/new", path
        assert query == {
            "template": REPORT_FORM,
            PAGE_URL_FIELD: address,
            PAGE_TITLE_FIELD: soup.title.get_text(),
        }, path
        canonical = soup.find("link", rel="canonical")
        if canonical is not None:  # the theme's pages; the ruling lists are noindex
            assert canonical["href"] == address, path
        checked.add(path)
    # The theme's pages and every kind of plain HTML ruling list.
    for path in (
        "index.html",
        "centers/machinery/index.html",
        "rulings/index.html",
        "rulings/hts/index.html",
        "rulings/hts/6109/index.html",
        "rulings/unassigned/index.html",
    ):
        assert path in checked
    assert len(checked) > 40


@pytest.mark.build
def test_built_pages_use_the_configured_repository_only(built):
    placeholder = _placeholder()
    for html_file in built.rglob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        assert placeholder not in html, html_file
        assert 'data-md-component="source"' not in html, html_file  # would call api.github.com
    home = BeautifulSoup((built / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.select_one(".md-header__source a.md-source")["href"] == REPO_URL


@pytest.mark.build
def test_build_without_repo_url_fails(tmp_path):
    config = tmp_path / "mkdocs.yml"
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    text, removed = re.subn(r"^repo_url: .*\n", "", text, flags=re.MULTILINE)
    assert removed == 1
    text = text.replace("docs_dir: docs", f"docs_dir: {REPO / 'docs'}")
    text = text.replace("hooks/atlas.py", str(REPO / "hooks/atlas.py"))
    text = text.replace("custom_dir: overrides", f"custom_dir: {REPO / 'overrides'}")
    text = re.sub(r"\nwatch:\n(  - .*\n)+", "\n", text)  # watch paths are relative to the real config
    config.write_text(text, encoding="utf-8")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config)]
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "CEEATLAS_CENTERS_DIR": str(REPO / "centers"),
        "CEEATLAS_DATA_DIR": str(tmp_path / "data"),
        "CEEATLAS_CACHE_DIR": str(tmp_path / "cache"),
    }
    result = subprocess.run(
        [*command, "--site-dir", str(tmp_path / "site")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode != 0
    assert "mkdocs.yml needs repo_url" in result.stderr
