"""The build's cache of per-ruling pieces (ceeatlas.fragments), on SYNTHETIC rulings: whatever
the cache holds, the pieces are those rendered from the current data."""

from __future__ import annotations

import datetime as dt

import pytest

from ceeatlas.fragments import FragmentCache, context_digest
from ceeatlas.pulled import load_pulled
from ceeatlas.store import ruling_shard, write_jsonl

from .fakes import _ruling

JAN = dt.date(2025, 1, 15)
FEB = dt.date(2025, 2, 10)


class Renderer:
    """Renders a piece from the ruling and counts the rulings it rendered."""

    def __init__(self):
        self.rendered: list[str] = []

    def __call__(self, ruling) -> str:
        self.rendered.append(ruling.number)
        return f"{ruling.number}|{ruling.subject}|{ruling.status.value}"


def _write(data, day, rulings):
    write_jsonl(ruling_shard(data, day), sorted(rulings, key=lambda r: r.number))


def _pieces(cache: FragmentCache, data) -> tuple[dict, list[str]]:
    render = Renderer()
    pulled = load_pulled(data)
    pieces = cache.pieces("row", pulled, render)
    assert pieces == {ruling.number: Renderer()(ruling) for ruling in pulled.rulings}
    return pieces, sorted(render.rendered)


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    _write(
        folder,
        JAN,
        [
            _ruling("N800001", "SYNTHETIC shirt", ["6109.10.0040"], date=JAN),
            _ruling("N800002", "SYNTHETIC bolt", ["7318.15.2065"], date=JAN),
        ],
    )
    _write(folder, FEB, [_ruling("N800003", "SYNTHETIC toy", ["9503.00.0073"], date=FEB)])
    return folder


def test_only_new_or_changed_rulings_are_rendered(tmp_path, data):
    cache = FragmentCache(tmp_path / "cache", "context")
    assert _pieces(cache, data)[1] == ["N800001", "N800002", "N800003"]
    assert _pieces(cache, data)[1] == []

    # One ruling of January changes: only it is rendered again.
    _write(
        data,
        JAN,
        [
            _ruling("N800001", "SYNTHETIC shirt", ["6109.10.0040"], date=JAN),
            _ruling("N800002", "SYNTHETIC bolt", ["7318.15.2065"], date=JAN, status="revoked"),
        ],
    )
    pieces, rendered = _pieces(cache, data)
    assert rendered == ["N800002"] and pieces["N800002"].endswith("revoked")
    assert _pieces(cache, data)[1] == []

    # February goes: so does its chunk.
    ruling_shard(data, FEB).unlink()
    assert _pieces(cache, data)[1] == []
    assert len(list((tmp_path / "cache" / "row").iterdir())) == 1


def test_a_new_context_renders_everything(tmp_path, data):
    _pieces(FragmentCache(tmp_path / "cache", "context"), data)
    assert _pieces(FragmentCache(tmp_path / "cache", "other context"), data)[1] == [
        "N800001",
        "N800002",
        "N800003",
    ]


def test_the_context_follows_the_code_and_the_parts():
    assert context_digest("scope") == context_digest("scope")
    assert context_digest("scope") != context_digest("another scope")


def test_a_damaged_chunk_is_rendered_again(tmp_path, data):
    cache = FragmentCache(tmp_path / "cache", "context")
    _pieces(cache, data)
    for chunk in (tmp_path / "cache" / "row").iterdir():
        chunk.write_bytes(b"not a pickle")
    assert _pieces(cache, data)[1] == ["N800001", "N800002", "N800003"]


def test_a_redated_ruling_uses_the_record_that_wins(tmp_path, data):
    """The record fetched last wins; January's chunk was written while January's record won."""
    cache = FragmentCache(tmp_path / "cache", "context")
    _pieces(cache, data)
    newer = _ruling("N800001", "SYNTHETIC knitted shirt", ["6109.10.0040"], date=FEB)
    newer = newer.model_copy(update={"fetched_at": newer.fetched_at + dt.timedelta(days=1)})
    _write(data, FEB, [newer, _ruling("N800003", "SYNTHETIC toy", ["9503.00.0073"], date=FEB)])
    pieces, rendered = _pieces(cache, data)
    assert rendered == ["N800001"]  # the toy in February is unchanged, January too
    assert "knitted" in pieces["N800001"]

    # The February record goes away: January's, never changed, is read back from its chunk.
    _write(data, FEB, [_ruling("N800003", "SYNTHETIC toy", ["9503.00.0073"], date=FEB)])
    pieces, rendered = _pieces(cache, data)
    assert rendered == [] and "knitted" not in pieces["N800001"]


def test_without_a_folder_nothing_is_kept(data):
    assert _pieces(FragmentCache(None, "context"), data)[1] == ["N800001", "N800002", "N800003"]


def test_a_killed_builds_temporary_file_is_removed_once_old(tmp_path, data):
    import os
    import time

    cache = FragmentCache(tmp_path / "cache", "context")
    _pieces(cache, data)
    folder = tmp_path / "cache" / "row"
    fresh, old = folder / ".chunk.being-written", folder / ".chunk.abandoned"
    fresh.write_bytes(b"")
    old.write_bytes(b"")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    _pieces(cache, data)
    assert fresh.exists() and not old.exists()


def test_a_schedule_pulled_again_under_the_same_name_renders_the_notes_again(tmp_path):
    """USITC may serve a release again with other rows under the same name (pull.py keeps it):
    a cached "not in the current HTSUS" note must follow the rows, not the name. On the REAL
    committed data, with one line of the schedule taken out."""
    import json
    import shutil

    from ceeatlas.curated import load_curated
    from ceeatlas.site import generate

    from .conftest import CENTERS_DIR, REPO

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    curated = load_curated(CENTERS_DIR)

    def routing():
        site = generate(curated, load_pulled(data), cache_dir=tmp_path / "cache")
        return site.start_static_files.args[0].routing  # the build the site was made from

    first = routing()
    pulled = load_pulled(data)
    ruling = next(r for r in pulled.rulings if r.tariffs and r.number not in first.hts_notes)
    dropped = ruling.tariffs[0]
    schedule = data / "hts" / "schedule.jsonl"
    lines = schedule.read_text("utf-8").splitlines()
    digits = dropped.replace(".", "")  # CROSS and the HTSUS punctuate numbers differently
    kept = [line for line in lines[1:] if json.loads(line)[0].replace(".", "") != digits]
    assert len(kept) == len(lines) - 2  # the release's name (line 1) stays, one row goes
    schedule.write_text("\n".join([lines[0], *kept]) + "\n", "utf-8")
    again = routing()
    assert dropped in again.hts_notes[ruling.number]
    assert again.hts_notes[ruling.number][dropped].kind in ("not_current", "newer")
