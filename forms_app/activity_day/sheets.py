"""委员活动日 statistics as spreadsheets in the paper table's layout: the two-level header (merged
cells), the roll-up, a unit's blank table to send out, and reading those tables back in.

An import is all or nothing, like the roster's: every sheet and row is read and checked first;
any error, and nothing is written.
"""

import io
import re

import openpyxl
from django.db import transaction
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from lianxin_site.db import locked_row
from lianxin_site.spreadsheet import safe_cell, sheet_title
from lianxin_site.uploads import UploadRejected, check_xlsx

from . import rules
from .models import StatsImport, TableVariant

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
UNIT_HEADING = "填表单位"
# A workbook of units' tables: a sheet (a few dozen rows) per unit, a hundred units at most.
MAX_UNPACKED = 64 * 1024 * 1024
MAX_ROWS = 20_000
TOTAL = "合计"
# The roll-up's sheets that are not a table of numbers: skipped when the roll-up is imported back.
SUMMARY_SHEET = "工作小结"
UPLOADS_SHEET = "动态上传情况"


def _variant_of(units):
    variants = {unit.variant for unit in units}
    return variants.pop() if len(variants) == 1 else None


def _date_label(value):
    return f"{value.year}年{value.month}月{value.day}日" if value else "        年    月    日"


