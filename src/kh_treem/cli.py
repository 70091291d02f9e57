"""The command line: parse options, call the library, render.

Exit status: 0 scored (whatever was met); 1 some input had errors, or the
summary could not be written; 2 wrong usage or an invalid plan file; 3 an
internal error (a bug: rerun with --debug and report it); 130 stopped by Ctrl-C;
141 the reader of the output went away (``| head``), as a shell reports SIGPIPE.
"""

from __future__ import annotations

import contextlib
import enum
import io
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

import kh_treem
from kh_treem.formatting import decimals_for, number, printable, target_text, value_text
from kh_treem.i18n import band_label, change_label, status_label, word
from kh_treem.intake import FileRecord
from kh_treem.multiyear import RollupResult
from kh_treem.names import UnitMatcher
from kh_treem.pipeline import CheckResult, ScoreResult, previous_figures
from kh_treem.plan import (
    Plan,
    PlanError,
    check_plan,
    json_schema,
    load_plan,
    plan_clause,
    plan_yaml,
    require_units,
)
from kh_treem.plan_workbook import (
    CELL_TEXT_LIMIT,
    export_name,
    texts_too_long,
    write_plan_workbook,
)
from kh_treem.problems import Gathered, Problem, counted, gathered
from kh_treem.records import csv_bytes
from kh_treem.report import write_report
from kh_treem.template import form_filename, write_form
from kh_treem.text_table import layout
from kh_treem.trend_workbook import write_trend
from kh_treem.workbook import write_summary

if TYPE_CHECKING:  # rich is imported where output is drawn, not by --help
    from rich.console import Console

EXIT_OK, EXIT_INPUT_ERRORS, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # the shell's convention for Ctrl-C
EXIT_BROKEN_PIPE = 141  # the shell's convention for a process whose reader closed the pipe

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
    csv = "csv"


class Lang(enum.StrEnum):
    vi = "vi"
    en = "en"


plan_app = typer.Typer(no_args_is_help=True, help="Tệp kế hoạch (the plan file).")
app.add_typer(plan_app, name="plan")


@app.callback()
def _root() -> None:
    """kh-treem: đánh giá kết quả thực hiện kế hoạch vì trẻ em."""


Paths = Annotated[list[Path], typer.Argument(
    help="Tệp số liệu của các xã (.xlsx, .xlsm, .xlsb, .xls, .ods, .csv) hoặc thư mục chứa"
    " chúng.",
    show_default=False)]
PlanOption = Annotated[Path | None, typer.Option(
    "--plan", "-p", help="Tệp kế hoạch, YAML hoặc bảng tính .xlsx (mặc định: kế hoạch 2022"
    " của huyện Ia H’Drai).")]
FormatOption = Annotated[Format, typer.Option(
    "--format", "-f", help="table: bảng trên màn hình; json: cho máy đọc; csv: bảng phẳng"
    " cho Excel (UTF-8 có BOM).")]
LangOption = Annotated[Lang, typer.Option("--lang", help="Ngôn ngữ (vi, en).")]
DebugOption = Annotated[bool, typer.Option("--debug", help="In chi tiết lỗi nội bộ.")]
JobsOption = Annotated[int, typer.Option(
    "--jobs", "-j", min=0, help="Số tiến trình đọc tệp tối đa (0: bằng số lõi CPU). Một tiến"
    " trình cho mỗi 100 tệp, không quá 2 tiến trình mỗi lõi.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Không hiện thanh tiến độ.")]
PreviousOption = Annotated[list[Path] | None, typer.Option(
    "--previous", help="Số liệu năm trước (tệp hoặc thư mục): cảnh báo số liệu khác thường so"
    " với năm trước.", show_default=False)]
# Below this many files a run takes a second or two: no progress bar.
PROGRESS_MIN_FILES = 500


@app.command()
def score(
    paths: Paths,
    plan: PlanOption = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Bảng tổng hợp .xlsx (mặc định: kh-treem-<kế hoạch>.xlsx).",
        show_default=False)] = None,
    no_workbook: Annotated[bool, typer.Option(
        "--no-workbook", help="Không ghi bảng tổng hợp.")] = False,
    fmt: FormatOption = Format.table,
    by_unit: Annotated[bool, typer.Option(
        "--by-unit", help="Với --format csv: một hàng cho mỗi xã và chỉ tiêu.")] = False,
    previous: PreviousOption = None,
    lang: LangOption = Lang.vi,
    jobs: JobsOption = 0,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Chấm điểm các chỉ tiêu của kế hoạch từ số liệu các xã gửi về."""
    if by_unit and fmt is not Format.csv:
        _fail("--by-unit chỉ dùng với --format csv." if lang is Lang.vi
              else "--by-unit goes with --format csv.", EXIT_USAGE)
    loaded = _load_plan(plan, lang)
    _check_previous(previous or [], paths, lang)
    target = output or _named_after("kh-treem", loaded, ".xlsx")
    if not no_workbook:
        target = _check_output(target, [*paths, *(previous or []), *([plan] if plan else [])],
                               lang)
    with _guard(lang, debug):
        # The progress bar is for the reading only: it is gone before the workbook is made.
        with _progress(quiet, lang) as progress:
            result = kh_treem.score(paths, loaded, _jobs(jobs), progress, previous or ())
        if not no_workbook and (_is_sent(target, result.files)
                                or _in_folders(target, previous or [], lang)):
            _refuse_output(target, lang)  # this year's files, or last year's (--previous)
        written = None if no_workbook else _write(
            lambda: write_summary(result, target, lang.value), target, lang.value, debug)
        _show(result, fmt, lang.value, written, by_unit)
    failed_write = not no_workbook and written is None
    raise typer.Exit(EXIT_INPUT_ERRORS if result.has_errors or failed_write else EXIT_OK)


@app.command()
def check(
    paths: Paths,
    plan: PlanOption = None,
    state: Annotated[Path | None, typer.Option(
        "--state", help="Tệp .json ghi lại các tệp đã thấy, để đánh dấu tệp mới, tệp đã thay"
        " đổi từ lần kiểm tra trước (đặt ngoài thư mục số liệu).", show_default=False,
        dir_okay=False)] = None,
    previous: PreviousOption = None,
    fmt: FormatOption = Format.table,
    lang: LangOption = Lang.vi,
    jobs: JobsOption = 0,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Kiểm tra các tệp số liệu (không chấm điểm): từng tệp, xã nào thiếu, xã nào gửi hai lần."""
    loaded = _load_plan(plan, lang)
    _check_previous(previous or [], paths, lang)
    if state is not None:
        _check_state(state, [*paths, *([plan] if plan else [])], lang)
    with _guard(lang, debug), _progress(quiet, lang) as progress:
        result = kh_treem.check(paths, loaded, _jobs(jobs), progress, state, previous or ())
        _show(result, fmt, lang.value)
        sys.stdout.flush()  # the report is out before the state forgets what it said
        unsaved = result.save_state()
        if unsaved:
            _render_problems(unsaved, lang.value, stderr=True)
    raise typer.Exit(EXIT_INPUT_ERRORS if result.has_errors or unsaved else EXIT_OK)


