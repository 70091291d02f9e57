"""The trend workbook of a rollup: a sheet per goal with a chart per indicator.

Each goal's sheet holds indicator x year values (numbers, coloured by status)
and, below them, a native line chart per indicator that Excel and LibreOffice
draw themselves; then the outlook against the national targets, the problems
and the files read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kh_treem.i18n import band_label, change_label, word
from kh_treem.multiyear import RollupResult, Trend
from kh_treem.workbook import BookWriter, write_book

CHART_ROWS = 15  # rows a chart takes
CHARTS_PER_ROW = 2
CHART_WIDTH = 480  # pixels


def write_trend(result: RollupResult, path: Path, lang: str = "vi") -> None:
    """Write the trend workbook to ``path``, atomically."""
    # Not in constant_memory: charts would be written without their cached values, which
    # some viewers (file previews) show in place of the cells.
    write_book(path, lambda book: _TrendWriter(book, lang, result).write(), "trend",
               constant_memory=False)


class _TrendWriter(BookWriter):
    def __init__(self, book: Any, lang: str, result: RollupResult) -> None:
        super().__init__(book, lang)
        self.result = result

    def write(self) -> None:
        goals = sorted({t.target.goal for t in self.result.trends})
        for goal in goals:
            self._goal(goal, [t for t in self.result.trends if t.target.goal == goal])
        self._outlook()
        self._problems(self.result.problems)
        self._files(self.result.files)

    def _goal(self, goal: int, trends: list[Trend]) -> None:
        lang, years = self.lang, self.result.years
        name = f"{word('goal', lang)} {goal}"
        headers = [word("id", lang), word("indicator", lang), word("unit", lang)]
        headers += [str(y) for y in years] + [word("change", lang)]
        widths = [8, 44, 10] + [11] * len(years) + [12]
        sheet = self._sheet_named(name, headers, widths, 0)
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
        chart_top = len(trends) + 2
        for i, trend in enumerate(trends):
            self._chart(sheet, name, trend, i + 1, chart_top + (i // CHARTS_PER_ROW) * CHART_ROWS,
                        (i % CHARTS_PER_ROW) * (CHART_WIDTH + 20))

    def _chart(self, sheet: Any, sheet_name: str, trend: Trend, row: int, top: int,
               x_offset: int) -> None:
        years = len(self.result.years)
        chart = self.book.add_chart({"type": "line"})
        chart.add_series({
            "name": f"{trend.target.id}",
            "categories": [sheet_name, 0, 3, 0, 2 + years],
            "values": [sheet_name, row, 3, row, 2 + years],
            "marker": {"type": "circle"},
        })
        chart.set_title({"name": f"{trend.target.id}. {trend.target.name.get(self.lang)}",
                         "name_font": {"size": 10}})
        chart.set_legend({"none": True})
        chart.set_y_axis({"name": _unit(trend.target.unit, self.lang)})
        chart.set_size({"width": CHART_WIDTH, "height": 280})
        sheet.insert_chart(top, 0, chart, {"x_offset": x_offset})

    def _outlook(self) -> None:
        lang = self.lang
        keys = ["id", "indicator", "horizon", "target", "first_year", "last_year", "ratio",
                "projected", "band", "note"]
        sheet = self._sheet("outlook", [word(k, lang) for k in keys],
                            [8, 44, 9, 10, 9, 9, 10, 12, 20, 30], 0)
        row = 1
        for trend in self.result.trends:
            for p in trend.projections:
                limit = f"{p.projected:g}{trend.target.unit}" if p.capped else ""
                self._row(sheet, row, [
                    trend.target.id, trend.target.name.get(lang), p.horizon,
                    f"{p.direction.sign} {float(p.target):g}", p.first_year, p.last_year,
                    p.ratio, p.projected, band_label(p.band, lang),
                    word("capped", lang).format(limit=limit) if p.capped else None,
                ])
                row += 1


def _unit(unit: str, lang: str) -> str:
    """"xã" for communes in Vietnamese; the symbols (%, ‰) as they are."""
    return word(unit, lang) if unit in ("communes", "persons") else unit
