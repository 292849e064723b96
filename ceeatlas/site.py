"""Everything the MkDocs hook generates, as plain strings keyed by their path in docs/.

The hook (hooks/atlas.py) only moves these strings into MkDocs; keeping the rendering here
means tests can check pages without running a build.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from .curated import CuratedData
from .exports import OPEN_DATA_FIELDS, write_feeds, write_open_data
from .files import prune_outputs, recording_outputs, write_output
from .finder import FOLDER as FINDER_FOLDER
from .finder import write_finder_data
from .fragments import FragmentCache, context_digest
from .hts import htsus_form
from .ical import calendar
from .models import Center, Certainty, ScopeBasis, ScopeRow, Source
from .parallel import Background
from .pulled import PulledData, Routing, route
from .scope import all_heading_codes, chapter_scope, resolve_heading

CENTERS_DIR = "centers"
LOOKUP_PAGE = "centers/lookup.md"
LOOKUP_JSON = "assets/data/hts-lookup.json"
AGENCIES_PAGE = "guides/agencies.md"
ABOUT_PAGE = "about/index.md"
RULINGS_PAGE = "rulings/index.md"
ICP_PAGE = "guides/icps.md"
PICKER_JSON = "assets/data/program-picker.json"
EVENTS_ICS = "guides/events.ics"
# Acronyms that are also U.S. state codes or ordinary words on this site get no automatic tooltip.
NO_TOOLTIP = {"NY", "HQ"}
LATEST_ON_CENTER_PAGE = 15
LATEST_ON_RULINGS_PAGE = 50

BASIS_LABELS = {
    ScopeBasis.cbp_notice: "CBP notice",
    ScopeBasis.federal_register: "Federal Register (trade-press summary)",
    ScopeBasis.industry_description: "Approximate: inferred from industry description",
}
CERTAINTY_LABELS = {
    Certainty.confirmed: "Confirmed",
    Certainty.reported: "Reported by secondary sources",
    Certainty.uncertain: "Uncertain",
}
MONTHS = "January February March April May June July August September October November December".split()


# ---------------------------------------------------------------------------------------
# Filters: every piece of data reaches Markdown through one of these
# ---------------------------------------------------------------------------------------


def cell(value: object) -> Markup:
    """Text safe inside a Markdown table cell: HTML-escaped, pipes and line breaks neutralised."""
    text = str(escape("" if value is None else value))
    text = text.replace("|", "&#124;").replace("\r", " ").replace("\n", " ")
    # Markdown emphasis and link syntax in data should print as typed, not format the page.
    text = re.sub(r"([\\`*_\[\]])", r"\\\1", text)
    return Markup(text)


def safe_url(value: str | None) -> str | None:
    """An http(s) URL with characters that would end a Markdown link percent-encoded; else None."""
    if not value:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(value.strip(), safe=":/?#[]@!$&'*+,;=%~")


def link(text: object, url: str | None) -> Markup:
    """A Markdown link, or plain escaped text when the URL is missing or not http(s)."""
    target = safe_url(url)
    label = cell(text)
    if target is None:
        return label
    return Markup(f"[{label}]({escape(target)})")


def date_text(value: dt.date | None, precision: str = "day") -> str:
    if value is None:
        return "unknown"
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return f"{MONTHS[value.month - 1]} {value.year}"
    return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"


def iso(value: dt.date) -> str:
    return value.isoformat()


def tariff_htsus(cross_code: str) -> str:
    """'6109.10.0040' (CROSS form, as stored) -> '6109.10.00.40' (HTSUS form, as printed)."""
    if len(cross_code) == 12 and cross_code[4] == cross_code[7] == "." and cross_code.count(".") == 2:
        return cross_code[:10] + "." + cross_code[10:]  # the usual form, once per ruling at 200,000
    return htsus_form(cross_code.replace(".", ""))


def _text(value: str) -> str:
    """HTML-escaped text as a plain str (no Markup wrapper to carry through f-strings)."""
    return str(escape(value))


def ruling_row_html(ruling, reason: str | None = None) -> Markup:
    """One <tr> of a ruling list. Rendered in Python, once per ruling, because the listing pages
    hold every ruling (often more than once) and a template per row dominated the build."""
    # source_url passed the schema's http(s) check when data/ was loaded; escaping is enough here.
    url = ruling.source_url
    label = _text(f"{ruling.collection} {ruling.number}")
    number = f'<a href="{_text(url)}">{label}</a>' if url.startswith(("https://", "http://")) else label
    tariffs = [tariff_htsus(t) for t in ruling.tariffs] + ruling.unparsed_tariffs
    status = ruling.status.label
    if ruling.revoked_by:
        status += " by " + ", ".join(ruling.revoked_by)
    elif ruling.modified_by:
        status += " by " + ", ".join(ruling.modified_by)
    reason_cell = "" if reason is None else f"<td>{_text(reason)}</td>"
    return Markup(
        f"<tr><td>{number}</td><td>{ruling.date.isoformat()}</td><td>{_text(ruling.subject)}</td>"
        f"<td>{_text(', '.join(tariffs))}</td><td>{_text(status)}</td>{reason_cell}</tr>"
    )


def heading_page(heading: str) -> str:
    """Where a heading's ruling list is written (a plain HTML page, outside MkDocs)."""
    return f"rulings/hts/{heading}/index.html"


