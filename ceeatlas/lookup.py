"""`ceeatlas lookup`: an HTS number explained in words, or HTSUS lines found by words, as text.

The browser lookup (hts-lookup.js) gives the same answers from the site's files.
"""

from __future__ import annotations

from .curated import CuratedData
from .hts import chapter_of, htsus_form
from .htsus import Schedule, synonym_map, usitc_link
from .models import ScopeBasis
from .scope import chapter_scope, resolve_heading


def _center(data: CuratedData, digits: str) -> str:
    chapter = chapter_of(digits)
    info = data.hts.chapters[int(chapter) - 1]
    if info.reserved:
        return "Center: none (chapter reserved)"
    if int(chapter) > 97:
        return "Center: none (chapters 98 and 99 are special provisions; the goods' own chapter decides)"
    row = (
        chapter_scope(data.scope, chapter).answer
        if len(digits) == 2
        else resolve_heading(data.scope, digits[:4]).row
    )
    if row is None:
        return "Center: none recorded"
    approximate = (
        " (approximate: this project's inference; confirm with the Center)"
        if (row.basis is ScopeBasis.industry_description)
        else ""
    )
    return (
        f"Center: {data.centers[row.center].name}{approximate}\n"
        f"  scope row {row.label} ({row.level} level, {row.basis.value}); source: {row.sources[0].url}"
    )


def explain_number(data: CuratedData, schedule: Schedule | None, digits: str) -> tuple[str, bool]:
    """(text, whether the number exists): its chain, unit, release, Center, chapter and section."""
    number = htsus_form(digits)
    chapter = chapter_of(digits)
    info = data.hts.chapters[int(chapter) - 1]
    section = next(s for s in data.hts.sections if s.first_chapter <= int(chapter) <= s.last_chapter)
    lines: list[str] = []
    known = True
    if schedule is not None and len(digits) >= 4:
        line = schedule.find(digits)
        release = schedule.release.title
        if line is not None:
            lines.append(f"{number} in {release}:")
            lines += [
                f"  {'  ' * depth}{part.htsno or '-'} {part.description}"
                for depth, part in enumerate(schedule.chain(line))
            ]
            if line.units:
                lines.append(f"Unit of quantity: {', '.join(line.units)}")
        else:
            known = False
            lines.append(f"{number} is not in {release}.")
            nearest = schedule.nearest_parent(digits)
            if nearest is not None:
                lines.append(f"Nearest number that exists: {nearest.htsno} ({schedule.chain_text(nearest)})")
            siblings = schedule.numbered_children(nearest, chapter)
            if siblings:
                lines.append("Numbers at that level:")
                lines += [f"  {item.htsno} {item.description}" for item in siblings]
    elif schedule is None:
        lines.append(f"{number} (no HTSUS release in data/: run `make seed` or `pull hts` for descriptions)")
    else:
        lines.append(f"{number}")
    lines.append(f"Chapter {chapter}: {info.title} (section {section.roman}: {section.title})")
    lines.append(_center(data, digits))
    if schedule is not None and len(digits) >= 4:
        lines.append(f"On hts.usitc.gov (rates of duty, chapter 99 additional duties): {usitc_link(digits)}")
    return "\n".join(lines), known


def find_words(data: CuratedData, schedule: Schedule, text: str, limit: int = 15) -> str:
    """The lines of the release best matching some words, with their chains and Centers."""
    found = schedule.search(text, limit, synonym_map(data.hts_synonyms.entries))
    if not found:
        return f"No line of {schedule.release.title} uses these words."
    out = [f"Lines of {schedule.release.title} using your words, the lines matching most of them first:"]
    for line, _score, matched in found:
        heading = line.digits[:4]
        match = resolve_heading(data.scope, heading) if int(heading[:2]) <= 97 else None
        center = data.centers[match.center].name if match else "no Center"
        if match and match.row.basis is ScopeBasis.industry_description:
            center += " (approximate)"
        out.append(
            f"{line.htsno:14} {schedule.chain_text(line)}\n{'':14} [{', '.join(matched)}] Center: {center}"
        )
    return "\n".join(out)
