"""Pulled data in data/: what the pull commands wrote, read back for the build.

The build must work when data/ holds nothing yet: every page then shows an empty state
("No rulings pulled yet") instead of failing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = "manifest.json"


class PulledDataError(Exception):
    """data/ exists but cannot be read; the message names the file."""


@dataclass(frozen=True)
class PulledData:
    root: Path
    manifest: dict = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.manifest

    @property
    def as_of(self) -> dt.date | None:
        value = self.manifest.get("as_of")
        return dt.date.fromisoformat(value) if value else None

    def count(self, source: str) -> int:
        return int(self.manifest.get("sources", {}).get(source, {}).get("count", 0))


def load_pulled(root: Path) -> PulledData:
    path = root / MANIFEST
    if not path.exists():
        return PulledData(root=root)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise PulledDataError(f"{path}: cannot read the manifest: {error}") from error
    if not isinstance(manifest, dict):
        raise PulledDataError(f"{path}: the manifest must be a JSON object")
    return PulledData(root=root, manifest=manifest)
