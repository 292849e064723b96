"""The HTSUS as this site holds it (data/hts/): every number explained in words, the numbers each
kept release had, and a word search over the descriptions.

A row's full description is its chain: the nearest rows above it with a smaller indent,
unnumbered rows such as "Men's or boys':" included. 6109.10.00.12 reads: "T-shirts, singlets ...
> Of cotton > Men's or boys': > Other T-shirts: > Men's (338)".

The browser does the same from the files ceeatlas.site.reference writes (hts-lookup.js mirrors
`chain`, `terms` and `rank`; tests/test_hts_js.py compares the two).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .hts import htsus_form
from .models import HtsRelease
from .store import HTS_RELEASES, HTS_SCHEDULE, read_hts

USITC_SEARCH = "https://hts.usitc.gov/search?query={number}"
# Words that carry no meaning for finding goods; "other" and "nesoi" label residual lines.
STOPWORDS = frozenset(
    "the and for with other not than any its all from are but has have which whether such this that these "
    "those per each more less being nesoi thereof parts part articles article including excluding".split()
)
WORD_CHAPTERS = range(1, 98)  # chapters 98 and 99 are special provisions, not goods to find by words


def stem(word: str) -> str:
    """A plural's singular, roughly: "undershirts" -> "undershirt", "batteries" -> "battery".
    The browser's copy (hts-lookup.js) must give the same answer."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms(text: str) -> list[str]:
    """The searchable words of a text, stemmed, in order of first use, without stopwords."""
    found: dict[str, None] = {}
    for word in re.findall(r"[a-z]{3,}", text.lower()):
        if word not in STOPWORDS:
            found.setdefault(stem(word), None)
    return list(found)


@dataclass(frozen=True)
class Line:
    """One row of the schedule, with the index of the row its chain continues in (-1: none)."""

    index: int
    htsno: str  # "" for a description row
    indent: int
    description: str
    units: tuple[str, ...]
    parent: int

    @property
    def digits(self) -> str:
        return self.htsno.replace(".", "")


@dataclass(frozen=True, slots=True)
class TariffStatus:
    """What the held releases say of one tariff number of a ruling."""

    kind: str  # "current" | "not_current" | "newer" (the ruling is newer than the newest release held)
    nearest: str | None = None  # for not_current: the longest part of the number that is current
    last_seen: str | None = None  # for not_current: the newest kept release that still had it

    @property
    def obsolete(self) -> bool:
        return self.kind == "not_current"


STATUS_MEMO = 50_000  # distinct numbers remembered by Schedule.tariff_status


