"""Pull commands: fetch what is new from each source, validate it, write data/ atomically.

Nothing in data/ changes until a source's fetch has finished: a failed or interrupted pull
leaves the previous snapshot intact, and because every raw response is cached, running the
same pull again resumes where the last one stopped without refetching. A pull that finds
nothing new writes no file.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from pydantic import BaseModel, ConfigDict, ValidationError

from .curated import CuratedData
from .http import FetchError, HttpClient
from .models import CaptureInfo, HtsRelease, Icp, Ruling, RulingStatus, RulingText
from .sources import agency_links, cross, icp, usitc
from .store import (
    ICPS_FILE,
    LINKS_FILE,
    TEXTS_DIR,
    StoreError,
    append_changes,
    load_link_checks,
    read_hts,
    read_jsonl,
    read_manifest,
    ruling_shard,
    ruling_shards,
    sort_rulings,
    write_hts,
    write_jsonl,
    write_manifest,
)

INCREMENTAL_OVERLAP_DAYS = 30  # CBP publishes some rulings weeks after their date
REVOKED = (RulingStatus.revoked, RulingStatus.operationally_revoked)
PROVENANCE = {"fetched_at", "capture"}  # where and when a record was seen, not what it says


@dataclass
class PullReport:
    source: str
    new: int = 0
    changed: int = 0
    revoked: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said after the failures, e.g. what they mean
    files_written: int = 0
    requests: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        line = (
            f"{self.source}: {self.new} new, {self.changed} changed, {self.revoked} revoked, "
            f"{len(self.failed)} failed ({self.unchanged} unchanged; {self.files_written} files written; "
            f"{self.requests} requests; {self.seconds:.1f} s)"
        )
        shown = self.failed[:20]
        more = [f"  ... and {len(self.failed) - 20} more"] if len(self.failed) > 20 else []
        return "\n".join([line, *(f"  failed: {item}" for item in shown), *more, *self.notes])


class RunMarker:
    """Remembers, in the cache, whether the last pull of a source finished.

    A new pull ignores cached responses from earlier pulls (it wants what is new); a pull that
    follows an interrupted one reuses what that one already fetched, and so resumes.
    """

    def __init__(self, client: HttpClient, source: str):
        self.client = client
        self.path = client.cache_dir / source / "run.json" if client.cache_dir else None

    def start(self) -> bool:
        """Returns True when resuming an interrupted pull."""
        if self.path is None:
            return False
        previous = None
        try:
            previous = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
        if previous and not previous.get("finished") and not self.client.force:
            self.client.not_before = previous["started"]
            return True
        started = time.time()
        self.client.not_before = started
        self._write({"started": started, "finished": False})
        return False

    def finish(self) -> None:
        if self.path is None:
            return
        state = json.loads(self.path.read_text(encoding="utf-8"))
        self._write({**state, "finished": True})

    def _write(self, state: dict) -> None:
        from .files import atomic_write_bytes

        atomic_write_bytes(self.path, json.dumps(state).encode())


class Progress:
    """A one-line progress bar on a terminal; occasional plain lines otherwise (CI logs)."""

    def __init__(self, label: str, stream: TextIO | None = None):
        self.label, self.stream = label, stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.last_print = 0.0

    def update(self, done: int, total: int | None, note: str = "") -> None:
        now = time.monotonic()
        if not self.tty and now - self.last_print < 10:
            return
        self.last_print = now
        if total:
            width = 30
            filled = int(width * min(done, total) / total)
            bar = "#" * filled + "-" * (width - filled)
            text = f"{self.label} [{bar}] {done}/{total} {note}"
        else:
            text = f"{self.label} {done} {note}"
        if self.tty:
            self.stream.write("\r" + text[:120].ljust(120))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


# ---------------------------------------------------------------------------------------
# CROSS
# ---------------------------------------------------------------------------------------


@dataclass
class CrossOptions:
    base_url: str
    since: dt.date | None = None
    until: dt.date | None = None
    limit: int | None = None
    with_text: bool = False
    page_size: int = 100


def _year_windows(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    windows = []
    start = first
    while start <= last:
        end = min(dt.date(start.year, 12, 31), last)
        windows.append((start, end))
        start = end + dt.timedelta(days=1)
    return windows


def _window_pages(
    client: HttpClient, options: CrossOptions, first: dt.date, last: dt.date, report: PullReport
) -> Iterator[list[dict]]:
    """Yield the rows of every page of every window, splitting windows that hit the cap."""
    # Newest first, so that --limit keeps the most recent rulings.
    stack = _year_windows(first, last)
    while stack:
        start, end = stack.pop()
        try:
            page_one = cross.parse_search(
                cross.fetch_search_page(client, options.base_url, start, end, 1, options.page_size)
            )
        except (FetchError, cross.ParseError) as error:
            report.failed.append(f"window {start}..{end}: {error}")
            continue
        if page_one.total_hits >= cross.HIT_CAP and start < end:
            middle = start + (end - start) // 2
            stack.append((start, middle))
            stack.append((middle + dt.timedelta(days=1), end))
            continue
        if page_one.total_hits >= cross.HIT_CAP:
            report.failed.append(
                f"window {start}: {page_one.total_hits} hits on one day; only the first {cross.HIT_CAP} are reachable"
            )
        yield page_one.rows
        pages = math.ceil(min(page_one.total_hits, cross.HIT_CAP) / options.page_size)
        for page in range(2, pages + 1):
            try:
                payload = cross.fetch_search_page(
                    client, options.base_url, start, end, page, options.page_size
                )
                yield cross.parse_search(payload).rows
            except (FetchError, cross.ParseError) as error:
                report.failed.append(f"window {start}..{end} page {page}: {error}")


def pull_cross(client: HttpClient, data_dir: Path, options: CrossOptions, today: dt.date) -> PullReport:
    report = PullReport(source="cross")
    started, requests_before = time.monotonic(), client.requests_made
    marker = RunMarker(client, "cross")
    if marker.start():
        print("cross: resuming the interrupted pull from the cache", file=sys.stderr)
    manifest = read_manifest(data_dir)
    state = manifest.get("sources", {}).get("cross", {})
    until = options.until or today
    if options.since:
        since = options.since
    elif state.get("last_date"):
        since = dt.date.fromisoformat(state["last_date"]) - dt.timedelta(days=INCREMENTAL_OVERLAP_DAYS)
    else:
        since = cross.FIRST_DATE

    fetched: dict[str, Ruling] = {}
    progress = Progress("cross")
    for rows in _window_pages(client, options, since, until, report):
        for row in rows:
            try:
                ruling = cross.parse_row(row, fetched_at=today)
            except cross.ParseError as error:
                report.failed.append(f"row: {error}")
                continue
            fetched[ruling.number] = ruling
        progress.update(len(fetched), None, f"rulings ({client.requests_made - requests_before} requests)")
        if options.limit and len(fetched) >= options.limit:
            break

    if not options.since and state.get("last_date") and not (options.limit and len(fetched) >= options.limit):
        _pull_recent(client, options, today, since, fetched, report)
    progress.close()

    if options.limit:
        fetched = dict(list(fetched.items())[: options.limit])
    fetch_text = _live_text_fetcher(client, options.base_url, today) if options.with_text else None
    _store_cross(data_dir, fetched, fetch_text, report)
    if report.files_written:
        count, last_date = _ruling_totals(data_dir)
        _update_manifest(data_dir, manifest, "cross", report, today, count=count, last_date=last_date)
    marker.finish()
    report.requests = client.requests_made - requests_before
    report.seconds = time.monotonic() - started
    return report


def _pull_recent(
    client: HttpClient,
    options: CrossOptions,
    today: dt.date,
    since: dt.date,
    fetched: dict,
    report: PullReport,
) -> None:
    """Rulings CBP added or changed recently but dated before the window (published late)."""
    try:
        recent = cross.parse_recent(cross.fetch_recent(client, options.base_url, today))
    except (FetchError, cross.ParseError) as error:
        report.failed.append(f"recent rulings list: {error}")
        return
    for number, _modified in recent:
        if number in fetched:
            continue
        try:
            page = cross.parse_search(cross.fetch_by_number(client, options.base_url, number))
            rows = [row for row in page.rows if cross.normalise_number(row.get("rulingNumber", "")) == number]
            if not rows:
                report.failed.append(f"{number}: listed as recent but not found by search")
                continue
            fetched[number] = cross.parse_row(rows[0], fetched_at=today)
        except (FetchError, cross.ParseError) as error:
            report.failed.append(f"{number}: {error}")


# A source of letter texts for _store_cross: the text of one ruling, or None when the source
# has none (a capture holds texts for some rulings only). Raises TextUnavailable for a failure
# worth reporting.
TextSource = Callable[[Ruling], RulingText | None]


class TextUnavailable(Exception):
    """A ruling's text could not be had; the message says why."""


