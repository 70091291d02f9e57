"""Findings about the input, as data.

Every rejected value, skipped file and broken rule becomes a :class:`Problem`
with a stable ``type`` (for scripts), a severity, where it was found, and
parameters; its sentence is rendered from a template in the officer's language.
Problems are collected, never raised one at a time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from kh_treem.i18n import word

Severity = Literal["error", "warning", "notice"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "notice")  # the gravest first
MAX_QUOTED = 200  # characters of a value quoted in a message

# type -> (severity, Vietnamese template, English template)
TEMPLATES: dict[str, tuple[Severity, str, str]] = {
    "path-missing": (
        "error",
        "không tìm thấy tệp hoặc thư mục này",
        "no such file or folder",
    ),
    "path-unreadable": (
        "error",
        "không đọc được tệp; kiểm tra quyền truy cập tệp",
        "cannot be read ({detail}); check the file's permissions",
    ),
    "path-unusable": (
        "error",
        "đường dẫn này không dùng được ({detail}); kiểm tra lại tên tệp hoặc thư mục",
        "this path cannot be used ({detail}); check the name of the file or folder",
    ),
    "no-submissions": (
        "error",
        "không có tệp số liệu nào (.xlsx, .xlsm, .xlsb, .xls, .ods, .csv) trong {paths}",
        "no submission (.xlsx, .xlsm, .xlsb, .xls, .ods, .csv) found in {paths}",
    ),
    "skipped-lock-file": (
        "notice",
        "bỏ qua: tệp khóa tạm của Excel (tệp gốc đang mở), không phải số liệu",
        "skipped: Excel's lock file (the workbook is open somewhere), not a submission",
    ),
    "skipped-not-a-file": (
        "notice",
        "bỏ qua: không phải là một tệp (liên kết hỏng, liên kết tới thư mục, FIFO hoặc thiết"
        " bị)",
        "skipped: not a file (a broken link, a link to a folder, a FIFO or a device)",
    ),
    "skipped-hidden": (
        "notice",
        "bỏ qua: tệp ẩn",
        "skipped: hidden file",
    ),
    "skipped-type": (
        "notice",
        "bỏ qua: không phải tệp số liệu (.xlsx, .xlsm, .xlsb, .xls, .ods, .csv)",
        "skipped: not a submission file (.xlsx, .xlsm, .xlsb, .xls, .ods, .csv)",
    ),
    "skipped-own-summary": (
        "notice",
        "bỏ qua: tệp do kh-treem ghi (bảng tổng hợp, bảng xu hướng, kế hoạch, CSV), không"
        " phải số liệu của xã",
        "skipped: a file kh-treem wrote (summary, trend, plan, CSV), not a submission",
    ),
    "state-unreadable": (
        "notice",
        "không đọc được tệp trạng thái của lần kiểm tra trước; coi mọi tệp là mới",
        "the state of the last check cannot be read ({detail}); every file is taken as new",
    ),
    "state-invalid": (
        "notice",
        "tệp trạng thái bị hỏng hoặc không phải do kh-treem check ghi; coi mọi tệp là mới, và"
        " ghi lại tệp trạng thái",
        "the state file is damaged or was not written by kh-treem check ({detail}); every file"
        " is taken as new, and the state is written afresh",
    ),
    "state-unwritable": (
        "error",
        "không ghi được tệp trạng thái; lần kiểm tra sau sẽ so với lần đã ghi được trước đó",
        "the state file could not be written ({detail}); the next check compares with the last"
        " state that was written",
    ),
    "file-empty": (
        "error",
        "tệp rỗng (0 byte); xin xã gửi lại",
        "the file is empty (0 bytes); ask the commune to send it again",
    ),
    "file-unreadable": (
        "error",
        "không mở được như một bảng tính; mở và lưu lại bằng Excel hoặc LibreOffice, hoặc"
        " xin xã gửi lại",
        "cannot be opened as a workbook ({detail}); open and save it again in Excel or"
        " LibreOffice, or ask the commune to send it again",
    ),
    "too-large": (
        "error",
        "tệp quá lớn ({size} MB, giới hạn {limit} MB); không phải biểu số liệu của một xã",
        "the file is too large ({size} MB, limit {limit} MB) for a submission",
    ),
    "encrypted": (
        "error",
        "tệp được khóa bằng mật khẩu; xin xã gửi lại bản không đặt mật khẩu",
        "the file is protected by a password; ask the commune for a copy without one",
    ),
    "zip-bomb": (
        "error",
        "tệp nén bất thường: giải nén ra {size} MB, quá giới hạn {limit} MB; không mở, vì có"
        " thể làm treo máy",
        "abnormally compressed: {size} MB uncompressed, over the limit of {limit} MB; not"
        " opened, as it could exhaust the machine",
    ),
    "too-many-members": (
        "error",
        "tệp nén chứa {count} tệp con, quá giới hạn {limit}; không phải bảng tính của một xã",
        "the file holds {count} compressed members, over the limit of {limit}; not a"
        " submission",
    ),
    "read-unsafe": (
        "error",
        "tệp quá lớn hoặc hỏng, không đọc được an toàn; mở và lưu lại bằng Excel hoặc"
        " LibreOffice, hoặc xin xã gửi lại",
        "the file is too large or damaged to read safely (it took too long or too much"
        " memory); open and save it again in Excel or LibreOffice, or ask the commune to send"
        " it again",
    ),
    "more-errors": (
        "error",
        "tệp còn {count} lỗi nữa, không liệt kê ra (một tệp chỉ liệt kê {listed} vấn đề, lỗi"
        " trước); biểu của một xã chỉ có khoảng 50 số liệu: xem lại đây có phải biểu số"
        " liệu không",
        "{count} more errors in the file, not listed (a file lists {listed} problems, errors"
        " first); a commune's form holds about 50 figures: check that this file is one",
    ),
    "more-warnings": (
        "warning",
        "tệp còn {count} cảnh báo nữa, không liệt kê ra (một tệp chỉ liệt kê {listed} vấn đề,"
        " lỗi trước)",
        "{count} more warnings in the file, not listed (a file lists {listed} problems, errors"
        " first)",
    ),
    "more-notices": (
        "notice",
        "tệp còn {count} lưu ý nữa, không liệt kê ra (một tệp chỉ liệt kê {listed} vấn đề,"
        " lỗi trước)",
        "{count} more notices in the file, not listed (a file lists {listed} problems, errors"
        " first)",
    ),
    "xml-entities": (
        "error",
        "tệp chứa khai báo XML (DOCTYPE) không được phép trong bảng tính; không đọc",
        "the file declares an XML document type (DOCTYPE), which no workbook needs; not read",
    ),
    "too-many-rows": (
        "error",
        "có {rows} hàng, quá giới hạn {limit} hàng; không đọc",
        "has {rows} rows, over the limit of {limit}; not read",
    ),
    "too-many-cells": (
        "error",
        "trang tính “{sheet}” có quá {limit} ô; không đọc",
        "the sheet “{sheet}” has over {limit} cells; not read",
    ),
    "too-many-sheets": (
        "error",
        "có {count} trang tính, quá giới hạn {limit}; không đọc",
        "has {count} sheets, over the limit of {limit}; not read",
    ),
    "csv-windows-1258": (
        "notice",
        "tệp CSV không phải UTF-8; đã đọc theo bảng mã Windows-1258",
        "the CSV file is not UTF-8; read as Windows-1258",
    ),
    "csv-quote": (
        "error",
        "dấu ngoặc kép (\") đặt sai chỗ hoặc không đóng ở dòng {line}; các dòng {line}–{last}"
        " không đọc được; sửa tệp rồi gửi lại",
        "a double quote (\") out of place or never closed on line {line}; lines {line}–{last}"
        " could not be read; fix the file and send it again",
    ),
    "csv-multiline": (
        "warning",
        "các dòng {line}–{last} được đọc thành một hàng: dấu ngoặc kép (\") mở ở dòng {line}"
        " chỉ đóng ở dòng {last}; nếu đó là một ghi chú viết nhiều dòng trong một ô thì không"
        " sao, nếu không, kiểm tra dấu ngoặc kép",
        "lines {line}–{last} were read as one row: a double quote (\") opened on line {line}"
        " closes only on line {last}; if that is a note written on several lines of one cell,"
        " all is well, if not, check the quotes",
    ),
    "csv-field-too-long": (
        "error",
        "dòng {line} có một ô dài hơn {limit} ký tự, không thể là số liệu (kiểm tra dấu ngoặc"
        " kép); các ô khác của dòng vẫn được đọc",
        "line {line} has a field longer than {limit} characters, which cannot be a figure"
        " (check the quotes); the line's other fields are read",
    ),
    "csv-line-break": (
        "warning",
        "dòng {line} có ký tự ngắt dòng {found} mà Excel và LibreOffice không coi là xuống"
        " dòng: mọi thứ sau nó được đọc trên cùng hàng; nếu đó là các hàng số liệu, thay nó"
        " bằng dấu xuống dòng",
        "line {line} holds the line-break character {found}, which Excel and LibreOffice do"
        " not take for a new line: what follows it is read on the same row; if it holds rows"
        " of figures, put real line breaks there",
    ),
    "formulas-unchecked": (  # of a file, or of one sheet (the problem's sheet)
        "warning",
        "không kiểm tra được các công thức ở đây{detail}; số liệu được đọc theo giá trị đã lưu,"
        " nên một công thức bị lỗi có thể bị đọc thành ô trống",
        "the formulas here could not be checked{detail}; figures are read as saved, so a"
        " formula giving an error may be read as a blank",
    ),
    "sheet-unreadable": (
        "warning",
        "không đọc được trang tính này (tệp có thể bị hỏng); mở và lưu lại bằng Excel hoặc"
        " LibreOffice",
        "this sheet cannot be read ({detail}); the file may be damaged: open and save it again"
        " in Excel or LibreOffice",
    ),
    "sheet-skipped": (
        "notice",
        "bỏ qua trang tính: không phải biểu số liệu (không có hàng tiêu đề với cột “Mã” và"
        " cột “Số liệu”, hay cột “Xã” và các cột mã số liệu)",
        "sheet skipped: not a submission (no header row with a “Mã” (code) and a “Số liệu”"
        " (value) column, nor a “Xã” (unit) column and element-code columns)",
    ),
    "no-form": (
        "error",
        "không trang tính nào là biểu số liệu (hàng tiêu đề với cột “Mã” và cột “Số liệu”,"
        " hay cột “Xã” và các cột mã số liệu); không đọc được số liệu nào từ tệp này",
        "no sheet is a submission (a header row with a “Mã” (code) and a “Số liệu” (value)"
        " column, or a “Xã” (unit) column and element-code columns); nothing was read",
    ),
    "no-figures": (
        "error",
        "có tiêu đề của biểu hoặc bảng nhưng không có số liệu của xã nào; xin xã gửi lại bản đã"
        " điền",
        "a form or table header, but no commune's figures under it; ask for the filled copy",
    ),
    "row-without-unit": (
        "error",
        "hàng có số liệu nhưng không ghi tên xã; số liệu hàng này không được dùng",
        "a row with figures but no unit name; its figures are not used",
    ),
    "total-row-ignored": (
        "notice",
        "hàng “{found}” là hàng tổng, không cộng thêm lần nữa",
        "“{found}” is a totals row; it is not added again",
    ),
    "unit-unknown": (
        "error",
        "“{found}” không phải là xã nào của kế hoạch (có phải “{suggestion}”?); số liệu trang"
        " này không được dùng",
        "“{found}” is none of the plan's communes (did you mean “{suggestion}”?); this sheet's"
        " figures are not used",
    ),
    "unit-missing": (
        "error",
        "không biết số liệu của xã nào: không có ô “Đơn vị:”, và tên trang tính, tên tệp"
        " không phải tên xã ({expected})",
        "cannot tell which commune this is: no “Đơn vị:” cell, and neither the sheet's nor"
        " the file's name is a commune ({expected})",
    ),
    "year-missing": (
        "notice",
        "không ghi năm báo cáo; coi là năm {year} của kế hoạch",
        "no reporting year given; taken as the plan's year {year}",
    ),
    "year-invalid": (
        "error",
        "năm “{found}” không hợp lệ (cần một năm từ 1900 đến 2200); số liệu trang tính này"
        " không được dùng",
        "year “{found}” is not valid (a year from 1900 to 2200 is expected); this sheet's"
        " figures are not used",
    ),
    "year-other": (
        "error",
        "số liệu năm {found}, kế hoạch là năm {year}; số liệu trang tính này không được dùng",
        "figures of {found}, the plan is for {year}; this sheet's figures are not used",
    ),
    "code-unknown": (
        "error",
        "mã “{found}” không có trong kế hoạch (có phải “{suggestion}”?); giá trị {value} không"
        " được dùng",
        "code “{found}” is not in the plan (did you mean “{suggestion}”?); its value {value} is"
        " not used",
    ),
    "not-a-number": (
        "error",
        "“{found}” không phải số nguyên; cần một số đếm như 412 hoặc 1.234",
        "“{found}” is not a whole number; expected a count such as 412 or 1.234",
    ),
    "not-whole": (
        "error",
        "“{found}” không phải số nguyên; số liệu là số đếm, không có phần thập phân",
        "“{found}” is not a whole number; figures are counts, with no decimal part",
    ),
    "negative": (
        "error",
        "“{found}” là số âm; số liệu phải từ 0 trở lên",
        "“{found}” is negative; figures are 0 or more",
    ),
    "count-too-large": (
        "error",
        "“{found}” lớn hơn dân số cả nước, không thể là số liệu của một xã; kiểm tra lại",
        "“{found}” is more than the country's population, which no commune's figure can be;"
        " check it",
    ),
    "not-a-flag": (
        "error",
        "“{found}” không phải 1 (có, đạt) hoặc 0 (không, chưa đạt)",
        "“{found}” is neither 1 (yes) nor 0 (no)",
    ),
    "formula-unsaved": (
        "error",
        "công thức chưa có giá trị đã lưu; mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi"
        " gửi lại",
        "a formula with no saved value; open the file in Excel or LibreOffice, save it, and"
        " send it again",
    ),
    "formula-error": (
        "error",
        "công thức cho kết quả lỗi {found}; sửa công thức hoặc nhập số liệu",
        "the formula gives the error {found}; fix it or type the figure",
    ),
    "formula-text": (
        "error",
        "công thức cho kết quả là chữ “{found}”, không phải số; sửa công thức hoặc nhập số"
        " liệu",
        "the formula gives the text “{found}”, not a number; fix it or type the figure",
    ),
    "submission-copy": (
        "notice",
        "số liệu của xã {unit} giống hệt {other}; chỉ tính một lần",
        "the figures of {unit} are the same as in {other}; counted once",
    ),
    "value-repeated": (
        "notice",
        "giá trị {value} cũng có ở {other}; chỉ tính một lần",
        "the value {value} is also given at {other}; counted once",
    ),
    "values-repeated": (
        "notice",
        "{count} số liệu ({codes}) trùng với {other}, cùng giá trị; chỉ tính một lần",
        "{count} figures ({codes}) repeat {other} with the same values; counted once",
    ),
    "value-conflict": (
        "error",
        "{unit}: giá trị {value} khác với {other_value} ở {other}; không dùng số liệu này",
        "{unit}: the value {value} differs from {other_value} at {other}; this figure is"
        " not used",
    ),
    "value-conflicts-more": (
        "error",
        "{unit}: còn {count} giá trị nữa khác với giá trị ở {other}, không liệt kê ra; không"
        " dùng số liệu này",
        "{unit}: {count} more values differ from the one at {other}, not listed; this figure"
        " is not used",
    ),
    "rule-broken": (
        "error",
        "{unit}: “{left_label}” ({left}) = {left_value} (ô {left_cell}) lớn hơn"
        " “{right_label}” ({right}) = {right_value} (ô {right_cell}), điều không thể có; không"
        " dùng các số liệu {labels} của xã này",
        "{unit}: “{left_label}” ({left}) = {left_value} (cell {left_cell}) is greater than"
        " “{right_label}” ({right}) = {right_value} (cell {right_cell}), which cannot be;"
        " {labels} of this commune are not used",
    ),
    "year-out-of-range": (
        "error",
        "năm {found} nằm ngoài các năm đang tổng hợp ({first}–{last}); kiểm tra năm báo cáo;"
        " số liệu trang tính này không được dùng",
        "the year {found} is outside the years being rolled up ({first}–{last}); check the"
        " reporting year; this sheet's figures are not used",
    ),
    "year-unknown": (
        "error",
        "không ghi năm báo cáo, mà đang tổng hợp nhiều năm; không biết số liệu của năm nào",
        "no reporting year given, and several years are being rolled up; not used",
    ),
    "prev-disagrees": (
        "warning",
        "{unit}, năm {year}: số cuộc tảo hôn năm trước ghi là {own}, nhưng số liệu năm trước"
        " là {last}; dùng {last}",
        "{unit}, {year}: last year's child marriages are given as {own}, but last year's"
        " figure is {last}; {last} is used",
    ),
    "unit-not-in-year": (
        "error",
        "{unit} không còn là đơn vị báo cáo năm {year} (đã sáp nhập: {new}); số liệu không được"
        " dùng",
        "{unit} no longer reports in {year} (merged: {new}); its figures are not used",
    ),
    "units-merged": (
        "notice",
        "năm {year}: số liệu của {old} được cộng lại thành {new} (sáp nhập từ năm {since}) khi"
        " so sánh xu hướng; kết quả năm {year} vẫn tính như năm đó",
        "{year}: the figures of {old} are added up as {new} (merged from {since}) to compare"
        " the years; {year}'s own result stays as it was",
    ),
    "figure-unlike-last-year": (
        "warning",
        "{unit}: “{label}” năm {year} là {value}, năm {last_year} là {last}: {change};"
        " kiểm tra lại số liệu",
        "{unit}: “{label}” is {value} in {year} and was {last} in {last_year}: {change};"
        " check the figure",
    ),
    "figure-not-given-again": (
        "notice",
        "{unit}: “{label}” năm {last_year} là {last}, năm {year} để trống",
        "{unit}: “{label}” was {last} in {last_year} and is blank in {year}",
    ),
    "rate-unlike-communes": (
        "warning",
        "{unit}: chỉ tiêu {target} “{name}” = {value}{unit_sign} ({num}/{den}, mẫu số ở ô"
        " {den_cell}), khác xa các xã khác: trung vị của {count} xã là {median}{unit_sign},"
        " khoảng cách tới trung vị gấp {z} lần mức chênh lệch thường gặp giữa các xã (ngưỡng"
        " {limit}); kiểm tra lại số liệu",
        "{unit}: target {target} “{name}” = {value}{unit_sign} ({num}/{den}, the denominator"
        " in {den_cell}), far from the other communes: the median of {count} is"
        " {median}{unit_sign}, and the distance to it is {z} times the usual spread between"
        " communes (limit {limit}); check the figures",
    ),
    "year-without-previous": (
        "notice",
        "không có số liệu năm {last_year}: số liệu năm {year} không được so với năm trước",
        "no submissions of {last_year}: the figures of {year} were not compared with last year's",
    ),
    "unit-without-last-year": (
        "notice",
        "{unit}: không có số liệu năm {last_year} của xã này trong --previous {paths}; không so"
        " sánh được với năm trước",
        "{unit}: no figure of {last_year} for this commune in --previous {paths}; nothing was"
        " compared with last year",
    ),
    "previous-no-figures": (
        "warning",
        "--previous {paths}: không có số liệu năm {last_year} ({holds}); không so sánh được"
        " với năm trước",
        "--previous {paths}: no figure of {last_year} ({holds}); nothing was compared with"
        " last year",
    ),
    "unit-not-reported": (
        "warning",
        "chưa có số liệu của xã {unit}",
        "no figures from {unit}",
    ),
    # The plan file (YAML or workbook), found by `kh-treem plan check` and when a plan is
    # loaded. The English of those from pydantic is pydantic's own sentence ({detail}).
    "plan-missing": (
        "error",
        "thiếu giá trị bắt buộc: {what}",
        "a required value is missing: {what}",
    ),
    "plan-unknown-key": (
        "error",
        "“{found}” không phải là mục nào của kế hoạch; xóa đi hoặc sửa tên",
        "{detail}",
    ),
    "plan-wrong-type": (
        "error",
        "“{found}” không đúng kiểu: cần {expected}",
        "{detail} (found: {found})",
    ),
    "plan-not-allowed": (
        "error",
        "“{found}” không hợp lệ: cần {expected}",
        "{detail} (found: {found})",
    ),
    "plan-out-of-range": (
        "error",
        "“{found}” vượt giới hạn: cần {expected}",
        "{detail} (found: {found})",
    ),
    "plan-list-length": (
        "error",
        "cần {expected} mục, có {count}",
        "needs {expected} items, has {count}",
    ),
    "plan-invalid": (
        "error",
        "giá trị không hợp lệ ({detail})",
        "{detail}",
    ),
    "plan-not-a-number": (
        "error",
        "“{found}” không phải là số; ghi một số, ví dụ {example}",
        "“{found}” is not a number; write a number such as {example}",
    ),
    "plan-target-negative": (
        "error",
        "chỉ tiêu {target} là số âm; cần một số từ 0 trở lên",
        "the target {target} is negative; it is 0 or more",
    ),
    "plan-target-too-large": (
        "error",
        "chỉ tiêu {target} vượt quá {limit} {unit}, mức cao nhất có thể",
        "the target {target} is over {limit}: a target in {unit} is at most {limit}",
    ),
    "plan-denominator-missing": (
        "error",
        "cách tính “{measure}” cần có mẫu số",
        "the measure “{measure}” needs a denominator",
    ),
    "plan-denominator-extra": (
        "error",
        "cách tính “{measure}” không có mẫu số; để trống ô mẫu số",
        "the measure “{measure}” takes no denominator",
    ),
    "plan-unit-not-allowed": (
        "error",
        "đơn vị “{unit}” không dùng được với cách tính “{measure}”; cần một trong {allowed}",
        "the unit “{unit}” does not go with the measure “{measure}”; use one of {allowed}",
    ),
    "plan-duplicate": (
        "error",
        "“{value}” bị trùng: mỗi mã, mỗi tên chỉ được ghi một lần",
        "'{value}' appears twice",
    ),
    "plan-units-alike": (
        "error",
        "“{first}” và “{second}” đọc như nhau khi bỏ dấu, chữ hoa và chữ Xã/Phường/Thị trấn ở"
        " đầu; đặt tên phân biệt",
        "'{first}' and '{second}' read the same once accents, case and a leading"
        " Xã/Phường/Thị trấn are set aside; name them apart",
    ),
    "plan-unit-blank": (
        "error",
        "tên xã để trống (hoặc chỉ có ký tự không nhìn thấy)",
        "a unit's name is empty",
    ),
    "plan-goal-unknown": (
        "error",
        "mục tiêu {goal} không có trong danh sách mục tiêu",
        "goal {goal} is not in goals",
    ),
    "plan-element-unknown": (
        "error",
        "mã số liệu “{code}” không có trong danh sách số liệu",
        "element '{code}' is not in elements",
    ),
    "plan-units-need-flag": (
        "error",
        "chỉ tiêu đếm số xã cần một số liệu dạng 1/0; “{code}” là số đếm",
        "a count of units needs a flag element; '{code}' is a count",
    ),
    "plan-rule-kinds": (
        "error",
        "quy tắc so sánh số liệu dạng 1/0 ({flags}) với số đếm ({counts}); chỉ so sánh các số"
        " liệu cùng loại",
        "the rule sets flags ({flags}) against counts ({counts}); a rule compares figures of"
        " one kind",
    ),
    "plan-merged-not-unit": (
        "error",
        "“{new}” không có trong danh sách xã",
        "'{new}' is not in units",
    ),
    "plan-merged-old": (
        "error",
        "“{new}” không có xã cũ nào; ghi các xã cũ đã sáp nhập vào “{new}”",
        "'{new}' has no old unit; list the units merged into it",
    ),
    "plan-merged-still-listed": (
        "error",
        "xã cũ “{old}” đã sáp nhập vào “{new}” nhưng vẫn còn trong danh sách xã; xóa “{old}”"
        " khỏi cột Tên xã",
        "the old unit “{old}”, merged into “{new}”, is still one of the units; remove “{old}”"
        " from the units",
    ),
    "plan-merged-keeps-name": (
        "error",
        "xã mới “{new}” mang tên của xã cũ “{old}”: kế hoạch chưa ghi được xã sáp nhập giữ tên"
        " một xã cũ (số liệu trước và sau sáp nhập sẽ lẫn nhau); đặt cho xã mới một tên khác,"
        " hoặc hỏi người lập kế hoạch",
        "the new unit “{new}” bears the name of the old unit “{old}”: a plan cannot hold a"
        " merged unit keeping an old unit's name (its figures before and after the merger"
        " would mix); give the new unit another name, or ask the planners",
    ),
    "plan-merged-one-cell": (
        "error",
        "“{found}” ghi nhiều xã cũ trong một ô; mỗi ô một xã cũ, ở các ô bên phải",
        "“{found}” names several old units in one cell; one old unit a cell, in the cells"
        " to the right",
    ),
    "plan-merged-no-unit": (
        "error",
        "xã cũ “{found}” nhưng ô Tên xã của hàng này ({at}) để trống; ghi tên xã mới ở ô {at}",
        "the old unit “{found}” but the row's unit cell ({at}) is blank; write the new unit"
        " in {at}",
    ),
    "plan-no-sheets": (
        "error",
        "bảng tính không có trang tính nào của kế hoạch (Thông tin chung, Chỉ tiêu, Số liệu,"
        " …), chỉ có {found}: không phải bảng tính kế hoạch; lấy bản do kh-treem plan export"
        " ghi",
        "the workbook has none of a plan's sheets (General, Targets, Elements, …), only"
        " {found}: it is no plan workbook; start from the one kh-treem plan export writes",
    ),
    "plan-sheet-missing": (
        "error",
        "không có trang tính “{name}” của kế hoạch{hint}",
        "no sheet “{name}” of the plan{hint}",
    ),
    "plan-header-missing": (
        "error",
        "không có hàng tiêu đề (hàng bắt đầu bằng cột “{column}”): trang tính không đọc được;"
        " chép lại hàng tiêu đề từ bảng tính do kh-treem plan export ghi",
        "no header row (the row that begins with a column “{column}”): the sheet cannot be"
        " read; copy the header row from a workbook kh-treem plan export wrote",
    ),
    "plan-column-missing": (
        "error",
        "hàng tiêu đề (hàng {row}) không có cột “{column}”; thêm lại cột này (cột bị xóa hay"
        " đổi tên?)",
        "the header row (row {row}) has no column “{column}”; add it again (was it deleted or"
        " renamed?)",
    ),
    "plan-row-lone-cell": (
        "error",
        "hàng {row} chỉ có một ô ghi “{found}”: một {item} cần ghi đủ các cột; ghi đủ, hoặc"
        " xóa hàng nếu đó là ghi chú",
        "row {row} holds one cell alone, “{found}”: a {item} fills every column; fill the"
        " row, or delete it if it is a note",
    ),
    "plan-cell-unused": (
        "warning",
        "ô này không dùng: “{label}” chỉ có một giá trị, ở ô {at}; “{found}” bị bỏ qua",
        "this cell is not used: “{label}” has one value, in {at}; “{found}” is ignored",
    ),
    "plan-rows-hidden": (
        "notice",
        "các hàng {rows} đang bị ẩn; vẫn được đọc như mọi hàng khác (bỏ ẩn để xem lại)",
        "rows {rows} are hidden; they are read as any other row (unhide them to check)",
    ),
    "plan-cell-numbering": (
        "warning",
        "cột STT chỉ đánh số thứ tự: “{found}” bị bỏ qua; ghi vào ô {at} nếu cần",
        "the No. column only numbers the rows: “{found}” is ignored; write it in {at} if"
        " it is meant",
    ),
    "plan-sheet-twice": (
        "error",
        "hai trang tính cùng là một bảng của kế hoạch: “{first}” và “{second}”; xóa một trang",
        "two sheets are the same table of the plan: “{first}” and “{second}”; delete one",
    ),
    "plan-not-a-choice": (
        "error",
        "“{found}” không có trong danh sách chọn; chọn một trong: {expected}",
        "“{found}” is not one of the choices: {expected}",
    ),
    "plan-formula": (
        "error",
        "công thức không có giá trị đã lưu, hoặc ra lỗi; ghi thẳng giá trị vào ô",
        "a formula without a saved value, or giving an error; type the value itself",
    ),
    "plan-date": (
        "error",
        "ô {at} là ngày tháng ({found}): Excel tự đổi 1/3 thành ngày; định dạng ô là Văn bản"
        " (Text) rồi ghi lại",
        "cell {at} holds a date ({found}): Excel turns 1/3 into a date; format the cell as"
        " Text and type it again",
    ),
    "plan-decimal-mark": (
        "error",
        "“{found}” có dấu “{mark}”: trong bảng tính {book} dấu thập phân là “{decimal}”"
        " ({example}) và số không ghi dấu ngăn cách hàng nghìn (1000); ghi lại số",
        "“{found}” has a “{mark}”: in a workbook in {book} the decimal mark is “{decimal}”"
        " ({example}) and a number has no thousands separator (1000); type the number again",
    ),
    "plan-target-sign": (
        "error",
        "“{found}” ghi dấu {sign} nhưng đơn vị tính của chỉ tiêu là “{unit}”; bỏ dấu {sign} hoặc"
        " sửa đơn vị tính",
        "“{found}” has a {sign} but the target's unit is “{unit}”; leave out the {sign} or"
        " change the unit",
    ),
    "plan-target-below-one": (
        "warning",
        "mức chỉ tiêu là số {found} {unit}: nếu đã gõ “{meant}{unit}” vào ô dạng số thì Excel"
        " lưu thành {found}; ghi lại “{meant}”. Ô định dạng Văn bản giữ đúng điều đã gõ: nếu"
        " mức đúng là {found} {unit}, định dạng ô là Văn bản và ghi “{typed}” để hết cảnh báo",
        "the target is the number {found_en} {unit}: if “{meant}{unit}” was typed in a"
        " number cell, Excel keeps it as {found_en}; type “{meant}”. A cell formatted as Text"
        " keeps what is typed: if the target is {found_en} {unit}, format the cell as Text"
        " and type “{typed}” to end this warning",
    ),
    # A file that is no plan at all: said alone, with no place in the file.
    "plan-file-missing": (
        "error",
        "không tìm thấy tệp kế hoạch này; kiểm tra tên và thư mục của tệp",
        "no such plan file; check the file's name and folder",
    ),
    "plan-not-a-file": (
        "error",
        "không phải là một tệp (thư mục, FIFO hoặc thiết bị)",
        "not a file (a folder, a FIFO or a device)",
    ),
    "plan-file-unusable": (
        "error",
        "không đọc được tệp ({detail}); kiểm tra tên tệp và quyền truy cập tệp",
        "cannot be read ({detail}); check the file's name and permissions",
    ),
    "plan-lock-file": (
        "error",
        "đây là tệp khóa tạm của Excel (có khi bảng tính đang mở), không phải kế hoạch; dùng"
        " tệp cùng tên không có “~$” ở đầu",
        "this is Excel's temporary lock file (made while a workbook is open), not a plan;"
        " use the file of the same name without “~$” at its start",
    ),
    "plan-merged-twice": (
        "error",
        "xã cũ “{old}” đã được sáp nhập vào “{first}”, lại có ở “{new}”: số liệu của xã sẽ bị"
        " cộng hai lần; ghi mỗi xã cũ một lần",
        "the old commune “{old}”, merged into “{first}”, is named again under “{new}”: its"
        " figures would be added up twice; name each old commune once",
    ),
    "plan-is-document": (
        "error",
        "đây là tài liệu Word (như báo cáo do kh-treem report ghi), không phải kế hoạch",
        "this is a Word document (such as the report kh-treem report writes), not a plan",
    ),
    "plan-wrong-suffix": (
        "error",
        "tệp là {what} dù tên {named}; đổi đuôi tên tệp thành {right}",
        "the file is {what} though its name {named}; rename it to end in {right}",
    ),
    "plan-workbook-refused": (
        "error",
        "không đọc được bảng tính kế hoạch: {what}; mở và lưu lại bằng Excel hoặc LibreOffice"
        " (không đặt mật khẩu), hoặc lấy bản do kh-treem plan export ghi",
        "the plan workbook cannot be read: {what}; open and save it again in Excel or"
        " LibreOffice (without a password), or take one kh-treem plan export wrote",
    ),
    "plan-too-large": (
        "error",
        "lớn hơn {limit} KB, không tệp kế hoạch nào lớn như vậy",
        "over {limit} KB, which no plan file is",
    ),
    "plan-not-utf8": (
        "error",
        "không phải văn bản UTF-8 (byte {at}); lưu lại tệp với bảng mã UTF-8",
        "not UTF-8 text ({reason} at byte {at}); save the file as UTF-8",
    ),
    "plan-not-yaml": (
        "error",
        "không phải YAML hợp lệ{at} ({detail})",
        "not valid YAML{at}: {detail}",
    ),
    "plan-key-twice": (
        "error",
        "khóa “{key}” được ghi hai lần, ở dòng {first} và dòng {line}; xóa một",
        "the key “{key}” is given twice, on line {first} and line {line}; remove one",
    ),
    "plan-value-unheld": (
        "error",
        "không phải tệp kế hoạch: có giá trị không kế hoạch nào có ({detail})",
        "not a plan file (a value no plan holds: {detail})",
    ),
    "plan-not-mapping": (
        "error",
        "không phải tệp kế hoạch: tệp kế hoạch là các mục “khóa: giá trị” (id, year,"
        " targets, …)",
        "not a plan file: a plan file is a mapping of keys (id, year, targets, ...)",
    ),
    "plan-no-units": (
        "error",
        "kế hoạch {id} không có danh sách xã để chấm điểm (kế hoạch mục tiêu quốc gia dùng"
        " với rollup --horizon)",
        "the plan {id} lists no commune to score (a plan of national targets is used with"
        " rollup --horizon)",
    ),
    "plan-is-form": (
        "error",
        "đây là biểu mẫu số liệu của xã (do kh-treem template ghi), không phải kế hoạch",
        "this is a commune's form (written by kh-treem template), not a plan",
    ),
    "plan-is-output": (
        "error",
        "đây là {kind} do kh-treem ghi, không phải kế hoạch",
        "this is {kind} kh-treem wrote, not a plan",
    ),
    "plan-sheet-ignored": (
        "warning",
        "trang tính không thuộc mẫu kế hoạch; bỏ qua",
        "a sheet that is no part of a plan workbook; ignored",
    ),
    "plan-cell-ignored": (
        "warning",
        "ô ngoài các cột của bảng có giá trị “{found}”; bỏ qua",
        "a cell outside the table's columns holds “{found}”; ignored",
    ),
}


# Each type in a few words, for the "Loại" column of the workbooks (JSON keeps the type).
KINDS: dict[str, tuple[str, str]] = {
    "path-missing": ("Không tìm thấy", "Not found"),
    "path-unreadable": ("Không đọc được", "Cannot be read"),
    "path-unusable": ("Đường dẫn hỏng", "Path unusable"),
    "no-submissions": ("Không có tệp số liệu", "No submission"),
    "skipped-lock-file": ("Tệp khóa của Excel", "Excel lock file"),
    "skipped-not-a-file": ("Không phải tệp", "Not a file"),
    "skipped-hidden": ("Tệp ẩn", "Hidden file"),
    "skipped-type": ("Không phải bảng tính", "Not a spreadsheet"),
    "skipped-own-summary": ("Tệp do kh-treem ghi", "kh-treem's own output"),
    "state-unreadable": ("Tệp trạng thái không đọc được", "State unreadable"),
    "state-invalid": ("Tệp trạng thái hỏng", "State damaged"),
    "state-unwritable": ("Không ghi được trạng thái", "State not written"),
    "file-empty": ("Tệp rỗng", "Empty file"),
    "file-unreadable": ("Không mở được", "Cannot be opened"),
    "too-large": ("Tệp quá lớn", "File too large"),
    "encrypted": ("Có mật khẩu", "Password-protected"),
    "zip-bomb": ("Nén bất thường", "Abnormal compression"),
    "too-many-members": ("Quá nhiều tệp con", "Too many members"),
    "read-unsafe": ("Đọc không an toàn", "Unsafe to read"),
    "more-errors": ("Thêm lỗi không liệt kê", "More errors, unlisted"),
    "more-warnings": ("Thêm cảnh báo không liệt kê", "More warnings, unlisted"),
    "more-notices": ("Thêm lưu ý không liệt kê", "More notices, unlisted"),
    "xml-entities": ("Khai báo XML lạ", "XML declaration"),
    "too-many-rows": ("Quá nhiều hàng", "Too many rows"),
    "too-many-cells": ("Quá nhiều ô", "Too many cells"),
    "too-many-sheets": ("Quá nhiều trang tính", "Too many sheets"),
    "csv-windows-1258": ("CSV không phải UTF-8", "CSV not UTF-8"),
    "csv-quote": ("Lỗi dấu ngoặc kép", "Quote error"),
    "csv-multiline": ("Nhiều dòng gộp một", "Lines joined"),
    "csv-field-too-long": ("Ô quá dài", "Field too long"),
    "csv-line-break": ("Ký tự ngắt dòng lạ", "Odd line break"),
    "formulas-unchecked": ("Chưa kiểm tra công thức", "Formulas unchecked"),
    "sheet-unreadable": ("Trang tính hỏng", "Sheet unreadable"),
    "sheet-skipped": ("Bỏ qua trang tính", "Sheet skipped"),
    "no-form": ("Không có biểu số liệu", "No form"),
    "no-figures": ("Biểu chưa điền", "Form not filled"),
    "row-without-unit": ("Hàng thiếu tên xã", "Row without commune"),
    "total-row-ignored": ("Hàng tổng", "Totals row"),
    "unit-unknown": ("Xã không có trong kế hoạch", "Unknown commune"),
    "unit-missing": ("Không rõ xã", "Commune not named"),
    "year-missing": ("Thiếu năm báo cáo", "No year"),
    "year-invalid": ("Năm không hợp lệ", "Invalid year"),
    "year-other": ("Số liệu năm khác", "Another year"),
    "code-unknown": ("Mã không có trong kế hoạch", "Unknown code"),
    "not-a-number": ("Không phải số", "Not a number"),
    "not-whole": ("Số lẻ", "Not whole"),
    "negative": ("Số âm", "Negative"),
    "count-too-large": ("Số quá lớn", "Too large"),
    "not-a-flag": ("Không phải 1 hoặc 0", "Not 1 or 0"),
    "formula-unsaved": ("Công thức chưa lưu", "Formula unsaved"),
    "formula-error": ("Công thức lỗi", "Formula error"),
    "formula-text": ("Công thức ra chữ", "Formula gives text"),
    "submission-copy": ("Gửi trùng", "Copy"),
    "value-repeated": ("Giá trị lặp lại", "Value repeated"),
    "values-repeated": ("Giá trị lặp lại", "Values repeated"),
    "value-conflict": ("Giá trị mâu thuẫn", "Conflicting values"),
    "value-conflicts-more": ("Thêm giá trị mâu thuẫn", "More conflicting values"),
    "rule-broken": ("Số liệu vô lý", "Figures contradict"),
    "year-out-of-range": ("Năm ngoài phạm vi", "Year out of range"),
    "year-unknown": ("Không rõ năm", "Year unknown"),
    "prev-disagrees": ("Số năm trước khác", "Last year differs"),
    "unit-not-in-year": ("Xã đã sáp nhập", "Commune merged"),
    "units-merged": ("Cộng xã sáp nhập", "Merged communes added"),
    "figure-unlike-last-year": ("Khác thường so với năm trước", "Unlike last year"),
    "figure-not-given-again": ("Năm nay để trống", "Blank this year"),
    "rate-unlike-communes": ("Khác xa các xã khác", "Unlike other communes"),
    "previous-no-figures": ("Không có số liệu năm trước", "No figures of last year"),
    "unit-without-last-year": ("Xã không có số liệu năm trước", "Commune without last year"),
    "year-without-previous": ("Thiếu năm trước", "Year before missing"),
    "unit-not-reported": ("Xã chưa gửi", "Commune missing"),
    "plan-missing": ("Thiếu giá trị", "Value missing"),
    "plan-unknown-key": ("Mục lạ", "Unknown key"),
    "plan-wrong-type": ("Sai kiểu", "Wrong type"),
    "plan-not-allowed": ("Giá trị không hợp lệ", "Value not allowed"),
    "plan-out-of-range": ("Vượt giới hạn", "Out of range"),
    "plan-list-length": ("Số mục không đúng", "Wrong number of items"),
    "plan-merged-twice": ("Xã cũ ghi hai lần", "Old commune named twice"),
    "plan-is-document": ("Tài liệu Word", "A Word document"),
    "plan-invalid": ("Không hợp lệ", "Invalid"),
    "plan-not-a-number": ("Không phải số", "Not a number"),
    "plan-target-negative": ("Chỉ tiêu âm", "Negative target"),
    "plan-target-too-large": ("Chỉ tiêu quá lớn", "Target too large"),
    "plan-denominator-missing": ("Thiếu mẫu số", "Denominator missing"),
    "plan-denominator-extra": ("Thừa mẫu số", "Denominator not taken"),
    "plan-unit-not-allowed": ("Sai đơn vị tính", "Unit not allowed"),
    "plan-duplicate": ("Ghi trùng", "Duplicate"),
    "plan-units-alike": ("Tên xã trùng", "Units alike"),
    "plan-unit-blank": ("Tên xã trống", "Unit blank"),
    "plan-goal-unknown": ("Mục tiêu không có", "Unknown goal"),
    "plan-element-unknown": ("Mã số liệu không có", "Unknown element"),
    "plan-units-need-flag": ("Cần số liệu 1/0", "Needs a flag"),
    "plan-rule-kinds": ("Quy tắc khác loại", "Rule of mixed kinds"),
    "plan-merged-not-unit": ("Xã sáp nhập không có", "Merged unit unknown"),
    "plan-merged-old": ("Xã sáp nhập không có xã cũ", "Merged unit without old units"),
    "plan-merged-still-listed": ("Xã cũ còn trong danh sách", "Old unit still listed"),
    "plan-merged-keeps-name": ("Xã mới giữ tên xã cũ", "Merged unit keeps an old name"),
    "plan-merged-one-cell": ("Nhiều xã cũ một ô", "Old units in one cell"),
    "plan-merged-no-unit": ("Xã cũ không có xã mới", "Old unit without new"),
    "plan-no-sheets": ("Không phải kế hoạch", "Not a plan workbook"),
    "plan-sheet-missing": ("Thiếu trang tính", "Sheet missing"),
    "plan-column-missing": ("Thiếu cột", "Column missing"),
    "plan-header-missing": ("Thiếu hàng tiêu đề", "Header row missing"),
    "plan-row-lone-cell": ("Hàng chỉ một ô", "Row of one cell"),
    "plan-cell-unused": ("Ô không dùng", "Cell not used"),
    "plan-sheet-twice": ("Trang tính trùng", "Sheet twice"),
    "plan-cell-numbering": ("Ô STT bị bỏ qua", "No. cell ignored"),
    "plan-rows-hidden": ("Hàng bị ẩn", "Rows hidden"),
    "plan-not-a-choice": ("Không có trong danh sách", "Not a choice"),
    "plan-formula": ("Công thức", "Formula"),
    "plan-file-missing": ("Không tìm thấy", "Not found"),
    "plan-not-a-file": ("Không phải tệp", "Not a file"),
    "plan-file-unusable": ("Không đọc được", "Cannot be read"),
    "plan-lock-file": ("Tệp khóa của Excel", "Excel lock file"),
    "plan-wrong-suffix": ("Sai đuôi tệp", "Wrong suffix"),
    "plan-workbook-refused": ("Không đọc được", "Cannot be read"),
    "plan-too-large": ("Tệp quá lớn", "File too large"),
    "plan-not-utf8": ("Không phải UTF-8", "Not UTF-8"),
    "plan-not-yaml": ("Không phải YAML", "Not YAML"),
    "plan-key-twice": ("Khóa ghi hai lần", "Key twice"),
    "plan-value-unheld": ("Giá trị lạ", "Value no plan holds"),
    "plan-not-mapping": ("Không phải kế hoạch", "Not a plan"),
    "plan-no-units": ("Không có xã", "No units"),
    "plan-is-form": ("Biểu mẫu của xã", "A commune's form"),
    "plan-is-output": ("Tệp do kh-treem ghi", "kh-treem's output"),
    "plan-date": ("Ngày tháng", "A date"),
    "plan-decimal-mark": ("Dấu thập phân", "Decimal mark"),
    "plan-target-sign": ("Dấu % sai đơn vị", "Sign against unit"),
    "plan-target-below-one": ("Chỉ tiêu dưới 1", "Target under 1"),
    "plan-sheet-ignored": ("Bỏ qua trang tính", "Sheet ignored"),
    "plan-cell-ignored": ("Bỏ qua ô", "Cell ignored"),
}


def counted(problems: Sequence[Problem], severity: Severity) -> int:
    """How many problems of ``severity`` ``problems`` hold, the unlisted ones counted."""
    return sum(p.stands_for for p in problems if p.severity == severity)


def kind_label(problem_type: str, lang: str) -> str:
    """A problem type in a few words, in the officer's language."""
    vi, en = KINDS[problem_type]
    return en if lang == "en" else vi


