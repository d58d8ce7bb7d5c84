"""委员活动日 statistics (seed 001): the reviewer's checks, the numbers the platform proposes, one
report per unit corrected until the deadline, the roll-up, its xlsx, PDF and charts, and the import."""

import datetime
import io
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from content.models import WorkstationPostPage
from forms_app.activity_day import rules as stats
from forms_app.activity_day.pdf import rollup_pdf_bytes
from forms_app.activity_day.sheets import read_workbook, rollup_xlsx, unit_xlsx
from forms_app.models import ActivityDay, ActivityReport, ReportingUnit, StatsImport, TableVariant
from people import roles

from .content_helpers import post, site_sections, station
from .factories import MemberFactory

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).parent / "artifacts"
TODAY = timezone.localdate()
DAY = TODAY - datetime.timedelta(days=3)
VALID = dict(
    workstations=4,
    stationed_members=20,
    active_workstations=3,
    collective_members=12,
    own_members=2,
    kind_reading=1,
    kind_research=1,
    kind_suggestion=0,
    kind_visit=2,
    kind_duty=0,
    kind_charity=1,
    kind_sector=0,
    kind_other=0,
    opinions=15,
    deeds=3,
    uploads=3,
)


@pytest.fixture
def setup(members, reference, make_user):
    r, m = reference, members
    _stories, stations = site_sections()
    ws1 = station(stations, m["teacher"], title="东四教育委员工作室", committee=r["edu_committee"])
    ws1.members.set([m["doctor"], m["banker"]])
    ws1.save_revision().publish()
    ws2 = station(stations, m["doctor"], title="和平里健康委员工作室", committee=r["edu_committee"])
    ws2.members.set([m["teacher"]])
    ws2.save_revision().publish()
    ws3 = station(stations, m["banker"], title="前门金融委员工作室", committee=r["econ_committee"])
    post(ws1, "读书分享会：学习政协章程", DAY, category="reading")
    post(ws1, "就社区养老服务开展调研", DAY, category="research")
    post(ws2, "走访界别群众听民声", DAY - datetime.timedelta(days=1), category="visit")  # not on the day
    post(ws3, "金融知识进社区", DAY, category="reading")  # another committee's station
    draft = post(ws2, "义诊（未发布）", DAY, category="charity")
    draft.unpublish()

    edu = ReportingUnit.objects.create(
        name="教科文卫体委员会", variant=TableVariant.COMMITTEE, committee=r["edu_committee"]
    )
    econ = ReportingUnit.objects.create(
        name="经济委员会", variant=TableVariant.COMMITTEE, committee=r["econ_committee"]
    )
    city = ReportingUnit.objects.create(name="长沙市政协", variant=TableVariant.CPPCC, sort_order=9)
    day = ActivityDay.objects.create(
        name="2026年委员活动日",
        theme="委员在行动",
        date=DAY,
        upload_deadline=DAY + datetime.timedelta(days=2),
        deadline=TODAY + datetime.timedelta(days=5),
    )
    day.units.set([edu, econ, city])
    # 东四's two posts are the day's 动态, published (uploaded) today: after the upload deadline
    WorkstationPostPage.objects.child_of(ws1).update(activity_day=day)
    city_user = make_user(roles.UNIT_REPORTER)
    city.reporters.add(city_user)
    return {
        "day": day,
        "edu": edu,
        "econ": econ,
        "city": city,
        "ws1": ws1,
        "ws2": ws2,
        "ws3": ws3,
        "edu_office": make_user(roles.COMMITTEE_OFFICE, committee=r["edu_committee"]),
        "econ_office": make_user(roles.COMMITTEE_OFFICE, committee=r["econ_committee"]),
        "city_user": city_user,
        "organiser": make_user(roles.LIAISON_OFFICE),
    }


def counts(**overrides):
    return {**VALID, **overrides}


# --- the reviewer's checks


def test_a_sound_table_passes():
    assert stats.check_counts(counts()) == {}


