"""The 履职成果 registry as a spreadsheet (issue 13, item 5): reading, checking and importing the
offices' .xlsx files, and exporting in the same layout, so that an export imports back unchanged.

One service, `import_results()`, serves the preview (dry run) and 确认导入. An import is all or
nothing: with any problem in any row nothing is written, and every problem is listed as
`第 N 行「列」：原因`, N being the line Excel shows.

The columns, and how the office types each cell
------------------------------------------------
序号          not read (the export numbers its rows); the column may be left out.
年度          the year, as 2026.
类别          提案, 社情民意信息, 大会发言, 调研报告 or 微建议.
编号          the 案号 (编号), or blank; one per 年度 and 类别. A text cell (the export writes
              text), so that Excel keeps the 0 of 0015.
标题          required, at most 200 characters.
作者类型      委员个人 (or 个人), 多名委员联名 (or 联名), 界别 or 党派.
委员证号      the first author (第一提案人 / 执笔人). Required for 委员个人 and 联名; for 界别 and 党派
              the 执笔人 may be given, or nothing.
联名委员证号  the other authors, in order, separated by 、 ， , ; or spaces; blank for 委员个人.
界别, 党派    the sector's (party's) name for a 界别 (党派) entry; blank for the others.
提交日期      a date cell, or the text 2026-03-02 (2026/3/2, 2026.3.2 and 2026年3月2日 are read too);
              within the 年度 and not after today.
平时提案      提案 only: 是 (平时提案) or 否 (大会提案); blank for the other kinds.
立案情况      提案 only: blank (not decided yet), 立案, 不予立案, or 并案:2026-015, that is 并案, a colon
              (half- or full-width), and the 案号 of the 提案 of the same year it is merged into;
              that 提案 must be in the registry or in the file.
主办单位      提案 立案 only: names of 承办单位 exactly as listed under 承办单位, separated by 、
协办单位      (，, and ; are read too). A unit that recorded a handling step cannot be left out; a
              停用 unit only stays where it already was.
内容摘要      at most 2000 characters.

Which entry a row is
--------------------
The key is 年度 + 类别 + 编号; a row without 编号 is found by 年度 + 类别 + 标题 + first 委员证号.
A row whose 编号 is not registered yet is a new entry, unless an entry registered without 编号
has its 标题 and first author: then the row gives that entry its 案号. A row whose 编号 belongs
to one entry while its 标题 and first author are another's is refused (the 编号 is taken), so a
mistyped 编号 never overwrites another entry; changing or swapping registered numbers is done in
the admin. A row changes nothing when every column already reads the same
(and the entry is 已确认). A created entry is 已确认, source 导入, entered_by the uploader; an
updated one becomes 已确认 and keeps who entered it. Authors and units are replaced from the
row; 交办日期, 答复日期, 满意度, the steps and 社情民意 采用 stay as they are. Each created or
updated entry gets a 变更记录 line naming the file and the line.

Every rule is the registry's own (rules.entry_errors, author_errors, submitted_on_error,
number_taken, merge_error, assign_refusal, unit_errors, manages): the reading here only turns
cells into values and runs those rules without a query per row.

Why not django-import-export (which the roster uses)
----------------------------------------------------
A row here is three tables (the entry, its ordered authors, its 主办/协办 units), its key is
conditional (编号, or 标题 + first author when 编号 is blank), and its checks are the registry's
rules across rows (an 编号 twice, a 并案 target elsewhere in the file). import-export's bulk
mode writes one model and leaves related rows to a save() per instance, and its row loop would
re-express each rule as a widget or a validate_instance hook. So this module reads with the
shared calamine reader (lianxin_site.imports), validates with the rules on preloaded maps, and
writes with bulk_create / bulk_update in batches: a 20,000-row file is read, checked and
written with some ten queries plus one per batch.
"""

import datetime
import io
import random
import re
from dataclasses import dataclass, field

import openpyxl
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lianxin_site.dates import FIRST_YEAR
from lianxin_site.db import bulk_insert, bulk_update_rows
from lianxin_site.imports import (
    ImportReport,
    SheetFileError,
    cell_text,
    check_headers,
    confirm_upload,
    find_table,
    formula_messages,
    xlsx_rows,
)
from lianxin_site.signals import records_changed
from lianxin_site.spreadsheet import cell_value, sheet_title, unsafe_cell
from people.models import Member, Party, Sector

from . import rules
from .models import (
    Acceptance,
    AuthorKind,
    HandlingStep,
    HandlingUnit,
    Kind,
    Occasion,
    ProposalUnit,
    Result,
    ResultAuthor,
    ResultChange,
    ResultImport,
    Source,
    Status,
)

COLUMNS = (
    "序号",
    "年度",
    "类别",
    "编号",
    "标题",
    "作者类型",
    "委员证号",
    "联名委员证号",
    "界别",
    "党派",
    "提交日期",
    "平时提案",
    "立案情况",
    "主办单位",
    "协办单位",
    "内容摘要",
)
READ = COLUMNS[1:]  # 序号 is not read
HINT = "请上传 Excel（.xlsx）格式的履职成果表，或先导出一份作为模板。"