@dataclass
class Schedule:
    releases: list[HtsRelease]  # kept releases, oldest first; the last one is `lines`
    lines: list[Line]
    _numbers: dict[str, int] = field(default_factory=dict)  # digits -> index of a numbered line
    # A digest of the data the schedule was read from: outputs made from it can be kept between builds.
    source_digest: str = ""
    # (digits, ruling newer than the release) -> TariffStatus: rulings cite the same numbers again
    # and again. Bounded, for a corpus of numbers cited once each.
    _statuses: dict[tuple[str, bool], TariffStatus] = field(default_factory=dict, repr=False)
    # One object per distinct status (there are at most as many as lines): 200,000 rulings citing
    # obsolete numbers then share a few thousand, in memory and in the build's cache.
    _interned: dict[TariffStatus, TariffStatus] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._numbers = {line.digits: line.index for line in self.lines if line.htsno}

    @property
    def release(self) -> HtsRelease:
        return self.releases[-1]

    # -- single numbers -------------------------------------------------------------------

    @cached_property
    def headings(self) -> dict[str, int]:
        """Heading (4 digits) -> index of its first line. Some headings have no 4-digit row of
        their own (6216 starts at 6216.00); their first numbered row stands for them."""
        found: dict[str, int] = {}
        for line in self.lines:
            if line.htsno and line.indent == 0:
                found.setdefault(line.digits[:4], line.index)
        return found

    @cached_property
    def _subheadings_without_rows(self) -> dict[str, int]:
        """6- and 8-digit numbers that have no row of their own -> the line that stands for them.

        USITC writes a subheading with a single line under it as that line: 2801.10.00.00 is also
        2801.10 and 2801.10.00, and 0106.12.01.00 is also 0106.12. A number is in the release when
        a line extends it; its line is the broadest one that does, or, when several lines share
        that level (3407.00 is 3407.00.20 and 3407.00.40), the numbered line above them."""
        under: dict[str, list[Line]] = defaultdict(list)
        for line in self.lines:
            for length in (6, 8):
                if len(line.digits) > length and line.digits[:length] not in self._numbers:
                    under[line.digits[:length]].append(line)
        found: dict[str, int] = {}
        for digits, lines in under.items():
            broadest = min(line.indent for line in lines)
            top = [line for line in lines if line.indent == broadest]
            line = top[0]
            if len(top) > 1:
                while line.parent >= 0 and (not line.htsno or line.digits.startswith(digits)):
                    line = self.lines[line.parent]
                if not line.htsno:  # no numbered line above them (chapters 98, 99): the heading's
                    line = self.lines[self.headings.get(digits[:4], top[0].index)]
            found[digits] = line.index
        return found

    def find(self, digits: str) -> Line | None:
        """The line of a number at its own level, or None when the release does not have it."""
        if len(digits) == 4:
            index = self.headings.get(digits)
        else:
            index = self._numbers.get(digits)
            if index is None and len(digits) in (6, 8):
                index = self._subheadings_without_rows.get(digits)
        return self.lines[index] if index is not None else None

    def exists(self, digits: str) -> bool:
        return self.find(digits) is not None

    def chain(self, line: Line) -> list[Line]:
        """The line and the lines above it that it reads under, broadest first."""
        found = [line]
        while found[-1].parent >= 0:
            found.append(self.lines[found[-1].parent])
        return list(reversed(found))

    def chain_text(self, line: Line) -> str:
        return " > ".join(part.description.rstrip(":") for part in self.chain(line))

    def nearest_parent(self, digits: str) -> Line | None:
        """The longest existing number that `digits` extends (a heading at least)."""
        for length in (8, 6, 4):
            if len(digits) > length:
                line = self.find(digits[:length])
                if line is not None:
                    return line
        return None

    def numbered_children(self, line: Line | None, chapter: str = "") -> list[Line]:
        """The numbered lines one level below `line` (the headings of `chapter` when None):
        the choices a trader has under it."""
        if line is None:
            return [self.lines[index] for heading, index in self.headings.items() if heading[:2] == chapter]
        below: list[Line] = []
        for candidate in self.lines[line.index + 1 :]:
            if candidate.indent <= line.indent:
                break
            if candidate.htsno and len(candidate.digits) > len(line.digits):
                below.append(candidate)
        shortest = min((len(item.digits) for item in below), default=0)
        return [item for item in below if len(item.digits) == shortest]

    def heading_description(self, heading: str) -> str | None:
        line = self.find(heading)
        return line.description.rstrip(":") if line else None

    # -- releases -------------------------------------------------------------------------

    @cached_property
    def _numbers_by_release(self) -> dict[str, frozenset[str]]:
        """Release name -> the numbers (digits) it had, walking back from the newest."""
        numbers = set(self._numbers)
        found = {self.release.name: frozenset(numbers)}
        for newer, older in zip(reversed(self.releases), reversed(self.releases[:-1]), strict=False):
            numbers = (numbers - {n.replace(".", "") for n in newer.added}) | {
                n.replace(".", "") for n in newer.dropped
            }
            found[older.name] = frozenset(numbers)
        return found

    def had(self, release: str, digits: str) -> bool:
        """Whether a kept release had a number (a heading: any line of it)."""
        numbers = self._numbers_by_release[release]
        if digits in numbers:
            return True
        # A heading, or a subheading written as the single line under it (see find()).
        return len(digits) < 10 and any(number.startswith(digits) for number in numbers)

    def tariff_status(self, tariff: str, ruling_date: dt.date) -> TariffStatus:
        """A ruling's number against the held releases. A number the newest release lacks is
        "not in the current HTSUS" only if the ruling is not newer than that release: a ruling
        dated after it may cite a number a later release added."""
        digits = tariff.replace(".", "")
        key = (digits, ruling_date > self.release.published)
        found = self._statuses.get(key)
        if found is None:
            if len(self._statuses) >= STATUS_MEMO:
                self._statuses.clear()
            status = self._tariff_status(digits, key[1])
            found = self._statuses[key] = self._interned.setdefault(status, status)
        return found

    def _tariff_status(self, digits: str, newer_than_release: bool) -> TariffStatus:
        if self.exists(digits):
            return TariffStatus("current")
        if newer_than_release:
            return TariffStatus("newer")
        nearest = self.nearest_parent(digits)
        last_seen = next(
            (release.name for release in reversed(self.releases[:-1]) if self.had(release.name, digits)), None
        )
        return TariffStatus("not_current", nearest.htsno if nearest else None, last_seen)

    # -- words ----------------------------------------------------------------------------

    @cached_property
    def searchable(self) -> list[Line]:
        """Numbered lines of chapters 01-97, the lines a word search can answer with."""
        return [line for line in self.lines if line.htsno and int(line.digits[:2]) in WORD_CHAPTERS]

    @cached_property
    def postings(self) -> dict[str, tuple[list[int], list[int]]]:
        """Term -> (lines whose own description has it, lines that have it only above them)."""
        found: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        own: dict[int, frozenset[str]] = {}
        chain: dict[int, frozenset[str]] = {}  # a line's terms and those of every line above it

        def own_terms(index: int) -> frozenset[str]:
            if index not in own:
                own[index] = frozenset(terms(self.lines[index].description))
            return own[index]

        def chain_terms(index: int) -> frozenset[str]:
            # Parents come before their children in the schedule, so this recursion is shallow
            # in practice (a chain is at most a dozen lines) and each line is stemmed once.
            if index not in chain:
                parent = self.lines[index].parent
                above = chain_terms(parent) if parent >= 0 else frozenset()
                chain[index] = own_terms(index) | above
            return chain[index]

        for line in self.searchable:
            mine = own_terms(line.index)
            above = chain_terms(line.parent) if line.parent >= 0 else frozenset()
            for term in mine:
                found[term][0].append(line.index)
            for term in above - mine:
                found[term][1].append(line.index)
        return dict(found)

    def search(
        self, text: str, limit: int = 25, synonyms: dict[str, list[str]] | None = None
    ) -> list[tuple[Line, float, list[str]]]:
        """Lines best matching some words: (line, score, the query words it matched), best first.
        `synonyms` maps a (stemmed) word to schedule words that count for it too."""
        groups = word_groups(text, synonyms or {})
        return [
            (self.lines[index], score, matched)
            for index, score, matched in rank(self.postings, len(self.searchable), groups, limit)
        ]


