"""Pure parsers on fixtures: CROSS rows in every variant, the ICP listing page."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ceeatlas.models import IcpScope, RulingStatus
from ceeatlas.sources import cross, icp

from . import real
from .fakes import ICP_LISTING, ICP_LISTING_CHANGED

TODAY = dt.date(2026, 11, 23)
BASE = "https://rulings.cbp.gov"

# Shapes reported by public clients of CROSS (research: cross_record_shape_examples.json).
MINIMAL_ROW = {
    "id": 0,
    "rulingNumber": "N303574",
    "subject": "The tariff classification of a drone kit from China",
    "categories": "Classification",
    "rulingDate": "2019-04-29T00:00:00",
}
FULL_ROW = {
    "id": 0,
    "rulingNumber": "N286124",
    "subject": "two battery packs",
    "categories": "Classification",
    "rulingDate": "2017-06-08T00:00:00",
    "isUsmca": False,
    "isNafta": False,
    "collection": "ny",
    "relatedRulings": [],
    "modifiedBy": [],
    "modifies": [],
    "revokedBy": [],
    "revokes": [],
    "tariffs": "8506.50.0000, 8507.60.0020",
    "operationallyRevoked": False,
    "commodityGrouping": "",
}


def test_minimal_row_without_collection_or_tariffs():
    ruling = cross.parse_row(MINIMAL_ROW, fetched_at=TODAY)
    assert ruling.collection == "NY" and ruling.tariffs == [] and ruling.status is RulingStatus.active
    assert ruling.source_url == "https://rulings.cbp.gov/ruling/N303574"


def test_real_row_without_tariffs():
    # Beside the invented minimal row: a REAL recorded row of an origin ruling (captures/).
    ruling = cross.parse_row(real.row("N363985"), fetched_at=TODAY)
    assert ruling.collection == "NY" and ruling.tariffs == [] and ruling.status is RulingStatus.active
    assert ruling.source_url == "https://rulings.cbp.gov/ruling/N363985"


def test_real_row_with_string_tariffs_and_a_center_label():
    # Beside the invented full row: a REAL row with two tariffs and CBP's Center code.
    ruling = cross.parse_row(real.row("N358469"), fetched_at=TODAY)
    assert len(ruling.tariffs) == 2 and {t[:4] for t in ruling.tariffs} == {"6106", "6114"}
    assert ruling.cbp_center_code == "CEE008"


def test_full_row_with_string_tariffs():
    ruling = cross.parse_row(FULL_ROW, fetched_at=TODAY)
    assert ruling.tariffs == ["8506.50.0000", "8507.60.0020"]
    assert ruling.date == dt.date(2017, 6, 8)


@pytest.mark.parametrize(
    ("tariffs", "expected", "unparsed"),
    [
        (["8543.70.9860"], ["8543.70.9860"], []),
        ("8543.70.9860,8543.70.9860", ["8543.70.9860"], []),
        ("", [], []),
        (None, [], []),
        ("6109.10.00.40", ["6109.10.0040"], []),
        # A shorter number keeps its length: padding would invent a statistical suffix.
        ("9817.00.96", ["9817.00.96"], []),
        ("9802.00.50.60", ["9802.00.5060"], []),
        ("8471.30, n/a", ["8471.30"], ["n/a"]),
    ],
)
def test_tariff_variants(tariffs, expected, unparsed):
    assert cross.normalise_tariffs(tariffs) == (expected, unparsed)


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"revokedBy": ["H249299"]}, RulingStatus.revoked),
        ({"operationallyRevoked": True}, RulingStatus.operationally_revoked),
        ({"modifiedBy": ["H300000"]}, RulingStatus.modified),
        ({"modifiedBy": ["H300000"], "revokedBy": ["H300001"]}, RulingStatus.revoked),
    ],
)
def test_status(changes, status):
    assert cross.parse_row({**FULL_ROW, **changes}, fetched_at=TODAY).status is status


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("NY N305619", "N305619"),
        ("n317442", "N317442"),
        ("HQ 966328", "966328"),
        (" W968156 ", "W968156"),
        ("I84264", "I84264"),
    ],
)
def test_ruling_numbers(raw, number):
    assert cross.normalise_number(raw) == number


def test_cross_references_lose_prefixes_and_case():
    ruling = cross.parse_row(
        {**FULL_ROW, "revokedBy": ["hq h249299", "bogus!"], "relatedRulings": "N1, NY N286125"},
        fetched_at=TODAY,
    )
    assert ruling.revoked_by == ["H249299"]
    assert ruling.related == ["N286125"]


def test_upper_case_collection_and_flags():
    ruling = cross.parse_row({**FULL_ROW, "collection": "HQ", "isUsmca": True}, fetched_at=TODAY)
    assert ruling.collection == "HQ" and ruling.usmca is True


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], "expected an object"),
        ({"totalHits": 3}, "no 'rulings' list"),
        ({"rulings": []}, "integer 'totalHits'"),
        ({"rulings": ["x"], "totalHits": 1}, "other than objects"),
    ],
)
def test_search_shape_errors(payload, message):
    with pytest.raises(cross.ParseError, match=message):
        cross.parse_search(payload)


def test_detail_and_recent():
    number, text, url = cross.parse_detail(
        {"rulingNumber": "n317442", "text": "Line\r\nTwo", "url": "/docs/ny/2021/n317442", "tariffs": None}
    )
    assert (number, text, url) == ("N317442", "Line\nTwo", "/docs/ny/2021/n317442")
    recent = cross.parse_recent(
        json.loads('[{"rulingNumber":"H337323","dateModified":"3/12/2026","collection":"HQ"}, 5]')
    )
    assert recent == [("H337323", dt.date(2026, 3, 12))]


# -- ICP listing (SYNTHETIC fixture page) -------------------------------------------------


def test_icp_listing_parses_links_under_main():
    items = icp.parse_listing(
        ICP_LISTING, "https://www.cbp.gov/trade/rulings/informed-compliance-publications", TODAY
    )
    titles = [item.title for item in items]
    assert "Reasonable Care" in titles  # series prefix removed
    assert not any("Menu PDF" in title for title in titles)  # outside <main>
    assert not any(item.url.startswith("javascript") for item in items)
    hats = next(item for item in items if "Hats" in item.title)
    assert hats.hts == ["6505"] and hats.scope is IcpScope.commodity and hats.kind == "pdf"
    assert hats.url == "https://www.cbp.gov/sites/default/files/documents/hats.pdf"
    assert hats.group == "Commodity"
    care = next(item for item in items if item.title == "Reasonable Care")
    assert care.scope is IcpScope.general and care.dates == ["January 2017"] and care.kind == "document"
    tariff = next(item for item in items if item.title == "Tariff Classification")
    assert tariff.dates == ["May 2004", "March 2017"]


def test_icp_listing_fails_loudly_when_the_layout_changes():
    with pytest.raises(icp.ParseError, match="layout has probably changed"):
        icp.parse_listing(ICP_LISTING_CHANGED, "https://www.cbp.gov/x", TODAY)
    with pytest.raises(icp.ParseError, match="no <main>"):
        icp.parse_listing("<html><body><p>nothing</p></body></html>", "https://www.cbp.gov/x", TODAY)


@pytest.mark.parametrize(
    ("title", "hts"),
    [
        ("Classification of Hats and Other Headgear under HTSUS Heading 6505", ["6505"]),
        ("Classification and Marking of Pipe Fittings under Heading 7307", ["7307"]),
        ("Beauty and Skin Care Products of Heading 3304", ["3304"]),
        ("Articles of Chapter 71", ["71"]),
        ("Reasonable Care", []),
    ],
)
def test_hts_named_in_titles(title, hts):
    assert icp.hts_in_title(title) == hts