@app.command()
def template(
    plan: PlanOption = None,
    unit: Annotated[str | None, typer.Option(
        "--unit", "-u", help="Tên xã cần lập biểu mẫu.", show_default=False)] = None,
    all_units: Annotated[bool, typer.Option(
        "--all", help="Lập biểu mẫu cho mọi xã của kế hoạch, vào thư mục -o.")] = False,
    year: Annotated[int | None, typer.Option(
        "--year", "-y", help="Năm báo cáo, từ 2000 đến 2100 (mặc định: năm của kế hoạch).",
        show_default=False)] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Tệp .xlsx (một xã) hoặc thư mục (--all); mặc định: thư mục"
        " hiện tại.", show_default=False)] = None,
    previous: Annotated[list[Path] | None, typer.Option(
        "--previous", help="Số liệu năm trước (tệp hoặc thư mục) để đối chiếu.",
        show_default=False)] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Ghi đè lên biểu mẫu đã có.")] = False,
    lang: LangOption = Lang.vi,
    debug: DebugOption = False,
) -> None:
    """Lập biểu mẫu số liệu cho các xã từ kế hoạch (bảng tính có sẵn mã, kiểm tra nhập liệu)."""
    vi = lang is Lang.vi
    loaded = _load_plan(plan, lang)
    if all_units == (unit is not None):
        _fail("Chọn một xã với --unit TÊN, hoặc mọi xã với --all." if vi
              else "Choose one commune with --unit NAME, or every commune with --all.",
              EXIT_USAGE)
    units = loaded.units
    if unit is not None:
        matcher = UnitMatcher(loaded.units)
        found = matcher.match(unit)
        if found is None:
            _fail(f"“{unit}” không phải là xã nào của kế hoạch (có phải “{matcher.suggest(unit)}”?)"
                  if vi else f"“{unit}” is none of the plan's communes (did you mean"
                  f" “{matcher.suggest(unit)}”?)", EXIT_USAGE)
        units = [found]
    if year is not None and not 2000 <= year <= 2100:  # the years a plan may have
        _fail(f"--year {year}: năm báo cáo phải từ 2000 đến 2100." if vi
              else f"--year {year}: the reporting year is from 2000 to 2100.", EXIT_USAGE)
    form_year = year or loaded.year
    folder = output if all_units and output is not None else Path(".")
    if all_units:
        if output is not None and (_kind(output, lang) not in ("missing", "folder")
                                   or output.suffix.lower() == ".xlsx"):
            _fail(f"{output}: với --all, -o phải là một thư mục." if vi
                  else f"{output}: with --all, -o must name a folder.", EXIT_USAGE)
        targets = {u: folder / form_filename(u, form_year) for u in units}
        same: dict[Path, list[str]] = {}
        for u, path in targets.items():
            same.setdefault(path, []).append(u)
        for path, named in same.items():
            if len(named) > 1:  # "Ia Tơi" and "Ia-Tơi": one would overwrite the other
                _fail(f"{', '.join(named)}: cùng một tên tệp biểu mẫu {path.name}; đặt tên"
                      " các xã khác nhau trong kế hoạch, hoặc lập từng biểu với --unit và -o."
                      if vi else f"{', '.join(named)}: one form file name {path.name}; name"
                      " the communes apart in the plan, or make each form with --unit and -o.",
                      EXIT_USAGE)
    else:
        targets = {units[0]: output or Path(form_filename(units[0], form_year))}
    for unit, path in targets.items():
        targets[unit] = path = _check_output(path, [plan] if plan else [], lang)
        if _is_input(path, previous or []) or _in_folders(path, previous or [], lang):
            _fail(f"{path}: là số liệu năm trước (--previous), không ghi đè lên nó." if vi
                  else f"{path} is last year's submission (--previous); never overwritten.",
                  EXIT_USAGE)
    existing = [p for p in targets.values() if _kind(p, lang) == "file"]
    if existing and not force:
        _refuse_existing(existing, lang)
    missing = [str(p) for p in previous or [] if _kind(p, lang) == "missing"]
    if missing:
        _fail(("Không tìm thấy số liệu năm trước: " if vi
               else "No such file or folder for --previous: ") + ", ".join(missing), EXIT_USAGE)
    with _guard(lang, debug):
        figures: dict[str, dict[str, int]] = {}
        problems: list[Problem] = []
        if previous:
            last, problems = previous_figures(previous, loaded, form_year)
            figures = last.figures
            _render_problems(problems, lang.value, stderr=True)
        for name, path in targets.items():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                write_form(loaded, name, form_year, path,
                           figures.get(name, {}) if previous else None, overwrite=force)
            except FileExistsError:  # made by another run since the check above
                _claimed_meanwhile(path, lang)
            except OSError as exc:  # a full disk, a folder that cannot be made
                reason = exc.strerror or str(exc)
                _fail(f"Không ghi được biểu mẫu {path}: {reason}" if vi
                      else f"Could not write the form {path}: {reason}", EXIT_INPUT_ERRORS)
            typer.echo(printable(f"Đã ghi biểu mẫu: {path}" if vi else f"Form written: {path}"))
    errors = any(p.severity == "error" for p in problems)
    raise typer.Exit(EXIT_INPUT_ERRORS if errors else EXIT_OK)


