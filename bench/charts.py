"""Chart tools compared on the charts the site draws at 200,000 rulings (38 years): ten Center
charts of rulings per year by collection, twenty bar charts of ten bars, and one chart of
rulings per year stacked by the eleven Center groups. Each tool runs in a fresh Python process,
its import included, as a build would; the bytes are the SVG text of all 31 charts.

    .venv/bin/python -m bench.charts                    # this project's direct SVG (ceeatlas.charts)
    /path/to/venv/bin/python -m bench.charts --all      # and matplotlib and pygal where installed

matplotlib and pygal are not dependencies of the project: install them in a scratch virtualenv
to repeat the comparison (README, "Charts").
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time

PERIODS = [str(year) for year in range(1989, 2027)]
CENTERS = [f"Center {n}" for n in range(1, 11)] + ["Unassigned"]
DRAW = {
    "direct": r"""
from ceeatlas import charts
def stacked(periods, series): return charts.stacked_columns("t", "s", periods, series).svg
def bars(items): return charts.bars("t", "s", items).svg
""",
    "matplotlib": r"""
import io, matplotlib
matplotlib.use("svg")
import matplotlib.pyplot as plt
def _svg(fig):
    out = io.StringIO(); fig.savefig(out, format="svg"); plt.close(fig); return out.getvalue()
def stacked(periods, series):
    fig, ax = plt.subplots(figsize=(6.4, 3)); bottom = [0] * len(periods)
    for name, values in series:
        ax.bar(periods, values, bottom=bottom, label=name); bottom = [a + b for a, b in zip(bottom, values)]
    ax.legend(fontsize=6); return _svg(fig)
def bars(items):
    fig, ax = plt.subplots(figsize=(6.4, 3)); ax.barh([l for l, _ in items], [v for _, v in items]); return _svg(fig)
""",
    "pygal": r"""
import pygal
def stacked(periods, series):
    chart = pygal.StackedBar(width=640, height=300, disable_xml_declaration=True, js=[])
    chart.x_labels = periods
    for name, values in series: chart.add(name, values)
    return chart.render(is_unicode=True)
def bars(items):
    chart = pygal.HorizontalBar(width=640, height=300, disable_xml_declaration=True, js=[])
    for label, value in items: chart.add(label, value)
    return chart.render(is_unicode=True)
""",
}
RUN = r"""
import json, random, sys, time
started = time.perf_counter()
{draw}
rng = random.Random(1)
periods = {periods!r}
total = 0
for center in range(10):
    total += len(stacked(periods, [("NY", [rng.randrange(100, 6000) for _ in periods]), ("HQ", [rng.randrange(0, 600) for _ in periods])]))
for chart in range(20):
    total += len(bars([(f"heading {{n}}", rng.randrange(10, 9000)) for n in range(10)]))
total += len(stacked(periods, [(name, [rng.randrange(100, 6000) for _ in periods]) for name in {centers!r}]))
print(json.dumps({{"seconds": round(time.perf_counter() - started, 3), "bytes": total}}))
"""


def measure(tool: str) -> dict:
    code = RUN.format(draw=DRAW[tool], periods=PERIODS, centers=CENTERS)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1] if result.stderr else "failed"}
    measured = json.loads(result.stdout)
    measured["process_seconds"] = round(time.perf_counter() - started, 3)
    return measured


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="also matplotlib and pygal, where installed")
    args = parser.parse_args()
    random.seed(1)
    tools = ["direct", "matplotlib", "pygal"] if args.all else ["direct"]
    results = {tool: measure(tool) for tool in tools}
    for tool, result in results.items():
        if "error" in result:
            print(f"{tool:10} not available: {result['error']}")
        else:
            print(
                f"{tool:10} {result['seconds']:7.3f} s drawing (import included), {result['process_seconds']:7.3f} s "
                f"with Python's start; {result['bytes'] / 1024:8.0f} KB of SVG for 31 charts"
            )
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
