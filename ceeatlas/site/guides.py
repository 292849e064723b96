"""Guides for traders: agencies, ICPs, core processes, trade issues, events, glossary."""

from __future__ import annotations

from ceeatlas.ical import calendar

from .build import Build

AGENCIES_PAGE = "guides/agencies.md"
ICP_PAGE = "guides/icps.md"
EVENTS_ICS = "guides/events.ics"


def pages(build: Build) -> dict[str, str]:
    data, pulled = build.data, build.pulled
    center_names = build.center_names
    events = sorted(data.events.events, key=lambda e: e.start)
    agencies = sorted(data.agencies.agencies, key=lambda a: a.abbreviation)
    return {
        AGENCIES_PAGE: build.render("agencies.md.j2"),
        ICP_PAGE: build.render("icps.md.j2"),
        "guides/processes.md": build.render(
            "processes.md.j2", icps_by_title={icp.title.lower(): icp for icp in pulled.icps}
        ),
        "guides/trade-issues.md": build.render("trade_issues.md.j2"),
        "guides/events.md": build.render(
            "events.md.j2",
            upcoming=[e for e in events if (e.end or e.start) >= build.today],
            past=list(reversed([e for e in events if (e.end or e.start) < build.today])),
            event_centers=lambda e: ", ".join(center_names[c] for c in e.centers) or "all Centers",
        ),
        "guides/pga-matrix.md": build.render(
            "pga_matrix.md.j2",
            agencies=agencies,
            agency_chapters={a.id: set(a.chapter_numbers()) for a in agencies},
        ),
        "guides/glossary.md": build.render("glossary.md.j2"),
    }


def assets(build: Build) -> dict[str, str]:
    data = build.data
    return {EVENTS_ICS: calendar(data.events.events, data.events.compiled, build.center_names)}
