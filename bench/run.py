"""Benchmark of kh-treem against its floors and a naive pandas peer (issues #6, #14, #15).

    python bench/run.py [--sizes 3,1000,10000] [--runs 3] [--keep] [--json results.json]

Prints times, peak RSS and each target PASS or FAIL; bench/README.md says what they mean."""

from __future__ import annotations

import argparse
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
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path

import yaml
from python_calamine import CalamineWorkbook

import kh_treem
from kh_treem.template import write_form
from kh_treem.workbook import write_summary

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
KH = str(Path(PY).parent / "kh-treem")  # the installed command, as an officer runs it
NAIVE_MAX = 1_000  # the naive peer reads at most this many forms; beyond, it is extrapolated
SHEET = "xl/worksheets/sheet1.xml"  # xlsxwriter numbers sheets as added: the form is first
NUMBERED = ("xl/sharedStrings.xml", "docProps/core.xml")  # a form's members naming its commune
CHECK, SCORE, READ, NAIVE = "kh-treem check", "kh-treem score", "read floor", "naive pandas peer"
IMPORT_ROW, SUMMARY_ROW = "import floor (issue stack)", "write_summary"
TARGETS = {
    "score_3_vs_import": 0.7,  # score(smallest N) / import floor of the stack
    "check_vs_read": 1.3,  # check / read floor, largest N (issue #14; #6 said 1.2)
    "naive_vs_check": 15.0,  # naive peer / check, largest N: at least this
    "score_vs_read": 1.3,  # score / read floor, largest N (score writes the summary too)
    "rss_mb": 150.0,  # peak RSS of check and of score, largest N
    "linear": 11.0,  # time for 10 x the forms / time, scaled to the ratio of the sizes
    "summary_10000_s": 5.0,  # write_summary of 10,000 communes, seconds (issue #15)
}

IMPORT_FLOOR = "import typer, rich, pydantic, pandas, openpyxl, yaml, python_calamine"
READ_FLOOR = """\
import pathlib, sys, python_calamine
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.xlsx")):
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
"""
NAIVE_PEER = """\
import pathlib, sys
import pandas as pd
files = sorted(pathlib.Path(sys.argv[1]).rglob("*.xlsx"))[: int(sys.argv[3])]
frames = [pd.read_excel(f, header=int(sys.argv[2]), engine="openpyxl") for f in files]
data = pd.concat(frames, ignore_index=True)
data["Số liệu"] = pd.to_numeric(data["Số liệu"], errors="coerce")
print(data.groupby("Mã")["Số liệu"].sum())
"""
# Each command is spawned by this bare interpreter (-I -S, ~9 MB), not by the bench: Linux
# carries ru_maxrss across fork and exec, so a child of the bench (holding pydantic and a plan
# of 10,000 communes) would report at least the bench's peak. os.wait4 gives that child's own
# rusage, whose ru_maxrss covers the children it reaped (kh-treem's readers): the largest
# process of the tree, not a sum. The command's output goes to /dev/null, as off a terminal.
WRAPPER = """\
import os, sys, time
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ,
                      file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""
# Bytecode cached (outside the tree) as for an installed package, not compiled every run.
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
       "PYTHONPYCACHEPREFIX": str(Path(tempfile.gettempdir(), "kh-treem-bench-pycache"))}
ROWS: dict[tuple[str, int], Row] = {}  # (name, N): every row measured, in order


@dataclass
class Row:
    name: str
    n: int
    note: str = ""
    group: int = 0  # > 0: the rows run in the same rounds share it
    times: list[float] = field(default_factory=list)  # seconds, one a run
    rss: list[float] = field(default_factory=list)  # peak RSS in MB, one a run
    failed: bool = False  # a run exited otherwise than 0: its times say nothing
    estimated: bool = False  # extrapolated, not run

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def once(row: Row, cmd: list[str]) -> None:
    done = subprocess.run([PY, "-I", "-S", "-c", WRAPPER, *cmd], env=ENV, text=True,
                          stdin=subprocess.DEVNULL, capture_output=True, check=True)
    seconds, maxrss, code = done.stdout.split()
    row.times.append(float(seconds))
    row.rss.append(int(maxrss) / (2**20 if sys.platform == "darwin" else 2**10))
    if code != "0":
        row.failed, row.note = True, f"exit {code}: {done.stderr.strip()[-200:]}"


def rounds(commands: list[tuple[Row, list[str]]], runs: int) -> None:
    """Each command once a round, in turn, ``runs`` rounds (after an untimed run up to 1,000
    forms, for the caches): the machine's speed drifts over minutes, so ratios pair rounds."""
    group = len(ROWS) + 1  # distinct from every earlier group
    for row, cmd in commands:
        row.group = group
        if row.n <= 1_000:
            once(Row("warm-up", 0), cmd)
    for _ in range(runs):
        for row, cmd in commands:
            once(row, cmd)
    for row, _ in commands:
        add(row)


def add(row: Row) -> None:
    ROWS[row.name, row.n] = row
    print(f"  {row.name:<26} N={row.n:<6} median {row.median:8.3f} s", file=sys.stderr)


