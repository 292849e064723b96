"""Pulls against SYNTHETIC servers on 127.0.0.1: paging, splitting, faults, atomicity, no-op reruns."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from werkzeug import Response

from ceeatlas import __main__ as cli
from ceeatlas.http import HttpClient
from ceeatlas.pull import CrossOptions, pull_cross
from ceeatlas.sources import cross
from ceeatlas.store import iter_rulings, read_manifest

from .conftest import REPO
from .fakes import SHELL_HTML, FakeCross, once, pull_argv, slow, synthetic_rulings

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def fake(httpserver):
    server = FakeCross(rows=synthetic_rulings(300))
    httpserver.expect_request(re.compile(".*")).respond_with_handler(server.handle)
    server.base_url = httpserver.url_for("").rstrip("/")
    return server


def _client(tmp_path: Path, **kwargs) -> HttpClient:
    options = {"cache_dir": tmp_path / "cache", "min_interval": 0, "backoff": 0.01, "timeout": (2.0, 2.0)}
    return HttpClient(**{**options, **kwargs})


def _snapshot(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _argv(fake, tmp_path, *extra: str, today: str = TODAY.isoformat()) -> list[str]:
    """`pull cross` against the fake server, with small pages."""
    return pull_argv(
        "cross", tmp_path, "--cross-base-url", fake.base_url, "--page-size", "25", *extra, today=today
    )


def _pull(fake, tmp_path, *extra: str) -> int:
    return cli.main(_argv(fake, tmp_path, *extra))


def test_full_pull_splits_windows_over_the_cap(fake, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cross, "HIT_CAP", 60)
    fake.cap = 60
    assert _pull(fake, tmp_path, "--since", "2024-01-01") == 0
    rulings = list(iter_rulings(tmp_path / "data"))
    assert len(rulings) == 300
    assert len({r.number for r in rulings}) == 300
    manifest = read_manifest(tmp_path / "data")
    assert manifest["sources"]["cross"]["count"] == 300
    assert manifest["as_of"] == TODAY.isoformat()
    out = capsys.readouterr().out
    assert "cross: 300 new, 0 changed" in out and "0 failed" in out
    # every shard is sorted and small
    for path in (tmp_path / "data" / "rulings").rglob("*.jsonl"):
        numbers = [json.loads(line)["number"] for line in path.read_text().splitlines()]
        assert numbers == sorted(numbers)


def test_normalised_fields(fake, tmp_path):
    fake.rows[0]["tariffs"] = ["8543.70.9860", "9817.00.96"]
    fake.rows[0]["revokedBy"] = ["hq h999999"]
    fake.rows[0]["collection"] = "NY"
    _pull(fake, tmp_path, "--since", "2024-01-01")
    ruling = next(r for r in iter_rulings(tmp_path / "data") if r.number == fake.rows[0]["rulingNumber"])
    assert ruling.tariffs == ["8543.70.9860", "9817.00.96"]
    assert ruling.status.value == "revoked" and ruling.revoked_by == ["H999999"]
    # The site links to CBP's own page for the ruling, whichever server the pull used.
    assert ruling.source_url == f"https://rulings.cbp.gov/ruling/{ruling.number}"


def test_rerun_with_nothing_new_changes_no_file(fake, tmp_path):
    assert _pull(fake, tmp_path, "--since", "2024-01-01") == 0
    data = tmp_path / "data"
    subprocess.run(["git", "init", "-q", str(data)], check=True)
    subprocess.run(["git", "-C", str(data), "add", "-A"], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(data),
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.org",
            "commit",
            "-qm",
            "first",
        ],
        check=True,
    )
    cli.main(_argv(fake, tmp_path, "--force", today="2026-11-24"))
    status = subprocess.run(
        ["git", "-C", str(data), "status", "--porcelain"], capture_output=True, text=True, check=True
    )
    assert status.stdout == ""


def test_incremental_pull_picks_up_new_and_revoked(fake, tmp_path, capsys):
    _pull(fake, tmp_path, "--since", "2024-01-01")
    capsys.readouterr()
    fake.rows.append({**fake.rows[0], "rulingNumber": "N999001", "rulingDate": "2026-11-21T00:00:00"})
    fake.rows[1]["revokedBy"] = ["H888888"]
    fake.rows[1]["rulingDate"] = "2026-11-10T00:00:00"
    late = {**fake.rows[2], "rulingNumber": "N999002", "rulingDate": "2019-05-01T00:00:00"}
    fake.rows.append(late)  # dated long ago, published now: only the recent list reveals it
    fake.recent = [{"rulingNumber": "N999002", "dateModified": "11/22/2026", "collection": "NY"}]
    assert _pull(fake, tmp_path, "--force") == 0
    out = capsys.readouterr().out
    assert "2 new" in out and "1 revoked" in out
    numbers = {r.number for r in iter_rulings(tmp_path / "data")}
    assert {"N999001", "N999002"} <= numbers


def test_limit_keeps_the_newest(fake, tmp_path):
    assert _pull(fake, tmp_path, "--since", "2024-01-01", "--limit", "40") == 0
    rulings = list(iter_rulings(tmp_path / "data"))
    assert len(rulings) == 40
    newest = sorted((row for row in fake.rows), key=lambda row: row["rulingDate"], reverse=True)[:25]
    assert {row["rulingNumber"] for row in newest} <= {r.number for r in rulings}


def test_429_with_retry_after_then_success(fake, tmp_path):
    fake.faults.append(
        once(
            lambda r: r.path == "/api/search",
            lambda: Response("slow down", 429, headers={"Retry-After": "3"}),
        )
    )
    waits = []
    client = _client(tmp_path, sleep=waits.append)
    report = pull_cross(
        client, tmp_path / "data", CrossOptions(base_url=fake.base_url, since=dt.date(2026, 1, 1)), TODAY
    )
    assert report.ok, report.failed
    assert 3.0 in waits  # honoured Retry-After instead of the default backoff


def test_503_then_success_and_read_timeout(fake, tmp_path):
    fake.faults.append(once(lambda r: r.path == "/api/search", lambda: Response("busy", 503)))
    fake.faults.append(once(lambda r: r.path == "/api/search", slow(1.5)))
    client = _client(tmp_path, timeout=(1.0, 0.5))
    report = pull_cross(
        client, tmp_path / "data", CrossOptions(base_url=fake.base_url, since=dt.date(2026, 1, 1)), TODAY
    )
    assert report.ok, report.failed
    assert report.new > 0


def _seed(fake, tmp_path) -> dict[str, str]:
    assert _pull(fake, tmp_path, "--since", "2024-01-01") == 0
    return _snapshot(tmp_path / "data")


@pytest.mark.parametrize(
    ("fault", "cause"),
    [
        (lambda: Response(SHELL_HTML, 200, content_type="text/html"), "expected JSON but got an HTML page"),
        (
            lambda: Response('{"rulings": [{"rulingNum', 200, content_type="application/json"),
            "malformed JSON",
        ),
        (lambda: Response("", 200, content_type="application/json"), "empty response body"),
        (lambda: Response("gone", 404), "HTTP 404"),
        (lambda: Response("down", 503), "HTTP 503 after"),
    ],
)
def test_failures_exit_non_zero_and_keep_data(fake, tmp_path, capsys, fault, cause):
    before = _seed(fake, tmp_path)
    fake.faults.append(once(lambda r: r.path == "/api/search", fault, times=99))
    client = _client(tmp_path, force=True)
    report = pull_cross(client, tmp_path / "data", CrossOptions(base_url=fake.base_url), TODAY)
    assert not report.ok
    assert any(cause in failure for failure in report.failed), report.failed
    assert _snapshot(tmp_path / "data") == before


def test_cli_reports_failure_with_exit_code(fake, tmp_path, capsys):
    before = _seed(fake, tmp_path)
    fake.faults.append(
        once(
            lambda r: r.path == "/api/search",
            lambda: Response(SHELL_HTML, 200, content_type="text/html"),
            times=99,
        )
    )
    assert _pull(fake, tmp_path, "--force") == 1
    out = capsys.readouterr().out
    assert "failed: window" in out and "HTML page" in out
    assert _snapshot(tmp_path / "data") == before


def test_unknown_field_tolerated_missing_field_reported(fake, tmp_path):
    fake.rows[0]["brandNewField"] = {"x": 1}
    del fake.rows[1]["subject"]
    del fake.rows[2]["rulingNumber"]
    report = pull_cross(
        _client(tmp_path),
        tmp_path / "data",
        CrossOptions(base_url=fake.base_url, since=dt.date(2024, 1, 1)),
        TODAY,
    )
    assert report.new == 298
    assert any("subject is missing" in failure for failure in report.failed)
    assert any("rulingNumber is missing" in failure for failure in report.failed)


def test_texts_merge_and_unknown_ruling_is_not_found(fake, tmp_path):
    fake.rows = fake.rows[:5]
    number = fake.rows[0]["rulingNumber"]
    fake.texts[number] = json.dumps(
        {"rulingNumber": number.lower(), "text": "Caf\xe9 SYNTHETIC", "tariffs": None}
    ).encode("cp1252")
    fake.faults.append(
        once(
            lambda r: r.path == f"/api/ruling/{fake.rows[1]['rulingNumber']}",
            lambda: Response("err", 500),
            times=9,
        )
    )
    report = pull_cross(
        _client(tmp_path),
        tmp_path / "data",
        CrossOptions(base_url=fake.base_url, since=dt.date(2024, 1, 1), with_text=True),
        TODAY,
    )
    assert any("not found (CROSS answered HTTP 500" in failure for failure in report.failed)
    texts = {}
    for path in (tmp_path / "data" / "ruling-texts").rglob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            texts[record["number"]] = record["text"]
    assert texts[number] == "Café SYNTHETIC"
    assert len(texts) == 4
    ruling = next(r for r in iter_rulings(tmp_path / "data") if r.number == number)
    assert ruling.tariffs  # the detail's null tariffs did not wipe the search row's


def test_killed_pull_leaves_data_intact_and_resumes(fake, tmp_path):
    before = _seed(fake, tmp_path)
    fake.rows.extend(synthetic_rulings(200, seed=99, first=dt.date(2025, 1, 1)))
    for index, row in enumerate(fake.rows[300:]):
        row["rulingNumber"] = f"N{700000 + index}"
    gate = {"pages": 0}
    release = threading.Event()

    def hang_after_five(request):
        if request.path == "/api/search":
            gate["pages"] += 1
            if gate["pages"] > 5:
                release.wait(30)
        return None

    fake.faults.append(hang_after_five)
    env = {**os.environ, "CEEATLAS_MIN_INTERVAL": "0"}
    command = [
        sys.executable,
        "-m",
        "ceeatlas",
        *_argv(fake, tmp_path, "--since", "2024-01-01", "--force", today="2026-11-24"),
    ]
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while gate["pages"] <= 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    release.set()
    assert _snapshot(tmp_path / "data") == before  # nothing written by the killed run

    fake.faults.clear()
    fetched_before = fake.count("/api/search")
    resumed = subprocess.run(
        [c for c in command if c != "--force"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming the interrupted pull" in resumed.stderr
    assert "200 new" in resumed.stdout
    # the five pages the killed run finished came from the cache
    assert fake.count("/api/search") - fetched_before < gate["pages"] + 40
    assert len(list(iter_rulings(tmp_path / "data"))) == 500
