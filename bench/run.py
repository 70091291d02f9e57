"""Benchmark of kh-treem against its floors and a naive peer (issue #6).

    python bench/run.py                        # N = 3, 1,000 and 10,000 files
    python bench/run.py --sizes 3,1000 --runs 3 --keep

Generates N commune forms in a temporary folder with the project's own template
writer, then times each command as a whole process (median, min and max over
several runs) with its peak RSS, prints a table and the ratios the issue sets as
targets, each marked PASS or FAIL. Nothing here asserts: a slow run is a
finding, not a failing test.

Two sets of forms are generated for each N (see bench/README.md):

* ``units``: N forms of N distinct communes ("Xã 00001" ...), each with its own
  plausible figures, scored against a generated plan of N units (``--plan``).
  Every target is computed on this set: nothing in it is a duplicate, so no
  command spends its time on notices a real folder would not have.
* ``copies``: N copies of the 3 communes of the bundled 2022 plan, spread over
  sub-folders (each commune "sent" N/3 times). ``check`` on it shows what a
  folder full of resends costs (one "submission-copy" notice per copy).

Stdlib and what kh-treem installs only, except the naive peer (pandas and
openpyxl), which is skipped with a note when they are missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "2022"
PY = sys.executable
SUB_FOLDERS = 10  # the files of a set are spread round-robin over this many folders

# The import floors: a process that only imports a stack of libraries.
ISSUE_STACK = ("typer", "rich", "pydantic", "pandas", "openpyxl", "yaml", "python_calamine")
DECLARED_STACK = ("typer", "rich", "pydantic", "yaml", "python_calamine", "xlsxwriter")

# The read floor: every file opened with python-calamine, every sheet read, nothing else.
READ_FLOOR = """\
import sys
from pathlib import Path
from python_calamine import CalamineWorkbook
for path in sorted(Path(sys.argv[1]).rglob("*.xlsx")):
    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
"""

# The naive peer: what an analyst writes with pandas. argv: folder, header row, file limit.
NAIVE_PEER = """\
import sys
from pathlib import Path
import pandas as pd
files = sorted(Path(sys.argv[1]).rglob("*.xlsx"))[: int(sys.argv[3])]
frames = [pd.read_excel(f, header=int(sys.argv[2]), engine="openpyxl") for f in files]
data = pd.concat(frames, ignore_index=True)
data["Số liệu"] = pd.to_numeric(data["Số liệu"], errors="coerce")
print(data.groupby("Mã")["Số liệu"].sum())
"""

TARGETS = {  # the issue's targets
    "score_3_vs_import": 0.7,
    "check_vs_read": 1.3,  # issue #14 (files read in worker processes with limits); #6: 1.2
    "naive_vs_check": 15.0,
    "score_vs_read": 1.3,
    "rss_mb": 150.0,
    "linear": 11.0,
}


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Row:
    """One measured command: its runs' wall times (s) and peak RSS (MB)."""

    name: str
    dataset: str
    n: int
    times: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)
    # Where the row was run in rounds with others (Runner.rounds): which call of it, and
    # the round of each run.
    group: int | None = None
    rounds: list[int] = field(default_factory=list)
    note: str = ""
    skipped: bool = False
    failed: bool = False  # a run exited otherwise than expected: its times say nothing
    extrapolated: float | None = None

    @property
    def median(self) -> float | None:
        if self.extrapolated is not None:
            return self.extrapolated
        return statistics.median(self.times) if self.times else None

    @property
    def peak_mb(self) -> float | None:
        return max(self.rss) if self.rss else None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "dataset": self.dataset, "n": self.n, "times": self.times,
                "rss_mb": self.rss, "exit_codes": self.codes, "group": self.group,
                "rounds": self.rounds, "median": self.median, "note": self.note,
                "skipped": self.skipped, "failed": self.failed, "extrapolated": self.extrapolated}


