"""A 社情民意报送 as a spreadsheet: one row per item (序号, 标题, 类别, 反映单位, 内容), every cell
formula-safe (lianxin_site.spreadsheet). The items come from leads (stripped of the citizen's
personal data) or were typed by 研究室, so no citizen's name reaches the sheet."""

from lianxin_site.spreadsheet import table_xlsx

from .batches import items_of

COLUMNS = [
    ("序号", lambda row: row[0]),
    ("标题", lambda row: row[1].title),
    ("类别", lambda row: row[1].get_category_display()),
    ("反映单位", lambda row: row[1].source),
    ("内容", lambda row: row[1].content),
]


def batch_xlsx(batch):
    rows = list(enumerate(items_of(batch), start=1))
    return table_xlsx(f"社情民意{batch.issue_no}", COLUMNS, rows)


def batch_filename(batch, ext):
    return f"社情民意-{batch.issue_no}.{ext}"
