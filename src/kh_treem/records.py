"""What the outputs for machines share: JSON's numbers and targets, and flat tables for
spreadsheets and scripts (what ``--format csv`` writes and ``to_frame()`` returns).

A result's table is long: one row a year and target (and commune, for the breakdown by
commune), with columns named as the keys of ``--format json``; figures are rounded as
there (4 decimals), and a blank stays empty (None), never 0. pandas is an optional extra,
imported only by :func:`data_frame`.
"""

from __future__ import annotations

import csv
import io
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple

from kh_treem.plan import Target

if TYPE_CHECKING:
    import pandas

# The columns of a target's row (commune rows have "commune" after "year").
TARGET_COLUMNS = ("year", "id", "goal", "name", "unit", "direction", "target", "numerator",
                  "denominator", "value", "status")
UNIT_COLUMNS = ("year", "commune", *TARGET_COLUMNS[1:])
# The columns of check's table, a file a row.
FILE_COLUMNS = ("path", "status", "units", "years", "values", "errors", "warnings", "sha256",
                "reason", "reader", "change", "to_check")
# A CSV whose header is one of these is kh-treem's own output, never a submission; check's
# CSV had no to_check column in the versions before it counted the figures to check.
OWN_HEADERS = frozenset({TARGET_COLUMNS, UNIT_COLUMNS, FILE_COLUMNS, FILE_COLUMNS[:-1]})


class Table(NamedTuple):
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]


def json_number(value: Fraction | None) -> float | int | None:
    """A value for JSON: rounded to 4 decimals, an int when whole."""
    if value is None:
        return None
    rounded = round(value, 4)
    return int(rounded) if rounded.denominator == 1 else float(rounded)


def target_fields(t: Target, lang: str) -> dict[str, Any]:
    """What JSON and tables say of a target before its figures."""
    return {"id": t.id, "goal": t.goal, "name": t.name.get(lang), "unit": t.unit,
            "direction": t.direction.value}


# A text cell starting with one of these is a formula to Excel: a file named "=HYPERLINK(...)"
# would be a link in the officer's spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_bytes(table: Table) -> bytes:
    """The table as CSV in UTF-8 with a byte-order mark, the mark by which Excel knows the
    encoding (without it, Excel reads "Ia Đal" in the PC's code page). Text that Excel would
    take for a formula is written after an apostrophe, as Excel itself marks text; numbers
    are written as they are."""
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=table.columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({key: f"'{value}" if isinstance(value, str)
                      and value.startswith(FORMULA_STARTS) else value
                      for key, value in row.items()} for row in table.rows)
    return text.getvalue().encode("utf-8-sig", "backslashreplace")


def data_frame(table: Table) -> pandas.DataFrame:
    """The table as a pandas DataFrame, with pandas' nullable types (a blank is <NA>)."""
    try:
        import pandas
    except ImportError as exc:
        raise ImportError("to_frame() needs pandas: pip install 'kh-treem[pandas]'") from exc
    return pandas.DataFrame.from_records(table.rows, columns=list(table.columns)).convert_dtypes()