def _live_text_fetcher(client: HttpClient, base_url: str, today: dt.date) -> TextSource:
    def fetch(ruling: Ruling) -> RulingText:
        try:
            number, text, document = cross.parse_detail(cross.fetch_detail(client, base_url, ruling.number))
        except cross.RulingNotFound as error:
            raise TextUnavailable("not found (CROSS answered HTTP 500 for its text)") from error
        except (FetchError, cross.ParseError) as error:
            raise TextUnavailable(f"text: {error}") from error
        return RulingText(
            number=number, text=text, document_url=cross.document_page(document), fetched_at=today
        )

    return fetch


def _store_cross(
    data_dir: Path,
    fetched: dict[str, Ruling],
    fetch_text: TextSource | None,
    report: PullReport,
    progress: bool = True,
) -> None:
    """The one way CROSS records reach data/, pulled live or replayed from a capture: store the
    texts asked for, add what each ruling's letter says (when data/ holds its text), then fold
    the rulings into their month shards."""
    texts = _store_texts(data_dir, fetched, fetch_text, report, Progress("cross texts") if progress else None)
    for number, text in texts.items():
        fetched[number] = cross.with_letter(fetched[number], text.text)
    _merge_rulings(data_dir, fetched, report)


def _merge_rulings(data_dir: Path, fetched: dict[str, Ruling], report: PullReport) -> None:
    """Fold fetched rulings into their month shards; a ruling whose date moved leaves its old shard.

    A record never replaces one fetched later (an old capture replayed after a live pull changes
    nothing). A live record that only confirms a replayed one replaces it, so the record says it
    was seen live, but counts as unchanged."""
    where: dict[str, Path] = {}
    for path in ruling_shards(data_dir):
        with path.open(encoding="utf-8") as stream:
            for line in stream:
                if line.strip():
                    where[json.loads(line)["number"]] = path
    shards: dict[Path, dict[str, Ruling]] = {}

    def shard(path: Path) -> dict[str, Ruling]:
        if path not in shards:
            shards[path] = {ruling.number: ruling for ruling in read_jsonl(path, Ruling)}
        return shards[path]

    for ruling in fetched.values():
        old_path = where.get(ruling.number)
        old = shard(old_path).get(ruling.number) if old_path else None
        if old is None:
            report.new += 1
            if ruling.status in REVOKED:
                report.revoked += 1
        elif old.fetched_at > ruling.fetched_at or old.model_dump(exclude=PROVENANCE) == ruling.model_dump(
            exclude=PROVENANCE
        ):
            report.unchanged += 1
            if not (
                old.capture is not None and ruling.capture is None and old.fetched_at <= ruling.fetched_at
            ):
                ruling = old  # keep the old record and its fetched_at: no diff
        else:
            report.changed += 1
            if ruling.status != old.status and ruling.status in REVOKED:
                report.revoked += 1
        target = ruling_shard(data_dir, ruling.date)
        if old_path is not None and old_path != target:
            del shard(old_path)[ruling.number]
        shard(target)[ruling.number] = ruling
    for path, records in sorted(shards.items()):
        if not records:
            if path.exists():
                path.unlink()
                report.files_written += 1
            continue
        if write_jsonl(path, sort_rulings(records.values())):
            report.files_written += 1


