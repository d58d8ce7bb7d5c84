"""The member roster (委员名册) as a spreadsheet: reading and importing it (exporting it, in the same
layout: people/roster_export.py).

One service, `import_roster()`, serves the admin (preview, then confirm), the
`import_roster` command and the benchmark. An import is all or nothing: any bad row, and
nothing is written. Rows are keyed by 委员证号: re-importing the same file changes nothing,
an edited file updates exactly the edited members.
"""

import csv
import gzip
import hashlib
import io
import json
from dataclasses import dataclass, field

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from import_export import resources, widgets
from import_export.fields import Field
from import_export.results import RowResult

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
from lianxin_site.spreadsheet import unsafe_cell
from lianxin_site.uploads import UploadRejected, check_xlsx

from .models import ChairRole, Member, Party, RosterImport, Sector, SpecialCommittee, StreetGroup

# The committee's own headers, in the paper roster's order.
HEADERS = (
    "委员证号",
    "姓名",
    "性别",
    "界别",
    "党派",
    "专委会",
    "单位及职务",
    "联系电话",
    "是否常委",
    "街道活动小组",
)
# 三联系 designations (issue 15): a file may leave them out, and its members then keep the
# values stored; a file that has the column sets them (a blank 主席会议职务 clears it). Exports
# always carry them.
OPTIONAL_HEADERS = ("主席会议职务", "青年委员")
# Columns a spreadsheet may carry that the roster does not use.
IGNORED_HEADERS = ("序号",)
PREVIEW_LIMIT = 500
CODE_CHUNK = 2000

# The file as a whole cannot be read as a roster (nothing row-specific).
RosterFileError = SheetFileError

# Reading an .xlsx file (the archive checked before calamine reads it), finding the header and
# checking it, the report and the claim that lets one confirmation run are shared with the
# other imports: lianxin_site/imports.py.


# ---------------------------------------------------------------------------
# Reading the file


@dataclass
class RosterSheet:
    dataset: tablib.Dataset
    # Spreadsheet line (1-based, as Excel shows it) of each dataset row.
    lines: list
    # Cells holding a formula whose result the file does not carry: they would read as empty.
    formula_errors: list = field(default_factory=list)


def _decode_csv(data):
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Excel in China saves CSV as GBK; GB18030 is its superset.
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise RosterFileError(
            "无法识别这个文件的文字编码。请上传 .xlsx 文件，或保存为 UTF-8 / GBK 编码的 .csv 文件。"
        ) from exc


def _csv_rows(data):
    text = _decode_csv(data)
    yield from csv.reader(io.StringIO(text, newline=""))


def read_roster(data, filename=""):
    """Parse an uploaded .xlsx or .csv roster into a dataset with the committee's headers.

    Raises RosterFileError with a Chinese message for anything that is not a usable roster.
    """
    if not data or not data.strip():
        raise RosterFileError("文件是空的，没有任何内容。")
    if data.startswith(b"PK\x03\x04"):
        rows, formulas = xlsx_rows(data, max_rows=settings.ROSTER_MAX_ROWS)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterFileError("不支持旧版 Excel（.xls）文件。请在 Excel 或 WPS 中“另存为” .xlsx 后再上传。")
    elif b"\x00" in data[:4096]:
        raise RosterFileError("这不是表格文件。请上传 .xlsx 或 .csv 格式的委员名册。")
    else:
        formulas = []
        lines = data.count(b"\n") + (not data.endswith(b"\n"))
        if lines - 1 > settings.ROSTER_MAX_ROWS:  # the first line is the header
            raise RosterFileError(
                f"这个文件有超过 {settings.ROSTER_MAX_ROWS:,} 行，超过了一次导入的上限。请分成几个文件分别导入。"
            )
        rows = _csv_rows(data)

    table = find_table(rows)
    if table is None:
        raise RosterFileError("文件是空的，没有任何内容。")
    header = table.header
    check_headers(
        header,
        table.header_line,
        HEADERS,
        IGNORED_HEADERS + OPTIONAL_HEADERS,
        hint="请上传 .xlsx 或 .csv 格式的委员名册，或先导出一份名册作为模板。",
    )
    if not table.rows:
        raise RosterFileError("表格里只有表头，没有委员数据。")

    formula_errors = formula_messages(formulas, table, HEADERS + OPTIONAL_HEADERS)
    keep = [i for i, name in enumerate(header) if name in HEADERS + OPTIONAL_HEADERS]
    dataset = tablib.Dataset(headers=[header[i] for i in keep])
    for row in table.rows:  # a short line's missing cells read as blank
        width = len(row)
        dataset.append([cell_text(row[i]) if i < width else "" for i in keep])
    return RosterSheet(dataset=dataset, lines=table.lines, formula_errors=formula_errors)


