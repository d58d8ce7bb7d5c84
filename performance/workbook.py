"""A streaming .xlsx writer for big plain tables (the 委员年度履职统计: 50,000 ledger entries).

openpyxl's write-only mode builds an element per cell and serialises it through et_xmlfile
(lxml is not installed): some 12 s for 600,000 cells on the server, over the 5 s the offices
wait. A sheet of plain values needs none of that: this writes the worksheet XML as text,
straight into the zip, row by row, with the three styles the platform's exports use (a bold
header, dates as yyyy-mm-dd, shares as 0.0%). It knows nothing about the domain and belongs in
lianxin_site/spreadsheet.py beside table_xlsx once a second export needs it.

Cells: text is written as inline strings (never a formula: there is no <f> in this writer; the
caller still passes user text through cell_value, as every export does), numbers as numbers,
dates as dates, `Percent(x)` as a share, None as an empty cell. Read back by openpyxl, calamine,
Excel and WPS."""

import datetime
import io
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

from lianxin_site.spreadsheet import CELL_ILLEGAL, sheet_title

EPOCH = datetime.date(1899, 12, 30)
BOLD, DATE, PERCENT = 1, 2, 3  # style indexes in STYLES


class Percent(float):
    """A share, shown as 0.0%."""


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}</Types>"
)
SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="0.0%"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _text(value):
    return escape(CELL_ILLEGAL.sub("", value))


def _cell(ref, value, style=0):
    s = f' s="{style}"' if style else ""
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{_text(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{s}><v>{int(value)}</v></c>'
    if isinstance(value, Percent):
        return f'<c r="{ref}" s="{PERCENT}"><v>{float(value)!r}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c r="{ref}" s="{DATE}"><v>{(value - EPOCH).days}</v></c>'
    return _cell(ref, str(value), style)


class Sheet:
    def __init__(self, title, header, rows, widths=(), freeze="A2"):
        self.title, self.header, self.rows, self.widths, self.freeze = sheet_title(title), header, rows, widths, freeze

    def chunks(self):
        """The worksheet's XML, a row at a time."""
        letters = [get_column_letter(i) for i in range(1, len(self.header) + 1)]
        yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {MAIN} {REL}>'
        if self.freeze:
            column = "".join(c for c in self.freeze if c.isalpha())
            row = int("".join(c for c in self.freeze if c.isdigit()))
            x_split, y_split = ord(column) - ord("A"), row - 1
            split = (f' xSplit="{x_split}"' if x_split else "") + (f' ySplit="{y_split}"' if y_split else "")
            pane = "bottomRight" if x_split and y_split else ("bottomLeft" if y_split else "topRight")
            yield (
                f'<sheetViews><sheetView workbookViewId="0"><pane{split} topLeftCell="{self.freeze}" '
                f'activePane="{pane}" state="frozen"/></sheetView></sheetViews>'
            )
        if self.widths:
            cols = "".join(
                f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(self.widths, 1)
            )
            yield f"<cols>{cols}</cols>"
        yield "<sheetData>"
        head = "".join(_cell(f"{letters[i]}1", v, BOLD) for i, v in enumerate(self.header))
        yield f'<row r="1">{head}</row>'
        for number, row in enumerate(self.rows, 2):
            cells = "".join(_cell(f"{letters[i]}{number}", v) for i, v in enumerate(row) if v is not None and v != "")
            yield f'<row r="{number}">{cells}</row>'
        yield "</sheetData></worksheet>"


def write_xlsx(sheets):
    """The .xlsx bytes of `sheets` (Sheet), written as a stream into the archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as archive:
        overrides = "".join(SHEET_TYPE.format(n=n) for n in range(1, len(sheets) + 1))
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(sheets=overrides))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        entries = "".join(
            f'<sheet name="{escape(s.title, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
            for n, s in enumerate(sheets, 1)
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook {MAIN} {REL}><sheets>{entries}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{n}" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(sheets) + 1)
        ) + (
            f'<Relationship Id="rId{len(sheets) + 1}" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        for n, sheet in enumerate(sheets, 1):
            with archive.open(f"xl/worksheets/sheet{n}.xml", "w") as stream:
                batch = []
                for chunk in sheet.chunks():
                    batch.append(chunk)
                    if len(batch) >= 2000:
                        stream.write("".join(batch).encode())
                        batch = []
                stream.write("".join(batch).encode())
    return buffer.getvalue()
