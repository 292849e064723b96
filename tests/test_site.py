"""Generated pages, rendered without MkDocs: escaping, empty states and markers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ceeatlas.pulled import PulledData, PulledDataError, load_pulled
from ceeatlas.site import LOOKUP_JSON, LOOKUP_PAGE, cell, generate, link, safe_url


@pytest.fixture(scope="module")
def site(curated, tmp_path_factory):
    return generate(curated, load_pulled(tmp_path_factory.mktemp("empty-data")))


def test_cell_escapes_html_and_table_syntax():
    assert cell("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert cell("a | b\nc") == "a &#124; b c"
    assert cell("*bold* [x](y)") == r"\*bold\* \[x\](y)"


def test_links_allow_only_http_urls():
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,hi") is None
    assert link("click", "javascript:alert(1)") == "click"
    assert link("t", "https://example.org/a b(c)") == "[t](https://example.org/a%20b%28c%29)"


def test_one_page_per_center(site, curated):
    assert len(site.center_pages) == 10
    for center_id in curated.centers:
        page = site.pages[f"centers/{center_id}.md"]
        assert "## HTS scope" in page
        assert "No rulings pulled yet." in page
        assert "No Informed Compliance Publications pulled yet." in page
        assert "may apply" in page


def test_approximate_rows_are_labelled(site):
    page = site.pages["centers/apparel-footwear-textiles.md"]
    assert "**Approximate** (inferred; confirm with the Center)" in page
    phc = site.pages["centers/pharmaceuticals-health-chemicals.md"]
    # The row in the schedule's words: the site fixture has no HTSUS release, so the column is empty.
    assert "| 4014 |  | heading | CBP notice |" in phc


def test_uncertain_facts_say_so(site):
    electronics = site.pages["centers/electronics.md"]
    assert "Los Angeles or Long Beach, CA" in electronics
    assert "| **Uncertain** |" in electronics


def test_lookup_json_is_small_and_complete(site, curated):
    payload = json.loads(site.assets[LOOKUP_JSON])
    assert len(site.assets[LOOKUP_JSON].encode()) < 50_000
    assert set(payload["centers"]) == set(curated.centers)
    assert len(payload["chapters"]) == 99
    assert len(payload["rows"]) == len(curated.scope.rows)


def test_lookup_page_works_without_javascript(site):
    page = site.pages[LOOKUP_PAGE]
    assert '<form id="hts-lookup"' in page
    assert "<noscript>" in page
    assert "| 61 | Articles of apparel and clothing accessories, knitted or crocheted | XI |" in page
    assert "4014: [Pharmaceuticals, Health &amp; Chemicals](pharmaceuticals-health-chemicals.md)" in page


def test_markers_render_relative_links(site):
    assert "(centers/electronics.md)" in site.render_marker("centers-list", "index.md")
    assert "(../centers/electronics.md)" in site.render_marker("centers-list", "guides/index.md")
    assert "no rulings or publications pulled yet" in site.render_marker("data-date", "index.md")


def test_pulled_manifest_feeds_the_pages(curated, tmp_path):
    (tmp_path / "manifest.json").write_text(
        json.dumps({"as_of": "2026-11-01", "sources": {"cross": {"count": 3}}}), encoding="utf-8"
    )
    pulled = load_pulled(tmp_path)
    assert pulled.count("cross") == 3
    site = generate(curated, pulled)
    assert "pulled data as of **November 1, 2026**" in site.render_marker("data-date", "index.md")


def test_broken_manifest_names_the_file(tmp_path):
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(PulledDataError, match="manifest.json"):
        load_pulled(tmp_path)


def test_empty_data_folder_is_fine(tmp_path):
    assert load_pulled(tmp_path / "missing") == PulledData(root=tmp_path / "missing")
    assert Path(tmp_path).exists()


def test_every_center_name_carries_its_source(site, curated):
    """The "Official name" row states a certainty and a source like every other fact."""
    for center_id, center in curated.centers.items():
        row = next(
            line
            for line in site.pages[f"centers/{center_id}.md"].splitlines()
            if line.startswith("| Official name |")
        )
        assert "Confirmed" in row and "open-final-three" in row, row
        assert center.name_certainty == "confirmed"
