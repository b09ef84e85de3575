"""Bar charts of Table 1 and Table 2 as standalone SVG, built in pure Python.

The same strings go inline into the statistics page and, later, into the PDF annual report, so
each chart is a complete `<svg>` element with its own namespace, fonts and colours. Every chart
is an accessible image: `role="img"`, a `<title>` and a `<desc>` linked by `aria-labelledby`,
and the `<desc>` is a full text alternative (every number, in words a screen reader reads).
The numbers are also printed on the bars, and the legend names each series in text, so nothing
depends on colour alone.

Colours: each series colour has a contrast of at least 3:1 against the white background (WCAG
2.1 1.4.11, non-text contrast; they are all above 4.5:1), and the text is near-black (above
15:1). A suppressed value (None) draws no bar; a dash is printed in its place and the text
alternative says it is suppressed.
"""

from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from veiviser.statistics.exports import row_labels

SVG_NS = "http://www.w3.org/2000/svg"
BACKGROUND = "#ffffff"
TEXT = "#1a1a1a"
AXIS = "#4b5563"
GRID = "#d1d5db"
# Blue, amber, green, purple, red, grey: all ≥ 5:1 against white.
PALETTE = ("#1e5aa8", "#b45309", "#047857", "#7e22ce", "#be123c", "#4b5563")
FONT = "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

BAR_WIDTH = 34
BAR_GAP = 4
GROUP_GAP = 36
PLOT_HEIGHT = 220
MARGIN_LEFT = 56
MARGIN_RIGHT = 16
LEGEND_ROW = 22
SUPPRESSED_MARK = "–"


