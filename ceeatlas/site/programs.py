"""Partnership programs: the overview, one page per program, the comparison and the picker."""

from __future__ import annotations

import json

from ceeatlas.curated import CuratedData

from .build import Build

PICKER_JSON = "assets/data/program-picker.json"


def program_page(program_id: str) -> str:
    return f"programs/{program_id}.md"


def picker_payload(data: CuratedData) -> dict:
    """The decision table for the browser, the same one ceeatlas.picker evaluates."""
    payload = data.picker.model_dump(mode="json")
    payload["programs"] = {program.id: program.short_name for program in data.programs.programs}
    return payload


def pages(build: Build) -> dict[str, str]:
    found = {
        "programs/index.md": build.render("programs_index.md.j2"),
        "programs/compare.md": build.render("programs_compare.md.j2"),
        "programs/picker.md": build.render("picker.md.j2"),
    }
    for program in build.data.programs.programs:
        found[program_page(program.id)] = build.render("program.md.j2", program=program)
    return found


def assets(build: Build) -> dict[str, str]:
    payload = picker_payload(build.data)
    return {PICKER_JSON: json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))}
