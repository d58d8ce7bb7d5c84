"""Spreadsheet imports as the offices run them: upload → preview (a dry run that writes nothing) →
确认导入, each upload kept in private storage with who sent it and when. What every such import
shares lives here, knowing nothing about what its rows mean (the roster, the 履职成果 registry):

- reading: check_xlsx() looks at the archive before any parser does, then calamine (Rust) reads
  the first sheet, some 50 times faster than openpyxl on 10,000 rows; the header is the first
  non-blank line, every row keeps the line number Excel shows; header problems and formulas
  without a computed value become messages for the user;
- ImportReport, the preview's (and the import's) counts, changes and problems;
- UploadStatus and confirm_upload(), the claim that lets exactly one 确认导入 of an upload run.
"""

import io
from dataclasses import asdict, dataclass, field

from django import forms
from django.conf import settings
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineError, CalamineWorkbook

from .errors import DomainError
from .uploads import UploadRejected, check_xlsx, formulas_without_values

UNREADABLE = "无法读取这个 .xlsx 文件，文件可能已损坏。请在 Excel 或 WPS 中重新“另存为” .xlsx 后再上传。"


class SheetFileError(Exception):
    """The file as a whole cannot be read as the table asked for (nothing row-specific); the
    message is for the user."""


class ImportRefused(DomainError):
    """A confirmation refused: the import already ran, or is running."""


# ---------------------------------------------------------------------------
# Reading


