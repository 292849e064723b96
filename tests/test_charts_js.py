"""The site-wide chart's window (charts.js) draws the columns as ceeatlas.charts does, under Node."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from ceeatlas import charts

from .conftest import REPO

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (.ci/run installs it)")

PERIODS = [str(year) for year in range(1989, 2027)]
SERIES = [[f"Center {n}", [(year * 7 + n * 13) % 900 for year in range(1989, 2027)]] for n in range(11)]


def test_the_window_draws_what_python_draws():
    script = (
        "const c = require(process.argv[1]); const i = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(c.stackedColumns(i.periods, i.series)));"
    )
    for first, last in ((0, len(PERIODS) - 1), (20, 30)):
        periods = PERIODS[first : last + 1]
        series = [[name, values[first : last + 1]] for name, values in SERIES]
        result = subprocess.run(
            [NODE, "-e", script, str(REPO / "docs/assets/javascripts/charts.js")],
            input=json.dumps({"periods": periods, "series": series}),
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        shapes = json.loads(result.stdout)
        svg = charts.stacked_columns("t", "s", periods, [(n, v) for n, v in series], "x", legend=False).svg
        python_rects = re.findall(
            r'<rect class="(atlas-series-\d+)" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"><title>',
            svg,
        )
        js_rects = [(r["cls"], r["x"], r["y"], r["width"], r["height"]) for r in shapes["rects"]]
        assert len(js_rects) == len(python_rects)
        for (cls, *numbers), (js_cls, *js_numbers) in zip(python_rects, js_rects, strict=True):
            assert cls == js_cls and [float(n) for n in numbers] == pytest.approx(js_numbers, abs=0.11)