@pytest.mark.parametrize(
    "value, message",
    [
        (None, "请填写委员工作室数（没有请填 0）"),
        ("", "请填写委员工作室数"),
        (-1, "应是不小于 0 的整数，现在是“-1”"),
        (2.5, "应是不小于 0 的整数，现在是“2.5”"),
        ("四", "应是不小于 0 的整数，现在是“四”"),
    ],
)
def test_counts_are_whole_non_negative_numbers(value, message):
    errors = stats.check_counts(counts(workstations=value))
    assert message in errors["workstations"][0]


def test_whole_numbers_from_a_sheet_are_accepted():
    assert stats.check_counts(counts(workstations=4.0, deeds=" 3 ")) == {}


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"active_workstations": 5}, "active_workstations", "组织活动的工作室数（5）不能多于委员工作室数（4）"),
        ({"kind_visit": 4}, "kind_visit", "开展走访界别群众的工作室数（4）不能多于组织活动的工作室数（3）"),
        ({"uploads": 5}, "uploads", "上传“动态”栏目的工作室数（5）不能多于委员工作室数（4）"),
        (
            {"collective_members": 21},
            "collective_members",
            "参加集体活动的委员数（21）不能多于入驻委员工作室的委员数（20）",
        ),
        (
            {"active_workstations": 0, **{f: 0 for f, _ in stats.KIND_FIELDS}},
            "collective_members",
            "没有工作室组织活动时",
        ),
        (
            {"kind_reading": 0, "kind_research": 0, "kind_visit": 1, "kind_charity": 1},
            None,
            "各类活动的工作室数合计（2）少于组织活动的工作室数（3）",
        ),
    ],
)
def test_a_part_is_not_larger_than_its_whole(overrides, field, message):
    errors = stats.check_counts(counts(**overrides))
    assert any(message in m for m in errors[field]), errors


# --- the numbers the platform already knows


def test_proposals_count_the_units_stations_and_their_posts_on_the_day(setup, members):
    proposed = stats.proposals(setup["day"], setup["edu"])
    assert proposed["workstations"].value == 2
    assert "东四教育委员工作室" in proposed["workstations"].source and "前门金融" not in proposed["workstations"].source
    assert proposed["stationed_members"].value == 3, "王丽, 李强, 赵敏: each once"
    assert proposed["active_workstations"].value == 1, "only 东四 posted on the day; the draft post does not count"
    assert proposed["kind_reading"].value == 1 and proposed["kind_research"].value == 1
    assert proposed["kind_visit"].value == 0 and proposed["kind_charity"].value == 0
    assert "东四教育委员工作室《读书分享会：学习政协章程》" in proposed["kind_reading"].source
    assert proposed["uploads"].value == 1
    assert "东四教育委员工作室（1 家），其中逾期 1 家：东四教育委员工作室" in proposed["uploads"].source
    assert "collective_members" not in proposed and "opinions" not in proposed, "the platform does not know these"


def test_a_unit_with_no_stations_is_told_so(setup):
    proposed = stats.proposals(setup["day"], setup["city"])
    assert proposed["workstations"].value == 0 and "没有" in proposed["workstations"].source


# --- the form


def form_data(**overrides):
    data = {
        field: str(value)
        for field, value in counts(
            workstations=2,
            stationed_members=3,
            active_workstations=1,
            collective_members=3,
            kind_reading=1,
            kind_research=1,
            kind_visit=0,
            kind_charity=0,
            uploads=1,
        ).items()
    }
    data["summary"] = "组织委员读书分享和调研。"
    data.update({key: str(value) for key, value in overrides.items()})
    return data


def url_for(setup, unit="edu"):
    return reverse("activity_day_report", args=[setup["day"].pk, setup[unit].pk])


def test_form_proposes_the_known_numbers_and_says_where_they_came_from(setup, client):
    client.force_login(setup["edu_office"])
    response = client.get(url_for(setup))
    form = response.context["form"]
    assert form["workstations"].value() == 2 and form["kind_reading"].value() == 1
    assert form["collective_members"].value() is None
    page = response.content.decode()
    assert "负责联系指导的委员工作室数（家）" in page and "各类活动情况统计" in page
    assert "平台数据：<strong>1</strong>" in page and "读书分享会：学习政协章程" in page


