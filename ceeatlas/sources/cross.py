"""CROSS, CBP's Customs Rulings Online Search System (https://rulings.cbp.gov).

CROSS has no documented API. Its web app calls a JSON API whose behaviour is described in
shared research (cross_api_facts.md), gathered from several independent public clients:
- GET /api/search?term=*&collection=ALL&commodityGrouping=ALL&sortBy=DATE_DESC&pageSize=N&page=P
  &fromDate=YYYY-MM-DD&toDate=YYYY-MM-DD returns {"rulings": [...], "totalHits": n}, at most
  10,000 hits per query (so windows over the cap are split);
- GET /api/ruling/<number> returns one ruling with its full text; tariffs come back null there,
  and an unknown number returns HTTP 500;
- GET /api/stat/recentRulings?format=json&collection= lists recently added or changed rulings;
- unknown paths return the web app's HTML with HTTP 200 (the client rejects HTML as JSON).

fetch_* functions talk to the server through the shared client and cache raw responses;
parse_* functions are pure and tested on fixtures.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ceeatlas.hts import HtsFormatError, cross_form, normalise
from ceeatlas.http import FetchError, HttpClient
from ceeatlas.models import Ruling, RulingStatus

NAME = "cross"
BASE_URL_ENV = "CROSS_BASE_URL"
DEFAULT_BASE_URL = "https://rulings.cbp.gov"
HIT_CAP = 10_000
FIRST_DATE = dt.date(1989, 1, 1)  # CROSS holds rulings from 1989 on


class ParseError(ValueError):
    """A response does not have the shape this module expects; the message says what differs."""


class RulingNotFound(Exception):
    """CROSS answered HTTP 500 for a ruling number: it does not know the ruling."""


# ---------------------------------------------------------------------------------------
# Fetching
# ---------------------------------------------------------------------------------------


def search_params(
    first: dt.date, last: dt.date, page: int, page_size: int, term: str = "*"
) -> dict[str, Any]:
    return {
        "term": term,
        "collection": "ALL",
        "commodityGrouping": "ALL",
        "sortBy": "DATE_DESC",
        "pageSize": page_size,
        "page": page,
        "fromDate": first.isoformat(),
        "toDate": last.isoformat(),
    }


def fetch_search_page(
    client: HttpClient, base_url: str, first: dt.date, last: dt.date, page: int, page_size: int
) -> Any:
    return client.get_json(
        f"{base_url}/api/search",
        search_params(first, last, page, page_size),
        cache_key=f"cross/search/{first.isoformat()}_{last.isoformat()}/size{page_size}-page{page:05d}",
    )


def fetch_by_number(client: HttpClient, base_url: str, number: str) -> Any:
    """Search for one ruling number (to pick up a ruling published late)."""
    params = {
        "term": number,
        "collection": "ALL",
        "commodityGrouping": "ALL",
        "sortBy": "RELEVANCE",
        "pageSize": 30,
        "page": 1,
    }
    return client.get_json(f"{base_url}/api/search", params, cache_key=f"cross/number/{number}")


def fetch_detail(client: HttpClient, base_url: str, number: str) -> Any:
    try:
        return client.get_json(
            f"{base_url}/api/ruling/{number}", cache_key=f"cross/ruling/{number}", no_retry=frozenset({500})
        )
    except FetchError as error:
        if error.status == 500:
            raise RulingNotFound(number) from error
        raise


def fetch_recent(client: HttpClient, base_url: str, today: dt.date) -> Any:
    return client.get_json(
        f"{base_url}/api/stat/recentRulings",
        {"format": "json", "collection": ""},
        cache_key=f"cross/recent/{today.isoformat()}",
    )


# ---------------------------------------------------------------------------------------
# Parsing (pure)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchPage:
    rows: list[dict]
    total_hits: int


def parse_search(payload: Any) -> SearchPage:
    if not isinstance(payload, dict):
        raise ParseError(f"search response is a {type(payload).__name__}, expected an object")
    rows, total = payload.get("rulings"), payload.get("totalHits")
    if not isinstance(rows, list):
        raise ParseError("search response has no 'rulings' list")
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise ParseError("search response has no integer 'totalHits'")
    if any(not isinstance(row, dict) for row in rows):
        raise ParseError("search response 'rulings' holds something other than objects")
    return SearchPage(rows=rows, total_hits=total)


def normalise_number(raw: Any) -> str:
    """'NY N305619', 'n305619', ' HQ 966328 ' -> 'N305619', '966328'."""
    if not isinstance(raw, str | int):
        raise ParseError(f"ruling number {raw!r} is not text")
    text = re.sub(r"^(NY|HQ)\s+", "", str(raw).strip(), flags=re.IGNORECASE).upper()
    if not re.fullmatch(r"[A-Z]?\d{5,6}", text):
        raise ParseError(f"ruling number {raw!r} has an unknown format")
    return text


def _number_list(raw: Any) -> list[str]:
    if raw in (None, ""):
        return []
    items = raw if isinstance(raw, list) else re.split(r"[,;]", str(raw))
    numbers = []
    for item in items:
        try:
            numbers.append(normalise_number(item))
        except ParseError:
            continue  # a malformed cross reference is not worth failing the ruling over
    return sorted(set(numbers))


def normalise_tariffs(raw: Any) -> tuple[list[str], list[str]]:
    """A string "8506.50.0000, 8507.60.0020" or a list -> (10-digit CROSS forms, unparseable)."""
    if raw in (None, ""):
        return [], []
    items = raw if isinstance(raw, list) else str(raw).split(",")
    codes, unparsed = set(), set()
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        try:
            digits = normalise(text)
        except HtsFormatError:
            unparsed.add(text)
            continue
        codes.add(cross_form(digits.ljust(10, "0")))
    return sorted(codes), sorted(unparsed)


def status_of(row: dict) -> RulingStatus:
    if row.get("operationallyRevoked") is True:
        return RulingStatus.operationally_revoked
    if _number_list(row.get("revokedBy")):
        return RulingStatus.revoked
    if _number_list(row.get("modifiedBy")):
        return RulingStatus.modified
    return RulingStatus.active


def _categories(raw: Any) -> list[str]:
    if raw in (None, ""):
        return []
    items = raw if isinstance(raw, list) else str(raw).split(",")
    return sorted({str(item).strip() for item in items if str(item).strip()})


def _date(raw: Any) -> dt.date:
    if not isinstance(raw, str):
        raise ParseError("rulingDate is missing")
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError as error:
        raise ParseError(f"rulingDate {raw!r} is not a date") from error


def _collection(raw: Any, number: str) -> str:
    if isinstance(raw, str) and raw.strip().upper() in ("NY", "HQ"):
        return raw.strip().upper()
    # Older rows omit the collection; the number's letter tells for current series.
    if number.startswith("N"):
        return "NY"
    if number.startswith(("H", "W")):
        return "HQ"
    raise ParseError(f"collection {raw!r} is missing or unknown")


def parse_row(row: dict, *, base_url: str, fetched_at: dt.date) -> Ruling:
    """One search row -> Ruling. Unknown extra fields are ignored; missing required ones raise."""
    if "rulingNumber" not in row:
        raise ParseError("rulingNumber is missing")
    number = normalise_number(row["rulingNumber"])
    subject = row.get("subject")
    if not isinstance(subject, str):
        raise ParseError(f"{number}: subject is missing")
    try:
        tariffs, unparsed = normalise_tariffs(row.get("tariffs"))
        return Ruling(
            number=number,
            collection=_collection(row.get("collection"), number),
            date=_date(row.get("rulingDate")),
            subject=" ".join(subject.split()),
            categories=_categories(row.get("categories")),
            tariffs=tariffs,
            unparsed_tariffs=unparsed,
            status=status_of(row),
            modified_by=_number_list(row.get("modifiedBy")),
            revoked_by=_number_list(row.get("revokedBy")),
            modifies=_number_list(row.get("modifies")),
            revokes=_number_list(row.get("revokes")),
            related=_number_list(row.get("relatedRulings")),
            usmca=row.get("isUsmca") is True,
            nafta=row.get("isNafta") is True,
            source_url=f"{base_url}/ruling/{number}",
            fetched_at=fetched_at,
        )
    except ParseError as error:
        raise ParseError(f"{number}: {error}") from error


def parse_detail(payload: Any) -> tuple[str, str, str | None]:
    """Detail response -> (number, text, document path). Tariffs here are null: keep the search row's."""
    if not isinstance(payload, dict):
        raise ParseError("ruling detail is not an object")
    number = normalise_number(payload.get("rulingNumber"))
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ParseError(f"{number}: ruling text is missing")
    url = payload.get("url") if isinstance(payload.get("url"), str) else None
    return number, text.replace("\r\n", "\n"), url


def parse_recent(payload: Any) -> list[tuple[str, dt.date | None]]:
    """recentRulings JSON -> [(number, date modified)]; dates are M/D/YYYY."""
    if not isinstance(payload, list):
        raise ParseError("recentRulings response is not a list")
    items = []
    for entry in payload:
        if not isinstance(entry, dict):
            continue
        try:
            number = normalise_number(entry.get("rulingNumber"))
        except ParseError:
            continue
        modified = None
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", str(entry.get("dateModified", "")).strip())
        if match:
            month, day, year = (int(part) for part in match.groups())
            try:
                modified = dt.date(year, month, day)
            except ValueError:
                modified = None
        items.append((number, modified))
    return items
