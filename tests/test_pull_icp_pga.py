"""ICP and agency-link pulls against SYNTHETIC pages on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import threading

import pytest
import yaml
from pytest_httpserver import HTTPServer
from werkzeug import Response

from ceeatlas import __main__ as cli
from ceeatlas.http import HttpClient
from ceeatlas.sources import agency_links
from ceeatlas.store import load_icps, load_link_checks, read_manifest

from .conftest import REPO
from .fakes import ICP_LISTING, ICP_LISTING_CHANGED, pull_argv

TODAY = dt.date(2026, 11, 23)


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


# -- the REAL seed catalogue (captures/icps) ----------------------------------------------


def _seed(tmp_path) -> int:
    return cli.main(
        pull_argv("icp", tmp_path, "--from-catalogue", str(REPO / "captures" / "icps"), today="2026-12-01")
    )


def test_the_real_catalogue_parses_with_its_evidence():
    from ceeatlas.sources import icp

    text = (REPO / "captures" / "icps" / "catalogue.csv").read_text("utf-8")
    items = icp.parse_catalogue(text, seed="s", fetched_at=dt.date(2026, 12, 1))
    assert len(items) == 69
    seen = {item.title_seen for item in items}
    assert seen == {"listing", "listing-2016", "elsewhere"}
    assert sum(1 for item in items if item.title_seen == "listing") == 35
    assert sum(1 for item in items if item.url) == 13
    assert all(item.url is None or item.url.startswith("http") for item in items)
    # The heading each title names, read by the same code as a live pull, equals the catalogue's.
    import csv
    import io

    expected = {row["title"]: row["hts_in_title"] for row in csv.DictReader(io.StringIO(text))}
    assert {item.title: ",".join(item.hts) for item in items} == expected
    bona_fide = next(item for item in items if item.title.startswith("Bona Fide"))
    assert bona_fide.first_published == "November 1996" and "public code" in bona_fide.link_evidence


def test_seed_then_live_pull_supersedes_without_duplicates(httpserver, tmp_path, capsys):
    assert _seed(tmp_path) == 0
    data = tmp_path / "data"
    assert len(load_icps(data)) == 69 and {item.seed for item in load_icps(data)} == {"icp-catalogue-2026-12"}
    assert read_manifest(data)["seeds"]["icp"]["count"] == 69
    before = (data / "icps.jsonl").read_bytes()
    assert _seed(tmp_path) == 0
    assert (data / "icps.jsonl").read_bytes() == before  # seeding twice changes nothing

    httpserver.expect_request("/trade/rulings/informed-compliance-publications").respond_with_data(
        ICP_LISTING, content_type="text/html"
    )
    assert _icp_pull(httpserver, tmp_path) == 0
    items = load_icps(data)
    assert len(items) == 9 and all(item.seed is None for item in items)
    assert len({item.key for item in items}) == len(items)
    after_live = (data / "icps.jsonl").read_bytes()
    capsys.readouterr()
    assert _seed(tmp_path) == 0  # a seed after a live pull changes nothing
    assert (data / "icps.jsonl").read_bytes() == after_live
    assert "the seed changes nothing" in capsys.readouterr().err


# -- checking fast and honestly: hosts at the same time, and no news when offline -------------


@pytest.fixture
def second_server():
    """A second server on 127.0.0.1: another port is another host to the client."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    server.stop()


def _agencies_at(curated, *urls: str):
    """Curated agencies, the first len(urls) of them pointed at these URLs."""
    return [
        agency.model_copy(update={"guidance_url": url})
        for agency, url in zip(curated.agencies.agencies, urls, strict=False)
    ]


def test_hosts_are_checked_at_the_same_time(httpserver, second_server, curated):
    """The first host answers only once the second has been asked: checked one after the
    other, it would wait out its safety timeout and report that it was never joined."""
    second_asked = threading.Event()
    first_saw_second = []

    def first_host(request):
        first_saw_second.append(second_asked.wait(timeout=30))
        return Response("ok")

    def second_host(request):
        second_asked.set()
        return Response("ok")

    httpserver.expect_request("/slow").respond_with_handler(first_host)
    second_server.expect_request("/quick").respond_with_handler(second_host)
    agencies = _agencies_at(curated, httpserver.url_for("/slow"), second_server.url_for("/quick"))
    client = HttpClient(min_interval=0)
    checks = agency_links.check_agencies(client, agencies, TODAY, previous={})
    assert first_saw_second == [True]
    assert [check.agency.id for check in checks] == [agency.id for agency in agencies]  # order kept
    assert all(check.result.ok for check in checks)


