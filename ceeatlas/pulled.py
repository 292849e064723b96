"""Pulled data in data/, read back for the build, and routed to Centers by HTS heading.

The build must work when data/ holds nothing yet: every page then shows an empty state
("No rulings pulled yet") instead of failing.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .hts import tariff_htsus
from .htsus import Schedule, TariffStatus, load_schedule
from .models import Center, HtsStructure, Icp, LinkCheck, Ruling, Scope
from .scope import chapter_scope, resolve_heading
from .store import (
    RULINGS_DIR,
    StoreError,
    load_icps,
    load_link_checks,
    newest_by_number,
    read_changes,
    read_manifest,
    read_related,
    read_shard,
    ruling_shards,
)

PulledDataError = StoreError


@dataclass(frozen=True)
class PulledData:
    root: Path
    manifest: dict = field(default_factory=dict)
    rulings: list[Ruling] = field(default_factory=list)
    icps: list[Icp] = field(default_factory=list)
    link_checks: dict[str, LinkCheck] = field(default_factory=dict)
    related: dict = field(default_factory=lambda: {"centers": {}, "icps": {}})
    # Month shard ("2024/2024-05") -> digest of its bytes, and ruling number -> the month its
    # record was read from: what the build's fragment cache is keyed by.
    shard_digests: dict[str, str] = field(default_factory=dict)
    month_of: dict[str, str] = field(default_factory=dict)
    schedule: Schedule | None = None  # the HTSUS releases kept in data/hts/ (see ceeatlas.htsus)
    changes: list[dict] = field(default_factory=list)  # data/changes.jsonl (see ceeatlas.facts)

    @property
    def is_empty(self) -> bool:
        return not self.manifest

    @property
    def as_of(self) -> dt.date | None:
        value = self.manifest.get("as_of")
        return dt.date.fromisoformat(value) if value else None

    def count(self, source: str) -> int:
        if source == "cross" and self.rulings:
            return len(self.rulings)
        if source == "icp" and self.icps:
            return len(self.icps)
        return int(self.manifest.get("sources", {}).get(source, {}).get("count", 0))

    @property
    def captures(self) -> list[dict]:
        """The recorded captures replayed into data/ (see ceeatlas.pull.replay_cross), by id."""
        captures = self.manifest.get("captures", {})
        found = []
        for key in sorted(captures):
            entry = {"id": key, **captures[key]}
            for name in ("captured_on", "copied_on", "first_date", "last_date"):
                entry[name] = dt.date.fromisoformat(entry[name])
            found.append(entry)
        return found

    def pulled_on(self, source: str) -> dt.date | None:
        value = self.manifest.get("sources", {}).get(source, {}).get("pulled_on")
        return dt.date.fromisoformat(value) if value else None


def load_pulled(root: Path) -> PulledData:
    """Everything in data/. The records live as long as the build, so they are moved out of
    the garbage collector's way (see paused_gc)."""
    with paused_gc():
        manifest = read_manifest(root)
        shard_digests: dict[str, str] = {}
        shards: list[tuple[str, list[Ruling]]] = []
        for path in ruling_shards(root):
            month = path.relative_to(root / RULINGS_DIR).with_suffix("").as_posix()
            shard_digests[month], records = read_shard(path)
            shards.append((month, records))
        rulings = newest_by_number(ruling for _, records in shards for ruling in records)
        month_of = {r.number: month for month, records in shards for r in records if rulings[r.number] is r}
        return PulledData(
            root=root,
            manifest=manifest,
            rulings=sorted(rulings.values(), key=lambda r: (r.date, r.number), reverse=True),
            icps=load_icps(root),
            link_checks={check.agency: check for check in load_link_checks(root)},
            related=read_related(root),
            shard_digests=shard_digests,
            month_of=month_of,
            schedule=load_schedule(root),
            changes=read_changes(root),
        )


