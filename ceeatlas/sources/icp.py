"""Informed Compliance Publications: CBP's listing page on cbp.gov.

The page's markup was not available when this parser was written (shared research has only
its text), so the parser is defensive: it takes every link under the main content that points
to a PDF, a /document/publications/ node or an ICP page, and it fails loudly when it finds
almost none, because an empty result would silently empty the catalogue.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from ceeatlas.http import HttpClient, Response
from ceeatlas.models import Icp, IcpScope

NAME = "icp"
BASE_URL_ENV = "CBP_BASE_URL"
DEFAULT_BASE_URL = "https://www.cbp.gov"
LISTING_PATH = "/trade/rulings/informed-compliance-publications"
MIN_EXPECTED = 5  # the real page lists dozens; fewer means its layout changed

SERIES_PREFIX = re.compile(
    r"^\s*What Every Member of the Trade Community Should Know About\s*[:\-–]?\s*", re.I
)
MONTH_YEAR = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{4})\b"
)
HEADING_IN_TITLE = re.compile(
    r"\b(?:headings?|subheadings?|HTS(?:US)?)\s+(\d{4})(?:\.\d{2})*(?:\s*(?:and|,|through|-)\s*(\d{4}))?",
    re.I,
)
CHAPTER_IN_TITLE = re.compile(r"\bchapters?\s+(\d{1,2})\b", re.I)
COMMODITY_TITLE = re.compile(r"^(classification\b(?! of sets)|classification and marking\b)", re.I)


class ParseError(ValueError):
    """The listing page does not look like the ICP listing any more."""


def fetch_listing(client: HttpClient, base_url: str) -> Response:
    return client.get(f"{base_url}{LISTING_PATH}", cache_key="icp/listing")


def _main_content(soup: BeautifulSoup) -> Tag:
    for candidate in (
        soup.find("main"),
        soup.find(id="main-content"),
        soup.find(attrs={"role": "main"}),
        soup.find("article"),
    ):
        if isinstance(candidate, Tag):
            return candidate
    raise ParseError("no <main>, #main-content, [role=main] or <article> element on the page")


def _is_publication(url: str, page_url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return None
    path = parts.path.rstrip("/")
    if path == urlsplit(page_url).path.rstrip("/"):
        return None
    if path.lower().endswith(".pdf"):
        return "pdf"
    if "/document/publications/" in path:
        return "document"
    if "/trade/rulings/informed-compliance-publications/" in path + "/" and path != LISTING_PATH:
        return "page"
    return None


def hts_in_title(title: str) -> list[str]:
    """Headings (4 digits) and chapters (2 digits) a title names, e.g. 'under HTSUS Heading 6505'."""
    found: set[str] = set()
    for match in HEADING_IN_TITLE.finditer(title):
        first, last = match.group(1), match.group(2)
        if last and last[:2] == first[:2] and last >= first:
            found.update(f"{n:04d}" for n in range(int(first), int(last) + 1))
        else:
            found.add(first)
            if last:
                found.add(last)
    for match in CHAPTER_IN_TITLE.finditer(title):
        found.add(f"{int(match.group(1)):02d}")
    return sorted(found)


def _group_of(link: Tag, root: Tag) -> str | None:
    heading = link.find_previous(["h2", "h3", "h4"])
    if heading is None or root not in heading.parents:
        return None
    text = " ".join(heading.get_text(" ").split())
    return text or None


def _dates_near(link: Tag) -> list[str]:
    container = link.find_parent(["li", "p", "td", "tr", "div"]) or link
    text = " ".join(container.get_text(" ").split())
    return [f"{month} {year}" for month, year in MONTH_YEAR.findall(text)]


def parse_listing(html: str, page_url: str, fetched_at: dt.date) -> list[Icp]:
    soup = BeautifulSoup(html, "html.parser")
    root = _main_content(soup)
    items: dict[str, Icp] = {}
    for link in root.find_all("a", href=True):
        url = urljoin(page_url, link["href"].strip())
        kind = _is_publication(url, page_url)
        if kind is None or url in items:
            continue
        raw_title = " ".join(link.get_text(" ").split())
        title = SERIES_PREFIX.sub("", raw_title).strip(" :-–")
        if not title:
            continue
        hts = hts_in_title(title)
        scope = IcpScope.commodity if hts or COMMODITY_TITLE.search(title) else IcpScope.general
        items[url] = Icp(
            title=title,
            url=url,
            kind=kind,
            scope=scope,
            hts=hts,
            group=_group_of(link, root),
            dates=_dates_near(link),
            source_url=page_url,
            fetched_at=fetched_at,
        )
    if len(items) < MIN_EXPECTED:
        raise ParseError(
            f"found {len(items)} publication links under the main content (expected at least {MIN_EXPECTED}); "
            "the listing page's layout has probably changed"
        )
    return sorted(items.values(), key=lambda icp: (icp.title.lower(), icp.url))


# -- the seed catalogue ---------------------------------------------------------------------

CATALOGUE_COLUMNS = (
    "title",
    "url",
    "url_evidence",
    "first_published",
    "revisions",
    "date_evidence",
    "hts_in_title",
    "kind",
    "title_evidence",
)


def _kind_of_url(url: str) -> str:
    return _is_publication(url, DEFAULT_BASE_URL + LISTING_PATH) or "page"


def _title_seen(evidence: str) -> str:
    """Which capture showed the title, from the catalogue's evidence column."""
    if "informed-compliance-publications?language=" in evidence:
        return "listing"
    if "20161102" in evidence or "2016-11-02" in evidence:
        return "listing-2016"
    return "elsewhere"


def parse_catalogue(text: str, *, seed: str, fetched_at: dt.date) -> list[Icp]:
    """A seed catalogue (CSV with CATALOGUE_COLUMNS) -> ICP records, each keeping its evidence.

    The catalogue was assembled from captures and secondary sources, not from CBP's live page:
    a row's URL was seen written out somewhere, never checked live."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [name for name in CATALOGUE_COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise ParseError(f"the catalogue lacks the columns {', '.join(missing)}")
    items: dict[str, Icp] = {}
    for line, row in enumerate(reader, start=2):
        title = " ".join((row["title"] or "").split())
        if not title:
            raise ParseError(f"line {line}: no title")
        url = (row["url"] or "").strip() or None
        if url and not re.match(r"https?://[^/\s]+", url):
            raise ParseError(f"line {line}: url {url!r} is not an http(s) address")
        if row["kind"] not in ("general", "commodity"):
            raise ParseError(f"line {line}: kind must be general or commodity, not {row['kind']!r}")
        icp = Icp(
            title=title,
            url=url,
            kind=_kind_of_url(url) if url else "unknown",
            scope=IcpScope(row["kind"]),
            hts=hts_in_title(title),
            title_seen=_title_seen(row["title_evidence"] or ""),
            title_evidence=(row["title_evidence"] or "").strip() or None,
            link_evidence=(row["url_evidence"] or "").strip() or None,
            date_evidence=(row["date_evidence"] or "").strip() or None,
            first_published=(row["first_published"] or "").strip() or None,
            revisions=(row["revisions"] or "").strip() or None,
            seed=seed,
            source_url=DEFAULT_BASE_URL + LISTING_PATH,
            fetched_at=fetched_at,
        )
        if icp.key in items:
            raise ParseError(f"line {line}: {title!r} is in the catalogue twice")
        items[icp.key] = icp
    return sorted(items.values(), key=lambda icp: (icp.title.lower(), icp.key))
