"""Every heading of chapters 01-97 resolves to exactly one Center; rows of one level never overlap."""

from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ceeatlas.models import Scope, ScopeBasis, ScopeRow
from ceeatlas.scope import all_heading_codes, chapter_scope, resolve_heading, scope_problems

from .conftest import REPO


def test_the_curated_scope_has_no_problems(curated):
    assert scope_problems(curated.scope, set(curated.centers), curated.hts) == []


def test_every_heading_has_exactly_one_winning_row(curated):
    codes = all_heading_codes(curated.hts)
    assert len(codes) == 96 * 99  # chapters 01-97 without the reserved 77
    for code in codes:
        rows = [row for row in curated.scope.rows if row.covers(code)]
        top = max(row.precedence for row in rows)
        assert len([row for row in rows if row.precedence == top]) == 1, code


def test_no_two_rows_of_the_same_level_overlap(curated):
    for a, b in combinations(curated.scope.rows, 2):
        if a.level == b.level:
            assert a.last < b.first or b.last < a.first, (a.label, b.label)


@pytest.mark.parametrize(
    ("heading", "center"),
    [
        ("4014", "pharmaceuticals-health-chemicals"),  # chapter 40 is otherwise rubber
        ("9402", "pharmaceuticals-health-chemicals"),  # chapter 94 is otherwise furniture
        ("9018", "pharmaceuticals-health-chemicals"),
        ("8511", "automotive-aerospace"),  # moved from Machinery by 79 FR 13322
        ("8703", "automotive-aerospace"),
        ("8802", "automotive-aerospace"),
        ("7415", "base-metals"),
        ("8308", "base-metals"),
        ("2933", "pharmaceuticals-health-chemicals"),
    ],
)
def test_sourced_headings(curated, heading, center):
    match = resolve_heading(curated.scope, heading)
    assert match is not None and match.center == center
    assert match.row.basis is not ScopeBasis.industry_description


def test_inferred_rows_are_marked_approximate(curated):
    match = resolve_heading(curated.scope, "6109")
    assert match.center == "apparel-footwear-textiles"
    assert match.row.basis is ScopeBasis.industry_description


def test_heading_rows_beat_chapter_rows(curated):
    match = resolve_heading(curated.scope, "4014")
    assert match.overridden is not None and match.overridden.center == "industrial-manufacturing-materials"


def test_base_metals_lost_7309_to_7311(curated):
    for heading in ("7309", "7310", "7311"):
        assert resolve_heading(curated.scope, heading).center != "base-metals"


def test_chapter_answer_prefers_a_spanning_heading_row(curated):
    assert chapter_scope(curated.scope, "29").answer.basis is ScopeBasis.cbp_notice
    assert chapter_scope(curated.scope, "61").answer.basis is ScopeBasis.industry_description


@given(st.integers(min_value=1, max_value=97), st.integers(min_value=1, max_value=99))
def test_random_headings_resolve_to_a_covering_row(curated, chapter, position):
    if chapter == 77:
        return
    heading = f"{chapter:02d}{position:02d}"
    match = resolve_heading(curated.scope, heading)
    assert match.row.covers(heading)
    assert all(row.precedence <= match.row.precedence for row in curated.scope.rows if row.covers(heading))


def _row(center: str, level: str, first: str, last: str) -> ScopeRow:
    source = {"url": "https://example.org/", "title": "synthetic", "as_of": "2020-01-01", "kind": "code"}
    return ScopeRow(center=center, level=level, first=first, last=last, basis="cbp_notice", sources=[source])


def test_overlap_is_reported(curated):
    rows = [*curated.scope.rows, _row("machinery", "heading", "4013", "4015")]
    problems = scope_problems(Scope(rows=rows), set(curated.centers), curated.hts)
    assert any("overlap at heading level" in p for p in problems)


def test_gap_is_reported(curated):
    rows = [row for row in curated.scope.rows if not (row.level == "chapter" and row.first == "84")]
    problems = scope_problems(Scope(rows=rows), set(curated.centers), curated.hts)
    assert any("resolve to no Center: 8401" in p for p in problems)


def test_unknown_center_and_reserved_chapter_are_reported(curated):
    rows = [*curated.scope.rows, _row("nowhere", "chapter", "77", "77")]
    problems = scope_problems(Scope(rows=rows), set(curated.centers), curated.hts)
    assert any("unknown Center 'nowhere'" in p for p in problems)
    assert any("reserved or special chapters 77" in p for p in problems)


def test_reversed_or_malformed_ranges_are_rejected():
    with pytest.raises(ValueError, match="reversed"):
        _row("machinery", "heading", "8480", "8401")
    with pytest.raises(ValueError, match="4-digit"):
        _row("machinery", "heading", "84", "84")


# -- coverage over the real headings of the HTSUS held (data/hts) ---------------------------


def test_every_real_heading_of_the_release_resolves_to_exactly_one_center(curated):
    from ceeatlas.htsus import load_schedule
    from ceeatlas.scope import rows_covering

    schedule = load_schedule(REPO / "data")
    headings = [heading for heading in schedule.headings if int(heading[:2]) <= 97]
    assert len(headings) > 1200
    for heading in headings:
        match = resolve_heading(curated.scope, heading)
        assert match is not None, heading
        winners = [
            row for row in rows_covering(curated.scope, heading) if row.precedence == match.row.precedence
        ]
        assert winners == [match.row], heading  # one row at the winning level: one Center


def test_a_heading_a_release_adds_in_the_reserved_chapter_fails_the_build(curated):
    # The other way a heading escapes the scope, a chapter with no row, cannot pass load_curated
    # (every NN01-NN99 code of chapters 01-97 must resolve), so the reserved chapter 77 is the case.
    from ceeatlas.curated import CuratedDataError
    from ceeatlas.htsus import Schedule, build_lines, load_schedule
    from ceeatlas.site import check_headings_covered

    held = load_schedule(REPO / "data")
    rows = [[line.htsno, line.indent, line.description, list(line.units)] for line in held.lines]
    at = next(index for index, row in enumerate(rows) if row[0] == "7801")
    rows.insert(at, ["7701", 0, "SYNTHETIC heading in the reserved chapter", []])
    with pytest.raises(CuratedDataError, match="has heading 7701, which no scope row covers"):
        check_headings_covered(curated, Schedule(held.releases, build_lines(rows)))
