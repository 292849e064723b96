"""A strict build over SYNTHETIC pulled data: routing, heading pages, and untrusted text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .fakes import build_site, write_synthetic_data

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("synthetic-data")
    write_synthetic_data(data)
    site = tmp_path_factory.mktemp("site")
    result = build_site(site, data)
    assert result.returncode == 0, result.stderr
    return site


def _html(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def test_a_ruling_with_two_headings_appears_under_both_centers(built):
    assert "N900001" in _html(built, "centers/apparel-footwear-textiles")
    assert "N900001" in _html(built, "centers/electronics")
    assert "N900001" not in _html(built, "centers/machinery")


def test_heading_pages_exist_and_stay_out_of_the_nav(built):
    page = _html(built, "rulings/hts/6109")
    assert "N900001" in page and "N900002" in page and "6109.10.00.40" in page
    assert "rulings/hts/" not in _html(built, "centers/lookup").split('<div class="md-content"')[0]


def test_unroutable_rulings_are_listed_not_dropped(built):
    page = _html(built, "rulings/unassigned")
    assert "N900003" in page and "No tariff number in CROSS" in page
    assert "N900004" in page and "Only chapter 98 or 99 numbers" in page


def test_status_in_words_and_link_to_cross(built):
    page = _html(built, "rulings/hts/6109")
    assert "<td>Revoked by H900009</td>" in page
    assert 'href="https://rulings.cbp.gov/ruling/N900001"' in page


def test_untrusted_text_is_escaped_everywhere(built):
    for html_file in built.rglob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        assert "<script>alert('x')</script>" not in html, html_file
        assert 'href="javascript:' not in html, html_file
    page = _html(built, "rulings/hts/6109")
    assert "&lt;script&gt;alert" in page
    catalogue = _html(built, "guides/icps")
    assert "&lt;script&gt;alert" in catalogue


def test_icps_and_link_checks_on_pages(built):
    aft = _html(built, "centers/apparel-footwear-textiles")
    assert "&lt;script&gt;alert" in aft  # the commodity ICP naming heading 6505
    agencies = _html(built, "guides/agencies")
    assert "<strong>Broken</strong> (HTTP 404) since 2026-11-02" in agencies
    assert "Not checked yet" in agencies


def test_heading_pages_are_not_in_search(built):
    index = json.loads((built / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not any(doc["location"].startswith("rulings/hts/") for doc in index["docs"])


ATOM = "{http://www.w3.org/2005/Atom}"


def _check_atom(path: Path) -> list:
    """The RFC 4287 rules a feed reader relies on: ids, titles, updated stamps, self link."""
    import datetime as dt
    import xml.etree.ElementTree as ET

    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    assert root.find(f"{ATOM}author/{ATOM}name").text
    assert any(link.get("rel") == "self" for link in root.findall(f"{ATOM}link"))
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        for tag in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{tag}") is not None and entry.find(f"{ATOM}{tag}").text, tag
        dt.datetime.strptime(entry.find(f"{ATOM}updated").text, "%Y-%m-%dT%H:%M:%SZ")
        for link in entry.findall(f"{ATOM}link"):
            assert link.get("href", "").startswith(("http://", "https://"))
    return entries


def test_feeds_per_center_and_chapter_are_valid_atom(built):
    entries = _check_atom(built / "feeds" / "centers" / "apparel-footwear-textiles.xml")
    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert any("N900002 (Revoked)" in title for title in titles)
    assert any(title.startswith("Informed Compliance Publication") for title in titles)
    chapter = _check_atom(built / "feeds" / "chapters" / "61.xml")
    assert len(chapter) == 2
    for center in ("machinery", "electronics"):
        _check_atom(built / "feeds" / "centers" / f"{center}.xml")
    assert 'href="../../feeds/centers/apparel-footwear-textiles.xml"' in _html(
        built, "centers/apparel-footwear-textiles"
    )


def test_open_data_downloads_match_the_dictionary(built):
    import csv

    from ceeatlas.exports import OPEN_DATA_FIELDS

    lines = (built / "downloads" / "rulings.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["number"] for r in records] == ["N900001", "N900002", "N900003", "N900004", "N900005"]
    assert list(records[0]) == [name for name, _ in OPEN_DATA_FIELDS]
    assert records[0]["centers"] == ["apparel-footwear-textiles", "electronics"]
    with (built / "downloads" / "rulings.csv").open(encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == [name for name, _ in OPEN_DATA_FIELDS] and len(rows) == 6
    page = _html(built, "about/open-data")
    for name, _ in OPEN_DATA_FIELDS:
        assert f"<code>{name}</code>" in page


def test_ruling_tables_stay_out_of_site_search(built):
    index = json.loads((built / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = " ".join(doc["text"] for doc in index["docs"])
    assert "N900001" not in text and "N900005" not in text
    assert "Automotive" in text  # the knowledge pages are still searchable


def _outputs(site) -> dict[str, bytes]:
    from ceeatlas.site import OUTPUT_FOLDERS

    return {
        str(path.relative_to(site)): path.read_bytes()
        for folder in OUTPUT_FOLDERS
        for path in sorted((site / folder).rglob("*"))
        if path.is_file()
    }


def test_a_rebuild_keeps_unchanged_outputs_and_drops_stale_ones(tmp_path):
    """The second build into the same folder rewrites only what changed, deletes what the data
    no longer yields, and ends with the same files as a build into an empty folder."""
    from ceeatlas.models import Ruling
    from ceeatlas.store import read_jsonl, ruling_shard, write_jsonl

    from .fakes import DAY, build_site, write_synthetic_data

    data, site = tmp_path / "data", tmp_path / "site"
    write_synthetic_data(data)
    assert build_site(site, data).returncode == 0
    kept_page = site / "rulings" / "hts" / "6109" / "index.html"
    before = kept_page.stat().st_mtime_ns
    assert (site / "rulings" / "hts" / "8708" / "index.html").exists()

    shard = ruling_shard(data, DAY)
    write_jsonl(shard, [r for r in read_jsonl(shard, Ruling) if r.number != "N900005"])
    result = build_site(site, data)
    assert result.returncode == 0, result.stderr
    assert not (site / "rulings" / "hts" / "8708").exists()  # its only ruling is gone
    assert kept_page.stat().st_mtime_ns == before  # unchanged, so not rewritten
    assert not (site / ".atlas-kept").exists()

    fresh = tmp_path / "fresh"
    assert build_site(fresh, data).returncode == 0
    assert _outputs(site) == _outputs(fresh)
