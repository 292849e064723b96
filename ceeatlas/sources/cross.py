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
from collections import Counter
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
    """A string "8506.50.0000, 9817.00.96" or a list -> (CROSS forms, unparseable).

    A number keeps the length CROSS gives it: an 8-digit 9817.00.96 stays 8 digits, because
    padding it would invent a statistical suffix that does not exist."""
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
        codes.add(cross_form(digits))
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


def _center_code(raw: Any) -> str | None:
    """commodityGrouping: "" on most rows, an ACE Center code ("CEE008") on some, null in details."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    return raw.strip().upper()


def ruling_page(number: str) -> str:
    """The ruling's public page in CROSS. Always CBP's own address, whichever server (a mirror,
    a test server) the data was fetched from: it is what the site links to."""
    return f"{DEFAULT_BASE_URL}/ruling/{number}"


def document_page(path: str | None) -> str | None:
    """A detail response's document path ("/docs/ny/2025/n317442") as a public address."""
    return f"{DEFAULT_BASE_URL}{path}" if path and path.startswith("/") else None


def parse_row(row: dict, *, fetched_at: dt.date, capture: str | None = None) -> Ruling:
    """One search row -> Ruling. Unknown extra fields are ignored; missing required ones raise.
    `capture` names the recorded capture a replayed row comes from (None for a live pull)."""
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
            cbp_center_code=(code := _center_code(row.get("commodityGrouping"))),
            cbp_center_code_from="search" if code else None,
            source_url=ruling_page(number),
            capture=capture,
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


# -- what a letter's text says -------------------------------------------------------------
#
# Detail responses carry no usable tariffs or Center label, but the letter does. These read
# two facts from it; both are labelled on the site as read from the letter.

_LETTER_CENTER_CODE = re.compile(r"\bCEE\d{3}\b")
# An HTS number as letters write it: 5603.93, 7113.19.50, 5603.93.0090, 9802.00.50.60.
_LETTER_NUMBER = r"(\d{4}\.\d{2}(?:\.\d{2}(?:\.?\d{2})?)?)\b"
# Sentences in which the letter gives the goods' own number. PDF extraction runs words together
# ("classified undersubheading"), hence \s* between words.
_STATED = (
    re.compile(r"\bClassification:\s*" + _LETTER_NUMBER),  # the header line of newer letters
    re.compile(
        r"\bapplicable\s*(?:tariff\s*)?(?:sub)?heading\s*for\s*[^.]{0,300}?\b(?:will\s*be|is)\s*"
        r"(?:subheading\s*)?" + _LETTER_NUMBER,
        re.IGNORECASE,
    ),
    re.compile(
        r"\bHOLDING:?\s*The\s*tariff\s*classification\s*(?:of|for)\s*[^.]{0,300}?\b(?:will\s*be|is)\s*"
        r"(?:subheading\s*)?" + _LETTER_NUMBER,
        re.IGNORECASE,
    ),
)
_TARIFF_HEADER = re.compile(r"TARIFF NO\.?:?([^\r\n]*)")
# Weaker: "the lawn mower is classified under subheading 8433.11.0050". Origin letters also say
# this of their materials, so only the heading cited most often counts (see goods_numbers).
_CLASSIFIED = re.compile(
    r"\b(?:is|are)\s*classified\s*(?:under|in|within)\s*(?:sub)?headings?\s*" + _LETTER_NUMBER, re.IGNORECASE
)


def center_code_in_letter(text: str) -> str | None:
    """The ACE Center code in a letter's control number ("CLA-2-85:OT:RR:NC:CEE007:N2:220")."""
    match = _LETTER_CENTER_CODE.search(text[:600])  # the control number heads the letter
    return match.group(0) if match else None


def _narrowest(numbers: list[str]) -> list[str]:
    """Digits of each number, without one that another number found extends (8482.20.00 when
    8482.20.0061 is there too)."""
    digits = sorted({number.replace(".", "") for number in numbers})
    return [d for d in digits if not any(other != d and other.startswith(d) for other in digits)]


def goods_numbers(text: str) -> tuple[list[str], str | None]:
    """The HTS numbers a letter gives for the goods it rules on, in CROSS form, and the rule that
    found them: "stated" (the letter's header, "The applicable subheading for ... will be ...",
    "HOLDING: The tariff classification ... is ...") or "classified" ("... is classified under
    subheading ...", the heading cited most often). Numbers of chapters 98 and 99 are left out:
    they never say which Center handles the goods. Numbers a letter quotes from a rule of origin
    (19 CFR 102.21 lists dozens) sit in none of these sentences and are never taken."""
    flat = " ".join(text.split())
    found: list[str] = []
    header = _TARIFF_HEADER.search(text[:600])
    if header:
        found += re.findall(r"\d{4}\.\d{2}(?:\.\d{2}(?:\.?\d{2})?)?", header.group(1))
    for pattern in _STATED:
        found += [match.group(1) for match in pattern.finditer(flat)]
    found = [number for number in found if number[:2] <= "97"]
    rule = "stated"
    if not found:
        rule = "classified"
        found = [m.group(1) for m in _CLASSIFIED.finditer(flat) if m.group(1)[:2] <= "97"]
        if not found:
            return [], None
        counts = Counter(number[:4] for number in found)
        top = max(counts.values())
        found = [number for number in found if counts[number[:4]] == top]
    return [cross_form(digits) for digits in _narrowest(found)], rule


def routes_by_tariffs(tariffs: list[str]) -> bool:
    """Whether a number of chapters 01-97 is among the tariffs (98 and 99 route nowhere)."""
    return any("01" <= tariff[:2] <= "97" for tariff in tariffs)


def with_letter(ruling: Ruling, text: str) -> Ruling:
    """The ruling with what its letter adds: the goods' numbers when its own tariffs route
    nowhere, and CBP's Center code when the search row had none."""
    update: dict[str, Any] = {}
    if not routes_by_tariffs(ruling.tariffs):
        numbers, rule = goods_numbers(text)
        update.update(letter_tariffs=numbers, letter_rule=rule or "none")
    if ruling.cbp_center_code is None:
        code = center_code_in_letter(text)
        if code:
            update.update(cbp_center_code=code, cbp_center_code_from="letter")
    return ruling.model_copy(update=update) if update else ruling


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
