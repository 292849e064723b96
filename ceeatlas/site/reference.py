"""Reference pages: the HTS lookup, About the data, the glossary's acronym tooltips, and the
markers that hand-written pages may use."""

from __future__ import annotations

import datetime as dt
import json
import re

from ceeatlas.curated import CuratedData
from ceeatlas.facts import ages_by_area, curated_facts

from . import schedule
from .build import Build
from .centers import CENTERS_DIR
from .render import BASIS_LABELS, safe_url, sources_of

LOOKUP_PAGE = "centers/lookup.md"
LOOKUP_JSON = "assets/data/hts-lookup.json"
ABOUT_PAGE = "about/index.md"
CHANGES_PAGE = "about/changes.md"
# Acronyms that are also U.S. state codes or ordinary words on this site get no automatic tooltip.
NO_TOOLTIP = {"NY", "HQ"}
MARKER_TEMPLATES = {
    "data-date": "marker_data_date.md.j2",
    "centers-list": "marker_centers_list.md.j2",
}


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


def abbreviations(data: CuratedData) -> str:
    """Markdown abbreviation definitions for every acronym in the glossary (tooltips on every page)."""
    lines = []
    for term in sorted(data.glossary.terms, key=lambda t: t.term):
        if term.term in NO_TOOLTIP or not re.fullmatch(r"[A-Z][A-Z0-9-]*[A-Z0-9]", term.term):
            continue
        expansion = term.expansion.replace("]", ")").replace("\n", " ")
        lines.append(f"*[{term.term}]: {expansion}")
    return "\n".join(lines)


def pages(build: Build) -> dict[str, str]:
    data = build.data
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
    facts = curated_facts(data)
    by_day: dict[dt.date, list[dict]] = {}
    for change in build.pulled.changes:
        by_day.setdefault(dt.date.fromisoformat(change["date"]), []).append(change)
    return {
        CHANGES_PAGE: build.render("changes.md.j2", days=sorted(by_day.items(), reverse=True)),
        LOOKUP_PAGE: build.render("lookup.md.j2"),
        ABOUT_PAGE: build.render(
            "about_data.md.j2",
            all_sources=all_sources,
            fact_ages=ages_by_area(facts, build.today),
            fact_count=len(facts),
        ),
    }


def assets(build: Build) -> dict[str, str]:
    payload = {**lookup_payload(build.data), "hts": schedule.lookup_data(build) or None}
    return {LOOKUP_JSON: json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))}


def render_marker(build: Build, name: str, page_path: str) -> str:
    # Links in a marker are written from the docs root; prefix them for nested pages.
    root = "../" * page_path.count("/")
    return build.render(MARKER_TEMPLATES[name], root=root)