def cell_text(value):
    """A cell as the text the user typed: numbers typed into Excel (委员证号, phones, years) come
    back as floats and read as whole numbers; full-width spaces count as spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\u3000", " ").strip()


def _calamine_rows(data):
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, IndexError) as exc:
        raise SheetFileError(UNREADABLE) from exc
    yield from rows


def xlsx_rows(data, *, max_rows):
    """(rows, formulas) of an uploaded .xlsx file's first sheet. The archive is checked first
    (settings.UPLOAD_MAX_UNPACKED_BYTES unpacked, `max_rows` rows below the header): a small file
    can unpack to gigabytes. `rows` yields each line's cell values as calamine reads them (dates
    as dates, numbers as floats); `formulas` lists [(line, column, formula)] of the cells whose
    computed value the file does not carry (they would read as empty)."""
    try:
        facts = check_xlsx(data, max_unpacked=settings.UPLOAD_MAX_UNPACKED_BYTES, max_rows=max_rows, header_rows=1)
    except UploadRejected as exc:
        raise SheetFileError(str(exc)) from exc
    return _calamine_rows(data), (formulas_without_values(data) if facts.formulas else [])


@dataclass
class Table:
    header: list  # the header's cells as text, spaces removed
    header_line: int
    rows: list  # each line below the header that holds anything, its cells as read
    lines: list  # the spreadsheet line (1-based, as Excel shows it) of each row


def find_table(rows):
    """The first line holding anything is the header; blank lines are skipped but keep their
    numbers, so that a message names the line the user sees. None when the file is empty."""
    table = None
    for line, row in enumerate(rows, start=1):
        if not any(value is not None and cell_text(value) for value in row):
            continue
        if table is None:
            header = [cell_text(value).lstrip("\ufeff").replace(" ", "") for value in row]
            table = Table(header=header, header_line=line, rows=[], lines=[])
            continue
        table.rows.append(row)
        table.lines.append(line)
    return table


def check_headers(header, line, expected, ignored=(), hint=""):
    """Raise SheetFileError unless the header names every column of `expected` once and nothing
    else (besides `ignored`). `hint` says what to upload when the file is another table."""
    present = [name for name in header if name]
    if not set(present) & set(expected):
        raise SheetFileError(f"无法识别的表格：第 {line} 行应是表头（{'、'.join(expected)}）。{hint}")
    problems = []
    missing = [name for name in expected if name not in present]
    if missing:
        problems.append(f"缺少列：{'、'.join(missing)}")
    unknown = [name for name in present if name not in expected and name not in ignored]
    if unknown:
        problems.append(f"无法识别的列：{'、'.join(unknown)}")
    repeated = sorted({name for name in present if present.count(name) > 1})
    if repeated:
        problems.append(f"重复的列：{'、'.join(repeated)}")
    if problems:
        raise SheetFileError(f"第 {line} 行的表头不对（{'；'.join(problems)}）。表头应为：{'、'.join(expected)}。")


def formula_messages(formulas, table, columns):
    """`第 N 行「列」：…` for each formula without a value in one of `columns`, below the header."""
    header = table.header
    return [
        f"第 {line} 行「{header[column]}」：这一格是公式{formula}，表格里没有它的计算结果，请改为直接填写内容后再上传。"
        for line, column, formula in formulas
        if line > table.header_line and column < len(header) and header[column] in columns
    ]


# ---------------------------------------------------------------------------
# The report


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)  # `第 N 行「列」：原因`, in line order
    changes: list = field(default_factory=list)  # the first rows created or updated, for the preview
    dry_run: bool = True

    @property
    def ok(self):
        return not self.errors

    def as_dict(self):
        return asdict(self)


# ---------------------------------------------------------------------------
# Kept uploads and the one confirmation


class UploadStatus(models.TextChoices):
    PREVIEWED = "previewed", _("待确认")
    IMPORTING = "importing", _("正在导入")
    INVALID = "invalid", _("有错误，未导入")
    IMPORTED = "imported", _("已导入")
    FAILED = "failed", _("导入失败，未写入")


class KeptUpload(models.Model):
    """What every kept upload records beside its file: the name it came with, who sent it and
    when, whether it was imported (UploadStatus) and the preview's (then the import's) report.
    Each kind declares its own `file` (where in private storage, how long a name) and Meta."""

    Status = UploadStatus

    original_name = models.CharField(_("原文件名"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    imported_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=UploadStatus.choices)
    report = models.JSONField(_("预览与结果"), default=dict)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.original_name}（{self.get_status_display()}）"

    def sent_by(self, user):
        """Only who uploaded a file confirms its import: a colleague may read the preview, the
        sender answers for what the file writes."""
        return user.is_authenticated and self.uploaded_by_id == user.pk

    def awaits(self, user):
        """Whether `user` is offered 确认导入: their own upload, still 待确认."""
        return self.sent_by(user) and self.status == UploadStatus.PREVIEWED

    @classmethod
    def keep(cls, upload, user, report, **fields):
        """Keep an uploaded file with its preview's report: 待确认 when it can be imported, else
        有错误，未导入. `fields` are the kind's own (the 履职活动 of a 签到表 …)."""
        upload.seek(0)
        return cls.objects.create(
            file=upload,
            original_name=upload.name,
            uploaded_by=user,
            status=UploadStatus.PREVIEWED if report.ok else UploadStatus.INVALID,
            report=report.as_dict(),
            **fields,
        )