def test_a_number_different_from_the_platform_needs_a_reason(setup, client):
    client.force_login(setup["edu_office"])
    response = client.post(url_for(setup), form_data(active_workstations=2, uploads=2))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "平台数据为 1，你填的是 2：请说明原因。" in errors["reason_active_workstations"]
    assert response.context["form"]["opinions"].value() == "15", "what was typed is kept"
    assert not ActivityReport.objects.exists()

    response = client.post(
        url_for(setup),
        form_data(
            active_workstations=2,
            uploads=2,
            reason_active_workstations="和平里工作室的活动动态还没发布",
            reason_uploads="同上",
        ),
    )
    assert response.status_code == 302
    report = ActivityReport.objects.get()
    assert report.active_workstations == 2
    assert report.sources["active_workstations"] == {
        "proposed": 1,
        "source": report.sources["active_workstations"]["source"],
        "reason": "和平里工作室的活动动态还没发布",
    }


def test_each_reason_box_is_marked_for_the_script_with_its_number_and_the_platforms(setup, client):
    """static/js/forms.js shows a reason box only when its number differs from the platform's:
    the page marks each box with the number's id and the platform's number. The server sends
    every box, visible, so the form works without the script, and still checks the reasons."""
    client.force_login(setup["edu_office"])
    page = client.get(url_for(setup)).content.decode()
    assert '<script src="/static/js/forms.js" defer></script>' in page
    proposed = stats.proposals(setup["day"], setup["edu"])
    for field, proposal in proposed.items():
        assert f'<div class="reason" data-reason-for="id_{field}" data-proposed="{proposal.value}">' in page, field
        assert f'name="reason_{field}"' in page
    assert page.count("data-reason-for") == len(proposed) == 12, "a reason only beside a number the platform knows"
    form = page[page.index('<form method="post" class="wizard stats-form"') :]
    assert not re.search(r"\shidden[\s>]", form[: form.index("</form>")]), "without the script every box shows"

    response = client.post(url_for(setup), form_data(kind_visit=1, active_workstations=2, kind_charity=1))
    assert "平台数据为 0，你填的是 1：请说明原因。" in response.context["form"].errors["reason_kind_visit"]
    assert not ActivityReport.objects.exists(), "the server refuses a differing number without a reason"


def test_the_service_also_needs_a_reason_for_a_number_different_from_the_platform(setup):
    """The same rule (reason_errors) as the form, for any caller that is not an import."""
    day, unit, office = setup["day"], setup["edu"], setup["edu_office"]
    typed = {field: int(value) for field, value in form_data(active_workstations=2).items() if field != "summary"}
    with pytest.raises(stats.StatsError, match="平台数据为 1，你填的是 2：请说明原因。"):
        stats.save_report(day, unit, office, typed, summary="小结")
    assert not ActivityReport.objects.exists()
    report, created = stats.save_report(
        day, unit, office, typed, {"active_workstations": "一家还没发布"}, summary="小结"
    )
    assert created and report.sources["active_workstations"]["reason"] == "一家还没发布"


def test_form_checks_in_chinese_and_keeps_the_input(setup, client):
    client.force_login(setup["edu_office"])
    response = client.post(url_for(setup), form_data(opinions="-3", deeds="三", kind_reading=2))
    errors = response.context["form"].errors
    assert "收集群众意见建议数应是不小于 0 的整数。" in errors["opinions"]
    assert "为民办实事数应是不小于 0 的整数。" in errors["deeds"]
    assert response.context["form"]["deeds"].value() == "三"