def _store_texts(
    data_dir: Path,
    fetched: dict[str, Ruling],
    fetch_text: TextSource | None,
    report: PullReport,
    progress: Progress | None,
) -> dict[str, RulingText]:
    """The texts data/ holds for the fetched rulings, after fetching the missing ones from
    `fetch_text` (none: only what data/ holds). A stored text is never fetched again."""
    by_shard: dict[Path, dict[str, RulingText]] = {}
    texts: dict[str, RulingText] = {}
    added: set[Path] = set()
    for index, ruling in enumerate(sorted(fetched.values(), key=lambda r: r.number), start=1):
        path = ruling_shard(data_dir, ruling.date, TEXTS_DIR)
        if path not in by_shard:
            by_shard[path] = {record.number: record for record in read_jsonl(path, RulingText)}
        stored = by_shard[path].get(ruling.number)
        if stored is None and fetch_text is not None:
            try:
                stored = fetch_text(ruling)
            except TextUnavailable as error:
                report.failed.append(f"{ruling.number}: {error}")
            if stored is not None:
                by_shard[path][ruling.number] = stored
                added.add(path)
            if progress:
                progress.update(index, len(fetched), "texts")
        if stored is not None:
            texts[ruling.number] = stored
    if progress:
        progress.close()
    for path in sorted(added):
        if write_jsonl(path, sorted(by_shard[path].values(), key=lambda r: r.number)):
            report.files_written += 1
    return texts


