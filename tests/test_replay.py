"""Replaying the REAL recorded CROSS capture into data/, and what a live pull does after it
(against a fake CROSS on 127.0.0.1 that serves the same real rows plus SYNTHETIC older ones)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter

import pytest

from ceeatlas import __main__ as cli
from ceeatlas.store import load_texts, read_manifest, ruling_shards

from . import real
from .fakes import FakeCross, pull_argv, synthetic_rulings
from .test_pull import _snapshot

TODAY = dt.date(2026, 12, 1)


def _replay(tmp_path, capture=real.CROSS_CAPTURE) -> int:
    return cli.main(pull_argv("cross", tmp_path, "--from-capture", str(capture), today=TODAY.isoformat()))


def _lines(data) -> list[dict]:
    return [json.loads(line) for path in ruling_shards(data) for line in path.read_text("utf-8").splitlines()]


def test_replay_writes_every_ruling_with_its_provenance(tmp_path, capsys):
    assert _replay(tmp_path) == 0
    data = tmp_path / "data"
    records = _lines(data)
    assert len(records) == len({r["number"] for r in records}) == 1816
    assert real.capture_numbers() == {r["number"] for r in records}
    assert {(r["capture"], r["fetched_at"]) for r in records} == {("cross-2026", "2026-09-28")}
    texts = load_texts(data)
    assert len(texts) == 481 and {t.capture for t in texts.values()} == {"cross-2026"}
    manifest = read_manifest(data)
    capture = manifest["captures"]["cross-2026"]
    assert (capture["rows"], capture["rulings"], capture["texts"]) == (1828, 1816, 481)
    assert (capture["first_date"], capture["last_date"]) == ("2026-01-02", "2026-08-14")
    assert capture["captured_on"] == "2026-09-28" and "fennaya/tariff-cost-benchmark" in capture["repository"]
    assert "cross" not in manifest.get("sources", {})  # a replay is not a pull
    assert manifest["as_of"] == "2026-09-28"  # the capture's date, not the day it was replayed
    assert "1816 new" in capsys.readouterr().out


def test_replay_reads_the_letters(tmp_path):
    _replay(tmp_path)
    records = {r["number"]: r for r in _lines(tmp_path / "data")}
    assert records["N357180"]["letter_tariffs"] == ["5603.93.0090"]
    assert records["N357180"]["letter_rule"] == "stated"
    assert records["N357087"]["letter_rule"] == "none" and records["N357087"]["cbp_center_code"] == "CEE004"
    assert records["N363339"]["cbp_center_code"] == "CEE007"
    rules = Counter(r["letter_rule"] for r in records.values() if not r["tariffs"])
    assert rules["stated"] >= 50 and rules["classified"] >= 20


def test_replaying_twice_changes_no_file(tmp_path, capsys):
    _replay(tmp_path)
    before = _snapshot(tmp_path / "data")
    capsys.readouterr()
    assert _replay(tmp_path) == 0
    assert _snapshot(tmp_path / "data") == before
    assert "0 new, 0 changed" in capsys.readouterr().out


def test_a_broken_capture_is_reported_and_the_rest_replayed(tmp_path, capsys):
    capture = real.copy_capture(tmp_path / "capture")
    (capture / "search_pages" / "page_0019.json").write_text('{"rulings": [', encoding="utf-8")
    assert _replay(tmp_path, capture) == 1
    out = capsys.readouterr().out
    assert "page_0019.json: not a JSON response" in out and "1 failed" in out
    kept = {row["rulingNumber"] for page in real.search_pages()[:18] for row in page["rulings"]}
    kept |= set(real.detail_numbers())  # a detail response is a record of its own
    assert {r["number"] for r in _lines(tmp_path / "data")} == kept


def test_a_capture_without_its_description_fails_clearly(tmp_path, capsys):
    capture = real.copy_capture(tmp_path / "capture")
    (capture / "capture.json").unlink()
    assert _replay(tmp_path, capture) == 1
    assert "capture.json: cannot read" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()


@pytest.fixture
def live(httpserver):
    """The real rows, plus SYNTHETIC older and HQ rulings the capture does not hold."""
    older = synthetic_rulings(40, seed=3, first=dt.date(1995, 1, 1), last=dt.date(2025, 12, 31))
    server = FakeCross(rows=[*real.search_rows(), *older])
    httpserver.expect_request(re.compile(".*")).respond_with_handler(server.handle)
    server.base_url = httpserver.url_for("").rstrip("/")
    server.older = older
    return server


def _live_pull(live, tmp_path, today: dt.date) -> int:
    argv = pull_argv(
        "cross", tmp_path, "--cross-base-url", live.base_url, "--page-size", "500", today=today.isoformat()
    )
    return cli.main(argv)


def test_first_live_pull_after_a_seed_backfills_then_goes_incremental(live, tmp_path, capsys):
    _replay(tmp_path)
    capsys.readouterr()
    assert _live_pull(live, tmp_path, TODAY) == 0
    searches = [path for path in live.requests if path.startswith("/api/search")]
    # The capture is a window, not a history: the first pull starts in 1989.
    assert any("fromDate=1989-01-01" in path for path in searches)
    records = _lines(tmp_path / "data")
    numbers = Counter(r["number"] for r in records)
    assert len(records) == len(numbers) == 1816 + len(live.older)  # merged, no duplicates
    out = capsys.readouterr().out
    assert f"{len(live.older)} new, 0 changed" in out and "1816 unchanged" in out
    # A ruling seen live now says so; what its letter added (read from the stored text) stays.
    by_number = {r["number"]: r for r in records}
    assert by_number["N357180"]["capture"] is None and by_number["N357180"]["fetched_at"] == TODAY.isoformat()
    assert by_number["N357180"]["letter_tariffs"] == ["5603.93.0090"]
    manifest = read_manifest(tmp_path / "data")
    assert manifest["sources"]["cross"]["last_date"] == "2026-08-14"
    assert "cross-2026" in manifest["captures"]  # the seed stays described

    live.requests.clear()
    later = TODAY + dt.timedelta(days=7)
    assert _live_pull(live, tmp_path, later) == 0
    searches = [path for path in live.requests if path.startswith("/api/search")]
    assert searches and all("fromDate=2026-07-15" in path for path in searches if "fromDate" in path)
    assert len(_lines(tmp_path / "data")) == 1816 + len(live.older)


def test_replaying_after_a_live_pull_changes_nothing(live, tmp_path):
    _live_pull(live, tmp_path, TODAY)
    records = _snapshot(tmp_path / "data" / "rulings")
    assert _replay(tmp_path) == 0
    assert _snapshot(tmp_path / "data" / "rulings") == {
        path: digest for path, digest in _snapshot(tmp_path / "data" / "rulings").items() if path in records
    }
    live_records = {r["number"]: r for r in _lines(tmp_path / "data")}
    assert all(r["capture"] is None for r in live_records.values())