PREVIEW_LIMIT = 500  # rows listed in the preview
ERROR_LIMIT = 1000  # problems listed; the rest are counted
CODE_CHUNK = 2000  # 委员证号 per lookup query

# The rules' field names → the columns that hold them.
COLUMN_OF = {
    "year": "年度",
    "kind": "类别",
    "number": "编号",
    "title": "标题",
    "author_kind": "作者类型",
    "authors": "联名委员证号",
    "sector": "界别",
    "party": "党派",
    "submitted_on": "提交日期",
    "occasion": "平时提案",
    "acceptance": "立案情况",
    "merged_into": "立案情况",
    "lead_units": "主办单位",
    "assist_units": "协办单位",
    "summary": "内容摘要",
}

KIND_OF = {str(label): value for value, label in Kind.choices}
AUTHOR_KIND_OF = {
    **{str(label): value for value, label in AuthorKind.choices},
    "个人": AuthorKind.INDIVIDUAL,
    "联名": AuthorKind.JOINT,
}
OCCASION_OF = {"是": Occasion.REGULAR, "否": Occasion.PLENARY}
OCCASION_CELL = {value: text for text, value in OCCASION_OF.items()}
ACCEPTANCE_OF = {"立案": Acceptance.ACCEPTED, "不予立案": Acceptance.REJECTED}
MERGED = re.compile(r"并案\s*[:：]?\s*(.*)")
CODE_SEPARATORS = re.compile(r"[、，,;；\s]+")
UNIT_SEPARATORS = re.compile(r"\s*[、，,;；\n]\s*")
DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
YEAR_TEXT = re.compile(r"(\d{4})\s*年?")
TEXT_LIMITS = {"编号": 30, "标题": 200, "内容摘要": 2000}


def max_rows():
    return settings.RESULTS_IMPORT_MAX_ROWS


def max_upload_bytes():
    return settings.RESULTS_UPLOAD_MAX_BYTES


def clean_text(value):
    """Text as it reads back from a cell: full-width spaces as spaces, trimmed, without the
    control characters a spreadsheet cannot hold (Word pastes some)."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value or "").replace("\u3000", " ")).strip()


def _split(text, separators):
    return [part for part in separators.split(text) if part]


def _unit_order(unit):
    return (unit.sort_order, unit.name)


# ---------------------------------------------------------------------------
# The cells of an entry, as the export writes them and the import compares them


def entry_cells(entry, names):
    """{column: text} of an entry (an Entry), the same texts a row of the file gives, so that
    "unchanged" means every column reads the same. `names` is the Lookups of the import."""
    acceptance = entry.acceptance
    if acceptance == Acceptance.MERGED:
        acceptance_text = f"并案:{entry.merged_into}"
    else:
        acceptance_text = names.labels[acceptance] if acceptance else ""
    return {
        "年度": str(entry.year),
        "类别": names.labels[entry.kind],
        "编号": clean_text(entry.number),
        "标题": clean_text(entry.title),
        "作者类型": names.labels[entry.author_kind],
        "委员证号": entry.codes[0] if entry.codes else "",
        "联名委员证号": "、".join(entry.codes[1:]),
        "界别": names.sector_name(entry.sector_id),
        "党派": names.party_name(entry.party_id),
        "提交日期": f"{entry.submitted_on:%Y-%m-%d}",
        "平时提案": OCCASION_CELL.get(entry.occasion, "") if entry.kind == Kind.PROPOSAL else "",
        "立案情况": acceptance_text if entry.kind == Kind.PROPOSAL else "",
        "主办单位": names.unit_names(entry.lead),
        "协办单位": names.unit_names(entry.assist),
        "内容摘要": clean_text(entry.summary),
    }


@dataclass
class Entry:
    """An entry as the file describes it: from the database (pk set) or from a row."""

    pk: int | None
    year: int
    kind: str
    number: str
    title: str
    author_kind: str
    sector_id: int | None
    party_id: int | None
    submitted_on: datetime.date
    occasion: str
    acceptance: str
    merged_into: str
    summary: str
    status: str = Status.CONFIRMED
    codes: list = field(default_factory=list)  # 委员证号 of the authors, in order
    lead: list = field(default_factory=list)  # unit pks
    assist: list = field(default_factory=list)


ENTRY_FIELDS = (
    "pk",
    "year",
    "kind",
    "number",
    "title",
    "author_kind",
    "sector_id",
    "party_id",
    "submitted_on",
    "occasion",
    "acceptance",
    "merged_into",
    "summary",
    "status",
)


def load_entries(results):
    """{pk: Entry} for a queryset of entries, with their authors' codes and units: three queries."""
    entries = {row[0]: Entry(*row) for row in results.order_by().values_list(*ENTRY_FIELDS)}
    if not entries:
        return entries
    scope = results.order_by().values("pk")
    authors = ResultAuthor.objects.filter(result__in=scope).order_by("result_id", "position")
    for result_id, code in authors.values_list("result_id", "member__code"):
        entries[result_id].codes.append(code)
    units = ProposalUnit.objects.filter(result__in=scope).order_by()
    for result_id, unit_id, role in units.values_list("result_id", "unit_id", "role"):
        entry = entries[result_id]
        (entry.lead if role == ProposalUnit.Role.LEAD else entry.assist).append(unit_id)
    return entries


