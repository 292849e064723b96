"""The figures of the Center dashboards, computed once from the routed data and used by the Center
pages, the "Centers compared" page, the charts and the statistics downloads.

Every figure counts rulings as this site routes them (by the headings they name, see
ceeatlas.pulled.route) in the data it holds, which may be a sample of CROSS: `Coverage` says which
rulings and which HTSUS release the figures come from, and the pages print it beside them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from itertools import chain

from .curated import CuratedData
from .htsus import Schedule
from .models import RulingStatus, ScopeBasis
from .pulled import PulledData, Routing
from .scope import all_heading_codes, resolve_heading

TOP_HEADINGS = 10
# Periods by month while the rulings span at most this many months (the 2026 capture: 8), else by year.
MONTHS_UP_TO = 36
REVOKED = (RulingStatus.revoked, RulingStatus.operationally_revoked)
NO_CATEGORY = ("(none given)",)


@dataclass
class CenterFigures:
    center: str
    name: str
    rulings: int = 0  # routed here by heading (a ruling of several Centers counts for each)
    by_letter: int = 0  # of which routed by the number the letter gives for the goods
    by_period: dict[str, int] = field(default_factory=dict)
    by_collection: dict[str, int] = field(default_factory=dict)
    by_period_collection: dict[str, dict[str, int]] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    modified: int = 0
    revoked: int = 0  # revoked or operationally revoked
    not_current: int = 0  # citing a number not in the current HTSUS
    named_by_cbp: int = 0  # rulings in which CBP's own label names this Center
    named_elsewhere: int = 0  # of those, routed by heading to another Center or to none
    top_headings: list[tuple[str, int]] = field(default_factory=list)
    headings: int = 0  # HTSUS headings (chapters 01-97) of the release that resolve here
    headings_sourced: int = 0  # of which by a sourced scope row (CBP notice, Federal Register)
    heading_share: float = 0.0  # of all such headings
    stat_lines: int = 0  # 10-digit statistical lines under those headings
    stat_line_share: float = 0.0
    icps: int = 0  # publications routed here
    agencies: int = 0  # agencies whose chapters meet this Center's

    @property
    def headings_approximate(self) -> int:
        return self.headings - self.headings_sourced


@dataclass
class Coverage:
    """What the figures count: the rulings held and the HTSUS release."""

    rulings: int
    first: dt.date | None
    last: dt.date | None
    collections: list[str]
    samples: list[str]  # titles of the recorded captures the rulings come from, if any
    live: bool  # whether any ruling was pulled live
    release: str | None  # the HTSUS release the heading counts come from
    granularity: str  # "month" or "year"


@dataclass
class Figures:
    coverage: Coverage
    periods: list[str]
    centers: list[CenterFigures]  # in the order of the Center pages (by name)
    unassigned: int
    unassigned_by_period: dict[str, int]

    def center(self, center_id: str) -> CenterFigures:
        return next(figures for figures in self.centers if figures.center == center_id)

    def as_records(self) -> list[dict]:
        """One flat record per Center, for the CSV and JSON downloads."""
        records = []
        for item in self.centers:
            record = {key: value for key, value in asdict(item).items() if not isinstance(value, dict | list)}
            record["headings_approximate"] = item.headings_approximate
            record["top_headings"] = ";".join(f"{heading}:{count}" for heading, count in item.top_headings)
            for period in self.periods:
                record[f"rulings_{period}"] = item.by_period.get(period, 0)
            records.append(record)
        return records


def _periods(first: dt.date, last: dt.date, granularity: str) -> list[str]:
    """Every period from first to last, empty ones included, so the time axis has no gaps."""
    found, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if granularity == "year":
        return [str(year) for year in range(first.year, last.year + 1)]
    return found


def compute(data: CuratedData, pulled: PulledData, routing: Routing, today: dt.date) -> Figures:
    rulings = pulled.rulings  # newest first
    first = rulings[-1].date if rulings else None
    last = rulings[0].date if rulings else None
    months = (last.year - first.year) * 12 + last.month - first.month + 1 if first and last else 0
    granularity = "month" if months <= MONTHS_UP_TO else "year"
    periods = _periods(first, last, granularity) if first and last else []
    schedule: Schedule | None = pulled.schedule

    # Each heading's Center once: every NN01-NN99 code (as the Center pages' agency tables count
    # chapters), then the release's real headings, with whether a sourced row decides.
    owner: dict[str, tuple[str, bool]] = {}
    for code in [*all_heading_codes(data.hts), *(schedule.headings if schedule else ())]:
        if code not in owner and int(code[:2]) <= 97:
            match = resolve_heading(data.scope, code)
            if match is not None:
                owner[code] = (match.center, match.row.basis is not ScopeBasis.industry_description)
    chapters_of: dict[str, set[str]] = defaultdict(set)
    for code in all_heading_codes(data.hts):
        if code in owner:
            chapters_of[owner[code][0]].add(code[:2])
    real_headings = [h for h in (schedule.headings if schedule else ()) if h in owner]
    stat_lines: Counter[str] = Counter()
    if schedule is not None:
        stat_lines = Counter(
            owner[line.digits[:4]][0]
            for line in schedule.lines
            if len(line.digits) == 10 and line.digits[:4] in owner and line.digits[:4] in schedule.headings
        )
    all_lines = sum(stat_lines.values())

    period_of: dict[dt.date, str] = {}  # a day's period, worked out once per day, not per ruling

    def period(day: dt.date) -> str:
        found = period_of.get(day)
        if found is None:
            found = period_of[day] = (
                f"{day.year:04d}-{day.month:02d}" if granularity == "month" else f"{day.year:04d}"
            )
        return found

    figures = []
    for center_id, center in sorted(data.centers.items(), key=lambda item: item[1].name):
        item = CenterFigures(center=center_id, name=center.name)
        members = routing.by_center.get(center_id, [])
        item.rulings = len(members)
        # One pass over the Center's rulings (a C-level Counter): by day, collection and what the
        # figures ask of each; days then fold into periods. Categories take a second pass.
        by_letter, not_current = routing.by_letter, routing.not_current
        per_key = Counter(
            (r.date, r.collection, r.status, r.number in by_letter, r.number in not_current) for r in members
        )
        per_period: Counter[str] = Counter()
        per_both: Counter[tuple[str, str]] = Counter()
        collections: Counter[str] = Counter()
        for (day, collection, status, letter, stale), count in per_key.items():
            key = period(day)
            per_period[key] += count
            per_both[(key, collection)] += count
            collections[collection] += count
            item.modified += count if status is RulingStatus.modified else 0
            item.revoked += count if status in REVOKED else 0
            item.by_letter += count if letter else 0
            item.not_current += count if stale else 0
        item.by_period = {key: per_period.get(key, 0) for key in periods}
        item.by_collection = dict(sorted(collections.items()))
        item.by_period_collection = {
            key: {c: per_both[(key, c)] for c in item.by_collection if per_both[(key, c)]} for key in periods
        }
        item.by_category = dict(
            Counter(chain.from_iterable(r.categories or NO_CATEGORY for r in members)).most_common()
        )
        named = routing.named_by_cbp.get(center_id, [])
        item.named_by_cbp = len(named)
        if named:
            member_numbers = {r.number for r in members}
            item.named_elsewhere = sum(1 for r in named if r.number not in member_numbers)
        item.top_headings = sorted(
            (
                (heading, len(routing.by_heading[heading]))
                for heading in routing.headings_of_center.get(center_id, ())
            ),
            key=lambda pair: (-pair[1], pair[0]),
        )[:TOP_HEADINGS]
        mine = [owner[h][1] for h in real_headings if owner[h][0] == center_id]
        item.headings, item.headings_sourced = len(mine), sum(mine)
        item.heading_share = round(item.headings / len(real_headings), 4) if real_headings else 0.0
        item.stat_lines = stat_lines[center_id]
        item.stat_line_share = round(item.stat_lines / all_lines, 4) if all_lines else 0.0
        item.icps = len(routing.icps_by_center.get(center_id, []))
        chapters = chapters_of.get(center_id, set())
        item.agencies = sum(
            1 for agency in data.agencies.agencies if set(agency.chapter_numbers()) & chapters
        )
        figures.append(item)

    unassigned_periods = Counter(period(r.date) for r, _ in routing.unassigned)
    coverage = Coverage(
        rulings=len(rulings),
        first=first,
        last=last,
        collections=sorted({r.collection for r in rulings}),
        samples=[capture["title"] for capture in pulled.captures],
        live=any(r.capture is None for r in rulings),
        release=schedule.release.title if schedule else None,
        granularity=granularity,
    )
    return Figures(
        coverage=coverage,
        periods=periods,
        centers=figures,
        unassigned=len(routing.unassigned),
        unassigned_by_period={period: unassigned_periods.get(period, 0) for period in periods},
    )
