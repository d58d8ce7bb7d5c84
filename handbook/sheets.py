"""导入纸质履职心语 (issue 20, 2): the editors' spreadsheet of 履职心语 handed in on paper, one row
per entry, and its blank template.

Columns, exactly: 序号 (not read), 年度, 委员证号, 姓名 (checked against the roster: a wrong
委员证号 would file the text under someone else), 体裁 (一句话、诗词、故事、歌词 or 书法作品),
履职心语 (line breaks kept, at most 3000 characters).

Each row is checked by rules.paper_problems, the checks the typed-in form makes, whose messages are
put under the sheet's own line as `第 N 行「列」：…`; the sheet adds what only it can get wrong (an
unknown 委员证号, a name that is not the member's, an unreadable year, a word that is not a 体裁).
With any problem nothing is written. A row whose member, year and text already stand as a paper
entry, or repeat an earlier row of the file, is 已有 and skipped: the same file imported twice
writes nothing the second time. Writing is rules.save_papers, all rows in one transaction."""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.text import Truncator

from lianxin_site.dates import this_year
from lianxin_site.imports import (
    ImportReport,
    SheetFileError,
    cell_text,
    check_headers,
    confirm_upload,
    find_table,
    xlsx_rows,
)
from lianxin_site.spreadsheet import import_template, unsafe_cell
from people.models import Member

from . import rules
from .models import ReflectionImport

COLUMNS = ("序号", "年度", "委员证号", "姓名", "体裁", "履职心语")
READ = COLUMNS[1:]  # 序号 is the editors' own count
COLUMN_OF = {"year": "年度", "genre": "体裁", "text": "履职心语"}  # rules.paper_problems' fields
HINT = "请上传纸质履职心语表（Excel .xlsx），可先下载空白模板填写。"
MAX_ROWS = 3000
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
EXCERPT = 60
YEAR_TEXT = re.compile(r"(\d{4})\s*年?")


def max_upload_bytes():
    return getattr(settings, "HANDBOOK_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


# ---------------------------------------------------------------------------
# The blank template


def guide():
    """How to fill each column, for the template's 填写说明 and the upload page (this year read now)."""
    return (
        ("序号", "可不填，导入时不读取。"),
        ("年度", f"四位年份，如 {this_year()}；履职心语归入这一年度的遴选。"),
        ("委员证号", "投稿委员的委员证号，须在委员名册中。请设为文本格式，否则 Excel 会去掉开头的 0。"),
        ("姓名", "投稿委员的姓名，须与委员证号相符（用来核对委员证号有没有填错）。"),
        ("体裁", f"{rules.GENRE_WORDS}，必填。"),
        ("履职心语", f"纸质稿的全文，不超过 {rules.TEXT_MAX} 字；单元格内的换行（Alt+回车）会保留，诗词请每句一行。"),
        (
            "",
            "每行一条履职心语。同一委员、同一年度、内容相同的纸质录入已有时显示为“已有，跳过”，同一文件再次导入不会重复。",
        ),
    )


def blank_template():
    """The empty 纸质履职心语表: a drop-down list for 体裁, 委员证号 as text (keeps the 0 of 0015),
    履职心语 wrapped, and the 填写说明."""
    return import_template(
        "纸质履职心语",
        COLUMNS,
        guide=guide(),
        widths=(6, 8, 14, 10, 10, 80),
        lists=[("E", list(rules.GENRE_OF))],
        formats=[("C", "@")],
        wrap=["F"],
    )


# ---------------------------------------------------------------------------
# Reading and checking


@dataclass
class Row:
    line: int
    member: object  # people.Member, or None when the 委员证号 is not on the roster
    year: object  # int, or None when unreadable
    genre: str
    text: str
    cells: dict  # what was typed, for the preview
    problems: list = field(default_factory=list)

    def key(self):
        return (self.member.pk, self.year, self.text)


def _read(data):
    rows, formulas = xlsx_rows(data, max_rows=MAX_ROWS)
    table = find_table(rows)
    if table is None:
        raise SheetFileError("文件是空的，没有任何内容。" + HINT)
    check_headers(table.header, table.header_line, COLUMNS, hint=HINT)
    return table, formulas


def read_year(value):
    """A 年度 cell as a year: 2026 typed as a number or as text, or 2026年; None otherwise."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() else None
    match = YEAR_TEXT.fullmatch(cell_text(value))
    return int(match.group(1)) if match else None


def read_text(value):
    """The 履职心语 cell as typed: its line breaks and each line's indent kept (cell_text would turn
    the full-width spaces that begin a paragraph into spaces)."""
    if isinstance(value, str):
        return rules.paper_text(unsafe_cell(value))
    return rules.paper_text(cell_text(value))


def read_words(value):
    """A 委员证号 or 姓名 cell as typed (an exported sheet's '= undone)."""
    return unsafe_cell(cell_text(value))


def _compact(name):
    return "".join(name.split())


def _row(line, cells, members, formulas):
    """The Row of one line of the sheet, with its problems (`第 N 行「列」：…`, in column order).
    `formulas`: {column: message} of the line's formulas without a value, said in place of
    whatever their empty cell would have been told."""
    found = {}  # column -> message
    code, name = read_words(cells["委员证号"]), read_words(cells["姓名"])
    member = members.get(code)
    if not code:
        found["委员证号"] = "「委员证号」：请填写投稿委员的委员证号"
    elif member is None:
        found["委员证号"] = f"「委员证号」：{code} 不在名册中"
    elif not name:
        found["姓名"] = "「姓名」：请填写投稿委员的姓名"
    elif _compact(name) != _compact(member.name):
        found["姓名"] = "「姓名」：与委员证号不符"
    year_typed = cell_text(cells["年度"])
    year = read_year(cells["年度"])
    if not year_typed:
        found["年度"] = f"「年度」：请填写年度，如 {this_year()}"
    elif year is None:
        years = rules.paper_years()
        found["年度"] = f"「年度」：无法识别“{year_typed}”，应为 {years[0]} 至 {years[-1]} 之间的四位年份"
    genre_typed = "".join(cell_text(cells["体裁"]).split())
    genre = rules.GENRE_OF.get(genre_typed, "")
    if genre_typed and not genre:
        found["体裁"] = f"「体裁」：“{genre_typed}”不是可选的体裁，应为{rules.GENRE_WORDS}"
    text = read_text(cells["履职心语"])
    for field_name, message in rules.paper_problems(year=year, genre=genre, text=text).items():
        found.setdefault(COLUMN_OF[field_name], message)  # an unreadable year or 体裁 is named above
    found.update(formulas)
    typed = {"code": code, "name": name, "year": year_typed, "genre": genre_typed}
    row = Row(line, member, year, genre, text, typed)
    row.problems = [f"第 {line} 行{found[column]}" for column in READ if column in found]
    return row


def check_rows(table, formulas):
    """Every line below the header as a Row, in line order; formulas without a value become
    their own message, in place of the empty cell's."""
    index = {name: i for i, name in enumerate(table.header) if name}
    formula_at = {}
    for line, column, formula in formulas:
        if line > table.header_line and column < len(table.header) and table.header[column] in READ:
            name = table.header[column]
            message = f"「{name}」：这一格是公式{formula}，表格里没有它的计算结果，请改为直接填写内容后再上传。"
            formula_at.setdefault(line, {})[name] = message
    codes = {read_words(values[index["委员证号"]]) for values in table.rows if index["委员证号"] < len(values)}
    members = {m.code: m for m in Member.objects.filter(code__in=codes - {""}).only("pk", "code", "name")}
    rows = []
    for line, values in zip(table.lines, table.rows, strict=True):
        cells = {name: values[index[name]] if index[name] < len(values) else None for name in READ}
        rows.append(_row(line, cells, members, formula_at.get(line, {})))
    return rows


