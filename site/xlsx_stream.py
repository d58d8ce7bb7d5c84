"""Big tables as .xlsx, written as a stream: the worksheet XML as text, row by row, straight into the
zip archive, which goes into a file (or memory for a small table).

openpyxl, even in write-only mode and through lxml, builds an object per cell and serialises it
element by element: 26 s for the 200,000-member roster (2.4 million cells) on the server, 48 s
without lxml, the issue's target being 20 s; this writer takes under 10 s (benchmarks/export.py). A table of plain values needs none of that. An .xlsx is a zip of a few
fixed XML parts ([Content_Types].xml, the relationships, the workbook, the styles) plus one XML
part per sheet, and only the sheets grow with the data.

Cells: every text cell goes through spreadsheet.safe_cell (never run as a formula, no control
characters), is XML-escaped, and is written as an inline string (`t="inlineStr"`): a shared
strings table would make the file smaller but has to hold every distinct text in memory until the
end, and a roster's names, codes and phones are nearly all distinct. Characters XML 1.0 forbids
(the C0 controls, lone surrogates, U+FFFE/U+FFFF) are removed again from each row as written, so
no value can make the file unreadable. Numbers are numbers, booleans booleans, dates and times
real dates (serial numbers with a yyyy-mm-dd or yyyy-mm-dd hh:mm style, Beijing time, as
spreadsheet.cell_value gives them), `Percent(x)` a share shown as 0.0%, None or "" an empty cell.
The header row is bold; a sheet may be frozen below its header, have column widths, and wrap its
text at the top of each cell (the offices' tables). Read back by openpyxl (normal and read-only),
calamine, Excel and WPS.
"""

import datetime
import io
import math
import re
import zipfile
from decimal import Decimal
from itertools import islice

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from .spreadsheet import cell_value, safe_cell, sheet_title

# zlib level 3. The roster at 200,000 members (128 MB of sheet XML): level 1 7.2 s and 14.3 MB,
# level 3 7.4 s and 13.1 MB, level 6 8.2 s and 11.7 MB, level 9 15.5 s and 11.0 MB.
COMPRESS_LEVEL = 3
# Rows joined into one write to the archive.
ROWS_PER_WRITE = 1000

EPOCH = datetime.datetime(1899, 12, 30)
SECONDS_A_DAY = 86400

# Characters XML 1.0 does not allow (tab, line feed and carriage return are allowed).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Percent(float):
    """A share, shown as 0.0%."""


# Style indexes (cellXfs in STYLES): the header's, then a body cell's (text, date, time, share), as
# is or wrapped at the top of the cell.
BOLD = 1
BODY = (0, 2, 3, 4)
BODY_WRAPPED = (5, 6, 7, 8)

_FORMATS = (
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/><numFmt numFmtId="166" formatCode="0.0%"/></numFmts>'
)
_XF = '<xf numFmtId="{fmt}" fontId="{font}" fillId="0" borderId="0" xfId="0"{apply}>{align}</xf>'
_WRAP = '<alignment wrapText="1" vertical="top"/>'


def _xf(fmt=0, font=0, wrap=False):
    apply = (' applyNumberFormat="1"' if fmt else "") + (' applyFont="1"' if font else "")
    apply += ' applyAlignment="1"' if wrap else ""
    return _XF.format(fmt=fmt, font=font, apply=apply, align=_WRAP if wrap else "")


_CELL_XFS = [_xf(), _xf(font=1), _xf(fmt=164), _xf(fmt=165), _xf(fmt=166)]
_CELL_XFS += [_xf(wrap=True), _xf(fmt=164, wrap=True), _xf(fmt=165, wrap=True), _xf(fmt=166, wrap=True)]
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    f"{_FORMATS}"
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    f'<cellXfs count="{len(_CELL_XFS)}">{"".join(_CELL_XFS)}</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CONTENT_TYPES = (
    f"{XML_HEAD}"
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}</Types>"
)
ROOT_RELS = (
    f'{XML_HEAD}<Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{DOCUMENT_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)


def _escape(text):
    """Text as XML character data; a carriage return kept as a reference (a parser would read a
    bare one as a line feed)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def _text_cell(ref, text, style):
    s = f' s="{style}"' if style else ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


def _s(style):
    return f' s="{style}"' if style else ""


def _cell(ref, value, styles):
    """One cell's XML, or "" for an empty cell; `styles` BODY or BODY_WRAPPED."""
    text, date, time, share = styles
    if type(value) is str:  # the common case first: most cells are text, written here (no call)
        if not value:
            return ""
        value = safe_cell(value)
        s = f' s="{text}"' if text else ""
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>'
    value = cell_value(value)  # dates and times in Beijing time, lazy Chinese text as text
    if value is None:
        return ""
    if isinstance(value, str):
        return _text_cell(ref, value, text) if value else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{_s(text)} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Percent):
        return f'<c r="{ref}" s="{share}"><v>{float(value)!r}</v></c>'
    if isinstance(value, int) or (isinstance(value, float | Decimal) and math.isfinite(value)):  # not NaN or ±inf
        return f'<c r="{ref}"{_s(text)}><v>{value}</v></c>'
    if isinstance(value, datetime.datetime):
        serial = (value - EPOCH).total_seconds() / SECONDS_A_DAY
        return f'<c r="{ref}" s="{time}"><v>{serial!r}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c r="{ref}" s="{date}"><v>{(value - EPOCH.date()).days}</v></c>'
    return _cell(ref, str(value), styles)


