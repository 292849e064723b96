"""The one HTTP client. Every request to a source goes through `HttpClient`.

What it guarantees, so that source modules do not each reinvent it:
- an identifying User-Agent with the project's URL (some servers refuse anonymous clients);
- connect and read timeouts on every request;
- retries with exponential backoff on 429, 5xx, timeouts and dropped connections, honouring
  Retry-After; a failure that waiting cannot heal within a run (unknown host, network
  unreachable, connection refused, TLS handshake refused) fails at once, in plain words;
- a per-host rate limit (default one request per second) that holds across threads, and one
  requests.Session per thread (requests does not promise that a Session is thread-safe);
- an on-disk cache of raw responses under readable paths (cache/cross/search/...), which an
  interrupted pull reuses to resume without refetching (see `not_before` and pull.RunMarker);
  `force` bypasses it;
- refusal of empty bodies, and of HTML where JSON was expected (CROSS answers unknown paths
  with its web app's HTML and status 200).

tests/test_http.py checks that no other module in the package imports `requests`.
"""

from __future__ import annotations

import email.utils
import errno
import json
import logging
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
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


class Cause(StrEnum):
    """Why a request got no HTTP answer at all."""

    unknown_host = "unknown host"
    network_unreachable = "network unreachable"
    connection_refused = "connection refused"
    tls_refused = "TLS handshake refused"
    timed_out = "timed out"
    connection_failed = "connection failed"  # dropped or reset connections, and the rest


# getaddrinfo's answers for a name that does not exist (the others mean no answer came).
NO_SUCH_NAME = frozenset(
    code for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None)) if code
)

# Waiting seconds or minutes does not make a name resolve, a route appear, a closed port open or
# a certificate valid, so retrying these with backoff only made an offline run take minutes.
# Timeouts and dropped connections are often momentary and keep their retries.
CANNOT_HEAL = frozenset(
    {Cause.unknown_host, Cause.network_unreachable, Cause.connection_refused, Cause.tls_refused}
)


class FetchError(Exception):
    """A request failed for good (after retries); the message says why in one line.

    `status` is the HTTP status when a server answered; `cause` says why none did."""

    def __init__(self, url: str, reason: str, status: int | None = None, cause: Cause | None = None):
        self.url, self.reason, self.status, self.cause = url, reason, status, cause
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
    clock: Callable[[], float] = time.monotonic  # the rate limiter's clock (tests freeze it)
    requests_made: int = 0
    _last_request: dict[str, float] = field(default_factory=dict)  # host -> time of its latest slot
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _owner_thread: int = field(default_factory=threading.get_ident, repr=False)
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _thread_sessions: list[requests.Session] = field(default_factory=list, repr=False)

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

    def close_thread_sessions(self) -> None:
        """Close the sessions made for other threads; call it once those threads are done."""
        with self._lock:
            sessions, self._thread_sessions = self._thread_sessions, []
        for session in sessions:
            session.close()

    # -- internals --------------------------------------------------------------------

    def _fetch(self, url: str, no_retry: frozenset[int], allow_any_status: bool = False) -> Response:
        attempt = 0
        while True:
            self._respect_rate_limit(url)
            with self._lock:
                self.requests_made += 1
            try:
                raw = self._session().get(url, timeout=self.timeout, allow_redirects=True)
            except requests.RequestException as error:
                cause, reason = classify_failure(error, url)
                if cause in CANNOT_HEAL:
                    raise FetchError(url, reason, cause=cause) from error
                if attempt >= self.retries:
                    raise FetchError(url, f"{reason} after {attempt + 1} attempts", cause=cause) from error
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
        if self.min_interval <= 0:
            return
        host = urlsplit(url).netloc
        # Book this request's slot under the lock and wait outside it: threads sharing a host
        # queue one interval apart instead of all seeing the same last request and going at
        # once, and a thread waiting for one host never holds up the others.
        with self._lock:
            now = self.clock()
            last = self._last_request.get(host)
            slot = now if last is None else max(now, last + self.min_interval)
            self._last_request[host] = slot
        if slot > now:
            self.sleep(slot - now)

    def _session(self) -> requests.Session:
        """`session` in the thread that made the client; a session of their own in the others.

        requests' maintainers advise one Session per thread: a shared one can, for instance,
        hand a thread a connection pool that another thread is evicting (psf/requests#1871)."""
        if threading.get_ident() == self._owner_thread:
            return self.session
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers.update(self.session.headers)
            self._local.session = session
            with self._lock:
                self._thread_sessions.append(session)
        return session

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
        # Safe from several threads: each write goes to a temporary file of its own, which then
        # replaces the entry in one step, so a reader sees the old entry or the new, never half.
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


def classify_failure(error: requests.RequestException, url: str) -> tuple[Cause, str]:
    """Why a request got no answer, and that reason in plain words.

    requests wraps the socket's error a few layers deep (ConnectionError < MaxRetryError <
    NameResolutionError < socket.gaierror), so this looks down the whole chain."""
    chain = list(_causes(error))
    host = next((conn.host for conn in _connections(chain)), None) or urlsplit(url).hostname
    lookup = next((link for link in chain if isinstance(link, socket.gaierror)), None)
    if lookup is not None:
        if lookup.errno in NO_SUCH_NAME:
            return Cause.unknown_host, f"unknown host {host}"
        # Most often no DNS server is reachable: the host may exist, so say what happened.
        return Cause.unknown_host, f"unknown host {host} ({lookup.strerror or 'name lookup failed'})"
    if any(isinstance(link, ConnectionRefusedError) for link in chain):
        return Cause.connection_refused, "connection refused"
    if any(isinstance(link, OSError) and link.errno == errno.ENETUNREACH for link in chain):
        return Cause.network_unreachable, f"network unreachable (no route to {host})"
    dropped = any(isinstance(link, ConnectionResetError | ConnectionAbortedError) for link in chain)
    if isinstance(error, requests.exceptions.SSLError) and not dropped:
        tls = next((link for link in reversed(chain) if isinstance(link, ssl.SSLError)), None)
        return Cause.tls_refused, f"{Cause.tls_refused}: {_tls_words(tls) if tls else error}"
    if isinstance(error, requests.Timeout):
        return Cause.timed_out, "timed out"
    return Cause.connection_failed, f"connection failed ({type(error).__name__})"


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error and every error it was raised from or wraps, outermost first."""
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        link = pending.pop(0)
        if id(link) in seen:
            continue
        seen.add(id(link))
        yield link
        wrapped = [link.__cause__, link.__context__, getattr(link, "reason", None), *link.args]
        pending.extend(item for item in wrapped if isinstance(item, BaseException))


def _connections(chain: list[BaseException]) -> Iterator[Any]:
    """urllib3's connection objects named in the chain: they know the host that failed, which
    after a redirect is not the host of the URL asked for."""
    for link in chain:
        conn = getattr(link, "conn", None)
        if getattr(conn, "host", None):
            yield conn


def _tls_words(error: ssl.SSLError) -> str:
    """'[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)' -> 'wrong version number'."""
    text = error.strerror or str(error)
    text = re.sub(r"^\[[^\]]*\]\s*", "", text)
    return re.sub(r"\s*\(_ssl\.c:\d+\)$", "", text)


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
