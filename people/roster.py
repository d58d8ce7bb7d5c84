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
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
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
    width = len(header)
    for row in table.rows:
        row = ([cell_text(value) for value in row] + [""] * width)[:width]
        dataset.append([row[i] for i in keep])
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
    """Roster rows <-> Member, tuned for whole-roster imports: lookups preloaded, members
    fetched in chunks by 委员证号, validation without queries, bulk writes."""

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
        import_order = fields
        export_order = fields
        import_id_fields = ("code",)
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        skip_unchanged = True
        clean_model_instances = False
        use_transactions = True

    def __init__(self, lines=None, progress=None, **kwargs):
        super().__init__(**kwargs)
        self.lines = lines
        self.progress = progress
        self.changes = []
        self._existing = {}
        self._first_line = {}
        self._before = None
        # What the import writes, row by row (RosterPlan): the preview keeps it for 确认导入.
        self.creates = []
        self.updates = []

    # -- line numbers as the spreadsheet shows them
    def line_of(self, number):
        if self.lines is None:
            return number + 1  # header on line 1
        return self.lines[number - 1]

    # -- loading
    def before_import(self, dataset, **kwargs):
        for name in FOREIGN_KEYS:
            self.fields[name].widget.load()
        codes = []
        for number, raw in enumerate(dataset["委员证号"], start=1):
            code = _code_of({"委员证号": raw})
            if code:
                codes.append(code)
                self._first_line.setdefault(code, self.line_of(number))
        unique = list(dict.fromkeys(codes))
        for start in range(0, len(unique), CODE_CHUNK):
            chunk = unique[start : start + CODE_CHUNK]
            for member in Member.objects.filter(code__in=chunk):
                self._existing[member.code] = member

    def get_instance(self, instance_loader, row):
        return self._existing.get(_code_of(row))

    def before_import_row(self, row, row_number=None, **kwargs):
        code = _code_of(row)
        first = self._first_line.get(code)
        if code and first is not None and first != self.line_of(row_number):
            raise ValidationError({"code": f"“{code}”在文件中重复出现，第 {first} 行已有这个委员证号。"})

    def after_init_instance(self, instance, new, row, **kwargs):
        self._before = None if new else self.snapshot(instance)

    @staticmethod
    def snapshot(instance):
        return tuple(getattr(instance, f"{name}_id" if name in FOREIGN_KEYS else name) for name in FIELD_NAMES)

    # -- validation without per-row queries
    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or self._before is None:
            return False
        return self.snapshot(instance) == self._before

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            # Foreign keys are resolved from the preloaded maps; uniqueness of 委员证号 is
            # the import key itself. Neither needs a query per row.
            instance.clean_fields(exclude=list(errors) + list(FOREIGN_KEYS) + ["photo"])
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        values = [getattr(instance, name) for name in PLAN_COLUMNS]
        if is_create:
            self.creates.append(values)
        else:
            self.updates.append([instance.pk, *values])
        super().save_instance(instance, is_create, row, **kwargs)

    # The preview (dry run) writes nothing, not even to roll it back: what it would write is the
    # plan (creates, updates) that 确认导入 writes, catching the database's refusals there.
    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if dry_run:
            self.create_instances.clear()
            return
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if dry_run:
            self.update_instances.clear()
            return
        super().bulk_update(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        if self.progress is not None:
            self.progress.update(1)
        return row_result

    def after_import_row(self, row, row_result, row_number=None, **kwargs):
        if row_result.import_type not in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE):
            return
        if len(self.changes) >= PREVIEW_LIMIT:
            return
        entry = {
            "line": self.line_of(row_number),
            "type": row_result.import_type,
            "code": _code_of(row),
            "name": cell_text(row.get("姓名")),
            "changed": [],
        }
        if row_result.import_type == RowResult.IMPORT_TYPE_UPDATE:
            entry["changed"] = self._changed_columns(row)
        self.changes.append(entry)

    def _changed_columns(self, row):
        changed = []
        for index, name in enumerate(FIELD_NAMES):
            if COLUMN_OF[name] not in row:  # an optional column the file leaves out
                continue
            old = self._before[index]
            new = self.fields[name].clean(row)
            new = getattr(new, "pk", new)
            if old != new:
                changed.append(
                    {
                        "column": COLUMN_OF[name],
                        "old": self._display(name, old),
                        "new": self._display(name, new),
                    }
                )
        return changed

    def _display(self, name, value):
        if value is None:
            return ""
        if name in FOREIGN_KEYS:
            return self.fields[name].widget.name_of(value)
        return self.fields[name].widget.render(value)

    def after_import(self, dataset, result, **kwargs):
        """Primary keys are never imported, so there is no sequence to reset."""


FIELD_NAMES = RosterResource._meta.fields
COLUMN_OF = {name: f.column_name for name, f in RosterResource.fields.items()}
# The member's columns an import writes (foreign keys as their ids).
PLAN_COLUMNS = tuple(f"{name}_id" if name in FOREIGN_KEYS else name for name in FIELD_NAMES)


# ---------------------------------------------------------------------------
# Services


def _base_error_message(error):
    if isinstance(error, IntegrityError):
        # Another import (or an edit) wrote the same 委员证号 while this one ran.
        return "导入时名册被其他人同时修改（委员证号冲突），没有写入任何数据。请重新上传预览后再确认。"
    return f"导入时发生错误：{error}"