# ---------------------------------------------------------------------------------------
# CROSS, replayed from a capture
# ---------------------------------------------------------------------------------------

CAPTURE_INFO = "capture.json"


class CaptureError(Exception):
    """A capture folder cannot be replayed; the message names the file and what is wrong."""


def read_capture_info(capture_dir: Path) -> CaptureInfo:
    path = capture_dir / CAPTURE_INFO
    try:
        return CaptureInfo.model_validate_json(path.read_bytes())
    except OSError as error:
        raise CaptureError(f"{path}: cannot read: {error.strerror}") from error
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(file)"
        raise CaptureError(f"{path}: {field}: {first['msg']}") from error


def _read_capture_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise cross.ParseError(f"not a JSON response: {error}") from error


def replay_cross(data_dir: Path, capture_dir: Path) -> PullReport:
    """Replay recorded CROSS responses (capture_dir/search_pages/*.json from /api/search and
    capture_dir/rulings/<NUMBER>.json from /api/ruling) through the parse, text and merge path
    of a live pull. Records name the capture and carry its capture date, so replaying twice
    changes nothing. The manifest lists the capture apart from live pulls: the first live pull
    after a seed still backfills everything, then goes incremental."""
    report = PullReport(source=f"cross (capture {capture_dir})")
    started = time.monotonic()
    info = read_capture_info(capture_dir)

    def parse(row: object, where: str) -> Ruling | None:
        try:
            if not isinstance(row, dict):
                raise cross.ParseError("a row that is not an object")
            return cross.parse_row(row, fetched_at=info.captured_on, capture=info.id)
        except cross.ParseError as error:
            report.failed.append(f"{where}: {error}")
            return None

    fetched: dict[str, Ruling] = {}
    rows = 0
    pages = sorted((capture_dir / "search_pages").glob("*.json"))
    if not pages:
        raise CaptureError(f"{capture_dir}/search_pages/ holds no recorded search responses (*.json)")
    for path in pages:
        try:
            page = cross.parse_search(_read_capture_json(path))
        except cross.ParseError as error:
            report.failed.append(f"{path.name}: {error}")
            continue
        rows += len(page.rows)
        for row in page.rows:
            if ruling := parse(row, path.name):
                fetched[ruling.number] = ruling  # a row repeated across pages is the same ruling
    details = {path.stem.upper(): path for path in (capture_dir / "rulings").glob("*.json")}
    for number, path in sorted(details.items()):
        # A ruling known only from its detail response: that response is the record at hand.
        if number not in fetched:
            try:
                payload = _read_capture_json(path)
            except cross.ParseError as error:
                report.failed.append(f"{path.name}: {error}")
                continue
            if ruling := parse(payload, path.name):
                fetched[ruling.number] = ruling

    def recorded_text(ruling: Ruling) -> RulingText | None:
        path = details.get(ruling.number)
        if path is None:
            return None  # the capture holds texts for some rulings only
        try:
            number, text, document = cross.parse_detail(_read_capture_json(path))
        except cross.ParseError as error:
            raise TextUnavailable(f"{path.name}: {error}") from error
        if number != ruling.number:
            raise TextUnavailable(f"{path.name} holds the text of {number}")
        return RulingText(
            number=number,
            text=text,
            document_url=cross.document_page(document),
            capture=info.id,
            fetched_at=info.captured_on,
        )

    _store_cross(data_dir, fetched, recorded_text, report, progress=False)  # local files: no waiting
    replayed = list(fetched.values())
    entry = {
        **info.model_dump(mode="json", exclude={"id"}),
        "rows": rows,
        "rulings": len(replayed),
        "texts": sum(1 for ruling in replayed if ruling.number in details),
        "first_date": min((r.date for r in replayed), default=info.captured_on).isoformat(),
        "last_date": max((r.date for r in replayed), default=info.captured_on).isoformat(),
    }
    manifest = read_manifest(data_dir)
    updated = {
        **manifest,
        "as_of": max(manifest.get("as_of", ""), info.captured_on.isoformat()),
        "captures": {**manifest.get("captures", {}), info.id: entry},
    }
    if write_manifest(data_dir, updated):
        report.files_written += 1
    # Dated by the day this project copied the capture, so that replaying it is reproducible.
    what = (
        f"CROSS rulings replayed from the recorded capture {info.id}: {report.new} new, {report.changed} changed "
        f"({entry['collection']} rulings dated {entry['first_date']} to {entry['last_date']})"
    )
    _record_change(data_dir, info.copied_on, "cross", "replayed", what, report)
    report.seconds = time.monotonic() - started
    return report


