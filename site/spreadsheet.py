"""Spreadsheets the platform writes: cells that Excel and WPS will not run as formulas (CSV/formula
injection), and the one-sheet tables the offices export."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
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
    title = str(name).translate(SHEET_TITLE_CHARACTERS).strip("'")[:31].strip("'")
    return title or "Sheet1"


def table_xlsx(title, columns, objects):
    """A one-sheet workbook: a bold header row of `columns` [(header, value_of)] and one row per
    object, formulas neutralised, text wrapped, header frozen. Returns the file's bytes."""
    import io

    import openpyxl
    from django.utils.functional import Promise
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    sheet.append([header for header, _ in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for obj in objects:
        values = (value_of(obj) for _, value_of in columns)
        sheet.append([safe_cell(str(value) if isinstance(value, Promise) else value) for value in values])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
