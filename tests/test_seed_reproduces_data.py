"""The committed data/ is exactly what `make seed` writes: replaying the REAL captures through the
pull commands into an empty folder gives the same bytes, so no hand edit or stale code path hides
in the snapshot the site is built from."""

from __future__ import annotations

import datetime as dt

from ceeatlas import __main__ as cli

from .conftest import REPO
from .fakes import pull_argv

DATA = REPO / "data"
# Written by the replays; manifest.json, facts.json and changes.jsonl also hold other steps' records.
REPLAYED = ("rulings", "ruling-texts", "icps.jsonl", "hts")


def _files(root, names):
    found = {}
    for name in names:
        path = root / name
        paths = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        found.update({p.relative_to(root).as_posix(): p.read_bytes() for p in paths})
    return found


def test_seeding_from_the_captures_rebuilds_the_committed_data(tmp_path):
    # A later day than the capture's: the records must carry the capture's dates, not today's.
    today = dt.date(2027, 3, 1).isoformat()
    for source, flag, folder in (
        ("cross", "--from-capture", "cross-2026"),
        ("icp", "--from-catalogue", "icps"),
        ("hts", "--from-capture", "hts"),
    ):
        argv = pull_argv(source, tmp_path, flag, str(REPO / "captures" / folder), today=today)
        assert cli.main(argv) == 0, source
    seeded, committed = _files(tmp_path / "data", REPLAYED), _files(DATA, REPLAYED)
    assert sorted(seeded) == sorted(committed)
    differing = [name for name in committed if seeded[name] != committed[name]]
    assert differing == [], f"run `make seed`: these files differ from a fresh replay: {differing}"
