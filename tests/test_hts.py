"""HTS normalisation and formatting, with property-based tests over random codes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ceeatlas.hts import HtsFormatError, cross_form, htsus_form, level_name, normalise

ten_digit_codes = st.builds(
    lambda chapter, rest: f"{chapter:02d}{rest:08d}",
    st.integers(min_value=1, max_value=99),
    st.integers(min_value=0, max_value=99_999_999),
)


@pytest.mark.parametrize(
    "raw",
    [
        "6109.10.00.40",
        "6109.10.0040",
        "6109100040",
        " 6109 10 00 40 ",
        "HTS 6109.10.00.40",
        "htsus: 6109-10-00-40",
    ],
)
def test_common_forms_of_one_number(raw):
    assert normalise(raw) == "6109100040"


@pytest.mark.parametrize(
    ("raw", "digits", "level"),
    [
        ("6109.10", "610910", "subheading"),
        ("6109", "6109", "heading"),
        ("61", "61", "chapter"),
        ("8703.23.01", "87032301", "tariff rate line"),
    ],
)
def test_shorter_levels(raw, digits, level):
    assert normalise(raw) == digits
    assert level_name(digits) == level


def test_the_two_printed_forms():
    assert htsus_form("6109100040") == "6109.10.00.40"
    assert cross_form("6109100040") == "6109.10.0040"
    assert htsus_form("610910") == cross_form("610910") == "6109.10"
    assert cross_form("61091000") == "6109.10.00"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter an HTS number"),
        ("abc", "only digits"),
        ("6109.10.00.40.12", "at most 10 digits"),
        ("101", "leading zero"),
        ("6109100", "not a complete HTS level"),
        ("0012", "no HTS chapter 00"),
        ("<script>", "only digits"),
    ],
)
def test_bad_input_gets_a_plain_message(raw, message):
    with pytest.raises(HtsFormatError, match=message):
        normalise(raw)


@given(ten_digit_codes)
def test_every_form_normalises_to_the_same_digits(digits):
    if digits.startswith("00"):
        return
    for form in (htsus_form(digits), cross_form(digits), digits, digits[:4] + " " + digits[4:]):
        assert normalise(form) == digits


@given(ten_digit_codes, st.sampled_from([2, 4, 6, 8, 10]))
def test_truncation_keeps_a_prefix(digits, length):
    if digits.startswith("00"):
        return
    prefix = digits[:length]
    assert normalise(htsus_form(prefix)) == prefix
    assert htsus_form(prefix).replace(".", "") == prefix
    assert cross_form(prefix).replace(".", "") == prefix


@given(st.text(max_size=30))
def test_normalise_never_crashes_on_junk(raw):
    try:
        digits = normalise(raw)
    except HtsFormatError:
        return
    assert digits.isdigit() and len(digits) in (2, 4, 6, 8, 10)
