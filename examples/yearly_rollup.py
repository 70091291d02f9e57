"""The December rollup, as a scheduled task could run it.

    python examples/yearly_rollup.py "//may-chu/LDTBXH/So lieu" bao-cao/

reads every year's submissions under the shared folder, writes the trend workbook and a JSON
file into the report folder, and exits 1 when any submission has an error, so that the task
scheduler (cron, Windows Task Scheduler) can alert someone.
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
    errors = [p for p in result.problems if p.severity == "error"]
    for problem in errors:
        print(f"{problem.where()}: {problem.message()}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
