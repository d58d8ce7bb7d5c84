"""The filing's route through the offices, the deadline board, the export and the PDF."""

import datetime
import io
import subprocess
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from forms_app.five_ones import rules
from forms_app.five_ones.pdf import filing_pdf
from forms_app.models import FilingEvent, FilingYear, FiveOnesFiling
from people import roles

from .factories import MemberFactory, SpecialCommitteeFactory

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).parent / "artifacts"
Status, Action = FiveOnesFiling.Status, FilingEvent.Action


def file_for(user, year=2026, sector=None, party=None, theme="助力课后服务提质", **overrides):
    member = MemberFactory(sector=sector) if sector else MemberFactory(party=party)
    data = dict(
        leader_name="王丽",
        filled_on=datetime.date(year, 3, 10),
        theme=theme,
        theme_reason="教育界委员熟悉学校和家长的需求。",
        activity_date=datetime.date(year, 3, 5),
        activity_place="区实验小学",
        activity_kind="education",
        activity_plan="走进学校座谈。",
        result_kind="proposal",
        result_title="关于提升课后服务质量的提案",
        result_summary="引入社会资源进校园。",
        showcase_member=member,
        showcase_reason="扎根基层教学二十年，带头开展课后服务，深受家长信任。",
    )
    result = overrides.pop("result", None)  # the step 提交一篇履职成果's link to the registry, if any
    data.update(overrides)
    return rules.submit_filing(
        user, year, sector, party, data, [member], [(member, "把群众的事当成自己的事。")], result=result
    )


@pytest.fixture
def people(make_user, reference):
    archive_committee = SpecialCommitteeFactory(name="文史和学习委员会", office="专委会工作六室")
    return {
        "leader": make_user(roles.SECTOR_LEADER, sector=reference["education"]),
        "party_leader": make_user(roles.SECTOR_LEADER, party=reference["minmeng"]),
        "edu_office": make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]),
        "econ_office": make_user(roles.COMMITTEE_OFFICE, committee=reference["econ_committee"]),
        "archive": make_user(roles.ARCHIVE_OFFICE, committee=archive_committee),
        "editor": make_user(roles.EDITOR),
    }


def test_a_sector_filing_travels_the_whole_route(people, reference):
    filing = file_for(people["leader"], sector=reference["education"])
    assert rules.route_office(filing) == "专委会工作四室（教科文卫体委员会）"
    assert rules.allowed_actions(people["edu_office"], filing) == [Action.RECEIVE, Action.RETURN]
    assert rules.allowed_actions(people["archive"], filing) == [], "六室 waits for the forward"

    rules.act(filing.pk, people["edu_office"], Action.RECEIVE)
    rules.act(filing.pk, people["edu_office"], Action.FORWARD)
    assert rules.allowed_actions(people["edu_office"], FiveOnesFiling.objects.get()) == []
    filing = rules.act(filing.pk, people["archive"], Action.ARCHIVE)

    assert filing.status == Status.ARCHIVED
    assert [(e.action, e.office, e.actor) for e in filing.events.all()] == [
        (Action.SUBMIT, "教育界", people["leader"]),
        (Action.RECEIVE, "专委会工作四室（教科文卫体委员会）", people["edu_office"]),
        (Action.FORWARD, "专委会工作四室（教科文卫体委员会）", people["edu_office"]),
        (Action.ARCHIVE, "专委会工作六室", people["archive"]),
    ]


def test_a_party_filing_goes_straight_to_the_archive_office(people, reference):
    filing = file_for(people["party_leader"], party=reference["minmeng"])
    assert rules.route_office(filing) == "专委会工作六室"
    assert rules.allowed_actions(people["edu_office"], filing) == []
    assert rules.act(filing.pk, people["archive"], Action.ARCHIVE).status == Status.ARCHIVED


def test_returned_and_resubmitted_keeps_the_history(people, reference, client):
    filing = file_for(people["leader"], sector=reference["education"])
    rules.act(filing.pk, people["edu_office"], Action.RECEIVE)
    with pytest.raises(rules.RouteError, match="退回时请写明原因"):
        rules.act(filing.pk, people["edu_office"], Action.RETURN, "  ")
    rules.act(filing.pk, people["edu_office"], Action.RETURN, "活动安排写得太简略，请补充服务对象。")

    client.force_login(people["leader"])
    page = client.get(reverse("five_ones_detail", args=[filing.pk])).content.decode()
    assert "活动安排写得太简略" in page and "修改后重新提交" in page

    refiled = file_for(people["leader"], sector=reference["education"], theme="助力课后服务提质（修改稿）")
    assert refiled.pk == filing.pk and refiled.status == Status.SUBMITTED
    assert list(refiled.events.values_list("action", flat=True)) == [
        Action.SUBMIT,
        Action.RECEIVE,
        Action.RETURN,
        Action.RESUBMIT,
    ]
    with pytest.raises(rules.RouteError, match="不能重复填报"):
        file_for(people["leader"], sector=reference["education"])


