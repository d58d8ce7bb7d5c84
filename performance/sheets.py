"""The 签到表 of a 履职活动 as a spreadsheet (seed 000: 出勤登记与发挥的作用「录入委员履职量化记分
系统」): a blank sheet prefilled with the invitees, and its import.

Columns, exactly: 序号, 委员证号, 姓名, 出勤情况, 发挥的作用, 备注.

序号        not read.
委员证号    required; the member must be on the roster, once in the file.
姓名        must be the name the roster gives that 委员证号 (a check against a mistyped code).
出勤情况    出席, 请假, 缺席 or 自行开展; 请假 needs an approved 请假申请 (rules.participation_error,
            the same rule as the form). A row left blank here is not read (nothing recorded for
            that member: an invitee without attendance counts as 缺席 in the ledger anyway).
发挥的作用  主持, 发言, 组织 or 参加; blank is 参加.
备注        at most 200 characters.

One service, `import_sign_in()`, serves the preview (dry run) and 确认导入: every row is checked,
each is new, changed or unchanged against the recorded Participation, and with any problem
nothing is written. Writing goes through rules.record_participation(..., via_import=True), all
rows at once, so the import takes the same lock and the same checks as the form."""

import io
from dataclasses import dataclass

import openpyxl
from django.conf import settings
from django.utils import timezone
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
from lianxin_site.spreadsheet import cell_value, sheet_title
from people.models import Member

from . import rules
from .models import ACTIVITY_ROLES, Participation, Role, SignInImport, Status

COLUMNS = ("序号", "委员证号", "姓名", "出勤情况", "发挥的作用", "备注")
HINT = "请上传这次活动的签到表（Excel .xlsx），可先下载空白签到表填写。"
STATUS_OF = {str(label): value for value, label in Status.choices}
ROLE_OF = {str(role.label): role.value for role in ACTIVITY_ROLES}
STATUS_LABEL = {value: label for label, value in STATUS_OF.items()}
ROLE_LABEL = {value: label for label, value in ROLE_OF.items()}
NOTE_LIMIT = 200
MAX_ROWS = 5000  # a sheet is one activity: the whole roster is some 500 rows


def max_upload_bytes():
    return settings.SIGN_IN_UPLOAD_MAX_BYTES


# ---------------------------------------------------------------------------
# The blank sheet