def _ruling_totals(data_dir: Path) -> tuple[int, str | None]:
    """Number of rulings and the newest ruling date in data/, in one pass over the shards."""
    count, latest = 0, ""
    for path in ruling_shards(data_dir):
        with path.open(encoding="utf-8") as stream:
            for line in stream:
                if line.strip():
                    count += 1
                    latest = max(latest, json.loads(line)["date"])
    return count, latest or None


def _update_manifest(
    data_dir: Path, manifest: dict, source: str, report: PullReport, today: dt.date, **extra
) -> None:
    """Record counts and dates, but only when this pull changed data: no-op pulls change no file."""
    if report.files_written == 0:
        return
    entry = {"pulled_on": today.isoformat(), **{k: v for k, v in extra.items() if v is not None}}
    updated = {
        **manifest,
        "as_of": today.isoformat(),
        "sources": {**manifest.get("sources", {}), source: entry},
    }
    if write_manifest(data_dir, updated):
        report.files_written += 1
    counts = f"{report.new} new, {report.changed} changed" + (
        f", {report.revoked} revoked" if report.revoked else ""
    )
    what = {
        "cross": f"CROSS rulings pulled: {counts}",
        "icp": f"Informed Compliance Publications pulled from CBP's listing: {counts}",
        "pga": f"Agency guidance links checked: {counts} results",
        "hts": f"HTSUS release {extra.get('release')} pulled from USITC",
    }[source]
    _record_change(data_dir, today, source, "pulled", what, report)


