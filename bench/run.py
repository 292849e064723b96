"""Benchmark: the project's build against a naive MkDocs build of the same SYNTHETIC corpus.

For each corpus size it writes N synthetic rulings (bench/corpus.py) into a temporary folder,
then builds, in this one run:
  naive    one Markdown page per ruling, Material's built-in search (sizes <= --naive-max)
  project  `mkdocs build` of this repository with CEEATLAS_DATA_DIR pointing at the corpus
and prints wall time (the median of --repeat builds, run without memory sampling), peak memory
(from one sampled build), site size and the bytes a browser downloads for a first search, with
the ratios. It also times the rulings search engines (Whoosh, used by the project, and
tantivy, for comparison only) and the rebuild after a pull of 100 new rulings. The last line
printed is one JSON object with every figure.

    make bench                       # sizes 1000, 20000, 200000 (naive up to 20000)
    .venv/bin/python -m bench.run --sizes 1000 --naive-max 1000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import generate, write_corpus

REPO = Path(__file__).resolve().parent.parent
QUERIES = [
    {"words": "cotton knit"},
    {"hts": "8471"},
    {"hts": "847130", "words": "laptop"},
    {"center": "electronics", "status": "revoked"},
    {"words": "stainless steel bolt"},
    {"hts": "6109", "since": "2020-01-01"},
]


def run_measured(
    command: list[str], env: dict | None = None, cwd: Path = REPO, sample_memory: bool = True
) -> tuple[float, float]:
    """(wall seconds, peak memory in MiB) of one child process and the processes it forks.

    Memory is the largest total proportional set size (PSS) of the process tree, sampled every
    50 ms: pages that forked workers share with their parent are counted once, split between
    them. It is never less than the largest single process's peak resident size (wait4).
    Sampling is not free: reading a 1 GiB process's smaps_rollup takes about 20 ms of kernel
    time, so at 200,000 rulings it takes up to half a core from a build on two cores. Times are
    therefore measured with `sample_memory=False` (peak memory is then the largest process's)."""
    # Flush what earlier steps wrote (a corpus, a site) so its write-back does not slow this run.
    os.sync()
    started = time.monotonic()
    process = subprocess.Popen(
        command, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    tree_peak = 0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            break
        if sample_memory:
            tree_peak = max(tree_peak, tree_memory_bytes(process.pid))
        time.sleep(0.05 if sample_memory else 0.01)
    wall = time.monotonic() - started
    if status != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {process.stderr.read().decode()[-2000:]}")
    return wall, max(tree_peak / 2**20, usage.ru_maxrss / 1024)


def tree_memory_bytes(root: int) -> int:
    """Total PSS of a process and its descendants (Linux /proc; VmRSS where PSS is missing)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name in parentheses may contain spaces; the parent id follows it.
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    total, frontier = 0, [root]
    while frontier:
        pid = frontier.pop()
        total += _memory_of(pid)
        frontier.extend(child for child, parent in parents.items() if parent == pid)
    return total


def _memory_of(pid: int) -> int:
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
        except OSError:
            continue
    return 0


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def material_search_bytes(site: Path) -> int:
    """What Material's search downloads on first use: the index and the search worker."""
    index = site / "search" / "search_index.json"
    workers = list((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    return (index.stat().st_size if index.exists() else 0) + sum(w.stat().st_size for w in workers)


def find_rulings_bytes(site: Path) -> int:
    """Worst first query on Find rulings: meta.json plus the largest file one query loads.
    (A words query loads one words file per word and a docs file; count the largest of each.)"""
    root = site / "assets" / "rulings"
    if not root.exists():
        return 0
    meta = (root / "meta.json").stat().st_size
    heading = max((p.stat().st_size for p in (root / "hts").rglob("*.json")), default=0)
    words = max((p.stat().st_size for p in (root / "words").glob("*.json")), default=0)
    docs = max((p.stat().st_size for p in (root / "docs").glob("*.json")), default=0)
    return meta + max(heading, words + docs)


def write_naive_site(corpus: Path, folder: Path) -> Path:
    """A page per ruling with the same facts the project shows, and Material's search on."""
    docs = folder / "docs"
    (docs / "rulings").mkdir(parents=True)
    (docs / "index.md").write_text("# SYNTHETIC rulings (naive build)\n\nOne page per ruling.\n")
    texts = {}
    for shard in sorted((corpus / "ruling-texts").rglob("*.jsonl")):
        for line in shard.read_text().splitlines():
            record = json.loads(line)
            texts[record["number"]] = record["text"]
    for shard in sorted((corpus / "rulings").rglob("*.jsonl")):
        for line in shard.read_text().splitlines():
            r = json.loads(line)
            text = texts.get(r["number"], "")
            (docs / "rulings" / f"{r['number']}.md").write_text(
                f"# {r['collection']} {r['number']}: {r['subject']}\n\n"
                f"| Field | Value |\n|---|---|\n| Date | {r['date']} |\n| HTS | {', '.join(r['tariffs'])} |\n"
                f"| Status | {r['status']} |\n| Categories | {', '.join(r['categories'])} |\n\n"
                f"[View in CROSS]({r['source_url']})\n\n## Text\n\n{text}\n"
            )
    (folder / "mkdocs.yml").write_text(
        "site_name: SYNTHETIC naive rulings\ntheme:\n  name: material\nplugins:\n  - search\n"
        "nav:\n  - index.md\nvalidation:\n  nav:\n    omitted_files: ignore\nmarkdown_extensions:\n  - tables\n"
    )
    return folder


def engine_times(corpus: Path, folder: Path, whoosh_index: Path, whoosh_build_s: float) -> dict:
    """Query times of the project's Whoosh index (built by `ceeatlas index` in this run) and an
    equivalent tantivy index (built here, for comparison only)."""
    code = f"""
import json, sys
from pathlib import Path
sys.path.insert(0, {str(REPO)!r})
from bench.engines import run_whoosh, run_tantivy
result = {{"whoosh": run_whoosh(Path({str(whoosh_index)!r}), {QUERIES!r})}}
result["whoosh"]["index_s"] = {whoosh_build_s!r}
try:
    result["tantivy"] = run_tantivy(Path({str(corpus)!r}), Path({str(folder)!r}) / "tantivy", {QUERIES!r})
except ImportError as error:
    result["tantivy"] = {{"error": str(error)}}
print(json.dumps(result))
"""
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    result = json.loads(output.stdout.strip().splitlines()[-1])
    result["whoosh"]["cli_median_ms"] = cli_median_ms(corpus, whoosh_index)
    return result


def cli_median_ms(corpus: Path, index: Path) -> float:
    """Median wall time of the whole `ceeatlas search` command over the queries, interpreter
    start included (what a person at a terminal waits for)."""
    times = []
    for query in QUERIES:
        command = [sys.executable, "-m", "ceeatlas", "--data-dir", str(corpus), "--index-dir", str(index)]
        command += ["search", *query.get("words", "").split()]
        for key in ("hts", "center", "status", "since"):
            if key in query:
                command += [f"--{key}", query[key]]
        started = time.monotonic()
        subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
        times.append((time.monotonic() - started) * 1000)
    return round(statistics.median(times), 1)


def add_rulings(corpus: Path, count: int, extra: int) -> None:
    """Append `extra` new rulings (the next ones of the same generator) to the corpus."""
    new = list(generate(count + extra))[count:]
    for record in new:
        path = corpus / "rulings" / record["date"][:4] / f"{record['date'][:7]}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as stream:
            stream.write(json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n")


def bench_size(size: int, naive: bool, engines: bool, work: Path, repeat: int = 3) -> dict:
    # Ruling texts (about 900 words each) wherever the naive site is built, so its pages are
    # ruling-sized as in the baseline; the project's build does not render texts.
    corpus = write_corpus(size, work / f"corpus-{size}", texts=naive)
    # The real HTSUS release beside the synthetic rulings, as the committed data/ has it.
    shutil.copytree(REPO / "data" / "hts", corpus / "hts")
    row: dict = {"rulings": size}
    # A cache of this run's own: the first build starts cold, the rebuild after a pull reuses it.
    env = {
        "CEEATLAS_DATA_DIR": str(corpus),
        "CEEATLAS_CACHE_DIR": str(work / f"cache-{size}"),
        "NO_MKDOCS_2_WARNING": "1",
    }
    site = work / f"site-{size}"
    build = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d"]
    # Peak memory from one build with sampling, into a folder and cache of its own; the times
    # below from builds without it (see run_measured).
    _, rss = run_measured(
        [*build, str(work / "site-memory")], {**env, "CEEATLAS_CACHE_DIR": str(work / "cache-memory")}
    )
    shutil.rmtree(work / "site-memory")
    shutil.rmtree(work / "cache-memory", ignore_errors=True)
    # The median of `repeat` cold builds: file-system times on this kind of virtual machine vary
    # by a third from one run to the next. The last build, into `site`, is the one kept.
    walls = []
    for _ in range(repeat - 1):
        scratch = {**env, "CEEATLAS_CACHE_DIR": str(work / "cache-scratch")}
        walls.append(run_measured([*build, str(work / "site-scratch")], scratch, sample_memory=False)[0])
        shutil.rmtree(work / "site-scratch")
        shutil.rmtree(work / "cache-scratch", ignore_errors=True)
    walls.append(run_measured([*build, str(site)], env, sample_memory=False)[0])
    wall = statistics.median(walls)
    row["project"] = {
        "wall_s": round(wall, 1),
        "wall_s_runs": [round(w, 1) for w in walls],
        "peak_rss_mib": round(rss),
        "site_mib": round(folder_bytes(site) / 2**20, 1),
        "first_search_bytes": max(material_search_bytes(site), find_rulings_bytes(site)),
        "material_search_bytes": material_search_bytes(site),
        "find_rulings_first_query_bytes": find_rulings_bytes(site),
    }
    index = work / f"index-{size}"
    wall, _ = run_measured(
        [
            sys.executable,
            "-m",
            "ceeatlas",
            "--data-dir",
            str(corpus),
            "--index-dir",
            str(index),
            "index",
        ],
        sample_memory=False,
    )
    row["project"]["index_build_s"] = round(wall, 1)
    # What a fresh checkout does to have both the site and the search index.
    row["project"]["full_from_scratch_s"] = round(row["project"]["wall_s"] + wall, 1)
    # A pull of 100 rulings, `repeat` times over (each adds 100 more); medians of the parts.
    index_walls, site_walls = [], []
    for attempt in range(repeat):
        add_rulings(corpus, size + 100 * attempt, 100)
        index_walls.append(
            run_measured(
                [
                    sys.executable,
                    "-m",
                    "ceeatlas",
                    "--data-dir",
                    str(corpus),
                    "--index-dir",
                    str(index),
                    "index",
                ],
                sample_memory=False,
            )[0]
        )
        site_walls.append(run_measured([*build, str(site)], env, sample_memory=False)[0])
    index_wall, site_wall = statistics.median(index_walls), statistics.median(site_walls)
    row["project"]["rebuild_site_s_runs"] = [round(w, 1) for w in site_walls]
    row["project"]["rebuild_after_100_s"] = round(index_wall + site_wall, 1)
    row["project"]["rebuild_index_update_s"] = round(index_wall, 1)
    row["project"]["rebuild_site_s"] = round(site_wall, 1)
    row["project"]["rebuild_share_of_full"] = round(
        (index_wall + site_wall) / row["project"]["full_from_scratch_s"], 3
    )
    shutil.rmtree(site)
    if naive:
        naive_dir = write_naive_site(corpus, work / f"naive-{size}")
        naive_site = naive_dir / "site"
        wall, rss = run_measured(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "-q",
                "-f",
                str(naive_dir / "mkdocs.yml"),
                "-d",
                str(naive_site),
            ],
            env,
            # One process, no forks: its peak resident size (wait4) is its memory, unsampled.
            sample_memory=False,
        )
        row["naive"] = {
            "wall_s": round(wall, 1),
            "peak_rss_mib": round(rss),
            "site_mib": round(folder_bytes(naive_site) / 2**20, 1),
            "first_search_bytes": material_search_bytes(naive_site),
        }
        row["speedup"] = round(row["naive"]["wall_s"] / row["project"]["wall_s"], 1)
        shutil.rmtree(naive_dir)
    if engines:
        row["engines"] = engine_times(
            corpus, work / f"engines-{size}", index, row["project"]["index_build_s"]
        )
    shutil.rmtree(corpus)
    shutil.rmtree(work / f"cache-{size}", ignore_errors=True)
    return row


def print_table(rows: list[dict]) -> None:
    print(
        f"{'rulings':>8} | {'variant':8} | {'wall s':>7} | {'RSS MiB':>7} | {'site MiB':>8} | {'1st search KB':>13} | notes"
    )
    for row in rows:
        for variant in ("naive", "project"):
            if variant not in row:
                continue
            v = row[variant]
            note = ""
            if variant == "project":
                note = (
                    f"index {v['index_build_s']} s, so {v['full_from_scratch_s']} s from scratch; "
                    f"after +100 rulings, index update {v['rebuild_index_update_s']} s + site "
                    f"{v['rebuild_site_s']} s = {v['rebuild_after_100_s']} s "
                    f"({v['rebuild_share_of_full']:.0%} of from scratch)"
                )
                if "speedup" in row:
                    note = f"{row['speedup']}x faster than naive; " + note
            print(
                f"{row['rulings']:>8} | {variant:8} | {v['wall_s']:>7} | {v['peak_rss_mib']:>7} | {v['site_mib']:>8} | {v['first_search_bytes'] / 1024:>13.0f} | {note}"
            )
        for name, stats in row.get("engines", {}).items():
            if "error" in stats:
                print(f"{'':>8} | {name:8} | not available: {stats['error']}")
            else:
                line = f"index {stats['index_s']} s; query median {stats['query_median_ms']} ms (max {stats['query_max_ms']} ms)"
                if "cold_query_median_ms" in stats:
                    line += f"; open + query {stats['cold_query_median_ms']} ms; whole `search` command {stats['cli_median_ms']} ms"
                print(f"{'':>8} | {name:8} | {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,20000,200000")
    parser.add_argument("--naive-max", type=int, default=20000)
    parser.add_argument("--no-engines", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="builds per measure; medians are reported")
    parser.add_argument("--no-hts", action="store_true", help="skip the HTSUS measures (bench/hts.py)")
    parser.add_argument(
        "--no-dashboards", action="store_true", help="skip the dashboards (bench/dashboards.py)"
    )
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="ceeatlas-bench-") as folder:
        for size in (int(s) for s in args.sizes.split(",")):
            print(f"-- {size} rulings", file=sys.stderr, flush=True)
            rows.append(
                bench_size(size, size <= args.naive_max, not args.no_engines, Path(folder), args.repeat)
            )
    print_table(rows)
    hts = dashboards = None
    if not args.no_hts:
        from bench import hts as hts_bench

        print("-- the HTSUS on the committed data/", file=sys.stderr, flush=True)
        hts = hts_bench.measure()
        hts_bench.print_summary(hts)
    if not args.no_dashboards:
        from bench import dashboards as dashboards_bench

        largest = max(int(s) for s in args.sizes.split(","))
        print(f"-- the Center dashboards at {largest} rulings", file=sys.stderr, flush=True)
        dashboards = dashboards_bench.measure(largest)
        print(
            f"dashboards at {dashboards['rulings']:,} rulings: figures and charts "
            f"{dashboards['figures_and_charts_s_median']} s [<= 1.5 s]; 'In numbers' adds at most "
            f"{dashboards['in_numbers_bytes_max'] / 1024:.0f} KB to a Center page [<= 150 KB]"
        )
    result = {"machine": {"cpus": os.cpu_count()}, "results": rows, "hts": hts, "dashboards": dashboards}
    print(json.dumps(result, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
