"""The December rollup, as a scheduled task could run it.

    python examples/yearly_rollup.py "//may-chu/LDTBXH/So lieu" bao-cao/

reads every year's submissions under the shared folder and writes into the report folder the
trend workbook, the JSON, and xu-huong-theo-nam.csv: one row an indicator, one column a year,
for Excel (pandas: pip install 'kh-treem[pandas]'). It exits 1 when any submission has an
error, so that the task scheduler (cron, Windows Task Scheduler) can alert someone.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import kh_treem
from kh_treem.trend_workbook import write_trend


def main(source: Path, reports: Path) -> int:
    result = kh_treem.rollup([source], horizons=[2025, 2030])
    reports.mkdir(parents=True, exist_ok=True)
    write_trend(result, reports / "xu-huong.xlsx")
    with open(reports / "xu-huong.json", "w", encoding="utf-8") as out:
        json.dump(result.to_dict(), out, ensure_ascii=False, indent=2)
    # The long table (a row a year and indicator) turned into one row an indicator.
    frame = result.to_frame()
    names = frame.drop_duplicates("id").set_index("id")["name"]
    by_year = frame.pivot(index="id", columns="year", values="value").loc[names.index]
    by_year.insert(0, "name", names)
    by_year.to_csv(reports / "xu-huong-theo-nam.csv", encoding="utf-8-sig")
    errors = [p for p in result.problems if p.severity == "error"]
    for problem in errors:
        print(f"{problem.where()}: {problem.message()}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
