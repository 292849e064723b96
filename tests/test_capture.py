"""The CROSS parser on REAL recorded responses (captures/cross-2026): every row parses, and each
quirk of the real data is handled as the site promises."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from ceeatlas.sources import cross

from . import real

BASE = "https://rulings.cbp.gov"
CAPTURED = dt.date(2026, 9, 28)


def _parse(row: dict):
    return cross.parse_row(row, fetched_at=CAPTURED, capture="cross-2026")


def test_every_recorded_search_page_and_row_parses():
    rows = 0
    for payload in real.search_pages():
        page = cross.parse_search(payload)
        assert page.total_hits == 1828
        rows += len(page.rows)
    rulings = [_parse(row) for row in real.search_rows()]
    assert rows == len(rulings) == 1828
    numbers = Counter(ruling.number for ruling in rulings)
    assert len(numbers) == 1816  # 12 rows repeat where two pages overlap
    assert all(ruling.capture == "cross-2026" and ruling.fetched_at == CAPTURED for ruling in rulings)
    assert min(r.date for r in rulings) == dt.date(2026, 1, 2)
    assert max(r.date for r in rulings) == dt.date(2026, 8, 14)


def test_a_real_row_without_tariff_or_grouping():
    # Search rows carry id 0; an origin ruling has no tariff at all.
    row = real.row("N362641")
    assert row["id"] == 0 and row["tariffs"] == "" and row["commodityGrouping"] == ""
    ruling = _parse(row)
    assert ruling.tariffs == [] and ruling.cbp_center_code is None
    assert ruling.categories == ["Trade"] and ruling.usmca is True
    # Related rulings as CROSS gives them: an old number without a letter, and an HQ number.
    assert ruling.related == ["957165", "H238494"]


def test_eight_digit_and_chapter_98_numbers_keep_their_length():
    rows = [row for row in real.search_rows() if "9817.00.96" in row["tariffs"]]
    assert rows
    ruling = _parse(rows[0])
    assert "9817.00.96" in ruling.tariffs  # never padded to an invented 9817.00.9600
    assert all(len(t.replace(".", "")) in (8, 10) for r in real.search_rows() for t in _parse(r).tariffs)


def test_the_ruling_with_twelve_tariffs():
    ruling = _parse(real.row("N357251"))
    assert len(ruling.tariffs) == 12 and {t[:2] for t in ruling.tariffs} == {"91"}


def test_categories_and_subjects_as_cbp_writes_them():
    ruling = _parse(real.row("N357180"))
    assert ruling.categories == ["Classification", "Origin", "Trade"]
    subjects = [_parse(row).subject for row in real.search_rows()]
    assert any("’" in subject for subject in subjects)  # curly quotes kept as they are
    assert any("&" in subject for subject in subjects)
    assert any(subject.endswith(".") for subject in subjects)


@pytest.mark.parametrize(
    ("number", "code"),
    [("N363339", "CEE007"), ("N358469", "CEE008"), ("N355198", "CEE001"), ("N359916", "CEE010")],
)
def test_cbp_center_code_from_the_search_row(number, code):
    ruling = _parse(real.row(number))
    assert ruling.cbp_center_code == code and ruling.cbp_center_code_from == "search"


def test_the_26_labelled_rulings():
    labelled = {r.number: r.cbp_center_code for r in map(_parse, real.search_rows()) if r.cbp_center_code}
    assert len(labelled) == 26
    assert Counter(labelled.values()) == {
        "CEE008": 16,
        "CEE004": 4,
        "CEE001": 2,
        "CEE007": 2,
        "CEE005": 1,
        "CEE010": 1,
    }


def test_a_real_detail_response():
    payload = real.detail("N363339")
    assert payload["commodityGrouping"] is None and payload["id"] != 0
    number, text, url = cross.parse_detail(payload)
    assert number == "N363339" and url is None  # the capture removed the expired download link
    assert "\r\n" not in text
    # When only the detail is at hand, the Center code comes from the control number.
    assert cross.center_code_in_letter(text) == "CEE007"
    assert cross.center_code_in_letter(cross.parse_detail(real.detail("N351409"))[1]) is None


def test_a_ruling_known_only_from_its_detail_gets_the_label_from_the_letter():
    ruling = _parse(real.detail("N363339"))  # a detail response parsed as the record at hand
    assert ruling.cbp_center_code is None
    _, text, _ = cross.parse_detail(real.detail("N363339"))
    enriched = cross.with_letter(ruling, text)
    assert enriched.cbp_center_code == "CEE007" and enriched.cbp_center_code_from == "letter"


@pytest.mark.parametrize(
    ("number", "numbers", "rule"),
    [
        # "Classification: 5603.93.0090" heads the letter, and the holding repeats it.
        ("N357180", ["5603.93.0090"], "stated"),
        # Jewelry returned under 9802: the goods' own number, never the chapter 98 one.
        ("N357273", ["7113.19.50"], "stated"),
        # An origin letter for bed linen: the goods "are classified under subheading 6302.21 ...
        # if printed"; the 19 CFR 102.21 list it quotes (6117.10, 6302.22, ...) is not taken.
        ("N357002", ["6302.21"], "classified"),
        # Pillows: the only numbers are in the quoted rule of origin, so none is taken.
        ("N357087", [], None),
    ],
)
def test_goods_numbers_read_from_real_letters(number, numbers, rule):
    _, text, _ = cross.parse_detail(real.detail(number))
    assert cross.goods_numbers(text) == (numbers, rule)


def test_goods_numbers_agree_with_cross_where_cross_lists_tariffs():
    """Ground truth: for every recorded letter whose search row lists tariffs, the number read from
    the letter falls under a heading CROSS lists."""
    checked = 0
    for number in real.detail_numbers():
        row = real.row(number)
        listed = {t.strip()[:4] for t in row["tariffs"].split(",") if t.strip() and t.strip()[:2] <= "97"}
        if not listed:
            continue
        found, _ = cross.goods_numbers(cross.parse_detail(real.detail(number))[1])
        assert {n[:4] for n in found} <= listed, number
        checked += bool(found)
    assert checked >= 50


def test_with_letter_routes_only_rulings_whose_own_numbers_route_nowhere():
    _, text, _ = cross.parse_detail(real.detail("N357180"))
    with_tariffs = _parse({**real.row("N357180"), "tariffs": "5603.93.0090"})
    assert cross.with_letter(with_tariffs, text).letter_tariffs == []
    without = _parse(real.row("N357180"))
    assert cross.with_letter(without, text).letter_tariffs == ["5603.93.0090"]
    _, pillows, _ = cross.parse_detail(real.detail("N357087"))
    assert cross.with_letter(_parse(real.row("N357087")), pillows).letter_rule == "none"
