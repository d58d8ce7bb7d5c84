"""The half-year report on the 街道活动小组 as an xlsx (the same figures as the PDF): 总体情况 (a row
per group), 组织架构 (the six posts of each group), 活动清单 (each activity) and 全半年未出席委员.
Every cell goes through lianxin_site.spreadsheet.cell_value, so a title or a name starting with
= + - @ is never run as a formula."""

import io

from lianxin_site.spreadsheet import cell_value, sheet_title


def _sheet(workbook, title, columns, rows):
    from openpyxl.styles import Alignment, Font

    sheet = workbook.create_sheet(sheet_title(title))
    sheet.append([cell_value(c) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([cell_value(value) for value in row])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    return sheet


def halfyear_xlsx(figures):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    kinds = figures["kinds"]
    overview = [
        [
            g["name"],
            g["committee"],
            g["plan"],
            g["activities"],
            *g["by_kind"],
            g["invited"],
            g["present"],
            g["excused"],
            g["absent"],
            g["rate"],
            len(g["absent_all"]),
            g["opinions"],
            g["deeds"],
        ]
        for g in figures["groups"]
    ]
    t = figures["totals"]
    overview.append(
        [
            "合计",
            "",
            f"已确认 {t['plans_confirmed']} 个",
            t["activities"],
            *t["by_kind"],
            t["invited"],
            t["present"],
            t["excused"],
            t["absent"],
            t["rate"],
            t["absent_all"],
            t["opinions"],
            t["deeds"],
        ]
    )
    _sheet(
        workbook,
        "总体情况",
        [
            "街道活动小组",
            "对口专委会",
            "一街一策",
            "活动次数",
            *kinds,
            "应出席人次",
            "出席",
            "请假",
            "缺席",
            "出席率",
            "全半年未出席（人）",
            "收集意见建议（条）",
            "为民办实事（件）",
        ],
        overview,
    )
    _sheet(
        workbook,
        "组织架构",
        ["街道活动小组", "职务", "方面", "姓名", "单位及职务"],
        [[g["name"], *p] for g in figures["groups"] for p in g["positions"]],
    )
    _sheet(
        workbook,
        "活动清单",
        ["街道活动小组", "日期", "活动名称", "类型", "出席", "应出席"],
        [[g["name"], *a] for g in figures["groups"] for a in g["list"]],
    )
    _sheet(
        workbook,
        "全半年未出席委员",
        ["街道活动小组", "委员"],
        [[g["name"], who] for g in figures["groups"] for who in g["absent_all"]],
    )
    summary = workbook.create_sheet(sheet_title("工作小结"))
    summary.append([cell_value(figures["title"])])
    summary.append([cell_value(f"统计期间：{figures['period']}")])
    summary.append([cell_value(figures.get("summary") or "（尚未填写工作小结）")])
    summary.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
