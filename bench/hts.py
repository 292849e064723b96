"""Measures of the HTSUS on the site (issue targets in brackets), on the committed data/:

- build time the HTSUS data adds: `mkdocs build` of data/ with and without data/hts, each
  from an empty cache, three runs each, medians [<= 2 s];
- the snapshot's size on disk (data/hts) and in the repository's objects (gzip level 6);
- the lookup page's first load, gzipped: its HTML, stylesheets and scripts and the lookup JSON
  it fetches for the first answer [<= 150 KB];
- the first word query's download: the lookup JSON, the word files of the query's words and
  synonyms, and the heading files of the lines shown (25), for sample queries [<= 300 KB];
- time per answer under Node: explaining a number from its heading file (parse included), and
  ranking a word query from its word files (parse included) [<= 50 ms and <= 100 ms].

    .venv/bin/python -m bench.hts
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.run import run_measured

REPO = Path(__file__).resolve().parent.parent
NUMBERS = ["6109.10.00.12", "6109.10.00.99", "8471.30.01.00", "8517.13.00.00", "2933.99.79", "9802.00.40.20",
           "7323.99.70.00", "3004.90.92", "8708.29.50", "6216"]  # fmt: skip
QUERIES = ["thermal undershirts", "robot vacuum cleaner", "carbon steel pan", "cotton knit shirts for men",
           "stainless steel bolt", "lithium ion battery", "frozen shrimp", "parts of machines", "plastic toys",
           "leather handbag", "wooden furniture", "steel"]  # fmt: skip
NODE_SCRIPT = r"""
const fs = require("fs"), path = require("path");
const l = require(process.argv[1]);
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const base = input.base, hts = input.hts;
const readText = (p) => { try { return fs.readFileSync(path.join(base, p), "utf8"); } catch (e) { return null; } };
const out = {numbers: [], words: []};
for (const raw of input.numbers) {
  const started = process.hrtime.bigint();
  const digits = l.normalise(raw), heading = digits.slice(0, 4);
  const start = hts.starts.find((s) => s[0] === heading)[1];
  const lines = l.linesOf(JSON.parse(readText("h/" + heading + ".json")), start);
  l.explain(lines, digits);
  out.numbers.push(Number(process.hrtime.bigint() - started) / 1e6);
}
for (const text of input.queries) {
  const started = process.hrtime.bigint();
  const groups = l.wordGroups(text, hts.stopwords, hts.synonyms);
  const postings = {}, shards = {};
  for (const term of [].concat(...groups)) {
    const p = term.slice(0, 2);
    if (!(p in shards)) shards[p] = JSON.parse(readText("w/" + p + ".json") || "{}");
    if (shards[p][term]) postings[term] = [l.undelta(shards[p][term][0]), l.undelta(shards[p][term][1])];
  }
  const ranked = l.rank(postings, hts.searchable, groups, 25, hts.synonym_weight);
  const headings = [...new Set(ranked.map((r) => l.headingAt(hts, r.index)[0]))];
  for (const h of headings) l.linesOf(JSON.parse(readText("h/" + h + ".json")), hts.starts.find((s) => s[0] === h)[1]);
  out.words.push({ms: Number(process.hrtime.bigint() - started) / 1e6, shards: Object.keys(shards), headings});
}
process.stdout.write(JSON.stringify(out));
"""


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def build(data: Path, site: Path, cache: Path) -> float:
    env = {"CEEATLAS_DATA_DIR": str(data), "CEEATLAS_CACHE_DIR": str(cache), "NO_MKDOCS_2_WARNING": "1"}
    wall, _ = run_measured(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)], env, sample_memory=False
    )
    return wall


def build_times(work: Path, runs: int = 3) -> dict:
    """Median cold build with the HTSUS and without (the same data/ less data/hts)."""
    without = work / "data-without-hts"
    shutil.copytree(REPO / "data", without, ignore=shutil.ignore_patterns("hts"))
    times: dict[str, list[float]] = {"with": [], "without": []}
    for run in range(runs):
        for name, data in (("with", REPO / "data"), ("without", without)):
            site, cache = work / f"site-{name}-{run}", work / f"cache-{name}-{run}"
            times[name].append(build(data, site, cache))
            if run < runs - 1 or name == "without":
                shutil.rmtree(site)
    with_s, without_s = statistics.median(times["with"]), statistics.median(times["without"])
    return {
        "with_s": round(with_s, 2),
        "without_s": round(without_s, 2),
        "added_s": round(with_s - without_s, 2),
    }


def page_first_load(site: Path, page: str) -> dict:
    """Gzipped bytes of a page, the stylesheets and scripts it links, and the lookup JSON."""
    html = (site / page / "index.html").read_bytes()
    text = html.decode()
    assets = set(re.findall(r'(?:href|src)="([^"]+\.(?:css|js))"', text))
    total, parts = gz(html), {"html": gz(html)}
    for asset in sorted(assets):
        path = (site / page / asset).resolve()
        if path.is_file():
            parts[asset.rsplit("/", 1)[-1]] = gz(path.read_bytes())
            total += parts[asset.rsplit("/", 1)[-1]]
    lookup = gz((site / "assets/data/hts-lookup.json").read_bytes())
    parts["hts-lookup.json"] = lookup
    return {"total_gzip_bytes": total + lookup, "parts": parts}


def node_answers(site: Path) -> dict:
    hts = json.loads((site / "assets/data/hts-lookup.json").read_text())["hts"]
    payload = {"base": str(site / "assets/hts"), "hts": hts, "numbers": NUMBERS, "queries": QUERIES}
    result = subprocess.run(
        ["node", "-e", NODE_SCRIPT, str(REPO / "docs/assets/javascripts/hts-lookup.js")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
    )
    answers = json.loads(result.stdout)
    base = site / "assets/hts"
    lookup_json = (site / "assets/data/hts-lookup.json").stat().st_size
    downloads = []
    for query, word in zip(QUERIES, answers["words"], strict=True):
        files = [base / "w" / f"{p}.json" for p in word["shards"]] + [
            base / "h" / f"{h}.json" for h in word["headings"]
        ]
        raw = lookup_json + sum(path.stat().st_size for path in files if path.exists())
        zipped = gz((site / "assets/data/hts-lookup.json").read_bytes()) + sum(
            gz(path.read_bytes()) for path in files if path.exists()
        )
        downloads.append({"query": query, "bytes": raw, "gzip_bytes": zipped})
    return {
        "number_ms_median": round(statistics.median(answers["numbers"]), 2),
        "number_ms_max": round(max(answers["numbers"]), 2),
        "words_ms_median": round(statistics.median(w["ms"] for w in answers["words"]), 2),
        "words_ms_max": round(max(w["ms"] for w in answers["words"]), 2),
        "first_word_query_bytes_max": max(d["bytes"] for d in downloads),
        "first_word_query_gzip_bytes_max": max(d["gzip_bytes"] for d in downloads),
        "first_word_query": downloads,
    }


def measure(runs: int = 3) -> dict:
    snapshot = sum(path.stat().st_size for path in (REPO / "data/hts").rglob("*") if path.is_file())
    packed = sum(gz(path.read_bytes()) for path in (REPO / "data/hts").rglob("*") if path.is_file())
    with tempfile.TemporaryDirectory(prefix="ceeatlas-bench-hts-") as folder:
        work = Path(folder)
        builds = build_times(work, runs)
        site = work / f"site-with-{runs - 1}"
        return {
            "snapshot_bytes": snapshot,
            "snapshot_gzip_bytes": packed,
            "build": builds,
            "lookup_page_first_load": page_first_load(site, "centers/lookup"),
            "answers": node_answers(site),
        }


def print_summary(result: dict) -> None:
    b, a, load = result["build"], result["answers"], result["lookup_page_first_load"]
    print(
        f"HTSUS snapshot: {result['snapshot_bytes'] / 2**20:.1f} MiB on disk, {result['snapshot_gzip_bytes'] / 1024:.0f} KB gzipped"
    )
    print(
        f"build of data/: {b['with_s']} s with the HTSUS, {b['without_s']} s without: +{b['added_s']} s [target <= 2 s]"
    )
    print(f"lookup page first load: {load['total_gzip_bytes'] / 1024:.0f} KB gzipped [target <= 150 KB]")
    print(
        f"number explained: median {a['number_ms_median']} ms, max {a['number_ms_max']} ms (Node, parse included) [<= 50 ms]"
    )
    print(
        f"first word query: at most {a['first_word_query_bytes_max'] / 1024:.0f} KB "
        f"({a['first_word_query_gzip_bytes_max'] / 1024:.0f} KB gzipped) [<= 300 KB]; answer median "
        f"{a['words_ms_median']} ms, max {a['words_ms_max']} ms after the download [<= 100 ms]"
    )


if __name__ == "__main__":
    measured = measure(int(os.environ.get("HTS_BENCH_RUNS", "3")))
    print_summary(measured)
    print(json.dumps(measured, separators=(",", ":")))
