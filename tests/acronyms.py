"""Find the acronyms a page uses in its own text (not in link targets or source titles)."""

from __future__ import annotations

import html
import re

# Not acronyms a reader needs spelled out: Roman numerals (HTS sections, tiers), U.S. state codes
# in addresses, and everyday abbreviations.
ROMAN = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")
STATES = {"CA", "FL", "GA", "IL", "MI", "NJ", "NY", "OH", "SC", "TX", "VA", "WA", "DC"}
# HM: only in "HM Revenue and Customs", which is written out.
EVERYDAY = {
    "CSV",
    "JSON",
    "YYYY-MM-DD",
    "HM",
    "URL",
    "FAQ",
    "FAQS",
    "ID",
    "IT",
    "US",
    "UK",
    "EU",
    "PDF",
    "JFK",
    "USB",
    "LED",
    "PVC",
    "OR",
    "AND",
    "NOT",
}


def acronyms_in(markdown: str) -> set[str]:
    text = html.unescape(markdown)  # generated pages escape "&" in "FP&F"
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", " ", text)  # links: their titles are publishers' names
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"^\*\[[^\]]+\]:.*$", " ", text, flags=re.M)  # abbreviation definitions
    text = re.sub(r"^---\n.*?\n---\n", " ", text, flags=re.S)  # front matter
    found = set()
    for token in re.findall(r"\b[A-Z][A-Z0-9]*(?:[-/&][A-Z0-9]+)*\b", text):
        bare = token.split("-")[0] if re.fullmatch(r"[A-Z]+-\d+", token) else token
        if len(bare) < 2 or not re.search(r"[A-Z]{2}", bare) or re.search(r"\d{3,}", bare):
            continue
        if ROMAN.match(bare) or bare in STATES or bare in EVERYDAY:
            continue
        found.add(token)
    return found
