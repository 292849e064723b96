"""Which Center handles an HTS heading.

Scope rows come in two levels. A chapter row maps a whole chapter (or a run of chapters)
to a Center; a heading row maps a run of headings inside one chapter. Heading rows win
over chapter rows, which is how CBP's lists work: heading 4014 is PHC's although chapter 40
(rubber) is not. Within one level no two rows may overlap, so every heading has exactly
one answer.
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass
from itertools import combinations

from .models import HtsStructure, Scope, ScopeRow

MAPPED_CHAPTERS = range(1, 98)  # 98 and 99 are special provisions, classified by the goods' own chapter


def all_heading_codes(hts: HtsStructure) -> list[str]:
    """Every 4-digit code NN01..NN99 of the mapped chapters that are not reserved.

    Not every such code is a real heading; checking all of them makes the coverage
    guarantee independent of HTS revisions that add or drop headings.
    """
    reserved = {chapter.number for chapter in hts.chapters if chapter.reserved}
    return [
        f"{chapter:02d}{position:02d}"
        for chapter in MAPPED_CHAPTERS
        if chapter not in reserved
        for position in range(1, 100)
    ]


@dataclass(frozen=True)
class HeadingMatch:
    heading: str
    row: ScopeRow
    overridden: ScopeRow | None  # the chapter row a heading row took precedence over

    @property
    def center(self) -> str:
        return self.row.center


def rows_covering(scope: Scope, heading: str) -> list[ScopeRow]:
    return [row for row in scope.rows if row.covers(heading)]


# Scope -> {heading: answer}. A build asks about the same headings tens of thousands of times
# (every NN01-NN99 code, the release's headings, the ruling lists) against one loaded scope,
# which nothing edits once loaded. Keyed by id() with a weak reference, so an answer never
# outlives its scope or serves another one.
_answers: dict[int, tuple[weakref.ref, dict[str, HeadingMatch | None]]] = {}


def resolve_heading(scope: Scope, heading: str) -> HeadingMatch | None:
    """The winning row for a 4-digit heading, or None when no row covers it."""
    entry = _answers.get(id(scope))
    if entry is None or entry[0]() is not scope:
        key = id(scope)
        entry = _answers[key] = (weakref.ref(scope, lambda _, key=key: _answers.pop(key, None)), {})
    answers = entry[1]
    if heading not in answers:
        answers[heading] = _resolve_heading(scope, heading)
    return answers[heading]


def _resolve_heading(scope: Scope, heading: str) -> HeadingMatch | None:
    rows = sorted(rows_covering(scope, heading), key=lambda row: row.precedence, reverse=True)
    if not rows:
        return None
    winner = rows[0]
    overridden = next((row for row in rows[1:] if row.precedence < winner.precedence), None)
    return HeadingMatch(heading=heading, row=winner, overridden=overridden)


@dataclass(frozen=True)
class ChapterScope:
    chapter: str
    chapter_row: ScopeRow | None
    heading_rows: list[ScopeRow]  # heading rows inside this chapter, in code order

    @property
    def answer(self) -> ScopeRow | None:
        """The row that best answers "which Center has this chapter?".

        A heading row spanning the whole chapter (2801-3302 covers chapter 29) is better
        evidence than the chapter row, so it wins.
        """
        first, last = f"{self.chapter}01", f"{self.chapter}99"
        spanning = [row for row in self.heading_rows if row.first <= first and last <= row.last]
        return spanning[0] if spanning else self.chapter_row

    @property
    def exceptions(self) -> list[ScopeRow]:
        """Heading rows whose Center differs from the chapter's."""
        default = self.answer.center if self.answer else None
        return [row for row in self.heading_rows if row.center != default]


def chapter_scope(scope: Scope, chapter: str) -> ChapterScope:
    chapter_row = next(
        (row for row in scope.rows if row.level == "chapter" and row.first <= chapter <= row.last),
        None,
    )
    heading_rows = sorted(
        (row for row in scope.rows if row.level == "heading" and row.first[:2] <= chapter <= row.last[:2]),
        key=lambda row: row.first,
    )
    return ChapterScope(chapter=chapter, chapter_row=chapter_row, heading_rows=heading_rows)


def _overlap(a: ScopeRow, b: ScopeRow) -> bool:
    return a.first <= b.last and b.first <= a.last


def scope_problems(
    scope: Scope,
    center_ids: set[str],
    hts: HtsStructure,
    on: dt.date | None = None,
    current_ids: set[str] | None = None,
) -> list[str]:
    """Everything that would make a lookup ambiguous, empty or point at an unknown Center, on
    the day `on` (default today): rows are checked against each other only where their periods
    of validity meet, and coverage with the rows that hold that day. `current_ids`: the Centers
    that exist that day (default: all of `center_ids`)."""
    day = on or dt.date.today()
    current = scope.on(day)
    problems: list[str] = []
    for index, row in enumerate(scope.rows):
        if row.center not in center_ids:
            problems.append(f"rows[{index}].center: unknown Center {row.center!r}")
    for center in sorted(
        (center_ids if current_ids is None else current_ids) - {row.center for row in current.rows}
    ):
        problems.append(f"Center {center!r} has no scope rows that hold on {day}")

    for (i, a), (j, b) in combinations(enumerate(scope.rows), 2):
        if a.level == b.level and _overlap(a, b) and a.overlaps(b):
            problems.append(f"rows[{i}] ({a.label}) and rows[{j}] ({b.label}) overlap at {a.level} level")

    reserved = {f"{chapter.number:02d}" for chapter in hts.chapters if chapter.reserved}
    for index, row in enumerate(scope.rows):
        chapters = {f"{n:02d}" for n in range(int(row.first[:2]), int(row.last[:2]) + 1)}
        bad = sorted(chapters & reserved) + sorted(c for c in chapters if int(c) not in MAPPED_CHAPTERS)
        if bad:
            problems.append(
                f"rows[{index}] ({row.label}) covers reserved or special chapters {', '.join(bad)}"
            )

    uncovered = [code for code in all_heading_codes(hts) if resolve_heading(current, code) is None]
    if uncovered:
        shown = ", ".join(uncovered[:10]) + (" ..." if len(uncovered) > 10 else "")
        problems.append(f"{len(uncovered)} headings resolve to no Center: {shown}")
    return problems
