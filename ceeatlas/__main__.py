"""Command line: python -m ceeatlas <command>.

check            validate the curated data (exit 1 with file:line: field messages)
lookup HTS...    which Center handles an HTS number, with the row's basis and source
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from pathlib import Path

from .curated import CuratedDataError, load_curated
from .hts import HtsFormatError, chapter_of, heading_of, htsus_form, normalise
from .models import ScopeBasis
from .scope import chapter_scope, resolve_heading

DEFAULT_CENTERS_DIR = Path(os.environ.get("CEEATLAS_CENTERS_DIR", "centers"))


def _check(args: argparse.Namespace) -> int:
    try:
        data = load_curated(args.centers_dir)
    except CuratedDataError as error:
        print("\n".join(error.problems), file=sys.stderr)
        print(f"{len(error.problems)} problem(s) in {args.centers_dir}/", file=sys.stderr)
        return 1
    print(
        f"ok: {len(data.centers)} Centers, {len(data.scope.rows)} scope rows, "
        f"{len(data.hts.chapters)} chapters, {len(data.agencies.agencies)} agencies"
    )
    return 0


def _lookup(args: argparse.Namespace) -> int:
    data = load_curated(args.centers_dir)
    status = 0
    for raw in args.hts:
        try:
            digits = normalise(raw)
        except HtsFormatError as error:
            print(f"{raw}: {error}", file=sys.stderr)
            status = 1
            continue
        chapter = chapter_of(digits)
        heading = heading_of(digits)
        if int(chapter) > 97 or heading is None and data.hts.chapters[int(chapter) - 1].reserved:
            print(f"{htsus_form(digits)}: chapter {chapter} is reserved or special; no Center")
            continue
        if heading is None:
            row = chapter_scope(data.scope, chapter).answer
        else:
            match = resolve_heading(data.scope, heading)
            row = match.row if match else None
        if row is None:
            print(f"{htsus_form(digits)}: no Center recorded")
            status = 1
            continue
        approximate = " (approximate)" if row.basis is ScopeBasis.industry_description else ""
        print(
            f"{htsus_form(digits)}: {data.centers[row.center].name}{approximate}; "
            f"row {row.label} ({row.basis.value}); source: {row.sources[0].url}"
        )
    return status


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from error


def _pull(args: argparse.Namespace) -> int:
    from .http import HttpClient
    from .pull import CrossOptions, pull_agency_links, pull_cross, pull_icps

    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
    client = HttpClient(
        cache_dir=args.cache_dir,
        min_interval=args.min_interval,
        timeout=(args.timeout, args.timeout),
        force=args.force,
    )
    today = args.today or dt.date.today()
    sources = ["cross", "icp", "pga"] if args.source == "all" else [args.source]
    reports = []
    for source in sources:
        if source == "cross":
            options = CrossOptions(
                base_url=args.cross_base_url.rstrip("/"),
                since=args.since,
                until=args.until,
                limit=args.limit,
                with_text=args.with_text,
                page_size=args.page_size,
            )
            reports.append(pull_cross(client, args.data_dir, options, today))
        elif source == "icp":
            reports.append(pull_icps(client, args.data_dir, args.cbp_base_url.rstrip("/"), today))
        else:
            try:
                curated = load_curated(args.centers_dir)
            except CuratedDataError as error:
                print("\n".join(error.problems), file=sys.stderr)
                return 1
            reports.append(pull_agency_links(client, args.data_dir, curated, today))
        print(reports[-1].summary(), flush=True)
    return 0 if all(report.ok for report in reports) else 1


def _check_links(args: argparse.Namespace) -> int:
    from .linkcheck import check_site

    report = check_site(args.site_dir)
    for link, pages in sorted(report.broken.items()):
        print(f"broken: {link} (on {', '.join(sorted(set(pages))[:3])})", file=sys.stderr)
    print(
        f"{report.pages} pages; {len(report.broken)} broken internal links; {len(report.external)} external links (not checked)"
    )
    if args.list_external:
        print("\n".join(sorted(report.external)))
    return 1 if report.broken else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ceeatlas", description=__doc__.splitlines()[0])
    parser.add_argument("--centers-dir", type=Path, default=DEFAULT_CENTERS_DIR, help="curated data folder")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="validate the curated data").set_defaults(func=_check)
    lookup = commands.add_parser("lookup", help="which Center handles an HTS number")
    lookup.add_argument("hts", nargs="+")
    lookup.set_defaults(func=_lookup)

    links = commands.add_parser("check-links", help="check the internal links of a built site")
    links.add_argument("site_dir", type=Path)
    links.add_argument("--list-external", action="store_true", help="print the external links found")
    links.set_defaults(func=_check_links)

    pull = commands.add_parser("pull", help="fetch new data from a source into data/")
    pull.add_argument("source", choices=["cross", "icp", "pga", "all"])
    pull.add_argument("--since", type=_date, help="CROSS: first ruling date to fetch (default: incremental)")
    pull.add_argument("--until", type=_date, help="CROSS: last ruling date to fetch (default: today)")
    pull.add_argument("--limit", type=int, help="CROSS: stop after N rulings (for trials)")
    pull.add_argument("--with-text", action="store_true", help="CROSS: also fetch each ruling's full text")
    pull.add_argument("--force", action="store_true", help="ignore the cache and fetch everything again")
    pull.add_argument(
        "--cross-base-url",
        default=os.environ.get("CROSS_BASE_URL", "https://rulings.cbp.gov"),
        help="CROSS server (env CROSS_BASE_URL)",
    )
    pull.add_argument(
        "--cbp-base-url",
        default=os.environ.get("CBP_BASE_URL", "https://www.cbp.gov"),
        help="cbp.gov server for the ICP listing (env CBP_BASE_URL)",
    )
    pull.add_argument("--data-dir", type=Path, default=Path(os.environ.get("CEEATLAS_DATA_DIR", "data")))
    pull.add_argument("--cache-dir", type=Path, default=Path(os.environ.get("CEEATLAS_CACHE_DIR", "cache")))
    pull.add_argument(
        "--min-interval",
        type=float,
        default=float(os.environ.get("CEEATLAS_MIN_INTERVAL", "1.0")),
        help="seconds between requests to one host (default 1)",
    )
    pull.add_argument("--timeout", type=float, default=60.0, help="connect and read timeout in seconds")
    pull.add_argument("--page-size", type=int, default=100, help="CROSS search page size")
    pull.add_argument("--today", type=_date, help=argparse.SUPPRESS)  # tests pin the date
    pull.add_argument("-v", "--verbose", action="store_true", help="log retries and waits")
    pull.set_defaults(func=_pull)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
