"""The trend workbook of a rollup: a sheet per goal with a chart per indicator.

Each goal's sheet holds indicator x year values (numbers, coloured by status),
below them a native line chart per indicator that Excel and LibreOffice draw
themselves (the values, the plan target of each year that has a plan, and the
national targets of the horizons), and below the charts the rows those target
lines are drawn from; then the outlook against the national targets, the
problems and the files read.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from kh_treem.formatting import decimals_for, number, target_text, with_unit
from kh_treem.i18n import band_label, change_label, word
from kh_treem.multiyear import Projection, RollupResult, Trend, YearValue
from kh_treem.plan import Measure, Target
from kh_treem.workbook import BookWriter, fit_row, write_book

ROW_PX = 20  # the default row height (15 pt), which every row of a goal's sheet keeps
CHART_GAP = 12  # pixels between the two charts of a row
# The values table is at least this wide (in Excel's pixels); the two charts of a row take
# its left columns (up to the names' right edge) and its right ones. A chart's edges lie on
# column edges: a viewer that draws the columns wider than Excel (LibreOffice without Calibri)
# stretches the charts with them, and they still fit the table's width.
TABLE_PX = 960

# The printed page: A4 landscape within these margins (inches).
PAGE_WIDTH_IN, PAGE_HEIGHT_IN = 11.69, 8.27
SIDE_MARGIN_IN, END_MARGIN_IN = 0.4, 0.5
# What a page holds at a print scale of 100 %: pixels (1/96 in) across, with 3 % kept for
# the viewers' rounding of column widths; points (1/72 in) down.
PAGE_PX = int((PAGE_WIDTH_IN - 2 * SIDE_MARGIN_IN) * 96 * 0.97)
PAGE_PT = (PAGE_HEIGHT_IN - 2 * END_MARGIN_IN) * 72

VALUE_STYLE: dict[str, Any] = {
    "line": {"color": "#1F4E79", "width": 2.25},
    "marker": {"type": "circle", "size": 6, "fill": {"color": "#1F4E79"},
               "border": {"color": "#1F4E79"}},
}
# A plan's target belongs to its year: points, not a line through the years between.
PLAN_STYLE: dict[str, Any] = {
    "line": {"none": True},
    "marker": {"type": "diamond", "size": 9, "fill": {"color": "#ED7D31"},
               "border": {"color": "#843C0C"}},
}
NATIONAL_COLOURS = ("#C00000", "#7030A0", "#548235")
NATIONAL_DASHES = ("dash", "long_dash", "round_dot")


def write_trend(result: RollupResult, path: Path, lang: str = "vi") -> None:
    """Write the trend workbook to ``path``, atomically."""
    # Not in constant_memory: charts would be written without their cached values, which
    # some viewers (file previews) show in place of the cells.
    write_book(path, lambda book: _TrendWriter(book, lang, result).write(), "trend",
               constant_memory=False)


Series = tuple[str, int, dict[str, Any]]  # name in the legend, row of its values, style


class _TrendWriter(BookWriter):
    def __init__(self, book: Any, lang: str, result: RollupResult) -> None:
        super().__init__(book, lang)
        self.result = result
        self.year = book.add_format({"num_format": "0", "valign": "top", "border": 1})
        # A figure written as text ("0,70", "22,5%") stands right, as numbers do.
        self.figure = book.add_format({"align": "right", "valign": "top", "border": 1})

    def write(self) -> None:
        goals = sorted({t.target.goal for t in self.result.trends})
        for goal in goals:
            self._goal(goal, [t for t in self.result.trends if t.target.goal == goal])
        self._outlook()
        self._problems(self.result.problems)
        self._files(self.result.files)

    def _goal(self, goal: int, trends: list[Trend]) -> None:
        """The values table, the charts two a row below it, then the rows of the targets the
        charts draw, in the table's columns (its header row repeated on every page)."""
        lang, years = self.lang, self.result.years
        name = f"{word('goal', lang)} {goal}"
        headers = [word("id", lang), word("indicator", lang), word("unit", lang)]
        headers += [str(y) for y in years] + [word("change", lang)]
        widths = _widths(_name_width(t.target.name.get(lang) for t in trends), len(years))
        # Every row of a goal's sheet keeps one height: its page breaks count rows.
        sheet = self._sheet_named(name, headers, widths, 0, fit_header=False)
        for row, trend in enumerate(trends, start=1):
            t = trend.target
            self._row(sheet, row, [t.id, t.name.get(lang), _unit(t.unit, lang)])
            for col, year in enumerate(years, start=3):
                v = trend.by_year[year]
                value = None if v.value is None else float(v.value)
                fmt = self.status_dec[v.status] if v.status else self.dec
                self._cell(sheet, row, col, value, fmt)
            change = change_label(trend.change, lang) if trend.change else None
            self._cell(sheet, row, 3 + len(years), change)

        scale = self._print_setup(sheet, widths)
        # Two rows of charts fill a page: each is its chart and a row of space.
        chart_rows = max(12, rows_per_page(scale) // 2)
        chart_top = len(trends) + 2
        chart_tops = [chart_top + i * chart_rows for i in range(math.ceil(len(trends) / 2))]
        data_top = chart_top + len(chart_tops) * chart_rows
        sheet.write_string(data_top, 0, word("chart_data", lang), self.bold)
        row = data_top + 1
        left = sum(map(_excel_px, widths[:2]))
        right = sum(map(_excel_px, widths[2:]))
        for i, trend in enumerate(trends):
            series, row = self._chart_data(sheet, trend, i + 1, row)
            # The left chart ends on the names' right edge; the right one stops short of the
            # table's: a viewer prints every column an object touches, and the next column
            # is off the page.
            width = left if i % 2 == 0 else right - 2 * CHART_GAP
            chart = self._chart(name, trend, series, width, (chart_rows - 1) * ROW_PX)
            # 4 pixels down, so that no edge of it lies on a page's last line.
            sheet.insert_chart(chart_tops[i // 2], 2 * (i % 2), chart,
                               {"x_offset": CHART_GAP * (i % 2), "y_offset": 4})
        sheet.set_h_pagebreaks(page_breaks(chart_tops, chart_rows, data_top, row,
                                           rows_per_page(scale)))

    def _chart_data(self, sheet: Any, trend: Trend, table_row: int,
                    row: int) -> tuple[list[Series], int]:
        """The rows, from ``row`` on, of what the indicator's chart draws besides the values
        table: each year's plan target and each horizon's national target. A count of
        communes is drawn as the share of communes (%), the terms of the national targets.
        Returns the chart's series and the next free row."""
        lang, years, t = self.lang, self.result.years, trend.target
        share = _is_share(t)
        unit = "%" if share else _unit(t.unit, lang)
        series: list[Series] = []
        if share:
            self._data_row(sheet, row, t.id, f"{word('value', lang)} ({_share_word(lang)})",
                           unit, [_share(trend.by_year[y]) for y in years])
            series.append((word("value", lang), row, VALUE_STYLE))
            row += 1
        else:
            series.append((word("value", lang), table_row, VALUE_STYLE))
        planned = [self._plan_target(t.id, year) for year in years]
        if any(x is not None for x in planned):
            self._data_row(sheet, row, t.id, word("plan_of_year", lang), unit, planned)
            series.append((word("plan_of_year", lang), row, PLAN_STYLE))
            row += 1
        for i, p in enumerate(trend.projections):
            label = (f"{word('national_target_of', lang).format(year=p.horizon)}: "
                     f"{_national_text(t, p, lang)}")
            self._data_row(sheet, row, t.id, label, unit, [p.target] * len(years))
            series.append((label, row, self._national_style(i)))
            row += 1
        return series, row

    def _data_row(self, sheet: Any, row: int, tid: str, label: str, unit: str,
                  values: Sequence[Fraction | None]) -> None:
        self._row(sheet, row, [tid, label, unit])
        for col, value in enumerate(values, start=3):
            self._cell(sheet, row, col, None if value is None else float(value), self.dec)

    def _plan_target(self, tid: str, year: int) -> Fraction | None:
        """The target of ``year``'s own plan, a count of communes as the share it asks for."""
        plan = self.result.plans.get(year)
        own = None if plan is None else next((t for t in plan.targets if t.id == tid), None)
        if plan is None or own is None:
            return None
        if _is_share(own):
            return Fraction(own.target) / len(plan.units) * 100 if plan.units else None
        return Fraction(own.target)

    def _national_style(self, index: int) -> dict[str, Any]:
        """A dashed level line; with a single year, whose line would have no length, a dash."""
        colour = NATIONAL_COLOURS[index % len(NATIONAL_COLOURS)]
        style: dict[str, Any] = {
            "line": {"color": colour, "width": 1.5,
                     "dash_type": NATIONAL_DASHES[index % len(NATIONAL_DASHES)]},
            "marker": {"type": "none"},
        }
        if len(self.result.years) == 1:
            style["marker"] = {"type": "dash", "size": 12, "fill": {"color": colour},
                               "border": {"color": colour}}
        return style

    def _chart(self, sheet_name: str, trend: Trend, series: list[Series], width: int,
               height: int) -> Any:
        years = len(self.result.years)
        chart = self.book.add_chart({"type": "line"})
        for name, row, style in series:
            chart.add_series({
                "name": name,
                "categories": [sheet_name, 0, 3, 0, 2 + years],
                "values": [sheet_name, row, 3, row, 2 + years],
                **style,
            })
        t = trend.target
        chart.set_title({"name": f"{t.id}. {t.name.get(self.lang)}",
                         "name_font": {"size": 10}})
        chart.set_legend({"position": "bottom", "font": {"size": 8}})
        unit = f"% ({_share_word(self.lang)})" if _is_share(t) else _unit(t.unit, self.lang)
        # A format of its own: the cells' four decimals would crowd the axis.
        chart.set_y_axis({"name": unit, "name_font": {"size": 9, "bold": False},
                          "num_format": "#,##0.0###", "num_font": {"size": 8}})
        chart.set_x_axis({"num_font": {"size": 8}})
        chart.set_size({"width": width, "height": height})
        return chart

    def _print_setup(self, sheet: Any, widths: list[int]) -> int:
        """Margins, and a print scale at which the values table, and so the charts within
        its width, is one page wide; returns the scale.

        Every row keeps its default height, so a page holds a known number of rows, and the
        page breaks are set by hand (a "fit to page" scale would make Excel ignore them).
        """
        sheet.set_margins(left=SIDE_MARGIN_IN, right=SIDE_MARGIN_IN, top=END_MARGIN_IN,
                          bottom=END_MARGIN_IN)
        scale = max(10, min(100, PAGE_PX * 100 // sum(map(_printed_px, widths))))
        sheet.set_print_scale(scale)
        return scale

    def _outlook(self) -> None:
        lang = self.lang
        keys = ["id", "indicator", "horizon", "national_target", "first_year", "last_year",
                "pace_ratio", "projected", "band", "note"]
        # About 140 characters in all, so that A4 landscape prints it at a readable size;
        # names and notes wrap, each row as high as its text.
        widths = [7, 40, 8, 16, 7, 7, 14, 14, 16, 26]
        sheet = self._sheet("outlook", [word(k, lang) for k in keys], widths, 0)
        row = 1
        for trend in self.result.trends:
            t = trend.target
            for p in trend.projections:
                note = None
                if p.capped and p.projected is not None:
                    limit = _projected_text(t, p, p.projected, lang, with_share=False)
                    note = word("capped", lang).format(limit=limit)
                texts = [t.id, t.name.get(lang), None, _national_text(t, p, lang), None, None,
                         None, None, band_label(p.band, lang), note]
                fit_row(sheet, row, texts, widths)
                self._row(sheet, row, texts)
                for col, year in ((2, p.horizon), (4, p.first_year), (5, p.last_year)):
                    self._cell(sheet, row, col, year, self.year)  # 2025, not 2.025
                ratio = None if p.ratio is None else number(Fraction(f"{p.ratio:.2f}"), 2, lang)
                self._cell(sheet, row, 6, ratio, self.figure)
                projected = (None if p.projected is None
                             else _projected_text(t, p, p.projected, lang))
                self._cell(sheet, row, 7, projected, self.figure)
                row += 1


def rows_per_page(scale: int) -> int:
    """Rows of a goal's sheet a printed page holds at ``scale`` %, besides the header row
    repeated at its top, with one row to spare for the viewers' rounding."""
    return math.floor(PAGE_PT * 100 / (scale * ROW_PX * 0.75)) - 2


def page_breaks(chart_tops: list[int], chart_rows: int, heading: int, end: int,
                per_page: int) -> list[int]:
    """The rows above which a page begins, for a sheet whose rows 1 to ``end`` - 1 are single
    rows but for the rows of charts, each ``chart_rows`` tall from a row of ``chart_tops``,
    and the ``heading`` row, kept with the row under it: a page is filled as far as it goes,
    and a row of charts (or the heading) that would not fit whole on it begins the next."""
    breaks: list[int] = []
    page_top, row = 1, 1
    charts = set(chart_tops)
    while row < end:
        height = chart_rows if row in charts else min(2, end - row) if row == heading else 1
        if row > page_top and row + height - page_top > per_page:
            breaks.append(row)
            page_top = row
        row += height
    return breaks


def _widths(name_width: int, years: int) -> list[int]:
    """The columns of a goal's sheet: id, name, unit, the years, the change. The names' half
    (id and name) and the other are made as wide as each other, and together at least
    TABLE_PX, the year columns or the name column widened as needed."""
    widths = [8, name_width, 12] + [11] * years + [12]
    left = sum(map(_excel_px, widths[:2]))
    right = sum(map(_excel_px, widths[2:]))
    half = max(left, right, TABLE_PX // 2)
    widths[1] += math.ceil((half - left) / 7)
    wider, rest = divmod(half - right, 7 * years) if years else (0, half - right)
    widths[3:3 + years] = [11 + wider] * years  # characters more for each year column
    widths[-1] += math.ceil(rest / 7)  # and the pixels left over
    return widths


def _excel_px(width: int) -> int:
    """A column of ``width`` characters in Excel's pixels (Calibri 11), by which xlsxwriter
    anchors the charts."""
    return width * 7 + 5


def _printed_px(width: int) -> int:
    """The most a column of ``width`` characters prints across, in pixels: Excel's 7 a
    character, LibreOffice's up to 9.5 where it draws Calibri's place with DejaVu Sans."""
    return math.ceil(width * 9.5) + 5


def _name_width(names: Iterable[str]) -> int:
    """Wide enough for the longest indicator name on one line, within reason: rows keep one
    height, so that a page holds a known number of them."""
    return max(30, min(70, max((len(n) for n in names), default=0) + 2))


def _is_share(target: Target) -> bool:
    """A count of communes (targets 1 and 21), which the national targets give as a share
    in %: multiyear compares it as one, and so it is shown as one next to them."""
    return target.measure is Measure.UNITS and target.unit == "communes"


def _share(value: YearValue) -> Fraction | None:
    if value.value is None or not value.denominator:
        return None
    return Fraction(value.numerator or 0, value.denominator) * 100


def _share_word(lang: str) -> str:
    return word("commune_share", lang)


def _national(target: Target, p: Projection) -> Target:
    """The horizon's national target in the terms ``target`` is written in."""
    update: dict[str, Any] = {"target": p.target, "direction": p.direction}
    if _is_share(target):
        update["unit"] = "%"
    return target.model_copy(update=update)


def _national_text(target: Target, p: Projection, lang: str) -> str:
    """"< 9,5‰", "≥ 65% (tỷ lệ xã)": never to be read as 65 communes."""
    text = target_text(_national(target, p), lang)
    return f"{text} ({_share_word(lang)})" if _is_share(target) else text


def _projected_text(target: Target, p: Projection, value: float, lang: str,
                    with_share: bool = True) -> str:
    """A projected value as the JSON rounds it (4 decimals), with as many decimals as it
    takes not to read as the national target unless it is, and its unit."""
    exact = Fraction(f"{value:.4f}")
    text = with_unit(number(exact, decimals_for(exact, p.target), lang), _national(target, p),
                     lang)
    return f"{text} ({_share_word(lang)})" if with_share and _is_share(target) else text


def _unit(unit: str, lang: str) -> str:
    """"xã" for communes in Vietnamese; the symbols (%, ‰) as they are."""
    return word(unit, lang) if unit in ("communes", "persons") else unit
