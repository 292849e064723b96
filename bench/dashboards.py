"""The cost of the Center dashboards at scale [issue targets in brackets]: on a SYNTHETIC corpus
(bench/corpus.py, 200,000 rulings by default) with the committed HTSUS release, the time to
compute the figures and draw every chart and table of the ten Center pages, the comparison page
and the rulings page [<= 1.5 s], and the bytes the "In numbers" section adds to a Center page
[<= 150 KB].

    .venv/bin/python -m bench.dashboards [--rulings 200000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import write_corpus
from ceeatlas.curated import load_curated
from ceeatlas.pulled import ace_code_map, load_pulled, route
from ceeatlas.site import dashboards, generate
from ceeatlas.stats import compute

REPO = Path(__file__).resolve().parent.parent


def section_bytes(page: str) -> int:
    """The UTF-8 size of a Center page's "In numbers" section (Markdown with raw SVG and tables,
    which the build copies into the HTML as it is)."""
    start = page.index("## In numbers")
    end = page.index("\n## ", start + 5)
    return len(page[start:end].encode())


def measure(rulings: int, runs: int = 3) -> dict:
    with tempfile.TemporaryDirectory(prefix="ceeatlas-bench-dash-") as folder:
        data_dir = write_corpus(rulings, Path(folder) / "data")
        shutil.copytree(REPO / "data" / "hts", data_dir / "hts")
        curated = load_curated(REPO / "centers")
        pulled = load_pulled(data_dir)
        routing = route(pulled, curated.scope, curated.hts, ace_code_map(curated.centers))
        today = dt.date(2026, 12, 1)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            figures = compute(curated, pulled, routing, today)
            for item in figures.centers:
                dashboards.center_blocks(figures, item.center)
            dashboards.compare_blocks(figures)
            dashboards.window_data(figures)
            times.append(time.perf_counter() - started)
        site = generate(curated, pulled, today=today)
        sizes = {
            path.removeprefix("centers/").removesuffix(".md"): section_bytes(text)
            for path, text in site.pages.items()
            if path in site.center_pages
        }
        return {
            "rulings": len(pulled.rulings),
            "granularity": figures.coverage.granularity,
            "periods": len(figures.periods),
            "figures_and_charts_s_median": round(statistics.median(times), 3),
            "in_numbers_bytes_max": max(sizes.values()),
            "in_numbers_bytes": sizes,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rulings", type=int, default=200_000)
    args = parser.parse_args()
    result = measure(args.rulings)
    print(
        f"{result['rulings']:,} rulings ({result['periods']} {result['granularity']}s): figures and charts "
        f"{result['figures_and_charts_s_median']} s [<= 1.5 s]; 'In numbers' adds at most "
        f"{result['in_numbers_bytes_max'] / 1024:.0f} KB to a Center page [<= 150 KB]"
    )
    print(json.dumps(result, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