def _record_change(data_dir: Path, day: dt.date, area: str, kind: str, what: str, report: PullReport) -> None:
    """A dated line in data/changes.jsonl, the source of the "What changed" page."""
    if (report.new or report.changed or report.revoked) and append_changes(
        data_dir, day, [{"area": area, "kind": kind, "what": what}]
    ):
        report.files_written += 1


# ---------------------------------------------------------------------------------------
# ICPs
# ---------------------------------------------------------------------------------------


def pull_icps(client: HttpClient, data_dir: Path, base_url: str, today: dt.date) -> PullReport:
    """CBP's listing page replaces what data/icps.jsonl holds, seed records included: a
    publication the page no longer lists is gone, and a seeded title the page lists is its
    live record from now on."""
    report = PullReport(source="icp")
    started, requests_before = time.monotonic(), client.requests_made
    client.not_before = None if client.force else time.time()  # one page: always fetch it fresh
    try:
        response = icp.fetch_listing(client, base_url)
        items = icp.parse_listing(response.text(), f"{base_url}{icp.LISTING_PATH}", today)
    except (FetchError, icp.ParseError) as error:
        report.failed.append(f"ICP listing: {error}")
        report.requests = client.requests_made - requests_before
        return report
    _store_icps(data_dir, items, report)
    _update_manifest(data_dir, read_manifest(data_dir), "icp", report, today, count=len(items))
    report.requests = client.requests_made - requests_before
    report.seconds = time.monotonic() - started
    return report


SEED_INFO = "seed.json"


def seed_icps(data_dir: Path, folder: Path) -> PullReport:
    """Seed data/icps.jsonl from a catalogue (folder/catalogue.csv, described by folder/seed.json)
    through the same store path as a live pull. Once a live pull has written the file, the
    listing is the better record and a seed changes nothing."""
    report = PullReport(source=f"icp (seed {folder})")
    try:
        info = json.loads((folder / SEED_INFO).read_text(encoding="utf-8"))
        seed, assembled = info["id"], dt.date.fromisoformat(info["assembled_on"])
        items = icp.parse_catalogue(
            (folder / "catalogue.csv").read_text(encoding="utf-8"), seed=seed, fetched_at=assembled
        )
    except (OSError, ValueError, KeyError, TypeError, icp.ParseError) as error:
        report.failed.append(f"{folder}: {error}")
        return report
    if any(item.seed is None for item in read_jsonl(data_dir / ICPS_FILE, Icp)):
        print("icp: data/ holds ICPs pulled from CBP's listing; the seed changes nothing", file=sys.stderr)
        return report
    _store_icps(data_dir, items, report)
    manifest = read_manifest(data_dir)
    entry = {**info, "count": len(items)}
    updated = {**manifest, "seeds": {**manifest.get("seeds", {}), "icp": entry}}
    if write_manifest(data_dir, updated):
        report.files_written += 1
    what = f"Informed Compliance Publications seeded from the catalogue {seed}: {report.new} new, {report.changed} changed"
    _record_change(data_dir, assembled, "icp", "seeded", what, report)
    return report


def _store_icps(data_dir: Path, items: list[Icp], report: PullReport) -> None:
    """Make data/icps.jsonl hold exactly `items`, keeping the record (and its fetch date) of a
    publication that did not change."""
    previous = {item.key: item for item in read_jsonl(data_dir / ICPS_FILE, Icp)}
    merged = []
    for item in items:
        old = previous.get(item.key)
        if old is None:
            report.new += 1
            merged.append(item)
        elif old.model_dump(exclude={"fetched_at"}) != item.model_dump(exclude={"fetched_at"}):
            report.changed += 1
            merged.append(item)
        else:
            report.unchanged += 1
            merged.append(old)
    if write_jsonl(data_dir / ICPS_FILE, merged):
        report.files_written += 1


