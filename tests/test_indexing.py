"""Keeping the search index in step with data/ month by month, on SYNTHETIC rulings.

The strongest check: after every change, the index updated in place holds the same documents
(the same fingerprints, the same stored month list) as an index built from scratch."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from ceeatlas import indexing, search_index
from ceeatlas.models import RulingText
from ceeatlas.store import TEXTS_DIR, ruling_shard, write_jsonl

from .conftest import CENTERS_DIR
from .fakes import _ruling

JAN = dt.date(2025, 1, 15)
FEB = dt.date(2025, 2, 10)
MAR = dt.date(2025, 3, 5)


def _write_month(data, day: dt.date, rulings) -> None:
    write_jsonl(ruling_shard(data, day), sorted(rulings, key=lambda r: r.number))


def _state(index) -> dict:
    return json.loads((index / search_index.STATE_FILE).read_text(encoding="utf-8"))


class LinesParsed:
    def __init__(self):
        self.seen: list[str] = []

    def take(self) -> list[str]:
        """'<month file>:<ruling number>' of each line parsed since the last call, sorted."""
        seen, self.seen = self.seen, []
        return sorted(seen)


@pytest.fixture
def parsed(monkeypatch) -> LinesParsed:
    record = LinesParsed()
    original = indexing.parse_line

    def recording(path, number, line, model):
        result = original(path, number, line, model)
        record.seen.append(f"{path.parent.parent.name}/{path.stem}:{result.number}")
        return result

    monkeypatch.setattr(indexing, "parse_line", recording)
    return record


def _sync(data, index):
    return indexing.sync_index(CENTERS_DIR, data, index, related=False)


def _same_as_fresh(data, index, tmp_path) -> None:
    fresh = tmp_path / "fresh-index"
    shutil.rmtree(fresh, ignore_errors=True)
    _sync(data, fresh)
    assert _state(index)["fingerprints"] == _state(fresh)["fingerprints"]
    assert _state(index)["sources"] == _state(fresh)["sources"]


def _numbers(index, **filters) -> set[str]:
    _, hits = search_index.search(index, limit=None, **filters)
    return {hit.number for hit in hits}


def test_only_new_lines_are_parsed(tmp_path, parsed):
    data, index = tmp_path / "data", tmp_path / "index"
    _write_month(data, JAN, [_ruling("N800001", "SYNTHETIC cotton shirt", ["6109.10.0040"], date=JAN)])
    _write_month(data, FEB, [_ruling("N800002", "SYNTHETIC steel bolt", ["7318.15.2065"], date=FEB)])
    first = _sync(data, index)
    assert first.rebuilt and first.added == 2
    assert parsed.take() == ["rulings/2025-01:N800001", "rulings/2025-02:N800002"]

    again = _sync(data, index)
    assert (again.added, again.updated, again.deleted) == (0, 0, 0)
    assert parsed.take() == []  # nothing changed, nothing parsed

    _write_month(
        data,
        MAR,
        [_ruling("N800003", "SYNTHETIC toy robot", ["9503.00.0073"], date=MAR)],
    )
    third = _sync(data, index)
    assert (third.rebuilt, third.added, third.updated, third.deleted) == (False, 1, 0, 0)
    assert parsed.take() == ["rulings/2025-03:N800003"]
    assert _numbers(index, hts="9503") == {"N800003"}
    _same_as_fresh(data, index, tmp_path)


def test_changed_and_deleted_rulings(tmp_path, parsed):
    data, index = tmp_path / "data", tmp_path / "index"
    unchanged = _ruling("N800004", "SYNTHETIC lamp", ["9405.11.4010"], date=JAN)
    _write_month(
        data,
        JAN,
        [
            _ruling("N800001", "SYNTHETIC cotton shirt", ["6109.10.0040"], date=JAN),
            _ruling("N800002", "SYNTHETIC steel bolt", ["7318.15.2065"], date=JAN),
            unchanged,
        ],
    )
    _write_month(data, FEB, [_ruling("N800003", "SYNTHETIC toy robot", ["9503.00.0073"], date=FEB)])
    _sync(data, index)
    parsed.take()

    # N800001 revoked, N800002 gone from its month, and all of February gone.
    _write_month(
        data,
        JAN,
        [
            _ruling("N800001", "SYNTHETIC cotton shirt", ["6109.10.0040"], date=JAN, status="revoked"),
            unchanged,
        ],
    )
    ruling_shard(data, FEB).unlink()
    report = _sync(data, index)
    assert (report.added, report.updated, report.deleted) == (0, 1, 2)
    assert parsed.take() == ["rulings/2025-01:N800001"]
    assert _numbers(index, status="revoked") == {"N800001"}
    assert _numbers(index, since=dt.date(2000, 1, 1)) == {"N800001", "N800004"}
    _same_as_fresh(data, index, tmp_path)


def test_a_redated_ruling_in_two_months(tmp_path, parsed):
    """CBP corrected a ruling's date: the record fetched last wins, wherever it sits."""
    data, index = tmp_path / "data", tmp_path / "index"
    old = _ruling("N800001", "SYNTHETIC cotton shirt", ["6109.10.0040"], date=JAN)
    _write_month(data, JAN, [old, _ruling("N800002", "SYNTHETIC steel bolt", ["7318.15.2065"], date=JAN)])
    _write_month(data, MAR, [_ruling("N800003", "SYNTHETIC toy robot", ["9503.00.0073"], date=MAR)])
    _sync(data, index)
    parsed.take()

    newer = old.model_copy(
        update={
            "date": FEB,
            "subject": "SYNTHETIC knitted cotton shirt",
            "fetched_at": old.fetched_at + dt.timedelta(days=1),
        }
    )
    _write_month(data, FEB, [newer])  # January still holds the old record
    report = _sync(data, index)
    assert (report.added, report.updated, report.deleted) == (0, 1, 0)
    # Both records of the ruling, not its neighbour in January, nothing of March.
    assert parsed.take() == ["rulings/2025-01:N800001", "rulings/2025-02:N800001"]
    total, hits = search_index.search(index, "knitted")
    assert total == 1 and hits[0].date == FEB

    # The newer record goes away again: the January one is back in the index.
    ruling_shard(data, FEB).unlink()
    report = _sync(data, index)
    assert (report.added, report.updated, report.deleted) == (0, 1, 0)
    assert search_index.search(index, "knitted")[0] == 0
    _same_as_fresh(data, index, tmp_path)