# Starts the measured command and reports its wall time, peak RSS and exit status. A
# process's ru_maxrss starts from the RSS of the process that forked it (Linux carries the
# high-water mark across fork and exec), so forking from this script, which holds the plan,
# pydantic and the generator by then, would add its own ~50 MB to every figure. This wrapper
# is a bare interpreter (-I -S, ~9 MB): below any Python process's own peak. os.wait4 gives
# the rusage of exactly that child (with its reaped children: the largest process of the
# tree when kh-treem reads with several processes), timed around it with perf_counter.
WRAPPER = """\
import os, sys, time
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - start
with open(sys.argv[1], "w") as out:
    out.write(f"{elapsed!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def _maxrss_mb(maxrss: int) -> float:
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return maxrss * scale / (1024 * 1024)


def run_once(cmd: list[str], cwd: Path, env: dict[str, str] | None = None
             ) -> tuple[float, float, int, str]:
    """(seconds, peak RSS in MB, exit code, stderr tail) of one run of ``cmd``."""
    with tempfile.TemporaryDirectory() as tmp:
        report, err_path = Path(tmp) / "report", Path(tmp) / "stderr"
        with err_path.open("wb") as err:
            subprocess.run([PY, "-I", "-S", "-c", WRAPPER, str(report), *cmd], cwd=cwd,
                           env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=err, check=True)
        elapsed, maxrss, code = report.read_text().split()
        tail = err_path.read_bytes()[-600:].decode("utf-8", "replace")
    return float(elapsed), _maxrss_mb(int(maxrss)), int(code), tail


def measure(row: Row, cmd: list[str], runs: int, cwd: Path, ok: tuple[int, ...] = (0,),
            env: dict[str, str] | None = None) -> Row:
    for _ in range(runs):
        run_into(row, cmd, cwd, ok, env)
    _report(row)
    return row


def run_into(row: Row, cmd: list[str], cwd: Path, ok: tuple[int, ...],
             env: dict[str, str] | None) -> None:
    """One run of ``cmd``, its figures added to ``row``."""
    elapsed, rss, code, tail = run_once(cmd, cwd, env)
    row.times.append(elapsed)
    row.rss.append(rss)
    row.codes.append(code)
    if code not in ok:
        row.failed = True
        row.note = f"exit {code}: {tail.strip().splitlines()[-1] if tail.strip() else ''}"


def _report(row: Row) -> None:
    _progress(f"  {row.name:<28} {row.dataset:<7} N={row.n:<6} "
              f"median {row.median:8.3f} s  peak {row.peak_mb:6.1f} MB")


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def kh_treem_command() -> list[str]:
    script = Path(PY).parent / ("kh-treem.exe" if os.name == "nt" else "kh-treem")
    if script.exists():
        return [str(script)]
    return [PY, "-c", "from kh_treem.cli import main; main()"]


def has_modules(*names: str) -> bool:
    code = "import importlib.util, sys; sys.exit(not all(importlib.util.find_spec(m)" \
           f" for m in {names!r}))"
    return subprocess.run([PY, "-c", code], check=False).returncode == 0


# --- generating the forms -------------------------------------------------------------------


@dataclass
class FormTemplate:
    """A filled form as zip members, with the value cells and the unit's number as slots."""

    infos: list[zipfile.ZipInfo]
    members: dict[str, bytes]
    sheet: str  # the member holding the form sheet
    pieces: list[str]  # the form sheet's XML between the value cells
    cells: list[tuple[str, str, str]]  # (code, A1 ref, style attributes) in sheet order
    header_row: int  # 0-based row of the header (for the naive peer's header=)

    def render(self, values: dict[str, int], number: tuple[str, str] | None = None) -> list[
            tuple[zipfile.ZipInfo, bytes]]:
        """The members of a form holding ``values``, with ``number`` (old, new) swapped in."""
        parts = [self.pieces[0]]
        for (code, ref, attrs), tail in zip(self.cells, self.pieces[1:], strict=True):
            value = values.get(code)
            parts.append(f'<c r="{ref}"{attrs}/>' if value is None
                         else f'<c r="{ref}"{attrs}><v>{value}</v></c>')
            parts.append(tail)
        out = []
        for info in self.infos:
            data = "".join(parts).encode() if info.filename == self.sheet \
                else self.members[info.filename]
            if number is not None and info.filename in ("xl/sharedStrings.xml",
                                                         "docProps/core.xml"):
                data = data.replace(number[0].encode(), number[1].encode())
            out.append((info, data))
        return out