UNASSIGNED_LISTING = "rulings/unassigned/index.html"
# Folders of the site that only write_static_files writes: kept between builds (see
# ceeatlas.files.keep_outputs) and pruned of what a build no longer writes.
OUTPUT_FOLDERS = ("rulings/hts", "rulings/unassigned", FINDER_FOLDER, "feeds", "downloads")


def make_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("ceeatlas", "templates"),
        autoescape=True,  # Markdown templates too: data reaches them as escaped text
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        cell=cell, link=link, date_text=date_text, iso=iso, safe_url=safe_url, tariff_htsus=tariff_htsus
    )
    env.globals.update(basis_labels=BASIS_LABELS, certainty_labels=CERTAINTY_LABELS)
    # An event with no Centers listed is for all of them.
    env.tests["contains_center"] = lambda centers, center_id: not centers or center_id in centers
    return env


# ---------------------------------------------------------------------------------------
# Derived views of the curated data
# ---------------------------------------------------------------------------------------


@dataclass
class CenterView:
    center: Center
    rows: list[ScopeRow]
    chapters: list[str]  # chapters where at least one heading resolves to this Center
    exceptions: list[tuple[ScopeRow, ScopeRow]]  # (other Center's heading row, our chapter row)
    agencies: list[tuple[object, list[str]]] = field(default_factory=list)

    @property
    def approximate(self) -> bool:
        return any(row.basis is ScopeBasis.industry_description for row in self.rows)


def center_page(center_id: str) -> str:
    return f"{CENTERS_DIR}/{center_id}.md"


def chapter_label(chapters: list[str]) -> str:
    """Collapse ['01', '02', '03', '05'] into '01-03, 05'."""
    runs: list[list[int]] = []
    for number in sorted(int(c) for c in chapters):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return ", ".join(f"{a:02d}" if a == b else f"{a:02d}-{b:02d}" for a, b in runs)


def build_center_views(data: CuratedData) -> dict[str, CenterView]:
    heading_owner: dict[str, str] = {}
    for code in all_heading_codes(data.hts):
        match = resolve_heading(data.scope, code)
        assert match is not None  # coverage is checked when the data is loaded
        heading_owner[code] = match.center
    chapters_of: dict[str, set[str]] = defaultdict(set)
    for code, owner in heading_owner.items():
        chapters_of[owner].add(code[:2])

    views: dict[str, CenterView] = {}
    for center_id, center in data.centers.items():
        rows = sorted((r for r in data.scope.rows if r.center == center_id), key=lambda r: (r.first, r.level))
        exceptions = []
        for row in rows:
            if row.level != "chapter":
                continue
            for number in range(int(row.first), int(row.last) + 1):
                for other in chapter_scope(data.scope, f"{number:02d}").exceptions:
                    pair = (other, row)
                    if other.center != center_id and pair not in exceptions:
                        exceptions.append(pair)
        exceptions.sort(key=lambda pair: pair[0].first)
        chapters = sorted(chapters_of[center_id])
        agencies = []
        for agency in data.agencies.agencies:
            shared = sorted(set(agency.chapter_numbers()) & set(chapters))
            if shared:
                agencies.append((agency, shared))
        views[center_id] = CenterView(center, rows, chapters, exceptions, agencies)
    return views


