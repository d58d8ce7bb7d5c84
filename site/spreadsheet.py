"""Spreadsheets the platform writes: cells that Excel and WPS will not run as formulas (CSV/formula
injection), and the one-sheet tables the offices export."""

import datetime
import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# openpyxl's ILLEGAL_CHARACTERS_RE (C0 controls but tab and line breaks), and U+FFFE, U+FFFF.
CELL_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]|[\ufffe\uffff]")


def safe_cell(value):
    """Text as a cell holds it: never run as a formula, and without the control characters (a
    vertical tab pasted from Word) that the xlsx format cannot hold."""
    if isinstance(value, str):
        value = CELL_ILLEGAL.sub("", value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


def unsafe_cell(value):
    """Undo safe_cell, so that an exported sheet imports back unchanged."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


# Excel refuses these in a sheet's name; their full-width forms read the same to a Chinese reader.
SHEET_TITLE_CHARACTERS = str.maketrans({":": "：", "/": "／", "\\": "＼", "?": "？", "*": "＊", "[": "［", "]": "］"})


def sheet_title(name):
    """`name` as a valid sheet name: no : / \\ ? * [ ], no apostrophe at either end, at most 31
    characters (a unit or a year may be called anything)."""
    title = CELL_ILLEGAL.sub("", str(name)).translate(SHEET_TITLE_CHARACTERS).strip("'")[:31].strip("'")
    return title or "Sheet1"


def cell_value(value):
    """A value as a spreadsheet cell: text safe from formulas, dates and times as real dates
    (Excel sorts and filters them), times in Beijing time."""
    from django.utils import timezone
    from django.utils.functional import Promise

    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.make_naive(timezone.localtime(value))
    return safe_cell(value)


def table_xlsx(title, columns, objects):
    """A one-sheet workbook: a bold header row of `columns` [(header, value_of)] and one row per
    object, every cell through cell_value (formulas neutralised, dates and times as real dates in
    Beijing time), text wrapped at the top of its cell, header frozen. Returns the file's bytes.
    Written as a stream (xlsx_stream): the rows are never all held as a sheet in memory."""
    from .xlsx_stream import Sheet, xlsx_bytes

    rows = ([value_of(obj) for _, value_of in columns] for obj in objects)
    return xlsx_bytes([Sheet(title, [header for header, _ in columns], rows, wrap=True)])


def import_template(title, columns, *, guide, widths, lists=(), formats=(), wrap=(), rows=1000):
    """The blank workbook an import hands out: a bold header of `columns` on a sheet `title`, for
    `rows` rows a drop-down of `lists` [(column letter, words)] and the cell `formats`
    [(column letter, number format: "@" keeps 0015 as text)], `wrap` columns wrapped, `widths`
    (one per column), the header frozen; and a second sheet 填写说明 of `guide` [(列, 填写方法)]
    (imports read the first sheet only). Returns the file's bytes."""
    import io

    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import column_index_from_string, get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, words in lists:
        validation = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True)
        validation.error = f"请从列表中选择：{'、'.join(words)}"
        validation.add(f"{column}2:{column}{rows + 1}")
        sheet.add_data_validation(validation)
    styled = [(column_index_from_string(c), f, None) for c, f in formats]
    styled += [(column_index_from_string(c), None, Alignment(wrap_text=True, vertical="top")) for c in wrap]
    for row in range(2, rows + 2):
        for index, number_format, alignment in styled:
            cell = sheet.cell(row=row, column=index)
            if number_format:
                cell.number_format = number_format
            if alignment:
                cell.alignment = alignment
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "填写方法"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for line in guide:
        notes.append(list(line))
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 90
    for line in notes.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
