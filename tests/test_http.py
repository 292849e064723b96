"""The one HTTP client: User-Agent, retries, Retry-After, cache, HTML refusal, and no other client."""

from __future__ import annotations

import ast
import errno
import re
import socket
import struct
import subprocess
import sys
import threading

import pytest
import requests
from werkzeug import Response

from ceeatlas.http import (
    CANNOT_HEAL,
    USER_AGENT,
    Cause,
    FetchError,
    HttpClient,
    classify_failure,
    retry_after_seconds,
)

from .conftest import REPO


@pytest.fixture
def client(tmp_path):
    return HttpClient(cache_dir=tmp_path / "cache", min_interval=0, backoff=0.01, sleep=lambda s: None)


def test_identifying_user_agent(httpserver, client):
    httpserver.expect_request("/ua").respond_with_json({"ok": True})
    client.get_json(httpserver.url_for("/ua"))
    agent = httpserver.log[0][0].headers["User-Agent"]
    assert agent == USER_AGENT and "ceeatlas/" in agent and "+http" in agent


def test_retry_after_header_forms():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds("soon") is None


def test_cache_is_used_and_force_bypasses_it(httpserver, tmp_path):
    httpserver.expect_request("/data").respond_with_json({"n": 1})
    first = HttpClient(cache_dir=tmp_path / "cache", min_interval=0)
    assert first.get_json(httpserver.url_for("/data"), cache_key="src/data") == {"n": 1}
    assert (tmp_path / "cache" / "src" / "data.cache").exists()
    again = HttpClient(cache_dir=tmp_path / "cache", min_interval=0)
    again.get_json(httpserver.url_for("/data"), cache_key="src/data")
    assert again.requests_made == 0
    forced = HttpClient(cache_dir=tmp_path / "cache", min_interval=0, force=True)
    forced.get_json(httpserver.url_for("/data"), cache_key="src/data")
    assert forced.requests_made == 1


def test_html_is_not_json(httpserver, client):
    httpserver.expect_request("/api/x").respond_with_data(
        "<!doctype html><app-root>", content_type="text/html"
    )
    with pytest.raises(FetchError, match="expected JSON but got an HTML page"):
        client.get_json(httpserver.url_for("/api/x"))


def test_retries_then_gives_up_with_the_cause(httpserver, client):
    httpserver.expect_request("/down").respond_with_response(Response("no", 502))
    with pytest.raises(FetchError, match=r"HTTP 502 after 5 attempts"):
        client.get(httpserver.url_for("/down"))
    assert client.requests_made == 5


def test_rate_limit_waits_between_requests(httpserver):
    waits = []
    httpserver.expect_request("/r").respond_with_json({})
    client = HttpClient(min_interval=5, sleep=waits.append)
    client.get_json(httpserver.url_for("/r"))
    client.get_json(httpserver.url_for("/r"))
    assert waits and 4 < waits[0] <= 5


def test_cache_keys_cannot_escape_the_cache(client):
    with pytest.raises(ValueError):
        client._cache_path("../../etc/passwd")


def test_no_module_uses_requests_outside_the_client():
    offenders = []
    for path in sorted((REPO / "ceeatlas").rglob("*.py")) + sorted((REPO / "hooks").rglob("*.py")):
        if path.name == "http.py" and path.parent.name == "ceeatlas":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(
                re.match(r"(requests|urllib3|httpx|urllib\.request|http\.client)\b", name) for name in names
            ):
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offenders == []


def test_the_build_never_loads_a_network_client():
    """The hook's imports (site, curated, pulled) must not even import requests."""
    code = "import sys, ceeatlas.site, ceeatlas.curated, ceeatlas.pulled; print('requests' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.strip() == "False"


# -- failures that cannot heal by waiting fail at once; the others are still retried ---------


@pytest.fixture
def waits():
    return []


@pytest.fixture
def patient(tmp_path, waits):
    """A client that would retry four times, recording its waits instead of sleeping."""
    return HttpClient(cache_dir=tmp_path / "cache", min_interval=0, retries=4, sleep=waits.append)