def test_a_new_text_updates_its_ruling(tmp_path, parsed):
    data, index = tmp_path / "data", tmp_path / "index"
    _write_month(
        data,
        JAN,
        [
            _ruling("N800001", "SYNTHETIC shirt", ["6109.10.0040"], date=JAN),
            _ruling("N800002", "SYNTHETIC bolt", ["7318.15.2065"], date=JAN),
        ],
    )
    _sync(data, index)
    parsed.take()
    write_jsonl(
        ruling_shard(data, JAN, TEXTS_DIR),
        [RulingText(number="N800001", text="SYNTHETIC the garment is knitted of cotton", fetched_at=JAN)],
    )
    report = _sync(data, index)
    assert report.updated == 1
    assert parsed.take() == ["ruling-texts/2025-01:N800001", "rulings/2025-01:N800001"]
    assert search_index.search(index, "knitted")[0] == 1

    # The ruling changes, its text does not: the text is read again and stays in the index.
    _write_month(
        data,
        JAN,
        [
            _ruling("N800001", "SYNTHETIC shirt", ["6109.10.0040"], date=JAN, status="revoked"),
            _ruling("N800002", "SYNTHETIC bolt", ["7318.15.2065"], date=JAN),
        ],
    )
    assert _sync(data, index).updated == 1
    assert parsed.take() == ["ruling-texts/2025-01:N800001", "rulings/2025-01:N800001"]
    assert search_index.search(index, "knitted", status="revoked")[0] == 1
    _same_as_fresh(data, index, tmp_path)


def test_a_scope_change_compares_every_ruling(tmp_path, monkeypatch, parsed):
    data, index = tmp_path / "data", tmp_path / "index"
    _write_month(data, JAN, [_ruling("N800001", "SYNTHETIC shirt", ["6109.10.0040"], date=JAN)])
    _write_month(data, FEB, [_ruling("N800002", "SYNTHETIC bolt", ["7318.15.2065"], date=FEB)])
    _sync(data, index)
    parsed.take()
    monkeypatch.setattr(indexing, "routing_digest", lambda curated, schedule=None: "another scope")
    report = _sync(data, index)
    assert parsed.take() == ["rulings/2025-01:N800001", "rulings/2025-02:N800002"]
    # Same Centers, so no document is rewritten, and the index is not rebuilt.
    assert (report.rebuilt, report.added, report.updated, report.deleted) == (False, 0, 0, 0)


def test_a_ruling_of_two_centers_is_not_rewritten_by_an_unrelated_change(tmp_path):
    """A ruling's Centers come out in one order whichever other rulings are routed with it."""
    data, index = tmp_path / "data", tmp_path / "index"
    two_centers = _ruling(
        "N800001", "SYNTHETIC shirt with a USB light", ["6109.10.0040", "8471.30.0100"], date=JAN
    )
    _write_month(data, JAN, [two_centers])
    _write_month(data, MAR, [_ruling("N800003", "SYNTHETIC laptop", ["8471.30.0100"], date=MAR)])
    _sync(data, index)
    _write_month(data, JAN, [two_centers, _ruling("N800002", "SYNTHETIC bolt", ["7318.15.2065"], date=JAN)])
    report = _sync(data, index)
    assert (report.added, report.updated, report.deleted) == (1, 0, 0)
    _same_as_fresh(data, index, tmp_path)


