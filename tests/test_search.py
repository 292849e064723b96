"""The rulings search index (Whoosh) and the `search` command, on SYNTHETIC rulings."""

from __future__ import annotations

import json

import pytest

from ceeatlas import __main__ as cli
from ceeatlas import search_index
from ceeatlas.indexing import sync_index
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
    first = sync_index(__import__("pathlib").Path("centers"), data, index)
    assert first.rebuilt and first.added == 5
    again = sync_index(__import__("pathlib").Path("centers"), data, index)
    assert (again.added, again.updated, again.deleted) == (0, 0, 0)
    extra = _ruling("N900099", "SYNTHETIC added later", ["9503.00.0073"])
    write_jsonl(ruling_shard(data, DAY).with_name("2026-10.jsonl"), [extra])
    write_manifest(data, {"as_of": DAY.isoformat()})
    third = sync_index(__import__("pathlib").Path("centers"), data, index)
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


def _spread_rulings(count: int, seed: int):
    """SYNTHETIC rulings over several years, with repeated dates, headings and words."""
    import datetime as dt
    import random

    chooser = random.Random(seed)
    words = ["cotton", "knit", "steel", "bolt", "valve", "toy", "lamp", "laptop"]
    tariffs = ["6109.10.0040", "6110.20.2010", "7318.15.2065", "8481.80.1099", "8471.30.0100", "9503.00.0073"]
    rulings = []
    for position in range(count):
        day = dt.date(2016, 1, 1) + dt.timedelta(days=chooser.randrange(0, 3650))
        rulings.append(
            _ruling(
                f"N{910000 + position}",
                "SYNTHETIC " + " ".join(chooser.sample(words, 2)),
                chooser.sample(tariffs, chooser.choice([1, 2])),
                date=day,
                status=chooser.choice(["active", "active", "active", "revoked"]),
            )
        )
    return rulings


def _expected(rulings, words=(), hts=None, status=None, since=None, until=None):
    """What a search must return, by brute force: matching rulings, newest first."""
    matches = [
        r
        for r in rulings
        if all(w in r.subject.split() for w in words)
        and (hts is None or any(t.replace(".", "").startswith(hts) for t in r.tariffs))
        and (status is None or r.status.value == status)
        and (since is None or r.date >= since)
        and (until is None or r.date <= until)
    ]
    return sorted(matches, key=lambda r: r.date, reverse=True)


@pytest.mark.parametrize(
    "query",
    [
        {"words": ("cotton",)},
        {"words": ("steel", "bolt")},
        {"hts": "6109"},
        {"hts": "847130", "status": "revoked"},
        {"since": "2019-03-15"},
        {"since": "2019-03-15", "until": "2021-07-04", "hts": "7318"},
        {"until": "2017-02-28", "words": ("toy",)},
        {"since": "2020-06-01", "until": "2020-06-30"},
    ],
)
def test_newest_first_matches_a_full_scan(tmp_path, query):
    """The year-by-year walk gives the same total and the same dates in the same order as
    sorting every match, also after an incremental update (second segment, deletions)."""
    import datetime as dt

    rulings = _spread_rulings(600, seed=7)
    folder = tmp_path / "index"
    search_index.sync(folder, rulings, {})
    # An incremental update: new rulings, one re-dated ruling, one removed.
    changed = [
        *_spread_rulings(640, seed=7)[600:],
        rulings[5].model_copy(update={"date": dt.date(2026, 1, 2)}),
    ]
    rulings = [r for r in rulings[6:]] + changed
    report = search_index.sync(folder, rulings, {})
    assert (report.added, report.updated, report.deleted) == (40, 1, 5)

    dates = {key: dt.date.fromisoformat(query[key]) for key in ("since", "until") if key in query}
    expected = _expected(rulings, **{**query, **dates})
    searcher = search_index.RulingSearcher(folder)
    try:
        filters = {**{k: v for k, v in query.items() if k != "words"}, **dates}
        words = " ".join(query.get("words", ()))
        total, hits = searcher.search(words, limit=15, sort="date", **filters)
        assert total == len(expected) > 0
        assert [hit.date for hit in hits] == [r.date for r in expected[:15]]
        assert {hit.number for hit in hits} <= {r.number for r in expected}
        _, everything = searcher.search(words, limit=None, sort="date", **filters)
        assert sorted(hit.number for hit in everything) == sorted(r.number for r in expected)
        relevance_total, best = searcher.search(words, limit=15, sort="relevance", **filters)
        assert relevance_total == len(expected)
        assert {hit.number for hit in best} <= {r.number for r in expected}
        assert len(best) == min(15, len(expected))
        # The same answers when the dates are read value by value (the fallback of _date_column).
        searcher._dates = searcher.searcher.reader().column_reader("date", translate=False)
        assert searcher.search(words, limit=15, sort="date", **filters) == (total, hits)
    finally:
        searcher.close()
