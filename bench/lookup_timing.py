"""Time the browser HTS lookup (docs/assets/javascripts/hts-lookup.js) under Node: every heading
of chapters 01-97 as a 10-digit number, against the lookup JSON the build writes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from ceeatlas.curated import load_curated
from ceeatlas.scope import all_heading_codes
from ceeatlas.site import lookup_payload

REPO = Path(__file__).resolve().parent.parent
SCRIPT = """
const lookup = require(process.argv[1]);
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const started = process.hrtime.bigint();
for (const query of input.queries) lookup.lookup(input.data, query);
const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
console.log(JSON.stringify({lookups: input.queries.length, ms_per_lookup: elapsed / input.queries.length,
                            json_bytes: Buffer.byteLength(JSON.stringify(input.data))}));
"""


def measure() -> dict:
    data = load_curated(REPO / "centers")
    queries = [f"{code}.10.00.40" for code in all_heading_codes(data.hts)]
    result = subprocess.run(
        ["node", "-e", SCRIPT, str(REPO / "docs/assets/javascripts/hts-lookup.js")],
        input=json.dumps({"data": lookup_payload(data), "queries": queries}),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


if __name__ == "__main__":
    print(json.dumps(measure()))
