"""HTS numbers: normalise what people paste, and print the two forms CBP uses.

Traders copy HTS numbers from entry summaries, spreadsheets and the tariff schedule, so
the same code arrives as 6109.10.00.40 (HTSUS), 6109.10.0040 (CROSS), 6109100040 or
6109.10. Everything is reduced to digits first. CROSS matches tariff numbers literally in
its own 4.2.4 grouping, which is why `cross_form` exists.

>>> normalise("6109.10.00.40")
'6109100040'
>>> cross_form("6109100040")
'6109.10.0040'
>>> htsus_form("6109100040")
'6109.10.00.40'
"""

from __future__ import annotations

import re

VALID_LENGTHS = (2, 4, 6, 8, 10)
_ALLOWED = re.compile(r"^[\d\s.\-]+$")


class HtsFormatError(ValueError):
    """The input cannot be read as an HTS number; the message says why in plain words."""


def normalise(raw: str) -> str:
    """Return the digits of an HTS number (2, 4, 6, 8 or 10 of them).

    Accepts dots, spaces and hyphens as separators and an optional "HTS"/"HTSUS" prefix.
    An odd number of digits is rejected rather than guessed at: a dropped leading zero
    (0101 becoming 101 in a spreadsheet) would otherwise land in the wrong chapter.
    """
    text = raw.strip()
    text = re.sub(r"^(htsus|hts)\s*(no\.?|number|#)?\s*:?\s*", "", text, flags=re.IGNORECASE)
    if not text:
        raise HtsFormatError("Enter an HTS number, for example 6109.10.00.40.")
    if not _ALLOWED.match(text):
        raise HtsFormatError("An HTS number has only digits, dots or spaces, for example 6109.10.00.40.")
    digits = re.sub(r"\D", "", text)
    if len(digits) not in VALID_LENGTHS:
        if len(digits) in (1, 3, 5, 7, 9):
            raise HtsFormatError(
                f"{len(digits)} digits is not a complete HTS level (use 2, 4, 6, 8 or 10). "
                "If a spreadsheet dropped a leading zero, add it back (0101, not 101)."
            )
        raise HtsFormatError("An HTS number has at most 10 digits.")
    if digits[:2] == "00":
        raise HtsFormatError("There is no HTS chapter 00; chapters run from 01 to 99.")
    return digits


def heading_of(digits: str) -> str | None:
    """The 4-digit heading, or None for a bare chapter."""
    return digits[:4] if len(digits) >= 4 else None


def chapter_of(digits: str) -> str:
    return digits[:2]


def htsus_form(digits: str) -> str:
    """6109.10.00.40, the grouping printed in the tariff schedule (shorter codes stay shorter)."""
    groups = [digits[:4], digits[4:6], digits[6:8], digits[8:10]]
    return ".".join(group for group in groups if group)


def cross_form(digits: str) -> str:
    """6109.10.0040, the grouping CROSS stores and matches literally."""
    groups = [digits[:4], digits[4:6], digits[6:10]]
    return ".".join(group for group in groups if group)


def level_name(digits: str) -> str:
    return {
        2: "chapter",
        4: "heading",
        6: "subheading",
        8: "tariff rate line",
        10: "statistical reporting number",
    }[len(digits)]


def tariff_htsus(cross_code: str) -> str:
    """'6109.10.0040' (CROSS form, as stored) -> '6109.10.00.40' (HTSUS form, as printed)."""
    if len(cross_code) == 12 and cross_code[4] == cross_code[7] == "." and cross_code.count(".") == 2:
        return cross_code[:10] + "." + cross_code[10:]  # the usual form, once per ruling at 200,000
    return htsus_form(cross_code.replace(".", ""))