# Notices of these types are said once a type on screen when several files or sheets have
# them (the READMEs of a folder, the guide sheets of forms made elsewhere), so that they do not
# drown the errors; JSON and the workbook list each one.
GATHERED = frozenset({"sheet-skipped", "skipped-type", "skipped-hidden", "skipped-lock-file",
                      "skipped-not-a-file", "skipped-own-summary"})
NAMED_PLACES = 3  # places a gathered line names before "and N more"


@dataclass(frozen=True)
class Gathered:
    """Several problems of one type, said in one line with how many and where."""

    first: Problem
    places: tuple[str, ...]

    @property
    def severity(self) -> Severity:
        return self.first.severity

    def where(self, lang: str = "vi") -> str:
        return ""

    def message(self, lang: str = "vi") -> str:
        named = ", ".join(self.places[:NAMED_PLACES])
        more = len(self.places) - NAMED_PLACES
        key = "gathered_more" if more > 0 else "gathered"
        return word(key, lang).format(message=self.first.message(lang), count=len(self.places),
                                      places=named, more=more)


def gathered(problems: Sequence[Problem]) -> list[Problem | Gathered]:
    """``problems`` in order, the types of GATHERED that occur more than once said once, where
    the first of them stood."""
    counts = Counter(p.type for p in problems if p.type in GATHERED)
    places: dict[str, list[str]] = {}
    said: list[Problem | str] = []
    for p in problems:
        if counts[p.type] > 1:
            if p.type not in places:
                places[p.type] = []
                said.append(p.type)
            places[p.type].append(p.where())
        else:
            said.append(p)
    first = {p.type: p for p in reversed(problems) if p.type in places}
    return [Gathered(first[item], tuple(places[item])) if isinstance(item, str) else item
            for item in said]


