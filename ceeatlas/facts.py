"""Every curated fact with its sources, for two uses:

- how old the facts are: `ceeatlas check --stale [YEARS]` lists facts whose newest source is older
  than YEARS, by file, and About the data counts them per area;
- what changed: `ceeatlas changes` compares the facts with the record of them in data/facts.json,
  writes what was added, changed or removed to data/changes.jsonl with the day, and updates the
  record. Pulls add their own lines there (new rulings, a new HTSUS release...). The "What
  changed" page and its feed are generated from that file. A test fails while data/facts.json
  does not match centers/, so no curated change goes unrecorded.

A fact is any curated object that carries sources (a sourced sentence, value, claim, row...) or a
dated resource. It is identified by its file and its path, with list items named by their id,
term, title or text rather than their position, so inserting an item does not rename the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from .curated import SUPPORT_MODELS, CuratedData
from .files import atomic_write_bytes
from .models import Event, Milestone, Resource, Source
from .store import append_changes

FACTS_FILE = "facts.json"
# The attribute that names an item in a list, in order of preference, and the one that says it.
NAMES = ("id", "term", "partner", "name", "title", "label", "ref", "center")
TEXTS = ("text", "value", "event", "definition", "city", "title", "label", "what", "name", "regulates")


@dataclass(frozen=True)
class Fact:
    file: str  # "centers/programs.yaml"
    path: str  # "programs[ctpat].benefits[reduced-exams]"
    text: str  # what the fact says, for people
    newest: dt.date  # the newest date among its sources
    digest: str  # of everything the fact says, sources included
    history: bool = False  # a dated event (a milestone, an outreach event): true for good, never stale

    @property
    def key(self) -> str:
        return f"{self.file}:{self.path}"


def _files(data: CuratedData) -> Iterator[tuple[str, BaseModel]]:
    for center_id, center in data.centers.items():
        yield f"centers/{center_id}.yaml", center
    attributes = {
        "hts-chapters.yaml": data.hts,
        "agencies.yaml": data.agencies,
        "scope.yaml": data.scope_all,
        "shared.yaml": data.shared,
        "programs.yaml": data.programs,
        "program-picker.yaml": data.picker,
        "processes.yaml": data.processes,
        "trade-issues.yaml": data.trade_issues,
        "events.yaml": data.events,
        "glossary.yaml": data.glossary,
        "icp-topics.yaml": data.icp_topics,
        "hts-synonyms.yaml": data.hts_synonyms,
    }
    assert set(attributes) == set(SUPPORT_MODELS), "a curated file is missing from facts._files"
    for name, model in attributes.items():
        yield f"centers/{name}", model


def _label(item: BaseModel) -> str | None:
    for attribute in NAMES:
        value = getattr(item, attribute, None)
        if isinstance(value, str) and value:
            return value
    return None


def _text(item: BaseModel) -> str:
    for attribute in TEXTS:
        value = getattr(item, attribute, None)
        if isinstance(value, str) and value:
            return value
    if hasattr(item, "first") and hasattr(item, "last"):
        return f"{item.first}-{item.last}"
    return type(item).__name__


def _walk(value: object, path: str) -> Iterator[tuple[str, BaseModel]]:
    if isinstance(value, BaseModel):
        if isinstance(value, Source):
            return
        sources = getattr(value, "sources", None)
        if (isinstance(sources, list) and sources and isinstance(sources[0], Source)) or isinstance(
            value, Resource
        ):
            yield path, value
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            label = _label(item) if isinstance(item, BaseModel) else None
            if label is None and isinstance(item, BaseModel):
                label = hashlib.blake2b(_text(item).encode(), digest_size=4).hexdigest()
            yield from _walk(item, f"{path}[{label if label is not None else index}]")


def curated_facts(data: CuratedData) -> list[Fact]:
    facts = []
    for file, model in _files(data):
        seen: set[str] = set()
        for path, item in _walk(model, ""):
            while path in seen:  # two items with the same name: keep both
                path += "+"
            seen.add(path)
            dates = [source.as_of for source in getattr(item, "sources", [])] or [item.as_of]
            payload = item.model_dump_json()
            digest = hashlib.blake2b(payload.encode(), digest_size=8).hexdigest()
            history = isinstance(item, Milestone | Event)
            text = _text(item)
            if not path:  # the file's own sources and notes, not an item in it
                path, text = "(the file)", "its sources and notes"
            facts.append(Fact(file, path, text, max(dates), digest, history))
    return facts


def stale(facts: list[Fact], today: dt.date, years: float) -> dict[str, list[Fact]]:
    """File -> its facts whose newest source is older than `years`, oldest first (dated events
    are left out: an old source is the right one for them)."""
    cutoff = today - dt.timedelta(days=round(365.25 * years))
    found: dict[str, list[Fact]] = {}
    for fact in sorted(facts, key=lambda f: (f.file, f.newest, f.path)):
        if fact.newest < cutoff and not fact.history:
            found.setdefault(fact.file, []).append(fact)
    return found


# -- the record of changes -----------------------------------------------------------------


def read_record(data_dir: Path) -> dict[str, dict]:
    path = data_dir / FACTS_FILE
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


RECORDED_TEXT = 300  # characters of a fact's text kept in the record and the change lines


def recorded_text(text: str) -> str:
    """A fact's text as the record keeps it: cut at a word, with an ellipsis, when long."""
    if len(text) <= RECORDED_TEXT:
        return text
    return text[: RECORDED_TEXT - 1].rsplit(" ", 1)[0] + " …"


def record_of(facts: list[Fact]) -> dict[str, dict]:
    return {
        fact.key: {"digest": fact.digest, "text": recorded_text(fact.text)}
        for fact in sorted(facts, key=lambda f: f.key)
    }


def compare(old: dict[str, dict], facts: list[Fact]) -> list[dict]:
    """What changed since the record: one line per fact added, changed or removed."""
    new = record_of(facts)
    lines = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        if before == after or (before and after and before["digest"] == after["digest"]):
            continue
        file, _, path = key.partition(":")
        kind = "added" if before is None else "removed" if after is None else "changed"
        text = (after or before)["text"]
        lines.append({"area": file, "kind": kind, "what": f"{path}: {text}"})
    return lines


def record_changes(data: CuratedData, data_dir: Path, day: dt.date) -> list[dict]:
    """Compare, append what changed with `day`, and update the record. Returns the lines."""
    facts = curated_facts(data)
    lines = compare(read_record(data_dir), facts)
    append_changes(data_dir, day, lines)
    payload = json.dumps(record_of(facts), sort_keys=True, indent=0, ensure_ascii=False) + "\n"
    atomic_write_bytes(data_dir / FACTS_FILE, payload.encode("utf-8"))
    return lines


def ages_by_area(facts: list[Fact], today: dt.date) -> list[dict]:
    """Per curated file: how many facts, and how many have no source newer than 3 and 5 years."""
    three, five = stale(facts, today, 3), stale(facts, today, 5)
    rows = []
    for file in sorted({fact.file for fact in facts}):
        mine = [fact for fact in facts if fact.file == file]
        rows.append(
            {
                "file": file,
                "facts": len(mine),
                "history": sum(1 for fact in mine if fact.history),
                "older_3": len(three.get(file, [])),
                "older_5": len(five.get(file, [])),
            }
        )
    return rows