def blank_sheet(activity):
    """The 签到表 of `activity` as .xlsx bytes: one row per invitee (rules.invitees), in 委员证号
    order, with what is already recorded, or 请假 where the member's leave was approved; drop-down
    lists for 出勤情况 and 发挥的作用. The header is the first line, so the file imports back as it is."""
    recorded = {p.member_id: p for p in Participation.objects.filter(activity=activity)}
    leave = rules.approved_leave(activity)
    members = rules.invitees(activity).order_by("code").only("pk", "code", "name")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(f"签到表 {activity.name}")
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, member in enumerate(members, 1):
        p = recorded.get(member.pk)
        if p is not None:
            status, role, note = STATUS_LABEL[p.status], ROLE_LABEL.get(p.role, ""), p.note
        else:
            status, role, note = ("请假" if member.pk in leave else ""), "", ""
        sheet.append([number, *(cell_value(v) for v in (member.code, member.name, status, role, note))])
        sheet.cell(row=sheet.max_row, column=2).number_format = "@"  # keep the 0 of 0015
    last = max(sheet.max_row, 2) + 200  # room for members who came without an invitation
    for column, words in (("D", STATUS_OF), ("E", ROLE_OF)):
        validation = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True)
        validation.error = f"请从列表中选择：{'、'.join(words)}"
        validation.add(f"{column}2:{column}{last}")
        sheet.add_data_validation(validation)
    for column, width in zip("ABCDEF", (6, 14, 12, 12, 12, 30), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_filename(activity):
    return f"签到表-{timezone.localtime(activity.start):%Y%m%d}-{activity.name}.xlsx"


# ---------------------------------------------------------------------------
# The import


@dataclass
class SignInReport(ImportReport):
    skipped: int = 0  # rows whose 出勤情况 was left blank


@dataclass
class Row:
    line: int
    member: Member
    status: str
    role: str
    note: str


def _read(data):
    rows, formulas = xlsx_rows(data, max_rows=MAX_ROWS)
    table = find_table(rows)
    if table is None:
        raise SheetFileError("文件是空的，没有任何内容。" + HINT)
    check_headers(table.header, table.header_line, COLUMNS, hint=HINT)
    return table, formulas


def _cells(table, row):
    index = {name: i for i, name in enumerate(table.header) if name}
    return {name: cell_text(row[index[name]]) if index[name] < len(row) else "" for name in COLUMNS}


def _check(activity, table, formulas):
    """(rows, skipped, errors): the rows to record as Row, in line order, or every problem."""
    errors = formula_messages(formulas, table, COLUMNS)
    read = [(line, _cells(table, row)) for line, row in zip(table.lines, table.rows, strict=True)]
    codes = {cells["委员证号"] for _line, cells in read if cells["委员证号"]}
    roster = {m.code: m for m in Member.objects.filter(code__in=codes).only("pk", "code", "name")}
    leave = rules.approved_leave(activity)
    # Only the activity's invitees (and those already recorded for it): a sheet cannot reach, or
    # name, a member the activity does not concern.
    concerned = set(rules.invitees(activity).values_list("pk", flat=True))
    concerned |= set(activity.participations.values_list("member_id", flat=True))
    seen, rows, skipped = {}, [], 0
    for line, cells in read:
        problems = []

        def add(column, message, line=line, problems=problems):
            problems.append(f"第 {line} 行「{column}」：{message}")

        code, status_text, role_text = cells["委员证号"], cells["出勤情况"], cells["发挥的作用"]
        member = roster.get(code)
        if not code:
            add("委员证号", "请填写委员证号")
        elif member is None:
            add("委员证号", f"{code} 不在名册中")
        elif member.pk not in concerned:
            if status_text:  # a row left blank is not read, whoever it names
                add("委员证号", f"{code} 不在这次活动的邀请名单中；如确有其人参加，请先在履职活动里加入邀请")
            member = None
        else:
            if cells["姓名"].replace(" ", "") != member.name.replace(" ", ""):
                add("姓名", f"“{cells['姓名'] or '（空）'}”与委员证号 {code} 不符，名册中是“{member.name}”")
            if code in seen:
                add("委员证号", f"{code}（{member.name}）在第 {seen[code]} 行已经出现，同一位委员只能登记一次")
            seen.setdefault(code, line)
        status = STATUS_OF.get(status_text)
        if status_text and status is None:
            add("出勤情况", f"无法识别“{status_text}”，应为{'、'.join(STATUS_OF)}之一")
        role = ROLE_OF.get(role_text, Role.ATTEND if not role_text else None)
        if role is None:
            add("发挥的作用", f"无法识别“{role_text}”，应为{'、'.join(ROLE_OF)}之一")
        if len(cells["备注"]) > NOTE_LIMIT:
            add("备注", f"不能超过 {NOTE_LIMIT} 字（现有 {len(cells['备注'])} 字）")
        if member is not None and status and (error := rules.participation_error(activity, member.pk, status, leave)):
            add("出勤情况", error)
        errors += problems
        if not problems and status is None:
            skipped += 1
        elif not problems:
            rows.append(Row(line, member, status, role, cells["备注"]))
    return rows, skipped, errors


def import_sign_in(activity, data, user, dry_run=True, filename="", now=None):
    """Check (and unless `dry_run`, record) a 签到表 of `activity`. Returns a SignInReport; raises
    SheetFileError when the file cannot be read as a 签到表."""
    table, formulas = _read(data)
    report = SignInReport(total=len(table.rows), dry_run=dry_run)
    if refusal := rules.attendance_refusal(activity, now):
        report.errors.append(refusal)
        return report
    rows, report.skipped, report.errors = _check(activity, table, formulas)
    if report.errors:
        return report
    recorded = {p.member_id: p for p in Participation.objects.filter(activity=activity)}
    to_write = []
    for row in rows:
        before = recorded.get(row.member.pk)
        after = {"出勤情况": STATUS_LABEL[row.status], "发挥的作用": ROLE_LABEL[row.role], "备注": row.note}
        if before is None:
            change = {"type": "new", "changed": []}
        else:
            was = {
                "出勤情况": STATUS_LABEL[before.status],
                "发挥的作用": ROLE_LABEL.get(before.role, ""),
                "备注": before.note,
            }
            changed = [{"column": k, "old": was[k], "new": v} for k, v in after.items() if was[k] != v]
            if not changed:
                report.unchanged += 1
                continue
            change = {"type": "changed", "changed": changed}
        report.changes.append(
            {
                "line": row.line,
                "code": row.member.code,
                "name": row.member.name,
                "status": after["出勤情况"],
                "role": after["发挥的作用"],
                "note": row.note,
                **change,
            }
        )
        to_write.append(row)
    report.created = sum(1 for c in report.changes if c["type"] == "new")
    report.updated = len(report.changes) - report.created
    if not dry_run and to_write:
        try:
            rules.record_participation(
                activity, user, [(r.member, r.status, r.role, r.note) for r in to_write], via_import=True
            )
        except rules.PerformanceError as exc:  # frozen or changed since the preview: nothing written
            report.errors.append(str(exc))
    return report


def confirm_import(record_id, user):
    """确认导入 of a kept upload, once (confirm_upload claims it first). Returns (record, report)."""
    record = SignInImport.objects.select_related("activity").get(pk=record_id)

    def run(data, original_name):
        return import_sign_in(record.activity, data, user, dry_run=False, filename=original_name)

    return confirm_upload(SignInImport, record_id, run, "这份签到表")
