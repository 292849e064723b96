"""Writing files: data that never leaves a half-written file behind, and build outputs that are
kept between builds and rewritten only where they changed."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path


def atomic_write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    """Write to a temporary file in the same folder, then rename: never a half-written file.
    `durable=False` skips the fsync, for caches: what a crash loses is made again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


# Paths written by write_output while recording_outputs() is active (per process).
_recorded: list[str] | None = None


def write_output(path: Path, data: str | bytes) -> None:
    """Write a build output unless the file already holds exactly these bytes.

    On this project's machines creating a file costs ten times more than rewriting one, and a
    large build writes about 10,000: the build keeps its outputs between runs (keep_outputs)
    and leaves unchanged ones alone. A folder is created only when the write finds it missing."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if _recorded is not None:
        _recorded.append(os.path.normpath(path))
    try:
        if path.stat().st_size == len(payload) and path.read_bytes() == payload:
            return
        path.write_bytes(payload)
    except FileNotFoundError:
        # Most new files go to a folder that exists: try the write first (a mkdir that finds
        # the folder there is a system call per file, 1.4 s of a cold build at 20,000 rulings).
        try:
            path.write_bytes(payload)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(payload)


def record_outputs(paths: Iterable[Path]) -> None:
    """Count files as written by this build without writing them: they are still right (see
    reuse_outputs), and prune_outputs must keep them."""
    if _recorded is not None:
        _recorded.extend(os.path.normpath(path) for path in paths)


def reuse_outputs(stamp: Path | None, key: str, site_dir: Path) -> int:
    """How many outputs `stamp` lists, if they were made from inputs with this `key` and are all
    still in the site folder (they are then recorded as written); else 0. A group of outputs that is
    costly to make and depends on little (the HTSUS files) is then made once per input."""
    if stamp is None:
        return 0
    try:
        recorded = json.loads(stamp.read_text("utf-8"))
    except (OSError, ValueError):
        return 0
    if not isinstance(recorded, dict) or recorded.get("key") != key:
        return 0
    paths = [site_dir / name for name in recorded.get("files", [])]
    if not paths or not all(path.is_file() for path in paths):
        return 0
    record_outputs(paths)
    return len(paths)


def remember_outputs(stamp: Path | None, key: str, site_dir: Path, paths: Iterable[Path]) -> None:
    """Write the stamp reuse_outputs reads (a cache file: losing it costs one rewrite)."""
    if stamp is None:
        return
    names = sorted(Path(path).relative_to(site_dir).as_posix() for path in paths)
    atomic_write_bytes(stamp, json.dumps({"key": key, "files": names}).encode("utf-8"), durable=False)


@contextmanager
def recording_outputs() -> Iterator[list[str]]:
    """Collect the paths write_output writes in this process, to prune the stale ones later."""
    global _recorded
    previous, _recorded = _recorded, []
    try:
        yield _recorded
    finally:
        _recorded = previous


KEPT = ".atlas-kept"  # hidden: MkDocs leaves dot-entries alone when it cleans the site folder


def keep_outputs(site_dir: Path, folders: Iterable[str]) -> None:
    """Before MkDocs cleans the site folder, move the folders only this project writes aside."""
    for folder in folders:
        source, kept = site_dir / folder, site_dir / KEPT / folder
        if not source.is_dir():
            continue
        if kept.exists():  # left by a build that failed in between
            shutil.rmtree(kept)
        kept.parent.mkdir(parents=True, exist_ok=True)
        os.rename(source, kept)


def restore_outputs(site_dir: Path, folders: Iterable[str]) -> None:
    """After the clean, put the kept folders back, to be rewritten in place."""
    for folder in folders:
        kept, target = site_dir / KEPT / folder, site_dir / folder
        if not kept.is_dir():
            continue
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(kept, target)
    shutil.rmtree(site_dir / KEPT, ignore_errors=True)


def prune_outputs(site_dir: Path, folders: Iterable[str], written: set[str]) -> int:
    """Delete files under the folders that this build did not write (and folders left empty).
    Returns how many files were deleted."""
    deleted = 0
    for folder in folders:
        for parent, _, names in os.walk(site_dir / folder, topdown=False):
            for name in names:
                path = os.path.normpath(os.path.join(parent, name))
                if path not in written:
                    os.unlink(path)
                    deleted += 1
            if not os.listdir(parent):
                os.rmdir(parent)
    return deleted
