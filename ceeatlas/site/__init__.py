"""Everything the MkDocs hook generates, as plain strings keyed by their path in docs/.

The hook (hooks/atlas.py) only moves these strings into MkDocs; keeping the rendering here
means tests can check pages without running a build. One module per area of the site:

  centers.py    the Center pages, the list of Centers and the assignment estimate
  dashboards.py the Centers in numbers: figures, charts, the comparison page, statistics downloads
  rulings.py    rulings overview, Find rulings, open data, and the long ruling lists
  programs.py   partnership programs, their comparison and the picker
  guides.py     agencies, ICPs, processes, trade issues, events, glossary
  reference.py  the HTS lookup, About the data, acronym tooltips, page markers
  render.py     the Jinja environment and the filters that escape every value
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ceeatlas import stats
from ceeatlas.curated import CuratedData, CuratedDataError
from ceeatlas.fragments import FragmentCache, context_digest
from ceeatlas.pulled import PulledData, ace_code_map, route, tariff_notes, title_key
from ceeatlas.scope import chapter_scope, resolve_heading

from . import centers, dashboards, guides, programs, reference, rulings
from .build import Build
from .centers import center_page
from .programs import PICKER_JSON, picker_payload
from .reference import LOOKUP_JSON, LOOKUP_PAGE, lookup_payload
from .render import cell, chapter_label, link, make_environment, safe_url, sources_of
from .rulings import OUTPUT_FOLDERS, heading_page

__all__ = [
    "LOOKUP_JSON",
    "check_headings_covered",
    "LOOKUP_PAGE",
    "OUTPUT_FOLDERS",
    "GeneratedSite",
    "cell",
    "generate",
    "link",
    "lookup_payload",
    "picker_payload",
    "safe_url",
    "sources_of",
]

LATEST_ON_CENTER_PAGE = 15
LATEST_ON_RULINGS_PAGE = 50


@dataclass
class GeneratedSite:
    pages: dict[str, str]  # Markdown pages, by path under docs/
    assets: dict[str, str]  # other files (JSON), by path under docs/
    center_pages: list[str]  # in navigation order
    program_pages: list[str]
    abbreviations: str  # appended to every page so acronyms get a tooltip
    marker_names: list[str]  # <!-- atlas:NAME --> markers hand-written pages may use
    render_marker: object  # (name, page path under docs/) -> Markdown
    # (site_dir, site_url) -> Background: starts the Find rulings data, feeds and downloads
    start_static_files: object
    # (site_dir, started, *, site_name, site_url, repo_url) -> files written: the ruling lists,
    # then waits for the rest
    write_static_files: object


def generate(
    data: CuratedData, pulled: PulledData, today: dt.date | None = None, cache_dir: Path | None = None
) -> GeneratedSite:
    """Render the pages from the data. `cache_dir` keeps per-ruling pieces of the static
    outputs between builds (see ceeatlas.fragments); without it every piece is rendered."""
    check_headings_covered(data, pulled.schedule)
    ace_codes = ace_code_map(data.centers)
    topics = {title_key(topic.title): topic for topic in data.icp_topics.topics}
    # What a ruling's pieces depend on besides the ruling (and this package's code): the scope
    # and chapters its Centers come from, the Centers and their names and ACE codes, the HTSUS
    # releases its numbers are checked against.
    center_names = {center_id: center.name for center_id, center in data.centers.items()}
    # The schedule's digest too: a release pulled again under the same name may hold other rows.
    releases = (
        [(release.name, release.published.isoformat()) for release in pulled.schedule.releases]
        + [pulled.schedule.source_digest]
        if pulled.schedule
        else []
    )
    fragments = FragmentCache(
        cache_dir,
        context_digest(
            data.scope.model_dump_json(),
            data.hts.model_dump_json(),
            json.dumps([center_names, ace_codes, releases], sort_keys=True),
        ),
    )
    schedule = pulled.schedule
    notes = fragments.pieces("hts-notes", pulled, lambda r: tariff_notes(r, schedule)) if schedule else None
    routing = route(
        pulled, data.scope, data.hts, ace_codes, {key: t.hts for key, t in topics.items()}, hts_notes=notes
    )
    code_names = {code: center_names[center_id] for code, center_id in ace_codes.items()}
    build = Build(
        data=data,
        pulled=pulled,
        routing=routing,
        env=make_environment(
            {data.shared.compiled, *data.shared.read_dates},
            code_names,
            routing.hts_notes,
            pulled.schedule.release.title if pulled.schedule else "",
        ),
        fragments=fragments,
        today=today or dt.date.today(),
        code_names=code_names,
    )
    views = centers.build_center_views(data)
    figures = stats.compute(data, pulled, routing, build.today)
    by_number = {ruling.number: ruling for ruling in pulled.rulings}
    build.context.update(
        data=data,
        pulled=pulled,
        schedule=pulled.schedule,
        today=build.today,
        figures=figures,
        center_blocks=lambda center_id: dashboards.center_blocks(figures, center_id),
        site_block=lambda: dashboards.site_block(figures),
        not_current_numbers=routing.not_current,
        views=views,
        chapters={f"{c.number:02d}": c for c in data.hts.chapters},
        center_page=center_page,
        center_rulings=centers.center_rulings(routing, data.centers),
        center_listing=centers.center_listing,
        chapter_label=chapter_label,
        section_of=lambda number: section_of(data, int(number)),
        chapter_scope=lambda number: chapter_scope(data.scope, number),
        scope_row_words=lambda row: scope_row_words(data, pulled.schedule, row),
        lookup_json=LOOKUP_JSON,
        routing=routing,
        rulings_by_number=by_number,
        rulings_for=lambda numbers: [by_number[n] for n in numbers if n in by_number],
        heading_page=heading_page,
        latest_on_center_page=LATEST_ON_CENTER_PAGE,
        latest_on_rulings_page=LATEST_ON_RULINGS_PAGE,
        picker_json=PICKER_JSON,
        program_names={p.id: p.short_name for p in data.programs.programs},
        icp_topic_of=lambda icp: (
            topics.get(title_key(icp.title)) if icp.key in routing.icps_by_topic else None
        ),
    )
    areas = (centers, dashboards, rulings, programs, guides, reference)
    pages: dict[str, str] = {}
    assets: dict[str, str] = {}
    for area in areas:
        pages.update(area.pages(build))
        if hasattr(area, "assets"):
            assets.update(area.assets(build))
    return GeneratedSite(
        pages=pages,
        assets=assets,
        center_pages=[center_page(view.center.id) for view in views],
        program_pages=[programs.program_page(program.id) for program in data.programs.programs],
        abbreviations=reference.abbreviations(data),
        marker_names=sorted(reference.MARKER_TEMPLATES),
        render_marker=partial(reference.render_marker, build),
        start_static_files=partial(rulings.start_static_files, build),
        write_static_files=partial(rulings.write_static_files, build),
    )


def scope_row_words(data: CuratedData, schedule, row) -> str:
    """A scope row in the schedule's words: the heading's description, the first and last
    headings' of a range, the chapters' titles of a chapter row."""

    def short(text: str) -> str:
        text = text.rstrip(":")
        return text if len(text) <= 90 else text[:87].rsplit(" ", 1)[0] + "..."

    if row.level == "chapter":
        titles = [data.hts.chapters[int(row.first) - 1].title]
        if row.last != row.first:
            titles.append(data.hts.chapters[int(row.last) - 1].title)
        return " ... ".join(
            f"{number}: {short(title)}" for number, title in zip((row.first, row.last), titles, strict=False)
        )
    if schedule is None:
        return ""
    first = schedule.heading_description(row.first)
    if row.first == row.last:
        return short(first) if first else f"{row.first} is not in {schedule.release.title}"
    last = schedule.heading_description(row.last)
    parts = [f"{code}: {short(text)}" for code, text in ((row.first, first), (row.last, last)) if text]
    return " ... ".join(parts)


def check_headings_covered(data: CuratedData, schedule) -> None:
    """Every heading of chapters 01-97 in the newest release held must resolve to one Center:
    a heading a new release adds outside the scope fails the build, naming it."""
    if schedule is None:
        return
    reserved = {f"{c.number:02d}" for c in data.hts.chapters if c.reserved}
    missing = [
        heading
        for heading in schedule.headings
        if int(heading[:2]) <= 97
        and (heading[:2] in reserved or resolve_heading(data.scope, heading) is None)
    ]
    if missing:
        raise CuratedDataError(
            [
                f"centers/scope.yaml: {schedule.release.title} has heading {heading}, which no scope row covers"
                for heading in missing
            ]
        )


def section_of(data: CuratedData, chapter: int):
    return next(s for s in data.hts.sections if s.first_chapter <= chapter <= s.last_chapter)


def write_preview(site: GeneratedSite, target: Path) -> None:
    """Debug helper: write the generated pages to a folder to read them as files."""
    for path, text in {**site.pages, **site.assets}.items():
        destination = target / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(text, encoding="utf-8")
