"""Words the officer reads, in Vietnamese (the default) and English.

Problem sentences live with their templates in :mod:`kh_treem.problems`; plan
texts come from the plan file. This is the rest: statuses, headings, sheet names.
"""

from __future__ import annotations

from datetime import date

LANGS = ("vi", "en")

STATUS = {
    "met": ("Đạt", "Met"),
    "not_met": ("Chưa đạt", "Not met"),
    "not_applicable": ("Không áp dụng", "Not applicable"),
    "no_data": ("Chưa có số liệu", "No data"),
}

WORDS = {
    "goal": ("Mục tiêu", "Goal"),
    "id": ("Chỉ tiêu", "Target"),
    "indicator": ("Nội dung", "Indicator"),
    "value": ("Kết quả", "Value"),
    "value_number": ("Giá trị (số)", "Value (number)"),
    "target": ("Kế hoạch", "Plan target"),
    "status": ("Đánh giá", "Status"),
    "reporting": ("Xã báo cáo", "Units reporting"),
    "missing": ("Xã thiếu số liệu", "Units missing"),
    "numerator": ("Tử số", "Numerator"),
    "denominator": ("Mẫu số", "Denominator"),
    "code": ("Mã", "Code"),
    "element": ("Số liệu", "Figure"),
    "total": ("Tổng", "Total"),
    "units_counted": ("Số xã có số liệu", "Units reporting it"),
    "severity": ("Mức độ", "Severity"),
    "file": ("Tệp", "File"),
    "sheet": ("Trang tính", "Sheet"),
    "cell": ("Ô", "Cell"),
    "line": ("dòng", "line"),
    "message": ("Nội dung", "Message"),
    "path": ("Đường dẫn", "Path"),
    "units": ("Xã", "Units"),
    "what_became": ("Xử lý", "Outcome"),
    "type": ("Loại", "Type"),
    "size": ("Kích thước (byte)", "Size (bytes)"),
    "problems": ("Các vấn đề trong số liệu", "Problems in the input"),
    "no_problems": ("Không có vấn đề gì trong số liệu.", "No problems in the input."),
    "met_line": ("{met}/{total} đạt", "{met}/{total} met"),
    "units_more": ("{units} và {count} xã khác", "{units} and {count} more"),
    "to_check": ("Cần kiểm tra", "To check"),
    "this_year": ("Năm nay", "This year"),
    "compared_with": ("So với", "Compared with"),
    "basis": ("Căn cứ so sánh", "Compared with what"),
    "last_year_of": ("số năm {year}", "the figure of {year}"),
    "median_of": ("trung vị của {count} xã", "the median of {count} communes"),
    "nothing_to_check": ("Không có số liệu nào khác thường cần kiểm tra lại. Số liệu được so"
                         " với năm trước khi có số liệu năm trước (rollup, hay --previous), và"
                         " tỷ lệ được so giữa các xã khi có từ 5 xã báo cáo.",
                         "No figure is unusual enough to check again. Figures are compared"
                         " with last year's when there are any (rollup, or --previous), and"
                         " rates between the communes when 5 or more reported."),
    "summary_closing": ("Tổng số: {met}/{total} chỉ tiêu đạt",
                        "In all: {met} of {total} targets met"),
    "summary_heading": ("BIỂU TỔNG HỢP KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
                        "SUMMARY OF THE RESULTS AGAINST THE TARGETS"),
    "gathered": ("{message} — {count} nơi: {places}", "{message} — {count} places: {places}"),
    "gathered_more": ("{message} — {count} nơi: {places} và {more} nơi khác",
                      "{message} — {count} places: {places} and {more} more"),
    "summary_written": ("Đã ghi bảng tổng hợp: {path}", "Summary workbook written: {path}"),
    "communes": ("xã", "communes"),
    "rollup_title": ("Kết quả thực hiện qua các năm", "Results across the years"),
    "change": ("Xu hướng", "Change"),
    "unit": ("Đơn vị tính", "Unit"),
    "horizon": ("Năm mục tiêu", "Horizon"),
    "first_year": ("Từ năm", "From"),
    "last_year": ("Đến năm", "To"),
    "ratio": ("Tỷ số tăng trưởng", "Growth ratio"),
    "projected": ("Dự báo", "Projected"),
    "band": ("Đánh giá tiến độ", "Progress"),
    "note": ("Ghi chú", "Note"),
    "capped": ("theo tốc độ này sẽ vượt {limit}; ghi mức tối đa {limit}",
               "at this pace it would pass {limit}; held at {limit}"),
    "rollup_legend": (
        "✓ đạt, ✗ chưa đạt, – không áp dụng, ? chưa có số liệu; * năm không có kế hoạch (chỉ có"
        " số liệu). Dự báo theo tốc độ tăng trưởng bình quân năm, như cách Open SDG đánh giá tiến"
        " độ các Mục tiêu phát triển bền vững (SDG) của Liên hợp quốc.",
        "✓ met, ✗ not met, – not applicable, ? no data; * a year without a plan (values only)."
        " Projections use the compound annual growth rate, the progress measure of Open SDG for"
        " the UN Sustainable Development Goals (SDG)."),
    "summary_book": ("bảng tổng hợp", "the summary workbook"),
    "trend_book": ("bảng xu hướng", "the trend workbook"),
    "trend_written": ("Đã ghi bảng xu hướng: {path}", "Trend workbook written: {path}"),
    "missing_line": ("Thiếu số liệu của {units} ở chỉ tiêu {ids}",
                     "No figures from {units} for {ids}"),
    "check_title": ("Kiểm tra số liệu", "Checking the submissions"),
    "year": ("Năm", "Year"),
    "values": ("Số liệu", "Values"),
    "units_missing_line": ("Chưa có số liệu của: {units}", "No submission from: {units}"),
    "sent_twice_line": ("{unit} gửi nhiều lần: {files}", "{unit} sent more than once: {files}"),
    "check_line": ("{files} tệp, {errors} lỗi, {warnings} cảnh báo",
                   "{files} files, {errors} errors, {warnings} warnings"),
    "since_last": ("So với lần trước", "Since last check"),
    "file_new": ("Mới", "New"),
    "file_changed": ("Đã thay đổi", "Changed"),
    "file_unchanged": ("Như lần trước", "Unchanged"),
    "gone_line": ("Không còn thấy (có ở lần kiểm tra trước): {files}",
                  "Gone since the last check: {files}"),
    "arrivals_line": ("; từ lần trước: {new} tệp mới, {changed} tệp đã thay đổi",
                      "; since the last check: {new} new, {changed} changed"),
    "persons": ("người", "persons"),
    "reduction": ("giảm", "reduction"),
    "title": ("Kết quả thực hiện", "Results of"),
    "error": ("Lỗi", "Error"),
    "warning": ("Cảnh báo", "Warning"),
    "notice": ("Lưu ý", "Notice"),
    "used": ("Đã dùng", "Used"),
    "skipped": ("Bỏ qua", "Skipped"),
    "rejected": ("Không dùng được", "Rejected"),
    "rows_left_out": ("… và {count} dòng nữa mà trang tính không chứa được (tối đa 1.048.576"
                      " dòng); xem đủ bằng --format json",
                      "… and {count} more rows than a sheet holds (1,048,576 at most);"
                      " --format json has them all"),
    # The report to the People's Committee (kh-treem report, report.py).
    "report_book": ("báo cáo", "the report"),
    "report_written": ("Đã ghi báo cáo: {path}", "Report written: {path}"),
    "plan_book": ("bảng kế hoạch", "the plan workbook"),
    "plan_yaml_book": ("tệp kế hoạch", "the plan file"),
    "plan_written": ("Đã ghi kế hoạch: {path}", "Plan written: {path}"),
    "plan_valid": ("Kế hoạch hợp lệ: {id}, năm {year}: {targets} chỉ tiêu, {elements} số liệu,"
                   " {units} xã.", "The plan is valid: {id}, {year}: {targets} targets,"
                   " {elements} elements, {units} units."),
    "plan_invalid": ("{errors} lỗi: kế hoạch chưa dùng được.",
                     "{errors} errors: the plan cannot be used."),
    "plan_unusable": ("Tệp kế hoạch không dùng được", "The plan file cannot be used"),
    "plan_errors": ("{count} lỗi", "{count} errors"),
    "plan_invalid_one": ("1 lỗi: kế hoạch chưa dùng được.", "1 error: the plan cannot be used."),
    "plan_text_too_long": ("Không ghi được bảng tính: một ô chứa nhiều nhất {limit} ký tự,"
                           " mà {where} dài hơn; rút ngắn trong tệp kế hoạch",
                           "The workbook cannot be written: a cell holds at most {limit}"
                           " characters, and {where} is longer; shorten it in the plan file"),
    "horizon_unusable": ("Tệp mục tiêu không dùng được", "The horizon file cannot be used"),
    "report_number": ("Số: ....../BC-...", "No.: ....../BC-..."),
    "report_title": ("BÁO CÁO", "REPORT"),
    "report_subtitle": ("Kết quả thực hiện {title}", "Results of the {title}"),
    "report_intro": ("Căn cứ số liệu các xã gửi về, kết quả thực hiện các chỉ tiêu của kế hoạch"
                     " năm {year} như sau:",
                     "From the figures the communes sent, the targets of the plan for {year}"
                     " stand as follows:"),
    "report_results": ("I. KẾT QUẢ THỰC HIỆN", "I. RESULTS"),
    "report_goal": ("{n}. Mục tiêu {goal}: {name}", "{n}. Goal {goal}: {name}"),
    "report_group_met": ("Các chỉ tiêu đạt ({count}/{total}):",
                         "Targets met ({count} of {total}):"),
    "report_group_not_met": ("Các chỉ tiêu chưa đạt ({count}/{total}):",
                             "Targets not met ({count} of {total}):"),
    "report_group_other": ("Chưa đánh giá được ({count}/{total}):",
                           "Not assessed ({count} of {total}):"),
    "report_at_least": ("từ {x} trở lên", "at least {x}"),
    "report_at_most": ("không quá {x}", "at most {x}"),
    "report_below": ("dưới {x}", "below {x}"),
    "report_met": ("{name} {value}, đạt chỉ tiêu {target}.",
                   "{name}: {value}, met (target {target})."),
    "report_not_met": ("{name} {value}, chưa đạt chỉ tiêu {target}.",
                       "{name}: {value}, not met (target {target})."),
    "report_not_applicable": ("{name}: không áp dụng, vì trong năm không phát sinh trường hợp"
                              " nào ({value}).",
                              "{name}: not applicable, as no case arose in the year ({value})."),
    "report_no_data": ("{name}: chưa có số liệu, không xã nào báo cáo đủ số liệu để tính.",
                       "{name}: no data, as no commune reported the figures it needs."),
    "report_without": (" (chưa có số liệu của {units})", " (without figures from {units})"),
    "report_overall": ("II. ĐÁNH GIÁ CHUNG", "II. OVERALL ASSESSMENT"),
    "report_tally": ("Năm {year}, {parts}.", "In {year}, {parts}."),
    "report_tally_met": ("đạt {met}/{total} chỉ tiêu của kế hoạch",
                         "{met} of the plan's {total} targets were met"),
    "report_tally_not_met": ("chưa đạt {count} chỉ tiêu", "{count} not met"),
    "report_tally_not_applicable": ("{count} chỉ tiêu không áp dụng", "{count} not applicable"),
    "report_tally_no_data": ("{count} chỉ tiêu chưa có số liệu", "{count} without data"),
    "report_not_met_ids": ("Các chỉ tiêu chưa đạt: {ids}.", "Targets not met: {ids}."),
    "report_units_all": ("Cả {count} xã đã gửi số liệu: {units}.",
                         "All {count} communes sent their figures: {units}."),
    "report_units_some": ("{reported}/{count} xã đã gửi số liệu ({units}); chưa có số liệu"
                          " của {missing}.",
                          "{reported} of {count} communes sent their figures ({units});"
                          " none came from {missing}."),
    "report_units_none": ("Chưa có số liệu của xã nào ({missing}).",
                          "No commune has sent figures ({missing})."),
    "report_units_partial": ("Chỉ tiêu {ids} chưa có số liệu của {units}.",
                             "Targets {ids} lack the figures of {units}."),
    "report_clean": ("Số liệu các xã gửi về không có lỗi hay cảnh báo nào.",
                     "The figures the communes sent show no error and no warning."),
    "report_problems": ("Số liệu còn {counts} cần các xã kiểm tra, bổ sung.",
                        "The figures still have {counts} for the communes to check."),
    "report_errors_left_out": ("Số liệu có lỗi không được tính vào kết quả trên.",
                               "Figures in error are left out of the results above."),
    "report_errors": ("{count} lỗi", "{count} errors"),
    "report_warnings": ("{count} cảnh báo", "{count} warnings"),
    "report_and": ("{first} và {second}", "{first} and {second}"),
    "report_error_files": ("Các tệp có lỗi: {files}.", "Files with errors: {files}."),
    "report_more_files": ("{files} và {count} tệp khác", "{files} and {count} more"),
    "report_none": ("không có trường hợp nào", "none"),
    "report_recipients": ("Nơi nhận:", "Recipients:"),
    "report_archive": ("- Lưu: VT.", "- Archive."),
    "report_appendix": ("PHỤ LỤC", "APPENDIX"),
    "report_appendix_title": ("Kết quả thực hiện các chỉ tiêu năm {year}",
                              "Results of the targets, {year}"),
    "report_appendix_note": ("(Kèm theo Báo cáo số ....../BC-... ngày ...... tháng {month} năm"
                             " {year})",
                             "(Attached to report No. ....../BC-... of ...... {month_name}"
                             " {year})"),
    "national_target": ("Mục tiêu quốc gia", "National target"),
    "national_target_of": ("Mục tiêu quốc gia {year}", "National target {year}"),
    "plan_of_year": ("Kế hoạch năm", "Plan target of the year"),
    "pace_ratio": ("Tốc độ thực tế / tốc độ cần đạt", "Actual pace / pace needed"),
    "commune_share": ("tỷ lệ xã", "share of communes"),
    "chart_data": ("Số liệu vẽ biểu đồ (mục tiêu quốc gia theo Quyết định 23/QĐ-TTg, vẽ thành"
                   " đường ngang qua các năm)",
                   "Data of the charts (national targets of Decision 23/QĐ-TTg, drawn as"
                   " level lines across the years)"),
}

