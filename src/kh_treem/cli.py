"""The command line: parse options, call the library, render.

Exit status: 0 scored (whatever was met); 1 some input had errors, or the
summary could not be written; 2 wrong usage or an invalid plan file; 3 an
internal error (a bug: rerun with --debug and report it).
"""

from __future__ import annotations

import enum
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from kh_treem.pipeline import ScoreResult

EXIT_OK, EXIT_INPUT_ERRORS, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="kh-treem: đánh giá kết quả thực hiện kế hoạch vì trẻ em từ số liệu của các xã"
    " (did the district meet its plan for children?).",
)


class Format(enum.StrEnum):
    table = "table"
    json = "json"


class Lang(enum.StrEnum):
    vi = "vi"
    en = "en"


@app.callback()
def _root() -> None:
    """kh-treem: đánh giá kết quả thực hiện kế hoạch vì trẻ em."""


@app.command()
def score(
    paths: Annotated[list[Path], typer.Argument(
        help="Tệp số liệu của các xã (.xlsx, .xlsm, .xls, .ods) hoặc thư mục chứa chúng.",
        show_default=False)],
    plan: Annotated[Path | None, typer.Option(
        "--plan", "-p", help="Tệp kế hoạch YAML (mặc định: kế hoạch 2022 của huyện Ia H’Drai).",
        dir_okay=False)] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Bảng tổng hợp .xlsx (mặc định: kh-treem-<kế hoạch>.xlsx).",
        dir_okay=False)] = None,
    no_workbook: Annotated[bool, typer.Option(
        "--no-workbook", help="Không ghi bảng tổng hợp.")] = False,
    fmt: Annotated[Format, typer.Option(
        "--format", "-f", help="table: bảng trên màn hình; json: cho máy đọc.")] = Format.table,
    lang: Annotated[Lang, typer.Option("--lang", help="Ngôn ngữ (vi, en).")] = Lang.vi,
    debug: Annotated[bool, typer.Option("--debug", help="In chi tiết lỗi nội bộ.")] = False,
) -> None:
    """Chấm điểm các chỉ tiêu của kế hoạch từ số liệu các xã gửi về."""
    from kh_treem.pipeline import score as run_score
    from kh_treem.plan import PlanError, load_plan

    try:
        loaded = load_plan(plan)
    except PlanError as exc:
        _fail(f"Tệp kế hoạch không dùng được: {exc}" if lang is Lang.vi
              else f"The plan file cannot be used: {exc}", EXIT_USAGE)
    target = output or Path(f"kh-treem-{loaded.id}.xlsx")
    if not no_workbook and _is_input(target, paths):
        _fail(f"{target}: đây là một tệp số liệu đầu vào, không ghi đè lên nó." if lang is Lang.vi
              else f"{target} is one of the inputs; it is never overwritten.", EXIT_USAGE)
    try:
        result = run_score(paths, loaded)
    except Exception:
        if debug:
            raise
        _fail("Lỗi nội bộ của kh-treem; chạy lại với --debug và báo cho người bảo trì."
              if lang is Lang.vi else
              "kh-treem hit an internal error; rerun with --debug and report it.", EXIT_BUG)
    written = None if no_workbook else _write(result, target, lang.value, debug)
    if fmt is Format.json:
        json.dump(result.to_dict(lang.value), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _render(result, lang.value, written)
    failed_write = not no_workbook and written is None
    raise typer.Exit(EXIT_INPUT_ERRORS if result.has_errors or failed_write else EXIT_OK)


def _is_input(target: Path, paths: list[Path]) -> bool:
    resolved = target.resolve()
    return any(p.resolve() == resolved for p in paths)


def _write(result: ScoreResult, target: Path, lang: str, debug: bool) -> Path | None:
    from kh_treem.workbook import write_summary

    try:
        write_summary(result, target, lang)
    except OSError as exc:
        if debug:
            raise
        reason = exc.strerror or str(exc)
        typer.echo(f"Không ghi được bảng tổng hợp {target}: {reason}" if lang == "vi"
                   else f"Could not write the summary workbook {target}: {reason}", err=True)
        return None
    return target


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


STATUS_STYLES = {"met": "green", "not_met": "bold red", "not_applicable": "dim",
                 "no_data": "yellow"}
SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "notice": "dim"}


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _render(result: ScoreResult, lang: str, written: Path | None) -> None:
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    from kh_treem.formatting import target_text, value_text
    from kh_treem.i18n import status_label, word

    plan = result.plan
    console = _console()
    table = Table(title=f"{plan.title.get(lang)}\n{plan.area.get(lang)} · {plan.year}",
                  box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column(word("indicator", lang), ratio=1)
    table.add_column(word("value", lang), justify="right", no_wrap=True)
    table.add_column(word("target", lang), justify="right", no_wrap=True)
    table.add_column(word("status", lang), no_wrap=True)
    table.add_column(word("units", lang), justify="right", no_wrap=True)
    goal = None
    for o in result.indicators:
        t = o.target
        if t.goal != goal:
            goal = t.goal
            if table.row_count:
                table.add_section()
            name = plan.goal(goal).name.get(lang)
            table.add_row("", f"[bold]{word('goal', lang)} {goal}. {escape(name)}[/bold]")
        table.add_row(
            t.id, escape(t.name.get(lang)), value_text(o, lang), target_text(t, lang),
            f"[{STATUS_STYLES[o.status]}]{status_label(o.status, lang)}[/]",
            f"{len(o.units_reporting)}/{len(plan.units)}",
        )
    console.print(table)
    console.print()
    if result.problems:
        console.print(f"[bold]{word('problems', lang)}[/bold]")
        for p in result.problems:
            style = SEVERITY_STYLES[p.severity]
            where = f"{escape(p.where())}: " if p.where() else ""
            console.print(f"[{style}]{word(p.severity, lang)}[/]: {where}{escape(p.message(lang))}")
    else:
        console.print(word("no_problems", lang))
    console.print()
    if written is not None:
        console.print(escape(word("summary_written", lang).format(path=written)))
    closing = word("met_line", lang).format(met=result.met, total=len(result.indicators))
    console.print(f"[bold]{closing}[/bold]")


def main() -> None:
    app()
