"""年度活动安排 from seed 002's table (月份, 活动内容, 活动主体): cells read as the committee writes them
("2-3月", "2018年1月" in a 2017 plan, 提案委, 各界别组), upload → preview → 确认导入, all or nothing, with
`第 N 行「列」：原因` for every problem; a committee office importing other bodies' rows is refused row
by row; the blank template; the demo seeds the whole table once, however often it runs."""

import datetime

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from people import roles
from schedule import demo, sheets
from schedule.models import BodyKind, EntryKind, ScheduleEntry, ScheduleImport
from tests.factories import MemberFactory, SpecialCommitteeFactory, UserFactory

from .conftest import as_xlsx

pytestmark = pytest.mark.django_db

YEAR = 2026
UPLOAD = reverse("schedule_import")
HEADER = ["月份", "活动内容", "活动主体"]


def preview_url(record):
    return reverse("schedule_import_preview", args=[record.pk])


def text(response):
    return response.content.decode()


def upload(client, data, name="2026年度活动安排.xlsx", year=YEAR):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(UPLOAD, {"year": str(year), "file": SimpleUploadedFile(name, data)})


def sheet(*rows):
    return as_xlsx([HEADER, *rows])


@pytest.fixture
def proposals_committee(reference):
    return SpecialCommitteeFactory(name="提案委员会", office="专委会工作一室")


@pytest.fixture
def importers(roles_synced, make_user, reference, proposals_committee):
    return {
        "liaison": make_user(roles.LIAISON_OFFICE),
        "office": make_user(roles.DISTRICT_OFFICE),
        "edu_office": make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]),
        "econ_office": make_user(roles.COMMITTEE_OFFICE, committee=reference["econ_committee"]),
    }


def as_user(client, user):
    client.force_login(user)
    return client


# --- cells


@pytest.mark.parametrize(
    ("cell", "plan", "first", "last"),
    [
        ("4月", 2017, (2017, 4), (2017, 4)),
        ("2-3月", 2017, (2017, 2), (2017, 3)),
        ("11-12月", 2017, (2017, 11), (2017, 12)),
        ("2018年1月", 2017, (2018, 1), (2018, 1)),
        ("11月-2018年1月", 2017, (2017, 11), (2018, 1)),
        ("３—４月", 2017, (2017, 3), (2017, 4)),
        ("5月至6月", 2017, (2017, 5), (2017, 6)),
        (datetime.datetime(2018, 1, 1), 2017, (2018, 1), (2018, 1)),  # Excel turned "2018年1月" into a date
        (4.0, 2017, (2017, 4), (2017, 4)),
    ],
)
def test_months_read_as_the_plan_writes_them(cell, plan, first, last):
    assert sheets.parse_months(cell, plan) == (datetime.date(*first, 1), datetime.date(*last, 1))


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("13月", "无法识别“13月”，应写成“3月”“3-4月”或“2027年1月”"),
        ("上半年", "无法识别“上半年”，应写成“3月”“3-4月”或“2027年1月”"),
        ("5-3月", "“5-3月”的结束月份早于起始月份"),
        ("12-1月", "“12-1月”的结束月份早于起始月份，跨年请写成“12月-2027年1月”"),
        ("2028年1月", "“2028年1月”不在 2026 年度计划内"),
        ("2025年12月", "“2025年12月”不在 2026 年度计划内"),
    ],
)
def test_months_that_are_not_a_plans_are_named(cell, message):
    with pytest.raises(sheets.CellError) as refused:
        sheets.parse_months(cell, YEAR)
    assert str(refused.value).startswith(message)


def test_an_entrys_months_are_written_back_the_way_they_read():
    for cell in ("4月", "2-3月", "2018年1月", "11月-2018年1月", "2018年1-2月"):
        first, last = sheets.parse_months(cell, 2017)
        written = sheets.months_text(ScheduleEntry(year=2017, first_month=first, last_month=last))
        assert sheets.parse_months(written, 2017) == (first, last), cell
    assert (
        sheets.months_text(
            ScheduleEntry(year=2017, first_month=datetime.date(2018, 1, 1), last_month=datetime.date(2018, 1, 1))
        )
        == "2018年1月"
    )


