"""导入联系记录 (issue 15 item 6): the offices' spreadsheet of contact entries, one row per activity,
and its blank template.

Columns, exactly (a leading 序号 column is allowed and not read):

日期          the day of the contact: a date cell, or 2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日.
委员证号      who made the contact: one or more 委员证号 separated by 、 (a 主席班子集体走访 has
              several, each counted). Each must be on the roster and, for a 专委会工作室, among the
              members it is responsible for (rules.office_members). A 专委会走访 without a member
              maker is logged in the admin form, not imported.
方式          走访、电话、微信 or 座谈.
联系对象类别  applies to every 联系对象 of the row: 企事业单位、村（社区）、界别群众、社会群众、帮扶对象
              (units and citizens, kept as the first maker's 联系对象), or 委员 (then 联系对象 are
              委员证号 of the members contacted, anyone on the roster), or 街道活动小组 (then 联系对象
              names one 街道活动小组, or its street: S002-1).
联系对象      one or more names (or 委员证号) separated by 、; a citizen may be 「王女士」.
备注          at most 500 characters, no phone or id number of the public.

Every row becomes a rules.Entry (source 导入) checked by rules.check_entry, whose messages are put
under the sheet's own columns as `第 N 行「列」：…`; the sheet adds only what check_entry cannot know
(unreadable dates, unknown 委员证号 and street groups, the office's scope). With any problem nothing
is written. A row whose rules.fingerprint (date, makers, way, whom) is stored, or repeats an earlier
row of the file, is 已存在 and skipped: the same file imported twice writes nothing the second time.
Writing is rules.save_entries, all rows at once."""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

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
from lianxin_site.spreadsheet import import_template, unsafe_cell
from people.models import Member, StreetGroup

from . import rules
from .models import ContactImport, Source, TargetCategory, Way

COLUMNS = ("日期", "委员证号", "方式", "联系对象类别", "联系对象", "备注")
IGNORED = ("序号",)
HINT = "请上传联系记录表（Excel .xlsx），可先下载空白模板填写。"
MAX_ROWS = 20000
PREVIEW_ROWS = 50
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

WAY_OF = {str(label): value for value, label in Way.choices}
MEMBER_CATEGORY = "委员"
GROUP_CATEGORY = "街道活动小组"
TARGET_CATEGORY_OF = {str(label): value for value, label in TargetCategory.choices}
CATEGORY_WORDS = [*TARGET_CATEGORY_OF, MEMBER_CATEGORY, GROUP_CATEGORY]
CATEGORY_TEXT = "「联系对象类别」：应为" + "、".join(CATEGORY_WORDS[:-1]) + "或" + CATEGORY_WORDS[-1]
SEPARATORS = re.compile(r"[、，,；;]+")
CODE_SEPARATORS = re.compile(r"[、，,；;\s]+")
DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
OUT_OF_SCOPE = "不在本工作室负责的委员范围内"
NO_MAKER = "「联系对象」：没有联系人的记录"

# check_entry's fields → the sheet's columns.
COLUMN_OF = {"date": "日期", "way": "方式", "makers": "委员证号", "note": "备注", "is_forum": "方式", "": "联系对象"}


