"""The blank 五个一活动备案表 as a spreadsheet, for those who fill it in Excel or WPS rather than by
hand: the paper form's layout (title, date line, the five rows, the notes) with empty boxes."""

import io

from lianxin_site.committee import committee_name
from lianxin_site.spreadsheet import safe_cell

# The form's rows under the first (党派、界别名称 | 界别组长姓名), as on paper (seed 000 附件).
FILING_ROWS = [
    "明确一个活动主题",
    "组织一次走进基层活动",
    "提交一篇履职成果",
    "展示一名委员履职风采",
    "提交一批履职心语",
]


def filing_notes(name):
    return [
        "注：",
        f"1.《{name}“五个一活动”备案表》请从{name}网站公告栏内下载。",
        "2.界别组长请在3月底前将此表反馈所联系专委会工作室；各党派负责人请在3月底前将此表反馈专委会工作六室。",
        "3.各专委会工作室在3月底前将此表收齐统一交专委会工作六室存档。",
    ]


def blank_filing_xlsx():
    """The workbook's bytes: one A4 sheet, columns A–D as the PDF's four, the boxes bordered and empty."""
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, Side

    name = committee_name()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "五个一活动备案表"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    for column, width in zip("ABCD", (18, 30, 18, 30), strict=True):
        sheet.column_dimensions[column].width = width
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    middle = Alignment(horizontal="center", vertical="center", wrap_text=True)

    sheet.merge_cells("A1:D1")
    sheet["A1"] = safe_cell(f"{name}委员基层日“五个一活动”备案表")
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = middle
    sheet.row_dimensions[1].height = 36
    sheet.merge_cells("A2:D2")
    sheet["A2"] = "年　　月　　日"
    sheet["A2"].alignment = Alignment(horizontal="right")

    sheet["A3"], sheet["C3"] = "党派、界别名称", "界别组长姓名"
    sheet.row_dimensions[3].height = 36
    for column in "ABCD":
        sheet[f"{column}3"].border = box
        sheet[f"{column}3"].alignment = middle
    for row, heading in enumerate(FILING_ROWS, start=4):
        sheet.merge_cells(f"B{row}:D{row}")
        sheet[f"A{row}"] = heading
        sheet.row_dimensions[row].height = 90
        for column in "ABCD":
            sheet[f"{column}{row}"].border = box
            sheet[f"{column}{row}"].alignment = middle if column == "A" else Alignment(vertical="top", wrap_text=True)
    first_note = 4 + len(FILING_ROWS) + 1
    for offset, line in enumerate(filing_notes(name)):
        row = first_note + offset
        sheet.merge_cells(f"A{row}:D{row}")
        sheet[f"A{row}"] = safe_cell(line)
        sheet[f"A{row}"].alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = 30
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
