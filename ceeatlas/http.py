"""The one HTTP client. Every request to a source goes through `HttpClient`.

What it guarantees, so that source modules do not each reinvent it:
- an identifying User-Agent with the project's URL (some servers refuse anonymous clients);
- connect and read timeouts on every request;
- retries with exponential backoff on 429 and 5xx, honouring Retry-After;
- a per-host rate limit (default one request per second);
- an on-disk cache of raw responses under readable paths (cache/cross/search/...), which an
  interrupted pull reuses to resume without refetching (see `not_before` and pull.RunMarker);
  `force` bypasses it;
- refusal of empty bodies, and of HTML where JSON was expected (CROSS answers unknown paths
  with its web app's HTML and status 200).

tests/test_http.py checks that no other module in the package imports `requests`.
"""

from __future__ import annotations

import email.utils
import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests

from . import __version__
from .files import atomic_write_bytes
from .project import repo_url

log = logging.getLogger(__name__)

# The repository's address (repo_url in mkdocs.yml, CEEATLAS_REPO_URL), so that source operators
# can see who is calling.
USER_AGENT = f"ceeatlas/{__version__} (independent CBP Centers knowledge base; +{repo_url()})"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(Exception):
    """A request failed for good (after retries); the message says why in one line."""

    def __init__(self, url: str, reason: str, status: int | None = None):
        self.url, self.reason, self.status = url, reason, status
        super().__init__(f"{url}: {reason}")


@dataclass
class Response:
    url: str  # final URL after redirects
    status: int
    body: bytes
    content_type: str
    from_cache: bool = False

    def text(self) -> str:
        """Decode as UTF-8, falling back to windows-1252 (some CROSS texts are not UTF-8)."""
        try:
            return self.body.decode("utf-8")
        except UnicodeDecodeError:
            return self.body.decode("cp1252", errors="replace")