@app.command()
def rollup(
    paths: Paths,
    plans: Annotated[list[Path] | None, typer.Option(
        "--plan", "-p", help="Kế hoạch của một năm (nhắc lại cho nhiều năm; mặc định: kế hoạch"
        " 2022).", show_default=False)] = None,
    horizons: Annotated[list[str] | None, typer.Option(
        "--horizon", help="Mục tiêu quốc gia để dự báo: 2025, 2030 hoặc một tệp YAML"
        " (mặc định: 2025 và 2030).", show_default=False)] = None,
    no_horizon: Annotated[bool, typer.Option(
        "--no-horizon", help="Không dự báo.")] = False,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Bảng xu hướng .xlsx có biểu đồ.", show_default=False)] = None,
    fmt: FormatOption = Format.table,
    lang: LangOption = Lang.vi,
    jobs: JobsOption = 0,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Tổng hợp nhiều năm: kết quả từng năm, xu hướng, và dự báo đến mục tiêu 2025, 2030."""
    loaded = [_load_plan(p, lang) for p in plans or []]
    if output is not None:
        read = [*paths, *(plans or []), *(Path(h) for h in horizons or [] if not h.isdigit())]
        output = _check_output(output, read, lang)
    with _guard(lang, debug), _progress(quiet, lang) as progress:
        try:
            chosen = [] if no_horizon else horizons or ["2025", "2030"]
            result = kh_treem.rollup(paths, loaded, chosen, _jobs(jobs), progress)
        except PlanError as exc:
            _plan_unusable(exc, lang, "horizon_unusable")
        if output is not None and _is_sent(output, result.files):
            _refuse_output(output, lang)
        written = None
        if output is not None:
            trend_path = output
            written = _write(lambda: write_trend(result, trend_path, lang.value), trend_path,
                             lang.value, debug, "trend")
        _show(result, fmt, lang.value, written)
    has_errors = any(p.severity == "error" for p in result.problems)
    failed = output is not None and written is None
    raise typer.Exit(EXIT_INPUT_ERRORS if has_errors or failed else EXIT_OK)


@app.command()
def report(
    paths: Paths,
    plan: PlanOption = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Báo cáo .docx (mặc định: bao-cao-<kế hoạch>.docx).",
        show_default=False)] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Ghi đè lên báo cáo đã có.")] = False,
    lang: LangOption = Lang.vi,
    jobs: JobsOption = 0,
    quiet: QuietOption = False,
    debug: DebugOption = False,
) -> None:
    """Viết dự thảo báo cáo kết quả thực hiện kế hoạch gửi Ủy ban nhân dân (.docx, Word)."""
    loaded = _load_plan(plan, lang)
    target = _check_output(output or _named_after("bao-cao", loaded, ".docx"),
                           [*paths, *([plan] if plan else [])], lang, ".docx")
    if not force and _kind(target, lang) == "file":
        _refuse_existing([target], lang)
    with _guard(lang, debug):
        with _progress(quiet, lang) as progress:
            result = kh_treem.score(paths, loaded, _jobs(jobs), progress)
        if _is_sent(target, result.files):
            _refuse_output(target, lang)
        written = _write_new(lambda: write_report(result, target, lang.value, overwrite=force),
                             target, lang, debug, "report")
        _render_problems(result.problems, lang.value, stderr=True)
        lines = [] if written is None else [
            printable(word("report_written", lang.value).format(path=written))]
        lines.append(word("met_line", lang.value).format(met=result.met,
                                                         total=len(result.indicators)))
        typer.echo("\n".join(lines))
    raise typer.Exit(EXIT_INPUT_ERRORS if result.has_errors or written is None else EXIT_OK)


@plan_app.command("schema")
def plan_schema(lang: LangOption = Lang.vi, debug: DebugOption = False) -> None:
    """In JSON Schema của tệp kế hoạch, để trình soạn thảo kiểm tra kế hoạch khi soạn
    (kh-treem plan schema > plan.schema.json)."""
    with _guard(lang, debug):
        _print_json(json_schema())
    raise typer.Exit(EXIT_OK)


@plan_app.command("export")
def plan_export(
    plan: PlanOption = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Bảng tính .xlsx (mặc định: ke-hoach-<năm>.xlsx).",
        show_default=False)] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Ghi đè lên bảng tính đã có.")] = False,
    lang: LangOption = Lang.vi,
    debug: DebugOption = False,
) -> None:
    """Ghi kế hoạch ra bảng tính để sửa thành kế hoạch năm sau (kh-treem plan export -o
    ke-hoach-2023.xlsx)."""
    loaded = _load_plan(plan, lang, units=False)  # a horizon plan too
    too_long = texts_too_long(loaded)
    if too_long:
        _fail(word("plan_text_too_long", lang.value).format(
            where=", ".join(too_long), limit=number(CELL_TEXT_LIMIT, 0, lang.value)),
            EXIT_USAGE)
    target = _check_output(output or Path(export_name(loaded)), [plan] if plan else [], lang)
    if not force and _kind(target, lang) == "file":
        _refuse_existing([target], lang)
    with _guard(lang, debug):
        _plan_written(_write_new(lambda: write_plan_workbook(loaded, target, lang.value, force),
                                 target, lang, debug, "plan"), lang)


PlanFile = Annotated[Path, typer.Argument(
    help="Tệp kế hoạch: YAML hoặc bảng tính (.xlsx, .xlsm, .xls, .ods).",
    show_default=False)]


@plan_app.command("check")
def plan_check(file: PlanFile, lang: LangOption = Lang.vi, debug: DebugOption = False) -> None:
    """Kiểm tra tệp kế hoạch: mọi lỗi cùng lúc, mỗi lỗi kèm trang tính và ô (hoặc khóa và
    dòng của tệp YAML)."""
    with _guard(lang, debug):
        try:
            loaded, problems = check_plan(file)
        except PlanError as exc:
            _plan_unusable(exc, lang)
        lines = [_problem_line(p, lang.value) for p in problems]
        if loaded is None:
            errors = counted(problems, "error")
            lines.append(word("plan_invalid" if errors != 1 else "plan_invalid_one",
                              lang.value).format(errors=errors))
        else:
            lines.append(printable(word("plan_valid", lang.value).format(
                id=loaded.id, year=loaded.year, targets=len(loaded.targets),
                elements=len(loaded.elements), units=len(loaded.units))))
        typer.echo("\n".join(lines))
    raise typer.Exit(EXIT_OK if loaded is not None else EXIT_USAGE)


@plan_app.command("import")
def plan_import(
    file: PlanFile,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Tệp YAML (mặc định: tên bảng tính, đuôi .yaml).",
        show_default=False)] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Ghi đè lên tệp YAML đã có.")] = False,
    lang: LangOption = Lang.vi,
    debug: DebugOption = False,
) -> None:
    """Chuyển bảng tính kế hoạch thành tệp YAML (để lưu trữ, so sánh các phiên bản)."""
    loaded = _load_plan(file, lang, units=False)
    target = _check_output(output or file.with_suffix(".yaml"), [file], lang, ".yaml")
    if not force and _kind(target, lang) == "file":
        _refuse_existing([target], lang)
    text = plan_yaml(loaded, file.name)
    with _guard(lang, debug):
        _plan_written(_write_new(lambda: _write_text(target, text, force), target, lang, debug,
                                 "plan_yaml"), lang)


def _plan_written(written: Path | None, lang: Lang) -> NoReturn:
    """The end of plan export and import: the file written, or exit 1 when the disk
    refused it (said by _write)."""
    if written is None:
        raise typer.Exit(EXIT_INPUT_ERRORS)
    typer.echo(printable(word("plan_written", lang.value).format(path=written)))
    raise typer.Exit(EXIT_OK)


def _write_text(target: Path, text: str, overwrite: bool) -> None:
    """``text`` in UTF-8 at ``target``, whole or not at all."""
    from kh_treem.atomic import atomic_path

    with atomic_path(target, overwrite) as temp:
        temp.write_bytes(text.encode("utf-8"))


def _named_after(prefix: str, plan: Plan, suffix: str) -> Path:
    """The default output in the current folder, named after the plan's id: what the id has
    that a file name cannot (a "/" as in "45/KH-UBND", a "..") becomes "-"."""
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]|\.\.+', "-", plan.id).strip(" .-")
    return Path(f"{prefix}-{stem}{suffix}" if stem else f"{prefix}{suffix}")


def _jobs(jobs: int) -> int:
    return jobs or os.cpu_count() or 1


@contextlib.contextmanager
def _progress(quiet: bool, lang: Lang) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for long runs, never when output goes to a file or a script."""
    if quiet or not (sys.stdout.isatty() and sys.stderr.isatty()):
        yield None
        return
    from rich.progress import Progress

    with Progress(console=_console(stderr=True), transient=True) as bar:
        task = bar.add_task("Đọc tệp" if lang is Lang.vi else "Reading files", visible=False)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, visible=total >= PROGRESS_MIN_FILES)

        yield update


