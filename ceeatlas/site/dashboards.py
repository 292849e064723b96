"""Center dashboards: the "In numbers" section of each Center page, the "Centers compared" page,
the site-wide chart of rulings over time, and the statistics downloads. Every figure comes from
ceeatlas.stats (computed once per build); every chart is static SVG from ceeatlas.charts with
its numbers in a table beside it."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ceeatlas import charts
from ceeatlas.files import write_output
from ceeatlas.stats import Figures

from .build import Build
from .render import MONTHS, text_html

COMPARE_PAGE = "centers/compare.md"
STATS_JSON = "downloads/center-stats.json"
STATS_CSV = "downloads/center-stats.csv"


@dataclass(frozen=True)
class Block:
    """A chart and its numbers, as one figure on a page."""

    id: str
    chart: charts.Chart
    table: Markup  # the same numbers as an HTML table, in a "Show the data" element


def period_words(period: str, short: bool = False) -> str:
    """A period in words: 2026-03 -> "March 2026" ("Mar 2026" short, for a chart's axis); 2019 stays."""
    if len(period) == 7:
        month = MONTHS[int(period[5:]) - 1]
        return f"{month[:3] if short else month} {period[:4]}"
    return period


def _table(caption: str, header: list[str], rows: list[list[object]]) -> Markup:
    head = "".join(f'<th scope="col">{text_html(cell)}</th>' for cell in header)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{text_html(f'{cell:,}' if isinstance(cell, int) else str(cell))}</td>" for cell in row
        )
        + "</tr>"
        for row in rows
    )
    return Markup(
        f"<table><caption>{text_html(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _busiest(values: dict[str, int]) -> str:
    if not values or not any(values.values()):
        return "none"
    period = max(values, key=lambda key: (values[key], key))
    return f"most in {period_words(period)} ({values[period]:,})"


def center_blocks(figures: Figures, center_id: str) -> list[Block]:
    item = figures.center(center_id)
    unit = figures.coverage.granularity
    span = (
        f"{period_words(figures.periods[0])} to {period_words(figures.periods[-1])}"
        if figures.periods
        else ""
    )
    blocks = []
    collections = figures.coverage.collections or ["NY"]
    series = [
        (name, [item.by_period_collection.get(p, {}).get(name, 0) for p in figures.periods])
        for name in collections
    ]
    title = f"Rulings routed to {item.name} per {unit}"
    summary = (
        f"{item.rulings:,} rulings routed to {item.name} by heading, {span}: {_busiest(item.by_period)}."
    )
    blocks.append(
        Block(
            f"{center_id}-per-{unit}",
            charts.stacked_columns(
                title,
                summary,
                [period_words(p, True) for p in figures.periods],
                series,
                f"{center_id}-per-{unit}",
            ),
            _table(
                title,
                [unit.capitalize(), *collections, "All"],
                [
                    [
                        period_words(p),
                        *(item.by_period_collection.get(p, {}).get(c, 0) for c in collections),
                        item.by_period[p],
                    ]
                    for p in figures.periods
                ],
            ),
        )
    )
    if item.by_category:
        title = f"Rulings routed to {item.name} by category"
        top = next(iter(item.by_category))
        summary = (
            f"CROSS gives most rulings one or more categories (a ruling with several counts under "
            f"each); the most common here is {top} ({item.by_category[top]:,} of {item.rulings:,} rulings)."
        )
        blocks.append(
            Block(
                f"{center_id}-categories",
                charts.bars(title, summary, list(item.by_category.items()), f"{center_id}-categories"),
                _table(
                    title,
                    ["Category", "Rulings"],
                    [[name, count] for name, count in item.by_category.items()],
                ),
            )
        )
    if item.top_headings:
        title = f"Headings of {item.name} with the most rulings"
        first, count = item.top_headings[0]
        summary = f"Heading {first} has the most rulings routed here ({count:,})."
        blocks.append(
            Block(
                f"{center_id}-headings",
                charts.bars(title, summary, item.top_headings, f"{center_id}-headings"),
                _table(title, ["Heading", "Rulings"], [[heading, n] for heading, n in item.top_headings]),
            )
        )
    return blocks


def compare_blocks(figures: Figures) -> list[Block]:
    blocks = []
    title = "Rulings routed to each Center"
    items = [(item.name, item.rulings) for item in figures.centers] + [("Unassigned", figures.unassigned)]
    most = max((item.rulings for item in figures.centers), default=0)
    leaders = [item.name for item in figures.centers if item.rulings == most]
    if most == 0:
        summary = f"No ruling is routed to a Center; {figures.unassigned:,} rulings go to no Center."
    else:
        summary = (
            f"{' and '.join(leaders)} {'has' if len(leaders) == 1 else 'share'} the most rulings routed "
            f"by heading ({most:,}{'' if len(leaders) == 1 else ' each'}); {figures.unassigned:,} rulings go to no Center."
        )
    blocks.append(
        Block(
            "compare-rulings",
            charts.bars(title, summary, items, "compare-rulings"),
            _table(title, ["Center", "Rulings"], items),
        )
    )
    if figures.coverage.release:
        title = f"Share of HTSUS headings per Center ({figures.coverage.release})"
        items = [(item.name, round(100 * item.heading_share, 1)) for item in figures.centers]
        widest = max(figures.centers, key=lambda item: item.heading_share)
        summary = f"{widest.name} has the most headings of chapters 01 to 97 ({100 * widest.heading_share:.1f}%), by this site's scope table."
        rows = [
            [
                item.name,
                item.headings,
                item.headings_sourced,
                item.headings_approximate,
                f"{100 * item.heading_share:.1f}%",
                item.stat_lines,
                f"{100 * item.stat_line_share:.1f}%",
            ]
            for item in figures.centers
        ]
        chart = charts.bars(title, summary, items, "compare-headings", value_format="{:.1f}%")
        blocks.append(
            Block(
                "compare-headings",
                chart,
                _table(
                    title,
                    [
                        "Center",
                        "Headings",
                        "Sourced",
                        "Approximate",
                        "Share",
                        "Statistical lines",
                        "Share of lines",
                    ],
                    rows,
                ),
            )
        )
    blocks.append(site_block(figures))
    return blocks


def site_block(figures: Figures) -> Block:
    """Rulings per period, stacked by Center (and the unassigned ones)."""
    unit = figures.coverage.granularity
    series = [(item.name, [item.by_period.get(p, 0) for p in figures.periods]) for item in figures.centers]
    series.append(("Unassigned", [figures.unassigned_by_period.get(p, 0) for p in figures.periods]))
    totals = {p: sum(values[i] for _, values in series) for i, p in enumerate(figures.periods)}
    title = f"Rulings per {unit} by Center"
    summary = (
        f"Rulings of the data per {unit}, stacked by the Center they are routed to (a ruling of two Centers "
        f"counts for each): {_busiest(totals)}."
    )
    return Block(
        f"site-per-{unit}",
        charts.stacked_columns(
            title, summary, [period_words(p, True) for p in figures.periods], series, f"site-per-{unit}"
        ),
        _table(
            title,
            [unit.capitalize(), *(name for name, _ in series)],
            [[period_words(p), *(values[i] for _, values in series)] for i, p in enumerate(figures.periods)],
        ),
    )


def window_data(figures: Figures) -> str:
    """The site-wide chart's numbers for the browser, which redraws it for a chosen window."""
    block_series = [
        (item.name, [item.by_period.get(p, 0) for p in figures.periods]) for item in figures.centers
    ]
    block_series.append(("Unassigned", [figures.unassigned_by_period.get(p, 0) for p in figures.periods]))
    return json.dumps(
        {
            "periods": [period_words(p, True) for p in figures.periods],
            "series": block_series,
            "unit": figures.coverage.granularity,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def pages(build: Build) -> dict[str, str]:
    figures: Figures = build.context["figures"]
    return {
        COMPARE_PAGE: build.render(
            "compare.md.j2", blocks=compare_blocks(figures), window=Markup(text_html(window_data(figures)))
        )
    }


def write_downloads(figures: Figures, site_dir: Path) -> None:
    """The per-Center figures as JSON (with what they count) and CSV."""
    records = figures.as_records()
    coverage = figures.coverage
    payload = {
        "coverage": {
            "rulings": coverage.rulings,
            "first": coverage.first.isoformat() if coverage.first else None,
            "last": coverage.last.isoformat() if coverage.last else None,
            "collections": coverage.collections,
            "samples": coverage.samples,
            "pulled_live": coverage.live,
            "htsus_release": coverage.release,
            "periods": figures.periods,
        },
        "unassigned": figures.unassigned,
        "centers": records,
    }
    write_output(
        site_dir / STATS_JSON, json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]) if records else ["center"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    write_output(site_dir / STATS_CSV, out.getvalue())
