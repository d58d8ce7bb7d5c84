"""年度活动安排 as a spreadsheet: seed 002's table (月份 / 活动内容 / 活动主体, optionally 活动类型) read
into entries, and the blank template with those headers.

How the committee writes its cells, and how each is read:
- 月份: "4月", "2-3月", "11-12月"; a month of the next year names its year ("2018年1月" in a 2017 plan,
  also "11月-2018年1月"); a date cell (Excel turns "2018年1月" into one) counts by its month. A
  blank 月份 continues the row above, as seed 002's table leaves it blank under "5-8月".
- 活动主体: split on 、，,;； and line breaks; each part a 专委会, 界别, 党派 or 街道活动小组 by its
  name (a street group also by its street), a committee also by its short name (提案委 → 提案委员会,
  文史委 → 文史和学习委员会), or one of the seed's words for a fixed body (ALIASES).
- 活动类型: guessed from the 活动内容's words (KIND_WORDS), else 双走进; an optional 活动类型 column
  names it instead.

The import is all or nothing and goes through services.save_entry, so a 专委会工作室 importing rows
of other bodies gets row errors, as in its form. A row is the same entry as one already planned
for the year (and editable by the importer) when its months and 活动内容 match: re-importing a file
changes nothing, an edited 活动主体 updates the entry."""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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
from lianxin_site.spreadsheet import table_xlsx, unsafe_cell
from people.models import Party, Sector, SpecialCommittee, StreetGroup

from . import rules, services
from .models import FIXED_KINDS, ROW_FIELDS, BodyKind, EntryBody, EntryKind, ScheduleEntry, ScheduleImport, month_label

HEADERS = ("月份", "活动内容", "活动主体")
OPTIONAL_HEADERS = ("活动类型",)
IGNORED_HEADERS = ("序号", "备注")
HINT = "请上传 Excel（.xlsx）格式的年度活动安排，或先下载模板。"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000  # a year's plan is a few dozen lines
PREVIEW_LIMIT = 500
CONTENT_LIMIT = ScheduleEntry._meta.get_field("content").max_length

# The seed's own words for the fixed bodies and the classes of bodies. 专工委负责人 are the
# committees' chairs, who go with the 区政协领导; "各提案立案交办的政协委员" (seed 002, 5-9月) are the
# members whose proposals were placed on file, which no body names: any member may be one.
ALIASES = {
    **{str(kind.label): kind for kind in FIXED_KINDS},
    "区政协领导": BodyKind.LEADERS,
    "政协领导": BodyKind.LEADERS,
    "主席会议": BodyKind.LEADERS,
    "专工委负责人": BodyKind.LEADERS,
    "专委会负责人": BodyKind.LEADERS,
    "区政协办公室": BodyKind.OFFICE,
    "政协办公室": BodyKind.OFFICE,
    "全体政协委员": BodyKind.ALL_MEMBERS,
    "全体委员": BodyKind.ALL_MEMBERS,
    "各提案立案交办的政协委员": BodyKind.ALL_MEMBERS,
    "各专工委": BodyKind.ALL_COMMITTEES,
    "各专委会": BodyKind.ALL_COMMITTEES,
    "各专门委员会": BodyKind.ALL_COMMITTEES,
    "各工作委员会": BodyKind.ALL_COMMITTEES,
    "各工委会": BodyKind.ALL_COMMITTEES,
    "相关专工委": BodyKind.ALL_COMMITTEES,
    "相关专委会": BodyKind.ALL_COMMITTEES,
    "各界别组": BodyKind.ALL_SECTORS,
    "各界别": BodyKind.ALL_SECTORS,
    "各党派": BodyKind.ALL_PARTIES,
    "各民主党派": BodyKind.ALL_PARTIES,
}
# The first phrase found in the 活动内容 decides the kind: the named brands before the words they
# contain (委员活动日 holds "活动", 请你来协商 holds "协商").
KIND_WORDS = (
    ("委员活动日", EntryKind.ACTIVITY_DAY),
    ("政协活动日", EntryKind.ACTIVITY_DAY),
    ("委员基层日", EntryKind.GRASSROOTS_DAY),
    ("委员有话说", EntryKind.MEMBERS_SPEAK),
    ("请你来协商", EntryKind.COME_CONSULT),
    ("开放式日", EntryKind.OPEN_DAY),
    ("开放日", EntryKind.OPEN_DAY),
    ("社区行", EntryKind.COMMUNITY_WALK),
    ("进社区", EntryKind.COMMUNITY_WALK),
    ("下乡", EntryKind.COMMUNITY_WALK),
    ("界别活动周", EntryKind.COMMUNITY_WALK),
    ("列席", EntryKind.ATTENDANCE),
    ("视察", EntryKind.INSPECTION),
    ("调研", EntryKind.INSPECTION),
    ("协商", EntryKind.CONSULTATION),
)
KIND_OF = {str(label): value for value, label in EntryKind.choices}
BODY_SEPARATORS = re.compile(r"\s*[、，,;；\n]+\s*")
MONTHS = re.compile(r"(?:(?P<y1>\d{4})年)?(?P<m1>\d{1,2})月?(?:[-~至到](?:(?P<y2>\d{4})年)?(?P<m2>\d{1,2})月?)?")
DASHES = str.maketrans({"－": "-", "—": "-", "–": "-", "〜": "~", "～": "~"})