def _load_plan(plan: Path | None, lang: Lang, units: bool = True) -> Plan:
    """The plan to score with (``units``: one that lists units to score); a plan that cannot
    be used is a usage error, its warnings (a sheet of a workbook not read) go to stderr."""
    try:
        if plan is None:
            return load_plan()
        loaded, problems = check_plan(plan)
        if loaded is None:
            raise PlanError(str(plan), problems)
        for p in problems:
            typer.echo(_problem_line(p, lang.value), err=True)
        return require_units(loaded, str(plan)) if units else loaded
    except PlanError as exc:
        _plan_unusable(exc, lang)


def _plan_unusable(exc: PlanError, lang: Lang, head_key: str = "plan_unusable") -> NoReturn:
    """`Tệp kế hoạch không dùng được: plan.yaml: targets.1 (2).target (dòng 380): ...`, in
    the officer's language where the error says what it found, one line an error."""
    head = word(head_key, lang.value)
    errors = [p for p in exc.problems if p.severity == "error"]
    if not errors:
        _fail(f"{head}: {exc}", EXIT_USAGE)
    name = errors[0].file
    prefix = f"{head}: {name}" if name else head
    clauses = [plan_clause(p, lang.value) for p in errors]
    if len(clauses) == 1:
        _fail(f"{prefix}: {clauses[0]}", EXIT_USAGE)
    count = word("plan_errors", lang.value).format(count=len(clauses))
    for line in [f"{prefix}: {count}:", *(f"  - {c}" for c in clauses)]:
        typer.echo(printable(line), err=True)
    raise typer.Exit(EXIT_USAGE)


