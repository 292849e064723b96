"""The rulings search index (Whoosh, from the whoosh-reloaded package), behind one small API.

Nothing else in the project imports whoosh, so the engine can be swapped by rewriting this
module alone. The schema is lean on purpose: ruling subjects, full text only where it was
pulled, and exact-match keyword fields. HTS numbers are indexed as explicit prefixes (8471,
847130, 84713001, 8471300100) because wildcard queries are slow in Whoosh. The ruling date is a
column, not indexed terms: newest-first order and date ranges read the whole column into one
array when a searcher opens, then every query is one pass over its postings.

The index lives in cache/index/ (not committed). `sync` brings it up to date with data/: a
fresh checkout builds it once, and after a pull only the rulings that changed are rewritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import json
import os
import re
import sys
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.columns import EmptyColumnReader, NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.qparser import MultifieldParser, OrGroup
from whoosh.query import And, Every, Or, Prefix, Term

if TYPE_CHECKING:
    from .models import Ruling

STATE_FILE = "atlas-state.json"
# Words that carry no topic in ICP titles and Center descriptions.
RELATED_STOPWORDS = frozenset(
    "the of and for from with a an in on to or by as at its under what every member trade community should know "
    "about classification htsus heading headings".split()
)
# 2: date is a column only; keyword fields keep lengths. 3: fingerprints of the indexed fields,
# and the caller's record of the data it indexed ("sources"). 4: CBP's own Center label (cbp),
# numbers read from the letter among the hts tokens; whether the numbers are in the HTSUS held.
INDEX_VERSION = 4
SORTS = ("date", "relevance")


def _schema() -> Schema:
    return Schema(
        number=ID(stored=True, unique=True),
        subject=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        text=TEXT(analyzer=StemmingAnalyzer()),
        # scorable: with a length column, Whoosh stops checking the disk for one (a stat call
        # per posting, a fifth of the build time).
        hts=KEYWORD(commas=True, lowercase=False, scorable=True),
        center=KEYWORD(commas=True, lowercase=False, stored=True, scorable=True),
        cbp=KEYWORD(commas=True, lowercase=False, stored=True),  # "electronics,CEE007": id and code
        hts_status=KEYWORD(commas=True, lowercase=False, stored=True),
        collection=ID(stored=True),
        status=ID(stored=True),
        # YYYYMMDD in a column only: sorting and date ranges read the column (see _date_column);
        # an indexed NUMERIC field added eight terms per ruling that no query used.
        date=COLUMN(NumericColumn("I")),
        tariffs=STORED(),
    )


@dataclass(frozen=True)
class Routed:
    """What the index holds for a ruling besides the ruling itself: how the site routes it."""

    centers: tuple[str, ...] = ()
    # The Center CBP names in its own label, as "<center id>,<ACE code>" (a code no Center
    # carries stands alone), so that either finds it.
    cbp: str = ""
    # "current" when every number is in the newest HTSUS release held; else "not_current"
    # and/or "newer" (see ceeatlas.pulled.tariff_notes), comma-separated.
    hts_status: str = "current"


def hts_tokens(tariffs: Iterable[str]) -> list[str]:
    """Every prefix level of each 10-digit tariff: 8471, 847130, 84713001, 8471300100."""
    tokens = set()
    for tariff in tariffs:
        digits = tariff.replace(".", "")
        for length in (4, 6, 8, 10):
            if len(digits) >= length:
                tokens.add(digits[:length])
    return sorted(tokens)


def _fingerprint(ruling: Ruling, routed: Routed, text: str | None) -> str:
    """A digest of what the index holds for a ruling, so a change elsewhere in the record
    (categories, links, fetch date) does not rewrite its document."""
    payload = json.dumps(
        [
            ruling.subject,
            text or "",
            ruling.tariffs,
            ruling.letter_tariffs,
            routed.centers,
            routed.cbp,
            routed.hts_status,
            ruling.collection,
            ruling.status.value,
            ruling.date.isoformat(),
        ],
        ensure_ascii=False,
    )
    return hashlib.blake2b(payload.encode(), digest_size=8).hexdigest()


def _document(ruling: Ruling, routed: Routed, text: str | None) -> dict:
    return {
        "number": ruling.number,
        "subject": ruling.subject,
        "text": text or "",
        # A ruling routed by the number its letter gives is found by that number too.
        "hts": ",".join(hts_tokens([*ruling.tariffs, *ruling.letter_tariffs])),
        "center": ",".join(routed.centers),
        "cbp": routed.cbp,
        "hts_status": routed.hts_status,
        "collection": ruling.collection,
        "status": ruling.status.value,
        "date": _day_number(ruling.date),
        "tariffs": ruling.tariffs,
    }


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    rebuilt: bool = False
    related_written: bool = False  # set by the caller that refreshes data/related.json


def read_state(folder: Path) -> dict | None:
    """The index's record of itself: "fingerprints" (ruling number -> digest of its document)
    and "sources" (what the caller stored with the last sync, see `update`). None when there is
    no index this version of the code can update."""
    path = folder / STATE_FILE
    if not (whoosh_index.exists_in(str(folder)) and path.exists()):
        return None
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # unreadable: the index is rebuilt from data/, which loses nothing
    return state if isinstance(state, dict) and state.get("version") == INDEX_VERSION else None


def sync(
    folder: Path,
    rulings: Iterable[Ruling],
    routed: dict[str, Routed],
    texts: dict[str, str] | None = None,
    procs: int = 1,
    sources: dict | None = None,
    state: dict | None = None,
) -> SyncReport:
    """Make the index hold exactly `rulings`, rewriting only documents whose content changed.

    `sources` is stored as is with the index; the caller uses it to tell, next time, which
    rulings may have changed (see `update`). `state` is what read_state returned, if the
    caller already read it."""
    state = state or read_state(folder)
    known: dict[str, str] = state["fingerprints"] if state else {}
    current = [(ruling, routed.get(ruling.number, Routed())) for ruling in rulings]
    present = {ruling.number for ruling, _ in current}
    removed = [number for number in known if number not in present]
    return _apply(folder, known, current, removed, texts or {}, procs, sources)


def update(
    folder: Path,
    state: dict,
    rulings: Iterable[Ruling],
    routed: dict[str, Routed],
    texts: dict[str, str] | None,
    removed: Iterable[str],
    sources: dict | None = None,
) -> SyncReport:
    """Bring the index described by `state` (from read_state) up to date when only `rulings`
    may have changed and the rulings numbered `removed` are gone; documents of other rulings
    are left as they are."""
    current = [(ruling, routed.get(ruling.number, Routed())) for ruling in rulings]
    gone = [number for number in removed if number in state["fingerprints"]]
    return _apply(folder, state["fingerprints"], current, gone, texts or {}, 1, sources)


def optimize(folder: Path) -> None:
    """Merge every segment into one (what a full build leaves); updates add small segments."""
    whoosh_index.open_dir(str(folder)).optimize()


def _apply(
    folder: Path,
    known: dict[str, str],
    current: list[tuple[Ruling, Routed]],
    removed: list[str],
    texts: dict[str, str],
    procs: int,
    sources: dict | None,
) -> SyncReport:
    """Write the documents whose fingerprint differs from `known`, delete `removed`, then
    store the new fingerprints. `known` is updated in place."""
    report = SyncReport()
    changed: list[tuple[Ruling, Routed]] = []
    rebuild = not known
    for ruling, routed in current:
        fingerprint = _fingerprint(ruling, routed, texts.get(ruling.number))
        if known.get(ruling.number) != fingerprint:
            changed.append((ruling, routed))
            if ruling.number in known:
                report.updated += 1
            else:
                report.added += 1
            known[ruling.number] = fingerprint

    state_path = folder / STATE_FILE
    if rebuild or changed or removed:
        # Until the new record is written, no record: a sync killed after a commit below but
        # before that would leave one that no longer describes the index (and if data/ were
        # then put back, nothing would look changed). Without one, the next sync rebuilds.
        state_path.unlink(missing_ok=True)
    if rebuild:
        folder.mkdir(parents=True, exist_ok=True)
        index = whoosh_index.create_in(str(folder), _schema())
        report.rebuilt = True
        writer = index.writer(procs=procs, limitmb=256, multisegment=procs > 1)
        for ruling, routed in changed:
            writer.add_document(**_document(ruling, routed, texts.get(ruling.number)))
        writer.commit()
        if procs > 1:
            # A multi-process build leaves one segment per process; merge them for fast search.
            index.optimize()
    elif changed or removed:
        index = whoosh_index.open_dir(str(folder))
        writer = index.writer(limitmb=128)
        for number in removed:
            writer.delete_by_term("number", number)
            del known[number]
        for ruling, routed in changed:
            writer.update_document(**_document(ruling, routed, texts.get(ruling.number)))
        report.deleted = len(removed)
        # A small update adds a small segment; merging it into the big ones now would rewrite
        # the whole index. `ceeatlas index --optimize` (or a full rebuild) merges when wanted.
        writer.commit(merge=False)
    state = {"version": INDEX_VERSION, "fingerprints": known, "sources": sources or {}}
    temp = state_path.with_suffix(".tmp")
    temp.write_text(json.dumps(state, separators=(",", ":")), encoding="utf-8")
    os.replace(temp, state_path)
    return report


@dataclass(frozen=True)
class Hit:
    number: str
    subject: str
    date: dt.date
    collection: str
    status: str
    centers: list[str]
    cbp: str
    hts_status: str
    tariffs: list[str]
    score: float


class RulingSearcher:
    """An open index and searcher, for several queries in a row (the CLI makes one)."""

    def __init__(self, folder: Path):
        # Without mmap: Whoosh copies each memory-mapped part of a segment into memory when the
        # searcher opens (about 100 ms at 200,000 rulings); plain reads open in a few ms.
        self.index = FileStorage(str(folder), supports_mmap=False).open_index()
        self.searcher = self.index.searcher()
        # Full text is searched only when some was pulled.
        self.fields = ["subject", "text"] if self.searcher.field_length("text") else ["subject"]
        self.parser = MultifieldParser(self.fields, schema=self.index.schema)
        self._dates = _date_column(self.searcher.reader())

    def close(self) -> None:
        self.searcher.close()

    def related(
        self, words: str, *, hts: list[str] | None = None, center: str | None = None, limit: int = 5
    ) -> list[str]:
        """Ruling numbers that best match some words (an ICP title, a Center's industries):
        any of the words may match, ranked by relevance."""
        terms = [w for w in re.findall(r"[a-z0-9]{3,}", words.lower()) if w not in RELATED_STOPWORDS]
        if not terms:
            return []
        parser = MultifieldParser(self.fields, schema=self.index.schema, group=OrGroup.factory(0.9))
        parts = [parser.parse(" ".join(terms))]
        if hts:
            parts.append(Or([Term("hts", code) if len(code) == 4 else Prefix("hts", code) for code in hts]))
        if center:
            parts.append(Term("center", center))
        results = self.searcher.search(And(parts) if len(parts) > 1 else parts[0], limit=limit)
        return [hit["number"] for hit in results]

    def search(
        self,
        words: str = "",
        *,
        hts: str | None = None,
        center: str | None = None,
        cbp: str | None = None,
        hts_status: str | None = None,
        collection: str | None = None,
        status: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        limit: int | None = 20,
        sort: str | None = None,
    ) -> tuple[int, list[Hit]]:
        """(total matches, hits). All words must appear, as in CROSS; the rest are exact filters.
        `sort` is "relevance" (best match first; the default with words) or "date" (newest
        first; the default without words)."""
        if sort is None:
            sort = "relevance" if words.strip() else "date"
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}")
        parts = []
        if words.strip():
            parts.append(self.parser.parse(words))
        if hts:
            digits = "".join(ch for ch in hts if ch.isdigit())
            parts.append(Term("hts", digits) if len(digits) in (4, 6, 8, 10) else Prefix("hts", digits))
        if center:
            parts.append(Term("center", center))
        if cbp:
            parts.append(Term("cbp", cbp.upper() if cbp.upper().startswith("CEE") else cbp))
        if hts_status:
            parts.append(Term("hts_status", hts_status))
        if collection:
            parts.append(Term("collection", collection.upper()))
        if status:
            parts.append(Term("status", status))
        if not parts and not (since or until):
            return 0, []
        if sort == "relevance" and not (since or until):
            # Without the block-skipping optimisation the collector scores and counts every
            # match in one pass (with it, Whoosh reports fewer matches than there are).
            results = self.searcher.search(_all_of(parts), limit=limit, optimize=False)
            return len(results), [self._hit(hit.docnum, float(hit.score or 0.0)) for hit in results]
        matches = self._matching_docs(parts, since, until)
        if sort == "relevance":
            # The date range is checked on the column; only the matches inside it are scored.
            results = self.searcher.search(
                _all_of(parts) if parts else Every(), limit=limit, filter=set(matches), optimize=False
            )
            page = [(hit.docnum, float(hit.score or 0.0)) for hit in results]
        else:
            newest = heapq.nlargest(limit or len(matches), matches, key=self._dates.__getitem__)
            page = [(docnum, 0.0) for docnum in newest]
        return len(matches), [self._hit(docnum, score) for docnum, score in page]

    def _matching_docs(self, parts: list, since: dt.date | None, until: dt.date | None) -> list[int]:
        """Document numbers of every match, in one pass over the postings; the date range is
        checked against the date column, which is much faster in Whoosh than a range query."""
        if parts:
            docs = self.searcher.docs_for_query(_all_of(parts))
        else:
            docs = self.searcher.reader().all_doc_ids()
        if not (since or until):
            return list(docs)
        low = _day_number(since) if since else 0
        high = _day_number(until) if until else 99999999
        dates = self._dates
        return [docnum for docnum in docs if low <= dates[docnum] <= high]

    def _hit(self, docnum: int, score: float) -> Hit:
        stored = self.searcher.stored_fields(docnum)
        return Hit(
            number=stored["number"],
            subject=stored["subject"],
            date=dt.datetime.strptime(str(self._dates[docnum]), "%Y%m%d").date(),
            collection=stored["collection"],
            status=stored["status"],
            centers=[c for c in stored.get("center", "").split(",") if c],
            cbp=stored.get("cbp", ""),
            hts_status=stored.get("hts_status", "current"),
            tariffs=list(stored["tariffs"]),
            score=score,
        )


def _all_of(parts: list):
    return And(parts) if len(parts) > 1 else parts[0]


def _day_number(day: dt.date) -> int:
    return int(day.strftime("%Y%m%d"))


def _date_column(reader) -> Sequence[int]:
    """The date column of every document (YYYYMMDD), indexed by document number.

    Whoosh reads a column value by value (about 1 microsecond each: a second to sort 200,000
    matches by date); this reads each segment's fixed-width column in one go into an array. It
    relies on the layout of Whoosh's NumericColumn, so it falls back to the per-value reader if
    that layout is not what it finds."""
    dates = array("I")
    try:
        for segment, offset in reader.leaf_readers():
            column = segment.column_reader("date", translate=False)
            if offset != len(dates) or isinstance(column, EmptyColumnReader) or column._fixedlen != 4:
                raise ValueError("unexpected column layout")
            values = array("I", column._dbfile.get(column._basepos, column._count * 4))
            if sys.byteorder == "little":
                values.byteswap()  # Whoosh writes columns big-endian
            # Documents after the last one with a value read as the column's default.
            values.extend([column._default] * (segment.doc_count_all() - len(values)))
            dates.extend(values)
    except (AttributeError, ValueError):
        return reader.column_reader("date", translate=False)
    return dates


def search(folder: Path, words: str = "", **filters) -> tuple[int, list[Hit]]:
    """One query against the index in `folder` (see RulingSearcher.search for the filters)."""
    searcher = RulingSearcher(folder)
    try:
        return searcher.search(words, **filters)
    finally:
        searcher.close()