class Lookups:
    """The reference data an import needs, loaded once: sectors, parties, units, and the members
    the file names (by 委员证号, in a few chunked queries)."""

    def __init__(self, codes=()):
        # Choice labels as text once: each str() of a lazy label asks the translation catalogue.
        self.labels = {
            value: str(label) for choices in (Kind, AuthorKind, Acceptance, Status) for value, label in choices.choices
        }
        self.sectors = Sector.objects.by_name()
        self.parties = Party.objects.by_name()
        self.units = {unit.name: unit for unit in HandlingUnit.objects.all()}
        self.sector_names = {s.pk: s.name for s in self.sectors.values()}
        self.party_names = {p.pk: p.name for p in self.parties.values()}
        self.unit_by_pk = {unit.pk: unit for unit in self.units.values()}
        # 委员证号 as typed, in either case (as rules.resolve_members reads them): the member.
        self.members = {}
        typed = list(dict.fromkeys(codes))
        unique = list(dict.fromkeys([*typed, *(code.upper() for code in typed)]))
        by_code = {}
        for start in range(0, len(unique), CODE_CHUNK):
            chunk = unique[start : start + CODE_CHUNK]
            for member in Member.objects.filter(code__in=chunk).only("pk", "code", "name"):
                by_code[member.code.upper()] = member
        for code in typed:
            if code.upper() in by_code:
                self.members[code] = by_code[code.upper()]

    def sector_name(self, pk):
        return self.sector_names.get(pk, "") if pk else ""

    def party_name(self, pk):
        return self.party_names.get(pk, "") if pk else ""

    def unit_names(self, pks):
        units = sorted((self.unit_by_pk[pk] for pk in pks), key=_unit_order)
        return "、".join(unit.name for unit in units)


# ---------------------------------------------------------------------------
# Reading the file


def read_registry(data):
    """(table, formula messages) of an uploaded registry file. Raises SheetFileError with a
    Chinese message for anything that is not a usable .xlsx registry table."""
    if not data or not data.strip():
        raise SheetFileError("文件是空的，没有任何内容。")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetFileError("不支持旧版 Excel（.xls）文件。请在 Excel 或 WPS 中“另存为” .xlsx 后再上传。")
    if not data.startswith(b"PK\x03\x04"):
        raise SheetFileError(f"这不是 .xlsx 文件。{HINT}")
    rows, formulas = xlsx_rows(data, max_rows=max_rows())
    table = find_table(rows)
    if table is None:
        raise SheetFileError("文件是空的，没有任何内容。")
    check_headers(table.header, table.header_line, READ, ignored=("序号",), hint=HINT)
    if not table.rows:
        raise SheetFileError("表格里只有表头，没有履职成果。")
    return table, formula_messages(formulas, table, READ)


@dataclass
class Row:
    """One line of the file: what it says, what is wrong with it, and which entry it is."""

    line: int
    errors: dict = field(default_factory=dict)  # column → [message]
    entry: Entry | None = None  # the values, once every cell read
    members: list = field(default_factory=list)
    lead: list = field(default_factory=list)  # HandlingUnit
    assist: list = field(default_factory=list)
    year: int | None = None
    kind: str = ""
    number: str = ""
    title: str = ""
    first_code: str = ""
    match: int | None = None  # pk of the registered entry it updates
    changed: list = field(default_factory=list)

    def add(self, column, message):
        self.errors.setdefault(column, []).append(message)

    def add_rule_errors(self, errors, members_known=True):
        """The rules' {field: [message]}, each under its column unless that column already has
        a more precise message from reading the cell."""
        for name, messages in errors.items():
            column = COLUMN_OF.get(name, "标题")
            if name == "authors":
                if not members_known:
                    continue  # a 委员证号 not in the roster is already named; counting would mislead
                column = "联名委员证号" if self.members else "委员证号"
            if column not in self.errors:
                for message in messages:
                    self.add(column, message)


