"""The 三联系 tables as an xlsx: one sheet per table (落实情况, 按月汇总, the half-year report), a bold
header, every cell through lianxin_site.spreadsheet.cell_value (as table_xlsx does), so a name or a
note starting with = + - @ is never run as a formula."""

import io

from lianxin_site.spreadsheet import cell_value, sheet_title


def tables_xlsx(tables):
    """The bytes of a workbook with one sheet per reports.Table (its title the sheet's name)."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    used = set()
    for table in tables:
        title = sheet_title(table.title)
        n = 2
        while title in used:  # two tables of one name (never today): keep both sheets
            title = sheet_title(f"{table.title[:28]}{n}")
            n += 1
        used.add(title)
        sheet = workbook.create_sheet(title)
        sheet.append([cell_value(c) for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([cell_value(value) for value in row])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        if table.note:
            sheet.append([])
            sheet.append([cell_value(table.note)])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
