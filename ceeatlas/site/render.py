"""The rendering kit every page module uses: the Jinja environment and the filters through which
every value from data reaches a page, escaped."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from ceeatlas.hts import tariff_htsus
from ceeatlas.models import Certainty, ScopeBasis, Source
from ceeatlas.pulled import cbp_label, ruling_hts, subject_shown

BASIS_LABELS = {
    ScopeBasis.cbp_notice: "CBP notice",
    ScopeBasis.federal_register: "Federal Register (trade-press summary)",
    ScopeBasis.industry_description: "Approximate: inferred from industry description",
}
CERTAINTY_LABELS = {
    Certainty.confirmed: "Confirmed",
    Certainty.reported: "Reported by secondary sources",
    Certainty.uncertain: "Uncertain",
}
# Where a seeded ICP's title was seen (Icp.title_seen), in words.
ICP_SEEN_WORDS = {
    "listing": "Title on CBP's listing page as captured (this site could not read the live page)",
    "listing-2016": "Title seen only on a 2016 capture of CBP's listing; CBP may have withdrawn it",
    "elsewhere": "Title seen only in trade press or copies of the publication, not on CBP's listing as "
    "captured; CBP may have withdrawn it",
}
MONTHS = "January February March April May June July August September October November December".split()


def cell(value: object) -> Markup:
    """Text safe inside a Markdown table cell: HTML-escaped, pipes and line breaks neutralised."""
    text = str(escape("" if value is None else value))
    text = text.replace("|", "&#124;").replace("\r", " ").replace("\n", " ")
    # Markdown emphasis and link syntax in data should print as typed, not format the page.
    text = re.sub(r"([\\`*_\[\]])", r"\\\1", text)
    return Markup(text)


def safe_url(value: str | None) -> str | None:
    """An http(s) URL with characters that would end a Markdown link percent-encoded; else None."""
    if not value:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(value.strip(), safe=":/?#[]@!$&'*+,;=%~")


def link(text: object, url: str | None) -> Markup:
    """A Markdown link, or plain escaped text when the URL is missing or not http(s)."""
    target = safe_url(url)
    label = cell(text)
    if target is None:
        return label
    return Markup(f"[{label}]({escape(target)})")


def date_text(value: dt.date | None, precision: str = "day") -> str:
    if value is None:
        return "unknown"
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return f"{MONTHS[value.month - 1]} {value.year}"
    return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"


def iso(value: dt.date) -> str:
    return value.isoformat()


def text_html(value: str) -> str:
    """HTML-escaped text as a plain str (no Markup wrapper to carry through f-strings)."""
    return str(escape(value))


def chapter_label(chapters: list[str]) -> str:
    """Collapse ['01', '02', '03', '05'] into '01-03, 05'."""
    runs: list[list[int]] = []
    for number in sorted(int(c) for c in chapters):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return ", ".join(f"{a:02d}" if a == b else f"{a:02d}-{b:02d}" for a, b in runs)


def sources_of(obj: object) -> list[Source]:
    """Every Source reachable from a model, in first-seen order, without duplicates."""
    found: dict[str, Source] = {}

    def walk(value: object) -> None:
        if isinstance(value, Source):
            found.setdefault(value.url, value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif hasattr(value, "__pydantic_fields__"):
            for name in type(value).model_fields:
                walk(getattr(value, name))

    walk(obj)
    return list(found.values())


def make_environment(
    read_dates: set[dt.date],
    code_names: dict[str, str] | None = None,
    hts_notes: dict | None = None,
    release: str = "",
) -> Environment:
    """`read_dates` are the days this project read undated sources on (SharedFacts.read_dates):
    such a source carries one as its as_of, and the `source_date` filter says so. `code_names` maps ACE Center
    codes to Center names for CBP's own label on rulings; `hts_notes` (Routing.hts_notes) and
    `release` (the newest HTSUS release's title) mark numbers the release lacks."""
    env = Environment(
        loader=PackageLoader("ceeatlas", "templates"),
        autoescape=True,  # Markdown templates too: data reaches them as escaped text
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

    def source_date(value: dt.date, iso_form: bool = False) -> str:
        # Rather than let a reader take the read date for a publication date.
        shown = value.isoformat() if iso_form else date_text(value)
        return f"undated, read {shown}" if value in read_dates else shown

    env.filters.update(
        cell=cell,
        link=link,
        date_text=date_text,
        iso=iso,
        safe_url=safe_url,
        tariff_htsus=tariff_htsus,
        source_date=source_date,
        ruling_hts=lambda ruling: ruling_hts(ruling, (hts_notes or {}).get(ruling.number), release),
        cbp_label=lambda ruling: cbp_label(ruling, code_names or {}),
        subject_shown=subject_shown,
    )
    env.globals.update(
        basis_labels=BASIS_LABELS, certainty_labels=CERTAINTY_LABELS, icp_seen_words=ICP_SEEN_WORDS
    )
    # An event with no Centers listed is for all of them.
    env.tests["contains_center"] = lambda centers, center_id: not centers or center_id in centers
    return env