@contextmanager
def paused_gc():
    """Pause Python's cyclic garbage collector while loading, then freeze what was loaded.

    200,000 rulings are a few million objects; every full collection walks all of them, and
    the allocations of loading and of the build's later steps trigger many. Paused, loading
    takes a third of the time; frozen, later collections skip the records. Records hold no
    reference cycles, so reference counting still frees them when the data is dropped."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


# ---------------------------------------------------------------------------------------
# Routing
# ---------------------------------------------------------------------------------------


@dataclass
class Routing:
    """Rulings and ICPs routed to Centers and headings. Nothing is dropped: what cannot be routed
    is kept in `unassigned` with the reason."""

    by_center: dict[str, list[Ruling]] = field(default_factory=lambda: defaultdict(list))
    by_heading: dict[str, list[Ruling]] = field(default_factory=lambda: defaultdict(list))
    headings_of_center: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    unassigned: list[tuple[Ruling, str]] = field(default_factory=list)
    # Rulings routed by the numbers their letter gives for the goods (their own route nowhere).
    by_letter: set[str] = field(default_factory=set)
    # CBP's own label (CROSS commodityGrouping): Center id -> rulings in which CBP names it,
    # and the codes no curated Center carries (shown as given, and reported).
    named_by_cbp: dict[str, list[Ruling]] = field(default_factory=lambda: defaultdict(list))
    unknown_cbp_codes: dict[str, list[Ruling]] = field(default_factory=lambda: defaultdict(list))
    # Ruling number -> its tariff numbers that the newest HTSUS release held lacks, with what
    # the releases say (not in the current HTSUS, or newer than the release): see tariff_notes.
    hts_notes: dict[str, dict[str, TariffStatus]] = field(default_factory=dict)
    not_current: set[str] = field(default_factory=set)  # rulings citing a number not in the current HTSUS
    icps_by_center: dict[str, list[Icp]] = field(default_factory=lambda: defaultdict(list))
    icps_unrouted: list[Icp] = field(default_factory=list)
    # ICPs routed by this project's mapping of their subject (centers/icp-topics.yaml), by key.
    icps_by_topic: set[str] = field(default_factory=set)


def title_key(title: str) -> str:
    """A title compared loosely: "Ribbons & Trimmings" = "ribbons and trimmings"."""
    return " ".join(re.findall(r"[a-z0-9]+", title.lower().replace("&", " and ")))


def _heading_center(scope: Scope, reserved: set[str], heading: str) -> str | None:
    if heading[:2] in reserved or int(heading[:2]) > 97 or heading[2:] == "00":
        return None
    match = resolve_heading(scope, heading)
    return match.center if match else None


def ace_code_map(centers: dict[str, Center]) -> dict[str, str]:
    """ACE Center code ("CEE007") -> Center id, from the curated `ace_code` of each Center."""
    return {center.ace_code.value: center_id for center_id, center in centers.items() if center.ace_code}


SUBJECT_SHOWN = 300  # characters of a subject shown in lists


def subject_shown(subject: str) -> str:
    """A ruling's subject as lists show it. CROSS sometimes gives none, and sometimes a subject
    field that runs on into the letter up to its 1,000-character limit (N358418): that one is
    cut at a word and says so. The record keeps what CROSS sent."""
    subject = subject.strip()
    if not subject:
        return "(CROSS gives no subject)"
    if len(subject) <= SUBJECT_SHOWN:
        return subject
    return subject[:SUBJECT_SHOWN].rsplit(" ", 1)[0] + " … (shortened here; read it on CROSS)"


def cbp_label(ruling, center_names: dict[str, str]) -> str | None:
    """'CBP names: Electronics' from a ruling's CBP Center code (`center_names`: code -> name)."""
    code = ruling.cbp_center_code
    if not code:
        return None
    where = " (in the letter's control number)" if ruling.cbp_center_code_from == "letter" else ""
    if code in center_names:
        return f"CBP names{where}: {center_names[code]}"
    return f"CBP label{where}: {code}, a code this site does not know"


def tariff_notes(ruling: Ruling, schedule: Schedule) -> dict[str, TariffStatus]:
    """The ruling's numbers (its own, and those read from its letter) that the newest HTSUS
    release held lacks, with what the releases say of each."""
    notes = {}
    for tariff in [*ruling.tariffs, *ruling.letter_tariffs]:
        status = schedule.tariff_status(tariff, ruling.date)
        if status.kind != "current":
            notes[tariff] = status
    return notes


def ruling_hts(ruling, notes: dict | None = None, release: str = "") -> str:
    """A ruling's HTS numbers as the lists show them: its own, then, when those route nowhere,
    the goods' numbers its letter gives, labelled as read from the letter. A number the newest
    HTSUS release held lacks says so (`notes`: tariff -> TariffStatus, see pulled.tariff_notes)."""
    notes = notes or {}

    def shown(tariff: str) -> str:
        status = notes.get(tariff)
        if status is None:
            return tariff_htsus(tariff)
        if status.kind == "newer":
            return f"{tariff_htsus(tariff)} (not in {release}, which is older than this ruling)"
        nearest = f"; nearest current number: {status.nearest}" if status.nearest else ""
        return f"{tariff_htsus(tariff)} (not in the current HTSUS{nearest})"

    text = ", ".join([shown(t) for t in ruling.tariffs] + list(ruling.unparsed_tariffs))
    if ruling.letter_tariffs:
        letter = ", ".join(shown(t) for t in ruling.letter_tariffs)
        text = f"{text}; " if text else ""
        text += f"{letter} (routed by a number in the letter text)"
    return text


