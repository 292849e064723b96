"""Static data for the "Find rulings" page: small JSON files a browser fetches on demand.

No server and no big download: a query fetches only the files it needs.
  assets/rulings/meta.json               counts per heading, and which headings are split
  assets/rulings/hts/<NNNN>.json         every ruling of one heading (newest first), or, for a
  assets/rulings/hts/<NNNN>/<NNNNNN>.json heading with many rulings, one file per subheading
  assets/rulings/words/<xx>.json         subject words starting with xx -> ruling ids
  assets/rulings/docs/<block>.json       rulings by id (id = position, newest first)

A row is [number, collection, date, subject, tariffs, status, centers, letter tariffs, CBP label,
HTS notes]: the last three are "" when the ruling has none (see Ruling.letter_tariffs, cbp_label,
and ruling_hts for a number the newest HTSUS release lacks, which then replaces the HTS column).
Common words keep only their newest WORD_CAP ids, which bounds every file and so the first download.
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from pathlib import Path

from .files import write_output
from .fragments import NO_CACHE, FragmentCache
from .models import Ruling
from .pulled import PulledData, Routing, cbp_label, centers_by_number, ruling_hts, subject_shown

FOLDER = "assets/rulings"
SPLIT_AT = 1500  # rulings per heading file before it is split by subheading
BLOCK = 500  # rulings per docs file
WORD_CAP = 20000  # postings kept per word
STATUS_CODES = {"active": 0, "modified": 1, "revoked": 2, "operationally_revoked": 3}
STOPWORDS = frozenset(
    "the of and for from with tariff classification country origin marking a an in on to or by as at its".split()
)


def words_of(subject: str) -> set[str]:
    """Lower-case words of three letters or more, without stopwords; the JS does the same."""
    return {w for w in re.findall(r"[a-z0-9]{3,}", subject.lower()) if w not in STOPWORDS}


def _dump(path: Path, payload) -> int:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    write_output(path, data)
    return len(data)


def _dump_rows(path: Path, rows: list[str]) -> int:
    """A JSON array of rows already encoded (the same bytes as _dump of the decoded rows)."""
    data = ("[" + ",".join(rows) + "]").encode("utf-8")
    write_output(path, data)
    return len(data)


def write_finder_data(
    site_dir: Path,
    pulled: PulledData,
    routing: Routing,
    center_ids: list[str],
    cache: FragmentCache = NO_CACHE,
    code_names: dict[str, str] | None = None,
    release: str = "",
) -> dict:
    """Write the files; returns sizes for the benchmark (largest file, totals)."""
    root = site_dir / FOLDER
    center_index = {center: position for position, center in enumerate(center_ids)}
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    @functools.cache
    def centers_of() -> dict[str, list[str]]:  # only when some row is not in the cache
        return centers_by_number(routing)

    def render(ruling: Ruling) -> tuple[str, str]:
        """A ruling's row, JSON-encoded (it sits in a heading file or several and a docs
        file), and the words of its subject, space-separated (one string is much quicker to
        read back from the cache than a list of them)."""
        return (
            encode(
                [
                    ruling.number,
                    ruling.collection,
                    ruling.date.isoformat(),
                    subject_shown(ruling.subject),
                    " ".join(ruling.tariffs),
                    STATUS_CODES[ruling.status.value],
                    sorted(center_index[center] for center in centers_of().get(ruling.number, [])),
                    " ".join(ruling.letter_tariffs),
                    cbp_label(ruling, code_names or {}) or "",
                    ruling_hts(ruling, notes, release)
                    if (notes := routing.hts_notes.get(ruling.number))
                    else "",
                ]
            ),
            " ".join(sorted(words_of(ruling.subject))),
        )

    pieces = cache.pieces("finder-row", pulled, render)

    def row(ruling: Ruling) -> str:
        return pieces[ruling.number][0]

    sizes: dict[str, int] = {}
    headings_meta: dict[str, list] = {}
    for heading, rulings in routing.by_heading.items():
        if len(rulings) <= SPLIT_AT:
            sizes[f"hts/{heading}"] = _dump_rows(root / "hts" / f"{heading}.json", [row(r) for r in rulings])
            headings_meta[heading] = [len(rulings), 0]
            continue
        by_subheading: dict[str, list[Ruling]] = defaultdict(list)
        for ruling in rulings:
            numbers = ruling.tariffs if ruling.number not in routing.by_letter else ruling.letter_tariffs
            for tariff in {t.replace(".", "")[:6] for t in numbers if t.startswith(heading)}:
                by_subheading[tariff].append(ruling)
        for subheading, members in by_subheading.items():
            sizes[f"hts/{heading}/{subheading}"] = _dump_rows(
                root / "hts" / heading / f"{subheading}.json", [row(r) for r in members]
            )
        headings_meta[heading] = [
            len(rulings),
            1,
            {sub: len(members) for sub, members in sorted(by_subheading.items())},
        ]

    postings: dict[str, list[int]] = defaultdict(list)
    for position, ruling in enumerate(pulled.rulings):  # newest first: small ids are recent
        for word in pieces[ruling.number][1].split():
            ids = postings[word]
            if len(ids) < WORD_CAP:
                ids.append(position)
    shards: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for word, ids in sorted(postings.items()):  # sorted: a set's order changes from run to run
        deltas = [ids[0]] + [b - a for a, b in zip(ids, ids[1:], strict=False)]
        shards[word[:2]][word] = deltas
    for prefix, words in shards.items():
        sizes[f"words/{prefix}"] = _dump(root / "words" / f"{prefix}.json", words)
    for start in range(0, len(pulled.rulings), BLOCK):
        block = pulled.rulings[start : start + BLOCK]
        sizes[f"docs/{start // BLOCK}"] = _dump_rows(
            root / "docs" / f"{start // BLOCK}.json", [row(r) for r in block]
        )

    meta = {
        "count": len(pulled.rulings),
        "as_of": pulled.as_of.isoformat() if pulled.as_of else None,
        "block": BLOCK,
        "word_cap": WORD_CAP,
        "centers": center_ids,
        "statuses": list(STATUS_CODES),
        "stopwords": sorted(STOPWORDS),
        "headings": dict(sorted(headings_meta.items())),
    }
    sizes["meta"] = _dump(root / "meta.json", meta)
    return {
        "files": len(sizes),
        "total_bytes": sum(sizes.values()),
        "largest_bytes": max(sizes.values()) if sizes else 0,
        "meta_bytes": sizes["meta"],
    }
