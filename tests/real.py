"""REAL recorded CBP responses (captures/cross-2026, see its SOURCE.md and capture.json) and the
real ICP catalogue (captures/icps): loaders for the tests that take them as ground truth."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from .conftest import REPO

CROSS_CAPTURE = REPO / "captures" / "cross-2026"
ICP_CATALOGUE = REPO / "captures" / "icps"


@cache
def search_pages() -> list[dict]:
    """The 19 recorded /api/search responses, in page order."""
    return [
        json.loads(path.read_text("utf-8"))
        for path in sorted((CROSS_CAPTURE / "search_pages").glob("*.json"))
    ]


def search_rows() -> list[dict]:
    """Every recorded search row (1,828, a few repeated where pages overlap)."""
    return [row for page in search_pages() for row in page["rulings"]]


def row(number: str) -> dict:
    return next(row for row in search_rows() if row["rulingNumber"] == number)


def detail(number: str) -> dict:
    """One recorded /api/ruling/<number> response (481 are in the capture)."""
    return json.loads((CROSS_CAPTURE / "rulings" / f"{number}.json").read_text("utf-8"))


def detail_numbers() -> list[str]:
    return sorted(path.stem for path in (CROSS_CAPTURE / "rulings").glob("*.json"))


def capture_numbers() -> set[str]:
    return {row["rulingNumber"] for row in search_rows()} | set(detail_numbers())


def copy_capture(target: Path) -> Path:
    """A private copy of the capture folder that a test may change."""
    import shutil

    shutil.copytree(CROSS_CAPTURE, target)
    return target
