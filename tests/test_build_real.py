"""A strict build of the site as a fresh clone builds it: the committed data/, seeded from the REAL
CROSS capture and ICP catalogue (captures/). Nothing recorded is lost on the way to the pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ceeatlas.curated import load_curated
from ceeatlas.pulled import ace_code_map, load_pulled, route

from . import real
from .conftest import CENTERS_DIR, REPO
from .fakes import build_site

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("real-site")
    result = build_site(site, REPO / "data")
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="module")
def routing():
    curated = load_curated(CENTERS_DIR)
    return route(load_pulled(REPO / "data"), curated.scope, curated.hts, ace_code_map(curated.centers))


def _page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def test_every_recorded_ruling_reaches_the_site(built):
    """0 lost: each ruling of the capture is in the Find rulings data or on the Unassigned list."""
    found = set()
    for path in (built / "assets" / "rulings" / "docs").glob("*.json"):
        found.update(row[0] for row in json.loads(path.read_text("utf-8")))
    unassigned = _page(built, "rulings/unassigned")
    listed = set(re.findall(r"ruling/(N\d{6})", unassigned))
    assert len(found) == 1816
    missing = real.capture_numbers() - found
    assert not missing
    assert listed <= found


def test_the_snapshot_is_described_where_rulings_are_shown(built):
    for path in ("", "rulings", "about", "rulings/find", "centers/electronics"):
        text = re.sub(r"<[^>]+>", "", _page(built, path))
        assert "1,816 NY rulings dated January 2, 2026 to August 14, 2026" in text, path
        assert "about 220,000" in text and "make pull" in text, path


def test_unassigned_rulings_are_grouped_by_reason(built, routing):
    page = _page(built, "rulings/unassigned")
    assert 350 <= len(routing.unassigned) <= 460
    assert f"{len(routing.unassigned)} rulings." in page
    assert "Only chapter 98 or 99 numbers" in page and "No tariff number in CROSS" in page


def test_heading_pages_give_the_official_description(built, routing):
    page = _page(built, "rulings/hts/7113")
    assert "Heading 7113: Articles of jewelry and parts thereof, of precious metal" in page
    assert "HTSUS 2026 Revision 10)." in page
    assert f"{len(routing.by_heading['7113'])} rulings name a tariff number" in page


def test_subjects_cross_left_empty_or_ran_on_are_shown_plainly(built):
    row = next(line for line in _page(built, "rulings/hts/8415").splitlines() if "N359690" in line)
    assert "(CROSS gives no subject)" in row
    row = next(line for line in _page(built, "rulings/unassigned").splitlines() if "N357726" in line)
    assert "… (shortened here; read it on CROSS)" in row and len(row) < 1200


def test_rulings_routed_by_the_letter_are_labelled(built, routing):
    assert len(routing.by_letter) >= 70
    page = _page(built, "rulings/hts/5603")
    row = next(line for line in page.splitlines() if "N357180" in line)
    assert "5603.93.00.90 (routed by a number in the letter text)" in row


def test_cbp_label_is_shown_beside_heading_routing(built, routing):
    page = _page(built, "centers/consumer-products-mass-merchandising")
    assert "Rulings in which CBP names this Center" in page and "can disagree" in page
    # CBP names Consumer Products on a ruling for women's knit garments (6106, 6114), which the
    # headings route to Apparel, Footwear &amp; Textiles: both are shown.
    assert "N358469" in page.split('id="rulings-in-which-cbp-names-this-center"')[1]
    assert "N358469" in _page(built, "rulings/hts/6106")
    assert "CBP names: Consumer Products &amp; Mass Merchandising" in _page(built, "rulings/hts/6106")
    assert len(routing.named_by_cbp["consumer-products-mass-merchandising"]) == 16
    assert not routing.unknown_cbp_codes


def test_long_center_lists_are_capped_and_linked_to_the_whole_list(built, routing):
    # Consumer Products carries CBP's label on 16 real rulings, more than a Center page shows
    # (15): the page shows the newest and links to a page with all of them.
    center = "consumer-products-mass-merchandising"
    page = _page(built, f"centers/{center}")
    named = routing.named_by_cbp[center]
    section = page.split('id="rulings-in-which-cbp-names-this-center"')[1].split("<h3")[0]
    assert "The 15 newest of 16" in section
    assert f'href="../../rulings/centers/{center}/#named-by-cbp"' in section
    assert [r.number for r in named[:15]] == re.findall(r">NY (N\d+)</a>", section)
    whole = _page(built, f"rulings/centers/{center}")
    listed = whole.split('id="named-by-cbp"')[1].split("<h2")[0]
    assert sorted(re.findall(r">NY (N\d+)</a>", listed)) == sorted(r.number for r in named)
    stale = [r for r in routing.by_center[center] if r.number in routing.not_current]
    listed = whole.split('id="not-current"')[1].split("<h2")[0]
    assert stale and len(re.findall(r"<tr><td>", listed)) == len(stale)


def test_feeds_and_open_data_hold_the_rulings(built):
    lines = (built / "downloads" / "rulings.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 1816
    record = next(json.loads(line) for line in lines if '"N357180"' in line)
    assert record["letter_tariffs"] == ["5603.93.0090"] and record["capture"] == "cross-2026"
    assert record["routed_by"] == "letter" and record["headings"] == ["5603"]
    feed = (built / "feeds" / "centers" / "electronics.xml").read_text("utf-8")
    assert feed.count("<entry>") >= 10


def test_icp_seed_is_shown_with_its_evidence(built):
    page = re.sub(r"<[^>]+>", "", _page(built, "guides/icps"))
    assert "not read from CBP" in page and "not checked live" in page
    assert "Title seen only on a 2016 capture" in page
    assert "Placed by this project from its subject" in page


def test_figures_on_the_pages_equal_the_downloads(built):
    stats = json.loads((built / "downloads" / "center-stats.json").read_text("utf-8"))
    assert (
        stats["coverage"]["rulings"] == 1816
        and stats["coverage"]["htsus_release"] == "HTSUS 2026 Revision 10"
    )
    assert stats["coverage"]["first"] == "2026-01-02" and stats["coverage"]["last"] == "2026-08-14"
    csv_lines = (built / "downloads" / "center-stats.csv").read_text("utf-8").splitlines()
    assert len(csv_lines) == 11 and csv_lines[0].startswith("center,")
    compare = _page(built, "centers/compare")
    for record in stats["centers"]:
        page = _page(built, f"centers/{record['center']}")
        numbers = page.split('id="in-numbers"')[1].split("</table>")[0]
        # The "In numbers" table as {figure: value}, tags stripped.
        cells = {
            re.sub(r"<[^>]+>", "", label).strip(): re.sub(r"<[^>]+>", "", value).strip()
            for label, value in re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*</tr>", numbers, re.S)
        }
        center = record["center"]
        assert cells["Rulings routed here by HTS heading"].split(",")[0] == f"{record['rulings']:,}" or (
            record["rulings"] == 0 and cells["Rulings routed here by HTS heading"] == "0"
        ), center
        assert cells["In which CBP's own label names this Center"].split(",")[0] == str(
            record["named_by_cbp"]
        )
        assert cells["Modified / revoked (as of the data)"] == f"{record['modified']} / {record['revoked']}"
        assert cells["Citing a number not in the current HTSUS"] == str(record["not_current"]), center
        assert cells["Informed Compliance Publications placed here"] == str(record["icps"]), center
        assert cells["Agencies whose rules may apply"] == str(record["agencies"]), center
        assert f"{record['headings']}</a>, {100 * record['heading_share']:.1f}% of all" in numbers
        assert f"{record['stat_lines']:,}, {100 * record['stat_line_share']:.1f}% of all" in numbers
        row = next(
            line for line in compare.split("<tr>") if f'href="../{record["center"]}/#in-numbers"' in line
        )
        assert f">{record['rulings']:,}</a>" in row and f"{100 * record['heading_share']:.1f}%" in row
    assert sum(record["rulings"] for record in stats["centers"]) >= 1816 - stats["unassigned"]


def test_charts_are_valid_svg_with_title_and_summary(built):
    import xml.etree.ElementTree as ET

    count = 0
    for page in ("centers/compare", "rulings", *(f"centers/{c}" for c in ("electronics", "machinery"))):
        html = _page(built, page)
        for svg in re.findall(r'<svg class="atlas-chart".*?</svg>', html, flags=re.S):
            root = ET.fromstring(svg)
            ns = "{http://www.w3.org/2000/svg}"
            assert root.get("role") == "img" and root.find(f"{ns}title").text and root.find(f"{ns}desc").text
            count += 1
    assert count >= 8


def test_no_caption_markup_leaks_into_pages(built):
    for path in built.rglob("index.html"):
        assert "///" not in re.sub(r"https?://\S+", "", path.read_text("utf-8")), path


def test_the_chapter_browse_shows_every_heading_in_its_own_chapter(built):
    from ceeatlas.htsus import load_schedule

    schedule = load_schedule(REPO / "data")
    for chapter in ("28", "71", "72"):
        page = _page(built, f"hts/{chapter}")
        numbers = set(re.findall(r"\?hts=([\d.]+)", page))
        for heading, index in schedule.headings.items():
            if heading[:2] == chapter:
                assert schedule.lines[index].htsno in numbers, heading
        # a heading without a row of its own (2802), a subheading written as its one line (2801.10)
        assert chapter != "28" or {"2802.00.00.00", "2801.10.00.00"} <= numbers
    # A subchapter's title opens its own chapter, not the end of the one before.
    assert "I. PRIMARY MATERIALS" not in _page(built, "hts/71")
    assert "I. PRIMARY MATERIALS" in _page(built, "hts/72")
    assert "Machinery; Electronics" in _page(built, "hts")
