""" "Which Center will my company be assigned to?" (hts-lookup.js `assign`) counts a list of lines
by Center exactly as the Python resolver places each heading, under Node."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from ceeatlas.models import ScopeBasis
from ceeatlas.scope import resolve_heading
from ceeatlas.site import lookup_payload

from .conftest import REPO

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (.ci/run installs it)")

SCRIPT = r"""
const l = require(process.argv[1]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(l.assign(input.data, input.text, input.columns)));
"""

# SYNTHETIC list as an importer might paste it: a header, quoted values with thousands
# separators, a tab-separated line, a chapter 98 line and an unreadable one.
TEXT = """HTS number,entry lines,value
6109.10.00.12,120,"$1,200,000.50"
"6110.20.20.10",45,"300,000"
8471.30.0100\t3\t15000
2933.99.79,10,20000
9817.00.96,4,100
banana,1,1
8703.23.01,2,90000
"""


def _assign(curated, columns: str) -> dict:
    result = subprocess.run(
        [NODE, "-e", SCRIPT, str(REPO / "docs/assets/javascripts/hts-lookup.js")],
        input=json.dumps({"data": lookup_payload(curated), "text": TEXT, "columns": columns}),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_lines_and_values_are_counted_by_the_python_resolver(curated):
    result = _assign(curated, "lines,value")
    expected: dict[str, list[float]] = {}
    approximate = 0
    for hts, lines, value in [
        ("6109", 120, 1_200_000.50),
        ("6110", 45, 300_000),
        ("8471", 3, 15_000),
        ("2933", 10, 20_000),
        ("8703", 2, 90_000),
    ]:
        match = resolve_heading(curated.scope, hts)
        totals = expected.setdefault(match.center, [0, 0])
        totals[0] += lines
        totals[1] += value
        approximate += lines if match.row.basis is ScopeBasis.industry_description else 0
    assert {center: [e["lines"], e["value"]] for center, e in result["centers"].items()} == expected
    assert result["lines"] == 180 and result["approximate"]["lines"] == approximate
    assert result["byLines"] == max(expected, key=lambda center: expected[center][0])
    assert result["byValue"] == max(expected, key=lambda center: expected[center][1])
    skipped = {item["line"].split(",")[0]: item["reason"] for item in result["skipped"]}
    assert set(skipped) == {"9817.00.96", "banana"} and "special provisions" in skipped["9817.00.96"]


def test_a_line_without_the_chosen_number_is_listed(curated):
    result = _assign(curated, "lines")
    assert result["lines"] == 180 and result["value"] == 0  # values are ignored when not chosen
    text_without_value = "6109.10.00.12,120\n"
    answer = subprocess.run(
        [NODE, "-e", SCRIPT, str(REPO / "docs/assets/javascripts/hts-lookup.js")],
        input=json.dumps(
            {"data": lookup_payload(curated), "text": text_without_value, "columns": "lines,value"}
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    skipped = json.loads(answer.stdout)["skipped"]
    assert skipped == [{"line": "6109.10.00.12,120", "reason": "No value after the HTS number."}]
