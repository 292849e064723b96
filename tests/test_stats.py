"""The Center figures (ceeatlas.stats) on a small handmade, SYNTHETIC dataset where every count is
known, and the charts (ceeatlas.charts) as valid, labelled SVG."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ceeatlas import charts
from ceeatlas.htsus import load_schedule
from ceeatlas.models import Ruling
from ceeatlas.pulled import PulledData, ace_code_map, route
from ceeatlas.stats import compute

from .conftest import REPO


def _ruling(number, day, tariffs, **extra):
    return Ruling(
        number=number,
        collection=extra.pop("collection", "NY"),
        date=dt.date.fromisoformat(day),
        subject=f"SYNTHETIC ruling {number}",
        categories=extra.pop("categories", ["Classification"]),
        tariffs=tariffs,
        status=extra.pop("status", "active"),
        source_url=f"https://rulings.cbp.gov/ruling/{number}",
        fetched_at=dt.date(2026, 9, 1),
        **extra,
    )


@pytest.fixture(scope="module")
def figures(curated):
    rulings = [
        # Apparel (61, 62): three rulings, one of them also Electronics (8471), one revoked.
        _ruling("N900101", "2026-01-05", ["6109.10.0012"]),
        _ruling(
            "N900102", "2026-01-20", ["6204.62.0300", "8471.30.0100"], categories=["Classification", "Origin"]
        ),
        _ruling("N900103", "2026-03-02", ["6109.10.0012"], status="revoked", revoked_by=["H900900"]),
        # Electronics by the letter's number; CBP names Consumer Products on it.
        _ruling(
            "N900104",
            "2026-03-10",
            [],
            letter_tariffs=["8471.30.0100"],
            letter_rule="stated",
            cbp_center_code="CEE008",
            cbp_center_code_from="search",
            categories=["Origin"],
        ),
        # A number not in the release (6109.10.0099), dated before it: not current.
        _ruling("N900105", "2026-02-01", ["6109.10.0099"], status="modified", modified_by=["H900901"]),
        # Unassigned: only a chapter 98 number.
        _ruling("N900106", "2026-02-15", ["9817.00.96"]),
    ]
    rulings.sort(key=lambda r: (r.date, r.number), reverse=True)
    pulled = PulledData(
        root=Path(), manifest={"as_of": "2026-09-01"}, rulings=rulings, schedule=load_schedule(REPO / "data")
    )
    routing = route(pulled, curated.scope, curated.hts, ace_code_map(curated.centers))
    return compute(curated, pulled, routing, dt.date(2026, 12, 1))


def test_counts_per_center(figures):
    apparel = figures.center("apparel-footwear-textiles")
    assert (
        apparel.rulings == 4 and apparel.revoked == 1 and apparel.modified == 1 and apparel.not_current == 1
    )
    assert apparel.by_period == {"2026-01": 2, "2026-02": 1, "2026-03": 1}
    assert apparel.by_category == {"Classification": 4, "Origin": 1}
    assert apparel.top_headings == [("6109", 3), ("6204", 1)]
    electronics = figures.center("electronics")
    assert electronics.rulings == 2 and electronics.by_letter == 1
    assert electronics.by_category == {"Origin": 2, "Classification": 1}
    consumer = figures.center("consumer-products-mass-merchandising")
    assert consumer.rulings == 0 and consumer.named_by_cbp == 1 and consumer.named_elsewhere == 1
    assert figures.unassigned == 1 and figures.unassigned_by_period == {
        "2026-01": 0,
        "2026-02": 1,
        "2026-03": 0,
    }
    assert figures.periods == ["2026-01", "2026-02", "2026-03"] and figures.coverage.granularity == "month"


def test_shares_of_the_release(figures, curated):
    from ceeatlas.scope import resolve_heading

    schedule = load_schedule(REPO / "data")
    headings = [h for h in schedule.headings if int(h[:2]) <= 97]
    apparel = [h for h in headings if resolve_heading(curated.scope, h).center == "apparel-footwear-textiles"]
    item = figures.center("apparel-footwear-textiles")
    assert item.headings == len(apparel) and item.heading_share == round(len(apparel) / len(headings), 4)
    assert sum(f.headings for f in figures.centers) == len(headings)
    assert round(sum(f.heading_share for f in figures.centers), 2) == 1.0
    assert sum(f.stat_lines for f in figures.centers) == sum(
        1 for line in schedule.lines if len(line.digits) == 10 and line.digits[:4] in set(headings)
    )
    pharma = figures.center("pharmaceuticals-health-chemicals")
    assert pharma.headings_sourced > 100  # the 2015 CBP notice's ranges


def test_records_for_the_downloads(figures):
    records = figures.as_records()
    assert [r["center"] for r in records] == [f.center for f in figures.centers]
    apparel = next(r for r in records if r["center"] == "apparel-footwear-textiles")
    assert apparel["rulings_2026-01"] == 2 and apparel["top_headings"] == "6109:3;6204:1"


def test_charts_are_labelled_valid_svg():
    chart = charts.stacked_columns(
        "Rulings per month",
        "Most in March.",
        ["Jan 2026", "Feb 2026"],
        [("NY", [3, 0]), ("HQ <&>", [1, 2])],
        "c1",
    )
    root = ET.fromstring(chart.svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-t c1-d"
    assert (
        root.find(f"{ns}title").text == "Rulings per month"
        and root.find(f"{ns}desc").text == "Most in March."
    )
    assert len(root.findall(f"{ns}g/{ns}rect")) == 3  # zero values draw nothing
    bars = ET.fromstring(charts.bars("Shares", "s", [("A", 12.5)], "c2", value_format="{:.1f}%").svg)
    assert any(text.text == "12.5%" for text in bars.iter(f"{ns}text"))