def sources_of(obj: object) -> list[Source]:
    """Every Source reachable from a model, in first-seen order, without duplicates."""
    found: dict[str, Source] = {}

    def walk(value: object) -> None:
        if isinstance(value, Source):
            found.setdefault(value.url, value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif hasattr(value, "__pydantic_fields__"):
            for name in type(value).model_fields:
                walk(getattr(value, name))

    walk(obj)
    return list(found.values())


def lookup_payload(data: CuratedData) -> dict:
    """The small JSON the browser lookup reads; the same rows the Python resolver uses."""
    return {
        "compiled": data.shared.compiled.isoformat(),
        "centers": {
            center_id: {"name": center.name, "path": f"{CENTERS_DIR}/{center_id}/"}
            for center_id, center in data.centers.items()
        },
        "sections": [
            {"roman": s.roman, "title": s.title, "first": s.first_chapter, "last": s.last_chapter}
            for s in data.hts.sections
        ],
        "chapters": {
            f"{c.number:02d}": {"title": c.title, "reserved": c.reserved} for c in data.hts.chapters
        },
        "basis_labels": {basis.value: label for basis, label in BASIS_LABELS.items()},
        "rows": [
            {
                "center": row.center,
                "level": row.level,
                "first": row.first,
                "last": row.last,
                "basis": row.basis.value,
                "note": row.note or "",
                "source": {
                    "url": safe_url(row.sources[0].url) or "",
                    "title": row.sources[0].title,
                    "as_of": row.sources[0].as_of.isoformat(),
                },
            }
            for row in data.scope.rows
        ],
    }


# ---------------------------------------------------------------------------------------
# The generated files
# ---------------------------------------------------------------------------------------


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
    # (site_dir, site_name, started) -> files written: the ruling lists, then waits for the rest
    write_static_files: object


def section_of(data: CuratedData, chapter: int):
    return next(s for s in data.hts.sections if s.first_chapter <= chapter <= s.last_chapter)


def picker_payload(data: CuratedData) -> dict:
    """The decision table for the browser, the same one ceeatlas.picker evaluates."""
    payload = data.picker.model_dump(mode="json")
    payload["programs"] = {program.id: program.short_name for program in data.programs.programs}
    return payload


def abbreviations(data: CuratedData) -> str:
    """Markdown abbreviation definitions for every acronym in the glossary (tooltips on every page)."""
    lines = []
    for term in sorted(data.glossary.terms, key=lambda t: t.term):
        if term.term in NO_TOOLTIP or not re.fullmatch(r"[A-Z][A-Z0-9-]*[A-Z0-9]", term.term):
            continue
        expansion = term.expansion.replace("]", ")").replace("\n", " ")
        lines.append(f"*[{term.term}]: {expansion}")
    return "\n".join(lines)


def generate(
    data: CuratedData, pulled: PulledData, today: dt.date | None = None, cache_dir: Path | None = None
) -> GeneratedSite:
    """Render the pages from the data. `cache_dir` keeps per-ruling pieces of the static
    outputs between builds (see ceeatlas.fragments); without it every piece is rendered."""
    today = today or dt.date.today()
    env = make_environment()
    read_date = data.shared.compiled

    def source_date(value: dt.date, iso_form: bool = False) -> str:
        # Undated sources carry the date this project read them (the compile date); say so,
        # rather than let a reader take it for a publication date.
        shown = value.isoformat() if iso_form else date_text(value)
        return f"undated, read {shown}" if value == read_date else shown

    env.filters["source_date"] = source_date
    views = build_center_views(data)
    routing: Routing = route(pulled, data.scope, data.hts)
    # What a ruling's pieces depend on besides the ruling (and this package's code).
    fragments = FragmentCache(
        cache_dir,
        context_digest(
            data.scope.model_dump_json(), data.hts.model_dump_json(), json.dumps(list(data.centers))
        ),
    )
    by_number = {ruling.number: ruling for ruling in pulled.rulings}
    ordered = sorted(views.values(), key=lambda view: view.center.name)
    chapters = {f"{c.number:02d}": c for c in data.hts.chapters}
    context = {
        "data": data,
        "pulled": pulled,
        "views": ordered,
        "chapters": chapters,
        "center_page": center_page,
        "chapter_label": chapter_label,
        "section_of": lambda number: section_of(data, int(number)),
        "chapter_scope": lambda number: chapter_scope(data.scope, number),
        "lookup_json": LOOKUP_JSON,
        "routing": routing,
        "rulings_by_number": by_number,
        "rulings_for": lambda numbers: [by_number[n] for n in numbers if n in by_number],
        "heading_page": heading_page,
        "latest_on_center_page": LATEST_ON_CENTER_PAGE,
        "latest_on_rulings_page": LATEST_ON_RULINGS_PAGE,
        "picker_json": PICKER_JSON,
        "program_names": {p.id: p.short_name for p in data.programs.programs},
    }

    pages: dict[str, str] = {}
    for view in ordered:
        pages[center_page(view.center.id)] = env.get_template("center.md.j2").render(
            context, view=view, page_sources=sources_of([view.center, view.rows, data.shared])
        )
    pages[f"{CENTERS_DIR}/index.md"] = env.get_template("centers_index.md.j2").render(context)
    pages[LOOKUP_PAGE] = env.get_template("lookup.md.j2").render(context)
    pages[AGENCIES_PAGE] = env.get_template("agencies.md.j2").render(context)
    pages[RULINGS_PAGE] = env.get_template("rulings_index.md.j2").render(context)
    pages[ICP_PAGE] = env.get_template("icps.md.j2").render(context)
    pages["rulings/find.md"] = env.get_template("find_rulings.md.j2").render(context)
    pages["about/open-data.md"] = env.get_template("open_data.md.j2").render(context, fields=OPEN_DATA_FIELDS)

    # Programs, guides and reference pages (issue: programs and small-business guides)
    pages["programs/index.md"] = env.get_template("programs_index.md.j2").render(context)
    pages["programs/compare.md"] = env.get_template("programs_compare.md.j2").render(context)
    pages["programs/picker.md"] = env.get_template("picker.md.j2").render(context)
    program_template = env.get_template("program.md.j2")
    for program in data.programs.programs:
        pages[f"programs/{program.id}.md"] = program_template.render(context, program=program)
    icps_by_title = {icp.title.lower(): icp for icp in pulled.icps}
    pages["guides/processes.md"] = env.get_template("processes.md.j2").render(
        context, icps_by_title=icps_by_title
    )
    pages["guides/trade-issues.md"] = env.get_template("trade_issues.md.j2").render(context)
    center_names = {center_id: center.name for center_id, center in data.centers.items()}
    events = sorted(data.events.events, key=lambda e: e.start)
    pages["guides/events.md"] = env.get_template("events.md.j2").render(
        context,
        upcoming=[e for e in events if (e.end or e.start) >= today],
        past=list(reversed([e for e in events if (e.end or e.start) < today])),
        event_centers=lambda e: ", ".join(center_names[c] for c in e.centers) or "all Centers",
    )
    agencies = sorted(data.agencies.agencies, key=lambda a: a.abbreviation)
    pages["guides/pga-matrix.md"] = env.get_template("pga_matrix.md.j2").render(
        context, agencies=agencies, agency_chapters={a.id: set(a.chapter_numbers()) for a in agencies}
    )
    pages["guides/glossary.md"] = env.get_template("glossary.md.j2").render(context)
    all_sources = sorted(
        sources_of(
            [
                data.centers,
                data.scope,
                data.shared,
                data.agencies,
                data.hts.source,
                data.programs,
                data.processes,
                data.trade_issues,
                data.events,
                data.glossary,
            ]
        ),
        key=lambda s: (s.title.lower(), s.url),
    )
    pages[ABOUT_PAGE] = env.get_template("about_data.md.j2").render(context, all_sources=all_sources)

    marker_templates = {
        "data-date": "marker_data_date.md.j2",
        "centers-list": "marker_centers_list.md.j2",
    }

    def render_marker(name: str, page_path: str) -> str:
        # Links in a marker are written from the docs root; prefix them for nested pages.
        root = "../" * page_path.count("/")
        return env.get_template(marker_templates[name]).render(context, root=root)

    payload = json.dumps(lookup_payload(data), ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def start_static_files(site_dir: Path, site_url: str = "") -> Background:
        """Start writing the outputs that need nothing from MkDocs (Find rulings data, feeds,
        open-data downloads) in forked processes, while MkDocs renders the pages: at 200,000
        rulings they are most of the build's work. Each returns (count, paths written)."""

        def finder_and_feeds() -> tuple[int, list[str]]:
            with recording_outputs() as written:
                if pulled.rulings:
                    write_finder_data(site_dir, pulled, routing, list(data.centers), fragments)
                count = write_feeds(
                    site_dir, site_url or "/", pulled, routing, center_names, data.shared.compiled
                )
            return count, written

        def downloads() -> tuple[int, list[str]]:
            with recording_outputs() as written:
                write_open_data(site_dir, pulled, routing, fragments)
            return 0, written

        return Background([finder_and_feeds, downloads])

    def write_static_files(site_dir: Path, site_name: str, started: Background) -> int:
        """Write the ruling lists (plain HTML pages with the theme's stylesheets, so after
        MkDocs), wait for what start_static_files began, then delete what an earlier build
        wrote and this one did not. Returns how many pages and feeds were written."""
        sheets = [
            str(path.relative_to(site_dir))
            for pattern in ("assets/stylesheets/main.*.min.css", "assets/stylesheets/palette.*.min.css")
            for path in sorted(site_dir.glob(pattern))
        ] + ["assets/stylesheets/atlas.css"]
        common = {
            "site_name": site_name,
            "stylesheets": sheets,
            "root": "../../../",
        }
        with recording_outputs() as written:
            count = write_lists(site_dir, common)
        for job_count, job_written in started.results():
            count += job_count
            written += job_written
        prune_outputs(site_dir, OUTPUT_FOLDERS, set(written))
        return count

    def write_lists(site_dir: Path, common: dict) -> int:
        """The ruling lists: a page per heading, the unassigned rulings, the list of headings.
        Returns how many pages were written."""
        listing = env.get_template("listing.html.j2")
        written = 0
        # A ruling named under several headings is rendered once.
        row_of = fragments.pieces("list-row", pulled, lambda ruling: str(ruling_row_html(ruling)))

        def rows_of(rulings) -> Markup:
            """The <tr> lines of a list, joined here: a template loop over 200,000 rows is slow."""
            return Markup("\n".join([row_of[ruling.number] for ruling in rulings]))

        for heading, rulings in sorted(routing.by_heading.items()):
            match = resolve_heading(data.scope, heading)
            center = data.centers[match.center].name
            approximate = (
                " (approximate; confirm with the Center)"
                if match.row.basis is ScopeBasis.industry_description
                else ""
            )
            html = listing.render(
                common,
                title=f"Rulings for HTS heading {heading}",
                description=f"CBP binding rulings that name HTS heading {heading}.",
                intro=[
                    f"Chapter {heading[:2]}: {chapters[heading[:2]].title}. Center: {center}{approximate}.",
                    f"{len(rulings)} rulings name a tariff number under this heading, newest first.",
                ],
                rows=rows_of(rulings),
                reasons=None,
                headings=None,
                feed=f"feeds/chapters/{heading[:2]}.xml",
                feed_title=f"HTS chapter {heading[:2]} rulings",
                caption=f"Rulings that name heading {heading}",
            )
            write_output(site_dir / heading_page(heading), html)
            written += 1
        html = listing.render(
            {**common, "root": "../../"},
            title="Unassigned rulings",
            description="Rulings from which no Center can be read.",
            intro=[
                "Rulings that name no tariff number, or only numbers of chapters 98 and 99 or numbers this "
                "site cannot read, so no Center follows from them. They are listed here rather than dropped.",
                f"{len(routing.unassigned)} rulings.",
            ],
            rows=Markup("\n".join(ruling_row_html(ruling, reason) for ruling, reason in routing.unassigned)),
            reasons=True,
            headings=None,
            feed=None,
            caption="Rulings without a routable tariff number",
        )
        write_output(site_dir / UNASSIGNED_LISTING, html)
        owners = {h: resolve_heading(data.scope, h).center for h in routing.by_heading}
        html = listing.render(
            {**common, "root": "../../"},
            title="Rulings by HTS heading",
            description="Every HTS heading named by a pulled ruling, with the number of rulings.",
            intro=[f"{len(routing.by_heading)} headings. Open one to see its rulings, newest first."],
            rows=Markup(),
            reasons=None,
            feed=None,
            headings=[
                (h, chapters[h[:2]].title, data.centers[owners[h]].name, len(rows))
                for h, rows in sorted(routing.by_heading.items())
            ],
            caption="HTS headings named by pulled rulings",
        )
        write_output(site_dir / "rulings/hts/index.html", html)
        return written + 2

    return GeneratedSite(
        pages=pages,
        assets={
            LOOKUP_JSON: payload,
            PICKER_JSON: json.dumps(
                picker_payload(data), ensure_ascii=False, sort_keys=True, separators=(",", ":")
            ),
            EVENTS_ICS: calendar(data.events.events, data.events.compiled, center_names),
        },
        center_pages=[center_page(view.center.id) for view in ordered],
        program_pages=[f"programs/{program.id}.md" for program in data.programs.programs],
        abbreviations=abbreviations(data),
        marker_names=sorted(marker_templates),
        render_marker=render_marker,
        start_static_files=start_static_files,
        write_static_files=write_static_files,
    )


def write_preview(site: GeneratedSite, target: Path) -> None:
    """Debug helper: write the generated pages to a folder to read them as files."""
    for path, text in {**site.pages, **site.assets}.items():
        destination = target / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(text, encoding="utf-8")