def test_bodies_are_matched_by_name_short_name_and_the_seeds_words(reference, proposals_committee):
    names = sheets.BodyNames()

    def read(cell):
        return [(b.kind, str(b)) for b in names.parse(cell)]

    assert read("区政协领导、专工委负责人") == [(BodyKind.LEADERS, "主席会议/区政协领导")]
    assert read("各专工委、各党派、各界别组") == [
        (BodyKind.ALL_COMMITTEES, "各专委会"),
        (BodyKind.ALL_PARTIES, "各党派"),
        (BodyKind.ALL_SECTORS, "各界别组"),
    ]
    assert read("提案委；全体政协委员") == [(BodyKind.COMMITTEE, "提案委员会"), (BodyKind.ALL_MEMBERS, "全体委员")]
    assert read("教科文卫体委，教育界\n民盟、东华门街道") == [
        (BodyKind.COMMITTEE, "教科文卫体委员会"),
        (BodyKind.SECTOR, "教育界"),
        (BodyKind.PARTY, "民盟"),
        (BodyKind.STREET_GROUP, "东华门街道活动小组"),
    ]
    for cell, message in (("某某委", "找不到“某某委”"), ("教育局", "找不到“教育局”"), ("", "不能为空")):
        with pytest.raises(sheets.CellError) as refused:
            names.parse(cell)
        assert str(refused.value).startswith(message), cell


def test_the_kind_is_guessed_from_the_activitys_words():
    assert sheets.guess_kind("委员活动日（委员进社区服务活动1）") == EntryKind.ACTIVITY_DAY
    assert sheets.guess_kind("界别活动周（委员进社区服务活动2）") == EntryKind.COMMUNITY_WALK
    assert sheets.guess_kind("邀请群众代表参加主席视察和专题调研活动") == EntryKind.INSPECTION
    assert sheets.guess_kind("邀请界别群众代表参与政协主题协商活动") == EntryKind.CONSULTATION
    assert sheets.guess_kind("邀请界别群众列席区政协常委会") == EntryKind.ATTENDANCE
    assert sheets.guess_kind("“请你来协商”：老旧小区加装电梯") == EntryKind.COME_CONSULT
    assert sheets.guess_kind("“走访企业家委员”活动") == EntryKind.OUTREACH


# --- upload, preview, confirm


def test_upload_previews_writes_nothing_then_confirm_imports_once(client, importers, reference):
    c = as_user(client, importers["liaison"])
    data = sheet(
        ["2-3月", "“走访企业家委员”活动", "区政协领导、专工委负责人"],
        ["5-8月", "基层调研活动", "各专工委、各党派"],
        [None, "邀请界别群众代表参与政协主题协商活动", "区政协办公室、相关专工委"],
        ["9月", "界别活动周（委员进社区服务活动2）", "各界别组"],
        ["2027年1月", "邀请界别群众代表列席区政协全体会议", "区政协办公室"],
    )

    previewed = upload(c, data)

    record = ScheduleImport.objects.get()
    assert previewed.status_code == 302 and previewed["Location"] == preview_url(record)
    assert record.status == ScheduleImport.Status.PREVIEWED and record.year == YEAR
    assert not ScheduleEntry.objects.exists()
    page = text(c.get(preview_url(record)))
    assert 'data-count="created">5<' in page and "确认导入" in page and "2027年1月" in page

    done = c.post(preview_url(record), follow=True)

    assert "新增 5 项" in text(done)
    consult = ScheduleEntry.objects.get(content="邀请界别群众代表参与政协主题协商活动")
    assert (consult.first_month, consult.last_month) == (datetime.date(YEAR, 5, 1), datetime.date(YEAR, 8, 1))
    assert consult.kind == EntryKind.CONSULTATION and consult.created_by == importers["liaison"]
    assert {str(b) for b in consult.bodies.all()} == {"区政协办公室", "各专委会"}
    assert ScheduleEntry.objects.get(content__contains="全体会议").first_month == datetime.date(YEAR + 1, 1, 1)
    again = c.post(preview_url(record), follow=True)
    assert "已经导入过了" in text(again) and ScheduleEntry.objects.count() == 5

    # The same file again changes nothing; an edited 活动主体 updates its entry.
    upload(c, data)
    assert ScheduleImport.objects.order_by("-pk").first().report["unchanged"] == 5
    edited = sheet(["9月", "界别活动周（委员进社区服务活动2）", "教育界、医药卫生界"])
    upload(c, edited)
    latest = ScheduleImport.objects.order_by("-pk").first()
    assert latest.report["updated"] == 1 and "各界别组 → 教育界、医药卫生界" in text(c.get(preview_url(latest)))
    c.post(preview_url(latest))
    week = ScheduleEntry.objects.get(content__startswith="界别活动周")
    assert {str(b) for b in week.bodies.all()} == {"教育界", "医药卫生界"} and ScheduleEntry.objects.count() == 5


