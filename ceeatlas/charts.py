"""Charts as static SVG, written directly (see README, "Charts": measured against matplotlib
and pygal, direct SVG is several times lighter and quicker for these simple charts).

Every chart is an <svg role="img"> with a <title> and a <desc> (the one-sentence summary), sized
by its viewBox so it fits a phone, drawn in the text colour (currentColor) and in CSS classes
(.atlas-series-N) that atlas.css colours for the light and the dark scheme. The numbers go beside
it as a table (see data_table); the chart never holds the only copy of a figure.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from markupsafe import escape

WIDTH = 640
SERIES = 11  # .atlas-series-0 ... -10 in atlas.css (ten Centers and the unassigned rulings)
_ids = itertools.count()


@dataclass(frozen=True)
class Chart:
    svg: str
    title: str
    summary: str


def _text(value: object) -> str:
    return str(escape(str(value)))


def _nice_max(value: float) -> int:
    """The top of the value axis: 1, 2 or 5 times a power of ten, at least `value`."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _frame(chart_id: str, height: int, title: str, summary: str, body: list[str]) -> str:
    return (
        f'<svg class="atlas-chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg" '
        f'font-size="12" font-family="inherit">'
        f'<title id="{chart_id}-t">{_text(title)}</title><desc id="{chart_id}-d">{_text(summary)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def bars(
    title: str,
    summary: str,
    items: list[tuple[str, float]],
    chart_id: str | None = None,
    value_format: str = "{:,}",
) -> Chart:
    """Horizontal bars, one per (label, value), in the given order, the value written at the end
    (with `value_format`, e.g. "{:.1f}%")."""
    chart_id = chart_id or f"chart{next(_ids)}"
    label_width, row, top = 230, 22, 6
    height = top + row * max(len(items), 1) + 6
    scale = _nice_max(max((value for _, value in items), default=0))
    room = WIDTH - label_width - 60
    body = []
    for index, (label, value) in enumerate(items):
        y = top + index * row
        width = round(room * value / scale, 1)
        shown = label if len(label) <= 34 else label[:32] + "…"
        body.append(
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end" fill="currentColor">{_text(shown)}</text>'
            f'<rect class="atlas-series-0" x="{label_width}" y="{y + 3}" width="{width}" height="{row - 7}"/>'
            f'<text x="{label_width + width + 6}" y="{y + 15}" fill="currentColor">{_text(value_format.format(value))}</text>'
        )
    return Chart(_frame(chart_id, height, title, summary, body), title, summary)


def stacked_columns(
    title: str,
    summary: str,
    periods: list[str],
    series: list[tuple[str, list[int]]],
    chart_id: str | None = None,
    legend: bool = True,
) -> Chart:
    """One column per period, stacked by series (name, values per period), with a value axis,
    period labels (thinned when many) and a legend in series order."""
    chart_id = chart_id or f"chart{next(_ids)}"
    left, right, top, plot = 44, 8, 10, 180
    legend_rows = (len(series) + 1) // 2 if legend and len(series) > 1 else 0
    height = top + plot + 34 + legend_rows * 18
    totals = [sum(values[i] for _, values in series) for i in range(len(periods))]
    scale = _nice_max(max(totals, default=0))
    step = (WIDTH - left - right) / max(len(periods), 1)
    width = max(step * 0.7, 1.0)
    body = []
    for tick in (0, scale / 2, scale):
        y = round(top + plot - plot * tick / scale, 1)
        body.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y}" y2="{y}" stroke="currentColor" stroke-opacity="0.25"/>'
            f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" fill="currentColor">{int(tick):,}</text>'
        )
    every = max(1, round(len(periods) / 12))  # at most about twelve period labels
    body.insert(0, '<g class="atlas-plot">')  # the browser redraws this group for a window (charts.js)
    for index, period in enumerate(periods):
        x = left + index * step + (step - width) / 2
        base = top + plot
        for number, (name, values) in enumerate(series):
            value = values[index]
            if not value:
                continue
            h = plot * value / scale
            base -= h
            body.append(
                f'<rect class="atlas-series-{number % SERIES}" x="{round(x, 1)}" y="{round(base, 1)}" '
                f'width="{round(width, 1)}" height="{round(h, 1)}"><title>{_text(name)}, {_text(period)}: {value:,}</title></rect>'
            )
        if index % every == 0:
            body.append(
                f'<text x="{round(x + width / 2, 1)}" y="{top + plot + 16}" text-anchor="middle" '
                f'fill="currentColor">{_text(period)}</text>'
            )
    body.append("</g>")
    for number, (name, _) in enumerate(series if legend_rows else []):
        x = left + (number % 2) * (WIDTH - left) / 2
        y = top + plot + 34 + (number // 2) * 18
        body.append(
            f'<rect class="atlas-series-{number % SERIES}" x="{x}" y="{y - 10}" width="12" height="12"/>'
            f'<text x="{x + 18}" y="{y}" fill="currentColor">{_text(name)}</text>'
        )
    return Chart(_frame(chart_id, height, title, summary, body), title, summary)
