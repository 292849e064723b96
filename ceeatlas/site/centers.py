"""The Center pages and the list of Centers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from ceeatlas.curated import CuratedData
from ceeatlas.models import Center, RulingStatus, ScopeBasis, ScopeRow
from ceeatlas.scope import all_heading_codes, chapter_scope, resolve_heading

from .build import Build
from .render import sources_of

CENTERS_DIR = "centers"
ASSIGNMENT_PAGE = f"{CENTERS_DIR}/assignment.md"


def center_page(center_id: str) -> str:
    return f"{CENTERS_DIR}/{center_id}.md"


def center_listing(center_id: str) -> str:
    """Where a Center's full ruling lists are written (a plain HTML page, outside MkDocs): its
    page shows the newest few of each list and links here."""
    return f"rulings/centers/{center_id}/index.html"


@dataclass
class CenterRulings:
    """The ruling lists of one Center, newest first, computed once for its page and its listing
    page. A Center page shows a few of each: at CROSS's size a list can run to thousands, and
    MkDocs renders a Markdown table of thousands of rows slowly."""

    routed: list = field(default_factory=list)  # routed here by HTS heading
    by_letter: int = 0  # of which by the number their letter gives
    not_current: list = field(default_factory=list)  # citing a number not in the current HTSUS
    changed: list = field(default_factory=list)  # modified or revoked
    named: list = field(default_factory=list)  # CBP's own label names this Center
    named_elsewhere: int = 0  # of which routed by heading to another Center or to none

    # (anchor on the listing page, title, attribute) of the lists the listing page holds
    LISTS = (
        ("not-current", "Rulings citing a number not in the current HTSUS", "not_current"),
        ("modified-or-revoked", "Modified or revoked rulings", "changed"),
        ("named-by-cbp", "Rulings in which CBP names this Center", "named"),
    )

    @property
    def has_listing(self) -> bool:
        return any(getattr(self, attribute) for _, _, attribute in self.LISTS)


def center_rulings(routing, center_ids) -> dict[str, CenterRulings]:
    found = {}
    by_letter, not_current = routing.by_letter, routing.not_current
    for center_id in center_ids:
        lists = found[center_id] = CenterRulings(routed=routing.by_center.get(center_id, []))
        for ruling in lists.routed:  # one pass: at 200,000 rulings each pass costs
            if ruling.number in by_letter:
                lists.by_letter += 1
            if ruling.number in not_current:
                lists.not_current.append(ruling)
            if ruling.status is not RulingStatus.active:
                lists.changed.append(ruling)
        lists.named = routing.named_by_cbp.get(center_id, [])
        if lists.named:
            numbers = {ruling.number for ruling in lists.routed}
            lists.named_elsewhere = sum(1 for ruling in lists.named if ruling.number not in numbers)
    return found


@dataclass
class CenterView:
    center: Center
    rows: list[ScopeRow]
    chapters: list[str]  # chapters where at least one heading resolves to this Center
    exceptions: list[tuple[ScopeRow, ScopeRow]]  # (other Center's heading row, our chapter row)
    agencies: list[tuple[object, list[str]]] = field(default_factory=list)
    history: list[ScopeRow] = field(default_factory=list)  # rows that do not hold today: past or future

    @property
    def approximate(self) -> bool:
        return any(row.basis is ScopeBasis.industry_description for row in self.rows)


def build_center_views(data: CuratedData) -> list[CenterView]:
    """One view per Center, in name order (the order of the navigation)."""
    heading_owner: dict[str, str] = {}
    for code in all_heading_codes(data.hts):
        match = resolve_heading(data.scope, code)
        assert match is not None  # coverage is checked when the data is loaded
        heading_owner[code] = match.center
    chapters_of: dict[str, set[str]] = defaultdict(set)
    for code, owner in heading_owner.items():
        chapters_of[owner].add(code[:2])

    views = []
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
        history = sorted(
            (r for r in data.scope_all.rows if r.center == center_id and r not in data.scope.rows),
            key=lambda r: (r.valid_from or dt.date.min, r.first),
        )
        views.append(CenterView(center, rows, chapters, exceptions, agencies, history))
    return sorted(views, key=lambda view: view.center.name)


def pages(build: Build) -> dict[str, str]:
    data = build.data
    found = {}
    for view in build.context["views"]:
        found[center_page(view.center.id)] = build.render(
            "center.md.j2", view=view, page_sources=sources_of([view.center, view.rows, data.shared])
        )
    found[f"{CENTERS_DIR}/index.md"] = build.render("centers_index.md.j2")
    found[ASSIGNMENT_PAGE] = build.render("assignment.md.j2")
    return found
