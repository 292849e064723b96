"""SYNTHETIC test servers standing in for CROSS and cbp.gov on 127.0.0.1.

Everything here is made up for tests: ruling numbers, subjects ("SYNTHETIC ..."), dates and the
ICP listing page. None of it is ever written into data/ of the repository.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from werkzeug import Request, Response

HEADINGS = [
    "6109",
    "6204",
    "8471",
    "8517",
    "8703",
    "9503",
    "3004",
    "2933",
    "7318",
    "8481",
    "4014",
    "9402",
    "0303",
]
SHELL_HTML = "<!doctype html><html><head><title>CROSS</title></head><body><app-root></app-root></body></html>"


def synthetic_rulings(
    count: int, seed: int = 7, first: dt.date = dt.date(2024, 1, 1), last: dt.date = dt.date(2026, 11, 20)
):
    """Deterministic synthetic CROSS search rows."""
    rng = random.Random(seed)
    span = (last - first).days
    rows = []
    for index in range(count):
        day = first + dt.timedelta(days=rng.randrange(span + 1))
        heading = rng.choice(HEADINGS)
        tariffs = [f"{heading}.{rng.randrange(10, 99)}.{rng.randrange(0, 9999):04d}"]
        if rng.random() < 0.15:
            tariffs.append(f"{rng.choice(HEADINGS)}.{rng.randrange(10, 99)}.{rng.randrange(0, 9999):04d}")
        hq = rng.random() < 0.1
        number = f"{'H' if hq else 'N'}{300000 + index:06d}"
        revoked = ["H999999"] if rng.random() < 0.03 else []
        rows.append(
            {
                "id": 0,
                "rulingNumber": number,
                "subject": f"SYNTHETIC The tariff classification of test article {index} from nowhere",
                "categories": "Classification",
                "rulingDate": f"{day.isoformat()}T00:00:00",
                "collection": "hq" if hq else "ny",
                "tariffs": ", ".join(tariffs) if rng.random() < 0.8 else tariffs,
                "isUsmca": False,
                "isNafta": False,
                "operationallyRevoked": False,
                "relatedRulings": [],
                "modifiedBy": [],
                "modifies": [],
                "revokedBy": revoked,
                "revokes": [],
                "commodityGrouping": "",
            }
        )
    return rows


@dataclass
class FakeCross:
    """Answers /api/search, /api/ruling/<n> and /api/stat/recentRulings like CROSS does.

    `faults` maps a request counter key to a callable returning a Response to send instead,
    so a test can script 429s, 503s, timeouts, HTML shells and truncated bodies.
    """

    rows: list[dict]
    cap: int = 10_000
    recent: list[dict] = field(default_factory=list)
    faults: list[Callable[[Request], Response | None]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    texts: dict[str, bytes] = field(default_factory=dict)

    def handle(self, request: Request) -> Response:
        with self.lock:
            self.requests.append(request.full_path)
        for fault in list(self.faults):
            answer = fault(request)
            if answer is not None:
                return answer
        if request.path == "/api/search":
            return self._search(request)
        if request.path.startswith("/api/ruling/"):
            return self._detail(request.path.rsplit("/", 1)[1])
        if request.path == "/api/stat/recentRulings":
            return _json(self.recent)
        return Response(SHELL_HTML, 200, content_type="text/html")  # what CROSS does for unknown paths

    def _search(self, request: Request) -> Response:
        args = request.args
        term = args.get("term", "*")
        if term != "*":
            matches = [row for row in self.rows if row.get("rulingNumber") == term.upper()]
        else:
            first = dt.date.fromisoformat(args.get("fromDate", "1900-01-01"))
            last = dt.date.fromisoformat(args.get("toDate", "2100-01-01"))
            matches = [
                row for row in self.rows if first <= dt.date.fromisoformat(row["rulingDate"][:10]) <= last
            ]
            matches.sort(key=lambda row: (row["rulingDate"], row.get("rulingNumber", "")), reverse=True)
        matches = matches[: self.cap]
        size, page = int(args.get("pageSize", 30)), int(args.get("page", 1))
        return _json({"rulings": matches[(page - 1) * size : page * size], "totalHits": len(matches)})

    def _detail(self, number: str) -> Response:
        row = next((row for row in self.rows if row.get("rulingNumber") == number.upper()), None)
        if row is None:
            return Response("Internal Server Error", 500, content_type="text/plain")
        body = self.texts.get(row["rulingNumber"])
        if body is not None:
            return Response(body, 200, content_type="application/json")
        detail = {**row, "rulingNumber": row["rulingNumber"].lower(), "tariffs": None, "categories": None}
        detail["text"] = f"SYNTHETIC ruling text for {row['rulingNumber']}."
        detail["url"] = f"/docs/ny/2025/{row['rulingNumber'].lower()}"
        return _json(detail)

    def count(self, prefix: str) -> int:
        with self.lock:
            return sum(1 for path in self.requests if path.startswith(prefix))


def _json(payload) -> Response:
    return Response(json.dumps(payload), 200, content_type="application/json")


def once(predicate: Callable[[Request], bool], response: Callable[[], Response], times: int = 1):
    """A fault that fires `times` times for requests matching `predicate`."""
    remaining = {"n": times}

    def fault(request: Request) -> Response | None:
        if remaining["n"] > 0 and predicate(request):
            remaining["n"] -= 1
            return response()
        return None

    return fault


def slow(seconds: float) -> Callable[[], Response]:
    def respond() -> Response:
        time.sleep(seconds)
        return _json({"rulings": [], "totalHits": 0})

    return respond


ICP_LISTING = """<!doctype html>
<html><head><title>SYNTHETIC Informed Compliance Publications</title></head>
<body>
<nav><a href="/sites/default/files/nav-menu.pdf">Menu PDF that is not in main</a></nav>
<main id="main-content">
<h1>Informed Compliance Publications (SYNTHETIC fixture)</h1>
<p>The first date shown is the original publication date.</p>
<h2>General</h2>
<ul>
<li><a href="/document/publications/reasonable-care">What Every Member of the Trade Community Should Know About: Reasonable Care</a> (January 2017)</li>
<li><a href="/sites/default/files/assets/documents/icp017r2_3.pdf">Tariff Classification</a> May 2004, revised March 2017</li>
<li><a href="/document/publications/recordkeeping">Recordkeeping</a></li>
<li><a href="/trade/rulings/informed-compliance-publications/marking-country-origin-us-imports">Marking of Country of Origin on U.S. Imports</a></li>
<li><a href="/document/publications/rules-origin">Rules of Origin</a></li>
</ul>
<h2>Commodity</h2>
<ul>
<li><a href="/sites/default/files/documents/hats.pdf">Classification of Hats and Other Headgear under HTSUS Heading 6505</a></li>
<li><a href="/sites/default/files/documents/knit.pdf">Classification of Knit to Shape Apparel Garments under HTSUS Heading 6110</a></li>
<li><a href="/sites/default/files/documents/footwear.pdf">Footwear</a></li>
<li><a href="javascript:alert('x')">A link that must be dropped</a></li>
<li><a href="/sites/default/files/documents/evil.pdf">&lt;script&gt;alert(1)&lt;/script&gt; *Stars* | pipes</a></li>
</ul>
</main>
</body></html>
"""

ICP_LISTING_CHANGED = """<!doctype html><html><body><main><div class="new-layout">
<a href="/sites/default/files/documents/only-one.pdf">Only one</a></div></main></body></html>"""


# ---------------------------------------------------------------------------------------
# A SYNTHETIC data/ folder and a build over it (for page, link and browser tests)
# ---------------------------------------------------------------------------------------

DAY = dt.date(2026, 11, 2)
EVIL = "<script>alert('x')</script> [click](javascript:alert(1)) *stars* | pipe"


def _ruling(number: str, subject: str, tariffs: list[str], **extra):
    from ceeatlas.models import Ruling

    return Ruling(
        number=number,
        collection="NY",
        date=extra.pop("date", DAY),
        subject=subject,
        tariffs=tariffs,
        status=extra.pop("status", "active"),
        source_url=f"https://rulings.cbp.gov/ruling/{number}",
        fetched_at=DAY,
        **extra,
    )


def write_synthetic_data(data, with_hts: bool = True) -> None:
    """SYNTHETIC rulings, ICPs and a link check; with_hts also copies the REAL HTSUS release the
    repository holds (data/hts), so pages built over this data explain numbers in words."""
    import shutil
    from pathlib import Path

    from ceeatlas.models import Icp, LinkCheck
    from ceeatlas.store import ICPS_FILE, LINKS_FILE, ruling_shard, write_jsonl, write_manifest

    rulings = [
        _ruling("N900001", "SYNTHETIC cotton T-shirt with a USB light", ["6109.10.0040", "8471.30.0100"]),
        _ruling("N900002", EVIL, ["6109.10.0012"], status="revoked", revoked_by=["H900009"]),
        _ruling("N900003", "SYNTHETIC ruling without a tariff number", []),
        _ruling("N900004", "SYNTHETIC ruling with only a chapter 98 number", ["9802.00.5060"]),
        _ruling(
            "N900005",
            "SYNTHETIC passenger car part",
            ["8708.29.5160"],
            status="modified",
            modified_by=["H900010"],
        ),
    ]
    write_jsonl(ruling_shard(data, DAY), sorted(rulings, key=lambda r: r.number))
    common = {
        "source_url": "https://www.cbp.gov/trade/rulings/informed-compliance-publications",
        "fetched_at": DAY,
    }
    write_jsonl(
        data / ICPS_FILE,
        [
            Icp(title=EVIL, url="javascript:alert(1)", kind="pdf", scope="commodity", hts=["6505"], **common),
            Icp(
                title="SYNTHETIC Reasonable Care",
                url="https://www.cbp.gov/document/publications/reasonable-care",
                kind="document",
                scope="general",
                **common,
            ),
        ],
    )
    write_jsonl(
        data / LINKS_FILE,
        [
            LinkCheck(
                agency="fda",
                url="https://www.fda.gov/industry/import-program",
                ok=False,
                status=404,
                checked=DAY,
            )
        ],
    )
    write_manifest(
        data, {"as_of": DAY.isoformat(), "sources": {"cross": {"count": 5, "pulled_on": DAY.isoformat()}}}
    )
    if with_hts:
        shutil.copytree(Path(__file__).resolve().parent.parent / "data" / "hts", Path(data) / "hts")


def build_site(site_dir, data_dir, site_url: str | None = None, repo_url: str | None = None):
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "CEEATLAS_DATA_DIR": str(data_dir),
        # One cache per site folder: a rebuild reuses it, a build into a new folder starts cold.
        "CEEATLAS_CACHE_DIR": str(Path(site_dir).with_name(Path(site_dir).name + "-cache")),
    }
    if site_url:
        env["CEEATLAS_SITE_URL"] = site_url
    if repo_url:
        env["CEEATLAS_REPO_URL"] = repo_url
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def pull_argv(source: str, tmp_path, *extra: str, today: str, centers_dir=None) -> list[str]:
    """Command line of `pull SOURCE` with data and cache in tmp_path and no rate limit."""
    prefix = ["--centers-dir", str(centers_dir)] if centers_dir else []
    return [
        *prefix,
        "pull",
        source,
        "--data-dir",
        str(tmp_path / "data"),
        "--cache-dir",
        str(tmp_path / "cache"),
        "--min-interval",
        "0",
        "--today",
        today,
        *extra,
    ]
