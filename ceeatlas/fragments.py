"""Per-ruling pieces of the build's outputs, cached by month so a rebuild renders only what changed.

At 200,000 rulings most of a build is spent turning each ruling into the same few strings: its
row in the ruling lists, its row in the Find rulings files, its open-data lines. A pull of a
hundred rulings changes a few month shards, so the build keeps those strings in cache/fragments/,
one file per kind and month, named by a digest of:
  - the bytes of the month's shard in data/ (PulledData.shard_digests),
  - the build's context: the code of this package, the scope and HTS chapters a ruling's Centers
    come from, the Center order, the Python version (see context_digest).
Any change to one of these gives new names, so a stale piece is never read; files no build
uses any more are deleted. Deleting cache/ only costs one slower build.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

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
                digest = pulled.shard_digests.get(month) if month else None
                if digest is None:  # a ruling not read from a shard (built in code): nothing to key it by
                    pieces.update((ruling.number, render(ruling)) for ruling in rulings)
                    continue
                name = hashlib.blake2b(
                    f"{self.context}|{month}|{digest}".encode(), digest_size=16
                ).hexdigest()
                used.add(name)
                chunk = _load(folder / name)
                # A chunk holds the month's rulings that were current when it was written; one
                # that a record in another month replaced since, or gave back, is rendered now.
                missing = [ruling for ruling in rulings if ruling.number not in chunk]
                if missing:
                    chunk.update((ruling.number, render(ruling)) for ruling in missing)
                    _store(folder / name, chunk)
                pieces.update((ruling.number, chunk[ruling.number]) for ruling in rulings)
        _prune(folder, used)
        return pieces


def _load(path: Path) -> dict:
    """A chunk this build wrote earlier (pickle: the cache is local and written only here)."""
    try:
        with path.open("rb") as stream:
            chunk = pickle.load(stream)
    except FileNotFoundError:
        return {}
    except Exception:  # unreadable (a build killed mid-write, another Python): render again
        return {}
    return chunk if isinstance(chunk, dict) else {}


def _store(path: Path, chunk: dict) -> None:
    """Write to a temporary name, then rename, so a reader never sees half a chunk. No fsync:
    a chunk lost in a crash is rendered again, and syncing a thousand files is slow."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(chunk, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _prune(folder: Path, used: Iterable[str]) -> None:
    """Delete the chunks this build did not use (their month or the context changed). Names
    starting with a dot are another build's files being written."""
    if not folder.is_dir():
        return
    keep = set(used)
    for entry in os.scandir(folder):
        if entry.name not in keep and not entry.name.startswith(".") and entry.is_file():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
