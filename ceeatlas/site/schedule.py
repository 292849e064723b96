"""The HTSUS on the site: the data the lookup reads (one file per heading, word files for the
search by description) and plain HTML pages to browse each chapter without JavaScript."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from markupsafe import Markup

from ceeatlas.files import record_outputs, remember_outputs, reuse_outputs, write_output
from ceeatlas.htsus import STOPWORDS, SYNONYM_WEIGHT, USITC_SEARCH, Schedule, synonym_map
from ceeatlas.models import ScopeBasis
from ceeatlas.scope import resolve_heading

from .build import Build
from .render import text_html

ASSETS = "assets/hts"
STAMP = ".made-from.json"  # see write_assets
BROWSE = "hts"  # plain HTML pages: hts/ (chapters) and hts/<NN>/ (a chapter's headings and subheadings)


def heading_groups(schedule: Schedule) -> list[tuple[str, int, int]]:
    """(heading, first line, end) for every heading, in schedule order. A description row
    belongs to the heading of the numbered line after it (it is the start of that line's chain)."""
    owners: list[str] = [""] * len(schedule.lines)
    following = ""
    for line in reversed(schedule.lines):
        if line.htsno:
            following = line.digits[:4]
        owners[line.index] = following
    groups: list[tuple[str, int, int]] = []
    for index, owner in enumerate(owners):
        if groups and groups[-1][0] == owner:
            groups[-1] = (owner, groups[-1][1], index + 1)
        else:
            groups.append((owner, index, index + 1))
    return groups


def lookup_data(build: Build) -> dict:
    """What the lookup page needs from the HTSUS before any number is typed (in hts-lookup.json)."""
    schedule = build.pulled.schedule
    if schedule is None:
        return {}
    release = schedule.release
    return {
        "release": {"name": release.name, "title": release.title, "published": release.published.isoformat()},
        "starts": [[heading, start] for heading, start, _ in heading_groups(schedule)],
        "searchable": len(schedule.searchable),
        "stopwords": sorted(STOPWORDS),
        "synonyms": synonym_map(build.data.hts_synonyms.entries),
        "synonym_weight": SYNONYM_WEIGHT,
        "ruled": sorted(build.routing.by_heading),
        "usitc": USITC_SEARCH,
    }


def write_assets(schedule: Schedule, site_dir: Path, code: str = "") -> int:
    """One JSON file per heading (its lines) and one per two-letter prefix of the search words.
    Returns how many files there are. With `code` (a digest of the code that writes them), the
    files are made once per HTSUS release rather than once per build: a stamp beside them says
    from which schedule and code they were made, and while both are the same they are kept."""
    stamp = site_dir / ASSETS / STAMP if code and schedule.source_digest else None
    key = f"{code}|{schedule.source_digest}"
    if kept := reuse_outputs(stamp, key, site_dir):
        record_outputs([stamp])
        return kept
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    paths = []
    for heading, start, end in heading_groups(schedule):
        lines = [
            [line.htsno, line.indent, line.description, list(line.units)]
            for line in schedule.lines[start:end]
        ]
        paths.append(site_dir / ASSETS / "h" / f"{heading}.json")
        write_output(paths[-1], encode(lines))
    shards: dict[str, dict[str, list[list[int]]]] = defaultdict(dict)
    for term, lists in sorted(schedule.postings.items()):
        shards[term[:2]][term] = [_deltas(ids) for ids in lists]
    for prefix, words in sorted(shards.items()):
        paths.append(site_dir / ASSETS / "w" / f"{prefix}.json")
        write_output(paths[-1], encode(words))
    remember_outputs(stamp, key, site_dir, paths)
    if stamp is not None:
        record_outputs([stamp])
    return len(paths)


def _deltas(ids: list[int]) -> list[int]:
    return [ids[0], *(b - a for a, b in zip(ids, ids[1:], strict=False))] if ids else []


def write_browse_pages(build: Build, site_dir: Path, common: dict) -> int:
    """hts/index.html (sections and chapters) and hts/<NN>/index.html (a chapter's headings and
    subheadings with their official descriptions and Center): the lookup's answers without
    JavaScript. Returns how many pages were written."""
    schedule = build.pulled.schedule
    if schedule is None:
        return 0
    listing = build.env.get_template("listing.html.j2")
    release = schedule.release
    written = 0
    chapters = build.context["chapters"]
    lines_of = _browse_lines(schedule)
    for number, chapter in chapters.items():
        lines = lines_of.get(number)
        if not lines:
            continue
        rows = [_browse_row(build, line) for line in lines]
        html = listing.render(
            {**common, "root": "../../"},
            title=f"HTS chapter {number}: {chapter.title}",
            description=f"Headings and subheadings of HTS chapter {number} with their official descriptions.",
            intro=[
                f"Headings and subheadings of chapter {number} in {release.title} (published "
                f"{release.published.isoformat()}), with the official descriptions and the Center of each heading "
                "on this site. The lookup shows the statistical lines below them.",
                "Descriptions are the schedule's own words; indentation shows which line each one reads under.",
            ],
            lines=Markup("\n".join(rows)),
            feed=None,
            caption=f"HTS chapter {number}, {release.title}",
            path=f"{BROWSE}/{number}/index.html",
        )
        write_output(site_dir / BROWSE / number / "index.html", html)
        written += 1
    html = listing.render(
        {**common, "root": "../"},
        title="Browse the HTSUS by chapter",
        description="The chapters of the Harmonized Tariff Schedule, with links to their headings and subheadings.",
        intro=[f"{release.title}, published {release.published.isoformat()}. Source: USITC (hts.usitc.gov)."],
        lines=Markup(
            "\n".join(
                f'<tr><td><a href="{number}/">{number}</a></td><td>{text_html(chapter.title)}</td>'
                f"<td>{text_html(_chapter_centers(build, schedule, number))}</td></tr>"
                for number, chapter in chapters.items()
                if lines_of.get(number)
            )
        ),
        feed=None,
        center_header="Centers of its headings",
        caption=f"Chapters of {release.title}",
        path=f"{BROWSE}/index.html",
    )
    write_output(site_dir / BROWSE / "index.html", html)
    return written + 1


def _browse_lines(schedule: Schedule) -> dict[str, list]:
    """Per chapter, its headings and subheadings and the description rows above them, in one
    pass over the schedule. A heading or subheading without a row of its own (2802, 2801.10) is
    shown as the line that stands for it (2802.00.00.00, 2801.10.00.00; see Schedule.find).
    Description rows go with the chapter of the next numbered line: a chapter's subchapter
    titles come before its first heading."""
    found: dict[str, list] = defaultdict(list)
    pending: list = []
    for line in schedule.lines:
        if not line.htsno:
            if line.indent <= 1:
                pending.append(line)
            continue
        digits = line.digits
        if len(digits) <= 6 or line.indent == 0 or schedule.find(digits[:6]) is line:
            found[digits[:2]].extend(pending)
            pending = []
            found[digits[:2]].append(line)
    return found


def _chapter_centers(build: Build, schedule: Schedule, chapter: str) -> str:
    """The Centers of a chapter's headings, in the order of the headings."""
    if int(chapter) > 97:
        return "Not routed (chapters 98 and 99)"
    names: list[str] = []
    for heading in schedule.headings:
        if heading[:2] == chapter:
            match = resolve_heading(build.data.scope, heading)
            name = build.data.centers[match.center].name if match else None
            if name and name not in names:
                names.append(name)
    return "; ".join(names)


def _browse_row(build: Build, line) -> str:
    description = text_html(line.description)
    pad = f' style="padding-left:{0.6 + 1.2 * line.indent:.1f}em"'
    if not line.htsno:
        return f"<tr><td></td><td{pad}>{description}</td><td></td></tr>"
    number = text_html(line.htsno)
    lookup = f"../../centers/lookup/?hts={line.htsno}"
    center = ""
    if len(line.digits) == 4 or line.indent == 0:
        heading = line.digits[:4]
        match = resolve_heading(build.data.scope, heading) if int(heading[:2]) <= 97 else None
        if match:
            name = text_html(build.data.centers[match.center].name)
            approximate = " (approximate)" if match.row.basis is ScopeBasis.industry_description else ""
            center = f"{name}{approximate}"
        if heading in build.routing.by_heading:
            center += f' · <a href="../../rulings/hts/{heading}/">rulings</a>'
    return f'<tr><td><a href="{lookup}">{number}</a></td><td{pad}>{description}</td><td>{center}</td></tr>'