def make_units(n: int, root: Path) -> tuple[Path, Path, int]:
    """N forms of N communes "Xã 00001"... and their plan: (folder, plan, header row). Each is
    the blank of write_form (40 ms: once), its value cells filled in its XML: an example's
    figures, counts scaled by 0.85-1.15 (flooring keeps every rule a <= b: a clean folder)."""
    base = kh_treem.load_plan()
    examples = kh_treem.score([REPO / "examples" / "2022"], plan=base).figures
    flags = {e.code for e in base.elements if e.kind == "flag"}
    width = max(5, len(str(n)))
    plan = base.model_copy(update={"units": [f"Xã {i:0{width}d}" for i in range(1, n + 1)]})
    plan_file = root / f"plan-{n}.yaml"
    plan_file.write_text(yaml.safe_dump(plan.model_dump(mode="json", exclude_none=True),
                                        allow_unicode=True, sort_keys=False), encoding="utf-8")
    first = f"{1:0{width}d}"
    blank = root / f"Xa_{first}_{plan.year}.xlsx"  # its name is in the form's guide
    write_form(plan, plan.units[0], plan.year, blank)
    rows = CalamineWorkbook.from_path(str(blank)).get_sheet_by_index(0).to_python(
        skip_empty_area=False)
    header = next(r for r, row in enumerate(rows) if "Mã" in row and "Số liệu" in row)
    code_col, value_col = rows[header].index("Mã"), rows[header].index("Số liệu")
    codes = {e.code for e in plan.elements}
    refs = {f"{chr(ord('A') + value_col)}{r + 1}": row[code_col]  # the form has 6 columns
            for r, row in enumerate(rows) if r > header and row[code_col] in codes}
    with zipfile.ZipFile(blank) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    # The blank's value cells are empty cells: each becomes a {ref} slot of a format string.
    empty = re.compile(r'<c r="([A-Z]+[0-9]+)"((?: [a-z]+="[^"]*")*)/>')
    xml = members[SHEET].decode().replace("{", "{{").replace("}", "}}")
    styles = {m[1]: m[2] for m in empty.finditer(xml) if m[1] in refs}
    if len(styles) != len(refs):
        raise SystemExit(f"found {len(styles)} of the form's {len(refs)} value cells")
    sheet = empty.sub(lambda m: f"{{{m[1]}}}" if m[1] in refs else m[0], xml)
    folder = root / f"units-{n}"
    for i in range(1, n + 1):
        factor = 0.85 + ((i * 7919) % 31) / 100  # no two neighbours alike
        values = {c: v if c in flags else int(v * factor)
                  for c, v in examples[base.units[(i - 1) % 3]].items()}
        cells = {ref: f'<c r="{ref}"{s}><v>{values[refs[ref]]}</v></c>' if refs[ref] in values
                 else f'<c r="{ref}"{s}/>' for ref, s in styles.items()}
        number = f"{i:0{width}d}"  # forms spread over 10 sub-folders, as a district's might be
        target = folder / f"cum-{i % 10:02d}" / f"Xa_{number}_{plan.year}.xlsx"
        target.parent.mkdir(parents=True, exist_ok=True)
        files = {**members, SHEET: sheet.format_map(cells).encode(), **{name: members[name]
                 .replace(first.encode(), number.encode()) for name in NUMBERED}}
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as out:
            for name, data in files.items():
                out.writestr(name, data)
    return folder, plan_file, header


def measure(n: int, runs: int, smallest: int, root: Path, keep: bool) -> None:
    folder, plan_file, header = make_units(n, root)
    plan = ["--plan", str(plan_file)]
    rounds([
        *([(Row(IMPORT_ROW, 0), [PY, "-c", IMPORT_FLOOR])] if n == smallest else []),
        (Row(READ, n), [PY, "-c", READ_FLOOR, str(folder)]),
        (Row(CHECK, n), [KH, "check", str(folder), *plan]),
        (Row(SCORE, n), [KH, "score", str(folder), *plan, "-o", str(root / "score.xlsx")]),
    ], runs)
    read = min(n, NAIVE_MAX)
    if (NAIVE, read) not in ROWS:
        rounds([(Row(NAIVE, read, "" if read == n else f"the first {read} of {n} forms"),
                 [PY, "-c", NAIVE_PEER, str(folder), str(header), str(read)])], runs)
    low, high = ROWS.get((NAIVE, min(smallest, read))), ROWS.get((NAIVE, read))
    if read < n and low and high:  # a straight line through low (or 0 forms, 0 s) and high
        x0, t0 = (low.n, low.median) if low.n < high.n else (0, 0.0)
        add(Row(NAIVE, n, f"extrapolated ({x0}, {read} forms)", failed=high.failed, estimated=True,
                times=[high.median + (high.median - t0) / (read - x0) * (n - read)]))
    summary = Row(SUMMARY_ROW, n, "write_summary alone, timed in the bench's process")
    for _ in range(runs):  # scored afresh each time: a result caches what the summary needs
        result = kh_treem.score([folder], plan=plan_file, jobs=os.cpu_count() or 1)
        if result.has_errors or len(result.units_reporting) != n:
            raise SystemExit(f"the {n} generated forms did not all score cleanly")
        started = time.perf_counter()
        write_summary(result, root / "summary.xlsx")
        summary.times.append(time.perf_counter() - started)
    add(summary)
    if not keep:
        shutil.rmtree(folder)


