"""Rulings: the rulings overview, Find rulings, open data, and the long ruling lists (a plain HTML
page per HTS heading and the unassigned rulings), which are written after MkDocs."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from markupsafe import Markup

from ceeatlas.exports import OPEN_DATA_FIELDS, write_feeds, write_open_data
from ceeatlas.files import prune_outputs, recording_outputs, write_output
from ceeatlas.finder import FOLDER as FINDER_FOLDER
from ceeatlas.finder import write_finder_data
from ceeatlas.models import ScopeBasis
from ceeatlas.parallel import Background
from ceeatlas.project import report_link
from ceeatlas.pulled import cbp_label, ruling_hts, subject_shown
from ceeatlas.scope import resolve_heading

from . import dashboards, schedule
from .build import Build
from .centers import CenterRulings, center_listing
from .render import text_html

RULINGS_PAGE = "rulings/index.md"
UNASSIGNED_LISTING = "rulings/unassigned/index.html"
HEADINGS_LISTING = "rulings/hts/index.html"
# Folders of the site that only write_static_files writes: kept between builds (see
# ceeatlas.files.keep_outputs) and pruned of what a build no longer writes.
OUTPUT_FOLDERS = (
    "rulings/hts",
    "rulings/unassigned",
    "rulings/centers",
    FINDER_FOLDER,
    "feeds",
    "downloads",
    schedule.ASSETS,
    schedule.BROWSE,
)


def heading_page(heading: str) -> str:
    """Where a heading's ruling list is written (a plain HTML page, outside MkDocs)."""
    return f"rulings/hts/{heading}/index.html"


def page_address(site_url: str, path: str) -> str:
    """The published address of a page written to `path` in the site folder: its folder, as
    MkDocs writes the addresses of its own pages (use_directory_urls)."""
    return site_url + path.removesuffix("index.html")


def ruling_row_html(
    ruling, code_names: dict[str, str], notes: dict | None = None, release: str = ""
) -> Markup:
    """One <tr> of a ruling list. Rendered in Python, once per ruling, because the listing pages
    hold every ruling (often more than once) and a template per row dominated the build.
    `code_names` maps ACE Center codes to Center names (CBP's own label on the ruling); `notes`
    and `release` mark numbers the newest HTSUS release lacks (see render.ruling_hts)."""
    # source_url passed the schema's http(s) check when data/ was loaded; escaping is enough here.
    url = ruling.source_url
    label = text_html(f"{ruling.collection} {ruling.number}")
    number = f'<a href="{text_html(url)}">{label}</a>' if url.startswith(("https://", "http://")) else label
    subject = text_html(subject_shown(ruling.subject))
    if named := cbp_label(ruling, code_names):
        subject += f'<br><em class="atlas-cbp-label">{text_html(named)}</em>'
    status = ruling.status.label
    if ruling.revoked_by:
        status += " by " + ", ".join(ruling.revoked_by)
    elif ruling.modified_by:
        status += " by " + ", ".join(ruling.modified_by)
    return Markup(
        f"<tr><td>{number}</td><td>{ruling.date.isoformat()}</td><td>{subject}</td>"
        f"<td>{text_html(ruling_hts(ruling, notes, release))}</td><td>{text_html(status)}</td></tr>"
    )


def routing_summary(build: Build) -> dict:
    """How many rulings each routing rule placed, for the rulings page."""
    routing = build.routing
    # Every ruling is routed to a Center or listed as unassigned, never both.
    routed = len(build.pulled.rulings) - len(routing.unassigned)
    by_number = build.context["rulings_by_number"]
    by_letter = [by_number[number] for number in routing.by_letter]
    return {
        "by_tariffs": routed - len(by_letter),
        "by_letter": Counter(ruling.letter_rule for ruling in by_letter),
        "unassigned": Counter(reason for _, reason in routing.unassigned).most_common(),
        "unknown_codes": sorted((code, len(rulings)) for code, rulings in routing.unknown_cbp_codes.items()),
        "not_current": {
            center: sum(1 for r in rulings if r.number in routing.not_current)
            for center, rulings in routing.by_center.items()
        },
        "not_current_unassigned": sum(1 for r, _ in routing.unassigned if r.number in routing.not_current),
        "newer": sum(
            1 for notes in routing.hts_notes.values() if any(st.kind == "newer" for st in notes.values())
        ),
    }


