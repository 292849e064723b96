"""The one HTTP client: User-Agent, retries, Retry-After, cache, HTML refusal, and no other client."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import pytest
from werkzeug import Response

from ceeatlas.http import USER_AGENT, FetchError, HttpClient, retry_after_seconds

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
