"""The 签到表 of a street-group activity as a spreadsheet: a sheet prefilled with the activity's
attendance, and its import (issue 16 item 12).

Columns, exactly (序号 is allowed and not read):

委员证号   required; on the roster, once in the file. A member from outside the group who came may
           be listed: the row adds them to the activity.
姓名       must be the roster's name for that 委员证号 (catches a mistyped code).
出席情况   出席, 请假 or 缺席; required.
角色       free text, at most 30 characters (主持, 发言, 组织 … : the 履职档案 reads these words).

One service, `import_sign_in()`, serves the preview (dry run) and 确认导入: every row is checked, each
is new, changed or unchanged against the recorded attendance, and with any bad row nothing is
written. Members not in the file keep what is recorded. Writing is
street_activities.record_attendance, all rows at once, under the activity's lock."""

import io
from dataclasses import dataclass

import openpyxl
from django.conf import settings
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from lianxin_site.imports import (
    ImportReport,
    SheetFileError,
    cell_text,
    check_headers,
    confirm_upload,
    find_table,
    formula_messages,
    xlsx_rows,
)
from lianxin_site.spreadsheet import cell_value, sheet_title, unsafe_cell
from people.models import Member

from . import street_activities
from .models import SignInImport, StreetAttendance, StreetGroupActivity
from .street_activities import PRESENCE_LABEL, PRESENCE_OF, ROLE_MAX

COLUMNS = ("委员证号", "姓名", "出席情况", "角色")
IGNORED = ("序号",)
HINT = "请上传这次活动的签到表（Excel .xlsx），可先下载签到表模板填写。"
MAX_ROWS = 2000  # one activity: a group has some 20 members, the whole roster some 500


def max_upload_bytes():
    return settings.SIGN_IN_UPLOAD_MAX_BYTES


def blank_sheet(activity):
    """The 签到表 of `activity` as .xlsx bytes: 序号 and the columns, one row per member recorded
    (the invitees, 出席 by default), drop-down lists for 出席情况; it imports back as it is."""
    rows = activity.attendance.select_related("member").order_by("member__code")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(f"签到表 {activity.title}")
    sheet.append(["序号", *COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, 1):
        values = (row.member.code, row.member.name, PRESENCE_LABEL[row.presence], row.role)
        sheet.append([number, *(cell_value(v) for v in values)])
        sheet.cell(row=sheet.max_row, column=2).number_format = "@"  # keep the 0 of 0456
    last = max(sheet.max_row, 2) + 100
    validation = DataValidation(type="list", formula1='"' + ",".join(PRESENCE_OF) + '"', allow_blank=True)
    validation.error = f"请从列表中选择：{'、'.join(PRESENCE_OF)}"
    validation.add(f"D2:D{last}")
    sheet.add_data_validation(validation)
    for row in range(sheet.max_row + 1, last + 1):
        sheet.cell(row=row, column=2).number_format = "@"
    for column, width in zip("ABCDE", (6, 14, 12, 12, 20), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_filename(activity):
    return f"签到表-{activity.date:%Y%m%d}-{activity.title}.xlsx"


@dataclass
class Line:
    line: int
    member: Member
    presence: str
    role: str


def _read(data):
    rows, formulas = xlsx_rows(data, max_rows=MAX_ROWS)
    table = find_table(rows)
    if table is None:
        raise SheetFileError("文件是空的，没有任何内容。" + HINT)
    check_headers(table.header, table.header_line, COLUMNS, ignored=IGNORED, hint=HINT)
    return table, formulas


def _check(table, formulas):
    """(lines, errors): each row as a Line, or every problem as 第 N 行「列」：原因."""
    errors = formula_messages(formulas, table, COLUMNS)
    index = {name: i for i, name in enumerate(table.header) if name}
    read = []
    for line, row in zip(table.lines, table.rows, strict=True):
        cells = {name: unsafe_cell(cell_text(row[index[name]] if index[name] < len(row) else None)) for name in COLUMNS}
        read.append((line, cells))
    codes = {cells["委员证号"] for _line, cells in read if cells["委员证号"]}
    roster = {m.code: m for m in Member.objects.filter(code__in=codes).only("pk", "code", "name")}
    seen, lines = {}, []
    for line, cells in read:
        problems = []

        def add(column, message, line=line, problems=problems):
            problems.append(f"第 {line} 行「{column}」：{message}")

        code = cells["委员证号"]
        member = roster.get(code)
        if not code:
            add("委员证号", "请填写委员证号")
        elif member is None:
            add("委员证号", f"名册中没有 {code}")
        else:
            if cells["姓名"].replace(" ", "") != member.name.replace(" ", ""):
                add("姓名", f"“{cells['姓名'] or '（空）'}”与委员证号 {code} 不符，名册中是“{member.name}”")
            if code in seen:
                add("委员证号", f"{code}（{member.name}）在第 {seen[code]} 行已经出现，同一位委员只能登记一次")
            seen.setdefault(code, line)
        presence = PRESENCE_OF.get(cells["出席情况"])
        if not cells["出席情况"]:
            add("出席情况", "请填写出席、请假或缺席")
        elif presence is None:
            add("出席情况", f"无法识别“{cells['出席情况']}”，应为{'、'.join(PRESENCE_OF)}之一")
        if len(cells["角色"]) > ROLE_MAX:
            add("角色", f"不能超过 {ROLE_MAX} 个字（现有 {len(cells['角色'])} 个字）")
        errors += problems
        if not problems:
            lines.append(Line(line, member, presence, cells["角色"]))
    return lines, errors


def import_sign_in(activity, data, user, dry_run=True):
    """Check (and unless `dry_run`, record) a 签到表 of `activity`. Returns an ImportReport (新增,
    更新, 无变化 and the changed rows); raises SheetFileError when the file cannot be read as one."""
    table, formulas = _read(data)
    report = ImportReport(total=len(table.rows), dry_run=dry_run)
    lines, report.errors = _check(table, formulas)
    if report.errors:
        return report
    recorded = {a.member_id: a for a in StreetAttendance.objects.filter(activity=activity)}
    to_write = []
    for item in lines:
        before = recorded.get(item.member.pk)
        if before is not None and (before.presence, before.role) == (item.presence, item.role):
            report.unchanged += 1
            continue
        change = {
            "line": item.line,
            "code": item.member.code,
            "name": item.member.name,
            "presence": PRESENCE_LABEL[item.presence],
            "role": item.role,
            "type": "new" if before is None else "changed",
            "was": "" if before is None else f"{PRESENCE_LABEL[before.presence]} {before.role}".strip(),
        }
        report.changes.append(change)
        to_write.append(item)
    report.created = sum(1 for c in report.changes if c["type"] == "new")
    report.updated = len(report.changes) - report.created
    if not dry_run and to_write:
        try:
            street_activities.record_attendance(user, activity.pk, [(i.member, i.presence, i.role) for i in to_write])
        except street_activities.rules.StationError as exc:  # deleted or no longer the user's
            report.created = report.updated = 0
            report.errors.append(str(exc))
    return report


def confirm_import(record_id, user):
    """确认导入 of a kept upload, once (confirm_upload claims it first). Returns (record, report)."""
    record = SignInImport.objects.get(pk=record_id)

    def run(data, original_name):
        activity = StreetGroupActivity.objects.filter(pk=record.activity_id).first()
        if activity is None:
            raise SheetFileError(street_activities.NOT_FOUND)
        return import_sign_in(activity, data, user, dry_run=False)

    return confirm_upload(SignInImport, record_id, run, "这份签到表")
