"""Spell out each acronym the first time a page uses it (federal plain-language guidelines).

Markdown's abbreviation extension already wraps every acronym from the glossary in
<abbr title="...">; this pass turns the first one in a page's body into "Expansion (ACRONYM)",
unless the page already wrote it that way. Headings, links and code are left alone.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString

SKIP_PARENTS = {
    "a",
    "code",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "th",
    "figcaption",
    "caption",
    "button",
    "label",
    "legend",
    "option",
}


def spell_out_first_use(html: str) -> str:
    if "<abbr" not in html:
        return html
    soup = BeautifulSoup(html, "html.parser")
    seen: set[str] = set()
    for abbr in soup.find_all("abbr"):
        term, expansion = abbr.get_text(), abbr.get("title")
        if not expansion or term in seen:
            continue
        if any(parent.name in SKIP_PARENTS for parent in abbr.parents):
            continue
        before, after = abbr.previous_sibling, abbr.next_sibling
        if _in_citation(before, after):
            continue  # "79 FR 34334", "19 CFR 177.1": spelled out at the next plain use
        seen.add(term)
        if isinstance(before, NavigableString) and before.rstrip().endswith(f"{expansion} ("):
            continue  # already spelled out by the writer
        abbr.insert_before(NavigableString(f"{expansion} ("))
        abbr.insert_after(NavigableString(")"))
    return str(soup)


def _in_citation(before, after) -> bool:
    """A volume or title number before and a page or section number after, as in a citation."""
    return (
        isinstance(before, NavigableString)
        and isinstance(after, NavigableString)
        and re.search(r"\d\s$", str(before)) is not None
        and re.match(r"\s\d", str(after)) is not None
    )
