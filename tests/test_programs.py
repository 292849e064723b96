"""Programs, picker, guides and glossary: all generated from sourced data."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from ceeatlas.curated import load_curated
from ceeatlas.ical import calendar
from ceeatlas.picker import all_answer_sets, evaluate
from ceeatlas.pulled import load_pulled
from ceeatlas.site import generate, picker_payload

from .acronyms import acronyms_in
from .conftest import REPO

NODE = shutil.which("node")


@pytest.fixture(scope="module")
def site(curated, tmp_path_factory):
    return generate(curated, load_pulled(tmp_path_factory.mktemp("no-data")))


def test_every_benefit_and_requirement_is_sourced_and_dated(curated):
    for program in curated.programs.programs:
        for claim in [*program.benefits, *program.requirements]:
            assert claim.sources, (program.id, claim.ref)
            assert all(source.as_of and source.url.startswith("http") for source in claim.sources)
        for benefit in program.benefits:
            assert benefit.measurable is not None


def test_the_programs_the_issue_names_are_there(curated):
    programs = {p.id: p for p in curated.programs.programs}
    assert {"ctpat", "ctpat-trade-compliance", "isa", "trusted-trader-test", "mra", "fast"} <= set(programs)
    assert programs["isa"].status.value == "historical"
    assert programs["trusted-trader-test"].status.value == "historical"
    assert {tier.name for tier in programs["ctpat"].tiers} >= {"Tier I", "Tier II", "Tier III"}
    assert len(curated.programs.mras) >= 16


def test_comparison_table_has_a_column_per_program(site, curated):
    page = site.pages["programs/compare.md"]
    for program in curated.programs.programs:
        assert f"[{program.short_name}]({program.id}.md)" in page
    assert "Not listed" in page


def test_a_new_program_in_the_data_gets_its_own_column(centers_copy, tmp_path):
    path = centers_copy / "programs.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    source = {
        "url": "https://example.org/synthetic",
        "title": "SYNTHETIC source",
        "as_of": "2026-01-01",
        "kind": "code",
    }
    data["programs"].append(
        {
            "id": "synthetic-program",
            "name": "SYNTHETIC Test Program",
            "short_name": "SYNTH",
            "status": "current",
            "period": "test only",
            "summary": {"text": "A made-up program for this test.", "sources": [source]},
            "benefits": [
                {"ref": "fewer-exams", "text": "Made up.", "measurable": True, "sources": [source]},
            ],
        }
    )
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    curated = load_curated(centers_copy)
    page = generate(curated, load_pulled(tmp_path / "none")).pages["programs/compare.md"]
    assert "[SYNTH](synthetic-program.md)" in page
    row = next(line for line in page.splitlines() if line.startswith("| Fewer CBP cargo examinations"))
    assert "[Yes](https://example.org/synthetic)" in row


def test_picker_has_at_most_five_questions_and_always_answers(curated):
    assert len(curated.picker.questions) <= 5
    for answers in all_answer_sets(curated.picker):
        assert evaluate(curated.picker, answers)


def test_picker_recommends_trade_compliance_only_when_eligible(curated):
    eligible = {
        "role": "importer",
        "history": "two_plus",
        "ctpat": "tier23",
        "compliance": "yes",
        "land_border": "no",
    }
    assert "trade-compliance" in [rule.id for rule in evaluate(curated.picker, eligible)]
    for change in ({"ctpat": "tier1"}, {"history": "under_two"}, {"role": "carrier"}):
        ids = [rule.id for rule in evaluate(curated.picker, {**eligible, **change})]
        assert "trade-compliance" not in ids


@pytest.mark.skipif(NODE is None, reason="node is not installed (.ci/run installs it)")
def test_picker_javascript_agrees_with_python_on_every_answer_set(curated):
    script = (
        "const p = require(process.argv[1]); const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(input.sets.map(a => p.evaluate(input.table, a).map(r => r.id))));"
    )
    sets = all_answer_sets(curated.picker)
    result = subprocess.run(
        [NODE, "-e", script, str(REPO / "docs/assets/javascripts/program-picker.js")],
        input=json.dumps({"table": picker_payload(curated), "sets": sets}),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    javascript = json.loads(result.stdout)
    python = [[rule.id for rule in evaluate(curated.picker, answers)] for answers in sets]
    assert javascript == python


def test_picker_page_is_readable_without_javascript(site, curated):
    page = site.pages["programs/picker.md"]
    assert '<form id="program-picker"' in page and "## The decision table" in page
    for rule in curated.picker.rules:
        assert rule.headline in page.replace("&#39;", "'")


def test_glossary_covers_every_acronym_on_every_page(site, curated):
    terms = {term.term for term in curated.glossary.terms}
    pages = dict(site.pages)
    for path in (REPO / "docs").rglob("*.md"):
        pages[str(path.relative_to(REPO))] = path.read_text(encoding="utf-8")
    missing = {}
    for name, text in pages.items():
        for acronym in acronyms_in(text) - terms:
            if "/" in acronym and all(part in terms for part in acronym.split("/")):
                continue  # "NY/HQ": each part has its entry
            missing.setdefault(acronym, name)
    assert missing == {}


def test_every_page_gets_acronym_tooltips(site):
    assert "*[CBP]: " in site.abbreviations
    assert "*[NY]:" not in site.abbreviations  # also a state code


def test_events_page_and_calendar(site, curated):
    page = site.pages["guides/events.md"]
    assert "## Upcoming" in page and "## Past" in page
    ics = site.assets["guides/events.ics"]
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    # An event whose source gives only the month ("August 2013") is on the page, not in the calendar.
    dated = [event for event in curated.events.events if event.start_precision == "day"]
    assert ics.count("BEGIN:VEVENT") == len(dated) < len(curated.events.events)
    assert "**August 2013**" in page
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))


def test_calendar_escapes_text(curated):
    from ceeatlas.models import Event

    event = Event(
        title="SYNTHETIC a; b, c\nd",
        start="2026-01-02",
        sources=[{"url": "https://example.org/", "title": "t", "as_of": "2026-01-01", "kind": "code"}],
    )
    ics = calendar([event], curated.events.compiled, {})
    assert "SUMMARY:SYNTHETIC a\\; b\\, c\\nd" in ics
    assert "DTEND;VALUE=DATE:20260103" in ics


def test_processes_name_center_and_port_roles(site, curated):
    page = site.pages["guides/processes.md"]
    for process in curated.processes.processes:
        assert f"## {process.name}" in page.replace("&amp;", "&")
    assert "What the Center handles" in page and "What the port handles" in page


def test_pga_matrix_has_a_row_per_chapter(site):
    page = site.pages["guides/pga-matrix.md"]
    assert page.count("\n| 01 ") == 1 and "may apply" in page
    assert "\n| 77 " not in page


def test_guides_and_center_pages_link_the_new_sections(site):
    center = site.pages["centers/machinery.md"]
    for target in (
        "../programs/index.md",
        "../guides/processes.md",
        "../guides/trade-issues.md",
        "../guides/events.md",
    ):
        assert target in center
    guides = (REPO / "docs" / "guides" / "index.md").read_text(encoding="utf-8")
    for target in ("getting-started.md", "binding-rulings.md", "your-center.md", "glossary.md"):
        assert target in guides
    assert Path(REPO / "docs" / "guides" / "getting-started.md").exists()


def test_the_mra_page_lists_the_partners_it_announces(site, curated):
    """Its summary says "the list of partners is below": it must be, on that page."""
    page = site.pages["programs/mra.md"]
    partners = page[page.index("## Partners") :]
    for mra in curated.programs.mras:
        assert f"| {mra.partner} |" in partners