def test_an_office_can_neither_see_nor_act_on_another_offices_filings(people, reference, client):
    edu = file_for(people["leader"], sector=reference["education"])
    assert list(rules.filings_visible_to(people["econ_office"])) == []
    assert list(rules.filings_visible_to(people["edu_office"])) == [edu]
    assert list(rules.filings_visible_to(people["editor"])) == []
    with pytest.raises(rules.RouteError):
        rules.act(edu.pk, people["econ_office"], Action.RECEIVE)

    client.force_login(people["econ_office"])
    assert client.get(reverse("forms_app_fiveonesfiling_modeladmin_inspect", args=[edu.pk]))["Location"] == "/admin/"
    assert client.get(reverse("five_ones_pdf", args=[edu.pk])).status_code == 404
    assert client.post(reverse("five_ones_act", args=[edu.pk]), {"action": "receive"}).status_code == 404
    assert "助力课后服务提质" not in client.get(reverse("forms_app_fiveonesfiling_modeladmin_index")).content.decode()
    assert FiveOnesFiling.objects.get().status == Status.SUBMITTED


def test_archive_office_sees_a_sector_filing_only_once_forwarded(people, reference):
    filing = file_for(people["leader"], sector=reference["education"])
    assert list(rules.filings_visible_to(people["archive"])) == []
    rules.act(filing.pk, people["edu_office"], Action.RECEIVE)
    rules.act(filing.pk, people["edu_office"], Action.FORWARD)
    assert list(rules.filings_visible_to(people["archive"])) == [filing]


def test_leaders_see_only_their_own_filings(people, reference, client, make_user):
    edu = file_for(people["leader"], sector=reference["education"])
    other_leader = make_user(roles.SECTOR_LEADER, sector=reference["economy"])
    assert list(rules.filings_visible_to(other_leader)) == []
    client.force_login(other_leader)
    assert client.get(reverse("five_ones_detail", args=[edu.pk])).status_code == 404


def test_offices_act_from_the_admin_inspect_page(people, reference, client):
    filing = file_for(people["leader"], sector=reference["education"])
    client.force_login(people["edu_office"])
    page = client.get(reverse("forms_app_fiveonesfiling_modeladmin_inspect", args=[filing.pk])).content.decode()
    assert "专委会工作室接收" in page and "退回修改" in page and "助力课后服务提质" in page
    listing = client.get(reverse("forms_app_fiveonesfiling_modeladmin_index")).content.decode()
    assert "党派、界别名称" in listing and "教育界" in listing

    client.post(reverse("five_ones_act", args=[filing.pk]), {"action": "receive"})
    response = client.post(reverse("five_ones_act", args=[filing.pk]), {"action": "return", "note": ""}, follow=True)
    assert "退回时请写明原因" in response.content.decode()
    assert FiveOnesFiling.objects.get().status == Status.RECEIVED


def test_two_offices_clicking_at_once_cannot_both_win(people, reference):
    filing = file_for(people["leader"], sector=reference["education"])
    rules.act(filing.pk, people["edu_office"], Action.RECEIVE)
    with pytest.raises(rules.RouteError, match="已接收"):
        rules.act(filing.pk, people["edu_office"], Action.RECEIVE)
    assert filing.events.filter(action=Action.RECEIVE).count() == 1


def test_deadline_board_marks_overdue_and_counts_each_status(people, reference, client):
    FilingYear.objects.create(year=2026, deadline=datetime.date(2026, 3, 31))
    file_for(people["leader"], sector=reference["education"])
    board = rules.deadline_board(2026, today=datetime.date(2026, 4, 2))
    rows = {row["name"]: row for row in board["rows"]}
    assert rows["教育界"]["status"] == "已提交" and not rows["教育界"]["overdue"]
    assert rows["经济界"]["status"] == "未提交" and rows["经济界"]["overdue"]
    assert rows["民盟"]["office"] == "专委会工作六室" and rows["民盟"]["overdue"]
    assert board["counts"] == {"已提交": 1, "未提交": 4}
    early = rules.deadline_board(2026, today=datetime.date(2026, 3, 20))
    assert early["overdue"] == 0

    client.force_login(people["archive"])
    page = client.get(reverse("five_ones_board") + "?year=2026").content.decode()
    assert "经济界" in page and "逾期" in page and "导出本年度全部备案表" in page