def _show(
    result: ScoreResult | CheckResult | RollupResult, fmt: Format, lang: str,
    written: Path | None = None, by_unit: bool = False,
) -> None:
    """Every command's result as output, in one place: JSON for scripts, CSV for
    spreadsheets, a table for people (``written``: the workbook written beside it, if any;
    ``by_unit``: the CSV of a score by commune)."""
    if fmt in (Format.json, Format.csv) and written is not None:  # stdout is for the data
        key = "summary_written" if isinstance(result, ScoreResult) else "trend_written"
        typer.echo(printable(word(key, lang).format(path=written)), err=True)
    if fmt is Format.json:
        _print_json(result.to_dict(lang))
    elif fmt is Format.csv:
        table = (result.to_table(lang, by_unit) if isinstance(result, ScoreResult)
                 else result.to_table(lang))
        _print_bytes(csv_bytes(table))
        if isinstance(result, CheckResult) and result.files_gone:  # no row to be in
            typer.echo(printable(word("gone_line", lang).format(
                files=", ".join(result.files_gone))), err=True)
        _render_problems(result.problems, lang, stderr=True)  # a table has no room for them
    elif isinstance(result, ScoreResult):
        _render(result, lang, written)
    elif isinstance(result, CheckResult):
        _render_check(result, lang)
    else:
        _render_rollup(result, lang, written)


def _print_json(data: dict[str, Any]) -> None:
    """JSON in UTF-8 whatever the console's encoding (RFC 8259); the lone surrogates that
    stand for a file name's undecodable bytes become JSON's own escapes (\\udcff), which
    read back as the same name."""
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    _print_bytes(text.encode("utf-8", "backslashreplace"))


def _print_bytes(encoded: bytes) -> None:
    """Bytes to stdout as they are, whatever the console's encoding."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (an embedding program's)
        sys.stdout.write(encoded.decode("utf-8"))
        return
    sys.stdout.flush()
    view = memoryview(encoded)
    while view:  # a full disk takes part of a write without an error; the next one says so
        view = view[buffer.write(view):]
    buffer.flush()


@contextlib.contextmanager
def _guard(lang: Lang, debug: bool) -> Iterator[None]:
    """A bug or Ctrl-C ends the run with one sentence, not a traceback (unless --debug)."""
    try:
        yield
        sys.stdout.flush()  # a full disk or a closed pipe is met here, not at exit
    except typer.Exit:
        raise
    except PlanError as exc:  # found once the plan met the files: still the plan's fault
        _plan_unusable(exc, lang)
    except BrokenPipeError:
        # `kh-treem check … | head`: the rest of the output has no reader. Say nothing more
        # (Python would complain again when flushing stdout at exit).
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(EXIT_BROKEN_PIPE) from None
    except KeyboardInterrupt:
        if debug:
            raise
        _fail("Đã dừng theo yêu cầu; không tệp nào bị ghi dở." if lang is Lang.vi
              else "Stopped on request; no file was left half-written.", EXIT_INTERRUPTED)
    except OSError as exc:  # the system's answer, not a bug: a full disk under `> file`
        if debug:
            raise
        reason = exc.strerror or str(exc)
        _fail(f"Hệ thống báo lỗi: {reason}; kết quả ra màn hình hoặc tệp có thể bị cắt dở."
              if lang is Lang.vi else
              f"The system refused: {reason}; the output may be cut short.", EXIT_INPUT_ERRORS)
    except Exception:
        if debug:
            raise
        _fail("Lỗi nội bộ của kh-treem; chạy lại với --debug và báo cho người bảo trì."
              if lang is Lang.vi else
              "kh-treem hit an internal error; rerun with --debug and report it.", EXIT_BUG)


def _kind(path: Path, lang: Lang) -> str:
    """"file", "folder", "missing" or "other" (a device, a FIFO, a socket); a path the system
    cannot use (too long, a loop of links, no permission) is a usage error."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "missing"
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        reason = getattr(exc, "strerror", None) or str(exc)
        _fail(f"{path}: không dùng được đường dẫn này ({reason})" if lang is Lang.vi
              else f"{path}: this path cannot be used ({reason})", EXIT_USAGE)
    if stat.S_ISREG(mode):
        return "file"
    return "folder" if stat.S_ISDIR(mode) else "other"


def _check_output(
    target: Path, inputs: Sequence[Path], lang: Lang, suffix: str = ".xlsx"
) -> Path:
    """The path to write ``target`` at: a link's target (written over, the link itself would
    be replaced). Refused before anything is read: one of ``inputs`` (files read, the plan),
    something other than a file (a folder, a device, a FIFO), or a name not ending
    ``suffix`` (.xlsx for a workbook, .docx for the report)."""
    if os.path.islink(target):
        target = Path(os.path.realpath(target))
    if _kind(target, lang) in ("folder", "other"):
        _fail(f"{target}: không phải là một tệp; chọn tên tệp khác với -o." if lang is Lang.vi
              else f"{target} is not a file; choose another -o.", EXIT_USAGE)
    if _is_input(target, list(inputs)):
        _refuse_output(target, lang)
    if target.suffix.lower() not in SAME_SUFFIX.get(suffix, (suffix,)):
        what = OUTPUT_KINDS[suffix][0 if lang is Lang.vi else 1]
        _fail(f"{target}: {what} được ghi dạng {suffix}; đặt tên tệp kết thúc bằng {suffix}."
              if lang is Lang.vi else
              f"{target}: {what} is written as {suffix}; give a name ending in {suffix}.",
              EXIT_USAGE)
    return target


SAME_SUFFIX = {".yaml": (".yaml", ".yml")}  # the other spelling of a suffix, accepted too
# What each output suffix holds, as the sentence refusing another name says it.
OUTPUT_KINDS = {".xlsx": ("bảng tính", "the workbook"), ".docx": ("báo cáo", "the report"),
                ".yaml": ("tệp kế hoạch", "the plan file")}


def _refuse_existing(paths: Sequence[Path], lang: Lang) -> NoReturn:
    _fail(("Đã có tệp, không ghi đè (dùng --force nếu thật sự muốn): " if lang is Lang.vi
           else "Files already there, not overwritten (use --force if you mean it): ")
          + ", ".join(map(str, paths)), EXIT_USAGE)


def _claimed_meanwhile(path: Path, lang: Lang) -> NoReturn:
    _fail(f"{path}: tệp vừa được tạo bởi một lần chạy khác; không ghi đè." if lang is Lang.vi
          else f"{path}: made by another run meanwhile; not overwritten.", EXIT_USAGE)