def test_one_host_is_still_asked_once_a_second(httpserver, second_server, curated):
    """Three URLs on one host, one on another, checked by threads: the three queue a second
    apart, the other host waits for nobody. The clock stands still and waits are recorded."""
    waits = []
    httpserver.expect_request(re.compile("/page/.*")).respond_with_data("ok")
    second_server.expect_request("/other").respond_with_data("ok")
    urls = [httpserver.url_for(f"/page/{n}") for n in range(3)] + [second_server.url_for("/other")]
    client = HttpClient(min_interval=1, clock=lambda: 500.0, sleep=waits.append)
    checks = agency_links.check_agencies(client, _agencies_at(curated, *urls), TODAY, previous={})
    assert all(check.result.ok for check in checks) and client.requests_made == 4
    assert sorted(waits) == [1, 2]


def _point_agencies(centers, url_for) -> list[dict]:
    """Rewrite the guidance URLs of centers/agencies.yaml; returns the agencies that have one."""
    path = centers / "agencies.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    with_url = [agency for agency in data["agencies"] if agency["guidance_url"]]
    for index, agency in enumerate(with_url):
        agency["guidance_url"] = url_for(index, agency)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return with_url


def test_offline_pull_says_so_and_keeps_the_previous_results(httpserver, tmp_path, centers_copy, capsys):
    httpserver.expect_request(re.compile("/agency/.*")).respond_with_data("ok")
    _point_agencies(centers_copy, lambda index, agency: httpserver.url_for(f"/agency/{index}"))
    assert cli.main(pull_argv("pga", tmp_path, today="2026-11-23", centers_dir=centers_copy)) == 0
    data = tmp_path / "data"
    before = {name: (data / name).read_bytes() for name in ("links/agencies.jsonl", "manifest.json")}
    capsys.readouterr()

    # Every host unresolvable, as on a machine without network (.invalid never resolves).
    with_url = _point_agencies(centers_copy, lambda index, agency: f"http://{agency['id']}.invalid/import")
    assert cli.main(pull_argv("pga", tmp_path, today="2026-11-30", centers_dir=centers_copy)) == 1
    out = capsys.readouterr().out
    for agency in with_url:
        expected = f"{agency['id']}: {agency['guidance_url']} could not be checked (unknown host {agency['id']}.invalid)"
        assert expected in out
    assert (
        f"pga: {len(with_url)} links could not be checked: no network? (unknown host for all of them). "
        f"No server answered, so {data / 'links' / 'agencies.jsonl'} keeps the previous results."
    ) in out
    assert f"; {len(with_url)} requests;" in out  # one attempt per link: none was retried
    assert {name: (data / name).read_bytes() for name in before} == before


def test_an_unknown_host_among_answering_ones_is_recorded_broken(httpserver, tmp_path, centers_copy, capsys):
    httpserver.expect_request(re.compile("/agency/.*")).respond_with_data("ok")
    with_url = _point_agencies(
        centers_copy,
        lambda index, agency: (
            "http://no-such-host.invalid/" if index == 0 else httpserver.url_for(f"/agency/{index}")
        ),
    )
    assert cli.main(pull_argv("pga", tmp_path, today="2026-11-23", centers_dir=centers_copy)) == 1
    out = capsys.readouterr().out
    broken = with_url[0]["id"]
    assert f"{broken}: http://no-such-host.invalid/ is broken (unknown host no-such-host.invalid)" in out
    checks = {check.agency: check for check in load_link_checks(tmp_path / "data")}
    assert len(checks) == len(with_url)
    assert checks[broken].ok is False and checks[broken].status is None
    assert checks[broken].error == "unknown host no-such-host.invalid"
    assert all(check.ok for agency, check in checks.items() if agency != broken)
    assert f"; {len(with_url)} requests;" in out  # the unknown host was asked once