def test_any_bad_row_and_nothing_is_written(client, importers):
    c = as_user(client, importers["office"])
    data = sheet(
        ["4月", "走访乡镇工委主任", "区政协领导"],  # line 2
        ["4-5月", "委员“走访群众”活动", "全体政协委员"],
        [None, "委员“走进提案承办单位”活动", "提案委"],  # continues 4-5月
        ["13月", "委员活动日", "各界别组"],  # line 5
        [None, "沿用上一行有误的月份", "各界别组"],  # not named twice
        ["7月", "邀请界别群众列席区政协常委会", "区政协办公室、某某委"],  # line 7
        ["10-9月", "走访常委", "区政协办公室"],  # line 8
        ["11月", "", "提案委"],  # line 9
        ["11月", "委员之家建设交流", "提案委、各工委会"],
        ["11月", "委员之家建设交流", "提案委"],  # line 11: the same activity twice
    )

    upload(c, data)

    record = ScheduleImport.objects.get()
    assert record.status == ScheduleImport.Status.INVALID
    assert record.report["errors"] == [
        "第 5 行「月份」：无法识别“13月”，应写成“3月”“3-4月”或“2027年1月”",
        "第 7 行「活动主体」：找不到“某某委”",
        "第 8 行「月份」：“10-9月”的结束月份早于起始月份，跨年请写成“10月-2027年9月”",
        "第 9 行「活动内容」：不能为空",
        "第 11 行「活动内容」：与第 10 行重复（同一月份、同一活动内容）",
    ]
    page = text(c.get(preview_url(record)))
    assert "整个文件都没有导入" in page and "确认导入" not in page
    assert c.post(preview_url(record), follow=True).status_code == 200
    assert not ScheduleEntry.objects.exists()


def test_a_committee_office_importing_other_bodies_rows_gets_row_errors(client, importers, reference):
    c = as_user(client, importers["edu_office"])
    upload(
        c,
        sheet(
            ["5月", "教育界送教下乡", "教育界"],
            ["6月", "经济界走访企业", "经济界"],
            ["9月", "界别活动周", "各界别组"],
        ),
    )
    record = ScheduleImport.objects.get()
    assert record.report["errors"] == [
        "第 3 行「活动主体」：只能安排本专委会及其联系界别的活动，不能安排“经济界”",
        "第 4 行「活动主体」：只能安排本专委会及其联系界别的活动，不能安排“各界别组”",
    ]
    assert not ScheduleEntry.objects.exists()

    upload(c, sheet(["5月", "教育界送教下乡", "教育界、教科文卫体委"]))
    mine = ScheduleImport.objects.order_by("-pk").first()
    c.post(preview_url(mine))
    assert ScheduleEntry.objects.get().content == "教育界送教下乡"
    # Another committee's office reads neither upload; the liaison office reads, only the uploader confirms.
    other = as_user(client, importers["econ_office"])
    assert other.get(preview_url(mine)).status_code == 404
    assert other.get(reverse("schedule_import_file", args=[mine.pk])).status_code == 404
    liaison = as_user(client, importers["liaison"])
    assert liaison.get(preview_url(record)).status_code == 200
    assert liaison.post(preview_url(record)).status_code == 403