# ---------------------------------------------------------------------------------------
# The HTSUS (USITC)
# ---------------------------------------------------------------------------------------


class HtsImport(BaseModel):
    """DIR/release.json of a recorded HTSUS release (the seed): which file holds USITC's JSON
    export, which release it is, and where it came from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str
    name: str
    published: dt.date
    copied_on: dt.date  # the day this project copied the file: the record's fetch date
    via: str  # provenance of the file, kept on the release's record


def pull_hts(client: HttpClient, data_dir: Path, base_url: str, today: dt.date) -> PullReport:
    """Fetch the current release from USITC if data/ does not hold it yet. The release name is
    read before and after the download, so the rows are known to be one release's."""
    report = PullReport(source="hts")
    started, requests_before = time.monotonic(), client.requests_made
    client.not_before = None if client.force else time.time()  # always ask which release is current
    try:
        name = usitc.parse_release_name(usitc.fetch_current_release(client, base_url, "before"))
        held = read_hts(data_dir)
        if held and held[0][-1].name == name and not client.force:
            report.unchanged += 1
        else:
            published = usitc.parse_release_date(usitc.fetch_release_list(client, base_url), name)
            rows = usitc.parse_rows(usitc.fetch_export(client, base_url, name))
            after = usitc.parse_release_name(usitc.fetch_current_release(client, base_url, "after"))
            if after != name:
                raise usitc.ParseError(
                    f"the current release changed from {name} to {after} during the download"
                )
            source = f"{base_url}/reststop/exportList"
            _store_hts(data_dir, name, published, source, None, today, rows, report)
    except (FetchError, usitc.ParseError, StoreError) as error:
        report.failed.append(f"HTSUS: {error}")
    if report.files_written:
        _update_manifest(
            data_dir, read_manifest(data_dir), "hts", report, today, release=_newest_hts(data_dir)
        )
    report.requests = client.requests_made - requests_before
    report.seconds = time.monotonic() - started
    return report


def import_hts(data_dir: Path, folder: Path) -> PullReport:
    """Keep a recorded release (folder/release.json naming a file of USITC's JSON export,
    gzipped or not) through the same parse and write path as a pull."""
    report = PullReport(source=f"hts (capture {folder})")
    try:
        source = HtsImport.model_validate_json((folder / "release.json").read_bytes())
        raw = (folder / source.file).read_bytes()
        if source.file.endswith(".gz"):
            raw = gzip.decompress(raw)
        rows = usitc.parse_rows(json.loads(raw))
        name = usitc.parse_release_name(source.name)
        source_url = usitc.DEFAULT_BASE_URL + "/reststop/exportList"
        _store_hts(data_dir, name, source.published, source_url, source.via, source.copied_on, rows, report)
    except (OSError, ValueError, usitc.ParseError, StoreError) as error:
        report.failed.append(f"{folder}: {error}")
        return report
    if report.files_written:
        manifest = read_manifest(data_dir)
        entry = {"release": _newest_hts(data_dir), "imported_from": folder.as_posix()}
        if write_manifest(data_dir, {**manifest, "seeds": {**manifest.get("seeds", {}), "hts": entry}}):
            report.files_written += 1
        what = f"HTSUS release {name} imported from a recorded export ({folder.as_posix()})"
        _record_change(data_dir, source.copied_on, "hts", "seeded", what, report)
    return report


def _newest_hts(data_dir: Path) -> str | None:
    held = read_hts(data_dir)
    return held[0][-1].name if held else None