def test_a_damaged_state_file_means_a_rebuild(tmp_path):
    data, index = tmp_path / "data", tmp_path / "index"
    _write_month(data, JAN, [_ruling("N800001", "SYNTHETIC shirt", ["6109.10.0040"], date=JAN)])
    _sync(data, index)
    (index / search_index.STATE_FILE).write_text('{"version": 3, "fingerp', encoding="utf-8")
    report = _sync(data, index)
    assert report.rebuilt and report.added == 1
    assert _numbers(index, hts="6109") == {"N800001"}


def test_index_command_merges_segments_on_request(tmp_path, capsys):
    from ceeatlas import __main__ as cli

    data, index = tmp_path / "data", tmp_path / "index"
    _write_month(data, JAN, [_ruling("N800001", "SYNTHETIC shirt", ["6109.10.0040"], date=JAN)])
    argv = ["--data-dir", str(data), "--index-dir", str(index), "index"]
    assert cli.main(argv) == 0
    _write_month(data, FEB, [_ruling("N800002", "SYNTHETIC bolt", ["7318.15.2065"], date=FEB)])
    assert cli.main(argv) == 0  # an update: a second segment
    assert cli.main([*argv, "--optimize"]) == 0
    assert "index segments merged" in capsys.readouterr().out
    assert len(list(index.glob("*.seg"))) == 1
    assert _numbers(index, since=dt.date(2000, 1, 1)) == {"N800001", "N800002"}


def test_lines_in_another_order_are_read_again(tmp_path):
    """Of two records fetched the same day, the later line wins: a new order is a change."""
    data, index = tmp_path / "data", tmp_path / "index"
    first = _ruling("N800001", "SYNTHETIC shirt version one", ["6109.10.0040"], date=JAN)
    second = first.model_copy(update={"subject": "SYNTHETIC shirt version two"})
    write_jsonl(ruling_shard(data, JAN), [first, second])
    _sync(data, index)
    write_jsonl(ruling_shard(data, JAN), [second, first])
    assert _sync(data, index).updated == 1
    assert search_index.search(index, "one")[0] == 1
    _same_as_fresh(data, index, tmp_path)


def test_a_code_change_compares_every_ruling(tmp_path, monkeypatch, parsed):
    """How a line is read or routed is code: the index does not trust its record across it."""
    data, index = tmp_path / "data", tmp_path / "index"
    _write_month(data, JAN, [_ruling("N800001", "SYNTHETIC shirt", ["6109.10.0040"], date=JAN)])
    _sync(data, index)
    parsed.take()
    monkeypatch.setattr(indexing, "context_digest", lambda *parts: "other code")
    _sync(data, index)
    assert parsed.take() == ["rulings/2025-01:N800001"]


def test_a_sync_killed_before_its_record_is_written_leads_to_a_rebuild(tmp_path, monkeypatch):
    """Killed after the index changed but before the record of what it holds was replaced:
    even if data/ is then put back as it was, the next sync rebuilds instead of trusting it."""
    data, index = tmp_path / "data", tmp_path / "index"
    shirt = _ruling("N800001", "SYNTHETIC shirt", ["6109.10.0040"], date=JAN)
    bolt = _ruling("N800002", "SYNTHETIC bolt", ["7318.15.2065"], date=JAN)
    _write_month(data, JAN, [shirt, bolt])
    _sync(data, index)
    before = ruling_shard(data, JAN).read_bytes()

    _write_month(data, JAN, [shirt])
    real_replace = search_index.os.replace

    def killed(source, target):
        if str(target).endswith(search_index.STATE_FILE):
            raise KeyboardInterrupt("killed")
        return real_replace(source, target)

    monkeypatch.setattr(search_index.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        _sync(data, index)
    monkeypatch.setattr(search_index.os, "replace", real_replace)

    ruling_shard(data, JAN).write_bytes(before)
    assert _sync(data, index).rebuilt
    assert _numbers(index, since=dt.date(2000, 1, 1)) == {"N800001", "N800002"}


def test_lines_of_unicode_spaces_are_skipped_like_blank_ones(tmp_path):
    from ceeatlas.pulled import load_pulled

    data, index = tmp_path / "data", tmp_path / "index"
    _write_month(data, JAN, [_ruling("N800001", "SYNTHETIC shirt", ["6109.10.0040"], date=JAN)])
    shard = ruling_shard(data, JAN)
    shard.write_bytes(shard.read_bytes() + "\u00a0\n\n".encode())
    assert [r.number for r in load_pulled(data).rulings] == ["N800001"]
    assert _sync(data, index).added == 1