def test_a_unit_reports_once_and_corrects_until_the_deadline(setup, client):
    client.force_login(setup["edu_office"])
    assert client.post(url_for(setup), form_data()).status_code == 302
    assert client.post(url_for(setup), form_data(opinions=20)).status_code == 302
    report = ActivityReport.objects.get()
    assert report.opinions == 20 and report.corrections == 1
    page = client.get(url_for(setup)).content.decode()
    assert "保存更正" in page and "更正 1 次" in page

    day = setup["day"]
    day.deadline = TODAY - datetime.timedelta(days=1)
    day.save()
    response = client.post(url_for(setup), form_data(opinions=99), follow=True)
    assert "截止报送，不能再修改" in response.content.decode()
    assert ActivityReport.objects.get().opinions == 20
    assert response.context["form"].fields["opinions"].disabled
    with pytest.raises(stats.StatsError, match="截止报送"):
        stats.save_report(day, setup["edu"], setup["edu_office"], counts())


def test_the_deadline_day_itself_is_still_open(setup):
    assert stats.is_open(setup["day"], today=setup["day"].deadline)
    assert not stats.is_open(setup["day"], today=setup["day"].deadline + datetime.timedelta(days=1))


def test_units_report_only_for_themselves(setup, client, make_user):
    client.force_login(setup["econ_office"])
    assert client.get(url_for(setup)).status_code == 403
    assert client.get(url_for(setup, "econ")).status_code == 200
    client.force_login(setup["city_user"])
    assert client.get(url_for(setup, "city")).status_code == 200
    assert client.get(url_for(setup)).status_code == 403
    home = client.get(reverse("activity_day_home")).content.decode()
    assert "长沙市政协" in home and "教科文卫体委员会" not in home
    assert "填报委员活动日统计表" in client.get(reverse("my_home")).content.decode()
    client.force_login(make_user(roles.MEMBER))
    assert client.get(url_for(setup, "city")).status_code == 403


def test_the_cppcc_variant_uses_its_own_heading(setup, client, settings):
    settings.COMMITTEE_LEVEL = "省"  # the provincial paper form (seed 001, 附件2)
    client.force_login(setup["city_user"])
    page = client.get(url_for(setup, "city")).content.decode()
    assert "市州（含所属县市区）政协委员工作室数（家）" in page and "负责联系指导的委员工作室数" not in page


# --- the roll-up


def report(setup, unit, **overrides):
    return stats.save_report(setup["day"], setup[unit], setup["organiser"], counts(**overrides), via_import=True)[0]


def test_roll_up_totals_and_who_has_not_reported(setup):
    report(setup, "edu", opinions=10)
    report(setup, "city", opinions=7, deeds=1)
    summary = stats.roll_up(setup["day"])
    assert summary["totals"]["opinions"] == 17 and summary["totals"]["deeds"] == 4
    assert summary["totals"]["workstations"] == 8
    assert summary["missing"] == [setup["econ"]]
    assert summary["statuses"] == {"已报": 2, "未报": 1}
    assert dict(summary["kinds"])["走访界别群众"] == 4
    overdue = stats.roll_up(setup["day"], today=setup["day"].deadline + datetime.timedelta(days=1))
    assert overdue["statuses"]["逾期未报"] == 1


def test_rollup_xlsx_has_the_paper_tables_two_level_header(setup):
    report(setup, "edu", opinions=10)
    report(setup, "city", opinions=7)
    sheet = openpyxl.load_workbook(io.BytesIO(rollup_xlsx(setup["day"]))).active
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A3:A4", "B3:B4", "F3:F4", "G3:N3", "O3:O4", "Q3:Q4", "R3:R4"} <= merged
    assert sheet["A3"].value == "填表单位" and sheet["G3"].value == "各类活动情况统计"
    assert sheet["B3"].value == "委员工作室数（家）", "two variants rolled up: the neutral heading"
    assert sheet["G4"].value == "开展委员读书、宣传宣讲活动的委员工作室数（家）"
    assert sheet["N4"].value == "开展其他形式履职活动的委员工作室数（家）"
    assert sheet["O3"].value == "收集群众意见建议数（条）"
    assert sheet["Q3"].value == "将活动情况上传线上委员工作室“动态”栏目的委员工作室数（家）"
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    assert [row[0] for row in rows] == ["教科文卫体委员会", "经济委员会", "长沙市政协", "合计"]
    assert rows[1][1] is None and rows[1][-1] == "未报"
    assert rows[-1][14] == 17 and rows[-1][-1] == "已报 2 / 3"


