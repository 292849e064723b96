"""Workflows parse and do what the README says; the built site has no broken internal link."""

from __future__ import annotations

import pytest
import yaml

from ceeatlas.linkcheck import check_site

from .conftest import REPO
from .fakes import build_site, write_synthetic_data

WORKFLOWS = REPO / ".github" / "workflows"


def _load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.get("on", data.get(True))  # YAML 1.1 reads the key `on` as true
    return data


def test_ci_runs_tests_on_pull_requests():
    ci = _load("ci.yml")
    assert "pull_request" in ci["on"]
    steps = " ".join(str(step.get("run", "")) for step in ci["jobs"]["test"]["steps"])
    assert "make test" in steps and "make site" in steps and "check-links" in steps


def test_deploy_publishes_main_to_pages():
    deploy = _load("deploy.yml")
    assert deploy["on"]["push"]["branches"] == ["main"]
    assert deploy["permissions"]["pages"] == "write"
    uses = [step.get("uses", "") for job in deploy["jobs"].values() for step in job["steps"]]
    assert any(u.startswith("actions/deploy-pages") for u in uses)
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)


def test_refresh_opens_a_pull_request_and_never_pushes_main():
    refresh = _load("refresh.yml")
    assert "schedule" in refresh["on"] and "workflow_dispatch" in refresh["on"]
    script = " ".join(str(step.get("run", "")) for step in refresh["jobs"]["pull"]["steps"])
    assert "make pull" in script and "gh pr create" in script and "--body-file" in script
    assert "push origin main" not in script and "push origin HEAD:main" not in script


@pytest.mark.build
def test_built_site_has_no_broken_internal_links(tmp_path):
    write_synthetic_data(tmp_path / "data")
    result = build_site(tmp_path / "site", tmp_path / "data")
    assert result.returncode == 0, result.stderr
    report = check_site(tmp_path / "site")
    assert report.pages > 20
    assert dict(report.broken) == {}
    assert any(link.startswith("https://rulings.cbp.gov/ruling/") for link in report.external)


def test_link_checker_finds_a_broken_link(tmp_path):
    (tmp_path / "index.html").write_text(
        '<a href="missing/">x</a><a href="#nowhere">y</a><a href="https://example.org/">z</a>'
    )
    report = check_site(tmp_path)
    assert set(report.broken) == {"missing/", "#nowhere"}
    assert report.external == {"https://example.org/"}


def test_feed_titles_show_subjects_as_the_lists_do():
    import datetime as dt

    from ceeatlas.exports import atom_feed
    from tests.fakes import _ruling

    rulings = [_ruling("N900001", "", ["7326.90.86.88"]), _ruling("N900002", "SYNTHETIC word " * 100, [])]
    feed = atom_feed(
        "id",
        "t",
        "https://example.invalid/",
        "https://example.invalid/f.xml",
        rulings,
        [],
        dt.date(2026, 1, 1),
    )
    text = feed.decode("utf-8")
    assert "N900001 (Active): (CROSS gives no subject)</title>" in text
    assert "(shortened here; read it on CROSS)</title>" in text
