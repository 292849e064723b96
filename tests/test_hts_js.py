"""The browser's HTSUS lookup (hts-lookup.js) reads the site's heading and word files and gives the
Python answers (ceeatlas.htsus) for numbers and words, under Node, on the REAL seeded release."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from ceeatlas.curated import load_curated
from ceeatlas.hts import normalise
from ceeatlas.htsus import STOPWORDS, SYNONYM_WEIGHT, load_schedule, synonym_map
from ceeatlas.site.schedule import heading_groups, write_assets

from .conftest import CENTERS_DIR, REPO

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (.ci/run installs it)")

SCRIPT = r"""
const fs = require("fs"), path = require("path");
const l = require(process.argv[1]);
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const base = input.base, hts = input.hts;
const read = (p) => { try { return JSON.parse(fs.readFileSync(path.join(base, p), "utf8")); } catch (e) { return null; } };
const start = (h) => { const s = hts.starts.find((x) => x[0] === h); return s ? s[1] : null; };
const out = {numbers: {}, words: {}};
for (const raw of input.numbers) {
  const digits = l.normalise(raw), heading = digits.slice(0, 4), s = start(heading);
  const lines = s === null ? null : l.linesOf(read("h/" + heading + ".json"), s);
  const e = lines ? l.explain(lines, digits) : null;
  out.numbers[raw] = e && {exists: e.exists, chain: e.exists ? l.chainText(e.line) : null,
    nearest: e.nearest ? e.nearest.htsno : null, siblings: (e.siblings || []).map((x) => x.htsno)};
}
for (const text of input.words) {
  const groups = l.wordGroups(text, hts.stopwords, hts.synonyms);
  const postings = {};
  for (const term of [].concat(...groups)) {
    const shard = read("w/" + term.slice(0, 2) + ".json") || {};
    if (shard[term]) postings[term] = [l.undelta(shard[term][0]), l.undelta(shard[term][1])];
  }
  out.words[text] = l.rank(postings, hts.searchable, groups, 10, hts.synonym_weight).map((r) => [r.index, r.matched]);
}
process.stdout.write(JSON.stringify(out));
"""

NUMBERS = [
    "6109.10.00.12",
    "6109.10.00.99",
    "6216",
    "6216.00.08",
    "9802.00.40.20",
    "8508.11.00.00",
    "0101",
    "9903.88.15",
    # subheadings USITC writes as the single line under them, or as several lines with no row
    "7113.11.50",
    "6109.10",
    "2801.10",
    "0106.12",
    "3407.00",
    "9918.02",
]
WORDS = [
    "thermal undershirts",
    "robot vacuum cleaner",
    "carbon steel pan",
    "cotton knit shirts for men",
    "drone",
]


def test_lookup_and_word_search_match_python(tmp_path):
    schedule = load_schedule(REPO / "data")
    synonyms = synonym_map(load_curated(CENTERS_DIR).hts_synonyms.entries)
    write_assets(schedule, tmp_path)
    hts = {
        "starts": [[heading, start] for heading, start, _ in heading_groups(schedule)],
        "searchable": len(schedule.searchable),
        "stopwords": sorted(STOPWORDS),
        "synonyms": synonyms,
        "synonym_weight": SYNONYM_WEIGHT,
    }
    payload = {"base": str(tmp_path / "assets" / "hts"), "hts": hts, "numbers": NUMBERS, "words": WORDS}
    result = subprocess.run(
        [NODE, "-e", SCRIPT, str(REPO / "docs/assets/javascripts/hts-lookup.js")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    answers = json.loads(result.stdout)
    for raw in NUMBERS:
        digits = normalise(raw)
        line = schedule.find(digits)
        got = answers["numbers"][raw]
        if line is not None:
            assert got["exists"] and got["chain"] == schedule.chain_text(line), raw
        else:
            nearest = schedule.nearest_parent(digits)
            assert not got["exists"] and got["nearest"] == (nearest.htsno if nearest else None), raw
            assert got["siblings"] == [item.htsno for item in schedule.numbered_children(nearest)], raw
    for text in WORDS:
        expected = [[line.index, matched] for line, _, matched in schedule.search(text, 10, synonyms)]
        assert answers["words"][text] == expected, text