def _nice_max(value: int) -> int:
    """A round top for the y axis at or above `value` (1, 2, 2.5, 5 × a power of ten)."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return int(top) if top == int(top) else int(top + 0.5)
    return 10 * magnitude  # pragma: no cover


def _number(value: int) -> str:
    """1551 → "1 551" (a thin no-break space, as Norwegian writes thousands)."""
    return f"{value:,}".replace(",", "\u202f")


def text_alternative(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | None]]],
    *,
    suppressed: str | None = None,
) -> str:
    """Every number of the chart in sentences: "15.11.2023: 1. Unknown youths 36, …"."""
    suppressed = suppressed or _("suppressed")
    parts = []
    for position, category in enumerate(categories):
        values = ", ".join(
            f"{label} {suppressed if values[position] is None else _number(values[position])}"
            for label, values in series
        )
        parts.append(f"{category}: {values}.")
    return " ".join(parts)


def bar_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | None]]],
    id_prefix: str = "chart",
    description: str = "",
    suppressed: str | None = None,
) -> str:
    """A grouped bar chart as a standalone SVG string: one group of bars per category (e.g. a
    counting date), one bar per series in legend order, the value printed above each bar.

    `id_prefix` makes the ids of `<title>` and `<desc>` unique when several charts share a
    page. `description` goes before the generated text alternative in `<desc>`."""
    if not series:
        raise ValueError("a chart needs at least one series")
    if len(series) > len(PALETTE):
        raise ValueError(f"at most {len(PALETTE)} series")
    for label, values in series:
        if len(values) != len(categories):
            raise ValueError(f"series {label!r} has {len(values)} values for {len(categories)}")
    suppressed = suppressed or _("suppressed")
    n_series = len(series)
    group_width = n_series * BAR_WIDTH + (n_series - 1) * BAR_GAP
    plot_width = max(len(categories), 1) * (group_width + GROUP_GAP)
    width = MARGIN_LEFT + plot_width + MARGIN_RIGHT
    # Legend: one row per series keeps long Norwegian labels readable at any width.
    legend_top = 12
    legend_height = n_series * LEGEND_ROW
    plot_top = legend_top + legend_height + 24
    plot_bottom = plot_top + PLOT_HEIGHT
    height = plot_bottom + 40

    largest = max((v for _label, values in series for v in values if v is not None), default=0)
    top = _nice_max(largest)
    ticks = next(t for t in (4, 5, 2, 3, 1) if top % t == 0)  # whole-number gridlines

    def y(value: float) -> float:
        return plot_bottom - value / top * PLOT_HEIGHT

    title_id = f"{id_prefix}-title"
    desc_id = f"{id_prefix}-desc"
    desc = " ".join(
        part
        for part in (description, text_alternative(categories, series, suppressed=suppressed))
        if part
    )
    out = [
        f'<svg xmlns="{SVG_NS}" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{escape(FONT)}" font-size="12" class="app-chart">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="{BACKGROUND}"/>',
    ]
    # Legend.
    for index, (label, _values) in enumerate(series):
        row_y = legend_top + index * LEGEND_ROW
        out.append(
            f'<rect x="{MARGIN_LEFT}" y="{row_y}" width="14" height="14" fill="{PALETTE[index]}"/>'
        )
        out.append(
            f'<text x="{MARGIN_LEFT + 20}" y="{row_y + 11}" fill="{TEXT}">{escape(label)}</text>'
        )
    # Grid and y axis labels.
    for tick in range(ticks + 1):
        value = top * tick / ticks
        tick_y = round(y(value), 1)
        out.append(
            f'<line x1="{MARGIN_LEFT}" y1="{tick_y}" x2="{MARGIN_LEFT + plot_width}" '
            f'y2="{tick_y}" stroke="{GRID if tick else AXIS}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{MARGIN_LEFT - 6}" y="{tick_y + 4}" text-anchor="end" '
            f'fill="{TEXT}">{_number(round(value))}</text>'
        )
    # Bars, values and category labels.
    for position, category in enumerate(categories):
        group_x = MARGIN_LEFT + GROUP_GAP / 2 + position * (group_width + GROUP_GAP)
        for index, (label, values) in enumerate(series):
            value = values[position]
            bar_x = group_x + index * (BAR_WIDTH + BAR_GAP)
            centre = bar_x + BAR_WIDTH / 2
            if value is None:
                out.append(
                    f'<text x="{centre}" y="{plot_bottom - 6}" text-anchor="middle" '
                    f'fill="{TEXT}">{SUPPRESSED_MARK}</text>'
                )
                continue
            bar_y = round(y(value), 1)
            bar_height = round(plot_bottom - bar_y, 1)
            tooltip = escape(f"{label}, {category}: {_number(value)}")
            out.append(
                f'<rect x="{bar_x}" y="{bar_y}" width="{BAR_WIDTH}" height="{bar_height}" '
                f'fill="{PALETTE[index]}"><title>{tooltip}</title></rect>'
            )
            out.append(
                f'<text x="{centre}" y="{bar_y - 4}" text-anchor="middle" font-size="11" '
                f'fill="{TEXT}">{_number(value)}</text>'
            )
        out.append(
            f'<text x="{group_x + group_width / 2}" y="{plot_bottom + 20}" '
            f'text-anchor="middle" fill="{TEXT}">{escape(category)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def _date_label(text: str) -> str:
    day = date.fromisoformat(text)
    return f"{day.day}.{day.month}.{day.year}"


def table1_chart(document: dict, *, id_prefix: str = "chart-table1") -> str:
    """Table 1 of a tables document (EXCHANGE.md §3): the four reason groups at each date."""
    labels = row_labels()
    entries = document["counting_dates"]
    keys = ("not_applied", "declined", "dropped_out", "other")
    return bar_chart(
        title=_("Registered youths by reason"),
        categories=[_date_label(e["date"]) for e in entries],
        series=[(labels[("table1", k)], [e["table1"][k] for e in entries]) for k in keys],
        id_prefix=id_prefix,
        description=_("Bar chart of Table 1: the number of registered youths by reason group."),
    )


def table2_chart(document: dict, *, id_prefix: str = "chart-table2") -> str:
    """Table 2 of a tables document: the target group by status main group 1–4 at each date,
    and those with a status in groups 1–4 but outside the age limit."""
    labels = row_labels()
    entries = document["counting_dates"]
    keys = ("group1", "group2", "group3", "group4", "outside_age")
    series = [(labels[("table2", k)], [e["table2"][k] for e in entries]) for k in keys[:-1]]
    series.append(
        (
            _("Main groups 1–4, outside the age limit"),
            [e["table2"]["outside_age"] for e in entries],
        )
    )
    return bar_chart(
        title=_("The target group by status main group"),
        categories=[_date_label(e["date"]) for e in entries],
        series=series,
        id_prefix=id_prefix,
        description=_(
            "Bar chart of Table 2: youths in the target group by status main group, and youths "
            "with a status in main groups 1–4 who are outside the age limit."
        ),
    )
