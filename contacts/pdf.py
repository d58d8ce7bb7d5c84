"""The half-year report as an A4 PDF, through forms_app.pdf.render_pdf (WeasyPrint, one CJK face
embedded as a subset): the heading 「2026年上半年“三联系”工作落实情况报告」, coverage, the 落实情况
tables, the totals per 专委会, the members below quota by name and the staff's 情况分析.

It is drawn from `figures` (reports.half_year_figures, or an issued report's snapshot), never from
the live tables directly, so the kept PDF and the issued page show the same numbers.

The two tables with a row per member (未达到联系指标的委员, 常委召集集体座谈会) are printed as a written
report prints them: by 专委会, the names of those behind and what they lack, in running text. The
full tables are in the report's xlsx. A 300-member roster laid out as table rows takes WeasyPrint
some 4 s and 11 pages; as running text, one page and a fraction of the time."""

from dataclasses import dataclass, field

from django.utils import timezone

from forms_app.pdf import render_pdf

from .reports import LOW, tables_of

# The columns of reports.shortfall_table and reports.forum_table the running text reads.
NAME, COMMITTEE = 1, 3
SHORTFALL_TEXT = -1
FORUM_HALVES = ((5, "上半年"), (6, "下半年"))


@dataclass
class Names:
    """A member-per-row table as running text: [(专委会, ["王丽（联系活动 3/4）", …])]."""

    lead: str
    empty: str
    total: int = 0
    groups: list = field(default_factory=list)


def _grouped(items):
    groups = {}
    for committee, text in items:
        groups.setdefault(committee or "未分专委会", []).append(text)
    return [(committee, texts) for committee, texts in groups.items()]


def shortfall_names(table):
    items = [(row[COMMITTEE], f"{row[NAME]}（{row[SHORTFALL_TEXT]}）") for row in table.rows]
    return Names("未达到联系指标的委员", table.empty, len(items), _grouped(items))


def forum_names(table):
    """The 常委 who have not called their 集体座谈会 in a half already reached."""
    items = []
    for row, marks in zip(table.rows, table.marks or [], strict=False):
        missing = [label for index, label in FORUM_HALVES if marks[index] == LOW]
        if missing:
            items.append((row[COMMITTEE], f"{row[NAME]}（{'、'.join(missing)}未召集）"))
    empty = "所有常委都已按期召集集体座谈会。" if table.rows else table.empty
    return Names(f"常委 {len(table.rows)} 人，未按期召集集体座谈会的", empty, len(items), _grouped(items))


RUNNING_TEXT = {"shortfalls": shortfall_names, "forums": forum_names}


def half_year_pdf(figures):
    """The PDF bytes of a report's figures (with "analysis"; "issued_at" once issued, else the
    PDF says it is a draft)."""
    tables = tables_of(figures)
    for table in tables:
        table.names = RUNNING_TEXT[table.key](table) if table.key in RUNNING_TEXT else None
    return render_pdf(
        "contacts/pdf/half_year.html",
        {
            "figures": figures,
            "tables": tables,
            "analysis": figures.get("analysis", ""),
            "issued_at": figures.get("issued_at"),
            "today": timezone.localdate(),
        },
    )
