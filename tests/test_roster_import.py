"""Roster import and export: every path a member of staff takes, and every bad input."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from people.models import Member, RosterImport
from people.roster import HEADERS, OPTIONAL_HEADERS, RosterFileError, import_roster, read_roster
from people.roster_export import export_roster

from .conftest import VALID_ROWS, as_csv, as_xlsx, roster_rows
from .factories import MemberFactory

pytestmark = pytest.mark.django_db


def snapshot():
    return sorted(
        Member.objects.values_list(
            "code",
            "name",
            "gender",
            "sector__name",
            "party__name",
            "committee__name",
            "employer_title",
            "phone",
            "is_standing",
            "street_group__name",
        )
    )


def test_xlsx_import_creates_members_with_every_column(reference):
    report = import_roster(as_xlsx(roster_rows(*VALID_ROWS)), "名册.xlsx", dry_run=False)

    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    sun = Member.objects.get(code="15001")
    assert sun.name == "孙悦"
    assert sun.gender == Member.Gender.FEMALE
    assert sun.sector == reference["education"]
    assert sun.party == reference["minmeng"]
    assert sun.committee == reference["edu_committee"]
    assert sun.employer_title == "区实验小学 副校长"
    assert sun.phone == "13912345678"
    assert sun.is_standing is True
    assert sun.street_group == reference["donghuamen"]
    zhou = Member.objects.get(code="15002")
    assert zhou.party is None
    assert zhou.street_group == reference["jingshan"], "a street group may be named by its street"
    wu = Member.objects.get(code="15003")
    assert (wu.committee, wu.phone, wu.is_standing, wu.street_group) == (None, "", False, None)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_the_encodings_excel_saves(reference, encoding):
    data = as_csv(roster_rows(*VALID_ROWS), encoding=encoding)

    report = import_roster(data, "名册.csv", dry_run=False)

    assert report.errors == []
    assert report.created == 3
    assert Member.objects.get(code="15002").name == "周博"


def test_numbers_typed_into_excel_cells_are_read_as_text(reference):
    rows = roster_rows((15009, "郑洋", "男", "教育界", "", "", "", 13912345678, "否", ""))

    import_roster(as_xlsx(rows), "名册.xlsx", dry_run=False)

    member = Member.objects.get(code="15009")
    assert member.phone == "13912345678"


def test_serial_number_column_and_blank_lines_are_ignored(reference):
    rows = [["序号", *HEADERS], [1, *VALID_ROWS[0]], [None] * 11, [2, *VALID_ROWS[1]]]

    report = import_roster(as_xlsx(rows), "名册.xlsx", dry_run=False)

    assert report.errors == []
    assert Member.objects.count() == 2


def test_errors_name_the_line_excel_shows_even_below_blank_rows(reference):
    rows = [[None], [None], list(HEADERS), list(VALID_ROWS[0]), [None], ["15020", "", "男", "教育界"] + [""] * 6]

    report = import_roster(as_xlsx(rows), "名册.xlsx", dry_run=True)

    assert report.errors == ["第 6 行「姓名」：不能为空。"]


def test_dry_run_reports_without_writing(reference):
    report = import_roster(as_xlsx(roster_rows(*VALID_ROWS)), "名册.xlsx", dry_run=True)

    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert [change["code"] for change in report.changes] == ["15001", "15002", "15003"]
    assert Member.objects.count() == 0


def test_reimporting_the_same_file_changes_nothing(reference):
    data = as_xlsx(roster_rows(*VALID_ROWS))
    import_roster(data, "名册.xlsx", dry_run=False)
    before = snapshot()

    report = import_roster(data, "名册.xlsx", dry_run=False)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert report.changes == []
    assert snapshot() == before


def test_edited_file_updates_exactly_the_edited_members(reference):
    import_roster(as_xlsx(roster_rows(*VALID_ROWS)), "名册.xlsx", dry_run=False)
    edited = [list(row) for row in VALID_ROWS]
    edited[1][6] = "某银行 副行长"
    edited[1][8] = "是"
    untouched = Member.objects.get(code="15001")

    report = import_roster(as_xlsx(roster_rows(*edited)), "名册.xlsx", dry_run=False)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert report.changes == [
        {
            "line": 3,
            "type": "update",
            "code": "15002",
            "name": "周博",
            "changed": [
                {"column": "单位及职务", "old": "某银行 行长", "new": "某银行 副行长"},
                {"column": "是否常委", "old": "否", "new": "是"},
            ],
        }
    ]
    zhou = Member.objects.get(code="15002")
    assert (zhou.employer_title, zhou.is_standing) == ("某银行 副行长", True)
    assert Member.objects.get(code="15001").employer_title == untouched.employer_title


def test_export_then_import_round_trips_with_no_change(members, reference):
    MemberFactory(
        code="14009",
        name="钱红",
        sector=reference["health"],
        phone="010-64012345",
        is_standing=True,
        street_group=reference["jingshan"],
        employer_title="+86 社区",
    )
    before = snapshot()
    for fmt in ("xlsx", "csv"):
        report = import_roster(export_roster(fmt=fmt), f"名册.{fmt}", dry_run=False)
        assert report.errors == []
        assert (report.created, report.updated, report.unchanged) == (0, 0, 5), fmt
    assert snapshot() == before


def test_export_neutralises_spreadsheet_formulas(reference):
    MemberFactory(
        code="14100",
        name='=HYPERLINK("http://x","点我")',
        sector=reference["education"],
        employer_title="@SUM(A1)",
        phone="",
    )
    MemberFactory(code="14101", name="正常", sector=reference["education"], employer_title="-1+2")

    sheet = openpyxl.load_workbook(io.BytesIO(export_roster(fmt="xlsx"))).active
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    csv_text = export_roster(fmt="csv").decode("utf-8-sig")

    for dangerous in ('=HYPERLINK("http://x","点我")', "@SUM(A1)", "-1+2"):
        assert "'" + dangerous in values
        assert dangerous not in values
        assert "\n" + dangerous not in csv_text and "," + dangerous not in csv_text
    # ... and the escaped export still imports back unchanged.
    report = import_roster(export_roster(fmt="xlsx"), "名册.xlsx", dry_run=False)
    assert report.unchanged == 2 and report.errors == []
    assert Member.objects.get(code="14100").employer_title == "@SUM(A1)"


def test_export_has_the_committees_headers_and_one_row_per_member(members):
    sheet = openpyxl.load_workbook(io.BytesIO(export_roster(fmt="xlsx"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [*HEADERS, *OPTIONAL_HEADERS]
    assert [row[0] for row in rows[1:]] == ["14001", "14002", "14003", "14004"]
    assert rows[2][4] == "民盟" and rows[2][2] == "女"


# --- bad input: a clear Chinese message naming the row, the column and the reason;
# --- and nothing written, even for the good rows of the same file.


def assert_nothing_written(before):
    assert snapshot() == before


@pytest.mark.parametrize(
    "bad_row, expected",
    [
        (("15010", "钱多", "男", "不存在界", "", "", "", "", "", ""), "第 3 行「界别」：没有名为“不存在界”的界别"),
        (("15010", "", "男", "教育界", "", "", "", "", "", ""), "第 3 行「姓名」：不能为空"),
        (("", "钱多", "男", "教育界", "", "", "", "", "", ""), "第 3 行「委员证号」：不能为空"),
        (("15010", "钱多", "男", "教育界", "", "", "", "12345", "", ""), "第 3 行「联系电话」：格式不正确"),
        (("15010", "钱多", "男", "教育界", "", "", "", "138001380001", "", ""), "第 3 行「联系电话」：格式不正确"),
        (("15010", "钱多", "未知", "教育界", "", "", "", "", "", ""), "第 3 行「性别」：应填“男”或“女”"),
        (("15010", "钱多", "男", "教育界", "", "", "", "", "也许", ""), "第 3 行「是否常委」：应填“是”或“否”"),
        (("15010", "钱多", "男", "教育界", "共和党", "", "", "", "", ""), "第 3 行「党派」：没有名为“共和党”的党派"),
        (
            ("15010", "钱多", "男", "教育界", "", "外星委员会", "", "", "", ""),
            "第 3 行「专委会」：没有名为“外星委员会”的专委会",
        ),
        (
            ("15010", "钱多", "男", "教育界", "", "", "", "", "", "火星街道"),
            "第 3 行「街道活动小组」：没有名为“火星街道”的街道活动小组",
        ),
        (("15010", "钱" * 51, "男", "教育界", "", "", "", "", "", ""), "第 3 行「姓名」：不能超过 50 个字"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(members, bad_row, expected):
    before = snapshot()
    good = ("14001", "王丽（改）", "女", "教育界", "", "", "", "", "", "")

    report = import_roster(as_xlsx(roster_rows(good, bad_row)), "名册.xlsx", dry_run=False)

    assert any(message.startswith(expected) for message in report.errors), report.errors
    assert_nothing_written(before)


def test_duplicate_code_in_the_file_names_both_lines(members):
    before = snapshot()
    rows = roster_rows(VALID_ROWS[0], VALID_ROWS[1], VALID_ROWS[0])

    report = import_roster(as_csv(rows), "名册.csv", dry_run=False)

    assert report.errors == ["第 4 行「委员证号」：“15001”在文件中重复出现，第 2 行已有这个委员证号。"]
    assert_nothing_written(before)


def test_every_error_of_a_file_is_reported_at_once_in_row_order(reference):
    rows = roster_rows(
        ("15010", "", "男", "教育界", "", "", "", "", "", ""),
        VALID_ROWS[0],
        ("15011", "钱多", "男", "无此界别", "", "", "", "abc", "", ""),
    )

    report = import_roster(as_xlsx(rows), "名册.xlsx", dry_run=True)

    assert [message.split("：")[0] for message in report.errors] == [
        "第 2 行「姓名」",
        "第 4 行「界别」",
        "第 4 行「联系电话」",
    ]


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"", "文件是空的"),
        (b"   \r\n\r\n", "文件是空的"),
        ("委员证号,姓名,性别,界别,党派,专委会,单位及职务,联系电话,是否常委,街道活动小组\r\n".encode(), "只有表头"),
        (
            "委员证号,名字,性别,界别,党派,专委会,单位及职务,联系电话,是否常委,街道活动小组\r\n1,a,男,教育界,,,,,,\r\n".encode(),
            "表头不对（缺少列：姓名；无法识别的列：名字）",
        ),
        (
            "委员证号,姓名,性别\r\n1,a,男\r\n".encode(),
            "缺少列：界别、党派、专委会、单位及职务、联系电话、是否常委、街道活动小组",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "这不是表格文件"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "无法识别的表格"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "不支持旧版 Excel（.xls）"),
        (b"PK\x03\x04broken zip", "无法读取这个 .xlsx 文件"),
        (b"just some words\nand more", "无法识别的表格"),
    ],
)
def test_a_file_that_is_not_a_roster_is_refused_with_a_reason(members, data, expected):
    before = snapshot()

    with pytest.raises(RosterFileError) as excinfo:
        import_roster(data, "upload", dry_run=False)

    assert expected in str(excinfo.value)
    assert_nothing_written(before)


def test_header_problems_come_from_the_xlsx_too():
    with pytest.raises(RosterFileError, match="重复的列：姓名"):
        read_roster(as_xlsx([[*HEADERS, "姓名"], ["1"] * 11]), "名册.xlsx")


# --- the commands


def test_import_roster_command_dry_run_then_real(reference, tmp_path, capsys):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(as_xlsx(roster_rows(*VALID_ROWS)))

    call_command("import_roster", str(path), "--dry-run")
    assert "将新增 3 人" in capsys.readouterr().out
    assert Member.objects.count() == 0

    call_command("import_roster", str(path))
    assert "已新增 3 人，已更新 0 人，0 人无变化" in capsys.readouterr().out
    assert Member.objects.count() == 3


def test_import_roster_command_fails_loudly_and_writes_nothing(reference, tmp_path, capsys):
    path = tmp_path / "名册.csv"
    path.write_bytes(as_csv(roster_rows(VALID_ROWS[0], ("15010", "", "男", "教育界", "", "", "", "", "", ""))))

    with pytest.raises(CommandError, match="没有写入任何数据"):
        call_command("import_roster", str(path))

    assert "第 3 行「姓名」：不能为空" in capsys.readouterr().err
    assert Member.objects.count() == 0


def test_import_roster_command_reports_unreadable_files(tmp_path):
    path = tmp_path / "照片.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(CommandError, match="这不是表格文件"):
        call_command("import_roster", str(path))
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_roster", str(tmp_path / "missing.xlsx"))


def test_export_roster_command_writes_a_file_that_imports_back(members, tmp_path, capsys):
    path = tmp_path / "out.xlsx"
    call_command("export_roster", str(path))
    assert "已导出 4 名委员" in capsys.readouterr().out
    assert import_roster(path.read_bytes(), "out.xlsx").unchanged == 4
    with pytest.raises(CommandError, match=".xlsx 或 .csv"):
        call_command("export_roster", str(tmp_path / "out.pdf"))


def test_a_member_written_by_someone_else_mid_import_fails_the_whole_import(reference, monkeypatch):
    from people import roster

    preload = roster.stored_members

    def preload_then_race(codes):
        stored = preload(codes)
        MemberFactory(code="15002", name="抢先", sector=reference["education"])
        return stored

    monkeypatch.setattr(roster, "stored_members", preload_then_race)

    report = import_roster(as_xlsx(roster_rows(*VALID_ROWS)), "名册.xlsx", dry_run=False)

    assert report.errors == ["导入时名册被其他人同时修改（委员证号冲突），没有写入任何数据。请重新上传预览后再确认。"]
    assert not Member.objects.filter(code="15001").exists()


# ---------------------------------------------------------------------------
# 确认导入 applies what the preview found, unless what the preview read has changed since


def previewed(user, rows):
    from people.roster import preview_upload

    record = preview_upload(as_xlsx(roster_rows(*rows)), "名册.xlsx", user)
    assert record.status == RosterImport.Status.PREVIEWED
    return record


def test_confirm_writes_what_the_preview_found_without_reading_the_rows_again(
    members, make_user, monkeypatch, reference
):
    from people import roster

    edited = ("14001", "王丽", "女", "教育界", "", "教科文卫体委员会", "区第一中学 副校长", "13800138000", "否", "")
    record = previewed(make_user(), [*VALID_ROWS, edited])

    def refuse(*args, **kwargs):
        raise AssertionError("the file was validated again")

    monkeypatch.setattr(roster, "import_roster", refuse)
    record, report = roster.confirm_import(record.pk)

    assert record.status == RosterImport.Status.IMPORTED
    assert (report.created, report.updated, report.unchanged, report.dry_run) == (3, 1, 0, False)
    teacher = Member.objects.get(code="14001")
    assert teacher.employer_title == "区第一中学 副校长" and teacher.phone == "13800138000"
    sun = Member.objects.get(code="15001")
    assert (sun.name, sun.sector, sun.street_group.name) == ("孙悦", reference["education"], "东华门街道活动小组")
    assert Member.objects.count() == 7


def test_a_member_edited_after_the_preview_is_not_overwritten_by_it(members, make_user):
    """The file leaves out 青年委员; after the preview someone marks 王丽 a youth member. Applying
    the preview's rows would set it back: the whole file is validated again instead."""
    from people.roster import confirm_import

    edited = ("14001", "王丽", "女", "教育界", "", "教科文卫体委员会", "区第一中学 副校长", "13800138000", "否", "")
    record = previewed(make_user(), [edited])
    Member.objects.filter(code="14001").update(is_youth=True)

    record, report = confirm_import(record.pk)

    assert record.status == RosterImport.Status.IMPORTED and report.updated == 1
    teacher = Member.objects.get(code="14001")
    assert teacher.is_youth is True and teacher.employer_title == "区第一中学 副校长"


