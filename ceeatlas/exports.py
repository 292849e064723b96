"""Atom feeds and open-data downloads, written into the built site after MkDocs.

Feeds: one per Center and one per HTS chapter, with the newest rulings (new, modified and
revoked, in words) and, for Centers, the ICPs routed to them. Downloads: the routed rulings as
JSON Lines and CSV, described field by field on the "Open data" page (OPEN_DATA_FIELDS).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from .files import write_output
from .fragments import NO_CACHE, FragmentCache
from .models import Icp, Ruling
from .pulled import PulledData, Routing, centers_by_number, subject_shown

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50

# The open data's columns, in order, with their meaning (rendered on the Open data page).
OPEN_DATA_FIELDS = [
    ("number", "Ruling number as CROSS stores it, without the NY/HQ prefix (N305619, H301481, 966328)."),
    (
        "collection",
        "NY (National Commodity Specialist Division, New York) or HQ (Regulations and Rulings, Washington).",
    ),
    ("date", "Ruling date, YYYY-MM-DD."),
    ("subject", "The ruling's subject line as CROSS gives it."),
    ("status", "active, modified, revoked or operationally_revoked, as of the last pull."),
    (
        "tariffs",
        "Tariff numbers CROSS lists for the ruling, in CROSS form at the length CROSS gives them "
        "(6109.10.0040, or 8 digits such as 9817.00.96); JSON list, or ';'-separated in CSV.",
    ),
    (
        "letter_tariffs",
        "When no tariff number routes the ruling: the numbers this site read from the letter for the goods "
        "(its reading of CBP's text, not a number CROSS lists).",
    ),
    ("routed_by", "tariffs, letter (by letter_tariffs) or none (the ruling is on the Unassigned list)."),
    (
        "not_in_current_htsus",
        "Numbers of the ruling (tariffs and letter_tariffs) that the newest HTSUS release this site holds lacks, "
        "although the ruling is not newer than that release.",
    ),
    (
        "newer_than_htsus",
        "Numbers the newest HTSUS release held lacks, of a ruling dated after that release: possibly newer numbers.",
    ),
    ("headings", "The 4-digit HTS headings the ruling is listed under on this site."),
    (
        "centers",
        "Ids of the Centers those headings resolve to on this site (see the scope table; some rows are approximate).",
    ),
    (
        "cbp_center_code",
        "CBP's own Center label on the ruling (CROSS commodity grouping, an ACE code such as CEE008), if any. "
        "It can differ from the Centers this site routes the ruling to.",
    ),
    ("modified_by", "Rulings that modify this one."),
    ("revoked_by", "Rulings that revoke this one."),
    ("categories", "CROSS categories (Classification, Country of Origin, ...)."),
    ("usmca", "true if CROSS flags the ruling as USMCA."),
    ("nafta", "true if CROSS flags the ruling as NAFTA."),
    ("source_url", "The ruling's page in CROSS."),
    (
        "capture",
        "The recorded capture the record was replayed from (see About the data), or empty when it was pulled live.",
    ),
    (
        "fetched_at",
        "When the record was fetched from CROSS (for a capture, when it was captured), YYYY-MM-DD.",
    ),
]


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def atom_feed(
    feed_id: str,
    title: str,
    page_url: str,
    self_url: str,
    rulings: list[Ruling],
    icps: list[Icp],
    fallback: dt.date,
) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    entries: list[tuple[dt.date, ET.Element]] = []
    for ruling in rulings[:FEED_ENTRIES]:
        entry = ET.Element(f"{{{ATOM}}}entry")
        status = ruling.status.label
        _sub(entry, "id", f"{ruling.source_url}#{ruling.status.value}")
        _sub(
            entry, "title", f"{ruling.collection} {ruling.number} ({status}): {subject_shown(ruling.subject)}"
        )
        _sub(entry, "updated", _stamp(max(ruling.date, ruling.fetched_at)))
        _sub(entry, "published", _stamp(ruling.date))
        _sub(entry, "link", href=ruling.source_url)
        _sub(
            entry,
            "summary",
            f"{status} ruling dated {ruling.date.isoformat()}; HTS {', '.join(ruling.tariffs) or 'none given'}.",
        )
        entries.append((max(ruling.date, ruling.fetched_at), entry))
    for icp in icps[:FEED_ENTRIES]:
        entry = ET.Element(f"{{{ATOM}}}entry")
        digest = hashlib.sha1(icp.title.encode()).hexdigest()[:12]
        url = icp.url or ""
        _sub(entry, "id", url if url.startswith("http") else f"{self_url}#icp-{digest}")
        _sub(entry, "title", f"Informed Compliance Publication: {icp.title}")
        _sub(entry, "updated", _stamp(icp.fetched_at))
        if url.startswith(("http://", "https://")):
            _sub(entry, "link", href=url)
        entries.append((icp.fetched_at, entry))
    entries.sort(key=lambda pair: pair[0], reverse=True)
    _sub(feed, "id", feed_id)
    _sub(feed, "title", title)
    _sub(feed, "updated", _stamp(entries[0][0] if entries else fallback))
    author = _sub(feed, "author")
    _sub(author, "name", "CBP Centers Atlas (independent project, not affiliated with CBP)")
    _sub(feed, "link", rel="self", href=self_url)
    _sub(feed, "link", rel="alternate", href=page_url)
    _sub(feed, "rights", "Rulings are U.S. Government works from CROSS (rulings.cbp.gov).")
    for _, entry in entries:
        feed.append(entry)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def write_feeds(
    site_dir: Path,
    site_url: str,
    pulled: PulledData,
    routing: Routing,
    center_names: dict[str, str],
    fallback: dt.date,
) -> int:
    written = 0
    base = site_url.rstrip("/") + "/"
    for center_id, name in center_names.items():
        path = f"feeds/centers/{center_id}.xml"
        data = atom_feed(
            f"{base}{path}",
            f"{name}: new and changed rulings and publications",
            f"{base}centers/{center_id}/",
            f"{base}{path}",
            routing.by_center.get(center_id, []),
            routing.icps_by_center.get(center_id, []),
            fallback,
        )
        write_output(site_dir / path, data)
        written += 1
    # A feed shows a chapter's newest FEED_ENTRIES rulings, which are among the newest
    # FEED_ENTRIES of each of its headings (every heading's list is newest first).
    by_chapter: dict[str, dict[str, Ruling]] = {}
    for heading, rulings in routing.by_heading.items():
        bucket = by_chapter.setdefault(heading[:2], {})
        for ruling in rulings[:FEED_ENTRIES]:
            bucket[ruling.number] = ruling
    for chapter, members in sorted(by_chapter.items()):
        rulings = sorted(members.values(), key=lambda r: (r.date, r.number), reverse=True)
        path = f"feeds/chapters/{chapter}.xml"
        data = atom_feed(
            f"{base}{path}",
            f"HTS chapter {chapter}: new and changed rulings",
            f"{base}rulings/hts/",
            f"{base}{path}",
            rulings,
            [],
            fallback,
        )
        write_output(site_dir / path, data)
        written += 1
    write_output(site_dir / CHANGES_FEED, changes_feed(base, pulled.changes, fallback))
    return written + 1


CHANGES_FEED = "feeds/changes.xml"


def changes_feed(base: str, changes: list[dict], fallback: dt.date) -> bytes:
    """The "What changed" page as a feed: one entry per day, newest first."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    by_day: dict[str, list[dict]] = {}
    for change in changes:
        by_day.setdefault(change["date"], []).append(change)
    days = sorted(by_day, reverse=True)[:FEED_ENTRIES]
    _sub(feed, "id", f"{base}{CHANGES_FEED}")
    _sub(feed, "title", "CBP Centers Atlas: what changed")
    _sub(feed, "updated", _stamp(dt.date.fromisoformat(days[0]) if days else fallback))
    author = _sub(feed, "author")
    _sub(author, "name", "CBP Centers Atlas (independent project, not affiliated with CBP)")
    _sub(feed, "link", rel="self", href=f"{base}{CHANGES_FEED}")
    _sub(feed, "link", rel="alternate", href=f"{base}about/changes/")
    for day in days:
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"{base}about/changes/#{day}")
        items = by_day[day]
        _sub(entry, "title", f"{day}: {len(items)} change{'s' if len(items) != 1 else ''}")
        _sub(entry, "updated", _stamp(dt.date.fromisoformat(day)))
        _sub(entry, "link", href=f"{base}about/changes/#{day}")
        summary = "; ".join(f"{item['kind']} in {item['area']}: {item['what']}" for item in items[:20])
        _sub(entry, "summary", summary + (f"; and {len(items) - 20} more" if len(items) > 20 else ""))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def write_open_data(
    site_dir: Path, pulled: PulledData, routing: Routing, cache: FragmentCache = NO_CACHE
) -> dict[str, int]:
    # One encoder for every line: json.dumps with options builds a new one per call.
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    @functools.cache
    def centers_of() -> dict[str, list[str]]:  # only when some line is not in the cache
        return centers_by_number(routing)

    @functools.cache
    def headings_of() -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for heading in sorted(routing.by_heading):
            for ruling in routing.by_heading[heading]:
                found.setdefault(ruling.number, []).append(heading)
        return found

    def render(ruling: Ruling) -> tuple[str, str]:
        """A ruling's JSON Lines line and CSV line."""
        notes = routing.hts_notes.get(ruling.number, {})
        record = {
            "number": ruling.number,
            "collection": ruling.collection,
            "date": ruling.date.isoformat(),
            "subject": ruling.subject,
            "status": ruling.status.value,
            "tariffs": ruling.tariffs,
            "letter_tariffs": ruling.letter_tariffs,
            "routed_by": "letter"
            if ruling.number in routing.by_letter
            else "tariffs"
            if ruling.number in centers_of()
            else "none",
            "not_in_current_htsus": sorted(t for t, st in notes.items() if st.kind == "not_current"),
            "newer_than_htsus": sorted(t for t, st in notes.items() if st.kind == "newer"),
            "headings": headings_of().get(ruling.number, []),
            "centers": centers_of().get(ruling.number, []),
            "cbp_center_code": ruling.cbp_center_code,
            "modified_by": ruling.modified_by,
            "revoked_by": ruling.revoked_by,
            "categories": ruling.categories,
            "usmca": ruling.usmca,
            "nafta": ruling.nafta,
            "source_url": ruling.source_url,
            "capture": ruling.capture,
            "fetched_at": ruling.fetched_at.isoformat(),
        }
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(
            [
                ";".join(v) if type(v) is list else ("true" if v else "false") if type(v) is bool else v
                for v in record.values()
            ]
        )
        return encode(record) + "\n", buffer.getvalue()

    pieces = cache.pieces("open-data", pulled, render)
    in_order = [pieces[number] for number in sorted(pieces)]
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow([name for name, _ in OPEN_DATA_FIELDS])
    sizes = {}
    for name, text in (
        ("downloads/rulings.jsonl", "".join(jsonl for jsonl, _ in in_order)),
        ("downloads/rulings.csv", header.getvalue() + "".join(line for _, line in in_order)),
    ):
        data = text.encode("utf-8")
        write_output(site_dir / name, data)
        sizes[name] = len(data)
    return sizes