# ---------------------------------------------------------------------------
# Cell widgets: Chinese cell values <-> model values, with Chinese errors


class TextWidget(widgets.Widget):
    def __init__(self, required=False, max_length=None):
        super().__init__()
        self.required = required
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs):
        text = unsafe_cell(cell_text(value))
        if self.required and not text:
            raise ValueError("不能为空。")
        if self.max_length and len(text) > self.max_length:
            raise ValueError(f"不能超过 {self.max_length} 个字（现有 {len(text)} 个）。")
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class PhoneWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row, **kwargs).replace("－", "-")


class ChoiceWidget(widgets.Widget):
    """A cell holding one of a few Chinese words (性别: 男/女, 是否常委: 是/否, 主席会议职务:
    主席/副主席 or blank)."""

    def __init__(self, choices, blank=None):
        super().__init__()
        self.choices = dict(choices)  # cell text -> value
        self.labels = {value: text for text, value in self.choices.items()}
        self.blank = blank

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text and self.blank is not None:
            return self.blank
        if text not in self.choices:
            allowed = "”或“".join(self.choices)
            if self.blank == "":  # a blank cell means none (主席会议职务)
                allowed = "”“".join(self.choices) + "”或留空"
            else:
                allowed = f"{allowed}”"
            shown = f"“{text}”" if text else "空白"
            raise ValueError(f"应填“{allowed}，不能是{shown}。")
        return self.choices[text]

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, "")


class LookupWidget(widgets.Widget):
    """A cell naming a row of reference data (界别, 党派 …), resolved from a preloaded map so
    that a 10,000-row import does not run a query per cell."""

    def __init__(self, model, required=False):
        super().__init__()
        self.model = model
        self.required = required
        self.by_name = None

    def load(self):
        self.by_name, self.by_pk = {}, {}
        for obj in self.model.objects.all():
            self.by_name[obj.name] = obj
            self.by_pk[obj.pk] = obj.name
            street = getattr(obj, "street", "")
            if street:  # 街道活动小组 may be named by its street
                self.by_name.setdefault(street, obj)

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError("不能为空。")
            return None
        if self.by_name is None:
            self.load()
        try:
            return self.by_name[text]
        except KeyError:
            label = self.model._meta.verbose_name
            raise ValueError(
                f"没有名为“{text}”的{label}。请检查是否有错别字，或先在“基础数据 › {label}”中添加。"
            ) from None

    def name_of(self, pk):
        return self.by_pk.get(pk, "")

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""


def _code_of(row):
    return unsafe_cell(cell_text(row.get("委员证号")))


GENDER_CHOICES = {"男": Member.Gender.MALE, "女": Member.Gender.FEMALE}
YES_NO_CHOICES = {"是": True, "否": False}
CHAIR_ROLE_CHOICES = {str(label): value for value, label in ChairRole.choices}
FOREIGN_KEYS = ("sector", "party", "committee", "street_group")


def _max_length(name):
    return Member._meta.get_field(name).max_length


# ---------------------------------------------------------------------------
# The resource


