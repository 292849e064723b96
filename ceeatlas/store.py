"""Reading and writing data/: deterministic JSON Lines, atomic writes, write only on change.

Layout (all sorted, one record per line, keys sorted):
  data/manifest.json                       counts, last pulled date per source, the data's as-of date
  data/rulings/<YYYY>/<YYYY-MM>.jsonl      CROSS rulings by ruling date, sorted by number
  data/ruling-texts/<YYYY>/<YYYY-MM>.jsonl full texts (only with --with-text), same sharding
  data/icps.jsonl                          Informed Compliance Publications, sorted by title
  data/links/agencies.jsonl                last check of each agency guidance URL
  data/related.json                        related rulings per Center and per ICP (from the index)
  data/hts/schedule.jsonl                  the newest HTSUS release kept, in full: a header line
                                           naming it, then one row per line in schedule order
                                           ([htsno, indent, description, units])
  data/hts/releases/<name>.json            every kept release: dates, provenance, and the numbers
                                           it added and dropped against the release before it
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .files import atomic_write_bytes
from .models import HtsRelease, Icp, LinkCheck, Ruling, RulingText

MANIFEST = "manifest.json"
RULINGS_DIR = "rulings"
TEXTS_DIR = "ruling-texts"
ICPS_FILE = "icps.jsonl"
LINKS_FILE = "links/agencies.jsonl"
RELATED_FILE = "related.json"  # related rulings picked with the search index (see `ceeatlas index`)
HTS_SCHEDULE = "hts/schedule.jsonl"
CHANGES_FILE = "changes.jsonl"  # dated lines of what changed (pulls, and `ceeatlas changes` for centers/)
HTS_RELEASES = "hts/releases"

ModelT = TypeVar("ModelT", bound=BaseModel)


class StoreError(Exception):
    """A file in data/ cannot be read; the message names the file and line."""


def dumps(record: BaseModel) -> str:
    return json.dumps(
        record.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )


def write_if_changed(path: Path, text: str) -> bool:
    """Atomically replace `path` with `text` unless it already holds exactly that."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write_bytes(path, data)
    return True


def write_jsonl(path: Path, records: Iterable[BaseModel]) -> bool:
    lines = [dumps(record) for record in records]
    return write_if_changed(path, "".join(line + "\n" for line in lines))


def read_jsonl(path: Path, model: type[ModelT]) -> list[ModelT]:
    if not path.exists():
        return []
    records = []
    with path.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            if line.strip():
                records.append(parse_line(path, number, line, model))
    return records


def parse_line(path: Path, number: int, line: str | bytes, model: type[ModelT]) -> ModelT:
    """One record of a JSON Lines file; an error names the file, the line and the field."""
    try:
        return model.model_validate_json(line)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(record)"
        raise StoreError(f"{path}:{number}: {field}: {first['msg']}") from error


# -- rulings --------------------------------------------------------------------------


def ruling_shard(root: Path, day: dt.date, folder: str = RULINGS_DIR) -> Path:
    return root / folder / f"{day.year:04d}" / f"{day.year:04d}-{day.month:02d}.jsonl"


def ruling_shards(root: Path, folder: str = RULINGS_DIR) -> list[Path]:
    return sorted((root / folder).glob("*/*.jsonl"))


def iter_rulings(root: Path) -> Iterator[Ruling]:
    for path in ruling_shards(root):
        yield from read_jsonl(path, Ruling)


def is_blank(line: bytes) -> bool:
    """What read_jsonl skips: a line of whitespace, Unicode spaces included (a record starts
    with "{", so only other lines need decoding)."""
    stripped = line.strip()
    return not stripped or (not stripped.startswith(b"{") and not line.decode("utf-8", "replace").strip())


def read_shard(path: Path) -> tuple[str, list[Ruling]]:
    """(digest of the file's bytes, its rulings): the digest tells a rebuild whether anything
    in this month changed (see ceeatlas.fragments)."""
    data = path.read_bytes()
    rulings = [
        parse_line(path, number, line, Ruling)
        for number, line in enumerate(data.splitlines(), start=1)
        if not is_blank(line)
    ]
    return hashlib.blake2b(data, digest_size=16).hexdigest(), rulings


def newest_by_number(rulings: Iterable[Ruling]) -> dict[str, Ruling]:
    """Number -> record. A ruling whose date CBP corrected can sit in two shards: the newest
    fetch wins, and of two fetches on the same day the one read last (in shard order)."""
    found: dict[str, Ruling] = {}
    for ruling in rulings:
        old = found.get(ruling.number)
        if old is None or ruling.fetched_at >= old.fetched_at:
            found[ruling.number] = ruling
    return found


