"""Facts show their age and their changes: `check --stale`, the record of curated facts
(data/facts.json) and the dated change lines (data/changes.jsonl) that pulls and `changes` write."""

from __future__ import annotations

import datetime as dt
import shutil

from ceeatlas import __main__ as cli
from ceeatlas.curated import load_curated
from ceeatlas.facts import compare, curated_facts, read_record, record_changes, stale
from ceeatlas.store import read_changes

from .conftest import CENTERS_DIR, REPO
from .test_pull import _snapshot

TODAY = dt.date(2026, 12, 1)


def test_every_curated_change_is_recorded(curated):
    """Edited centers/? Run `make changes`: it dates the edit for the "What changed" page."""
    assert compare(read_record(REPO / "data"), curated_facts(curated)) == []


def test_facts_are_named_by_what_they_are_not_by_position(curated):
    keys = {fact.key for fact in curated_facts(curated)}
    assert "centers/programs.yaml:programs[fast].summary" in keys
    assert any(key.startswith("centers/scope.yaml:rows[2801-3302]") for key in keys)
    assert len(keys) == len(curated_facts(curated))


def test_stale_lists_old_facts_but_not_dated_events(curated, capsys):
    facts = curated_facts(curated)
    old = stale(facts, TODAY, 3)
    assert old and all(fact.newest < dt.date(2023, 12, 1) for items in old.values() for fact in items)
    assert not any(fact.history for items in old.values() for fact in items)
    assert (
        cli.main(["--centers-dir", str(CENTERS_DIR), "check", "--stale", "3", "--today", "2026-12-01"]) == 0
    )
    out = capsys.readouterr().out
    count = sum(len(items) for items in old.values())
    assert f"{count} of {len(facts)} facts have no source newer than 3 years" in out
    assert "centers/scope.yaml (" in out


def test_an_edit_is_recorded_once_with_its_day(centers_copy, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(REPO / "data" / "facts.json", data / "facts.json")
    text = (centers_copy / "machinery.yaml").read_text()
    (centers_copy / "machinery.yaml").write_text(text.replace("Laredo, TX", "Laredo, Texas"))
    lines = record_changes(load_curated(centers_copy), data, dt.date(2027, 1, 5))
    assert [(line["kind"], line["area"]) for line in lines] == [("changed", "centers/machinery.yaml")]
    assert "management_office: Laredo, Texas" in lines[0]["what"]
    assert read_changes(data)[-1]["date"] == "2027-01-05"
    before = _snapshot(data)
    assert record_changes(load_curated(centers_copy), data, dt.date(2027, 1, 6)) == []
    assert _snapshot(data) == before  # nothing new: nothing written


def test_the_seed_is_in_the_change_log():
    lines = read_changes(REPO / "data")
    seeded = {line["area"]: line for line in lines if line["kind"] in ("replayed", "seeded")}
    assert set(seeded) == {"cross", "icp", "hts"}
    assert "1816 new" in seeded["cross"]["what"] and seeded["cross"]["date"] == "2026-12-01"
    assert lines == sorted(lines, key=lambda line: (line["date"], line["area"], line["kind"], line["what"]))


def test_long_texts_are_recorded_cut_at_a_word_and_marked():
    from ceeatlas.facts import recorded_text

    text = "word " * 100
    short = recorded_text(text)
    assert len(short) <= 300 and short.endswith("word …")
    assert recorded_text("short") == "short"
    lines = read_changes(REPO / "data")
    assert all(not line["what"].startswith(":") for line in lines)  # every line names what it is