def _store_hts(
    data_dir: Path,
    name: str,
    published: dt.date,
    source_url: str,
    via: str | None,
    today: dt.date,
    rows: list[usitc.Row],
    report: PullReport,
) -> None:
    """Keep a release as the newest; the release it replaces keeps only the numbers it differs by."""
    held = read_hts(data_dir)
    numbers = {row.htsno for row in rows if row.htsno}
    previous: HtsRelease | None = None
    if held:
        releases, old_rows = held
        newest = releases[-1]
        old_numbers = {row[0] for row in old_rows if row[0]}
        if newest.name == name:
            if [row.as_list() for row in rows] == old_rows:
                report.unchanged += 1
                return
            # The same release served again with other rows: compare with the one before it.
            previous = releases[-2] if len(releases) > 1 else None
            old_numbers = (old_numbers - set(newest.added)) | set(newest.dropped)
        elif newest.published > published:
            raise usitc.ParseError(
                f"{name} ({published}) is older than {newest.name}, which data/ already holds"
            )
        else:
            previous = newest
    release = HtsRelease(
        name=name,
        title=usitc.release_title(name),
        published=published,
        rows=len(rows),
        numbers=len(numbers),
        previous=previous.name if previous else None,
        added=sorted(numbers - old_numbers) if previous else [],
        dropped=sorted(old_numbers - numbers) if previous else [],
        source_url=source_url,
        via=via,
        fetched_at=today,
    )
    if held and held[0][-1].name == name:
        report.changed += 1
    else:
        report.new += 1
    report.files_written += write_hts(data_dir, release, [row.as_list() for row in rows])


# ---------------------------------------------------------------------------------------
# Agency guidance links
# ---------------------------------------------------------------------------------------


def pull_agency_links(client: HttpClient, data_dir: Path, curated: CuratedData, today: dt.date) -> PullReport:
    report = PullReport(source="pga")
    started, requests_before = time.monotonic(), client.requests_made
    previous = {check.agency: check for check in load_link_checks(data_dir)}
    agencies = [agency for agency in curated.agencies.agencies if agency.guidance_url]
    progress = Progress("pga links")
    checks = agency_links.check_agencies(client, agencies, today, previous, progress=progress.update)
    progress.close()
    report.requests = client.requests_made - requests_before
    # When not one server answered, the run says nothing about the links: a dozen agencies
    # breaking together is far less likely than this machine being offline (or unable to
    # resolve names, or to verify certificates). Recording them would turn every link into
    # "broken since today" and date the real result wrongly once the network is back, so the
    # previous results stay and the run fails with the reason. As soon as one server answers
    # the network is evidently up, and a host that does not resolve is recorded as broken.
    if checks and all(check.no_answer for check in checks):
        report.failed = [
            f"{check.agency.id}: {check.agency.guidance_url} could not be checked ({check.result.error})"
            for check in checks
        ]
        report.notes.append(_no_answer_note(checks, data_dir / LINKS_FILE))
        report.seconds = time.monotonic() - started
        return report
    for check in checks:
        old, result = previous.get(check.agency.id), check.result
        if old is None:
            report.new += 1
        elif old != result:
            report.changed += 1
        else:
            report.unchanged += 1
        if not result.ok:
            report.failed.append(
                f"{check.agency.id}: {check.agency.guidance_url} is broken ({result.error or f'HTTP {result.status}'})"
            )
    results = [check.result for check in checks]
    if write_jsonl(data_dir / LINKS_FILE, sorted(results, key=lambda check: check.agency)):
        report.files_written += 1
    _update_manifest(data_dir, read_manifest(data_dir), "pga", report, today, count=len(results))
    report.seconds = time.monotonic() - started
    return report


def _no_answer_note(checks: list[agency_links.AgencyCheck], links_file: Path) -> str:
    """'pga: 13 links could not be checked: no network? (unknown host for all of them). ...'"""
    causes = Counter(str(check.no_answer) for check in checks)
    if len(causes) == 1:
        why = f"{next(iter(causes))} for all of them"
    else:
        why = ", ".join(f"{cause} for {count}" for cause, count in causes.most_common())
    count = f"{len(checks)} link{'s' if len(checks) != 1 else ''}"
    kept = f"{links_file} keeps the previous results" if links_file.exists() else "nothing is recorded"
    return f"pga: {count} could not be checked: no network? ({why}). No server answered, so {kept}."