def _row_messages(result, resource):
    messages = []
    for invalid in result.invalid_rows:
        line = resource.line_of(invalid.number)
        for name, errors in invalid.error_dict.items():
            column = COLUMN_OF.get(name)
            where = f"第 {line} 行「{column}」" if column else f"第 {line} 行"
            if name == NON_FIELD_ERRORS:
                where = f"第 {line} 行"
            for message in errors:
                messages.append((line, f"{where}：{message}"))
    for number, errors in result.row_errors():
        line = resource.line_of(number)
        for error in errors:
            messages.append((line, f"第 {line} 行：无法导入（{error.error}）。"))
    messages.sort(key=lambda item: item[0])
    return [message for _, message in messages]


def import_roster(data, filename="", dry_run=True, progress=None):
    # `progress`: optional tqdm-like object (reset(total=…), update(n)).
    """Validate (dry_run) or import a roster file. All or nothing: a report with errors
    means nothing was written. Raises RosterFileError when the file is not a roster."""
    return _import(data, filename, dry_run, progress)[0]


def _import(data, filename, dry_run, progress):
    """(report, plan): the plan (what the import writes, RosterPlan) is None when the file has
    errors."""
    report = ImportReport(dry_run=dry_run)
    sheet = read_roster(data, filename)
    if sheet.formula_errors:  # nothing is imported; say which cells before any other check
        report.total = len(sheet.dataset)
        report.errors = sheet.formula_errors
        return report, None
    if progress is not None:
        progress.reset(total=len(sheet.dataset))
    codes = list(
        dict.fromkeys(code for code in (_code_of({"委员证号": raw}) for raw in sheet.dataset["委员证号"]) if code)
    )
    # Taken before the rows are read, so that a change made meanwhile shows as a change at 确认导入.
    fingerprint = roster_fingerprint(codes) if dry_run else ""
    resource = RosterResource(lines=sheet.lines, progress=progress)
    with transaction.atomic():
        result = resource.import_data(
            sheet.dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
        errors = [_base_error_message(error.error) for error in result.base_errors]
        errors += _row_messages(result, resource)
        if errors and not dry_run:
            transaction.set_rollback(True)
        elif not dry_run:
            from lianxin_site.cache import clear_public_cache

            transaction.on_commit(clear_public_cache)

    totals = result.totals
    report.total = result.total_rows
    report.created = totals[RowResult.IMPORT_TYPE_NEW]
    report.updated = totals[RowResult.IMPORT_TYPE_UPDATE]
    report.unchanged = totals[RowResult.IMPORT_TYPE_SKIP]
    report.errors = errors
    report.changes = resource.changes
    plan = None
    if not errors:
        plan = RosterPlan(fingerprint, codes, resource.creates, resource.updates)
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


def roster_fingerprint(codes):
    """A digest of everything a roster import reads from the database: the reference data its
    cells name, and the stored members with the file's 委员证号 (absent ones included)."""
    digest = hashlib.sha256()
    for model, columns in ((Sector, ()), (Party, ()), (SpecialCommittee, ()), (StreetGroup, ("street",))):
        for row in model.objects.order_by("pk").values_list("pk", "name", *columns):
            digest.update(repr(row).encode())
    unique = sorted(set(codes))
    for start in range(0, len(unique), CODE_CHUNK):
        chunk = unique[start : start + CODE_CHUNK]
        for row in Member.objects.filter(code__in=chunk).order_by("code").values_list("pk", *PLAN_COLUMNS):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def plan_name(record):
    return f"{record.file.name}.plan.json.gz"


def preview_upload(data, name, user, progress=None):
    """The preview of an uploaded roster, kept (RosterImport, 待确认 or 有错误，未导入) with its plan
    for 确认导入. Raises RosterFileError when the file is not a roster."""
    report, plan = _import(data, name, True, progress)
    record = RosterImport.keep(ContentFile(data, name=name), user, report)
    if plan is not None:
        record.file.storage.save(plan_name(record), ContentFile(plan.dumps()))
    return record


def _apply(plan, report, progress):
    """Write the plan's members in bulk, all or nothing; the report says what was written."""
    done = ImportReport(**{**report, "dry_run": False})
    if progress is not None:
        progress.reset(total=len(plan.creates) + len(plan.updates))
    try:
        with transaction.atomic():
            for start in range(0, len(plan.creates), CODE_CHUNK):
                rows = plan.creates[start : start + CODE_CHUNK]
                Member.objects.bulk_create([Member(**dict(zip(PLAN_COLUMNS, row, strict=True))) for row in rows])
                if progress is not None:
                    progress.update(len(rows))
            fields = [name for name in FIELD_NAMES if name != "code"]
            for start in range(0, len(plan.updates), CODE_CHUNK):
                rows = plan.updates[start : start + CODE_CHUNK]
                members = [Member(pk=row[0], **dict(zip(PLAN_COLUMNS, row[1:], strict=True))) for row in rows]
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
        if storage.exists(plan_name(record)):
            with storage.open(plan_name(record), "rb") as handle:
                plan = RosterPlan.loads(handle.read())
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
    return confirm_upload(RosterImport, record_id, _confirm_run(record_id, progress), "这份名册")


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
