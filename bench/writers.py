"""Which library writes the summary workbook: xlsxwriter against openpyxl, measured.

Each measurement is a fresh process (so that imports are paid as a command pays
them) writing the shape of kh-treem's per-commune breakdown, the largest sheet of
the summary: one row per commune, one cell for each of 28 targets: its value as a
number, coloured by its status and with the status in words in its number format.
Prints a table of the import time, the writing time and the peak RSS of each
process, as medians over --runs runs.

    python bench/writers.py                  # 1,000 and 10,000 communes, 3 runs each
    python bench/writers.py --units 100 --runs 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TARGETS = 28
STATUSES = ["Đạt", "Chưa đạt", "Không áp dụng", "Chưa có số liệu"]
COLOURS = ["#C6EFCE", "#FFC7CE", "#E7E6E6", "#FFEB9C"]

# One process's work, run with `python -c`: prints {"import": s, "write": s, "rss": MB}.
CHILD = rf"""
import json, resource, sys, time
writer, units, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
TARGETS, STATUSES, COLOURS = {TARGETS}, {STATUSES!r}, {COLOURS!r}
start = time.perf_counter()
if writer == "xlsxwriter":
    import xlsxwriter
else:
    import openpyxl
    from openpyxl.styles import PatternFill
imported = time.perf_counter()
if writer == "xlsxwriter":
    book = xlsxwriter.Workbook(path, {{"constant_memory": True, "strings_to_formulas": False}})
    sheet = book.add_worksheet("Theo xã")
    judged = [book.add_format({{"bg_color": c, "border": 1,
                                "num_format": f'#,##0.0000" ({{s}})"'}})
              for s, c in zip(STATUSES, COLOURS)]
    for row in range(units):
        sheet.write_string(row, 0, f"Xã {{row:05d}}")
        for j in range(TARGETS):
            sheet.write_number(row, 1 + j, row * 0.37 + j, judged[(row + j) % 4])
    book.close()
else:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Theo xã")
    fills = [PatternFill("solid", start_color=c.lstrip("#")) for c in COLOURS]
    for row in range(units):
        cells = [f"Xã {{row:05d}}"]
        for j in range(TARGETS):
            k = (row + j) % 4
            value = openpyxl.cell.WriteOnlyCell(sheet, value=row * 0.37 + j)
            value.number_format = f'#,##0.0000" ({{STATUSES[k]}})"'
            value.fill = fills[k]
            cells.append(value)
        sheet.append(cells)
    book.save(path)
done = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"import": imported - start, "write": done - imported, "rss": rss}}))
"""


def measure(writer: str, units: int, runs: int) -> dict[str, float]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            out = subprocess.run([sys.executable, "-c", CHILD, writer, str(units),
                                  str(Path(tmp) / "out.xlsx")],
                                 capture_output=True, text=True, check=True)
            results.append(json.loads(out.stdout))
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", default="1000,10000", help="communes, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print("| writer | communes | cells | import s | write s | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    for units in (int(n) for n in args.units.split(",")):
        for writer in ("xlsxwriter", "openpyxl"):
            m = measure(writer, units, args.runs)
            print(f"| {writer} | {units:,} | {units * (1 + TARGETS):,} | {m['import']:.3f}"
                  f" | {m['write']:.2f} | {m['rss']:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