def parse_date(value):
    """A date from a date cell or typed text; None for blank; ValueError for anything else."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    if not text:
        return None
    match = DATE_TEXT.fullmatch(text)
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except (AttributeError, ValueError):  # not a date's shape, or no such day (2026-02-30)
        raise ValueError(text) from None


class RowReader:
    """Turns a line's cells into values, with a message per cell that cannot be read."""

    def __init__(self, header, lookups, managed, this_year):
        self.index = {name: header.index(name) for name in READ}
        self.lookups = lookups
        self.managed = managed
        self.this_year = this_year

    def text(self, cells, column):
        index = self.index[column]
        return unsafe_cell(clean_text(cell_text(cells[index]))) if index < len(cells) else ""

    def raw(self, cells, column):
        index = self.index[column]
        return cells[index] if index < len(cells) else None

    def read(self, line, cells, today):
        row = Row(line=line)
        text = {column: self.text(cells, column) for column in READ if column != "提交日期"}

        for column, limit in TEXT_LIMITS.items():
            if len(text[column]) > limit:
                row.add(column, f"不能超过 {limit} 个字（现有 {len(text[column])} 个）。")
        row.number, row.title = text["编号"], text["标题"]
        if not row.title:
            row.add("标题", "不能为空。")

        year_text = text["年度"]
        year_match = YEAR_TEXT.fullmatch(year_text)
        if not year_text:
            row.add("年度", "不能为空。")
        elif not year_match or not FIRST_YEAR <= int(year_match.group(1)) <= self.this_year:
            row.add("年度", f"“{year_text}”不是有效的年度，应填 {FIRST_YEAR} 至 {self.this_year} 之间的四位年份。")
        else:
            row.year = int(year_match.group(1))

        kind_text = text["类别"]
        kind = KIND_OF.get(kind_text, "")
        if not kind_text:
            row.add("类别", "不能为空。")
        elif not kind:
            row.add("类别", f"没有“{kind_text}”这个类别，应为{'、'.join(KIND_OF)}之一。")
        elif kind not in self.managed:
            row.add("类别", f"只有{rules.office_for(kind)}可以导入{kind_text}。")
        row.kind = kind
        is_proposal = kind == Kind.PROPOSAL

        author_text = text["作者类型"]
        author_kind = AUTHOR_KIND_OF.get(author_text, "")
        if not author_text:
            row.add("作者类型", "不能为空。")
        elif not author_kind:
            row.add("作者类型", f"应为委员个人、多名委员联名、界别或党派，不能是“{author_text}”。")

        # Authors: the first in 委员证号, the others in 联名委员证号.
        row.first_code = text["委员证号"]
        others = _split(text["联名委员证号"], CODE_SEPARATORS)
        members, members_known = [], True
        if row.first_code:
            member = self.lookups.members.get(row.first_code)
            if member is None:
                row.add("委员证号", f"{row.first_code} 不在名册中")
                members_known = False
            else:
                members.append(member)
                row.first_code = member.code  # as the roster writes it, for the key
        elif author_kind in (AuthorKind.INDIVIDUAL, AuthorKind.JOINT) or others:
            row.add(
                "委员证号", "不能为空：请把第一提案人（执笔人）的委员证号填在这一列，其余作者填在「联名委员证号」。"
            )
            members_known = False
        unknown = [code for code in others if code not in self.lookups.members]
        if unknown:
            row.add("联名委员证号", f"{'、'.join(unknown)} 不在名册中")
            members_known = False
        members += [self.lookups.members[code] for code in others if code in self.lookups.members]
        row.members = members

        # 界别 and 党派 name the author of a 界别 (党派) entry, and nothing else.
        sector = party = None
        for column, kind_needing, names in (
            ("界别", AuthorKind.SECTOR, self.lookups.sectors),
            ("党派", AuthorKind.PARTY, self.lookups.parties),
        ):
            name = text[column]
            if not name or not author_kind:
                continue
            if author_kind != kind_needing:
                label = AuthorKind(author_kind).label
                row.add(column, f"作者类型为“{label}”时不填{column}（以{column}名义提交的，作者类型填“{column}”）。")
            elif name not in names:
                row.add(column, f"没有名为“{name}”的{column}，请检查是否有错别字，或先在“基础数据 › {column}”中添加。")
            elif column == "界别":
                sector = names[name]
            else:
                party = names[name]

        submitted_on = None
        try:
            submitted_on = parse_date(self.raw(cells, "提交日期"))
        except ValueError as exc:
            row.add("提交日期", f"“{exc}”不是有效的日期，请写成 {today:%Y-%m-%d} 这样，或设为日期格式的单元格。")
        else:
            if submitted_on is None:
                row.add("提交日期", "不能为空。")

        # 提案 only: 平时提案, 立案情况, 主办单位, 协办单位.
        occasion = acceptance = merged_into = ""
        if kind and not is_proposal:
            for column in ("平时提案", "立案情况", "主办单位", "协办单位"):
                if text[column]:
                    row.add(column, f"只有提案填写，{kind_text}请留空。")
        elif is_proposal:
            occasion_text = text["平时提案"]
            occasion = OCCASION_OF.get(occasion_text, "")
            if not occasion:
                shown = f"，不能是“{occasion_text}”" if occasion_text else ""
                row.add("平时提案", f"提案应填“是”（平时提案）或“否”（大会提案）{shown}。")
            acceptance_text = text["立案情况"]
            merged = MERGED.fullmatch(acceptance_text)
            if merged:
                acceptance, merged_into = Acceptance.MERGED, merged.group(1).strip()
                if len(merged_into) > 30:
                    row.add("立案情况", f"并入的案号不能超过 30 个字（现有 {len(merged_into)} 个）。")
            elif acceptance_text:
                acceptance = ACCEPTANCE_OF.get(acceptance_text, "")
                if not acceptance:
                    row.add(
                        "立案情况",
                        f"应为立案、不予立案或“并案:案号”（如“并案:{row.year or self.this_year}-015”），"
                        f"不能是“{acceptance_text}”。",
                    )
            for column, chosen in (("主办单位", row.lead), ("协办单位", row.assist)):
                names = list(dict.fromkeys(_split(text[column], UNIT_SEPARATORS)))
                missing = [name for name in names if name not in self.lookups.units]
                if missing:
                    row.add(
                        column,
                        f"没有名为“{'、'.join(missing)}”的承办单位，请检查是否有错别字，或先在“承办单位”中添加。",
                    )
                chosen += [self.lookups.units[name] for name in names if name in self.lookups.units]

        # The registry's rules on the entry as a whole (its 编号 is checked across the file below).
        if row.year and kind and author_kind and submitted_on:
            data = {
                "year": row.year,
                "kind": kind,
                "submitted_on": submitted_on,
                "author_kind": author_kind,
                "sector": sector,
                "party": party,
                "number": "",
                "occasion": occasion,
            }
            row.add_rule_errors(rules.entry_errors(data, members, today=today), members_known)
        elif author_kind:
            row.add_rule_errors(rules.author_errors(author_kind, members, sector, party), members_known)

        if not row.errors:
            row.entry = Entry(
                pk=None,
                year=row.year,
                kind=kind,
                number=row.number,
                title=row.title,
                author_kind=author_kind,
                sector_id=sector.pk if sector else None,
                party_id=party.pk if party else None,
                submitted_on=submitted_on,
                occasion=occasion,
                acceptance=acceptance,
                merged_into=merged_into if acceptance == Acceptance.MERGED else "",
                summary=text["内容摘要"],
                codes=[m.code for m in members],
                lead=[u.pk for u in row.lead],
                assist=[u.pk for u in row.assist],
            )
        return row


