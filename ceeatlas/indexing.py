"""Keep the rulings search index in step with data/, parsing only the lines that changed.

A pull of a hundred rulings changes a few hundred lines of data/ out of 200,000. With its
fingerprints, the index stores a digest of each month (its rulings shard and its texts shard)
and, line by line, a digest and the ruling number. The next sync hashes the shard files (a
fraction of a second for 200,000 rulings); in a month whose digest changed it hashes each line
and parses only the lines it has not seen, then updates only the rulings they concern.

A ruling can have more than one line: CBP corrected its date (it sits in two months), or a
text was pulled for it. Every line of a touched ruling is parsed, so the record that wins is
chosen exactly as the build chooses it (store.newest_by_number), and its text goes with it. A
change of the curated scope, of this package's code, of the text option or of the layout below
compares every ruling again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import search_index
from .curated import CuratedData, load_curated
from .fragments import context_digest
from .htsus import Schedule, load_schedule
from .models import Ruling, RulingText
from .pulled import PulledData, ace_code_map, centers_by_number, route, tariff_notes, title_key
from .store import (
    RELATED_FILE,
    RULINGS_DIR,
    TEXTS_DIR,
    is_blank,
    load_icps,
    newest_by_number,
    parse_line,
    write_related_file,
)

LAYOUT = 2  # of the `sources` stored with the index; a change compares every ruling again
KINDS = {"r": (RULINGS_DIR, Ruling), "t": (TEXTS_DIR, RulingText)}


@dataclass
class MonthScan:
    """One month's lines: (digest, ruling number) of each, in file order, and the records of
    the lines that were parsed, keyed by their position in `lines`."""

    lines: list[list[str]] = field(default_factory=list)
    records: dict[int, Ruling | RulingText] = field(default_factory=dict)


def _kinds(with_text: bool) -> tuple[str, ...]:
    return ("r", "t") if with_text else ("r",)


def _path(data_dir: Path, kind: str, month: str) -> Path:
    return data_dir / KINDS[kind][0] / f"{month}.jsonl"


def month_digests(data_dir: Path, with_text: bool) -> dict[str, str]:
    """Month ("2024/2024-05") -> digest of the bytes of its shard files."""
    months = set()
    for kind in _kinds(with_text):
        root = data_dir / KINDS[kind][0]
        months.update(path.relative_to(root).with_suffix("").as_posix() for path in root.glob("*/*.jsonl"))
    digests = {}
    for month in sorted(months):
        digest = hashlib.blake2b(digest_size=16)
        for kind in _kinds(with_text):
            path = _path(data_dir, kind, month)
            digest.update(path.read_bytes() if path.exists() else b"")
            digest.update(b"\0")  # keeps "rulings, no texts" apart from "no rulings, texts"
        digests[month] = digest.hexdigest()
    return digests


def _raw_lines(data_dir: Path, month: str, with_text: bool) -> list[tuple[str, Path, int, bytes]]:
    """(kind, file, line number, bytes) of every non-blank line of a month, in file order."""
    found = []
    for kind in _kinds(with_text):
        path = _path(data_dir, kind, month)
        if path.exists():
            for number, line in enumerate(path.read_bytes().splitlines(), start=1):
                if not is_blank(line):
                    found.append((kind, path, number, line))
    return found


def _scan(
    data_dir: Path,
    month: str,
    with_text: bool,
    seen: dict[str, str],
    wanted: set[str] = frozenset(),
    earlier: MonthScan | None = None,
) -> MonthScan:
    """Hash each line of a month. A line whose digest is in `seen` (digest -> number, from the
    last sync) is not parsed unless its number is in `wanted`; every other line is parsed,
    unless `earlier` (a scan of the same file) already did."""
    scan = MonthScan()
    for position, (kind, path, number, line) in enumerate(_raw_lines(data_dir, month, with_text)):
        digest = hashlib.blake2b(kind.encode() + line, digest_size=8).hexdigest()
        known = seen.get(digest)
        if known is None or known in wanted:
            record = earlier.records.get(position) if earlier else None
            if record is None:
                record = parse_line(path, number, line, KINDS[kind][1])
            scan.records[position] = record
            known = record.number
        scan.lines.append([digest, known])
    return scan


def _lines_by_number(lines: list[list[str]]) -> dict[str, list[str]]:
    """Ruling number -> the digests of its lines in a month, in file order."""
    found: dict[str, list[str]] = {}
    for digest, number in lines:
        found.setdefault(number, []).append(digest)
    return found


def routing_digest(curated: CuratedData, schedule: Schedule | None = None) -> str:
    """What a ruling's document depends on besides the ruling itself: the scope and the HTS
    chapters its Centers come from, and this package's code (how a line is read, how it is
    routed), so a change to any of them compares every ruling again."""
    return context_digest(
        curated.scope.model_dump_json(),
        curated.hts.model_dump_json(),
        json.dumps(ace_code_map(curated.centers), sort_keys=True),
        json.dumps([release.name for release in schedule.releases] if schedule else []),
    )


def routed_of(
    curated: CuratedData, rulings: list[Ruling], schedule: Schedule | None = None
) -> dict[str, search_index.Routed]:
    """Ruling number -> how the site routes it: its Centers, the Center CBP names, and whether
    its numbers are in the newest HTSUS release held."""
    ace_codes = ace_code_map(curated.centers)
    centers = centers_by_number(route(PulledData(root=Path(), rulings=rulings), curated.scope, curated.hts))
    return {
        ruling.number: search_index.Routed(
            centers=tuple(centers.get(ruling.number, ())),
            cbp=",".join(
                part for part in (ace_codes.get(ruling.cbp_center_code or ""), ruling.cbp_center_code) if part
            ),
            hts_status=",".join(
                sorted({status.kind for status in tariff_notes(ruling, schedule).values()})
                if schedule
                else []
            )
            or "current",
        )
        for ruling in rulings
    }


def sync_index(
    centers_dir: Path,
    data_dir: Path,
    index_dir: Path,
    procs: int = 1,
    with_text: bool = True,
    related: bool = True,
) -> search_index.SyncReport:
    """Bring the index up to date with data/ and, unless told not to, refresh data/related.json."""
    curated = load_curated(centers_dir)
    digests = month_digests(data_dir, with_text)
    schedule = load_schedule(data_dir)
    header = {"layout": LAYOUT, "routing": routing_digest(curated, schedule), "with_text": with_text}
    state = search_index.read_state(index_dir)
    previous = state["sources"] if state else {}
    incremental = bool(previous) and all(previous.get(key) == value for key, value in header.items())
    known: dict[str, list] = previous["months"] if incremental else {}

    scans: dict[str, MonthScan] = {}
    touched: set[str] = set()
    for month in sorted(digests):
        old = known.get(month)
        if old is not None and old[0] == digests[month]:
            continue
        seen = {digest: number for digest, number in old[1]} if old else {}
        scan = scans[month] = _scan(data_dir, month, with_text, seen)
        if incremental:
            # Rulings with a new line, a line gone, or their lines in another order (of two
            # records fetched the same day, the later line wins).
            before, after = _lines_by_number(old[1] if old else []), _lines_by_number(scan.lines)
            touched.update(n for n in before.keys() | after.keys() if before.get(n) != after.get(n))
    for month in set(known) - set(digests):
        touched.update(number for _, number in known[month][1])

    if incremental:
        # Every other line of a touched ruling (another month, its text) decides with the new ones.
        for month in sorted(digests):
            lines = scans[month].lines if month in scans else known[month][1]
            parsed = scans[month].records if month in scans else {}
            if any(
                number in touched and position not in parsed for position, (_, number) in enumerate(lines)
            ):
                seen = {digest: number for digest, number in lines}
                scans[month] = _scan(data_dir, month, with_text, seen, touched, scans.get(month))

    ordered = [
        record for month in sorted(scans) for _, record in sorted(scans[month].records.items())
    ]  # file order, as the build reads data/
    rulings = newest_by_number(r for r in ordered if isinstance(r, Ruling))
    texts = {t.number: t.text for t in ordered if isinstance(t, RulingText)}  # the last one wins
    months = {month: known[month] for month in digests if month not in scans}
    months.update({month: [digests[month], scan.lines] for month, scan in scans.items()})
    sources = {**header, "months": dict(sorted(months.items()))}

    if incremental:
        selected = [rulings[n] for n in sorted(touched) if n in rulings]
        removed = sorted(n for n in touched if n not in rulings)
        report = search_index.update(
            index_dir,
            state,
            selected,
            routed_of(curated, selected, schedule),
            texts,
            removed,
            sources=sources,
        )
    else:
        selected = sorted(rulings.values(), key=lambda r: (r.date, r.number), reverse=True)
        report = search_index.sync(
            index_dir,
            selected,
            routed_of(curated, selected, schedule),
            texts,
            procs=procs,
            sources=sources,
            state=state,
        )
    if related and months:
        # Also when no ruling changed: ICPs or a Center's industries may have.
        report.related_written = write_related(curated, data_dir, index_dir)
    return report


def write_related(curated: CuratedData, data_dir: Path, index_dir: Path) -> bool:
    """Pick related rulings with the index and store them in data/related.json for the build.

    The build stays fast and offline: it reads this file instead of opening the index."""
    searcher = search_index.RulingSearcher(index_dir)
    try:
        related: dict[str, dict] = {"centers": {}, "icps": {}}
        for center_id, center in curated.centers.items():
            words = " ".join(item.text for item in center.industries) or center.name
            related["centers"][center_id] = searcher.related(words, center=center_id, limit=10)
        topics = {title_key(topic.title): topic.hts for topic in curated.icp_topics.topics}
        for icp in load_icps(data_dir):
            # Only publications about goods: a word match for "Prior Disclosure" or "Drawback"
            # picks rulings that merely share a word.
            codes = icp.hts or topics.get(title_key(icp.title))
            if codes:
                related["icps"][icp.key] = searcher.related(icp.title, hts=codes, limit=5)
    finally:
        searcher.close()
    return write_related_file(data_dir / RELATED_FILE, related)