CHANGE = {
    "better": ("tốt lên", "better"),
    "worse": ("xấu đi", "worse"),
    "unchanged": ("không đổi", "unchanged"),
}

BAND = {
    "achieved": ("đã đạt", "achieved"),
    "on_track": ("đúng tiến độ", "on track"),
    "needs_acceleration": ("cần đẩy nhanh", "needs acceleration"),
    "limited_progress": ("tiến bộ chậm", "limited progress"),
    "deterioration": ("xấu đi", "deterioration"),
    "not_achieved": ("không đạt", "not achieved"),
    "insufficient_data": ("chưa đủ số liệu", "insufficient data"),
}

# Sheets of the summary workbook, by role.
SHEETS = {
    "district": ("Tổng hợp", "District"),
    "by_unit": ("Theo xã", "By commune"),
    "counts": ("Số liệu cộng", "Summed counts"),
    "problems": ("Vấn đề", "Problems"),
    "to_check": ("Cần kiểm tra lại", "To check again"),
    "files": ("Tệp đã đọc", "Files read"),
    "outlook": ("Dự báo", "Outlook"),
}

# The header block and closing of a Vietnamese administrative document (Nghị định
# 30/2020/NĐ-CP): the national name and motto on the right, above the place and date.
DOCUMENT = {
    "national_name": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM"),
    "motto": ("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"),
    # The day is left for the hand that signs; the month and year are those of writing.
    "place_date": ("{place}, ngày ...... tháng {month} năm {year}",
                   "{place}, ...... {month_name} {year}"),
    "signature": ("(Ký, ghi rõ họ tên)", "(Signature and full name)"),
}
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


def document_word(key: str, lang: str) -> str:
    return pick(DOCUMENT[key], lang)


def place_date(place: str, when: date, lang: str) -> str:
    """"Ia H’Drai, ngày ...... tháng 12 năm 2026": the line above a document's title."""
    return document_word("place_date", lang).format(
        place=place, month=when.month, month_name=MONTH_NAMES[when.month - 1], year=when.year)


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def word(key: str, lang: str) -> str:
    return pick(WORDS[key], lang)


def status_label(status: str, lang: str) -> str:
    return pick(STATUS[status], lang)


def change_label(change: str, lang: str) -> str:
    return pick(CHANGE[change], lang)


def band_label(band: str, lang: str) -> str:
    return pick(BAND[band], lang)


def sheet_name(role: str, lang: str) -> str:
    return pick(SHEETS[role], lang)