def confirm_upload(model, record_id, run, noun):
    """Import a previewed upload for real, once. `model` keeps uploads (file, original_name,
    status with UploadStatus's values, report, imported_at); `run(data, original_name)` imports
    the bytes and returns an ImportReport, raising SheetFileError if the file can no longer be
    read; `noun` names the upload in messages (这份名册).

    The record is claimed first (待确认 → 正在导入, a short write that only one request can make),
    then the import runs in its own transaction: a second click, or a colleague's, is told the
    import is running or done (ImportRefused) instead of waiting behind it or importing twice.
    Returns (record, report); report is None when the stored file can no longer be read."""
    Status = UploadStatus
    record = model.objects.get(pk=record_id)
    if record.status != Status.PREVIEWED or not model.objects.filter(pk=record_id, status=Status.PREVIEWED).update(
        status=Status.IMPORTING
    ):
        record.refresh_from_db()
        refusals = {
            Status.IMPORTING: f"{noun}正在导入，请稍候刷新本页查看结果；不必再次确认。",
            Status.IMPORTED: f"{noun}已经导入过了，没有重复导入。",
        }
        raise ImportRefused(refusals.get(record.status, f"{noun}{record.get_status_display()}，不能导入。"))
    report = None
    try:
        with record.file.open("rb") as stored:
            data = stored.read()
        report = run(data, record.original_name)
    except SheetFileError as exc:  # the stored file can no longer be read
        record.report = {**record.report, "errors": [str(exc)]}
    except BaseException:
        model.objects.filter(pk=record_id).update(status=Status.FAILED, imported_at=timezone.now())
        raise
    else:
        record.report = report.as_dict()
    record.status = Status.IMPORTED if report and report.ok else Status.FAILED
    record.imported_at = timezone.now()
    record.save(update_fields=["report", "status", "imported_at"])
    return record, report


# --- the views every kept upload shares


def confirm_and_tell(request, pk, confirm, *, preview, done, changed):
    """确认导入 from an upload's preview page: run `confirm(pk, user)` (→ record, report), tell the
    user what happened (`done(report)` on success; `changed` when the file no longer imports;
    ImportRefused's own message when it was already imported or is being imported) and go back
    to the preview (url name `preview`)."""
    from django.contrib import messages
    from django.shortcuts import redirect

    try:
        record, report = confirm(pk, request.user)
    except ImportRefused as exc:
        messages.info(request, str(exc))
    else:
        if record.status == UploadStatus.IMPORTED:
            messages.success(request, done(report))
        else:
            messages.error(request, changed)
    return redirect(preview, pk=pk)


def preview_upload(form, check, keep):
    """The upload step every import shares: once the form's file passes its checks, `check(upload)`
    reads it as a dry run (→ ImportReport) and `keep(upload, report)` stores it with its preview
    (→ the kept record). Returns the record, or None: the form is unbound or invalid, or the file
    could not be read, which becomes the form's error on 「文件」."""
    if not (form.is_bound and form.is_valid()):
        return None
    upload = form.cleaned_data["file"]
    try:
        report = check(upload)
    except SheetFileError as exc:
        form.add_error("file", str(exc))
        return None
    return keep(upload, report)


def kept_file_response(record):
    """A kept upload's own file, from private storage (which the web server never serves)."""
    from django.http import FileResponse, Http404

    if not record.file or not record.file.storage.exists(record.file.name):
        raise Http404("原文件已不存在。")
    return FileResponse(record.file.open("rb"), as_attachment=True, filename=record.original_name)


# ---------------------------------------------------------------------------
# The upload form


class XlsxUploadForm(forms.Form):
    """The file field of every spreadsheet import: its size and name are checked here, before any
    reader opens the file (the archive itself is checked by uploads.check_xlsx when it is read).
    A kind names its table (`table`, as the user calls it), its header (`columns`), its limit
    (a method `max_bytes()`, read when the form is checked, so that settings changed by a test or
    an operator apply), and what to do with a file too big (`too_big_hint`)."""

    table = "表格"
    columns = ()
    too_big_hint = ""

    file = forms.FileField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        field.label = self.table
        field.help_text = self.help_text()
        field.error_messages = {
            **field.error_messages,
            "required": f"请选择要上传的{self.table}。",
            "empty": "文件是空的，没有任何内容。",
        }

    def help_text(self):
        return "Excel（.xlsx）文件，第一行为表头：" + "、".join(self.columns) + "。"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = self.max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                f"「{self.table}」：文件太大（{filesizeformat(upload.size)}），不能超过 {filesizeformat(limit)}。"
                + self.too_big_hint
            )
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                f"「{self.table}」：只接受 Excel（.xlsx）文件（旧版 .xls 请先“另存为” .xlsx）。"
            )
        return upload
