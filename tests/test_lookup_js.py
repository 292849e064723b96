"""The browser lookup (docs/assets/javascripts/hts-lookup.js) gives the Python answer for every heading."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from ceeatlas.hts import HtsFormatError, normalise
from ceeatlas.scope import all_heading_codes, chapter_scope, resolve_heading
from ceeatlas.site import lookup_payload

from .conftest import REPO

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (.ci/run installs it)")

SCRIPT = r"""
const lookup = require(process.argv[1]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = {};
for (const raw of input.queries) {
  try {
    const answer = lookup.lookup(input.data, raw);
    out[raw] = {digits: answer.digits, kind: answer.kind, center: answer.row ? answer.row.center : null,
                first: answer.row ? answer.row.first : null};
  } catch (error) {
    out[raw] = {error: error.message};
  }
}
process.stdout.write(JSON.stringify(out));
"""


def _run(data: dict, queries: list[str]) -> dict:
    result = subprocess.run(
        [NODE, "-e", SCRIPT, str(REPO / "docs/assets/javascripts/hts-lookup.js")],
        input=json.dumps({"data": data, "queries": queries}),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)


def test_every_heading_and_chapter_matches_python(curated):
    headings = all_heading_codes(curated.hts)
    chapters = sorted({code[:2] for code in headings})
    answers = _run(lookup_payload(curated), headings + chapters)
    for heading in headings:
        match = resolve_heading(curated.scope, heading)
        assert answers[heading]["center"] == match.center, heading
        assert answers[heading]["first"] == match.row.first, heading
    for chapter in chapters:
        assert answers[chapter]["center"] == chapter_scope(curated.scope, chapter).answer.center, chapter


def test_input_forms_and_errors_match_python(curated):
    queries = [
        "6109.10.00.40",
        "6109.10.0040",
        "6109100040",
        "6109.10",
        "6109",
        "HTS 8703.23",
        "101",
        "abc",
        "",
        "77",
        "9903.88.15",
        "0012",
    ]
    answers = _run(lookup_payload(curated), queries)
    for raw in queries:
        try:
            digits = normalise(raw)
        except HtsFormatError as error:
            assert answers[raw]["error"] == str(error), raw
            continue
        assert answers[raw]["digits"] == digits, raw
    assert answers["77"]["kind"] == "reserved"
    assert answers["9903.88.15"]["kind"] == "special"