def ratio(a: Row | None, b: Row | None) -> float | None:
    """a / b: the median of their rounds' ratios if run in the same rounds, else of medians."""
    if a is None or b is None or a.failed or b.failed:
        return None
    if a.group and a.group == b.group:
        return statistics.median(x / y for x, y in zip(a.times, b.times, strict=True))
    return a.median / b.median


def verdicts(sizes: list[int]) -> list[tuple[str, float | None, str, str]]:
    small, large, mid = sizes[0], sizes[-1], sizes[-2:][0]
    check, score, read = ROWS.get((CHECK, large)), ROWS.get((SCORE, large)), ROWS.get((READ, large))
    written, naive = ROWS.get((SUMMARY_ROW, 10_000)), ROWS.get((NAIVE, large))
    checks = [  # (what, its value, the key of its target)
        (f"score({small}) / import floor",
         ratio(ROWS.get((SCORE, small)), ROWS.get((IMPORT_ROW, 0))), "score_3_vs_import"),
        (f"check({large}) / read floor({large})", ratio(check, read), "check_vs_read"),
        (f"naive({large}) / check({large})", ratio(naive, check), "naive_vs_check"),
        (f"score({large}) / read floor({large})", ratio(score, read), "score_vs_read"),
        *((f"peak RSS of {r.name}({large}), MB", None if r.failed else max(r.rss), "rss_mb")
          for r in (check, score) if r),
        *((f"{name}: time({large}) / time({mid})",
           ratio(ROWS.get((name, large)), ROWS.get((name, mid))), "linear")
          for name in (CHECK, SCORE) if mid < large),
        ("write_summary(10000), s", written.median if written else None, "summary_10000_s"),
    ]
    out = []
    for what, value, key in checks:
        limit = TARGETS[key] * (large / mid / 10 if key == "linear" else 1)
        at_least = key == "naive_vs_check"
        passed = value is not None and (value >= limit if at_least else value <= limit)
        out.append((what, value, f"{'≥' if at_least else '≤'} {limit:.3g}",
                    "n/a" if value is None else "PASS" if passed else "FAIL"))
    return out


def markdown(head: tuple[str, ...], lines: list[tuple[str, ...]]) -> str:
    widths = [max(len(c[i]) for c in [head, *lines]) for i in range(len(head))]
    out = ["| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"
           for cells in [head, *lines]]
    return "\n".join([out[0], "|" + "|".join("-" * (w + 2) for w in widths) + "|", *out[1:]])


def machine() -> str:
    cpu = re.findall(r"model name\s*: (.*)", Path("/proc/cpuinfo").read_text())[0]  # Linux
    commit = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"],
                            capture_output=True, text=True, check=False).stdout.strip()
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    libs = ", ".join(f"{m} {version(m)}" for m in ("python-calamine", "xlsxwriter", "pandas"))
    return (f"commit {commit}; {os.cpu_count()} CPUs ({cpu}), {ram:.1f} GiB RAM; Python "
            f"{sys.version.split()[0]}, {libs}; {platform.platform()}; {time.strftime('%F %R %Z')}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="3,1000,10000", help="numbers of forms (3,1000,10000)")
    parser.add_argument("--runs", type=int, help="rounds a size (default 7 up to 100, then 3)")
    parser.add_argument("--keep", action="store_true", help="keep the generated forms")
    parser.add_argument("--json", type=Path, help="also write every run's figures here")
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    root, started = Path(tempfile.mkdtemp(prefix="kh-treem-bench-")), time.perf_counter()
    try:
        for n in sizes:
            measure(n, args.runs or (7 if n <= 100 else 3), sizes[0], root, args.keep)
    finally:
        print(f"kept {root}", file=sys.stderr) if args.keep else shutil.rmtree(root, True)

    def fmt(x: float | None, digits: int = 3) -> str:
        return "—" if x is None else f"{x:.{digits}f}"

    print(machine(), end="\n\n")
    print(markdown(("command", "N", "median s", "min s", "max s", "peak RSS MB", "runs", "note"),
                   [(r.name, str(r.n or "—"), fmt(r.median) + "*" * r.estimated,
                     *(("—", "—") if r.estimated else (fmt(min(r.times)), fmt(max(r.times)))),
                     fmt(max(r.rss, default=None), 1), str(len(r.times) * (not r.estimated)),
                     r.note) for r in ROWS.values()]))
    checks = verdicts(sizes)
    print("\n" + markdown(("target", "value", "limit", "verdict"),
                          [(t, fmt(v, 2), limit, verdict) for t, v, limit, verdict in checks]))
    print(f"\nWhole run {time.perf_counter() - started:.0f} s. * = extrapolated.")
    if args.json:
        rows = [asdict(r) for r in ROWS.values()]
        args.json.write_text(json.dumps({"machine": machine(), "targets": checks, "rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