SYNONYM_WEIGHT = 0.5  # a schedule word found for a trader's word counts half as much as the word


def synonym_map(entries) -> dict[str, list[str]]:
    """Curated synonyms (centers/hts-synonyms.yaml) -> stemmed word -> stemmed schedule words."""
    found: dict[str, list[str]] = {}
    for entry in entries:
        schedule_words = [stem(word) for word in entry.schedule_words]
        for word in entry.words:
            found[stem(word)] = schedule_words
    return found


def word_groups(text: str, synonyms: dict[str, list[str]]) -> list[list[str]]:
    """The query's words, each with the schedule words that count for it (the word first)."""
    return [[term, *synonyms.get(term, [])] for term in terms(text)]


def rank(postings, total: int, groups: list[list[str]], limit: int) -> list[tuple[int, float, list[str]]]:
    """(line index, score, query words matched), best first: lines matching more of the query's
    words first, then the higher score. A word scores idf(term), doubled when the line's own
    description has the term rather than a line above it, halved for a synonym; of a word's
    terms, the best one counts. The browser ranks the same way (hts-lookup.js)."""
    scores: dict[int, float] = defaultdict(float)
    matched: dict[int, list[str]] = defaultdict(list)
    for group in groups:
        best: dict[int, float] = {}
        for position, term in enumerate(group):
            own, above = postings.get(term, ([], []))
            count = len(own) + len(above)
            if not count:
                continue
            weight = math.log(1 + total / count) * (1 if position == 0 else SYNONYM_WEIGHT)
            for index in own:
                best[index] = max(best.get(index, 0.0), 2 * weight)
            for index in above:
                best[index] = max(best.get(index, 0.0), weight)
        for index, value in best.items():
            scores[index] += value
            matched[index].append(group[0])
    order = sorted(scores, key=lambda index: (-len(matched[index]), -round(scores[index], 9), index))[:limit]
    return [(index, scores[index], matched[index]) for index in order]


def build_lines(rows: list[list]) -> list[Line]:
    """Rows as kept ([htsno, indent, description, units]) -> lines with their parents."""
    lines: list[Line] = []
    stack: list[tuple[int, int]] = []  # (indent, index) of the open chain
    for index, (htsno, indent, description, units) in enumerate(rows):
        if htsno and indent == 0:
            stack = []  # a new heading: nothing above it but its chapter
        while stack and stack[-1][0] >= indent:
            stack.pop()
        lines.append(Line(index, htsno, indent, description, tuple(units), stack[-1][1] if stack else -1))
        stack.append((indent, index))
    return lines


def load_schedule(data_dir: Path) -> Schedule | None:
    held = read_hts(data_dir)
    if held is None:
        return None
    releases, rows = held
    digest = hashlib.blake2b(digest_size=16)
    for path in [data_dir / HTS_SCHEDULE, *sorted((data_dir / HTS_RELEASES).glob("*.json"))]:
        digest.update(path.read_bytes())
    return Schedule(releases, build_lines(rows), source_digest=digest.hexdigest())


def usitc_link(digits: str) -> str:
    """The number's page on hts.usitc.gov (the form public clients use; not documented by USITC)."""
    return USITC_SEARCH.format(number=htsus_form(digits))