def write_table(sheet, title, unit_line, variant, rows, with_unit=False, extra=None):
    """Write one table: title, 填表单位 line, the two header rows, then `rows` (lists of cells).
    `with_unit` adds the 填表单位 column first; `extra` a last column (e.g. 报送情况)."""
    offset = 1 if with_unit else 0
    columns = offset + len(rules.COUNT_FIELDS) + (1 if extra else 0)
    last = get_column_letter(columns)
    sheet.append([title])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(size=14, bold=True)
    sheet["A1"].alignment = CENTER
    sheet.append([unit_line])
    sheet.merge_cells(f"A2:{last}2")

    top, sub = 3, 4
    col = 1
    if with_unit:
        sheet.cell(top, col, UNIT_HEADING)
        sheet.merge_cells(start_row=top, start_column=col, end_row=sub, end_column=col)
        col += 1
    for field in rules.LEADING_FIELDS:
        sheet.cell(top, col, rules.heading(field, variant))
        sheet.merge_cells(start_row=top, start_column=col, end_row=sub, end_column=col)
        col += 1
    sheet.cell(top, col, rules.KIND_GROUP)
    sheet.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + len(rules.KIND_FIELDS) - 1)
    for field, _category in rules.KIND_FIELDS:
        sheet.cell(sub, col, rules.heading(field, variant))
        col += 1
    for field in rules.TRAILING_FIELDS:
        sheet.cell(top, col, rules.heading(field, variant))
        sheet.merge_cells(start_row=top, start_column=col, end_row=sub, end_column=col)
        col += 1
    if extra:
        sheet.cell(top, col, extra)
        sheet.merge_cells(start_row=top, start_column=col, end_row=sub, end_column=col)
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    for row in sheet.iter_rows(min_row=top, max_row=sheet.max_row, max_col=columns):
        for cell in row:
            cell.border = BOX
            cell.alignment = CENTER
    for index in range(1, columns + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 16 if (with_unit and index == 1) else 12
    sheet.row_dimensions[top].height = 60
    sheet.row_dimensions[sub].height = 110
    sheet.freeze_panes = sheet.cell(sub + 1, offset + 1)
    # Sixteen to eighteen columns: print landscape, one page wide, the header on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{top}:{sub}"


def _counts(report):
    return [getattr(report, field) for field in rules.COUNT_FIELDS] if report else [None] * len(rules.COUNT_FIELDS)


def rollup_xlsx(day):
    """The roll-up: one row per unit (blank where not reported), then the totals."""
    summary = rules.roll_up(day)
    units = [row["unit"] for row in summary["rows"]]
    rows = [[row["unit"].name, *_counts(row["report"]), row["status"]] for row in summary["rows"]]
    rows.append(
        [
            TOTAL,
            *[summary["totals"][field] for field in rules.COUNT_FIELDS],
            f"已报 {len(units) - len(summary['missing'])} / {len(units)}",
        ]
    )
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "汇总"
    write_table(
        sheet,
        f"{day.name}：委员工作室开展委员活动日情况统计表（汇总）",
        f"活动主题：{day.theme}　　活动日期：{_date_label(day.date)}　　报送截止：{_date_label(day.deadline)}",
        _variant_of(units),
        rows,
        with_unit=True,
        extra="报送情况",
    )
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    _summary_sheet(workbook.create_sheet(SUMMARY_SHEET), day, summary["rows"])
    _uploads_sheet(workbook.create_sheet(UPLOADS_SHEET), day, summary)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _summary_sheet(sheet, day, rows):
    """Each unit's 工作小结 (or 小结未报 / 未报送) and its attachments' names."""
    sheet.append([f"{day.name}：各单位工作小结"])
    sheet.append([UNIT_HEADING, "工作小结", "附件"])
    for row in rows:
        report = row["report"]
        names = "、".join(a.original_name for a in report.attachments.all()) if report else ""
        sheet.append([safe_cell(v) for v in (row["unit"].name, row["summary"] or row["status"], names)])
    _box(sheet, top=2, widths=(18, 90, 30))


def _uploads_sheet(sheet, day, summary):
    """Every station of every unit: 按时/逾期/未上传 and the date, then the totals."""
    deadline = rules.upload_deadline(day)
    sheet.append([f"{day.name}：委员工作室上传“动态”情况（截止 {_date_label(deadline)}，含当天）"])
    sheet.append([UNIT_HEADING, "委员工作室", "上传情况", "上传日期"])
    for row in summary["rows"]:
        for entry in row["stations"]:
            sheet.append([safe_cell(row["unit"].name), safe_cell(entry.station.title), entry.status, entry.uploaded_on])
    totals = "，".join(f"{name} {count} 家" for name, count in summary["upload_totals"].items())
    sheet.append([TOTAL, "（每家工作室只算一次）", totals, None])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    _box(sheet, top=2, widths=(18, 30, 30, 14))
    for (cell,) in sheet.iter_rows(min_row=3, min_col=4, max_col=4):
        cell.number_format = "yyyy-mm-dd"


def _box(sheet, top, widths):
    sheet["A1"].font = Font(size=14, bold=True)
    for cell in sheet[top]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=top, max_row=sheet.max_row, max_col=len(widths)):
        for cell in row:
            cell.border = BOX
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def unit_xlsx(day, unit, report=None):
    """A unit's table in the paper layout: blank to send out, or filled with its report."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(unit.name)
    reported = report.reported_on if report else None
    write_table(
        sheet,
        rules.title(unit.variant),
        f"填表单位：{unit.name}　　盖章　　　　报表时间：{_date_label(reported)}",
        unit.variant,
        [_counts(report) if report else [""] * len(rules.COUNT_FIELDS)],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading tables back


def _norm(text):
    text = str(text or "")
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）").replace('"', "“")


class SheetError(Exception):
    pass


def _expected(field):
    return {_norm(name) for name in rules.heading_variants(field)}


def _read_sheet(sheet):
    """[(line, unit name, counts)] from one sheet in either layout; SheetError if it is not one."""
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    top = next((i for i, row in enumerate(cells[:10]) if any(_norm(v) == rules.KIND_GROUP for v in row)), None)
    if top is None or top + 1 >= len(cells):
        raise SheetError(f"工作表“{sheet.title}”没有找到“{rules.KIND_GROUP}”表头，不是委员活动日统计表。")
    header, sub = cells[top], cells[top + 1]
    with_unit = _norm(header[0]) == UNIT_HEADING
    offset = 1 if with_unit else 0
    for index, field in enumerate(rules.COUNT_FIELDS):
        column = offset + index
        in_group = len(rules.LEADING_FIELDS) <= index < len(rules.LEADING_FIELDS) + len(rules.KIND_FIELDS)
        found = (sub if in_group else header)[column] if column < len(header) else None
        if _norm(found) not in _expected(field):
            raise SheetError(
                f"工作表“{sheet.title}”第 {top + (2 if in_group else 1)} 行第 {get_column_letter(column + 1)} 列的表头应为"
                f"“{rules.heading(field, TableVariant.COMMITTEE)}”，现在是“{found or ''}”。"
            )
    unit_name = None
    if not with_unit:
        for row in cells[:top]:
            for value in row:
                match = re.search(r"填表单位[:：]\s*([^\s　盖]+)", str(value or ""))
                if match:
                    unit_name = match.group(1)
        if not unit_name:
            raise SheetError(f"工作表“{sheet.title}”没有写明“填表单位：”。")
    rows = []
    for line, row in enumerate(cells[top + 2 :], start=top + 3):
        values = list(row) + [None] * (offset + len(rules.COUNT_FIELDS) - len(row))
        if all(v in (None, "") for v in values[: offset + len(rules.COUNT_FIELDS)]):
            continue
        name = str(values[0]).strip() if with_unit else unit_name
        if with_unit and _norm(name) == TOTAL:
            break
        counts = dict(zip(rules.COUNT_FIELDS, values[offset : offset + len(rules.COUNT_FIELDS)], strict=True))
        if all(value in (None, "") for value in counts.values()):
            continue  # a unit listed in the roll-up that has not reported: nothing to import
        rows.append((line, name, counts))
        if not with_unit:
            break
    return rows


def read_workbook(content, day):
    """(rows, errors): rows [{sheet, line, unit_id, unit, counts}] ready to import, and errors
    [{sheet, line, column, message}] in Chinese. Rows are only usable if errors is empty."""
    if content.startswith(b"PK\x03\x04"):  # a zip archive, as .xlsx files are
        try:  # before openpyxl reads it: a small archive can unpack to gigabytes
            check_xlsx(content, max_unpacked=MAX_UNPACKED, max_rows=MAX_ROWS)
        except UploadRejected as exc:
            return [], [{"sheet": "", "line": None, "column": "", "message": str(exc)}]
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a file that is not xlsx
        return [], [
            {"sheet": "", "line": None, "column": "", "message": "无法读取这个文件：请上传 .xlsx 格式的统计表。"}
        ]
    units = {unit.name: unit for unit in day.units.all()}
    rows, errors, seen = [], [], {}
    for sheet in workbook.worksheets:
        if sheet.title in (SUMMARY_SHEET, UPLOADS_SHEET):
            continue
        try:
            found = _read_sheet(sheet)
        except SheetError as exc:
            errors.append({"sheet": sheet.title, "line": None, "column": "", "message": str(exc)})
            continue
        for line, name, counts in found:
            where = {"sheet": sheet.title, "line": line}
            unit = units.get(name)
            if unit is None:
                errors.append({**where, "column": UNIT_HEADING, "message": f"“{name}”不是{day.name}的填报单位。"})
                continue
            if unit.pk in seen:
                errors.append(
                    {
                        **where,
                        "column": UNIT_HEADING,
                        "message": f"{name}的报表在工作表“{seen[unit.pk][0]}”第 {seen[unit.pk][1]} 行已经出现过。",
                    }
                )
                continue
            seen[unit.pk] = (sheet.title, line)
            for field, messages in rules.check_counts(counts).items():
                column = rules.heading(field, unit.variant) if field else "整行"
                for message in messages:
                    errors.append({**where, "column": column, "message": message})
            counts = {field: rules.as_count(value) for field, value in counts.items()}
            rows.append({**where, "unit_id": unit.pk, "unit": name, "counts": counts})
    if not rows and not errors:
        errors.append({"sheet": "", "line": None, "column": "", "message": "文件里没有找到任何单位的统计数字。"})
    return rows, errors


def preview_import(day, user, content, filename):
    rows, errors = read_workbook(content, day)
    existing = set(day.reports.values_list("unit_id", flat=True))
    for row in rows:
        row["replaces"] = row["unit_id"] in existing
        row["cells"] = [row["counts"][field] for field in rules.COUNT_FIELDS]
    return StatsImport.objects.create(
        day=day,
        uploaded_by=user,
        original_name=filename[:255],
        rows=rows,
        errors=errors,
        status=StatsImport.Status.INVALID if errors else StatsImport.Status.PREVIEWED,
    )


@transaction.atomic
def confirm_import(stats_import, user):
    """Write every previewed row, or none (the checks run again inside the transaction)."""
    stats_import = locked_row(StatsImport.objects, pk=stats_import.pk)
    if stats_import.status != StatsImport.Status.PREVIEWED:
        raise rules.StatsError("这份文件已经导入过，或有错误不能导入。")
    day = stats_import.day
    units = {unit.pk: unit for unit in day.units.all()}
    for row in stats_import.rows:
        unit = units.get(row["unit_id"])
        if unit is None:
            raise rules.StatsError(f"{row['unit']}已不在本次活动日的填报单位中，请重新上传。")
        rules.save_report(day, unit, user, row["counts"], via_import=True)
    stats_import.status = StatsImport.Status.IMPORTED
    stats_import.save(update_fields=["status"])
    return len(stats_import.rows)