def _member_label(member, typed_name):
    """The 委员 column: the roster's name and number, and what was typed when it differs (the row's
    「姓名」 message says only that they do not match)."""
    if member is None:
        return ""
    if typed_name and _compact(typed_name) != _compact(member.name):
        return f"填写：{typed_name}；名册：{member.name}（{member.code}）"
    return f"{member.name}（{member.code}）"


def _change(row, kind, **more):
    """One line of the preview: what the row holds and what becomes of it."""
    member = row.member
    return {
        "line": row.line,
        "type": kind,  # new, exists, error; ok: a good row of a file with problems
        "member": _member_label(member, row.cells["name"]),
        "code": row.cells["code"],
        "name": row.cells["name"],
        "year": row.year if row.year is not None else row.cells["year"],
        "genre": str(rules.Genre(row.genre).label) if row.genre else row.cells["genre"],
        "excerpt": Truncator(" ".join(row.text.split())).chars(EXCERPT),
        "chars": len(row.text),
        "problems": row.problems,
        **more,
    }


def import_paper(data, user, dry_run=True):
    """Check (and unless `dry_run`, write) a 纸质履职心语表 for `user`, an editor. Returns an
    ImportReport: created (新增), unchanged (已有，跳过), errors, and every row for the preview.
    Raises SheetFileError when the file cannot be read as such a table."""
    table, formulas = _read(data)
    report = ImportReport(total=len(table.rows), dry_run=dry_run)
    if not user.has_perm(rules.MARK):
        report.errors.append("您的账号没有导入纸质投稿的权限。")
        return report
    rows = check_rows(table, formulas)
    good = [row for row in rows if not row.problems]
    twins = rules.paper_twins(row.key() for row in good)
    first_line, new = {}, []
    for row in rows:
        if row.problems:
            report.errors += row.problems
            report.changes.append(_change(row, "error"))
        elif row.key() in twins:
            report.unchanged += 1
            report.changes.append(_change(row, "exists", entry=twins[row.key()]))
        elif row.key() in first_line:
            report.unchanged += 1
            report.changes.append(_change(row, "exists", same_as=first_line[row.key()]))
        else:
            first_line[row.key()] = row.line
            new.append(row)
            report.changes.append(_change(row, "new"))
    if not report.ok:  # nothing is added from a file with a problem: its good rows are only 无误
        for change in report.changes:
            if change["type"] == "new":
                change["type"] = "ok"
        return report
    report.created = len(new)
    if not dry_run and new:
        _write(report, new, user)
    return report


def _write(report, rows, user):
    """rules.save_papers, all rows at once: an entry typed in by a colleague since the preview is
    skipped as 已有; a row refused now (it passed the same checks a moment ago) writes nothing."""
    by_line = {change["line"]: change for change in report.changes}
    try:
        results = rules.save_papers(user, [(row.member, row.year, row.genre, row.text) for row in rows])
    except rules.PaperError as exc:
        row = rows[exc.index]
        report.created = 0
        report.errors += [f"第 {row.line} 行{message}" for message in exc.errors.values()]
        return
    for row, (created, pk) in zip(rows, results, strict=True):
        change = by_line[row.line]
        if created:
            change["entry"] = pk
        else:
            report.created -= 1
            report.unchanged += 1
            change.update(type="exists", entry=pk)


def confirm_import(record_id, user):
    """确认导入 of a kept upload, once (confirm_upload claims it first). Returns (record, report)."""

    def run(data, original_name):
        return import_paper(data, user, dry_run=False)

    return confirm_upload(ReflectionImport, record_id, run, "这份纸质履职心语表")