def sort_rulings(rulings: Iterable[Ruling]) -> list[Ruling]:
    return sorted(rulings, key=lambda ruling: (ruling.number, ruling.date))


def load_texts(root: Path) -> dict[str, RulingText]:
    texts: dict[str, RulingText] = {}
    for path in ruling_shards(root, TEXTS_DIR):
        for record in read_jsonl(path, RulingText):
            texts[record.number] = record
    return texts


# -- ICPs and link checks ---------------------------------------------------------------


def load_icps(root: Path) -> list[Icp]:
    return read_jsonl(root / ICPS_FILE, Icp)


def load_link_checks(root: Path) -> list[LinkCheck]:
    return read_jsonl(root / LINKS_FILE, LinkCheck)


# -- manifest -------------------------------------------------------------------------


def read_manifest(root: Path) -> dict:
    path = root / MANIFEST
    if not path.exists():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise StoreError(f"{path}: cannot read the manifest: {error}") from error
    if not isinstance(manifest, dict):
        raise StoreError(f"{path}: the manifest must be a JSON object")
    return manifest


def write_manifest(root: Path, manifest: dict) -> bool:
    text = json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    return write_if_changed(root / MANIFEST, text)


def write_related_file(path: Path, related: dict) -> bool:
    text = json.dumps(related, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    return write_if_changed(path, text)


def read_related(root: Path) -> dict:
    path = root / RELATED_FILE
    if not path.exists():
        return {"centers": {}, "icps": {}}
    try:
        related = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise StoreError(f"{path}: cannot read related rulings: {error}") from error
    return {"centers": related.get("centers", {}), "icps": related.get("icps", {})}


# -- the HTSUS ------------------------------------------------------------------------------


def write_hts(root: Path, release: HtsRelease, rows: list[list]) -> int:
    """Keep `release` with its rows as the newest: first its record, then the schedule, each
    written atomically. Until the schedule is replaced, its header still names the release
    before, so an interrupted write leaves a consistent snapshot (read_hts ignores a record
    newer than the schedule). Returns how many files changed."""
    record = json.dumps(release.model_dump(mode="json"), sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    header = json.dumps({"release": release.name}, ensure_ascii=False)
    lines = [header] + [json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows]
    written = write_if_changed(root / HTS_RELEASES / f"{release.name}.json", record)
    written += write_if_changed(root / HTS_SCHEDULE, "\n".join(lines) + "\n")
    return written


def read_hts(root: Path) -> tuple[list[HtsRelease], list[list]] | None:
    """(kept releases oldest first, ending with the schedule's; the schedule's rows), or None
    when no release is kept. Errors name the file and line."""
    path = root / HTS_SCHEDULE
    if not path.exists():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    try:
        name = json.loads(lines[0])["release"]
        # One parse of all rows as a JSON array: a third of the time of one parse per line.
        rows = json.loads("[" + ",".join(line for line in lines[1:] if line.strip()) + "]")
    except (IndexError, KeyError, TypeError, json.JSONDecodeError) as error:
        raise StoreError(f"{path}: not an HTSUS schedule written by `pull hts`: {error}") from error
    releases: dict[str, HtsRelease] = {}
    for record_path in sorted((root / HTS_RELEASES).glob("*.json")):
        try:
            release = HtsRelease.model_validate_json(record_path.read_bytes())
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "(record)"
            raise StoreError(f"{record_path}: {field}: {first['msg']}") from error
        releases[release.name] = release
    chain: list[HtsRelease] = []
    current: str | None = name
    while current is not None:
        if current not in releases:
            raise StoreError(f"{root / HTS_RELEASES}: no record of release {current}, which {path} needs")
        chain.append(releases[current])
        current = releases[current].previous
    return list(reversed(chain)), rows


# -- what changed ---------------------------------------------------------------------------


def append_changes(data_dir: Path, day: dt.date, lines: list[dict]) -> bool:
    """Add dated lines to data/changes.jsonl (kept sorted by day, then area and text)."""
    if not lines:
        return False
    path = data_dir / CHANGES_FILE
    existing = (
        [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    )
    entries = existing + [{"date": day.isoformat(), **line} for line in lines]
    entries.sort(key=lambda entry: (entry["date"], entry["area"], entry["kind"], entry["what"]))
    text = "".join(json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n" for entry in entries)
    return write_if_changed(path, text)


def read_changes(data_dir: Path) -> list[dict]:
    path = data_dir / CHANGES_FILE
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
