"""Shared fixtures. Tests never touch the network: the only servers they talk to are ones
they start on 127.0.0.1."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ceeatlas.curated import CuratedData, load_curated

REPO = Path(__file__).resolve().parent.parent
CENTERS_DIR = REPO / "centers"


@pytest.fixture(scope="session")
def curated() -> CuratedData:
    return load_curated(CENTERS_DIR)


@pytest.fixture
def centers_copy(tmp_path: Path) -> Path:
    """A private copy of centers/ that a test may break."""
    target = tmp_path / "centers"
    shutil.copytree(CENTERS_DIR, target)
    return target


@pytest.fixture(scope="session")
def httpserver_listen_address():
    """pytest-httpserver binds here: loopback only, a free port."""
    return ("127.0.0.1", 0)
