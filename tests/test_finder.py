"""The static files behind "Find rulings": shards stay small and agree with the routing."""

from __future__ import annotations

import json

from ceeatlas import finder
from ceeatlas.pulled import load_pulled, route

from .fakes import write_synthetic_data


def test_files_for_synthetic_data(curated, tmp_path, monkeypatch):
    write_synthetic_data(tmp_path / "data")
    pulled = load_pulled(tmp_path / "data")
    routing = route(pulled, curated.scope, curated.hts)
    monkeypatch.setattr(finder, "SPLIT_AT", 1)  # force the split layout for 6109 (two rulings)
    sizes = finder.write_finder_data(tmp_path / "site", pulled, routing, list(curated.centers))
    root = tmp_path / "site" / finder.FOLDER
    meta = json.loads((root / "meta.json").read_text())
    assert meta["count"] == 5
    assert meta["headings"]["6109"][:2] == [2, 1]
    assert set(meta["headings"]["6109"][2]) == {"610910"}
    rows = json.loads((root / "hts" / "6109" / "610910.json").read_text())
    assert [row[0] for row in rows] == ["N900002", "N900001"] or {row[0] for row in rows} == {
        "N900001",
        "N900002",
    }
    words = json.loads((root / "words" / "co.json").read_text())
    assert "cotton" in words
    assert sizes["largest_bytes"] < 1_000_000


def test_words_drop_stopwords():
    assert finder.words_of("The tariff classification of a cotton T-shirt from China") == {
        "cotton",
        "shirt",
        "china",
    }
