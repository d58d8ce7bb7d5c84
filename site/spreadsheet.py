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
