"""A minimal iCalendar (RFC 5545) writer for the outreach events page."""

from __future__ import annotations

import datetime as dt
import hashlib

from .models import Event


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return [line]
    parts, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return [parts[0], *(" " + part for part in parts[1:])]


def calendar(events: list[Event], stamp: dt.date, center_names: dict[str, str]) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//ceeatlas//Center outreach events//EN",
        "CALSCALE:GREGORIAN",
    ]
    for event in sorted(events, key=lambda e: (e.start, e.title)):
        if event.start_precision != "day":
            continue  # "August 2013": a calendar entry would invent the day
        uid = hashlib.sha1(f"{event.start}|{event.title}".encode()).hexdigest()[:16]
        end = (event.end or event.start) + dt.timedelta(days=1)  # DTEND is exclusive for dates
        centers = ", ".join(center_names[c] for c in event.centers) or "All Centers"
        description = f"{centers}. Source: {event.sources[0].url}" + (f". {event.note}" if event.note else "")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}@ceeatlas",
            f"DTSTAMP:{stamp.strftime('%Y%m%d')}T000000Z",
            f"DTSTART;VALUE=DATE:{event.start.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{end.strftime('%Y%m%d')}",
            f"SUMMARY:{_escape(event.title)}",
            f"DESCRIPTION:{_escape(description)}",
        ]
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(folded + "\r\n" for line in lines for folded in _fold(line))
