"""The static files behind "Find rulings": shards stay small and agree with the routing."""

from __future__ import annotations

import json
from pathlib import Path

from ceeatlas import finder
from ceeatlas.pulled import load_pulled, route

from .conftest import CENTERS_DIR
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


def test_the_same_bytes_whatever_the_hash_seed(tmp_path):
    """Words come from a set, whose order changes from run to run; the files must not."""
    import os
    import subprocess
    import sys

    from ceeatlas.store import ruling_shard, write_jsonl, write_manifest

    from .fakes import DAY, _ruling

    data = tmp_path / "data"
    subjects = ["SYNTHETIC stainless steel storage stand", "SYNTHETIC steel stool", "SYNTHETIC storage stand"]
    rulings = [_ruling(f"N90000{i}", subject, ["7326.90.8688"]) for i, subject in enumerate(subjects)]
    write_jsonl(ruling_shard(data, DAY), rulings)
    write_manifest(data, {"as_of": DAY.isoformat()})
    script = (
        "import sys; from pathlib import Path\n"
        "from ceeatlas.curated import load_curated\n"
        "from ceeatlas.finder import write_finder_data\n"
        "from ceeatlas.pulled import load_pulled, route\n"
        "curated = load_curated(Path(sys.argv[1]))\n"
        "pulled = load_pulled(Path(sys.argv[2]))\n"
        "write_finder_data(Path(sys.argv[3]), pulled, route(pulled, curated.scope, curated.hts), list(curated.centers))\n"
    )
    outputs = []
    for seed in ("1", "2", "3"):
        out = tmp_path / f"site-{seed}"
        subprocess.run(
            [sys.executable, "-c", script, str(CENTERS_DIR), str(data), str(out)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        outputs.append({p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*.json"))})
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(json.loads(outputs[0][Path(finder.FOLDER) / "words" / "st.json"])) == 5


def test_a_ruling_with_two_numbers_of_one_heading_counts_once(curated, tmp_path):
    """Routing, the heading files and the chapter feed list such a ruling once."""
    import datetime as dt
    import xml.etree.ElementTree as ET

    from ceeatlas.exports import FEED_ENTRIES, write_feeds
    from ceeatlas.store import ruling_shard, write_jsonl, write_manifest

    from .fakes import DAY, _ruling

    data = tmp_path / "data"
    rulings = [
        _ruling(
            f"N9{index:05d}",
            f"SYNTHETIC laptop model {index}",
            ["8471.30.0100", "8471.41.0150"],
            date=DAY - dt.timedelta(days=index),
        )
        for index in range(FEED_ENTRIES + 10)
    ]
    write_jsonl(ruling_shard(data, DAY), rulings)
    write_manifest(data, {"as_of": DAY.isoformat()})
    pulled = load_pulled(data)
    routing = route(pulled, curated.scope, curated.hts)
    assert len(routing.by_heading["8471"]) == len(rulings)

    site = tmp_path / "site"
    finder.write_finder_data(site, pulled, routing, list(curated.centers))
    rows = json.loads((site / finder.FOLDER / "hts" / "8471.json").read_text())
    assert len(rows) == len({row[0] for row in rows}) == len(rulings)

    write_feeds(site, "https://example.invalid/", pulled, routing, {}, DAY)
    feed = ET.parse(site / "feeds" / "chapters" / "84.xml").getroot()
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == FEED_ENTRIES
