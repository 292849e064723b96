"""Spell out each acronym the first time a page uses it (federal plain-language guidelines).

Markdown's abbreviation extension already wraps every acronym from the glossary in
<abbr title="...">; this pass turns the first one in a page's body into "Expansion (ACRONYM)",
unless the page already wrote it that way. Headings, links, code, table headers and form
labels are left alone, and so are citations ("79 FR 34334").

The HTML is Markdown's output, so its tags are balanced: one scan over the tags with a
regular expression tells which <abbr> sits inside an element to leave alone. (A full HTML
parse of every page took a tenth of a 20,000-ruling build.)
"""

from __future__ import annotations

import bisect
import html
import re

SKIP_PARENTS = frozenset(
    "a code pre h1 h2 h3 h4 h5 h6 th figcaption caption button label legend option".split()
)
# Comments, scripts and styles are skipped whole; otherwise each opening or closing tag.
_TOKEN = re.compile(
    r"<!--.*?-->|<(script|style)\b.*?</\1\s*>|<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>",
    re.DOTALL | re.IGNORECASE,
)
_ABBR = re.compile(r'<abbr title="([^"]*)">([^<]*)</abbr>')


def spell_out_first_use(page: str) -> str:
    if "<abbr" not in page:
        return page
    inside = _skipped_spans(page)
    seen: set[str] = set()
    pieces: list[str] = []
    done = 0
    for match in _ABBR.finditer(page):
        expansion, term = html.unescape(match.group(1)), match.group(2)
        if not expansion or term in seen or _within(inside, match.start()):
            continue
        written = html.escape(expansion, quote=False)
        # Only the text right around the acronym matters; no copies of the whole page.
        before = page[max(0, match.start() - len(written) - 8) : match.start()]
        after = page[match.end() : match.end() + len(written) + 2]
        if _in_citation(before, after):
            continue  # "79 FR 34334", "19 CFR 177.1": spelled out at the next plain use
        seen.add(term)
        if before.rstrip().endswith((f"{written} (", written)):
            continue  # already spelled out by the writer ("... Opportunity Act (AGOA)" or "... Act AGOA")
        if before.endswith("(") and after.startswith(")"):
            # "Center number (ACE)": "(Automated Commercial Environment, ACE)", not nested brackets
            pieces += [page[done : match.start()], f"{written}, ", match.group(0)]
            done = match.end()
        elif possessive := _possessive(page, match.end()):
            # "CBP's committee": "U.S. Customs and Border Protection's (CBP) committee", not
            # "... (CBP)'s committee"
            pieces += [
                _article(page[done : match.start()], written),
                f"{written}{possessive} (",
                match.group(0),
                ")",
            ]
            done = match.end() + len(possessive)
        else:
            # "the SAFE Port Act": "the Security and Accountability for Every Port Act (SAFE Port
            # Act)", the name kept whole in the brackets
            name_end = _name_ending(written, after)
            pieces += [
                _article(page[done : match.start()], written),
                f"{written} (",
                match.group(0),
                name_end,
                ")",
            ]
            done = match.end() + len(name_end)
    pieces.append(page[done:])
    return "".join(pieces)


def _skipped_spans(page: str) -> list[tuple[int, int]]:
    """(start, end) of every outermost element whose acronyms stay as they are."""
    spans = []
    depth, start = 0, 0
    for token in _TOKEN.finditer(page):
        name = token.group(3)
        if name is None or name.lower() not in SKIP_PARENTS:
            continue
        if token.group(2):  # closing tag
            if depth == 1:
                spans.append((start, token.end()))
            depth = max(depth - 1, 0)
        else:
            if depth == 0:
                start = token.start()
            depth += 1
    return spans


def _within(spans: list[tuple[int, int]], position: int) -> bool:
    """Whether a position falls in one of the (sorted, disjoint) spans."""
    index = bisect.bisect_right(spans, (position, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= position < spans[index][1]


def _in_citation(before: str, after: str) -> bool:
    """A volume or title number before and a page or section number after, as in a citation."""
    return re.search(r"\d\s$", before[-2:]) is not None and re.match(r"\s\d", after) is not None


_AN_BEFORE = re.compile(r"(?<![A-Za-z])([Aa])n(\s+)$")


def _article(text: str, expansion: str) -> str:
    """ "an HTS number" spelled out is "a Harmonized Tariff Schedule (HTS) number": the article
    before the acronym follows the spelled-out name."""
    if expansion[:1].lower() in "aeiou":
        return text
    return text[:-12] + _AN_BEFORE.sub(r"\1\2", text[-12:])


_POSSESSIVE = re.compile(r"(?:'|&#39;|&#x27;|\u2019|&rsquo;)s(?![A-Za-z0-9])")


def _possessive(page: str, position: int) -> str:
    """The possessive ending ("'s", as Markdown may have escaped it) right after an acronym."""
    found = _POSSESSIVE.match(page, position)
    return found.group(0) if found else ""


def _name_ending(expansion: str, after: str) -> str:
    """The words after an acronym that end its expansion too (" Port Act" after "SAFE" when SAFE
    stands for "... Every Port Act"): the acronym is part of a name, spelled out whole."""
    words = expansion.split()
    for count in range(len(words) - 1, 0, -1):
        ending = " " + " ".join(words[-count:])
        if after.startswith(ending) and not after[len(ending) : len(ending) + 1].isalnum():
            return ending
    return ""


_CAPTION_PREFIX = re.compile(r'(<span class="caption-prefix">[^<]*</span>)(?=<)')


def space_after_caption_prefix(page: str) -> str:
    """pymdownx's caption writes "Table 2." and the caption with no space between them when the
    caption starts with markup, as a caption that starts with an acronym does."""
    return _CAPTION_PREFIX.sub(r"\1 ", page) if "caption-prefix" in page else page
