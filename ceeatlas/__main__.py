"""Command line: python -m ceeatlas <command>.

check            validate the curated data (exit 1 with file:line: field messages)
lookup HTS...    which Center handles an HTS number, with the row's basis and source
"""

from __future__ import annotations

import argparse
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ceeatlas", description=__doc__.splitlines()[0])
    parser.add_argument("--centers-dir", type=Path, default=DEFAULT_CENTERS_DIR, help="curated data folder")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="validate the curated data").set_defaults(func=_check)
    lookup = commands.add_parser("lookup", help="which Center handles an HTS number")
    lookup.add_argument("hts", nargs="+")
    lookup.set_defaults(func=_lookup)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