def test_the_deadline_is_a_setting_per_year(people, reference):
    assert rules.deadline_board(2027)["deadline"] == datetime.date(2027, 3, 31)
    FilingYear.objects.create(year=2027, deadline=datetime.date(2027, 4, 15))
    assert rules.deadline_board(2027, today=datetime.date(2027, 4, 10))["overdue"] == 0


def test_year_export_has_one_row_per_filing(people, reference, client):
    file_for(people["leader"], sector=reference["education"], theme='=HYPERLINK("x")')
    file_for(people["party_leader"], party=reference["minmeng"])
    client.force_login(people["archive"])
    response = client.get(reverse("five_ones_export") + "?year=2026")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("年度", "党派、界别名称", "界别组长姓名")
    assert len(rows) == 3
    assert {row[1] for row in rows[1:]} == {"教育界", "民盟"}
    assert '\'=HYPERLINK("x")' in {row[6] for row in rows[1:]}, "formulas are neutralised"
    client.force_login(people["edu_office"])
    assert client.get(reverse("five_ones_export") + "?year=2026")["Location"] == "/admin/"


def test_pdf_looks_like_the_paper_form_and_keeps_its_text(people, reference, tmp_path):
    filing = file_for(people["leader"], sector=reference["education"])
    pdf = filing_pdf(filing)
    path = tmp_path / "filing.pdf"
    path.write_bytes(pdf)

    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in (
        "委员基层日“五个一活动”备案表",
        "党派、界别",
        "教育界",
        "助力课后服务提质",
        "明确一个",
        "提交一批",
        "把群众的事当成自己的事。",
        "各专委会工作室在3月底前将此表收齐统一交专委会工作六室存档",
    ):
        assert expected in text.replace(" ", "").replace("\n", "") or expected in text, expected
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk, fonts
    assert all(" yes yes " in line for line in cjk), "CJK fonts are embedded as subsets"
    size = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "A4" in size and len(pdf) < 300_000

    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(path), str(ARTIFACTS / "five-ones-page1")], check=True
    )
    assert (ARTIFACTS / "five-ones-page1.png").stat().st_size > 5000


def test_leader_records_attendance_for_scoring(people, reference, client):
    filing = file_for(people["leader"], sector=reference["education"])
    member = filing.participants.get()
    absent = MemberFactory(sector=reference["education"], name="缺席委员")
    client.force_login(people["leader"])
    url = reverse("five_ones_attendance", args=[filing.pk])

    response = client.post(
        url, {f"attended-{member.pk}": "on", f"role-{member.pk}": "主持座谈", f"role-{absent.pk}": "发言"}
    )
    page = response.content.decode()
    assert "缺席委员：未出勤的委员不填写发挥的作用。" in page and 'value="主持座谈"' in page
    assert not filing.attendance.exists()

    client.post(url, {f"attended-{member.pk}": "on", f"role-{member.pk}": "主持座谈"})
    records = {a.member: (a.attended, a.role) for a in filing.attendance.all()}
    assert records == {member: (True, "主持座谈"), absent: (False, "")}
    client.force_login(people["edu_office"])
    assert client.get(url).status_code == 403


def test_a_returned_filing_may_be_filed_again_everywhere_the_rule_is_asked(people, reference, client):
    """One rule (rules.may_file): the service, the leader's home page and the deadline board agree."""
    filing = file_for(people["leader"], year=2026, sector=reference["education"])
    assert not rules.may_file(filing)
    with pytest.raises(rules.RouteError, match="不能重复填报"):
        file_for(people["leader"], year=2026, sector=reference["education"])
    rules.act(filing.pk, people["edu_office"], Action.RETURN, "请补充活动安排。")
    filing.refresh_from_db()
    assert rules.may_file(filing)
    board = rules.deadline_board(2026, today=datetime.date(2026, 4, 1))
    row = next(row for row in board["rows"] if row["name"] == "教育界")
    assert row["status"] == "已退回修改" and row["overdue"], "returned after the deadline: overdue again"
    assert file_for(people["leader"], year=2026, sector=reference["education"]).pk == filing.pk


def test_year_export_writes_dates_as_dates_excel_can_sort(people, reference, client):
    file_for(people["leader"], sector=reference["education"])
    client.force_login(people["archive"])
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(reverse("five_ones_export") + "?year=2026").content)).active
    header = [cell.value for cell in sheet[1]]
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert row["填表日期"].value == datetime.datetime(2026, 3, 10) and row["填表日期"].number_format == "yyyy-mm-dd"
    assert row["活动日期"].value == datetime.datetime(2026, 3, 5)
    assert isinstance(row["提交时间"].value, datetime.datetime) and row["提交时间"].number_format == "yyyy-mm-dd hh:mm"