class CellError(Exception):
    """What is wrong with one cell; str() is the reason, without 第 N 行「列」."""


# ---------------------------------------------------------------------------
# Cells


def month_hint(year):
    return f"应写成“3月”“3-4月”或“{year + 1}年1月”"


def parse_months(value, year):
    """(first, last) months (each the 1st) of a 月份 cell in the plan of `year`; CellError when it is
    not one (the admin's form reads its 月份 field the same way)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        first = last = value.replace(day=1)
        text = f"{value.year}年{value.month}月"
    else:
        text = unicodedata.normalize("NFKC", cell_text(value)).translate(DASHES).replace(" ", "")
        match = MONTHS.fullmatch(text)
        if not match:
            raise CellError(f"无法识别“{text}”，{month_hint(year)}")
        m1, m2 = int(match["m1"]), int(match["m2"] or match["m1"])
        y1 = int(match["y1"]) if match["y1"] else year
        y2 = int(match["y2"]) if match["y2"] else y1
        if not (1 <= m1 <= 12 and 1 <= m2 <= 12):
            raise CellError(f"无法识别“{text}”，{month_hint(year)}")
        first, last = datetime.date(y1, m1, 1), datetime.date(y2, m2, 1)
    if last < first:
        crossing = f"，跨年请写成“{first.month}月-{first.year + 1}年{last.month}月”" if first.year == last.year else ""
        raise CellError(f"“{text}”的结束月份早于起始月份{crossing}")
    if not (services.in_plan_year(year, first) and services.in_plan_year(year, last)):
        raise CellError(f"“{text}”不在 {year} 年度计划内，{month_hint(year)}")
    return first, last


def months_text(entry):
    """An entry's 月份 as the sheet (and the form) writes it, reading back to the same months:
    months in the plan's own year without it ("2-3月"), others with theirs ("2018年1月")."""
    first, last, year = entry.first_month, entry.last_month, entry.year
    if first.year == year and last.year == year:
        return month_label(first, last)
    if first == last:
        return f"{first.year}年{first.month}月"
    start = f"{first.month}月" if first.year == year else f"{first.year}年{first.month}月"
    return f"{start}-{last.year}年{last.month}月"


def clean_text(value, join_lines=True):
    """A cell's text as typed, without the control characters a sheet cannot hold and the ' that
    keeps a formula from running. A line broken inside a Word table cell is joined again
    (join_lines), but in 活动主体 a line break separates two bodies."""
    text = ILLEGAL_CHARACTERS_RE.sub("", unsafe_cell(cell_text(value)))
    return re.sub(r"\s*\n\s*", "", text).strip() if join_lines else text.strip()


def guess_kind(content):
    for words, kind in KIND_WORDS:
        if words in content:
            return kind
    return EntryKind.OUTREACH


def bodies_text(bodies):
    return "、".join(str(body) for body in bodies)