def unassigned_reason(ruling: Ruling) -> str:
    """Why no Center follows from a ruling, in words."""
    letter = {
        None: "this site holds no letter text to read one from",
        "none": "its letter gives no number for the goods either",
    }.get(ruling.letter_rule, "")
    if not ruling.tariffs and not ruling.unparsed_tariffs:
        return f"No tariff number in CROSS (origin, marking and country rulings often have none); {letter}."
    if ruling.tariffs and all(tariff[:2] in ("98", "99") for tariff in ruling.tariffs):
        return (
            "Only chapter 98 or 99 numbers (special provisions such as 9817.00.96), which do not say "
            f"which Center handles the goods; {letter}."
        )
    return f"Only tariff numbers this site cannot read or place in a chapter 01-97 heading; {letter}."


def route(
    pulled: PulledData,
    scope: Scope,
    hts: HtsStructure,
    ace_codes: dict[str, str] | None = None,
    icp_topics: dict[str, list[str]] | None = None,
    hts_notes: dict[str, dict[str, TariffStatus]] | None = None,
) -> Routing:
    """Rulings to Centers by the headings their tariff numbers name (chapters 01-97), or, when
    those route nowhere, by the numbers their letter gives for the goods. `ace_codes` (see
    ace_code_map) names the Center in CBP's own label. ICPs go by the headings or chapters their
    title names, else by `icp_topics` (title_key -> codes), this project's mapping of subjects.
    `hts_notes` (ruling number -> tariff_notes) saves computing them again: the build keeps them
    between runs (see ceeatlas.fragments)."""
    reserved = {f"{c.number:02d}" for c in hts.chapters if c.reserved}
    routing = Routing()
    owner: dict[str, str | None] = {}  # heading -> Center, resolved once per heading, not per ruling
    for ruling in pulled.rulings:  # newest first, so every list below is newest first
        centers: set[str] = set()
        for numbers in (ruling.tariffs, ruling.letter_tariffs):
            # Each heading once: a ruling often names several tariff numbers of one heading, and
            # is still one ruling on that heading's list.
            for heading in dict.fromkeys(tariff[:4] for tariff in numbers):
                if heading not in owner:
                    owner[heading] = _heading_center(scope, reserved, heading)
                center = owner[heading]
                if center is None:
                    continue
                routing.by_heading[heading].append(ruling)
                routing.headings_of_center[center].add(heading)
                centers.add(center)
            if centers:
                if numbers is ruling.letter_tariffs:
                    routing.by_letter.add(ruling.number)
                break
        for center in sorted(centers):
            routing.by_center[center].append(ruling)
        if not centers:
            routing.unassigned.append((ruling, unassigned_reason(ruling)))
        if pulled.schedule is not None:
            if hts_notes is not None:
                notes = hts_notes[ruling.number]
            else:
                notes = tariff_notes(ruling, pulled.schedule)
            if notes:
                routing.hts_notes[ruling.number] = notes
                if any(status.kind == "not_current" for status in notes.values()):
                    routing.not_current.add(ruling.number)
        if ruling.cbp_center_code:
            named = (ace_codes or {}).get(ruling.cbp_center_code)
            if named:
                routing.named_by_cbp[named].append(ruling)
            else:
                routing.unknown_cbp_codes[ruling.cbp_center_code].append(ruling)
    for icp in pulled.icps:
        centers = set()
        codes = icp.hts
        if not codes and icp_topics and icp.scope.value == "commodity":
            codes = icp_topics.get(title_key(icp.title), [])
            if codes:
                routing.icps_by_topic.add(icp.key)
        for code in codes:
            if len(code) == 4:
                center = _heading_center(scope, reserved, code)
            else:
                answer = chapter_scope(scope, code).answer if code not in reserved else None
                center = answer.center if answer else None
            if center:
                centers.add(center)
        for center in sorted(centers):
            routing.icps_by_center[center].append(icp)
        if not centers:
            routing.icps_unrouted.append(icp)
    return routing


def centers_by_number(routing: Routing) -> dict[str, list[str]]:
    """Ruling number -> the Centers it is routed to, in name order (the same order whichever
    rulings were routed together)."""
    found: dict[str, list[str]] = {}
    for center in sorted(routing.by_center):
        for ruling in routing.by_center[center]:
            found.setdefault(ruling.number, []).append(center)
    return found
