"""Spreadsheet cells that Excel and WPS will not run as formulas (CSV/formula injection)."""

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