class RosterResource(resources.ModelResource):
    """The roster's columns: each Field names its header and the widget that reads (clean) and
    writes (render) its cells. The import checks rows with these widgets itself (RowChecker); the
    export (people/roster_export.py) renders with them."""

    code = Field("code", "委员证号", TextWidget(required=True, max_length=_max_length("code")))
    name = Field("name", "姓名", TextWidget(required=True, max_length=_max_length("name")))
    gender = Field("gender", "性别", ChoiceWidget(GENDER_CHOICES))
    sector = Field("sector", "界别", LookupWidget(Sector, required=True))
    party = Field("party", "党派", LookupWidget(Party))
    committee = Field("committee", "专委会", LookupWidget(SpecialCommittee))
    employer_title = Field("employer_title", "单位及职务", TextWidget(max_length=_max_length("employer_title")))
    phone = Field("phone", "联系电话", PhoneWidget(max_length=_max_length("phone")))
    is_standing = Field("is_standing", "是否常委", ChoiceWidget(YES_NO_CHOICES, blank=False))
    street_group = Field("street_group", "街道活动小组", LookupWidget(StreetGroup))
    chair_role = Field("chair_role", "主席会议职务", ChoiceWidget(CHAIR_ROLE_CHOICES, blank=""))
    is_youth = Field("is_youth", "青年委员", ChoiceWidget(YES_NO_CHOICES, blank=False))

    class Meta:
        model = Member
        fields = (
            "code",
            "name",
            "gender",
            "sector",
            "party",
            "committee",
            "employer_title",
            "phone",
            "is_standing",
            "street_group",
            "chair_role",
            "is_youth",
        )
        export_order = fields


FIELD_NAMES = RosterResource._meta.fields
COLUMN_OF = {name: f.column_name for name, f in RosterResource.fields.items()}
# The member's columns an import writes (foreign keys as their ids).
PLAN_COLUMNS = tuple(f"{name}_id" if name in FOREIGN_KEYS else name for name in FIELD_NAMES)
# What a new member holds in a column its file leaves out (主席会议职务, 青年委员).
NEW_MEMBER = tuple(Member._meta.get_field(name).get_default() for name in FIELD_NAMES)
NEW = RowResult.IMPORT_TYPE_NEW
UPDATE = RowResult.IMPORT_TYPE_UPDATE


# ---------------------------------------------------------------------------
# Checking every row: one pass over the file, no query per row


def _cell_error(line, name, message):
    return f"第 {line} 行「{COLUMN_OF[name]}」：{message}"


def stored_members(codes):
    """{委员证号: (pk, *PLAN_COLUMNS' values)} of the stored members among `codes`, in 委员证号 order
    (Python's, whichever database): what an import compares its rows with, and what its fingerprint
    digests. A file holding most of the roster (the usual whole-roster upload) reads the members in
    one pass rather than asking for its codes 2,000 at a time."""
    wanted = set(codes)
    columns = Member.objects.values_list("pk", *PLAN_COLUMNS)
    if len(wanted) * 2 >= Member.objects.count():
        rows = [row for row in columns.iterator(chunk_size=CODE_CHUNK) if row[1] in wanted]
    else:
        unique = sorted(wanted)
        rows = [
            row
            for start in range(0, len(unique), CODE_CHUNK)
            for row in columns.filter(code__in=unique[start : start + CODE_CHUNK])
        ]
    rows.sort(key=lambda row: row[1])
    return {row[1]: row for row in rows}


