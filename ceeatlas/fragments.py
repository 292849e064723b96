"""Per-ruling pieces of the build's outputs, cached so a rebuild renders only the rulings that changed.

At 200,000 rulings most of a build is spent turning each ruling into the same few strings: its
row in the ruling lists, its row in the Find rulings files, its open-data lines. A pull of a
hundred rulings changes a few hundred of them, so the build keeps those strings in
cache/fragments/<kind>/, one file ("chunk") per month shard of data/. A chunk records the digest
of its shard's bytes (PulledData.shard_digests) and, for each ruling, a digest of the record
with its piece:
  - shard unchanged: every piece of the month is read back as it is;
  - shard changed: each ruling's record is digested, and only the new or changed ones are
    rendered.
Chunk names depend on the build's context (the code of this package, the scope and HTS
chapters that a ruling's Centers come from, the Center order, the Python version; see
context_digest), so a piece rendered by other code or for another scope is never read. Chunks
no build uses any more are deleted. Deleting cache/ only costs one slower build.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from .files import atomic_write_bytes
from .models import Ruling
from .pulled import PulledData, paused_gc

PieceT = TypeVar("PieceT")
PACKAGE = Path(__file__).resolve().parent


def context_digest(*parts: str) -> str:
    """A digest of everything besides the ruling that a piece may depend on: this package's
    code and templates, and `parts` (the scope, the Center order...)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(sys.version.encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".j2") and path.is_file():
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    for part in parts:
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()


class FragmentCache:
    """Pieces of one kind ("list-row", "finder-row"...) for every ruling, from cache files
    where their month is unchanged. With no folder, every piece is rendered."""

    def __init__(self, folder: Path | None, context: str):
        self.folder = folder
        self.context = context

    def pieces(self, kind: str, pulled: PulledData, render: Callable[[Ruling], PieceT]) -> dict[str, PieceT]:
        """Ruling number -> render(ruling), for every ruling in `pulled`."""
        if self.folder is None:
            return {ruling.number: render(ruling) for ruling in pulled.rulings}
        by_month: dict[str | None, list[Ruling]] = defaultdict(list)
        for ruling in pulled.rulings:
            by_month[pulled.month_of.get(ruling.number)].append(ruling)
        folder = self.folder / kind
        pieces: dict[str, PieceT] = {}
        used: set[str] = set()
        with paused_gc():  # a chunk is many small objects (see paused_gc)
            for month, rulings in by_month.items():
                shard = pulled.shard_digests.get(month) if month else None
                if shard is None:  # a ruling not read from a shard (built in code): nothing to key it by
                    pieces.update((ruling.number, render(ruling)) for ruling in rulings)
                    continue
                name = hashlib.blake2b(f"{self.context}|{month}".encode(), digest_size=16).hexdigest()
                used.add(name)
                pieces.update(_month_pieces(folder / name, shard, rulings, render))
        _prune(folder, used)
        return pieces


NO_CACHE = FragmentCache(None, "")  # every piece rendered, nothing kept


def _month_pieces(
    path: Path, shard: str, rulings: list[Ruling], render: Callable[[Ruling], PieceT]
) -> list[tuple[str, PieceT]]:
    """(number, piece) of a month's rulings: from the month's chunk where it holds, rendered
    where not. The chunk is rewritten when anything changed."""
    chunk = _load(path)
    known: dict[str, tuple[bytes, PieceT]] = chunk.get("pieces", {})
    # Written from the same shard bytes, the chunk's pieces hold: only a ruling that a record in
    # another month replaced since, or gave back, is missing. Otherwise each record is compared
    # with the digest kept next to its piece.
    same_shard = chunk.get("shard") == shard
    stale = [
        ruling
        for ruling in rulings
        if ruling.number not in known
        or (not same_shard and known[ruling.number][0] != _record_digest(ruling))
    ]
    if stale or not same_shard:
        known.update((ruling.number, (_record_digest(ruling), render(ruling))) for ruling in stale)
        # Only the month's current rulings: pieces of rulings gone from it would pile up.
        known = {ruling.number: known[ruling.number] for ruling in rulings}
        atomic_write_bytes(
            path,
            pickle.dumps({"shard": shard, "pieces": known}, protocol=pickle.HIGHEST_PROTOCOL),
            durable=False,
        )
    return [(ruling.number, known[ruling.number][1]) for ruling in rulings]


def _record_digest(ruling: Ruling) -> bytes:
    return hashlib.blake2b(ruling.model_dump_json().encode(), digest_size=12).digest()


def _load(path: Path) -> dict:
    """A chunk this build wrote earlier (pickle: the cache is local and written only here)."""
    try:
        with path.open("rb") as stream:
            chunk = pickle.load(stream)
    except FileNotFoundError:
        return {}
    except Exception:  # unreadable (a build killed mid-write, another Python): render again
        return {}
    return chunk if isinstance(chunk, dict) and isinstance(chunk.get("pieces"), dict) else {}


def _prune(folder: Path, used: Iterable[str]) -> None:
    """Delete the chunks this build did not use (their month or the context changed), and
    temporary files a killed build left. A temporary file (its name starts with a dot) less
    than an hour old may be another build's, still being written (see atomic_write_bytes)."""
    if not folder.is_dir():
        return
    keep = set(used)
    abandoned = time.time() - 3600
    for entry in os.scandir(folder):
        if entry.name in keep or not entry.is_file():
            continue
        with contextlib.suppress(FileNotFoundError):
            if not entry.name.startswith(".") or entry.stat().st_mtime < abandoned:
                os.unlink(entry.path)