def test_unit_xlsx_is_the_paper_table_of_its_variant(setup, settings):
    settings.COMMITTEE_LEVEL = "省"
    sheet = openpyxl.load_workbook(io.BytesIO(unit_xlsx(setup["day"], setup["city"]))).active
    assert sheet["A1"].value == "市州（含所属县市区）政协委员工作室开展委员活动日情况统计表"
    assert sheet["A2"].value.startswith("填表单位：长沙市政协")
    assert sheet["A3"].value == "市州（含所属县市区）政协委员工作室数（家）"
    assert {"A3:A4", "F3:M3", "N3:N4"} <= {str(r) for r in sheet.merged_cells.ranges}


def test_rollup_pdf_is_landscape_with_its_table_and_charts(setup, tmp_path):
    report(setup, "edu", opinions=10)
    report(setup, "city", opinions=7)
    path = tmp_path / "rollup.pdf"
    path.write_bytes(rollup_pdf_bytes(setup["day"]))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = text.replace(" ", "").replace("\n", "")
    for expected in (
        "2026年委员活动日",
        "填表单位",
        "各类活动情况统计",
        "教科文卫体委员会",
        "长沙市政协",
        "合计",
        "未报送：经济委员会",
        "各类活动开展情况",
        "填报单位报送情况",
    ):
        assert expected in flat, expected
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    width, height = (float(v) for v in size.split(":")[1].split("pts")[0].split("x"))
    assert width > height, "landscape A4"
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(path),
            str(ARTIFACTS / "activity-day-rollup-page1"),
        ],
        check=True,
    )
    assert (ARTIFACTS / "activity-day-rollup-page1.png").stat().st_size > 5000