def _check_state(state: Path, paths: Sequence[Path], lang: Lang) -> None:
    """Refuse, before anything is read, a state file that is not a .json file of its own:
    one of the inputs, or inside a folder being checked (it would be listed as a file that
    changes every night)."""
    vi = lang is Lang.vi
    if state.suffix.lower() != ".json":
        _fail(f"{state}: tệp trạng thái là một tệp .json; đặt tên kết thúc bằng .json." if vi
              else f"{state}: the state file is a .json file; give a name ending in .json.",
              EXIT_USAGE)
    if _kind(state, lang) in ("folder", "other"):
        _fail(f"{state}: không phải là một tệp; chọn tên tệp khác cho --state." if vi
              else f"{state} is not a file; choose another --state.", EXIT_USAGE)
    if _kind(state.parent, lang) != "folder":
        _fail(f"{state}: không có thư mục {state.parent} để ghi tệp trạng thái; tạo thư mục"
              " trước." if vi else f"{state}: there is no folder {state.parent} to keep the"
              " state in; make it first.", EXIT_USAGE)
    real = Path(os.path.realpath(state))
    # os.path.isdir, not _kind: an input path the system cannot use is the check's to report.
    if _is_input(state, list(paths)) or any(
            real.is_relative_to(os.path.realpath(p)) for p in paths if os.path.isdir(p)):
        _fail(f"{state}: đặt tệp trạng thái ngoài các tệp và thư mục số liệu." if vi
              else f"{state}: keep the state file outside the files and folders checked.",
              EXIT_USAGE)


def _check_previous(previous: Sequence[Path], paths: Sequence[Path], lang: Lang) -> None:
    """Last year's submissions must be there, and apart from this year's: a form found in
    both would be compared with itself."""
    vi = lang is Lang.vi
    for last in previous:
        if not os.path.exists(last):  # False, not OSError, for a name too long
            _fail(f"--previous {last}: không tìm thấy tệp hoặc thư mục này." if vi
                  else f"--previous {last}: no such file or folder.", EXIT_USAGE)
        shared = next((p for p in paths
                       if os.path.exists(p) and _overlap(p.resolve(), last.resolve())), None)
        if shared is not None:
            _fail(f"--previous {last}: trùng với số liệu năm nay ({shared}); chọn thư mục chỉ có"
                  " số liệu năm trước." if vi else
                  f"--previous {last} overlaps this year's submissions ({shared}); give a"
                  " folder of last year's alone.", EXIT_USAGE)


def _overlap(one: Path, other: Path) -> bool:
    """Whether one of the two paths is, or holds, the other."""
    return one.is_relative_to(other) or other.is_relative_to(one)


def _in_folders(target: Path, paths: Sequence[Path], lang: Lang) -> bool:
    """Whether ``target`` is a file already there inside one of the folders in ``paths``."""
    if _kind(target, lang) != "file":
        return False
    found = target.resolve()
    return any(found.is_relative_to(p.resolve()) for p in paths if _kind(p, lang) == "folder")


def _refuse_output(target: Path, lang: Lang) -> NoReturn:
    _fail(f"{target}: đây là một tệp đầu vào, không ghi đè lên nó; chọn tên khác với -o."
          if lang is Lang.vi else
          f"{target} is one of the inputs and is never overwritten; choose another -o.",
          EXIT_USAGE)


def _is_sent(target: Path, files: list[FileRecord]) -> bool:
    """Whether ``target`` is a file the run read or skipped, but kh-treem's own earlier
    summaries: the same file, however it is named.

    Only the files of its size (or of no known size) are looked at again: a province's
    run reads thousands.
    """
    try:
        size = target.stat().st_size
    except OSError:
        return False  # not there: none of the files read (a path named but missing is not)
    # Neither kh-treem's own summaries nor files of a type never read (last year's report
    # beside the forms) are inputs.
    return _is_input(target, [Path(f.path) for f in files
                              if f.reason not in ("skipped-own-summary", "skipped-type")
                              and (f.size is None or f.size == size)])


def _is_input(target: Path, paths: list[Path]) -> bool:
    """Whether ``target`` is one of ``paths``: the same file, however it is named.

    One stat a path, and no resolve() (a province's run names thousands).
    """
    try:
        mine = target.stat()
    except OSError:  # not there: only a path named but missing as well can be it
        resolved = os.path.realpath(target)  # (Path.resolve raises on a loop of links)
        return any(os.path.realpath(p) == resolved for p in paths if not os.path.exists(p))
    return any(_same_file(p, mine) for p in paths)


def _same_file(path: Path, other: os.stat_result) -> bool:
    try:
        return os.path.samestat(path.stat(), other)
    except OSError:
        return False


def _write(
    write: Callable[[], None], target: Path, lang: str, debug: bool, kind: str = "summary"
) -> Path | None:
    """Run a workbook or report writer (``kind``: summary, trend or report); a disk that
    refuses is one sentence on stderr, not a crash. A name claimed meanwhile by another run
    (FileExistsError, when not writing over) is the caller's to say."""
    try:
        write()
    except FileExistsError:
        raise
    except OSError as exc:
        if debug:
            raise
        reason = exc.strerror or str(exc)
        what = word(f"{kind}_book", lang)
        typer.echo(printable(f"Không ghi được {what} {target}: {reason}" if lang == "vi"
                             else f"Could not write {what} {target}: {reason}"), err=True)
        return None
    return target


def _write_new(
    write: Callable[[], None], target: Path, lang: Lang, debug: bool, kind: str
) -> Path | None:
    """:func:`_write` for an output that --force alone may replace: a name another run
    claimed since it was checked is refused (exit 2), not written over."""
    try:
        return _write(write, target, lang.value, debug, kind)
    except FileExistsError:
        _claimed_meanwhile(target, lang)


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(printable(message), err=True)
    raise typer.Exit(code)