def test_an_unknown_host_fails_at_once(patient, waits):
    with pytest.raises(FetchError) as failure:
        patient.check("http://no-such-host.invalid/")  # .invalid never resolves (RFC 6761)
    assert failure.value.reason == "unknown host no-such-host.invalid"
    assert failure.value.cause is Cause.unknown_host and failure.value.status is None
    assert patient.requests_made == 1 and waits == []


def _closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: bound to learn a free one, then closed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_refused_connection_fails_at_once(patient, waits):
    with pytest.raises(FetchError) as failure:
        patient.check(f"http://127.0.0.1:{_closed_port()}/")
    assert failure.value.reason == "connection refused" and failure.value.cause is Cause.connection_refused
    assert patient.requests_made == 1 and waits == []


def test_a_refused_tls_handshake_fails_at_once(httpserver, patient, waits):
    # The test server speaks plain HTTP, so a TLS client's handshake fails.
    url = httpserver.url_for("/page").replace("http://", "https://")
    with pytest.raises(FetchError) as failure:
        patient.check(url)
    assert failure.value.reason.startswith("TLS handshake refused: ") and "_ssl.c" not in failure.value.reason
    assert patient.requests_made == 1 and waits == []


def test_a_503_is_still_retried(httpserver, patient, waits):
    httpserver.expect_oneshot_request("/busy").respond_with_response(Response("busy", 503))
    httpserver.expect_request("/busy").respond_with_data("ok")
    assert patient.check(httpserver.url_for("/busy")).status == 200
    assert patient.requests_made == 2 and len(waits) == 1


def test_a_dropped_connection_is_still_retried(patient, waits):
    """A server that accepts and resets every connection: that may be momentary, so retry."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def reset_connections():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:  # the listener was closed: the test is over
                return
            # Linger 0: close with a reset instead of an orderly goodbye.
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()

    threading.Thread(target=reset_connections, daemon=True).start()
    try:
        with pytest.raises(FetchError, match=r"connection failed \(ConnectionError\) after 5 attempts"):
            patient.check(f"http://127.0.0.1:{port}/")
    finally:
        listener.close()
    assert patient.requests_made == 5 and len(waits) == 4


def test_failures_without_a_local_example_are_named_too():
    """No route, or no DNS server at all: built as requests raises them (the socket's error
    wrapped inside), since a test cannot switch the machine's network off."""
    url = "https://www.example.gov/page"
    unreachable = requests.ConnectionError(OSError(errno.ENETUNREACH, "Network is unreachable"))
    assert classify_failure(unreachable, url) == (
        Cause.network_unreachable,
        "network unreachable (no route to www.example.gov)",
    )
    no_dns = requests.ConnectionError(
        socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
    )
    assert classify_failure(no_dns, url) == (
        Cause.unknown_host,
        "unknown host www.example.gov (Temporary failure in name resolution)",
    )
    assert Cause.network_unreachable in CANNOT_HEAL and Cause.timed_out not in CANNOT_HEAL


# -- several threads share one client ------------------------------------------------------


def test_the_rate_limit_holds_across_threads(httpserver):
    """Eight threads ask one host at the same moment: each gets its own one-second slot.
    The clock stands still and waits are recorded, so nothing here depends on timing."""
    waits = []
    client = HttpClient(min_interval=1, clock=lambda: 1000.0, sleep=waits.append)
    httpserver.expect_request("/page").respond_with_data("ok")
    url = httpserver.url_for("/page")
    start = threading.Barrier(8)

    def ask():
        start.wait()
        client.check(url)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client.close_thread_sessions()
    assert client.requests_made == 8 and len(httpserver.log) == 8
    assert sorted(waits) == [1, 2, 3, 4, 5, 6, 7]  # one went at once, the others queued a second apart
    other_host = url.replace("127.0.0.1", "localhost")
    client.check(other_host)
    assert len(waits) == 7  # another host does not wait for this one's queue


def test_other_threads_have_their_own_session_and_identify_themselves(httpserver):
    client = HttpClient(min_interval=0)
    httpserver.expect_request("/ua").respond_with_data("ok")
    sessions = []

    def ask():
        client.check(httpserver.url_for("/ua"))
        sessions.append(client._session())

    thread = threading.Thread(target=ask)
    thread.start()
    thread.join()
    client.close_thread_sessions()
    assert sessions[0] is not client.session
    assert httpserver.log[0][0].headers["User-Agent"] == USER_AGENT
