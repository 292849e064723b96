"""Check the guidance URL of every curated Partner Government Agency.

Records the HTTP status, the final URL after redirects and the date the result was first seen.
It never edits centers/: results go to data/links/agencies.jsonl.
"""

from __future__ import annotations

import datetime as dt

from ceeatlas.http import FetchError, HttpClient
from ceeatlas.models import Agency, LinkCheck

NAME = "pga"


def check_agency(client: HttpClient, agency: Agency, today: dt.date, previous: LinkCheck | None) -> LinkCheck:
    assert agency.guidance_url is not None
    try:
        response = client.check(agency.guidance_url)
        status, final_url, error = response.status, response.url, None
        ok = status < 400
    except FetchError as failure:
        status, final_url, error, ok = failure.status, None, failure.reason, False
    result = {
        "agency": agency.id,
        "url": agency.guidance_url,
        "ok": ok,
        "status": status,
        "final_url": final_url,
        "error": error,
    }
    if previous is not None and previous.model_dump(exclude={"checked"}) == result:
        return previous  # unchanged: keep the date it was first seen, so the file does not change
    return LinkCheck(**result, checked=today)