# Columns of the score table set to the right: #, value, target, units reporting.
SCORE_NUMBER_COLUMNS = frozenset({0, 2, 3, 5})
STATUS_STYLES = {"met": "green", "not_met": "bold red", "not_applicable": "dim",
                 "no_data": "yellow"}
SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "notice": "dim"}


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # rich would exit 1 ("input had errors"); _guard gives a closed pipe its own code.
            self.quiet = True
            raise BrokenPipeError

    return _Console(highlight=False, soft_wrap=False, stderr=stderr)


def _render(result: ScoreResult, lang: str, written: Path | None) -> None:
    plan = result.plan
    header = [word(k, lang) for k in ("id", "indicator", "value", "target", "status",
                                       "reporting")]
    # (goal row or None, cells of a target's row, its status)
    rows: list[tuple[str | None, list[str], str]] = []
    goal = None
    for o in result.indicators:
        t = o.target
        if t.goal != goal:
            goal = t.goal
            name = plan.goal(goal).name.get(lang)
            rows.append((printable(f"{word('goal', lang)} {goal}. {name}"), [], ""))
        rows.append((None, [printable(t.id), printable(t.name.get(lang)), value_text(o, lang),
                            target_text(t, lang), status_label(o.status, lang),
                            f"{len(o.units_reporting)}/{len(plan.units)}"], o.status))
    # The table says 2/3; the officer needs to know which commune is missing where.
    missing: dict[tuple[str, ...], list[str]] = {}
    for o in result.indicators:
        if o.units_missing and o.status != "no_data":
            missing.setdefault(o.units_missing, []).append(o.target.id)
    notes = [printable(word("missing_line", lang).format(units=", ".join(units),
                                                         ids=", ".join(ids)))
             for units, ids in missing.items()]
    titles = [printable(plan.title.get(lang)), printable(f"{plan.area.get(lang)} · {plan.year}")]
    if sys.stdout.isatty():
        _print_score_table(titles, header, rows, notes)
    else:
        # For a file or a script: no colours, and no wrapping that rich takes its time on.
        cells = [["", goal_row, "", "", "", ""] if goal_row else row
                 for goal_row, row, _ in rows]
        lines = [*titles, "", *layout(header, cells, right=SCORE_NUMBER_COLUMNS), ""]
        sys.stdout.write("\n".join(lines + notes + ([""] if notes else [])) + "\n")
    _render_problems(result.problems, lang)
    closing = word("met_line", lang).format(met=result.met, total=len(result.indicators))
    lines = [] if written is None else [
        printable(word("summary_written", lang).format(path=written))]
    if sys.stdout.isatty():
        from rich.markup import escape

        for line in lines:
            _console().print(escape(line))
        _console().print(f"[bold]{closing}[/bold]")
    else:
        sys.stdout.write("\n".join([*lines, closing]) + "\n")