def test_organiser_sees_the_rollup_with_charts_and_units_do_not(setup, client):
    report(setup, "edu")
    client.force_login(setup["organiser"])
    page = client.get(reverse("activity_day_rollup", args=[setup["day"].pk])).content.decode()
    assert "未报送（2）" in page and "data:image/svg+xml;base64," in page
    xlsx = client.get(reverse("activity_day_rollup_xlsx", args=[setup["day"].pk]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(setup["edu_office"])
    assert client.get(reverse("activity_day_rollup", args=[setup["day"].pk]))["Location"] == "/admin/"


def test_unit_pdf_prints_the_units_table(setup, client, tmp_path):
    report(setup, "edu", opinions=11)
    client.force_login(setup["edu_office"])
    response = client.get(reverse("activity_day_report_pdf", args=[setup["day"].pk, setup["edu"].pk]))
    path = tmp_path / "unit.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.replace(
        "\n", ""
    )
    assert (
        "专门委员会相关委员工作室开展委员活动日情况统计表" in text
        and "填表单位：教科文卫体委员会" in text
        and "11" in text
    )


# --- importing units' spreadsheets


def filled_unit_sheet(setup, unit, **overrides):
    workbook = openpyxl.load_workbook(io.BytesIO(unit_xlsx(setup["day"], setup[unit])))
    sheet = workbook.active
    for index, field in enumerate(stats.COUNT_FIELDS):
        sheet.cell(5, index + 1, overrides.get(field, VALID[field]))
    return workbook


def as_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_import_of_paper_layout_sheets_previews_then_writes_all(setup, client):
    workbook = filled_unit_sheet(setup, "econ")
    other = filled_unit_sheet(setup, "city", opinions=9)
    copy = workbook.create_sheet("长沙")
    for row in other.active.iter_rows(values_only=True):
        copy.append(row)
    client.force_login(setup["organiser"])
    url = reverse("activity_day_import", args=[setup["day"].pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(url, {"file": SimpleUploadedFile("tables.xlsx", as_bytes(workbook))}, follow=True)
    page = response.content.decode()
    assert "确认导入 2 个单位" in page and "经济委员会" in page and "长沙市政协" in page
    assert not ActivityReport.objects.exists(), "nothing is written before confirming"
    stats_import = StatsImport.objects.get()
    response = client.post(reverse("activity_day_import_confirm", args=[setup["day"].pk, stats_import.pk]), follow=True)
    assert "已导入 2 个单位的统计表" in response.content.decode()
    assert ActivityReport.objects.get(unit=setup["city"]).opinions == 9
    assert all(r.via_import for r in ActivityReport.objects.all())
    again = client.post(reverse("activity_day_import_confirm", args=[setup["day"].pk, stats_import.pk]), follow=True)
    assert "已经导入过" in again.content.decode()


def test_import_with_any_bad_row_writes_nothing_and_names_each_error(setup):
    workbook = openpyxl.load_workbook(io.BytesIO(rollup_xlsx(setup["day"])))
    sheet = workbook.active
    for line, (unit, extra) in enumerate(
        [
            ("教科文卫体委员会", {}),
            ("经济委员会", {"active_workstations": 9}),
            ("不存在的单位", {}),
            ("长沙市政协", {"deeds": -2}),
        ],
        start=5,
    ):
        sheet.cell(line, 1, unit)
        for index, field in enumerate(stats.COUNT_FIELDS):
            sheet.cell(line, index + 2, extra.get(field, VALID[field]))
    rows, errors = read_workbook(as_bytes(workbook), setup["day"])
    messages = [(e["line"], e["column"], e["message"]) for e in errors]
    assert (
        6,
        "组织委员开展委员活动日的工作室数（家）",
        "组织活动的工作室数（9）不能多于委员工作室数（4）。",
    ) in messages
    assert any(line == 7 and "“不存在的单位”不是2026年委员活动日的填报单位" in m for line, _c, m in messages)
    assert any(line == 8 and "为民办实事数应是不小于 0 的整数" in m for line, _c, m in messages)
    assert len(rows) == 3, "every readable row is listed"

    from forms_app.activity_day.sheets import confirm_import, preview_import

    stats_import = preview_import(setup["day"], setup["organiser"], as_bytes(workbook), "bad.xlsx")
    assert stats_import.status == StatsImport.Status.INVALID
    with pytest.raises(stats.StatsError):
        confirm_import(stats_import, setup["organiser"])
    assert not ActivityReport.objects.exists()


def test_import_refuses_a_sheet_that_is_not_the_table(setup):
    workbook = filled_unit_sheet(setup, "econ")
    workbook.active["A3"] = "随便写的表头"
    rows, errors = read_workbook(as_bytes(workbook), setup["day"])
    assert "第 3 行第 A 列的表头应为“负责联系指导的委员工作室数（家）”，现在是“随便写的表头”" in errors[0]["message"]
    rows, errors = read_workbook(b"not a spreadsheet", setup["day"])
    assert "请上传 .xlsx 格式的统计表" in errors[0]["message"]


def test_import_refuses_the_same_unit_twice(setup):
    workbook = filled_unit_sheet(setup, "econ")
    copy = workbook.copy_worksheet(workbook.active)
    copy.title = "重复"
    rows, errors = read_workbook(as_bytes(workbook), setup["day"])
    assert any("已经出现过" in e["message"] for e in errors)


def test_a_member_factory_unit_has_no_effect_on_proposals(setup):
    """A member added to the roster but not to a station does not change 入驻委员."""
    MemberFactory(name="新委员", sector=setup["ws1"].lead_member.sector)
    assert stats.proposals(setup["day"], setup["edu"])["stationed_members"].value == 3


def test_organiser_sets_up_a_day_and_its_dates_must_make_sense(setup, client):
    client.force_login(setup["organiser"])
    url = reverse("forms_app_activityday_modeladmin_create")
    data = {
        "name": "2027年委员活动日",
        "theme": "委员在行动",
        "date": "2027-09-21",
        "upload_deadline": "2027-09-23",
        "deadline": "2027-09-20",
        "units": [setup["edu"].pk, setup["city"].pk],
    }
    response = client.post(url, data)
    assert "报送截止日期不能早于活动日期。" in response.content.decode()
    assert client.post(url, {**data, "deadline": "2027-09-30"}).status_code == 302
    day = ActivityDay.objects.get(name="2027年委员活动日")
    assert set(day.units.all()) == {setup["edu"], setup["city"]}


def test_reimporting_the_rollup_skips_units_that_have_not_reported(setup):
    report(setup, "edu", opinions=10)
    rows, errors = read_workbook(rollup_xlsx(setup["day"]), setup["day"])
    assert errors == []
    assert [row["unit"] for row in rows] == ["教科文卫体委员会"], "blank rows of 经济委员会 and 长沙市政协 are skipped"
    assert rows[0]["counts"]["opinions"] == 10


def test_a_committee_office_reads_only_its_own_reports_in_the_admin(setup, client):
    """The admin list and inspect page use the front end's selector: no cross-office reads."""
    edu_report = report(setup, "edu", opinions=7)
    econ_report = report(setup, "econ", opinions=913)
    index = reverse("forms_app_activityreport_modeladmin_index")

    client.force_login(setup["edu_office"])
    listing = client.get(index).content.decode()
    assert "教科文卫体委员会" in listing and "913" not in listing
    assert client.get(reverse("forms_app_activityreport_modeladmin_inspect", args=[edu_report.pk])).status_code == 200
    other = client.get(reverse("forms_app_activityreport_modeladmin_inspect", args=[econ_report.pk]))
    assert other.status_code in (302, 403) and "913" not in other.content.decode()

    client.force_login(setup["econ_office"])
    listing = client.get(index).content.decode()
    assert "913" in listing and f'inspect/{edu_report.pk}/"' not in listing

    client.force_login(setup["organiser"])
    listing = client.get(index).content.decode()
    assert "913" in listing and f"inspect/{edu_report.pk}/" in listing


def test_a_unit_named_with_characters_excel_refuses_in_sheet_names_still_downloads_and_imports(setup, client):
    odd = ReportingUnit.objects.create(name="市政协[特邀]:一组/二组?*", variant=TableVariant.CPPCC, sort_order=20)
    setup["day"].units.add(odd)
    setup["odd"] = odd
    client.force_login(setup["organiser"])
    response = client.get(reverse("activity_day_report_xlsx", args=[setup["day"].pk, odd.pk]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.active.title == "市政协［特邀］：一组／二组？＊"
    rows, errors = read_workbook(as_bytes(filled_unit_sheet(setup, "odd")), setup["day"])
    assert errors == [] and [row["unit"] for row in rows] == ["市政协[特邀]:一组/二组?*"]


def test_the_wide_tables_print_landscape_one_page_wide(setup):
    for content in (rollup_xlsx(setup["day"]), unit_xlsx(setup["day"], setup["edu"])):
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
        assert sheet.page_setup.fitToHeight == 0, "as many pages tall as it needs"


def test_a_district_committees_second_table_is_its_street_groups(setup, client, settings):
    """The committee's level is one setting; the 附件2 headings follow it, and an import still
    reads a sheet with the provincial form's heading."""
    settings.COMMITTEE_LEVEL = "区"
    client.force_login(setup["city_user"])
    page = client.get(url_for(setup, "city")).content.decode()
    assert "街道活动小组委员工作室数（家）" in page and "市州" not in page
    sheet = openpyxl.load_workbook(io.BytesIO(unit_xlsx(setup["day"], setup["city"]))).active
    assert sheet["A1"].value == "街道活动小组委员工作室开展委员活动日情况统计表"
    workbook = filled_unit_sheet(setup, "city")
    workbook.active["A3"] = "市州（含所属县市区）政协委员工作室数（家）"
    rows, errors = read_workbook(as_bytes(workbook), setup["day"])
    assert errors == [] and rows[0]["unit"] == "长沙市政协"


def test_a_number_refused_by_a_check_is_not_also_asked_for_a_reason(setup, client):
    """A number the checks refuse is said once, beside itself; no "你填的是 None"."""
    client.force_login(setup["edu_office"])
    response = client.post(url_for(setup), form_data(kind_reading=5))
    errors = response.context["form"].errors
    assert any("不能多于组织活动的工作室数（1）" in message for message in errors["kind_reading"])
    assert "reason_kind_reading" not in errors
    assert "None" not in response.content.decode()