def pages(build: Build) -> dict[str, str]:
    return {
        RULINGS_PAGE: build.render("rulings_index.md.j2", summary=routing_summary(build)),
        "rulings/find.md": build.render("find_rulings.md.j2"),
        "about/open-data.md": build.render("open_data.md.j2", fields=OPEN_DATA_FIELDS),
    }


def start_static_files(build: Build, site_dir: Path, site_url: str = "") -> Background:
    """Start writing the outputs that need nothing from MkDocs (Find rulings data, feeds,
    open-data downloads) in forked processes, while MkDocs renders the pages: at 200,000
    rulings they are most of the build's work. Each returns (count, paths written)."""
    pulled, routing, data = build.pulled, build.routing, build.data

    def finder_and_feeds() -> tuple[int, list[str]]:
        with recording_outputs() as written:
            if pulled.rulings:
                write_finder_data(
                    site_dir,
                    pulled,
                    routing,
                    list(data.centers),
                    build.fragments,
                    build.code_names,
                    build.release_title,
                )
            count = write_feeds(
                site_dir, site_url or "/", pulled, routing, build.center_names, data.shared.compiled
            )
        return count, written

    def downloads_and_schedule() -> tuple[int, list[str]]:
        with recording_outputs() as written:
            write_open_data(site_dir, pulled, routing, build.fragments)
            if pulled.schedule is not None:
                schedule.write_assets(pulled.schedule, site_dir, build.fragments.context)
            dashboards.write_downloads(build.context["figures"], site_dir)
        return 0, written

    return Background([finder_and_feeds, downloads_and_schedule])


def write_static_files(
    build: Build, site_dir: Path, started: Background, *, site_name: str, site_url: str, repo_url: str
) -> int:
    """Write the ruling lists and the HTSUS chapter pages (plain HTML pages with the theme's
    stylesheets, so after MkDocs), wait for what start_static_files began, then delete what an
    earlier build wrote and this one did not. Returns how many pages and feeds were written.
    `site_url` and `repo_url` are MkDocs' settings: the pages end with the same report link as
    the theme's pages, addressed to the page's canonical URL."""
    sheets = [
        str(path.relative_to(site_dir))
        for pattern in ("assets/stylesheets/main.*.min.css", "assets/stylesheets/palette.*.min.css")
        for path in sorted(site_dir.glob(pattern))
    ] + ["assets/stylesheets/atlas.css"]
    # What a listing page shows: ruling rows, groups of them, headings, or schedule lines.
    common = {
        "site_name": site_name,
        "stylesheets": sheets,
        "root": "../../../",
        "rows": Markup(),
        "groups": None,
        "headings": None,
        "lines": None,
        "feed_text": None,
        "report_link": lambda path, title: report_link(repo_url, page_address(site_url, path), title),
    }
    with recording_outputs() as written:
        count = _write_lists(build, site_dir, common)
        count += schedule.write_browse_pages(build, site_dir, common)
    for job_count, job_written in started.results():
        count += job_count
        written += job_written
    prune_outputs(site_dir, OUTPUT_FOLDERS, set(written))
    return count