def test_a_member_added_after_the_preview_with_a_code_of_the_file_is_updated_not_doubled(reference, make_user):
    from people.roster import confirm_import

    record = previewed(make_user(), VALID_ROWS)
    MemberFactory(code="15002", name="周博", sector=reference["economy"])

    record, report = confirm_import(record.pk)

    assert record.status == RosterImport.Status.IMPORTED and report.errors == []
    assert (report.created, report.updated) == (2, 1)
    assert Member.objects.filter(code="15002").count() == 1 and Member.objects.count() == 3


# ---------------------------------------------------------------------------
# The page cache is cleared once for many members, not once per member (issue 19)


@pytest.fixture
def page_cache_clears(monkeypatch):
    """How many times the anonymous page cache was emptied."""
    from django.core.cache import caches

    pages = caches["pages"]
    cleared = []
    real_clear = pages.clear

    def clear():
        cleared.append(True)
        real_clear()

    monkeypatch.setattr(pages, "clear", clear)
    return cleared


def test_members_saved_one_by_one_in_a_bulk_block_clear_the_page_cache_once(reference, page_cache_clears):
    from django.core.cache import caches

    from lianxin_site.cache import clear_public_cache_once

    for n in range(3):
        MemberFactory(code=f"1600{n}", sector=reference["education"])
    assert len(page_cache_clears) == 3  # outside the block, each save clears

    caches["pages"].set("/stories/", "a page showing the old names")
    page_cache_clears.clear()
    with clear_public_cache_once():
        for n in range(5):
            MemberFactory(code=f"1700{n}", sector=reference["education"])
        assert caches["pages"].get("/stories/") == "a page showing the old names"
        assert page_cache_clears == []

    assert len(page_cache_clears) == 1
    assert caches["pages"].get("/stories/") is None


def test_a_roster_import_clears_the_page_cache_once(reference, page_cache_clears, django_capture_on_commit_callbacks):
    rows = [(f"1800{n}", "钱多", "男", "教育界", "", "", "", "", "", "") for n in range(10)]
    with django_capture_on_commit_callbacks(execute=True):
        report = import_roster(as_xlsx(roster_rows(*rows)), "名册.xlsx", dry_run=False)

    assert report.created == 10
    assert len(page_cache_clears) <= 2  # when it commits (and once more as the test's own transaction ends)


def test_seeding_the_demo_members_clears_the_page_cache_once(page_cache_clears, django_capture_on_commit_callbacks):
    from people.demo import seed_members, seed_reference_data

    seed_reference_data()
    page_cache_clears.clear()
    with django_capture_on_commit_callbacks(execute=True):
        seed_members(count=20)

    assert Member.objects.count() == 20
    assert len(page_cache_clears) <= 2  # at the end of the block, and once more when it commits