class Sheet:
    """One worksheet: a bold `header` row, then `rows` (any iterable of sequences, read once, as
    written). `widths` in characters, column by column; `freeze` the top-left cell that stays in
    view's corner ("A2": the header row stays, None: nothing frozen); `wrap`: the body's cells wrap
    their text, aligned to the top."""

    def __init__(self, title, header, rows, *, widths=(), freeze="A2", wrap=False):
        self.title, self.header, self.rows = sheet_title(title), list(header), rows
        self.widths, self.freeze, self.styles = widths, freeze, BODY_WRAPPED if wrap else BODY

    def _view(self):
        if not self.freeze:
            return ""
        column, row = coordinate_from_string(self.freeze)
        x_split, y_split = column_index_from_string(column) - 1, row - 1
        if not (x_split or y_split):
            return ""
        split = (f' xSplit="{x_split}"' if x_split else "") + (f' ySplit="{y_split}"' if y_split else "")
        pane = "bottomRight" if x_split and y_split else ("bottomLeft" if y_split else "topRight")
        return (
            f'<sheetViews><sheetView workbookViewId="0"><pane{split} topLeftCell="{self.freeze}" '
            f'activePane="{pane}" state="frozen"/><selection pane="{pane}"/></sheetView></sheetViews>'
        )

    def chunks(self):
        """The worksheet's XML as text, ROWS_PER_WRITE rows a piece."""
        head = [XML_HEAD, f"<worksheet {MAIN} {REL}>", self._view()]
        if self.widths:
            cols = "".join(
                f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(self.widths, 1)
            )
            head.append(f"<cols>{cols}</cols>")
        header = "".join(
            _text_cell(f"{get_column_letter(i)}1", safe_cell(str(v)), BOLD) for i, v in enumerate(self.header, 1) if v
        )
        head += ["<sheetData>", f'<row r="1">{header}</row>']
        yield "".join(head)
        letters = [get_column_letter(i) for i in range(1, len(self.header) + 1)]
        styles, rows, number = self.styles, iter(self.rows), 1
        while batch := list(islice(rows, ROWS_PER_WRITE)):
            written = []
            for row in batch:
                number += 1
                n = str(number)
                cells = "".join([_cell(letter + n, value, styles) for letter, value in zip(letters, row, strict=False)])
                written.append(f'<row r="{n}">{cells}</row>')
            yield XML_ILLEGAL.sub("", "".join(written))
        yield "</sheetData></worksheet>"


def write_xlsx(out, sheets, *, level=COMPRESS_LEVEL):
    """Write `sheets` (Sheet, in order) as an .xlsx workbook into `out`: a path or a binary file open
    for writing. Only a few rows are held in memory at a time."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{SHEET_CONTENT}"/>'
            for n in range(1, len(sheets) + 1)
        )
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(sheets=overrides))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        entries = "".join(
            f'<sheet name="{_escape(s.title).replace(chr(34), "&quot;")}" sheetId="{n}" r:id="rId{n}"/>'
            for n, s in enumerate(sheets, 1)
        )
        archive.writestr("xl/workbook.xml", f"{XML_HEAD}<workbook {MAIN} {REL}><sheets>{entries}</sheets></workbook>")
        rels = "".join(
            f'<Relationship Id="rId{n}" Type="{DOCUMENT_RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(sheets) + 1)
        )
        rels += f'<Relationship Id="rId{len(sheets) + 1}" Type="{DOCUMENT_RELS}/styles" Target="styles.xml"/>'
        archive.writestr(
            "xl/_rels/workbook.xml.rels", f'{XML_HEAD}<Relationships xmlns="{PACKAGE_RELS}">{rels}</Relationships>'
        )
        for n, sheet in enumerate(sheets, 1):
            with archive.open(f"xl/worksheets/sheet{n}.xml", "w") as stream:
                for chunk in sheet.chunks():
                    stream.write(chunk.encode("utf-8"))


def xlsx_bytes(sheets, *, level=COMPRESS_LEVEL):
    """The .xlsx bytes of `sheets`: for a table small enough to hold in memory."""
    buffer = io.BytesIO()
    write_xlsx(buffer, sheets, level=level)
    return buffer.getvalue()
