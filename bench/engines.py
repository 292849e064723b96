"""Search engines side by side on the benchmark corpus: Whoosh (what ceeatlas.search_index
uses) and tantivy (comparison only; not used by the site or the CLI)."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path

from ceeatlas import search_index
from ceeatlas.curated import load_curated
from ceeatlas.pulled import load_pulled, route

REPO = Path(__file__).resolve().parent.parent


def _corpus(corpus: Path):
    curated = load_curated(REPO / "centers")
    pulled = load_pulled(corpus)
    centers_of: dict[str, list[str]] = {}
    for center, rulings in route(pulled, curated.scope, curated.hts).by_center.items():
        for ruling in rulings:
            centers_of.setdefault(ruling.number, []).append(center)
    return pulled.rulings, centers_of


def _median_ms(run, queries: list[dict], repeats: int = 5) -> tuple[float, float]:
    medians = []
    for query in queries:
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            run(query)
            times.append((time.perf_counter() - started) * 1000)
        medians.append(statistics.median(times))
    return round(statistics.median(medians), 2), round(max(medians), 2)


def run_whoosh(folder: Path, queries: list[dict]) -> dict:
    """Query times of the project's index in `folder`: warm (one open searcher, as in the
    build's related-rulings step) and open + query (what one `search` command does)."""

    def options(query: dict) -> dict:
        result = dict(query)
        if "since" in result:
            result["since"] = dt.date.fromisoformat(result["since"])
        return result

    started = time.perf_counter()
    searcher = search_index.RulingSearcher(folder)
    open_ms = (time.perf_counter() - started) * 1000
    median, worst = _median_ms(lambda query: searcher.search(**options(query)), queries)
    searcher.close()
    cold_median, _ = _median_ms(
        lambda query: search_index.search(folder, **options(query)), queries, repeats=3
    )
    return {
        "query_median_ms": median,
        "query_max_ms": worst,
        "open_ms": round(open_ms, 1),
        "cold_query_median_ms": cold_median,
    }


def run_tantivy(corpus: Path, folder: Path, queries: list[dict]) -> dict:
    import tantivy

    rulings, centers_of = _corpus(corpus)
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("number", stored=True, tokenizer_name="raw")
    builder.add_text_field("subject", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("hts", tokenizer_name="raw")
    builder.add_text_field("center", stored=True, tokenizer_name="raw")
    builder.add_text_field("status", stored=True, tokenizer_name="raw")
    builder.add_integer_field("date", stored=True, indexed=True, fast=True)
    schema = builder.build()
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    index = tantivy.Index(schema, path=str(folder))
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    for ruling in rulings:
        writer.add_document(
            tantivy.Document(
                number=ruling.number,
                subject=ruling.subject,
                hts=search_index.hts_tokens(ruling.tariffs),
                center=centers_of.get(ruling.number, []),
                status=ruling.status.value,
                date=int(ruling.date.strftime("%Y%m%d")),
            )
        )
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    index_s = time.perf_counter() - started
    searcher = index.searcher()

    def run(query: dict):
        parts = []
        if query.get("words"):
            parts.append(" ".join(f"subject:{w}" for w in query["words"].split()))
        if query.get("hts"):
            parts.append(f"+hts:{query['hts']}")
        if query.get("center"):
            parts.append(f"+center:{query['center']}")
        if query.get("status"):
            parts.append(f"+status:{query['status']}")
        if query.get("since"):
            parts.append(f"+date:[{query['since'].replace('-', '')} TO 99999999]")
        parsed = index.parse_query(" ".join(parts), ["subject"])
        total = searcher.search(parsed, limit=1, count=True).count
        return total, searcher.search(parsed, limit=20).hits

    median, worst = _median_ms(run, queries)
    return {"index_s": round(index_s, 2), "query_median_ms": median, "query_max_ms": worst}