def write_zip(path: Path, members: list[tuple[zipfile.ZipInfo, bytes]]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for info, data in members:
            fresh = zipfile.ZipInfo(info.filename, info.date_time)
            fresh.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(fresh, data)


def form_template(plan: Any, unit: str, year: int, work: Path) -> FormTemplate:
    """The project's blank form for ``unit`` (kh_treem.template.write_form), ready to fill."""
    from python_calamine import CalamineWorkbook

    from kh_treem.layouts import cell_name
    from kh_treem.template import FORM_SHEET, form_filename, write_form

    blank = work / f"blank-{form_filename(unit, year)}"
    write_form(plan, unit, year, blank)
    book = CalamineWorkbook.from_path(str(blank))
    rows = book.get_sheet_by_name(FORM_SHEET).to_python(skip_empty_area=False)
    header = next(r for r, row in enumerate(rows) if "Mã" in row and "Số liệu" in row)
    code_col, value_col = rows[header].index("Mã"), rows[header].index("Số liệu")
    codes = {e.code for e in plan.elements}
    refs = {cell_name(r, value_col): row[code_col]
            for r, row in enumerate(rows) if r > header and row[code_col] in codes}
    with zipfile.ZipFile(blank) as archive:
        infos = archive.infolist()
        members = {i.filename: archive.read(i) for i in infos}
    # xlsxwriter writes the sheets in the order they were added: the form is the first.
    sheet = "xl/worksheets/sheet1.xml"
    xml = members[sheet].decode()
    pieces, cells, last = [], [], 0
    for match in re.finditer(r'<c r="([A-Z]+[0-9]+)"((?: [a-z]+="[^"]*")*)/>', xml):
        if match.group(1) in refs:
            pieces.append(xml[last:match.start()])
            cells.append((refs[match.group(1)], match.group(1), match.group(2)))
            last = match.end()
    pieces.append(xml[last:])
    if len(cells) != len(refs):
        raise SystemExit(f"the form's value cells were not all found ({len(cells)}/{len(refs)})")
    blank.unlink()
    return FormTemplate(infos, members, sheet, pieces, cells, header)


def example_figures(plan: Any) -> list[dict[str, int]]:
    """The figures of the three communes' example submissions (examples/2022)."""
    from kh_treem.intake import read_paths

    intake = read_paths([EXAMPLES], plan)
    by_unit = {s.unit: {o.code: o.value for o in s.observations} for s in intake.submissions}
    if sorted(by_unit) != sorted(plan.units):
        raise SystemExit(f"expected the example submissions of {plan.units} in {EXAMPLES}")
    return [by_unit[u] for u in plan.units]


def scaled(figures: dict[str, int], plan: Any, factor: float) -> dict[str, int]:
    """Counts scaled down or up (flooring keeps every rule a <= b true); flags unchanged."""
    flags = {e.code for e in plan.elements if e.kind == "flag"}
    return {code: v if code in flags else int(v * factor) for code, v in figures.items()}


def dump_plan(plan: Any, path: Path) -> None:
    import yaml

    from kh_treem.plan import load_plan

    data = plan.model_dump(mode="json", exclude_none=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    if load_plan(path) != plan:
        raise SystemExit(f"{path} does not read back as the plan it was written from")


@dataclass
class Dataset:
    folder: Path
    plan_file: Path | None  # None: the bundled plan
    header_row: int
    seconds: float


def make_units(n: int, root: Path, work: Path) -> Dataset:
    """N forms of N distinct communes, and the plan of those N communes."""
    from kh_treem.plan import load_plan
    from kh_treem.template import form_filename

    start = time.perf_counter()
    base = load_plan()
    bases = example_figures(base)
    width = max(5, len(str(n)))
    units = [f"Xã {i:0{width}d}" for i in range(1, n + 1)]
    plan = base.model_copy(update={"units": units})
    plan_file = root / f"plan-{n}-units.yaml"
    dump_plan(plan, plan_file)
    template = form_template(plan, units[0], plan.year, work)
    folder = root / f"units-{n}"
    first = f"{1:0{width}d}"
    for i, unit in enumerate(units, 1):
        factor = 0.85 + ((i * 7919) % 31) / 100  # 0.85 .. 1.15, so no two neighbours alike
        values = scaled(bases[(i - 1) % len(bases)], base, factor)
        target = folder / f"cum-{i % SUB_FOLDERS:02d}" / form_filename(unit, plan.year)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_zip(target, template.render(values, (first, f"{i:0{width}d}")))
    return Dataset(folder, plan_file, template.header_row, time.perf_counter() - start)


def make_copies(n: int, root: Path, work: Path) -> Dataset:
    """N copies of the three communes' filled forms (bundled plan), over sub-folders."""
    from kh_treem.plan import load_plan
    from kh_treem.template import form_filename

    start = time.perf_counter()
    plan = load_plan()
    filled = []
    for unit, values in zip(plan.units, example_figures(plan), strict=True):
        template = form_template(plan, unit, plan.year, work)
        path = work / form_filename(unit, plan.year)
        write_zip(path, template.render(values))
        filled.append(path)
    folder = root / f"copies-{n}"
    for i in range(n):
        source = filled[i % len(filled)]
        target = folder / f"cum-{i % SUB_FOLDERS:02d}" / f"{source.stem}_{i:05d}.xlsx"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return Dataset(folder, None, template.header_row, time.perf_counter() - start)


# --- the run --------------------------------------------------------------------------------


def default_runs(n: int) -> int:
    return 7 if n <= 100 else 3


class Runner:
    """Measures rows, holding each to the time cap: a command whose time at N, projected from
    the smaller sizes, exceeds ``cap`` seconds runs once (kh-treem, the read floor), is skipped
    (the secondary 'copies' rows) or is extrapolated (the naive peer)."""

    def __init__(self, work: Path, cap: float | None) -> None:
        self.work = work
        self.cap = cap
        self.rows: list[Row] = []
        self.warmed: set[tuple[str, str]] = set()
        self.groups = 0  # calls of rounds() so far: each numbers its rows' group
        # Bytecode cached as an installed package has it (pip compiles at install), but in
        # the bench's own folder: PYTHONDONTWRITEBYTECODE would otherwise make every run
        # recompile kh-treem's modules, and an editable install's tree stays untouched.
        self.env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self.env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")

    def projected(self, name: str, dataset: str, n: int) -> float | None:
        done = [r for r in self.rows if r.name == name and r.dataset == dataset and r.times
                and r.extrapolated is None and 0 < r.n < n]
        # From a handful of files, startup is all there is to see: no projection.
        if not done or max(r.n for r in done) * 20 < n:
            return None
        return _affine(done)(n)

    def over_cap(self, row: Row) -> float | None:
        """The projected time of ``row`` when it exceeds the cap, else None."""
        guess = self.projected(row.name, row.dataset, row.n)
        return guess if self.cap is not None and guess is not None and guess > self.cap else None

    def run(self, row: Row, cmd: list[str], runs: int, ok: tuple[int, ...] = (0,),
            optional: bool = False) -> None:
        guess = self.over_cap(row)
        if guess is not None and optional:
            row.skipped = True
            row.note = f"skipped: projected {guess:.0f} s > --cap {self.cap:.0f} s"
            _progress(f"  {row.name:<28} {row.dataset:<7} N={row.n:<6} {row.note}")
            self.rows.append(row)
            return
        runs = self._capped(row, runs, guess)
        if optional and runs > 1 and row.n > 2_000 and self.cap is not None:
            runs = 1  # a secondary row at the largest sizes: one run keeps the whole in budget
        self._warm(row, cmd)
        self.rows.append(measure(row, cmd, runs, self.work, ok, self.env))

    def _capped(self, row: Row, runs: int, guess: float | None) -> int:
        """``runs``, or one where the row is projected past the cap (said in its note)."""
        if guess is None or runs <= 1:
            return runs
        row.note = f"1 run: projected {guess:.0f} s > --cap {self.cap:.0f} s"
        return 1

    def _warm(self, row: Row, cmd: list[str]) -> None:
        # One untimed run fills the bytecode and page caches (at 10,000 files a cold first
        # run's compile time is lost in the noise, and a second run costs minutes).
        if (row.name, row.dataset) not in self.warmed:
            self.warmed.add((row.name, row.dataset))
            if row.n <= 1_000:
                run_once(cmd, self.work, self.env)

    def rounds(self, commands: list[tuple[Row, list[str]]], runs: int) -> None:
        """Each command run once a round, in turn, for ``runs`` rounds.

        The machine's speed drifts over minutes (it is shared): runs in turn meet the same
        drift, so a ratio of two commands is taken round by round (paired_ratio), not
        between medians measured minutes apart. A command projected past the cap runs in
        the first round only.
        """
        counts = []
        self.groups += 1
        for row, cmd in commands:
            row.group = self.groups
            counts.append(self._capped(row, runs, self.over_cap(row)))
            self.rows.append(row)
            self._warm(row, cmd)
        for number in range(runs):
            for (row, cmd), count in zip(commands, counts, strict=True):
                if number < count:
                    run_into(row, cmd, self.work, (0,), self.env)
                    row.rounds.append(number)
        for row, _ in commands:
            _report(row)

    def naive(self, n: int, data: Dataset, runs: int, available: bool) -> None:
        """The naive peer on N files; or, when that would take longer than the cap, on 1,000
        of them, extrapolated linearly to N."""
        row = Row("naive pandas peer", "units", n)
        if not available:
            row.skipped = True
            row.note = "skipped: pip install -e '.[bench]'"
            self.rows.append(row)
            return
        command = [PY, "-c", NAIVE_PEER, str(data.folder), str(data.header_row)]
        if self.cap is None or n <= 1_000:
            self.run(row, [*command, str(n)], runs)
            return
        done = [r for r in self.rows if r.name == row.name and r.times
                and r.extrapolated is None and r.n < n]
        if not any(r.n == 1_000 for r in done):
            probe = Row(row.name, "units", 1_000, note=f"the first 1,000 of the {n} files")
            self.rows.append(measure(probe, [*command, "1000"], 1, self.work, env=self.env))
            done.append(probe)
        guess = _affine(done)(n)
        if guess <= self.cap:
            self.run(row, [*command, str(n)], runs)
            return
        row.extrapolated = guess
        row.note = (f"extrapolated linearly from {' and '.join(str(r.n) for r in done)} files"
                    f" (projected > --cap {self.cap:.0f} s)")
        _progress(f"  naive pandas peer on {n} files: {guess:.0f} s (extrapolated)")
        self.rows.append(row)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="3,1000,10000",
                        help="numbers of files, comma-separated (default 3,1000,10000)")
    parser.add_argument("--runs", default=None,
                        help="runs per command: one number, or one per size (default 5 for"
                        " N <= 100, 3 up to 2,000, 2 above)")
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    parser.add_argument("--cap", type=float, default=120.0,
                        help="seconds one run may be projected to take (from the smaller sizes)"
                        " before it runs once only (kh-treem, read floor), is skipped (the"
                        " 'copies' rows) or is run on 1,000 files and extrapolated (the naive"
                        " peer); default 120")
    parser.add_argument("--full", action="store_true",
                        help="no cap: every command, every run, the naive peer on every size")
    parser.add_argument("--no-copies", action="store_true",
                        help="skip the 'copies' set (check on resent files)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)

    sizes = sorted({int(s) for s in args.sizes.split(",")})
    if args.runs is None:
        runs = {n: default_runs(n) for n in sizes}
    else:
        given = [int(r) for r in args.runs.split(",")]
        if len(given) not in (1, len(sizes)):
            parser.error("--runs takes one number or one per size")
        runs = dict(zip(sizes, given * len(sizes) if len(given) == 1 else given, strict=True))
    has_naive = has_modules("pandas", "openpyxl")
    if not has_naive:
        _progress("pandas or openpyxl is missing: the naive peer and the issue stack's import"
                  " floor are skipped. To include them: pip install -e '.[bench]'")

    root = Path(tempfile.mkdtemp(prefix="kh-treem-bench-"))
    work = root / "work"
    work.mkdir()
    _progress(f"generated files in {root}")
    runner = Runner(work, None if args.full else args.cap)
    generation: dict[str, float] = {}
    started = time.perf_counter()
    try:
        small = runs[sizes[0]]
        _progress("floors (independent of N):")
        runner.run(Row("python startup", "-", 0), [PY, "-c", "pass"], small)
        runner.run(Row("import kh_treem.cli", "-", 0), [PY, "-c", "import kh_treem.cli"], small)
        # Run in rounds with the smallest size's commands, to which they are compared.
        import_floors = [
            (Row("import floor (issue stack)", "-", 0),
             [PY, "-c", "import " + ", ".join(ISSUE_STACK)]),
            (Row("import floor (declared deps)", "-", 0),
             [PY, "-c", "import " + ", ".join(DECLARED_STACK)])]
        if not has_naive:  # the issue's stack cannot be imported here
            runner.rows.append(Row("import floor (issue stack)", "-", 0, skipped=True,
                                   note="skipped: pip install -e '.[bench]'"))
            del import_floors[0]
        kh = kh_treem_command()
        jobs_option = "--jobs" in subprocess.run([*kh, "check", "--help"], capture_output=True,
                                                 text=True, check=False, env=runner.env).stdout
        for n in sizes:
            r = runs[n]
            _progress(f"N = {n}: generating")
            units = make_units(n, root, work)
            generation[f"units-{n}"] = units.seconds
            plan = ["--plan", str(units.plan_file)]
            _progress(f"  {n} forms of {n} communes in {units.seconds:.1f} s")
            # The commands the targets compare, in rounds (see Runner.rounds).
            runner.rounds([
                *(import_floors if n == sizes[0] else []),
                (Row("read floor (calamine)", "units", n),
                 [PY, "-c", READ_FLOOR, str(units.folder)]),
                (Row("kh-treem check", "units", n), [*kh, "check", str(units.folder), *plan]),
                (Row("kh-treem score", "units", n),
                 [*kh, "score", str(units.folder), *plan,
                  "-o", str(work / f"summary-{n}.xlsx")])], r)
            if jobs_option:  # the same in one process, where kh-treem reads in several
                runner.run(Row("kh-treem check --jobs 1", "units", n),
                           [*kh, "check", str(units.folder), *plan, "--jobs", "1"], r,
                           optional=True)
            runner.naive(n, units, r, has_naive)
            if not args.keep:
                shutil.rmtree(units.folder)
            copies_row = Row("kh-treem check", "copies", n)
            if args.no_copies:
                continue
            if runner.over_cap(copies_row) is not None:
                runner.run(copies_row, [], r, optional=True)  # recorded as skipped
                continue
            copies = make_copies(n, root, work)
            generation[f"copies-{n}"] = copies.seconds
            _progress(f"  {n} copies of 3 communes in {copies.seconds:.1f} s")
            runner.run(copies_row, [*kh, "check", str(copies.folder)], r, ok=(0, 1))
            if n == 3:  # the district's own case: its three communes, the bundled plan
                runner.run(Row("kh-treem score", "copies", n),
                           [*kh, "score", str(copies.folder),
                            "-o", str(work / "summary-copies.xlsx")], r)
            if not args.keep:
                shutil.rmtree(copies.folder)
    finally:
        if args.keep:
            _progress(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    total = time.perf_counter() - started
    rows = runner.rows

    print(machine())
    print()
    print(table(rows))
    print()
    checks = verdicts(rows, sizes)
    print(verdict_table(checks))
    print()
    print("Generation: " + ", ".join(f"{k} {v:.1f} s" for k, v in generation.items())
          + f"; whole run {total:.0f} s. * = extrapolated.")
    if args.json is not None:
        args.json.write_text(json.dumps({"machine": machine(), "rows": [r.to_dict() for r in rows],
                                         "targets": checks}, indent=2), encoding="utf-8")
    return 0


def _affine(points: list[Row]) -> Any:
    """t(n) = a + b n through the smallest and largest measured sizes (proportional if one)."""
    ordered = sorted((p.n, p.median or 0.0) for p in points)
    (n0, t0), (n1, t1) = ordered[0], ordered[-1]
    if n1 == n0:
        return lambda n: t1 * n / n1
    slope = (t1 - t0) / (n1 - n0)
    return lambda n: t1 + slope * (n - n1)


# --- the report -----------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return (f"Machine: {os.cpu_count()} CPUs ({cpu}), {memory} RAM, {platform.system()} "
            f"{platform.release()}; Python {platform.python_version()}; "
            f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")


def _fmt(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def table(rows: list[Row]) -> str:
    head = ("command", "files", "N", "median s", "min s", "max s", "peak RSS MB", "runs", "note")
    lines = []
    for r in rows:
        if r.skipped:
            cells = (r.name, r.dataset, str(r.n) if r.n else "—", "—", "—", "—", "—", "0",
                     r.note)
        elif r.extrapolated is not None:
            cells = (r.name, r.dataset, str(r.n), _fmt(r.median) + "*", "—", "—", "—", "0",
                     r.note)
        else:
            cells = (r.name, r.dataset, str(r.n) if r.n else "—", _fmt(r.median),
                     _fmt(min(r.times)), _fmt(max(r.times)), _fmt(r.peak_mb, 1),
                     str(len(r.times)), r.note)
        lines.append(cells)
    widths = [max(len(c[i]) for c in [head, *lines]) for i in range(len(head))]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |",
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += ["| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"
            for cells in lines]
    return "\n".join(out)


def _find(rows: list[Row], name: str, dataset: str, n: int) -> Row | None:
    for r in rows:
        if r.name == name and r.dataset == dataset and r.n == n and r.median is not None:
            return r
    return None


def paired_ratio(a: Row | None, b: Row | None) -> tuple[float | None, int]:
    """a / b, and the number of rounds it comes from: the median of the ratios of the runs
    of the same round where both rows were run in rounds together (0: medians divided)."""
    if a is None or b is None or not b.median or a.failed or b.failed:
        return None, 0
    if a.group is not None and a.group == b.group:
        of_b = dict(zip(b.rounds, b.times, strict=True))
        pairs = [t / of_b[n] for n, t in zip(a.rounds, a.times, strict=True) if n in of_b]
        if pairs:
            return statistics.median(pairs), len(pairs)
    return (a.median or 0.0) / b.median, 0


def verdicts(rows: list[Row], sizes: list[int]) -> list[dict[str, Any]]:
    """The issue's targets, each with its value and PASS/FAIL (or n/a when not measured)."""
    small, large = sizes[0], sizes[-1]
    below = [n for n in sizes if n < large]
    mid = below[-1] if below else None
    out: list[dict[str, Any]] = []

    def add(label: str, found: tuple[float | None, int], limit: float, at_most: bool,
            note: str = "", target: bool = True) -> None:
        value, rounds = found
        if value is None:
            verdict = "n/a"
        elif not target:  # shown beside a target, for what it tells: no verdict
            verdict = "info"
        else:
            verdict = "PASS" if (value <= limit if at_most else value >= limit) else "FAIL"
        sign = "≤" if at_most else "≥"
        if rounds:
            note = "; ".join(n for n in (note, f"median of {rounds} rounds' ratios") if n)
        out.append({"target": label, "value": value, "limit": f"{sign} {limit:g}",
                    "verdict": verdict, "note": note, "rounds": rounds})

    ratio = paired_ratio

    issue = _find(rows, "import floor (issue stack)", "-", 0)
    declared = _find(rows, "import floor (declared deps)", "-", 0)
    score_small = _find(rows, "kh-treem score", "units", small)
    add(f"score({small}) / import floor, issue stack", ratio(score_small, issue),
        TARGETS["score_3_vs_import"], True, "the issue's target")
    add(f"score({small}) / import floor, declared deps", ratio(score_small, declared),
        TARGETS["score_3_vs_import"], True,
        "not a target: the same bar against pyproject's dependencies", target=False)
    district = _find(rows, "kh-treem score", "copies", small)
    if district is not None:
        add(f"score({small}, bundled plan) / import floor, issue stack", ratio(district, issue),
            TARGETS["score_3_vs_import"], True, "the district's own 3 communes")
    read = _find(rows, "read floor (calamine)", "units", large)
    check = _find(rows, "kh-treem check", "units", large)
    score = _find(rows, "kh-treem score", "units", large)
    naive = _find(rows, "naive pandas peer", "units", large)
    add(f"check({large}) / read floor({large})", ratio(check, read), TARGETS["check_vs_read"],
        True)
    add(f"naive({large}) / check({large})", ratio(naive, check), TARGETS["naive_vs_check"],
        False, "naive extrapolated" if naive is not None and naive.extrapolated else "")
    add(f"score({large}) / read floor({large})", ratio(score, read), TARGETS["score_vs_read"],
        True, "score writes the summary workbook")
    for name, row in (("check", check), ("score", score)):
        add(f"peak RSS of {name}({large}), MB",
            (row.peak_mb if row and not row.failed else None, 0),
            TARGETS["rss_mb"], True)
    if mid is not None:
        for name in ("check", "score"):
            a = _find(rows, f"kh-treem {name}", "units", large)
            b = _find(rows, f"kh-treem {name}", "units", mid)
            add(f"{name}: time({large}) / time({mid})", ratio(a, b),
                TARGETS["linear"] * (large / mid) / 10, True, f"files x{large / mid:g}")
    return out


def verdict_table(checks: list[dict[str, Any]]) -> str:
    head = ("target", "value", "limit", "verdict", "note")
    lines = [(c["target"], _fmt(c["value"], 2), c["limit"], c["verdict"], c["note"])
             for c in checks]
    widths = [max(len(c[i]) for c in [head, *lines]) for i in range(len(head))]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |",
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += ["| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"
            for cells in lines]
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