class Words(NamedTuple):
    """A parameter said in the officer's language: a figure's label, from the plan."""

    vi: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


@dataclass(frozen=True)
class Problem:
    """One finding: what, where, how serious."""

    type: str
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    code: str | None = None  # the data element concerned, if any
    line: int | None = None  # the line of a text file (a plan's YAML), where it is known
    params: dict[str, Any] = field(default_factory=dict, compare=False)
    stands_for: int = 1  # the problems this line counts (a file's unlisted ones), else 1

    def __post_init__(self) -> None:
        if self.type not in TEMPLATES:
            raise ValueError(f"unknown problem type {self.type!r}")

    @property
    def severity(self) -> Severity:
        return TEMPLATES[self.type][0]

    def message(self, lang: str = "vi") -> str:
        """The sentence; a value quoted from the input is cut, with "…", at MAX_QUOTED
        characters, so that the sentence stays readable whatever was typed in a cell."""
        _, vi, en = TEMPLATES[self.type]
        said = {key: value.get(lang) if isinstance(value, Words) else value
                for key, value in self.params.items()}
        params = {key: value[:MAX_QUOTED - 1] + "…"
                  if isinstance(value, str) and len(value) > MAX_QUOTED else value
                  for key, value in said.items()}
        return (en if lang == "en" else vi).format(**params)

    def where(self, lang: str = "vi") -> str:
        """`file › sheet › cell (code)`, as much of it as is known; `file › key (line 12)`
        in a YAML file."""
        parts = [p for p in (self.file, self.sheet, self.cell) if p]
        text = " › ".join(parts)
        if self.code:
            text = f"{text} ({self.code})" if text else self.code
        if self.line is not None:
            text += f" ({word('line', lang)} {self.line})"
        return text

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        return {
            "severity": self.severity,
            "type": self.type,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "code": self.code,
            "message": self.message(lang),
        }