class RowChecker:
    """Checks a roster's rows against the rules of the columns (the widgets' words), the model's
    own validators (联系电话's format), 委员证号 repeated within the file, and the stored members
    (which rows create, update or change nothing). What it finds is a report and, with no error, the
    plan that 确认导入 writes. Every row's problems are reported at once, in line order."""

    def __init__(self, sheet, stored, progress=None):
        self.sheet = sheet
        self.stored = stored
        self.progress = progress
        # A resource's own copy: the lookup widgets hold the names they load.
        self.widgets = {name: field.widget for name, field in RosterResource().fields.items()}
        for name in FOREIGN_KEYS:
            self.widgets[name].load()
        headers = sheet.dataset.headers
        # The model's own checks (clean_fields' rules: 联系电话's format …) on the free-text cells.
        # The other cells need none: the choice widgets return only the model's choices, and the
        # lookup widgets only rows that exist.
        self.model_fields = {
            name: Member._meta.get_field(name) for name in FIELD_NAMES if isinstance(self.widgets[name], TextWidget)
        }
        self.present = [
            (index, name, self.widgets[name], COLUMN_OF[name], self.model_fields.get(name))
            for index, name in enumerate(FIELD_NAMES)
            if COLUMN_OF[name] in headers
        ]
        self.errors = []
        self.changes = []
        self.creates = []
        self.updates = []
        self.unchanged = 0

    def line_of(self, number):
        return self.sheet.lines[number - 1]

    def check(self):
        dataset = self.sheet.dataset
        headers = dataset.headers
        first_line = {}
        step = max(1, min(1000, len(dataset) // 100))
        for number, values in enumerate(dataset, start=1):
            row = dict(zip(headers, values, strict=True))
            line = self.line_of(number)
            code = _code_of(row)
            if code:
                first = first_line.setdefault(code, line)
                if first != line:
                    self.errors.append(
                        (line, _cell_error(line, "code", f"“{code}”在文件中重复出现，第 {first} 行已有这个委员证号。"))
                    )
                    self._tick(number, step)
                    continue
            self._check_row(row, line, code)
            self._tick(number, step)
        if self.progress is not None:
            self.progress.update(len(dataset) % step)
        self.errors.sort(key=lambda item: item[0])
        return [message for _, message in self.errors]

    def _tick(self, number, step):
        if self.progress is not None and number % step == 0:
            self.progress.update(step)

    def _check_row(self, row, line, code):
        old = self.stored.get(code)
        values = list(old[1:]) if old else list(NEW_MEMBER)
        found, refused = [], set()
        for index, name, widget, column, _model_field in self.present:
            try:
                value = widget.clean(row[column])
            except ValueError as exc:
                found.append(_cell_error(line, name, str(exc)))
                refused.add(name)
                continue
            values[index] = value.pk if name in FOREIGN_KEYS and value is not None else value
        if old is not None and not found and tuple(values) == old[1:]:
            self.unchanged += 1
            return
        for index, name, _widget, _column, model_field in self.present:
            if model_field is None or name in refused:
                continue
            value = values[index]
            if model_field.blank and value in model_field.empty_values:
                continue
            try:
                model_field.clean(value, None)
            except ValidationError as exc:
                found.extend(_cell_error(line, name, message) for message in exc.messages)
        if found:
            self.errors.extend((line, message) for message in found)
            return
        if old is None:
            self.creates.append(values)
        else:
            self.updates.append([old[0], *values])
        if len(self.changes) < PREVIEW_LIMIT:
            self.changes.append(
                {
                    "line": line,
                    "type": NEW if old is None else UPDATE,
                    "code": code,
                    "name": cell_text(row.get("姓名")),
                    "changed": [] if old is None else self._changed_columns(old[1:], values),
                }
            )

    def _changed_columns(self, old, new):
        return [
            {"column": column, "old": self._display(name, old[index]), "new": self._display(name, new[index])}
            for index, name, widget, column, model_field in self.present
            if old[index] != new[index]
        ]

    def _display(self, name, value):
        if value is None:
            return ""
        if name in FOREIGN_KEYS:
            return self.widgets[name].name_of(value)
        return self.widgets[name].render(value)


# ---------------------------------------------------------------------------
# Services


def _base_error_message(error):
    if isinstance(error, IntegrityError):
        # Another import (or an edit) wrote the same 委员证号 while this one ran.
        return "导入时名册被其他人同时修改（委员证号冲突），没有写入任何数据。请重新上传预览后再确认。"
    return f"导入时发生错误：{error}"


def import_roster(data, filename="", dry_run=True, progress=None):
    # `progress`: optional tqdm-like object (reset(total=…), update(n)).
    """Validate (dry_run) or import a roster file. All or nothing: a report with errors
    means nothing was written. Raises RosterFileError when the file is not a roster."""
    report, plan = _import(data, filename, progress)
    if dry_run or plan is None:
        report.dry_run = dry_run
        return report
    return _apply(plan, report, progress)


def _import(data, filename, progress):
    """(report, plan) of a preview: the plan (what the import writes, RosterPlan) is None when the
    file has errors."""
    report = ImportReport(dry_run=True)
    sheet = read_roster(data, filename)
    report.total = len(sheet.dataset)
    if sheet.formula_errors:  # nothing is imported; say which cells before any other check
        report.errors = sheet.formula_errors
        return report, None
    if progress is not None:
        progress.reset(total=len(sheet.dataset))
    codes = list(
        dict.fromkeys(code for code in (_code_of({"委员证号": raw}) for raw in sheet.dataset["委员证号"]) if code)
    )
    # Read before the rows are checked, so that a change made meanwhile shows as a change at 确认导入.
    stored = stored_members(codes)
    fingerprint = roster_fingerprint(codes, stored)
    checker = RowChecker(sheet, stored, progress)
    report.errors = checker.check()
    report.created = len(checker.creates)
    report.updated = len(checker.updates)
    report.unchanged = checker.unchanged
    report.changes = checker.changes
    plan = None
    if not report.errors:
        plan = RosterPlan(fingerprint, codes, checker.creates, checker.updates)
    return report, plan


# ---------------------------------------------------------------------------
# 确认导入 applies what the preview found (issue 19: the whole file was validated twice)


@dataclass
class RosterPlan:
    """What a previewed file writes: the members it creates and the rows it updates (PLAN_COLUMNS'
    values), with a fingerprint of what the preview read (the file's members as stored, and the
    界别/党派/专委会/街道活动小组 names): when it still matches at 确认导入, the plan is applied as it
    is; when anything it read has changed, the file is validated again."""

    fingerprint: str
    codes: list
    creates: list
    updates: list

    VERSION = 1

    def dumps(self):
        body = {
            "version": self.VERSION,
            "columns": PLAN_COLUMNS,
            "fingerprint": self.fingerprint,
            "codes": self.codes,
            "creates": self.creates,
            "updates": self.updates,
        }
        return gzip.compress(json.dumps(body, ensure_ascii=False, default=str).encode(), compresslevel=1)

    @classmethod
    def loads(cls, data):
        body = json.loads(gzip.decompress(data))
        if body.get("version") != cls.VERSION or tuple(body.get("columns", ())) != PLAN_COLUMNS:
            return None  # made by another version of the code: validate again
        return cls(body["fingerprint"], body["codes"], body["creates"], body["updates"])


def roster_fingerprint(codes, stored=None):
    """A digest of everything a roster import reads from the database: the reference data its
    cells name, and the stored members with the file's 委员证号 (absent ones included). `stored`:
    those members as stored_members(codes) read them already."""
    digest = hashlib.sha256()
    for model, columns in ((Sector, ()), (Party, ()), (SpecialCommittee, ()), (StreetGroup, ("street",))):
        for row in model.objects.order_by("pk").values_list("pk", "name", *columns):
            digest.update(repr(row).encode())
    for row in (stored_members(codes) if stored is None else stored).values():
        digest.update(repr(row).encode())
    return digest.hexdigest()


PLAN_SUFFIX = ".plan.json.gz"


def plan_name(record):
    return f"{record.file.name}{PLAN_SUFFIX}"


def drop_plan(record):
    """The plan of an upload that will not be confirmed from it (imported, failed, replaced by a
    newer preview): 确认导入 of a replaced preview checks its file again instead."""
    record.file.storage.delete(plan_name(record))


def _drop_replaced_plans(record):
    """A newer preview by the same person replaces their earlier ones still 待确认: their plans go."""
    if record.uploaded_by_id is None:
        return
    older = RosterImport.objects.filter(
        uploaded_by_id=record.uploaded_by_id, status=RosterImport.Status.PREVIEWED, pk__lt=record.pk
    )
    for replaced in older:
        drop_plan(replaced)


def preview_upload(data, name, user, progress=None):
    """The preview of an uploaded roster, kept (RosterImport, 待确认 or 有错误，未导入) with its plan
    for 确认导入. Raises RosterFileError when the file is not a roster."""
    report, plan = _import(data, name, progress)
    record = RosterImport.keep(ContentFile(data, name=name), user, report)
    if plan is not None:
        record.file.storage.save(plan_name(record), ContentFile(plan.dumps()))
    # Once the record is there for good (in the worker, the job's transaction may still roll back).
    transaction.on_commit(lambda: _drop_replaced_plans(record))
    return record


def _members(rows, with_pk=False):
    """Unsaved Members holding the plan's rows (the other columns at their defaults), built from
    positional values as Django builds the rows it reads: keyword arguments cost twice as much."""
    attnames = [f.attname for f in Member._meta.concrete_fields]
    defaults = [f.get_default() for f in Member._meta.concrete_fields]
    at = [attnames.index(column) for column in ("id", *PLAN_COLUMNS)]
    members = []
    for row in rows:
        values = defaults.copy()
        for index, value in zip(at if with_pk else at[1:], row, strict=True):
            values[index] = value
        members.append(Member(*values))
    return members


def _apply(plan, report, progress):
    """Write the plan's members in bulk, all or nothing; the report (the preview's, an ImportReport
    or its dict) says what was written."""
    done = ImportReport(**{**(report if isinstance(report, dict) else report.as_dict()), "dry_run": False})
    if progress is not None:
        progress.reset(total=len(plan.creates) + len(plan.updates))
    try:
        with transaction.atomic():
            for start in range(0, len(plan.creates), CODE_CHUNK):
                rows = plan.creates[start : start + CODE_CHUNK]
                Member.objects.bulk_create(_members(rows))
                if progress is not None:
                    progress.update(len(rows))
            fields = [name for name in FIELD_NAMES if name != "code"]
            for start in range(0, len(plan.updates), CODE_CHUNK):
                rows = plan.updates[start : start + CODE_CHUNK]
                members = _members(rows, with_pk=True)
                Member.objects.bulk_update(members, fields)
                if progress is not None:
                    progress.update(len(rows))
            from lianxin_site.cache import clear_public_cache

            transaction.on_commit(clear_public_cache)
    except IntegrityError as exc:
        done.errors = [_base_error_message(exc)]
    return done


def _confirm_run(record_id, progress):
    """confirm_upload's `run` for one record: apply the preview's plan while what it read is
    unchanged, else validate and import the whole file again (as before plans were kept)."""

    def run(data, name):
        record = RosterImport.objects.get(pk=record_id)
        storage = record.file.storage
        plan = None
        try:
            with storage.open(plan_name(record), "rb") as handle:
                plan = RosterPlan.loads(handle.read())
        except OSError:  # no plan kept, or removed a moment ago by a newer preview: check the file again
            plan = None
        if plan is not None and plan.fingerprint == roster_fingerprint(plan.codes):
            return _apply(plan, record.report, progress)
        return import_roster(data, name, dry_run=False, progress=progress)

    return run


CHANGED_SINCE_PREVIEW = "名册未导入：名册在预览后发生了变化，出现了下面的问题，没有写入任何数据。"


def imported_words(report):
    """What the admin is told after 确认导入, in the request or from the worker's job."""
    return f"名册已导入：新增 {report.created} 人，更新 {report.updated} 人，{report.unchanged} 人无变化。"


def confirm_import(record_id, progress=None):
    """Import a previewed upload for real, once (lianxin_site.imports.confirm_upload: the record is
    claimed first, so a second click, or a colleague's, is told the import is running or done).
    Returns (record, report); report is None when the stored file can no longer be read.

    In the worker (people/job_kinds.py) this runs inside the job's transaction, claim included: a
    worker killed mid-import leaves the upload 待确认 and the roster as it was."""
    record, report = confirm_upload(RosterImport, record_id, _confirm_run(record_id, progress), "这份名册")
    # Imported, or failed for good: the plan has served. Kept while the import may still roll back.
    transaction.on_commit(lambda: drop_plan(record))
    return record, report


# ---------------------------------------------------------------------------
# Large files: read by the worker (people/job_kinds.py)


def roster_rows(data):
    """About how many members a file holds, from a quick look before anything parses it (the
    .xlsx archive's row tags, the .csv file's lines): 0 for a file that is not a roster, which
    read_roster then refuses with its reason."""
    if data.startswith(b"PK\x03\x04"):
        try:
            facts = check_xlsx(
                data, max_unpacked=settings.UPLOAD_MAX_UNPACKED_BYTES, max_rows=settings.ROSTER_MAX_ROWS, header_rows=1
            )
        except UploadRejected:
            return 0
        return max(facts.rows - 1, 0)
    if data.startswith(b"\xd0\xcf\x11\xe0") or b"\x00" in data[:4096]:
        return 0
    return max(data.count(b"\n") + (not data.endswith(b"\n")) - 1, 0)


def runs_in_worker(rows):
    """A roster this large is previewed and imported by the worker, the admin watching its
    progress (settings.ROSTER_WORKER_ROWS); a smaller one stays inside the request."""
    return rows > settings.ROSTER_WORKER_ROWS