def _write_lists(build: Build, site_dir: Path, common: dict) -> int:
    """The ruling lists: a page per heading, the unassigned rulings, the list of headings.
    Returns how many pages were written."""
    data, routing = build.data, build.routing
    chapters = build.context["chapters"]
    listing = build.env.get_template("listing.html.j2")
    written = 0
    # A ruling named under several headings is rendered once.
    code_names, notes, release = build.code_names, routing.hts_notes, build.release_title
    row_of = build.fragments.pieces(
        "list-row",
        build.pulled,
        lambda ruling: str(ruling_row_html(ruling, code_names, notes.get(ruling.number), release)),
    )

    def rows_of(rulings) -> Markup:
        """The <tr> lines of a list, joined here: a template loop over 200,000 rows is slow."""
        return Markup("\n".join([row_of[ruling.number] for ruling in rulings]))

    schedule = build.pulled.schedule

    def heading_words(heading: str) -> list[str]:
        """The heading's official description, when the HTSUS held has the heading."""
        described = schedule.heading_description(heading) if schedule else None
        return [f"Heading {heading}: {described} ({schedule.release.title})."] if described else []

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
                *heading_words(heading),
                f"Chapter {heading[:2]}: {chapters[heading[:2]].title}. Center: {center}{approximate}.",
                f"{len(rulings):,} {'ruling names' if len(rulings) == 1 else 'rulings name'} a tariff"
                " number under this heading, newest first.",
            ],
            rows=rows_of(rulings),
            feed=f"feeds/chapters/{heading[:2]}.xml",
            feed_title=f"HTS chapter {heading[:2]} rulings",
            caption=f"Rulings that name heading {heading}",
            path=heading_page(heading),
        )
        write_output(site_dir / heading_page(heading), html)
        written += 1
    by_reason: dict[str, list] = {}
    for ruling, reason in routing.unassigned:
        by_reason.setdefault(reason, []).append(ruling)
    groups = [
        {"id": f"reason-{index}", "title": reason, "count": len(rulings), "rows": rows_of(rulings)}
        for index, (reason, rulings) in enumerate(
            sorted(by_reason.items(), key=lambda item: (-len(item[1]), item[0])), start=1
        )
    ]
    html = listing.render(
        {**common, "root": "../../"},
        title="Unassigned rulings",
        description="Rulings from which no Center can be read.",
        intro=[
            "Rulings from which no Center follows: they name no tariff number, or only numbers of chapters "
            "98 and 99 or numbers this site cannot read, and their letter (where this site holds it) gives "
            "no number for the goods. They are listed here rather than dropped, by reason.",
            f"{len(routing.unassigned)} rulings.",
        ],
        groups=groups,
        feed=None,
        caption="Rulings without a routable tariff number",
        path=UNASSIGNED_LISTING,
    )
    write_output(site_dir / UNASSIGNED_LISTING, html)
    for center_id, lists in build.context["center_rulings"].items():
        if not lists.has_listing:
            continue
        name = data.centers[center_id].name
        groups = [
            {"id": anchor, "title": title, "count": len(rulings), "rows": rows_of(rulings)}
            for anchor, title, attribute in CenterRulings.LISTS
            if (rulings := getattr(lists, attribute))
        ]
        html = listing.render(
            common,
            title=f"Ruling lists of the {name} Center",
            description=f"The {name} Center's rulings citing obsolete numbers, modified or revoked, or labelled by CBP.",
            intro=[
                f"The whole lists behind the {name} Center page, newest first: rulings routed to the "
                "Center by HTS heading that cite a number not in the current HTSUS or were modified "
                "or revoked, and the rulings in which CBP's own label names the Center.",
            ],
            groups=groups,
            feed=f"feeds/centers/{center_id}.xml",
            feed_title=f"{name} Center rulings",
            feed_text=f"the {name} Center's new and changed rulings and publications",
            caption=f"Rulings of the {name} Center",
            path=center_listing(center_id),
        )
        write_output(site_dir / center_listing(center_id), html)
        written += 1
    owners = {h: resolve_heading(data.scope, h).center for h in routing.by_heading}
    html = listing.render(
        {**common, "root": "../../"},
        title="Rulings by HTS heading",
        description="Every HTS heading named by a pulled ruling, with the number of rulings.",
        intro=[f"{len(routing.by_heading)} headings. Open one to see its rulings, newest first."],
        feed=None,
        headings=[
            (h, chapters[h[:2]].title, data.centers[owners[h]].name, len(rows))
            for h, rows in sorted(routing.by_heading.items())
        ],
        caption="HTS headings named by pulled rulings",
        path=HEADINGS_LISTING,
    )
    write_output(site_dir / HEADINGS_LISTING, html)
    return written + 2
