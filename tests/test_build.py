"""A strict MkDocs build of the real configuration into a temporary folder."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.build


def _mkdocs(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "mkdocs", *args]
    # A cache of its own, so a test never touches the repository's cache/.
    cache = tempfile.mkdtemp(prefix="ceeatlas-test-cache-")
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CEEATLAS_CACHE_DIR": cache, **(env or {})}
    return subprocess.run(command, cwd=REPO, env=full_env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    site_dir = tmp_path_factory.mktemp("site")
    empty_data = tmp_path_factory.mktemp("data")
    result = _mkdocs(
        "build", "--strict", "--site-dir", str(site_dir), env={"CEEATLAS_DATA_DIR": str(empty_data)}
    )
    assert result.returncode == 0, result.stderr
    return site_dir


def test_all_center_pages_exist(built, curated):
    for center_id, center in curated.centers.items():
        html = (built / "centers" / center_id / "index.html").read_text(encoding="utf-8")
        assert '<h2 id="hts-scope">' in html
        assert "<table>" in html
        assert 'href="https://docest.com/' in html or 'href="http' in html  # scope rows link their source
        assert center.name.replace("&", "&amp;") in html


def test_scope_table_links_sources(built):
    html = (built / "centers" / "pharmaceuticals-health-chemicals" / "index.html").read_text(encoding="utf-8")
    assert "docest.com/doc/368647" in html
    assert "<td>4014</td>" in html


def test_lookup_page_and_json(built):
    page = (built / "centers" / "lookup" / "index.html").read_text(encoding="utf-8")
    assert 'data-src="../../assets/data/hts-lookup.json"' in page
    assert "hts-lookup.js" in page
    payload = json.loads((built / "assets" / "data" / "hts-lookup.json").read_text(encoding="utf-8"))
    assert payload["centers"]["electronics"]["path"] == "centers/electronics/"


def test_independence_is_stated_everywhere(built):
    for page in ("index.html", "centers/index.html", "about/index.html", "guides/agencies/index.html"):
        html = (built / page).read_text(encoding="utf-8")
        assert "not affiliated with U.S. Customs and Border Protection" in html
        assert "usa-banner" not in html  # never the official U.S. government banner


def test_navigation_lists_the_centers(built):
    html = (built / "index.html").read_text(encoding="utf-8")
    for label in ("Centers", "Programs", "Guides", "Rulings", "About the data", "Base Metals"):
        assert label in html


def test_search_index_is_built(built):
    index = json.loads((built / "search" / "search_index.json").read_text(encoding="utf-8"))
    titles = {doc["title"] for doc in index["docs"]}
    assert "Machinery" in titles


def test_broken_curated_data_fails_the_build(tmp_path):
    centers = tmp_path / "centers"
    shutil.copytree(REPO / "centers", centers)
    path = centers / "machinery.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("city:", "cty:", 1), encoding="utf-8")
    result = _mkdocs(
        "build", "--strict", "--site-dir", str(tmp_path / "site"), env={"CEEATLAS_CENTERS_DIR": str(centers)}
    )
    assert result.returncode != 0
    assert "machinery.yaml:" in result.stderr and "cty: Extra inputs are not permitted" in result.stderr


def test_unknown_marker_fails_the_build(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(REPO / "docs", docs)
    (docs / "guides" / "index.md").write_text("# Guides\n\n<!-- atlas:no-such-thing -->\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("docs_dir: docs", f"docs_dir: {docs}").replace(
        "hooks/atlas.py", str(REPO / "hooks/atlas.py")
    )
    text = text.replace("custom_dir: overrides", f"custom_dir: {REPO / 'overrides'}")
    text = re.sub(r"\nwatch:\n(  - .*\n)+", "\n", text)  # watch paths are relative to the real config
    config.write_text(text, encoding="utf-8")
    result = _mkdocs(
        "build",
        "--strict",
        "-f",
        str(config),
        "--site-dir",
        str(tmp_path / "site"),
        env={"CEEATLAS_CENTERS_DIR": str(REPO / "centers"), "CEEATLAS_DATA_DIR": str(tmp_path / "data")},
    )
    assert result.returncode != 0
    assert "unknown marker atlas:no-such-thing" in result.stderr
