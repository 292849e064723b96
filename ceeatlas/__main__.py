"""Command line: python -m ceeatlas <command>.

check            validate the curated data (exit 1 with file:line: field messages)
lookup HTS...    explain an HTS number: its description, Center, release (--words: find lines by words)
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from pathlib import Path

# Modules are imported by the commands that need them: `search` then starts without loading
# the curated-data schema (about a third of its run time at 200,000 rulings).

DEFAULT_CENTERS_DIR = Path(os.environ.get("CEEATLAS_CENTERS_DIR", "centers"))


def _check(args: argparse.Namespace) -> int:
    from .curated import CuratedDataError, load_curated

    try:
        data = load_curated(args.centers_dir, on=args.today)
    except CuratedDataError as error:
        print("\n".join(error.problems), file=sys.stderr)
        print(f"{len(error.problems)} problem(s) in {args.centers_dir}/", file=sys.stderr)
        return 1
    print(
        f"ok: {len(data.centers)} Centers, {len(data.scope.rows)} scope rows, "
        f"{len(data.hts.chapters)} chapters, {len(data.agencies.agencies)} agencies"
    )
    if args.stale is not None:
        from .facts import curated_facts, stale

        facts = curated_facts(data)
        old = stale(facts, args.today or dt.date.today(), args.stale)
        count = sum(len(items) for items in old.values())
        print(f"{count} of {len(facts)} facts have no source newer than {args.stale:g} years:")
        for file, items in old.items():
            print(f"{file} ({len(items)})")
            for fact in items:
                print(f"  {fact.newest}  {fact.path}: {fact.text[:90]}")
    return 0


def _schemas(args: argparse.Namespace) -> int:
    from .schemas import write_schemas

    written = write_schemas(args.out)
    print(f"{written} schemas written to {args.out}/")
    return 0


def _changes(args: argparse.Namespace) -> int:
    """Record what changed in centers/ since data/facts.json, dated today, in data/changes.jsonl."""
    from .curated import CuratedDataError, load_curated
    from .facts import record_changes

    try:
        data = load_curated(args.centers_dir, on=args.today)
    except CuratedDataError as error:
        print("\n".join(error.problems), file=sys.stderr)
        return 1
    lines = record_changes(data, args.data_dir, args.today or dt.date.today())
    for line in lines:
        print(f"{line['kind']:8} {line['area']}  {line['what'][:100]}")
    print(f"{len(lines)} changes recorded in {args.data_dir}/changes.jsonl")
    return 0


def _lookup(args: argparse.Namespace) -> int:
    """Explain HTS numbers, or find lines by words, from data/ (no network)."""
    from .curated import load_curated
    from .hts import HtsFormatError, normalise
    from .htsus import load_schedule
    from .lookup import explain_number, find_words

    data = load_curated(args.centers_dir)
    schedule = load_schedule(args.data_dir)
    status = 0
    if args.words:
        if schedule is None:
            print("no HTSUS release in data/ (run `make seed` or `pull hts`)", file=sys.stderr)
            return 1
        print(find_words(data, schedule, " ".join(args.hts), limit=args.limit))
        return 0
    for raw in args.hts:
        try:
            digits = normalise(raw)
        except HtsFormatError as error:
            print(f"{raw}: {error}", file=sys.stderr)
            status = 1
            continue
        text, known = explain_number(data, schedule, digits)
        print(text)
        if not known:
            status = 1
    return status


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from error


def _pull(args: argparse.Namespace) -> int:
    from .curated import CuratedDataError, load_curated
    from .http import HttpClient
    from .pull import CrossOptions, pull_agency_links, pull_cross, pull_hts, pull_icps

    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
    client = HttpClient(
        cache_dir=args.cache_dir,
        min_interval=args.min_interval,
        timeout=(args.timeout, args.timeout),
        force=args.force,
    )
    today = args.today or dt.date.today()
    sources = ["cross", "icp", "pga", "hts"] if args.source == "all" else [args.source]
    reports = []
    if args.from_catalogue:
        from .pull import seed_icps

        if args.source != "icp":
            print("--from-catalogue seeds the ICPs: use it with `pull icp`", file=sys.stderr)
            return 2
        reports.append(seed_icps(args.data_dir, args.from_catalogue))
        print(reports[-1].summary(), flush=True)
        sources = []
    if args.from_capture and args.source == "hts":
        from .pull import import_hts

        reports.append(import_hts(args.data_dir, args.from_capture))
        print(reports[-1].summary(), flush=True)
        sources = []
    elif args.from_capture:
        from .pull import CaptureError, replay_cross

        if args.source != "cross" or args.since or args.until or args.limit:
            print(
                "--from-capture replays one capture: use it with `pull cross` or `pull hts` alone",
                file=sys.stderr,
            )
            return 2
        try:
            reports.append(replay_cross(args.data_dir, args.from_capture))
        except CaptureError as error:
            print(f"cross: {error}", file=sys.stderr)
            return 1
        print(reports[-1].summary(), flush=True)
        sources = []
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
        elif source == "hts":
            reports.append(pull_hts(client, args.data_dir, args.usitc_base_url.rstrip("/"), today))
        else:
            try:
                curated = load_curated(args.centers_dir)
            except CuratedDataError as error:
                print("\n".join(error.problems), file=sys.stderr)
                return 1
            reports.append(pull_agency_links(client, args.data_dir, curated, today))
        print(reports[-1].summary(), flush=True)
    # New rulings or ICPs: update the index once, which also re-picks the related rulings.
    if any(report.files_written for report in reports if report.source.startswith(("cross", "icp"))):
        from .indexing import sync_index

        synced = sync_index(args.centers_dir, args.data_dir, args.index_dir)
        print(f"search index: {synced.added} added, {synced.updated} updated, {synced.deleted} deleted")
    return 0 if all(report.ok for report in reports) else 1


def _index(args: argparse.Namespace) -> int:
    from .indexing import sync_index

    report = sync_index(
        args.centers_dir, args.data_dir, args.index_dir, procs=args.procs, with_text=not args.no_text
    )
    action = "built" if report.rebuilt else "updated"
    print(
        f"index {action}: {report.added} added, {report.updated} updated, {report.deleted} deleted ({args.index_dir})"
    )
    if report.related_written:
        print("related rulings updated in data/related.json")
    if args.optimize:
        from .search_index import optimize

        optimize(args.index_dir)
        print("index segments merged")
    return 0


def _search(args: argparse.Namespace) -> int:
    import json

    from . import search_index
    from .hts import htsus_form

    if not (args.index_dir / search_index.STATE_FILE).exists():
        from .indexing import sync_index

        sync_index(args.centers_dir, args.data_dir, args.index_dir, related=False)
    total, hits = search_index.search(
        args.index_dir,
        " ".join(args.words),
        hts=args.hts,
        center=args.center,
        cbp=args.cbp_center,
        hts_status=args.hts_status,
        collection=args.collection,
        status=args.status,
        since=args.since,
        until=args.until,
        limit=args.limit,
        sort=args.sort,
    )
    if args.json:
        rows = [
            {
                "number": hit.number,
                "collection": hit.collection,
                "date": hit.date.isoformat(),
                "subject": hit.subject,
                "status": hit.status,
                "centers": hit.centers,
                "cbp_center": hit.cbp.split(",")[0] if hit.cbp else None,
                "hts_status": hit.hts_status,
                "tariffs": hit.tariffs,
                "url": f"https://rulings.cbp.gov/ruling/{hit.number}",
            }
            for hit in hits
        ]
        print(json.dumps({"total": total, "hits": rows}, indent=1, ensure_ascii=False))
        return 0
    print(f"{total} rulings match; showing {len(hits)}")
    for hit in hits:
        tariffs = ", ".join(htsus_form(t.replace(".", "")) for t in hit.tariffs)
        if "not_current" in hit.hts_status:
            tariffs += " [not in current HTSUS]"
        print(
            f"{hit.collection} {hit.number:8}  {hit.date}  {hit.status:22}  {tariffs[:40]:40}  {hit.subject[:70]}"
        )
    return 0


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
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("CEEATLAS_DATA_DIR", "data")),
        help="pulled data folder",
    )
    parser.add_argument(
        "--index-dir", type=Path, default=None, help="search index folder (default: CACHE/index)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate the curated data")
    check.add_argument(
        "--stale",
        type=float,
        nargs="?",
        const=3.0,
        metavar="YEARS",
        help="also list the facts whose newest source is older than YEARS (default 3)",
    )
    check.add_argument("--today", type=_date, help=argparse.SUPPRESS)
    check.set_defaults(func=_check)
    changes = commands.add_parser(
        "changes", help="record what changed in centers/ since the last record (data/changes.jsonl)"
    )
    changes.add_argument("--today", type=_date, help=argparse.SUPPRESS)
    changes.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help="pulled data folder")
    changes.set_defaults(func=_changes)
    schemas = commands.add_parser("schemas", help="write the JSON Schemas of the curated files (for editors)")
    schemas.add_argument("--out", type=Path, default=Path("schemas"), help="folder (default: schemas/)")
    schemas.set_defaults(func=_schemas)
    lookup = commands.add_parser(
        "lookup", help="explain HTS numbers (description, Center, release), or find lines by words"
    )
    lookup.add_argument("hts", nargs="+", help="HTS numbers in any form, or words with --words")
    lookup.add_argument(
        "--words", action="store_true", help="find HTSUS lines whose descriptions use these words"
    )
    lookup.add_argument("--limit", type=int, default=15, help="how many lines --words shows")
    lookup.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help="pulled data folder")
    lookup.set_defaults(func=_lookup)

    links = commands.add_parser("check-links", help="check the internal links of a built site")
    links.add_argument("site_dir", type=Path)
    links.add_argument("--list-external", action="store_true", help="print the external links found")
    links.set_defaults(func=_check_links)

    index = commands.add_parser("index", help="update the rulings search index from data/")
    index.add_argument(
        "--procs",
        type=int,
        default=1,
        help="processes for a full build of the index (one is faster in our measurements: Whoosh pickles every document for the others)",
    )
    index.add_argument(
        "--no-text", action="store_true", help="leave ruling texts out of the index (subjects only)"
    )
    index.add_argument(
        "--optimize",
        action="store_true",
        help="then merge the small segments that updates leave into one (rewrites the whole index)",
    )
    index.set_defaults(func=_index)

    search = commands.add_parser("search", help="search pulled rulings")
    search.add_argument("words", nargs="*", help="words to find in subjects and texts")
    search.add_argument("--hts", help="HTS prefix in any form: 8471, 8471.30, 8471.30.01")
    search.add_argument("--center", help="Center id the site routes rulings to by heading, e.g. electronics")
    search.add_argument(
        "--cbp-center",
        help="rulings in which CBP itself names a Center (CROSS commodity grouping): a Center id or an ACE code (CEE007)",
    )
    search.add_argument(
        "--hts-status",
        choices=["current", "not_current", "newer"],
        help="rulings whose numbers are all in the newest HTSUS release held (current), or that cite a number "
        "it lacks: not_current (not in the current HTSUS) or newer (the ruling is newer than the release)",
    )
    search.add_argument("--collection", choices=["NY", "HQ", "ny", "hq"])
    search.add_argument("--status", choices=["active", "modified", "revoked", "operationally_revoked"])
    search.add_argument("--since", type=_date, help="first ruling date")
    search.add_argument("--until", type=_date, help="last ruling date")
    search.add_argument("--limit", type=int, default=20)
    search.add_argument(
        "--sort",
        choices=("relevance", "date"),
        help="best match first (the default with words) or newest first (the default without)",
    )
    search.add_argument("--json", action="store_true", help="JSON output")
    search.set_defaults(func=_search)

    pull = commands.add_parser("pull", help="fetch new data from a source into data/")
    pull.add_argument("source", choices=["cross", "icp", "pga", "hts", "all"])
    pull.add_argument("--since", type=_date, help="CROSS: first ruling date to fetch (default: incremental)")
    pull.add_argument("--until", type=_date, help="CROSS: last ruling date to fetch (default: today)")
    pull.add_argument("--limit", type=int, help="CROSS: stop after N rulings (for trials)")
    pull.add_argument("--with-text", action="store_true", help="CROSS: also fetch each ruling's full text")
    pull.add_argument(
        "--from-capture",
        type=Path,
        metavar="DIR",
        help="replay recorded responses instead of fetching, no network: CROSS (DIR/capture.json, "
        "DIR/search_pages/, DIR/rulings/) or HTS (DIR/release.json and the export file it names)",
    )
    pull.add_argument(
        "--usitc-base-url",
        default=os.environ.get("USITC_BASE_URL", "https://hts.usitc.gov"),
        help="USITC HTS server (env USITC_BASE_URL)",
    )
    pull.add_argument(
        "--from-catalogue",
        type=Path,
        metavar="DIR",
        help="ICP: seed data/icps.jsonl from DIR/catalogue.csv (described by DIR/seed.json); no network",
    )
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
    for sub in (pull, index, search):
        # Also accepted after the command name: `pull cross --data-dir X`.
        sub.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help="pulled data folder")
        sub.add_argument("--index-dir", type=Path, default=argparse.SUPPRESS, help="search index folder")
    args = parser.parse_args(argv)
    if args.index_dir is None:
        cache = getattr(args, "cache_dir", None) or Path(os.environ.get("CEEATLAS_CACHE_DIR", "cache"))
        args.index_dir = Path(os.environ.get("CEEATLAS_INDEX_DIR") or cache / "index")
    return args.func(args)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        # The reader stopped reading (`lookup ... | head`): not an error worth a traceback.
        # Point stdout at devnull so Python's own flush at exit does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)  # what a shell reports for a pipe closed early (128 + SIGPIPE)
