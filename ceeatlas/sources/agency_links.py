"""Check the guidance URL of every curated Partner Government Agency.

Records the HTTP status, the final URL after redirects and the date the result was first seen.
It never edits centers/: results go to data/links/agencies.jsonl.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from urllib.parse import urlsplit

from ceeatlas.http import Cause, FetchError, HttpClient
from ceeatlas.models import Agency, LinkCheck

NAME = "pga"
# Enough to check today's dozen or so agencies at once; a bound so that a much longer list
# does not open dozens of connections from one machine.
MAX_WORKERS = 8


@dataclass(frozen=True)
class AgencyCheck:
    agency: Agency
    result: LinkCheck
    no_answer: Cause | None  # why no server answered at all; None when one did, whatever it said


def check_agency(
    client: HttpClient, agency: Agency, today: dt.date, previous: LinkCheck | None
) -> AgencyCheck:
    assert agency.guidance_url is not None
    no_answer = None
    try:
        response = client.check(agency.guidance_url)
        status, final_url, error = response.status, response.url, None
        ok = status < 400
    except FetchError as failure:
        status, final_url, error, ok = failure.status, None, failure.reason, False
        no_answer = failure.cause
    result = {
        "agency": agency.id,
        "url": agency.guidance_url,
        "ok": ok,
        "status": status,
        "final_url": final_url,
        "error": error,
    }
    if previous is not None and previous.model_dump(exclude={"checked"}) == result:
        # unchanged: keep the date it was first seen, so the file does not change
        return AgencyCheck(agency, previous, no_answer)
    return AgencyCheck(agency, LinkCheck(**result, checked=today), no_answer)


def check_agencies(
    client: HttpClient,
    agencies: Sequence[Agency],
    today: dt.date,
    previous: Mapping[str, LinkCheck],
    progress: Callable[[int, int], None] | None = None,
    max_workers: int = MAX_WORKERS,
) -> list[AgencyCheck]:
    """Check every agency's URL, hosts at the same time; results in the order of `agencies`.

    One worker takes all the URLs of one host, one after the other, so no host sees more than
    the client's rate limit allows, while a slow or failing host holds up no other."""
    by_host: dict[str, list[int]] = {}
    for index, agency in enumerate(agencies):
        assert agency.guidance_url is not None
        # The rate limiter's key too: one worker per key means one queue per rate limit.
        by_host.setdefault(urlsplit(agency.guidance_url).netloc, []).append(index)
    results: list[AgencyCheck | None] = [None] * len(agencies)
    stopping = threading.Event()

    def check_host(indexes: list[int]) -> int:
        for index in indexes:
            if stopping.is_set():  # interrupted: start no new request
                break
            agency = agencies[index]
            results[index] = check_agency(client, agency, today, previous.get(agency.id))
        return len(indexes)

    done = 0
    pool = ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(by_host))), thread_name_prefix="pga")
    try:
        futures = [pool.submit(check_host, indexes) for indexes in by_host.values()]
        for future in as_completed(futures):
            done += future.result()
            if progress is not None:
                progress(done, len(agencies))
    except BaseException:
        # Ctrl-C or a bug in one worker: let the others finish their request and stop there.
        stopping.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        client.close_thread_sessions()
    return [result for result in results if result is not None]