@pytest.fixture
def no_reader(monkeypatch):
    """The spreadsheet reader fails the test if it is ever asked to parse."""
    import lianxin_site.imports

    def never(*args, **kwargs):
        raise AssertionError("the reader must not parse a refused file")

    monkeypatch.setattr(lianxin_site.imports.CalamineWorkbook, "from_filelike", never)


def test_a_too_big_or_wrong_file_is_refused_before_anything_parses_it(client, importers, monkeypatch, no_reader):
    c = as_user(client, importers["liaison"])
    monkeypatch.setattr(sheets, "MAX_BYTES", 1024)
    big = sheet(*[["5月", f"活动{i}", "各界别组"] for i in range(300)])

    refused = upload(c, big)

    assert refused.status_code == 200 and "「年度活动安排表」：文件太大" in text(refused)
    assert "只接受 Excel（.xlsx）文件" in text(upload(c, b"a,b", "安排.csv"))
    assert not ScheduleImport.objects.exists()


def test_a_file_that_is_not_the_plan_is_refused_on_the_upload_form(client, importers):
    c = as_user(client, importers["liaison"])
    wrong = as_xlsx([["姓名", "电话"], ["王丽", "13800138000"]])
    assert "无法识别的表格" in text(upload(c, wrong))
    missing = as_xlsx([["月份", "活动内容"], ["5月", "委员活动日"]])
    assert "缺少列：活动主体" in text(upload(c, missing))
    assert "只有表头" in text(upload(c, sheet()))
    assert not ScheduleImport.objects.exists()


def test_the_blank_template_has_the_three_headers(client, importers):
    response = as_user(client, importers["edu_office"]).get(reverse("schedule_import_template"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    import io

    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows == [tuple(HEADER)]
    assert text(as_user(client, importers["liaison"]).get(UPLOAD)).count("下载空白模板") == 1


# --- the demo


def test_the_demo_seeds_seed_002s_table_once(roles_synced, reference, proposals_committee):
    UserFactory(username="liaison", role=roles.LIAISON_OFFICE)
    guest = MemberFactory(code="17001", name="孙医生", sector=reference["health"])

    demo.seed_schedule()
    demo.seed_schedule()

    year = timezone.localdate().year
    plan = ScheduleEntry.objects.filter(year=year)
    assert plan.count() == len(demo.SEED_002_PLAN) + 2
    assert plan.filter(first_month=datetime.date(year + 1, 1, 1)).get().content == "邀请界别群众代表列席区政协全体会议"
    day = plan.get(content="委员活动日（委员进社区服务活动1）")
    assert day.kind == EntryKind.ACTIVITY_DAY
    assert {str(b) for b in day.bodies.all()} == {"各专委会", "各党派", "各界别组"}
    first, second = plan.filter(content=demo.BATCHED_CONTENT).order_by("batch_number")
    assert (first.batch_number, second.batch_number, second.batch_of) == (1, 2, first)
    assert list(first.invited.all()) == [guest] and guest.sector != reference["education"]


def test_the_upload_page_lists_ones_own_imports_however_many_others_sent(client, importers):
    """The recent-imports list is a selector (schedule.rules.imports_visible_to), not the latest rows
    filtered afterwards: a committee office still finds its own upload after the liaison office's many."""
    mine = ScheduleImport.objects.create(
        original_name="教科文卫体委安排.xlsx", uploaded_by=importers["edu_office"], status="previewed", year=YEAR
    )
    ScheduleImport.objects.bulk_create(
        [
            ScheduleImport(
                original_name=f"联络室第{n}版.xlsx", uploaded_by=importers["liaison"], status="previewed", year=YEAR
            )
            for n in range(120)
        ]
    )
    page = text(as_user(client, importers["edu_office"]).get(UPLOAD))
    assert mine.original_name in page
    assert "联络室第" not in page
    assert "联络室第119版.xlsx" in text(as_user(client, importers["office"]).get(UPLOAD))
