"""Pull N SYNTHETIC rulings from a local fake CROSS and report time, requests and data size.

Everything stays in a temporary folder (never data/). Used for the numbers in issue notes:

    .venv/bin/python scripts/pull_demo.py --rulings 3000 --min-interval 1.0
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import tempfile
import threading
import time
from pathlib import Path

from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ceeatlas.http import HttpClient  # noqa: E402
from ceeatlas.pull import CrossOptions, pull_cross  # noqa: E402
from tests.fakes import FakeCross, synthetic_rulings  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rulings", type=int, default=3000)
    parser.add_argument(
        "--min-interval", type=float, default=1.0, help="the pull's rate limit, seconds per request"
    )
    parser.add_argument("--page-size", type=int, default=100)
    args = parser.parse_args()

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    fake = FakeCross(rows=synthetic_rulings(args.rulings, first=dt.date(2020, 1, 1)))
    server = make_server("127.0.0.1", 0, lambda environ, start: _app(fake, environ, start), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        client = HttpClient(cache_dir=Path(folder) / "cache", min_interval=args.min_interval)
        started = time.monotonic()
        options = CrossOptions(base_url=base, since=dt.date(2020, 1, 1), page_size=args.page_size)
        report = pull_cross(client, data, options, dt.date(2026, 11, 23))
        elapsed = time.monotonic() - started
        size = sum(path.stat().st_size for path in data.rglob("*") if path.is_file())
        files = sum(1 for path in data.rglob("*") if path.is_file())
        print(report.summary())
        print(
            f"rulings={report.new} requests={client.requests_made} seconds={elapsed:.1f} data_bytes={size} files={files}"
        )
    server.shutdown()
    return 0 if report.ok else 1


def _app(fake, environ, start_response):
    from werkzeug import Request

    return fake.handle(Request(environ))(environ, start_response)


if __name__ == "__main__":
    sys.exit(main())
