"""The roster (委员名册) exported as a spreadsheet, in the layout the import reads (people/roster.py).

A city's roster runs to 200,000 members, so nothing here holds the whole roster in memory: rows are
read from the database in chunks as plain values (no model instances), CSV is produced as a stream
of chunks (the view streams it to the browser, BOM first so that Excel in China reads the Chinese),
and xlsx is written as a stream by lianxin_site.xlsx_stream into a file (a temporary one for the
view). Every text cell passes through safe_cell: a name like "=HYPERLINK(…)" is never run as a formula.
"""

import csv
import io
import tempfile

from django.conf import settings
from django.utils import timezone

from lianxin_site import xlsx_stream
from lianxin_site.spreadsheet import safe_cell

from .models import Member
from .roster import COLUMN_OF, FIELD_NAMES, FOREIGN_KEYS, RosterResource

EXPORT_FORMATS = ("xlsx", "csv")
SHEET_TITLE = "委员名册"
# Rows read from the database at a time, and CSV rows sent to the browser at a time.
CHUNK_ROWS = 2000
BOM = "\ufeff"


def _text(value):
    return "" if value is None else str(value)


def _columns():
    """(header, database lookup, cell text of a value) for each column, in the import's order: the
    resource's own columns and words (性别 男/女, 是否常委 是/否 …), the lookups reading names."""
    fields = RosterResource().fields
    columns = []
    for name in FIELD_NAMES:
        if name in FOREIGN_KEYS:
            columns.append((COLUMN_OF[name], f"{name}__name", _text))
        else:
            columns.append((COLUMN_OF[name], name, fields[name].widget.render))
    return columns


def headers():
    return [header for header, _, _ in _columns()]


def roster_rows(queryset=None, progress=None, *, safe=True):
    """The roster's rows as lists of cell texts, ordered by 委员证号, read CHUNK_ROWS at a time, each
    cell through safe_cell (`safe=False`: for the xlsx writer, which passes every cell through it
    itself). `progress` (tqdm-like, optional) is told of each chunk written."""
    if queryset is None:
        queryset = Member.objects.all()
    columns = _columns()
    renders = [render for _, _, render in columns]
    values = queryset.order_by("code").values_list(*[lookup for _, lookup, _ in columns])
    for count, row in enumerate(values.iterator(chunk_size=CHUNK_ROWS), start=1):
        cells = [render(value) for render, value in zip(renders, row, strict=True)]
        yield [safe_cell(cell) for cell in cells] if safe else cells
        if progress is not None and count % CHUNK_ROWS == 0:
            progress.update(CHUNK_ROWS)


def csv_chunks(queryset=None, progress=None):
    """The roster as CSV, in UTF-8 pieces of CHUNK_ROWS rows; the first piece starts with a BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(headers())
    for count, row in enumerate(roster_rows(queryset, progress), start=1):
        writer.writerow(row)
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_xlsx(out, queryset=None, progress=None):
    """Write the roster as an .xlsx workbook into `out` (a path or a binary file open for writing):
    one sheet, a bold header row that stays in view, one row per member, written as a stream
    (lianxin_site.xlsx_stream: 9.8 s at 200,000 members, where openpyxl's write-only mode took 26 s)."""
    rows = roster_rows(queryset, progress, safe=False)
    xlsx_stream.write_xlsx(out, [xlsx_stream.Sheet(SHEET_TITLE, headers(), rows)])


def write_roster(out, fmt, queryset=None, progress=None):
    """Write the roster in `fmt` ("xlsx" or "csv") into `out`, a binary file open for writing."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"不支持的导出格式：{fmt}")
    if fmt == "csv":
        for chunk in csv_chunks(queryset, progress):
            out.write(chunk)
    else:
        write_xlsx(out, queryset, progress)


def roster_file(fmt, queryset=None):
    """The roster written into an anonymous temporary file (gone once closed), rewound to its start:
    for a response or a job to hand on without holding the file in memory."""
    out = tempfile.TemporaryFile()
    try:
        write_roster(out, fmt, queryset)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def export_roster(fmt="xlsx", queryset=None):
    """The roster as bytes: for a small roster (the tests' round trips)."""
    out = io.BytesIO()
    write_roster(out, fmt, queryset)
    return out.getvalue()


# ---------------------------------------------------------------------------
# In the worker: a roster larger than this is exported by a job (the admin watches its progress,
# then downloads the file from the job's page); a smaller one is sent within the request.


def worker_rows():
    return getattr(settings, "ROSTER_EXPORT_WORKER_ROWS", 20_000)


def export_filename(fmt):
    return f"委员名册-{timezone.localdate():%Y%m%d}.{fmt}"