@dataclass
class HttpClient:
    cache_dir: Path | None = None
    min_interval: float = 1.0  # seconds between requests to one host
    timeout: tuple[float, float] = (10.0, 60.0)  # connect, read
    retries: int = 4
    backoff: float = 2.0  # first wait; doubles each retry
    max_backoff: float = 120.0
    max_age: float = 7 * 24 * 3600  # seconds a cached response may be reused at most
    not_before: float | None = None  # epoch seconds: cached responses older than this are ignored
    force: bool = False
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)
    requests_made: int = 0
    _last_request: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json, text/html;q=0.5"})

    # -- public API -------------------------------------------------------------------

    def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        *,
        cache_key: str | None = None,
        no_retry: frozenset[int] = frozenset(),
        accept_status: frozenset[int] = frozenset({200}),
    ) -> Response:
        """GET with cache, rate limit and retries. Raises FetchError on a final failure."""
        full_url = f"{url}?{urlencode(params)}" if params else url
        cached = self._read_cache(cache_key)
        if cached is not None:
            return cached
        response = self._fetch(full_url, no_retry)
        if response.status not in accept_status:
            raise FetchError(full_url, f"HTTP {response.status}", response.status)
        if not response.body.strip():
            raise FetchError(full_url, "empty response body", response.status)
        self._write_cache(cache_key, response)
        return response

    def get_json(self, url: str, params: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        """GET a JSON endpoint; HTML or malformed JSON is an error, not data."""
        response = self.get(url, params, **kwargs)
        full_url = f"{url}?{urlencode(params)}" if params else url
        try:
            return parse_json_body(response)
        except ValueError as error:
            if response.from_cache and kwargs.get("cache_key"):
                self._drop_cache(kwargs["cache_key"])
            raise FetchError(full_url, str(error), response.status) from error

    def check(self, url: str) -> Response:
        """Fetch a page only to see where it leads (link checks): no cache, any status returned."""
        return self._fetch(url, frozenset(), allow_any_status=True)

    # -- internals --------------------------------------------------------------------

    def _fetch(self, url: str, no_retry: frozenset[int], allow_any_status: bool = False) -> Response:
        attempt = 0
        while True:
            self._respect_rate_limit(url)
            self.requests_made += 1
            try:
                raw = self.session.get(url, timeout=self.timeout, allow_redirects=True)
            except requests.Timeout as error:
                reason = "timed out"
                if attempt >= self.retries:
                    raise FetchError(url, f"{reason} after {attempt + 1} attempts") from error
                self._wait(self._backoff_for(attempt), url, reason)
                attempt += 1
                continue
            except requests.RequestException as error:
                reason = f"connection failed ({type(error).__name__})"
                if attempt >= self.retries:
                    raise FetchError(url, f"{reason} after {attempt + 1} attempts") from error
                self._wait(self._backoff_for(attempt), url, reason)
                attempt += 1
                continue
            status = raw.status_code
            if status in RETRY_STATUSES and status not in no_retry and attempt < self.retries:
                delay = retry_after_seconds(raw.headers.get("Retry-After"))
                self._wait(
                    min(delay, self.max_backoff) if delay is not None else self._backoff_for(attempt),
                    url,
                    f"HTTP {status}",
                )
                attempt += 1
                continue
            if status in RETRY_STATUSES and status not in no_retry and not allow_any_status:
                raise FetchError(url, f"HTTP {status} after {attempt + 1} attempts", status)
            return Response(
                url=raw.url or url,
                status=status,
                body=raw.content or b"",
                content_type=raw.headers.get("Content-Type", ""),
            )

    def _backoff_for(self, attempt: int) -> float:
        return min(self.backoff * (2**attempt), self.max_backoff)

    def _wait(self, seconds: float, url: str, reason: str) -> None:
        log.info("%s: %s; retrying in %.1f s", url, reason, seconds)
        self.sleep(seconds)

    def _respect_rate_limit(self, url: str) -> None:
        host = urlsplit(url).netloc
        if self.min_interval <= 0:
            return
        last = self._last_request.get(host)
        now = time.monotonic()
        if last is not None and now - last < self.min_interval:
            self.sleep(self.min_interval - (now - last))
        self._last_request[host] = time.monotonic()

    def _cache_path(self, key: str) -> Path:
        assert self.cache_dir is not None
        safe = re.sub(r"[^A-Za-z0-9._/-]", "_", key).strip("/")
        if ".." in safe.split("/"):
            raise ValueError(f"bad cache key {key!r}")
        return self.cache_dir / f"{safe}.cache"

    def _read_cache(self, key: str | None) -> Response | None:
        if key is None or self.cache_dir is None or self.force:
            return None
        path = self._cache_path(key)
        try:
            written = path.stat().st_mtime
            if time.time() - written > self.max_age:
                return None
            if self.not_before is not None and written < self.not_before:
                return None
            header, _, body = path.read_bytes().partition(b"\n")
            meta = json.loads(header)
        except (OSError, ValueError):
            return None
        return Response(meta["url"], meta["status"], body, meta["content_type"], from_cache=True)

    def _write_cache(self, key: str | None, response: Response) -> None:
        if key is None or self.cache_dir is None:
            return
        path = self._cache_path(key)
        header = json.dumps(
            {"url": response.url, "status": response.status, "content_type": response.content_type}
        )
        atomic_write_bytes(path, header.encode() + b"\n" + response.body)

    def _drop_cache(self, key: str) -> None:
        try:
            self._cache_path(key).unlink()
        except OSError:
            pass


def parse_json_body(response: Response) -> Any:
    body = response.body.lstrip()
    if "html" in response.content_type.lower() or body[:1] == b"<":
        raise ValueError("expected JSON but got an HTML page (wrong path, or the site's app shell)")
    try:
        return json.loads(response.text())
    except json.JSONDecodeError as error:
        raise ValueError(f"malformed JSON ({error.msg} at character {error.pos})") from error


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is either seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