def max_upload_bytes():
    return getattr(settings, "CONTACTS_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


# ---------------------------------------------------------------------------
# The blank template


def blank_template():
    """The empty 联系记录表: drop-down lists for 方式 and 联系对象类别, dates as dates, 委员证号 as
    text (keeps the 0 of 0015), and the 填写说明."""
    return import_template(
        "联系记录",
        COLUMNS,
        guide=GUIDE,
        widths=(12, 20, 8, 14, 30, 40),
        lists=[("C", WAY_OF), ("D", CATEGORY_WORDS)],
        formats=[("A", "yyyy-mm-dd"), ("B", "@")],
        rows=2000,
    )


GUIDE = (
    ("日期", "联系的日期，如 2026-03-05；不能晚于今天，已出具半年报告的半年不能再导入。"),
    ("委员证号", "开展联系的委员；主席班子集体走访等多人同行时，用顿号“、”分隔多个委员证号，每人各计一次。"),
    ("方式", "走访、电话、微信或座谈。"),
    (
        "联系对象类别",
        "企事业单位、村（社区）、界别群众、社会群众、帮扶对象；联系委员时填“委员”，走访街道活动小组时填“街道活动小组”。"
        "一行只填一个类别，适用于这一行的全部联系对象。",
    ),
    (
        "联系对象",
        "单位名称或群众称呼（如“王女士”），多个用顿号“、”分隔；类别为“委员”时填被联系委员的委员证号；"
        "类别为“街道活动小组”时填一个街道活动小组的名称或所在街道。请勿填写手机号、身份证号或住址。",
    ),
    ("备注", "不超过 500 字；请勿填写群众的手机号或身份证号。"),
    ("", "每行一次联系活动。与已有记录相同（日期、委员、方式、联系对象都相同）的行显示为“已存在”，不会重复导入。"),
)


# ---------------------------------------------------------------------------
# The import


@dataclass
class Row:
    line: int
    entry: object  # rules.Entry
    category: str
    whom: str


def parse_date(value):
    """A 日期 cell as a date, or None if it cannot be read as one."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    match = DATE_TEXT.fullmatch(text) or (
        re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text) if text.isdigit() and len(text) == 8 else None
    )
    if match is None:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _split(text, separators=SEPARATORS):
    parts = []
    for part in separators.split(text):
        part = part.strip()
        if part and part not in parts:
            parts.append(part)
    return parts


def _category(text):
    text = text.replace("(", "（").replace(")", "）").replace(" ", "")
    if text == "村社区":
        text = "村（社区）"
    return text


def _column_message(name, message):
    """A check_entry message under the sheet's column: 「联系对象」/「联系对象类别」 messages keep
    their own column, the others are put under the column that holds the field."""
    if name == "whom":
        if message == rules.WHOM_TEXT:
            return "「联系对象」：请填写联系对象（单位、群众称呼或委员证号）"
        return message
    column = COLUMN_OF.get(name, "联系对象")
    text = re.sub(r"^「[^」]*」：", "", message)
    return f"「{column}」：{text}"


def _read(data):
    rows, formulas = xlsx_rows(data, max_rows=MAX_ROWS)
    table = find_table(rows)
    if table is None:
        raise SheetFileError("文件是空的，没有任何内容。" + HINT)
    check_headers(table.header, table.header_line, COLUMNS, ignored=IGNORED, hint=HINT)
    return table, formulas


class Lookups:
    """The roster, the street groups and the office's scope, each read once for the whole file."""

    def __init__(self, user):
        self.members = {m.code: m for m in Member.objects.only("pk", "code", "name", "is_standing")}
        self.groups = {}
        for group in StreetGroup.objects.all():
            self.groups.setdefault(group.name, group)
            if group.street:
                self.groups.setdefault(group.street, group)
        self.scope = set(rules.office_members(user).values_list("pk", flat=True))


def _row(line, cells, raw_date, lookups, today):
    """(Row or None, [messages]) for one line of the sheet."""
    problems = []

    def add(message):
        problems.append(f"第 {line} 行{message}")

    date, date_named = None, False
    if raw_date is not None and cell_text(raw_date):
        date = parse_date(raw_date)
        if date is None:
            date_named = True
            add(f"「日期」：无法识别“{cell_text(raw_date)}”，请填写如 {today:%Y-%m-%d} 的日期")
    makers = []
    codes = _split(cells["委员证号"], CODE_SEPARATORS)
    if not codes:
        add("「委员证号」：请填写开展联系的委员的委员证号")
    for code in codes:
        member = lookups.members.get(code)
        if member is None:
            add(f"「委员证号」：{code} 不在委员名册中")
        elif member.pk not in lookups.scope:
            add(f"「委员证号」：{OUT_OF_SCOPE}（{code} {member.name}）")
        else:
            makers.append(member)
    way_text = cells["方式"]
    way = WAY_OF.get(way_text, way_text or "")
    category_text = _category(cells["联系对象类别"])
    names = _split(cells["联系对象"])
    contacted, targets, group, whom_checked = [], [], None, False
    if names and not category_text:
        add("「联系对象类别」：请填写联系对象类别（" + "、".join(CATEGORY_WORDS) + "）")
        whom_checked = True
    elif category_text and category_text not in CATEGORY_WORDS:
        add(CATEGORY_TEXT)
        whom_checked = True
    elif category_text == MEMBER_CATEGORY:
        for code in _split(cells["联系对象"], CODE_SEPARATORS):
            member = lookups.members.get(code)
            if member is None:
                add(f"「联系对象」：{code} 不在委员名册中（类别为“委员”时请填写委员证号）")
                whom_checked = True
            else:
                contacted.append(member)
    elif category_text == GROUP_CATEGORY:
        if len(names) > 1:
            add("「联系对象」：一行只能填写一个街道活动小组")
            whom_checked = True
        elif names:
            group = lookups.groups.get(names[0])
            if group is None:
                add(f"「联系对象」：没有名为“{names[0]}”的街道活动小组")
                whom_checked = True
    elif category_text:
        targets = [(TARGET_CATEGORY_OF[category_text], name) for name in names]
    entry = rules.Entry(
        date=date,
        way=way,
        makers=makers,
        contacted=contacted,
        targets=targets,
        street_group=group,
        note=cells["备注"],
        source=Source.IMPORT,
    )
    for name, messages in rules.check_entry(entry, today=today).items():
        if (name == "date" and date_named) or (name == "makers" and not makers) or (name == "whom" and whom_checked):
            continue  # named above: an unreadable date, every 委员证号 refused, an unknown 联系对象
        for message in messages:
            if not makers and message.startswith(NO_MAKER):
                continue  # the 委员证号 were refused above; the row is not a 专委会走访
            add(_column_message(name, message))
    if problems:
        return None, problems
    return Row(line, entry, category_text, "、".join(names)), []


def check_rows(table, formulas, user, today):
    """(rows, errors): each row as a Row, in line order, or every problem of the file."""
    errors = formula_messages(formulas, table, COLUMNS)
    lookups = Lookups(user)
    index = {name: i for i, name in enumerate(table.header) if name}
    rows = []
    for line, values in zip(table.lines, table.rows, strict=True):

        def value(name, values=values):
            position = index[name]
            return values[position] if position < len(values) else None

        cells = {name: unsafe_cell(cell_text(value(name))) for name in COLUMNS}
        row, problems = _row(line, cells, value("日期"), lookups, today)
        errors += problems
        if row is not None:
            rows.append(row)
    return rows, errors


def _change(row, kind, same_as=None):
    entry = row.entry
    return {
        "line": row.line,
        "type": kind,
        "date": entry.date.isoformat(),
        "makers": "、".join(f"{m.name}（{m.code}）" for m in entry.makers),
        "way": str(Way(entry.way).label),
        "category": row.category,
        "whom": row.whom,
        "note": entry.note,
        "same_as": same_as,
    }


def import_activities(data, user, dry_run=True, today=None, import_record=None):
    """Check (and unless `dry_run`, write) a 联系记录表 for `user`'s office. Returns an
    ImportReport: created (新增), unchanged (已存在), errors, and the first rows for the preview.
    Raises SheetFileError when the file cannot be read as a 联系记录表."""
    today = today or timezone.localdate()
    table, formulas = _read(data)
    report = ImportReport(total=len(table.rows), dry_run=dry_run)
    if not user.has_perm(rules.IMPORT):
        report.errors.append("您的账号没有导入联系记录的权限。")
        return report
    with rules.halves_read_once():
        rows, report.errors = check_rows(table, formulas, user, today)
    if report.errors:
        return report
    stored = rules.stored_fingerprints(rules.fingerprint(row.entry) for row in rows)
    first_line, new = {}, []
    for row in rows:
        print_ = rules.fingerprint(row.entry)
        if print_ in stored or print_ in first_line:
            report.unchanged += 1
            if len(report.changes) < PREVIEW_ROWS:
                report.changes.append(_change(row, "exists", first_line.get(print_)))
            continue
        first_line[print_] = row.line
        new.append(row)
        if len(report.changes) < PREVIEW_ROWS:
            report.changes.append(_change(row, "new"))
    report.created = len(new)
    if not dry_run and new:
        try:
            report.created = rules.save_entries(
                [row.entry for row in new], user, import_record=import_record, today=today
            )
        except rules.ContactError as exc:  # a half locked, or the roster changed, since the preview
            report.created = 0
            for key, messages in exc.errors.items():
                where = f"第 {new[int(key)].line} 行" if key.isdecimal() else ""
                report.errors += [f"{where}{message}" for message in messages]
    return report


def confirm_import(record_id, user):
    """确认导入 of a kept upload, once (confirm_upload claims it first). Returns (record, report)."""
    record = ContactImport.objects.get(pk=record_id)

    def run(data, original_name):
        return import_activities(data, user, dry_run=False, import_record=record)

    return confirm_upload(ContactImport, record_id, run, "这份联系记录表")