class BodyNames:
    """活动主体 names → unsaved EntryBody rows, from the reference data loaded once per import."""

    def __init__(self):
        self.rows = {}
        for kind, model in (
            (BodyKind.COMMITTEE, SpecialCommittee),
            (BodyKind.SECTOR, Sector),
            (BodyKind.PARTY, Party),
            (BodyKind.STREET_GROUP, StreetGroup),
        ):
            for obj in model.objects.all():
                self.rows.setdefault(obj.name, (kind, obj))
                if kind == BodyKind.STREET_GROUP:
                    self.rows.setdefault(obj.street, (kind, obj))
        self.committees = [obj for kind, obj in self.rows.values() if kind == BodyKind.COMMITTEE]

    def parse(self, value):
        """The cell's bodies, each once; CellError naming the first part that names none."""
        text = clean_text(value, join_lines=False)
        parts = [part for part in BODY_SEPARATORS.split(text) if part]
        if not parts:
            raise CellError("不能为空，请填写活动主体（如“各界别组”“教育界”）")
        bodies = {}
        for part in parts:
            body = self.body(part)
            bodies.setdefault(services.body_key(body), body)
        return list(bodies.values())

    def body(self, name):
        if name in ALIASES:
            return EntryBody(kind=ALIASES[name])
        if name in self.rows:
            kind, obj = self.rows[name]
            return EntryBody(kind=kind, **{ROW_FIELDS[kind]: obj})
        committee = self.committee_by_short_name(name)
        return EntryBody(kind=BodyKind.COMMITTEE, committee=committee)

    def committee_by_short_name(self, name):
        """提案委 → 提案委员会, 城建委 → 城市建设和管理委员会: the words before 委, in order, in exactly
        one committee's name (its first word first)."""
        stem = name[:-1] if name.endswith("委") else ""
        if len(stem) < 2:
            raise CellError(f"找不到“{name}”")
        found = [c for c in self.committees if c.name.startswith(stem[0]) and _in_order(stem, c.name)]
        if not found:
            raise CellError(f"找不到“{name}”")
        if len(found) > 1:
            raise CellError(f"“{name}”可以指{'、'.join(c.name for c in found)}，请写全称")
        return found[0]


def _in_order(stem, name):
    rest = iter(name)
    return all(char in rest for char in stem)


# ---------------------------------------------------------------------------
# Reading the file


def read_plan(data):
    """(table, formula messages) of an uploaded plan. Raises SheetFileError with a Chinese message
    for anything that is not a usable .xlsx table of the plan."""
    if not data or not data.strip():
        raise SheetFileError("文件是空的，没有任何内容。")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetFileError("不支持旧版 Excel（.xls）文件。请在 Excel 或 WPS 中“另存为” .xlsx 后再上传。")
    if not data.startswith(b"PK\x03\x04"):
        raise SheetFileError(f"这不是 .xlsx 文件。{HINT}")
    rows, formulas = xlsx_rows(data, max_rows=MAX_ROWS)
    table = find_table(rows)
    if table is None:
        raise SheetFileError("文件是空的，没有任何内容。")
    check_headers(table.header, table.header_line, HEADERS, ignored=OPTIONAL_HEADERS + IGNORED_HEADERS, hint=HINT)
    if not table.rows:
        raise SheetFileError("表格里只有表头，没有活动安排。")
    return table, formula_messages(formulas, table, HEADERS + OPTIONAL_HEADERS)


@dataclass
class Row:
    line: int
    first: datetime.date = None
    last: datetime.date = None
    content: str = ""
    kind: str = ""
    kind_given: bool = False
    bodies: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def fail(self, column, reason):
        self.errors.append(f"第 {self.line} 行「{column}」：{reason}" if column else f"第 {self.line} 行：{reason}")

    @property
    def key(self):
        return (self.first, self.last, self.content)


def read_rows(table, year, names):
    """Each line of the table as a Row, its cells read (not yet checked against the plan)."""
    column = {name: table.header.index(name) for name in HEADERS + OPTIONAL_HEADERS if name in table.header}
    width = len(table.header)
    rows, previous, previous_failed = [], None, False
    for line, raw in zip(table.lines, table.rows, strict=True):
        cells = (list(raw) + [None] * width)[:width]
        row = Row(line=line)
        month_cell = cells[column["月份"]]
        if cell_text(month_cell):
            try:
                previous = parse_months(month_cell, year)
                previous_failed = False
            except CellError as exc:
                row.fail("月份", str(exc))
                previous, previous_failed = None, True
        elif previous is None and not previous_failed:
            row.fail("月份", "不能为空（第一行活动须填写月份；空着的月份沿用上一行）")
        if previous is not None:
            row.first, row.last = previous
        elif previous_failed and not row.errors:
            row.errors.append(None)  # the month above is wrong, and already named there
        row.content = clean_text(cells[column["活动内容"]])
        if not row.content:
            row.fail("活动内容", "不能为空")
        elif len(row.content) > CONTENT_LIMIT:
            row.fail("活动内容", f"不能超过 {CONTENT_LIMIT} 个字（现有 {len(row.content)} 个）")
        kind_text = clean_text(cells[column["活动类型"]]) if "活动类型" in column else ""
        if kind_text:
            row.kind, row.kind_given = KIND_OF.get(kind_text, ""), True
            if not row.kind:
                row.fail("活动类型", f"无法识别“{kind_text}”，应为{'、'.join(KIND_OF)}之一")
        else:
            row.kind = guess_kind(row.content)
        try:
            row.bodies = names.parse(cells[column["活动主体"]])
        except CellError as exc:
            row.fail("活动主体", str(exc))
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------
# Importing


