"""The rulings search index (Whoosh) and the `search` command, on SYNTHETIC rulings."""

from __future__ import annotations

import json

import pytest

from ceeatlas import __main__ as cli
from ceeatlas import search_index
from ceeatlas.store import ruling_shard, write_jsonl, write_manifest

from .fakes import DAY, _ruling, write_synthetic_data


@pytest.fixture
def folders(tmp_path):
    data = tmp_path / "data"
    write_synthetic_data(data)
    return data, tmp_path / "index"


def _search(folders, capsys, *args: str) -> dict:
    data, index = folders
    assert cli.main(["--data-dir", str(data), "--index-dir", str(index), "search", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("form", ["6109.10.00.40", "6109.10.0040", "6109100040", "HTS 6109.10.00.40"])
def test_hts_in_every_form(folders, capsys, form):
    result = _search(folders, capsys, "--hts", form)
    assert [hit["number"] for hit in result["hits"]] == ["N900001"]


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [("6109", {"N900001", "N900002"}), ("6109.10", {"N900001", "N900002"}), ("8471.30", {"N900001"})],
)
def test_hts_prefixes(folders, capsys, prefix, expected):
    assert {hit["number"] for hit in _search(folders, capsys, "--hts", prefix)["hits"]} == expected


def test_words_center_status_and_dates(folders, capsys):
    assert [h["number"] for h in _search(folders, capsys, "cotton")["hits"]] == ["N900001"]
    assert {h["number"] for h in _search(folders, capsys, "--center", "electronics")["hits"]} == {"N900001"}
    assert [h["number"] for h in _search(folders, capsys, "--status", "revoked")["hits"]] == ["N900002"]
    assert _search(folders, capsys, "--hts", "6109", "--until", "2020-01-01")["total"] == 0
    result = _search(folders, capsys, "--hts", "6109", "--since", DAY.isoformat(), "--collection", "NY")
    assert result["total"] == 2 and result["hits"][0]["url"].startswith("https://rulings.cbp.gov/ruling/")


def test_table_output(folders, capsys):
    data, index = folders
    assert cli.main(["--data-dir", str(data), "--index-dir", str(index), "search", "--hts", "8708"]) == 0
    out = capsys.readouterr().out
    assert "1 rulings match" in out and "N900005" in out and "8708.29.51.60" in out


def test_sync_is_incremental(folders, curated):
    data, index = folders
    first = cli.sync_index(__import__("pathlib").Path("centers"), data, index)
    assert first.rebuilt and first.added == 5
    again = cli.sync_index(__import__("pathlib").Path("centers"), data, index)
    assert (again.added, again.updated, again.deleted) == (0, 0, 0)
    extra = _ruling("N900099", "SYNTHETIC added later", ["9503.00.0073"])
    write_jsonl(ruling_shard(data, DAY).with_name("2026-10.jsonl"), [extra])
    write_manifest(data, {"as_of": DAY.isoformat()})
    third = cli.sync_index(__import__("pathlib").Path("centers"), data, index)
    assert (third.rebuilt, third.added, third.updated) == (False, 1, 0)
    total, hits = search_index.search(index, hts="9503")
    assert total == 1 and hits[0].number == "N900099"


def test_hts_tokens():
    assert search_index.hts_tokens(["8471.30.0100"]) == ["8471", "847130", "84713001", "8471300100"]


def test_related_rulings_reach_the_pages(folders, capsys, tmp_path):
    from ceeatlas.store import read_related

    from .fakes import build_site

    data, index = folders
    assert cli.main(["--data-dir", str(data), "--index-dir", str(index), "index"]) == 0
    related = read_related(data)
    assert "N900005" in related["centers"]["automotive-aerospace"]  # "passenger car part"
    result = build_site(tmp_path / "site", data)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "centers" / "automotive-aerospace" / "index.html").read_text(encoding="utf-8")
    assert "core topics" in page and "N900005" in page
