"""ICP and agency-link pulls against SYNTHETIC pages on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import shutil

import yaml
from werkzeug import Response

from ceeatlas import __main__ as cli
from ceeatlas.store import load_icps, load_link_checks, read_manifest

from .conftest import REPO
from .fakes import ICP_LISTING, ICP_LISTING_CHANGED, pull_argv


def _icp_pull(httpserver, tmp_path, today="2026-11-23") -> int:
    base = httpserver.url_for("").rstrip("/")
    return cli.main(pull_argv("icp", tmp_path, "--cbp-base-url", base, today=today))


def test_icp_pull_writes_catalogue_and_manifest(httpserver, tmp_path, capsys):
    httpserver.expect_request("/trade/rulings/informed-compliance-publications").respond_with_data(
        ICP_LISTING, content_type="text/html"
    )
    assert _icp_pull(httpserver, tmp_path) == 0
    items = load_icps(tmp_path / "data")
    assert len(items) == 9
    assert read_manifest(tmp_path / "data")["sources"]["icp"]["count"] == 9
    assert "icp: 9 new" in capsys.readouterr().out
    before = (
        (tmp_path / "data" / "icps.jsonl").read_bytes(),
        (tmp_path / "data" / "manifest.json").read_bytes(),
    )
    assert _icp_pull(httpserver, tmp_path, today="2026-11-30") == 0
    after = (
        (tmp_path / "data" / "icps.jsonl").read_bytes(),
        (tmp_path / "data" / "manifest.json").read_bytes(),
    )
    assert before == after  # nothing new: no file changed


def test_icp_layout_change_fails_and_keeps_data(httpserver, tmp_path, capsys):
    httpserver.expect_oneshot_request("/trade/rulings/informed-compliance-publications").respond_with_data(
        ICP_LISTING, content_type="text/html"
    )
    _icp_pull(httpserver, tmp_path)
    before = (tmp_path / "data" / "icps.jsonl").read_bytes()
    httpserver.expect_request("/trade/rulings/informed-compliance-publications").respond_with_data(
        ICP_LISTING_CHANGED, content_type="text/html"
    )
    assert _icp_pull(httpserver, tmp_path) == 1
    assert "layout has probably changed" in capsys.readouterr().out
    assert (tmp_path / "data" / "icps.jsonl").read_bytes() == before


def test_agency_links_are_checked_not_edited(httpserver, tmp_path, capsys):
    centers = tmp_path / "centers"
    shutil.copytree(REPO / "centers", centers)
    path = centers / "agencies.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    with_url = [agency for agency in data["agencies"] if agency["guidance_url"]]
    for index, agency in enumerate(with_url):
        agency["guidance_url"] = httpserver.url_for(f"/agency/{index}")
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    curated_before = path.read_bytes()
    httpserver.expect_request("/agency/0").respond_with_response(
        Response("", 301, headers={"Location": "/moved"})
    )
    httpserver.expect_request("/moved").respond_with_data("ok")
    httpserver.expect_request("/agency/1").respond_with_response(Response("gone", 404))
    for index in range(2, len(with_url)):
        httpserver.expect_request(f"/agency/{index}").respond_with_data("ok")

    argv = pull_argv("pga", tmp_path, today="2026-11-23", centers_dir=centers)
    assert cli.main(argv) == 1  # one broken link is reported as a failure
    out = capsys.readouterr().out
    assert f"{with_url[1]['id']}: {with_url[1]['guidance_url']} is broken (HTTP 404)" in out
    checks = {check.agency: check for check in load_link_checks(tmp_path / "data")}
    assert checks[with_url[0]["id"]].final_url == httpserver.url_for("/moved")
    assert checks[with_url[1]["id"]].ok is False and checks[with_url[1]["id"]].status == 404
    assert path.read_bytes() == curated_before  # curated data untouched

    cli.main(pull_argv("pga", tmp_path, today="2026-12-01", centers_dir=centers))
    again = {check.agency: check for check in load_link_checks(tmp_path / "data")}
    assert again[with_url[2]["id"]].checked == dt.date(2026, 11, 23)  # unchanged result keeps its date