# ---------------------------------------------------------------------------
# The import


@dataclass
class RegistryReport(ImportReport):
    kinds: list = field(default_factory=list)  # the 类别 in the file (values), for who may see the upload


class Plan:
    """A file read, matched to the registry and checked: what an import would write."""

    def __init__(self, table, user, today, filename=""):
        self.user, self.today, self.filename = user, today, filename
        reader_codes = []
        header = table.header
        first, others = header.index("委员证号"), header.index("联名委员证号")
        for cells in table.rows:
            if first < len(cells):
                reader_codes.append(unsafe_cell(clean_text(cell_text(cells[first]))))
            if others < len(cells):
                reader_codes += _split(unsafe_cell(clean_text(cell_text(cells[others]))), CODE_SEPARATORS)
        self.lookups = Lookups(code for code in reader_codes if code)
        reader = RowReader(header, self.lookups, set(rules.managed_kinds(user)), today.year)
        self.rows = [reader.read(line, cells, today) for line, cells in zip(table.lines, table.rows, strict=True)]
        self.kinds = sorted({row.kind for row in self.rows if row.kind}, key=Kind.values.index)
        self._load_registry()
        self._match()
        self._check_across_rows()
        self._compare()
        self._sort()

    # -- the registered entries the file may name: of its years and kinds
    def _load_registry(self):
        years = {row.year for row in self.rows if row.year}
        kinds = {row.kind for row in self.rows if row.kind}
        results = Result.objects.filter(year__in=years, kind__in=kinds)
        self.entries = load_entries(results) if years and kinds else {}
        self.by_number, self.by_title = {}, {}
        for entry in self.entries.values():
            number = clean_text(entry.number)
            if number:
                self.by_number[(entry.year, entry.kind, number)] = entry.pk
            first = entry.codes[0] if entry.codes else ""
            self.by_title.setdefault((entry.year, entry.kind, clean_text(entry.title), first), []).append(entry.pk)
        self.handled = {}  # pk → {unit pk: name} of units that recorded a step
        if self.entries and Kind.PROPOSAL in kinds:
            steps = HandlingStep.objects.filter(result__year__in=years, result__kind=Kind.PROPOSAL)
            for result_id, unit_id in steps.values_list("result_id", "unit_id").distinct():
                if unit_id in self.lookups.unit_by_pk:
                    self.handled.setdefault(result_id, {})[unit_id] = self.lookups.unit_by_pk[unit_id].name

    # -- which entry each row is
    def _match(self):
        numbers, titles, matched = {}, {}, {}
        for row in self.rows:
            if not (row.year and row.kind and row.title):
                continue
            number_key = (row.year, row.kind, row.number)
            title_key = (row.year, row.kind, row.title, row.first_code)
            if row.number:
                if number_key in numbers:
                    row.add("编号", f"编号 {row.number} 在文件中重复出现，第 {numbers[number_key]} 行已有这个编号。")
                    continue
                numbers[number_key] = row.line
            else:
                if title_key in titles:
                    row.add(
                        "标题", f"与第 {titles[title_key]} 行的年度、类别、标题和第一作者都相同，同一项成果只能占一行。"
                    )
                    continue
                titles[title_key] = row.line
            same_title = self.by_title.get(title_key, [])
            pk = self.by_number.get(number_key) if row.number else None
            if row.number and pk is None:
                # A new 编号 numbers an entry registered without one, or is a new entry.
                same_title = [other for other in same_title if not self.entries[other].number]
            if pk is not None and same_title and pk not in same_title:
                # The row is a registered entry (same 标题 and first author), but its 编号 is another's.
                row.add("编号", rules.number_taken(row.year, row.kind, row.number))
                continue
            if pk is None and len(same_title) > 1:
                row.add(
                    "标题",
                    f"已登记的成果中有 {len(same_title)} 项与这一行的年度、类别、标题和第一作者都相同，"
                    "无法确定是哪一项，请填写编号。",
                )
                continue
            if pk is None and same_title:
                pk = same_title[0]
            if pk is not None:
                if pk in matched:
                    row.add(
                        "编号" if row.number else "标题",
                        f"与第 {matched[pk]} 行对应的是同一项已登记的成果，同一项成果只能占一行。",
                    )
                    continue
                matched[pk] = row.line
                row.match = pk

    # -- 并案 targets and units, which depend on the other rows and the matched entry
    def _check_across_rows(self):
        matched = {row.match for row in self.rows if row.match}
        numbers = {}  # year → the 提案 案号 after the import
        for entry in self.entries.values():
            if entry.kind == Kind.PROPOSAL and entry.number and entry.pk not in matched:
                numbers.setdefault(entry.year, set()).add(entry.number)
        for row in self.rows:
            if row.kind == Kind.PROPOSAL and row.year and row.number:
                numbers.setdefault(row.year, set()).add(row.number)
        for row in self.rows:
            entry = row.entry
            if entry is None or entry.kind != Kind.PROPOSAL:
                continue
            if entry.acceptance == Acceptance.MERGED:
                error = rules.merge_error(entry.year, entry.number, entry.merged_into, numbers.get(entry.year, ()))
                if error:
                    row.add("立案情况", error)
            handled = self.handled.get(row.match, {})
            if not (row.lead or row.assist):
                if handled:  # the row leaves out every unit, among them some that handled it
                    row.add("主办单位", rules.unit_errors([], [], handled=handled)["lead_units"][-1])
                continue
            if refusal := rules.assign_refusal(entry.acceptance):
                row.add("主办单位", refusal)
                continue
            assigned = set(self.entries[row.match].lead + self.entries[row.match].assist) if row.match else set()
            row.add_rule_errors(rules.unit_errors(row.lead, row.assist, assigned=assigned, handled=handled))
        for row in self.rows:
            if row.errors:
                row.entry = None

    # -- created, updated or unchanged
    def _compare(self):
        labels = self.lookups.labels
        for row in self.rows:
            if row.entry is None or row.match is None:
                continue
            before = self.entries[row.match]
            old, new = entry_cells(before, self.lookups), entry_cells(row.entry, self.lookups)
            row.changed = [
                {"column": column, "old": old[column], "new": new[column]}
                for column in READ
                if old[column] != new[column]
            ]
            if before.status != Status.CONFIRMED:
                row.changed.append({"column": "状态", "old": labels[before.status], "new": labels[Status.CONFIRMED]})

    def _sort(self):
        valid = [row for row in self.rows if row.entry]
        self.created = [row for row in valid if row.match is None]
        self.updated = [row for row in valid if row.match is not None and row.changed]
        self.unchanged = [row for row in valid if row.match is not None and not row.changed]

    def errors(self):
        return [
            f"第 {row.line} 行「{column}」：{message}"
            for row in self.rows
            for column in COLUMNS
            for message in row.errors.get(column, ())
        ]

    # -- writing, in batches
    def write(self):
        """Write what the preview showed: one multi-row INSERT per thousand rows, no query per row."""
        created, updated = self.created, self.updated
        confirmed = {"status": Status.CONFIRMED, "return_reason": ""}
        pks = bulk_insert(
            Result,
            [
                {**self._fields(row.entry), **confirmed, "source": Source.IMPORT, "entered_by_id": self.user.pk}
                for row in created
            ],
            returning=True,
        )
        for row, pk in zip(created, pks, strict=True):
            row.match = pk

        now = timezone.now()
        bulk_update_rows(
            Result,
            [{"pk": row.match, **self._fields(row.entry), **confirmed, "updated_at": now} for row in updated],
            [*UPDATED_FIELDS, "status", "return_reason", "updated_at"],
        )

        def touched(columns):
            return [row for row in updated if columns & {change["column"] for change in row.changed}]

        authors_changed = touched({"委员证号", "联名委员证号"})
        self._delete(ResultAuthor, [row.match for row in authors_changed])
        bulk_insert(
            ResultAuthor,
            [
                {"result_id": row.match, "member_id": member.pk, "position": position}
                for row in [*created, *authors_changed]
                for position, member in enumerate(row.members, 1)
            ],
        )
        units_changed = touched({"主办单位", "协办单位"})
        self._delete(ProposalUnit, [row.match for row in units_changed])
        bulk_insert(
            ProposalUnit,
            [
                {"result_id": row.match, "unit_id": unit.pk, "role": role}
                for row in [*created, *units_changed]
                for role, units in ((ProposalUnit.Role.LEAD, row.lead), (ProposalUnit.Role.ASSIST, row.assist))
                for unit in units
            ],
        )

        where = f"导入文件 {self.filename} 第 {{}} 行" if self.filename else "导入文件第 {} 行"
        registered, actor = f"登记（{Source.IMPORT.label}）", self.user.pk
        bulk_insert(
            ResultChange,
            [
                {"result_id": row.match, "actor_id": actor, "action": registered, "what": row.entry.title}
                | {"why": where.format(row.line)}
                for row in created
            ]
            + [
                {"result_id": row.match, "actor_id": actor, "action": "修改（导入）", "what": describe(row.changed)}
                | {"why": where.format(row.line)}
                for row in updated
            ],
        )

    @staticmethod
    def _fields(entry):
        return {name: getattr(entry, name) for name in UPDATED_FIELDS if name not in ("sector", "party")} | {
            "sector_id": entry.sector_id,
            "party_id": entry.party_id,
        }

    @staticmethod
    def _delete(model, pks):
        for start in range(0, len(pks), CODE_CHUNK):
            model.objects.filter(result_id__in=pks[start : start + CODE_CHUNK]).delete()