COLUMN_OF_FIELD = {
    "first_month": "月份",
    "last_month": "月份",
    "year": "月份",
    "content": "活动内容",
    "kind": "活动类型",
    "bodies": "活动主体",
}


def _editable(user, year):
    """The plan's entries the importer may change, by (first month, last month, 活动内容)."""
    entries = (
        rules.entries_editable_by(user)
        .filter(year=year, batch_of__isnull=True)
        .prefetch_related(Prefetch("bodies", EntryBody.objects.select_related(*services.BODY_RELATED)))
    )
    return {(e.first_month, e.last_month, e.content): e for e in entries}


def _change(row, entry, kind):
    change = {
        "line": row.line,
        "type": kind,
        "months": months_text(ScheduleEntry(year=entry.year, first_month=row.first, last_month=row.last)),
        "content": row.content,
        "kind": str(EntryKind(row.kind).label) if row.kind_given or kind == "new" else entry.get_kind_display(),
        "bodies": bodies_text(row.bodies),
        "changed": [],
    }
    if kind == "update":
        old = bodies_text(entry.bodies.all())
        if old != change["bodies"]:
            change["changed"].append({"column": "活动主体", "old": old, "new": change["bodies"]})
        if row.kind_given and row.kind != entry.kind:
            change["changed"].append({"column": "活动类型", "old": entry.get_kind_display(), "new": change["kind"]})
    return change


def import_schedule(data, user, year, dry_run=True):
    """Check (dry_run) or import a plan file into the plan of `year`, as `user`. All or nothing: a
    report with errors means nothing was written. Raises SheetFileError when the file is not a
    plan table at all."""
    report = ImportReport(dry_run=dry_run)
    table, formula_errors = read_plan(data)
    report.total = len(table.rows)
    if formula_errors:  # nothing is imported; say which cells before any other check
        report.errors = formula_errors
        return report
    rows = read_rows(table, year, BodyNames())
    errors, changes, seen = [], [], {}
    with transaction.atomic():
        existing = _editable(user, year)
        for row in rows:
            if row.errors:
                errors += [message for message in row.errors if message]
                continue
            if row.key in seen:
                row.fail("活动内容", f"与第 {seen[row.key]} 行重复（同一月份、同一活动内容）")
                errors += row.errors
                continue
            seen[row.key] = row.line
            entry = existing.get(row.key)
            if entry is not None and not _differs(row, entry):
                report.unchanged += 1
                continue
            change = _change(row, entry, "update") if entry else None
            data = {"kind": row.kind} if (entry is None or row.kind_given) else {}
            if entry is None:
                data.update(year=year, first_month=row.first, last_month=row.last, content=row.content)
            try:
                services.save_entry(user, data, row.bodies, entry=entry)
            except services.EntryInvalid as exc:
                for name, messages in exc.errors.items():
                    for message in messages:
                        row.fail(COLUMN_OF_FIELD.get(name), message.rstrip("。"))
                errors += row.errors
                continue
            except rules.ScheduleError as exc:
                row.fail(None, str(exc).rstrip("。"))
                errors += row.errors
                continue
            if entry is None:
                report.created += 1
                change = _change(row, ScheduleEntry(year=year), "new")
            else:
                report.updated += 1
            if len(changes) < PREVIEW_LIMIT:
                changes.append(change)
        if errors or dry_run:
            transaction.set_rollback(True)
    report.errors = sorted(errors, key=_line_of)
    report.changes = [] if errors else changes
    if errors:
        report.created = report.updated = report.unchanged = 0
    return report


def _line_of(message):
    match = re.match(r"第 (\d+) 行", message)
    return int(match.group(1)) if match else 0


def _differs(row, entry):
    if row.kind_given and row.kind != entry.kind:
        return True
    return {services.body_key(b) for b in row.bodies} != {services.body_key(b) for b in entry.bodies.all()}


def confirm_import(record_id, user):
    """确认导入 of a kept upload, once (lianxin_site.imports.confirm_upload). Returns (record, report);
    report is None when the stored file can no longer be read."""
    year = ScheduleImport.objects.values_list("year", flat=True).get(pk=record_id)
    return confirm_upload(
        ScheduleImport,
        record_id,
        lambda data, name: import_schedule(data, user, year, dry_run=False),
        "这份活动安排",
    )


def template_xlsx():
    """The blank sheet to fill in: the three headers of seed 002's table."""
    return table_xlsx("年度活动安排", [(header, None) for header in HEADERS], [])
