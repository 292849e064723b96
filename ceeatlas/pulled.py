"""Pulled data in data/, read back for the build, and routed to Centers by HTS heading.

The build must work when data/ holds nothing yet: every page then shows an empty state
("No rulings pulled yet") instead of failing.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .models import HtsStructure, Icp, LinkCheck, Ruling, Scope
from .scope import chapter_scope, resolve_heading
from .store import (
    RULINGS_DIR,
    StoreError,
    load_icps,
    load_link_checks,
    newest_by_number,
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
    icps_by_center: dict[str, list[Icp]] = field(default_factory=lambda: defaultdict(list))
    icps_unrouted: list[Icp] = field(default_factory=list)


def _heading_center(scope: Scope, reserved: set[str], heading: str) -> str | None:
    if heading[:2] in reserved or int(heading[:2]) > 97 or heading[2:] == "00":
        return None
    match = resolve_heading(scope, heading)
    return match.center if match else None


def route(pulled: PulledData, scope: Scope, hts: HtsStructure) -> Routing:
    reserved = {f"{c.number:02d}" for c in hts.chapters if c.reserved}
    routing = Routing()
    owner: dict[str, str | None] = {}  # heading -> Center, resolved once per heading, not per ruling
    for ruling in pulled.rulings:  # newest first, so every list below is newest first
        centers: set[str] = set()
        # Each heading once: a ruling often names several tariff numbers of one heading, and
        # is still one ruling on that heading's list.
        for heading in dict.fromkeys(tariff[:4] for tariff in ruling.tariffs):
            if heading not in owner:
                owner[heading] = _heading_center(scope, reserved, heading)
            center = owner[heading]
            if center is None:
                continue
            routing.by_heading[heading].append(ruling)
            routing.headings_of_center[center].add(heading)
            centers.add(center)
        for center in sorted(centers):
            routing.by_center[center].append(ruling)
        if not centers:
            reason = "no tariff number" if not ruling.tariffs else "only special or unknown tariff numbers"
            routing.unassigned.append((ruling, reason))
    for icp in pulled.icps:
        centers = set()
        for code in icp.hts:
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