UPDATED_FIELDS = (
    "year",
    "kind",
    "number",
    "title",
    "summary",
    "submitted_on",
    "author_kind",
    "sector",
    "party",
    "occasion",
    "acceptance",
    "merged_into",
)


def describe(changed):
    """A 变更记录 line: 列：旧 → 新；…"""
    return "；".join(f"{c['column']}：{c['old'] or '（空）'} → {c['new'] or '（空）'}" for c in changed)


def _change_entry(row, kind):
    entry = row.entry
    return {
        "line": row.line,
        "type": kind,
        "kind": str(Kind(entry.kind).label),
        "number": entry.number,
        "title": entry.title,
        "codes": "、".join(entry.codes),
        "changed": row.changed,
    }


def import_results(data, user, dry_run=True, filename="", today=None):
    """Check (dry_run) or import a registry file for `user`. All or nothing: a report with
    errors means nothing was written. Raises SheetFileError when the file is not a registry
    table at all."""
    today = today or timezone.localdate()
    report = RegistryReport(dry_run=dry_run)
    table, formula_errors = read_registry(data)
    report.total = len(table.rows)
    if formula_errors:  # nothing is imported; say which cells before any other check
        report.errors = formula_errors
        return report
    try:
        with transaction.atomic():
            plan = Plan(table, user, today, filename)
            errors = plan.errors()
            if not errors and not dry_run:
                plan.write()
                # bulk writes send no model signals: say which years changed (the 履职档案 ledger listens)
                years = {row.entry.year for row in [*plan.created, *plan.updated]}
                records_changed.send(sender=Result, years=sorted(years))
    except IntegrityError:
        # Someone registered an entry with one of the file's 编号 while this import ran.
        report.errors = ["导入时履职成果被其他人同时修改（编号冲突），没有写入任何数据。请重新上传预览后再确认。"]
        return report
    report.kinds = plan.kinds
    if len(errors) > ERROR_LIMIT:
        errors = [*errors[:ERROR_LIMIT], f"……另有 {len(errors) - ERROR_LIMIT} 处问题没有列出。"]
    report.errors = errors
    created, updated = plan.created, plan.updated
    report.created, report.updated, report.unchanged = len(created), len(updated), len(plan.unchanged)
    if not errors:
        changes = sorted(
            [*((row, "new") for row in created), *((row, "update") for row in updated)], key=lambda c: c[0].line
        )
        report.changes = [_change_entry(row, kind) for row, kind in changes[:PREVIEW_LIMIT]]
    return report


