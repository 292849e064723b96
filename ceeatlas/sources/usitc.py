"""The Harmonized Tariff Schedule of the United States, from the USITC (https://hts.usitc.gov).

USITC publishes the schedule through a JSON API (facts gathered from public clients; research
hts_api_facts.md):
- GET /reststop/currentRelease -> {"name": "2026HTSRev10", "title": ..., "description": ...}
  (some clients also accept a bare string);
- GET /reststop/releaseList -> [{"name", "releaseStartDate": "MM/DD/YYYY", "status", ...}, ...];
- GET /reststop/exportList?from=..&to=..&format=JSON -> the rows of the CURRENT release only.
  Public clients disagree on the accepted from/to forms, so the fetch tries a second form when
  the first is refused.

A release can only be captured while it is current, so every pulled release is kept in data/
(see ceeatlas.store: the newest in full, older ones as the codes they added or dropped).
fetch_* functions go through the shared client; parse_* functions are pure.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ceeatlas.http import FetchError, HttpClient

NAME = "hts"
BASE_URL_ENV = "USITC_BASE_URL"
DEFAULT_BASE_URL = "https://hts.usitc.gov"
# The full schedule has about 35,500 rows; far fewer means a truncated or partial export.
MIN_ROWS = 30_000
MIN_HEADINGS = 900
# The two forms of the full-schedule request seen in public clients, tried in this order.
EXPORT_FORMS = (
    {"from": "0100", "to": "9999", "format": "JSON", "styles": "false"},
    {"from": "0101.21.00", "to": "9999.00.00", "format": "JSON", "styles": "true"},
)
_RELEASE_NAME = re.compile(r"^(\d{4})HTS(Basic|Rev(\d+))$")
_HTSNO = re.compile(r"^\d{4}(\.\d{2}){0,3}$")


class ParseError(ValueError):
    """A response does not look like what USITC serves; the message says what differs."""


@dataclass(frozen=True)
class Row:
    """One row of the schedule, as kept: a numbered line or an unnumbered description row
    ("Men's or boys':") whose indent places it in the chain of the rows below it."""

    htsno: str  # HTSUS form ("6109.10.00.12"), or "" for a description row
    indent: int
    description: str
    units: tuple[str, ...] = ()

    @property
    def digits(self) -> str:
        return self.htsno.replace(".", "")

    def as_list(self) -> list:
        return [self.htsno, self.indent, self.description, list(self.units)]


# ---------------------------------------------------------------------------------------
# Fetching
# ---------------------------------------------------------------------------------------


def fetch_current_release(client: HttpClient, base_url: str, attempt: str) -> Any:
    """`attempt` keeps the check before and the check after the download apart in the cache."""
    return client.get_json(f"{base_url}/reststop/currentRelease", cache_key=f"hts/current-release-{attempt}")


def fetch_release_list(client: HttpClient, base_url: str) -> Any:
    return client.get_json(f"{base_url}/reststop/releaseList", cache_key="hts/release-list")


def fetch_export(client: HttpClient, base_url: str, release: str) -> Any:
    """The whole current schedule. A form the server refuses (HTTP 400) is followed by the next."""
    last_error: FetchError | None = None
    for index, params in enumerate(EXPORT_FORMS):
        try:
            return client.get_json(
                f"{base_url}/reststop/exportList",
                params,
                cache_key=f"hts/export/{release}-form{index}",
                no_retry=frozenset({400}),
            )
        except FetchError as error:
            if error.status != 400:
                raise
            last_error = error
    assert last_error is not None
    raise last_error


# ---------------------------------------------------------------------------------------
# Parsing (pure)
# ---------------------------------------------------------------------------------------


def parse_release_name(payload: Any) -> str:
    """currentRelease -> "2026HTSRev10"."""
    name = payload.get("name") if isinstance(payload, dict) else payload
    if not isinstance(name, str) or not _RELEASE_NAME.fullmatch(name.strip()):
        raise ParseError(f"currentRelease gave {payload!r}, not a release name such as 2026HTSRev10")
    return name.strip()


def release_title(name: str) -> str:
    """ "2026HTSRev10" -> "HTSUS 2026 Revision 10"; "2026HTSBasic" -> "HTSUS 2026 Basic Edition"."""
    match = _RELEASE_NAME.fullmatch(name)
    if match is None:
        raise ParseError(f"{name!r} is not a release name")
    year, _, revision = match.groups()
    return f"HTSUS {year} Revision {revision}" if revision else f"HTSUS {year} Basic Edition"


def parse_release_date(payload: Any, name: str) -> dt.date:
    """releaseList -> the publication date (releaseStartDate) of release `name`."""
    if not isinstance(payload, list):
        raise ParseError("releaseList is not a list")
    for entry in payload:
        if isinstance(entry, dict) and entry.get("name") == name:
            raw = str(entry.get("releaseStartDate") or entry.get("date") or "")
            match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", raw.strip())
            if match is None:
                raise ParseError(f"releaseList gives {name} the date {raw!r}, not MM/DD/YYYY")
            month, day, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
    raise ParseError(f"releaseList does not list {name}")


def parse_rows(payload: Any, complete: bool = True) -> list[Row]:
    """An exportList response (or the same JSON as USITC's export file) -> validated rows.

    Checks the shape of every row, that numbered rows come in schedule order, and (unless
    `complete` is False, for a part of the schedule) that it is complete enough to be the whole
    schedule; raises ParseError naming the row."""
    if not isinstance(payload, list):
        raise ParseError(f"the export is a {type(payload).__name__}, not a list of rows")
    rows: list[Row] = []
    previous = ""
    for position, raw in enumerate(payload, start=1):
        if not isinstance(raw, dict):
            raise ParseError(f"row {position} is not an object")
        htsno = raw.get("htsno")
        indent = raw.get("indent")
        description = raw.get("description")
        units = raw.get("units")
        if not isinstance(htsno, str) or (htsno and not _HTSNO.fullmatch(htsno.strip())):
            raise ParseError(f"row {position}: htsno {htsno!r} is not an HTS number")
        try:
            depth = int(indent)
        except (TypeError, ValueError) as error:
            raise ParseError(f"row {position} ({htsno}): indent {indent!r} is not a number") from error
        if not 0 <= depth <= 15:
            raise ParseError(f"row {position} ({htsno}): indent {depth} is out of range")
        if not isinstance(description, str):
            raise ParseError(f"row {position} ({htsno}): description is missing")
        if units is None:
            units = []
        if not isinstance(units, list) or not all(isinstance(unit, str) for unit in units):
            raise ParseError(f"row {position} ({htsno}): units {units!r} is not a list of text")
        row = Row(
            htsno=htsno.strip(),
            indent=depth,
            description=" ".join(description.split()),
            units=tuple(unit.strip() for unit in units if unit.strip()),
        )
        if row.htsno:
            if row.digits <= previous:
                raise ParseError(f"row {position}: {row.htsno} comes after {previous}, out of schedule order")
            previous = row.digits
        rows.append(row)
    headings = {row.digits[:4] for row in rows if row.htsno}
    if complete and len(rows) < MIN_ROWS or len(headings) < MIN_HEADINGS:
        raise ParseError(
            f"the export has {len(rows)} rows under {len(headings)} headings; the full schedule has about "
            f"35,500 rows under more than {MIN_HEADINGS} headings, so this one is incomplete"
        )
    return rows