def _print_score_table(
    titles: list[str], header: list[str], rows: list[tuple[str | None, list[str], str]],
    notes: list[str],
) -> None:
    """The score table on a terminal: wrapped to its width, statuses in colour."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    console = _console()
    table = Table(title="\n".join(titles), box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False)
    for i, name in enumerate(header):
        table.add_column(name, justify="right" if i in SCORE_NUMBER_COLUMNS else "left",
                         no_wrap=i != 1, ratio=1 if i == 1 else None)
    for goal_row, cells, status in rows:
        if goal_row is not None:
            if table.row_count:
                table.add_section()
            table.add_row("", f"[bold]{escape(goal_row)}[/bold]")
        else:
            *plain, label, units = [escape(c) for c in cells]
            table.add_row(*plain, f"[{STATUS_STYLES[status]}]{label}[/]", units)
    console.print(table)
    console.print()
    for note in notes:
        console.print(escape(note), soft_wrap=True)
    if notes:
        console.print()


def _render_problems(found: list[Problem], lang: str, stderr: bool = False) -> None:
    """The problems, one line each (notices that many files or sheets share, one line a
    type): coloured on a terminal, plain text for a file or a pipe."""
    problems = gathered(found)
    stream = sys.stderr if stderr else sys.stdout
    if not stream.isatty():
        # One write: a folder of 10,000 forms has 10,000 notices, and rich takes
        # a fifth of a millisecond a line where plain text needs next to nothing.
        lines = [word("problems", lang)] if problems else [word("no_problems", lang)]
        lines += [_problem_line(p, lang) for p in problems]
        stream.write("\n".join(lines) + "\n\n")
        return
    from rich.markup import escape

    console = _console(stderr)
    if problems:
        console.print(f"[bold]{word('problems', lang)}[/bold]")
        for p in problems:
            style = SEVERITY_STYLES[p.severity]
            console.print(f"[{style}]{word(p.severity, lang)}[/]: "
                          f"{escape(_place(p, lang))}{escape(printable(p.message(lang)))}",
                          soft_wrap=True)
    else:
        console.print(word("no_problems", lang))
    console.print()


def _problem_line(problem: Problem | Gathered, lang: str) -> str:
    """`Lỗi: file › sheet › cell (code): sentence`, as plain text."""
    return (f"{word(problem.severity, lang)}: {_place(problem, lang)}"
            f"{printable(problem.message(lang))}")


def _place(problem: Problem | Gathered, lang: str = "vi") -> str:
    where = printable(problem.where(lang))
    return f"{where}: " if where else ""


def _render_check(result: CheckResult, lang: str) -> None:
    plan = result.plan
    # What the officer acts on first, above the files: who has not sent, who sent twice, and
    # (with --state) what went away since the last check.
    lines = [printable(f"{word('check_title', lang)}: {plan.area.get(lang)} · {plan.year}"), ""]
    if result.units_missing:
        lines.append(printable(word("units_missing_line", lang).format(
            units=", ".join(result.units_missing))))
    for unit, files in result.units_sent_twice.items():
        lines.append(printable(word("sent_twice_line", lang).format(unit=unit,
                                                                    files=", ".join(files))))
    if result.files_gone:
        lines.append(printable(word("gone_line", lang).format(files=", ".join(
            result.files_gone))))
    if len(lines) > 2:
        lines.append("")
    # A plain table, one file a line, whatever the output: rich would take longer to lay
    # out 10,000 rows than kh-treem takes to read the files.
    keys = ["file", "units", "year", "values", "error", "warning", "what_became"]
    checking = any(f.to_check for f in result.files)  # the column only when it says something
    if checking:
        keys.insert(6, "to_check")
    if result.since_last_run:
        keys.append("since_last")
    rows = [
        [printable(f.record.path), printable(", ".join(f.record.units)),
         ", ".join("—" if y is None else str(y) for y in f.years),
         str(f.values), str(f.errors), str(f.warnings),
         *([str(f.to_check)] if checking else []), word(f.record.status, lang),
         *([word(f"file_{f.change}", lang)] if f.change else [])]
        for f in result.files
    ]
    lines += [*layout([word(key, lang) for key in keys], rows,
                      right={3, 4, 5, 6} if checking else {3, 4, 5}), ""]
    sys.stdout.write("\n".join(lines) + "\n")
    _render_problems(result.problems, lang)
    closing = word("check_line", lang).format(**result.summary)
    if result.since_last_run:
        changes = [f.change for f in result.files]
        closing += word("arrivals_line", lang).format(new=changes.count("new"),
                                                     changed=changes.count("changed"))
    if sys.stdout.isatty():
        _console().print(f"[bold]{closing}[/bold]")
    else:
        sys.stdout.write(closing + "\n")


STATUS_MARKS = {"met": "✓", "not_met": "✗", "not_applicable": "–", "no_data": "?"}
CHANGE_STYLES = {"better": "green", "worse": "bold red", "unchanged": "dim"}
BAND_STYLES = {"achieved": "green", "on_track": "green", "needs_acceleration": "yellow",
               "limited_progress": "red", "deterioration": "bold red",
               "not_achieved": "bold red", "insufficient_data": "dim"}


def _render_rollup(result: RollupResult, lang: str, written: Path | None) -> None:
    horizons = sorted({p.horizon for t in result.trends for p in t.projections})
    header = [word("id", lang), word("indicator", lang),
              *(f"{year}{'' if year in result.plans else '*'}" for year in result.years),
              word("change", lang), *map(str, horizons)]
    # Each cell as (text, style or ""): plain text off a terminal, coloured on one.
    rows: list[list[tuple[str, str]]] = []
    for trend in result.trends:
        t = trend.target
        cells = [(printable(t.id), ""), (printable(t.name.get(lang)), "")]
        for year in result.years:
            v = trend.by_year[year]
            shown = "—" if v.value is None else number(v.value, decimals_for(v.value, t.target),
                                                       lang)
            cells.append((shown, "") if v.status is None else
                         (f"{shown} {STATUS_MARKS[v.status]}", STATUS_STYLES[v.status]))
        change = trend.change
        cells.append((change_label(change, lang), CHANGE_STYLES[change]) if change else ("", ""))
        by_horizon = {p.horizon: p for p in trend.projections}
        for horizon in horizons:
            p = by_horizon.get(horizon)
            cells.append((band_label(p.band, lang), BAND_STYLES[p.band]) if p else ("", ""))
        rows.append(cells)
    legend = word("rollup_legend", lang)
    closing = [] if written is None else [
        printable(word("trend_written", lang).format(path=written))]
    if not sys.stdout.isatty():
        # For a file or a script: every cell whole (a cut "1…" could be 11a or 11b).
        lines = [word("rollup_title", lang), "",
                 *layout(header, [[text for text, _ in row] for row in rows],
                         right=range(2, 2 + len(result.years))), "", legend, ""]
        sys.stdout.write("\n".join(lines) + "\n")
        _render_problems(result.problems, lang)
        if closing:
            sys.stdout.write("\n".join(closing) + "\n")
        return
    _print_rollup_table(word("rollup_title", lang), header, rows, len(result.years))
    from rich.markup import escape

    console = _console()
    console.print(escape(legend), soft_wrap=True)
    console.print()
    _render_problems(result.problems, lang)
    for line in closing:
        console.print(escape(line))


def _print_rollup_table(
    title: str, header: list[str], rows: list[list[tuple[str, str]]], years: int
) -> None:
    """The rollup table on a terminal: the names wrap, the ids are never cut, in colour."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=escape(title), box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False)
    widest_id = max((len(row[0][0]) for row in rows), default=1)
    for i, name in enumerate(header):
        if i == 1:
            table.add_column(escape(name), ratio=1)
        else:
            table.add_column(escape(name), justify="right" if i == 0 or i < 2 + years else "left",
                             no_wrap=True, min_width=widest_id if i == 0 else None)
    for row in rows:
        table.add_row(*(f"[{style}]{escape(text)}[/]" if style else escape(text)
                        for text, style in row))
    _console().print(table)


def main() -> None:
    """The kh-treem command."""
    # The command uses no pydantic plugin, and looking for them reads the metadata of every
    # installed package, before the first plan is read (plan.py builds its validators then).
    # Set here, not on import, so a program that imports kh_treem keeps its plugins; whoever
    # sets it otherwise is obeyed.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    _text_streams()
    app()


def _text_streams() -> None:
    """Output that never fails on an encoding. Redirected to a file or a pipe, UTF-8:
    Windows would write its ANSI code page (cp1258 on Vietnamese Windows, which has no
    precomposed "ệ"), and a scheduled task's log would end in an error. On a console, its
    own encoding, with escapes for what it cannot show. A closed stream (``>&-``) is
    written to nowhere."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
        elif isinstance(stream, io.TextIOWrapper):
            if stream.isatty():
                stream.reconfigure(errors="backslashreplace")
            else:
                stream.reconfigure(encoding="utf-8", errors="backslashreplace")