def confirm_import(record_id, user):
    """确认导入 of a kept upload, once (see lianxin_site.imports.confirm_upload). Returns (record,
    report); report is None when the stored file can no longer be read."""
    return confirm_upload(
        ResultImport,
        record_id,
        lambda data, name: import_results(data, user, dry_run=False, filename=name),
        "这份文件",
    )


# ---------------------------------------------------------------------------
# The export


def _kind_order(kind):
    return Kind.values.index(kind)


def export_rows(results):
    """The export's rows (lists of cell values, 序号 first) for a queryset of entries."""
    lookups = Lookups()
    entries = sorted(
        load_entries(results).values(),
        key=lambda e: (e.year, _kind_order(e.kind), not e.number, e.number, e.submitted_on, e.pk),
    )
    for serial, entry in enumerate(entries, 1):
        cells = entry_cells(entry, lookups)
        cells["年度"] = entry.year
        cells["提交日期"] = entry.submitted_on
        yield [serial, *(cells[column] for column in READ)]


WIDTHS = {"序号": 6, "标题": 40, "联名委员证号": 18, "提交日期": 12, "主办单位": 18, "协办单位": 18, "内容摘要": 60}


def write_workbook(rows, title="履职成果"):
    """A registry workbook: a bold header, then `rows` (lists in COLUMNS order); every cell
    through cell_value (safe_cell: text never runs as a formula), dates as real dates. Written
    as a stream (openpyxl's write-only mode), some three times faster than table_xlsx's
    in-memory sheet for a whole year's registry."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    for index, column in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(column, 11)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, column)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for value in row:
            value = cell_value(value)
            if isinstance(value, datetime.date):
                value = WriteOnlyCell(sheet, value)
                value.number_format = "yyyy-mm-dd"
            cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_results(results):
    """The confirmed entries of `results` (a queryset already scoped by rules.results_visible_to)
    as .xlsx bytes in the import's layout. Only 已确认 entries: the layout has no 状态 column, and
    importing a file confirms what it lists."""
    return write_workbook(export_rows(results.confirmed()))


# ---------------------------------------------------------------------------
# A realistic workbook of any size, for the benchmark and the tests

TOPICS = (
    "加强校园周边交通安全",
    "推进老旧小区加装电梯",
    "完善社区养老驿站服务",
    "规范共享单车停放管理",
    "提升胡同街巷环境品质",
    "促进非遗技艺活态传承",
    "优化营商环境服务中小企业",
    "加快垃圾分类设施建设",
    "推动中小学课后服务提质",
    "缓解医院周边停车难",
    "保护利用历史文化街区",
    "发展社区嵌入式托育服务",
)


def sample_workbook(rows, *, year, member_codes, unit_names, sector_names=(), party_names=(), today=None, seed=0):
    """An .xlsx registry file (bytes) of `rows` valid rows of every kind and author kind, as an
    office would fill it: about half 提案 (numbered 0001…, 平时 or 大会, most 立案 with one 主办 and
    up to two 协办 units, some 不予立案 and 并案), the rest 社情民意信息, 大会发言, 调研报告, 微建议;
    200-character summaries. The members, units, sectors and parties must exist under these
    codes and names; at least two member codes are needed."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    first_day = datetime.date(year, 1, 1)
    last_day = min(datetime.date(year, 12, 31), today)
    span = (last_day - first_day).days
    kinds = [Kind.PROPOSAL] * 10 + [Kind.OPINION] * 5 + [Kind.SPEECH, Kind.REPORT, Kind.REPORT, Kind.SUGGESTION] * 1
    author_kinds = [AuthorKind.INDIVIDUAL] * 5 + [AuthorKind.JOINT] * 3
    author_kinds += [AuthorKind.SECTOR] * bool(sector_names) + [AuthorKind.PARTY] * bool(party_names)
    accepted, serials, out = [], {}, []
    labels = {value: str(label) for choices in (Kind, AuthorKind) for value, label in choices.choices}
    for n in range(1, rows + 1):
        kind = rng.choice(kinds)
        serials[kind] = serials.get(kind, 0) + 1
        author_kind = rng.choice(author_kinds)
        count = {AuthorKind.INDIVIDUAL: 1, AuthorKind.JOINT: rng.randint(2, 4)}.get(author_kind, rng.randint(0, 1))
        codes = rng.sample(list(member_codes), count)
        topic = rng.choice(TOPICS)
        title = f"关于{topic}的{'建议' if kind == Kind.PROPOSAL else '思考'}（{n}）"
        summary = (f"{topic}是群众关心的问题。" * 20)[:200]
        number = f"{serials[kind]:04d}" if kind == Kind.PROPOSAL or rng.random() < 0.5 else ""
        occasion = acceptance = lead = assist = ""
        if kind == Kind.PROPOSAL:
            occasion = rng.choice(["是", "是", "否"])
            roll = rng.random()
            if roll < 0.7 or not accepted:
                acceptance = "立案"
                units = rng.sample(list(unit_names), min(len(unit_names), rng.randint(1, 3)))
                lead, assist = units[0], "、".join(units[1:])
                accepted.append(number)
            elif roll < 0.85:
                acceptance = "不予立案"
            elif roll < 0.9:
                acceptance = f"并案:{rng.choice(accepted)}"
        out.append(
            [
                n,
                year,
                labels[kind],
                number,
                title,
                labels[author_kind],
                codes[0] if codes else "",
                "、".join(codes[1:]),
                rng.choice(sector_names) if author_kind == AuthorKind.SECTOR else "",
                rng.choice(party_names) if author_kind == AuthorKind.PARTY else "",
                first_day + datetime.timedelta(days=rng.randint(0, span)),
                occasion,
                acceptance,
                lead,
                assist,
                summary,
            ]
        )
    return write_workbook(out)
