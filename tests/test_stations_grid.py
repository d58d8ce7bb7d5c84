"""工作室运行 › 月度总览: one hand-built year's colours and counts (today said explicitly), the
same queries for 5 and 50 stations, the 专委会 coverage, who sees which rows, and the xlsx."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from content.models import StationKind, WorkstationPostPage
from forms_app.models import ActivityDay
from people import roles
from stations import grid
from stations.grid import CellState
from stations.models import StationMeeting

from .content_helpers import plan, post, site_sections, station
from .factories import MemberFactory, SpecialCommitteeFactory

pytestmark = pytest.mark.django_db
URL = reverse("station_grid")
XLSX = reverse("station_grid_xlsx")
YEAR = 2026
TODAY = datetime.date(YEAR, 5, 15)  # the hand-built year is read as of 15 May


def d(month, day=10):
    return datetime.date(YEAR, month, day)


@pytest.fixture
def year(members, reference):
    """Two stations of 教科文卫体委员会 and one of 经济委员会:
    - 东四 (plan: Jan 1, Mar 2, May 1; 动态: Jan, Mar, Apr; 季度例会 in February; the April
      活动日 uploaded on time);
    - 景山 (no plan, nothing done);
    - 经济 (a 常委工作站, plan in June only, a 动态 in February)."""
    _stories, index = site_sections()
    r = reference
    a = station(index, members["teacher"], title="东四委员工作室", committee=r["edu_committee"])
    b = station(index, members["doctor"], title="景山委员工作室", committee=r["edu_committee"])
    c = station(index, members["banker"], title="经济常委工作站", committee=r["econ_committee"], kind="standing")
    plan(a, d(1, 20), "法律咨询")
    plan(a, d(3, 5), "读书会")
    plan(a, d(3, 25), "走访企业")
    plan(a, d(5, 20), "委员接待日")
    plan(c, d(6, 1), "调研")
    post(a, "一月走访", d(1, 12))
    post(a, "三月读书会", d(3, 6))
    day = ActivityDay.objects.create(
        name="四月委员活动日", theme="民生", date=d(4, 20), upload_deadline=d(4, 25), deadline=d(4, 30)
    )
    april = post(a, "四月活动日", d(4, 20))
    april.activity_day = day
    april.save()
    # Uploaded (first published) on 22 April, before the 25 April deadline.
    uploaded = timezone.make_aware(datetime.datetime(YEAR, 4, 22, 9))
    WorkstationPostPage.objects.filter(pk=april.pk).update(first_published_at=uploaded)
    post(c, "二月调研", d(2, 14))
    StationMeeting.objects.create(station=a, date=d(2, 10), minutes="第一季度例会")
    return {"a": a, "b": b, "c": c, "day": day}


def states(row):
    return [cell.state for cell in row.cells]


def test_a_hand_built_year_has_its_colours_and_counts(year):
    from content.models import WorkstationPage

    table = grid.build_grid(WorkstationPage.objects.live(), YEAR, TODAY)
    rows = {row.station.title: row for row in table.rows}
    a, b, c = rows["东四委员工作室"], rows["景山委员工作室"], rows["经济常委工作站"]
    S = CellState
    # 东四: Jan done as planned; Feb nothing (red); Mar 1 of 2 planned (amber); Apr done without a
    # plan item; May (the current month) planned, nothing yet (amber); June on, still to come.
    assert states(a) == [S.DONE, S.MISSED, S.SHORT, S.DONE, S.SHORT] + [S.FUTURE] * 7
    assert [(c_.planned, c_.done) for c_ in a.cells[:5]] == [(1, 1), (0, 0), (2, 1), (0, 1), (1, 0)]
    assert a.has_plan and a.planned_total == 4 and a.done_total == 3 and a.active_months == 3
    assert a.missed_months == 1
    # 景山: no plan for the year (无计划), January to April red, May open.
    assert not b.has_plan
    assert states(b) == [S.MISSED] * 4 + [S.OPEN] + [S.FUTURE] * 7
    assert b.missed_months == 4
    # 经济: a plan (in June), a 动态 in February only.
    assert c.has_plan and states(c)[:5] == [S.MISSED, S.DONE, S.MISSED, S.MISSED, S.OPEN]
    # 季度例会: 东四 held one in Q1; Q2 is not over on 15 May; 景山 did not hold Q1's.
    assert [label for _q, _n, label in a.quarters] == ["已召开", "未到", "未到", "未到"]
    assert [label for _q, _n, label in b.quarters][:2] == ["未召开", "未到"]
    # The April 活动日: 东四 uploaded on time, the others did not upload.
    assert [(day.name, status) for day, status in a.uploads] == [("四月委员活动日", "按时")]
    assert [status for _day, status in b.uploads] == ["未上传"]
    # Totals per month: stations with activity, 动态, items planned; and for the year.
    totals = {t["month"]: t for t in table.month_totals}
    assert (totals[1]["active"], totals[1]["done"], totals[1]["planned"], totals[1]["missed"]) == (1, 1, 1, 2)
    assert (totals[2]["active"], totals[2]["done"], totals[2]["missed"]) == (1, 1, 2)
    assert (totals[3]["done"], totals[3]["planned"]) == (1, 2)
    assert table.done_total == 4 and table.quarter_totals == [1, 0, 0, 0] and table.on_time == 1
    assert [s.title for s in table.without_plan] == ["景山委员工作室"]


def test_month_state_edges():
    S = CellState
    assert grid.month_state(YEAR, 4, 0, 0, TODAY) == S.MISSED  # past, nothing done, no plan
    assert grid.month_state(YEAR, 4, 1, 0, TODAY) == S.MISSED  # past, planned, nothing done: still red
    assert grid.month_state(YEAR, 4, 3, 2, TODAY) == S.SHORT
    assert grid.month_state(YEAR, 5, 0, 0, TODAY) == S.OPEN
    assert grid.month_state(YEAR, 5, 1, 1, TODAY) == S.DONE
    assert grid.month_state(YEAR, 6, 1, 0, TODAY) == S.FUTURE
    assert grid.month_state(YEAR - 1, 12, 0, 0, TODAY) == S.MISSED  # last year, wholly past
    assert grid.month_state(YEAR + 1, 1, 0, 0, TODAY) == S.FUTURE


def test_the_page_shows_the_grid_with_a_legend_in_words(year, make_user, login, roles_synced):
    client = login(make_user(roles.LIAISON_OFFICE))
    response = client.get(URL, {"year": YEAR})
    assert response.status_code == 200
    page = response.content.decode()
    for words in (
        "已开展",
        "未完成：本月或已过去的月份",
        "无活动",
        "无计划",
        "季度例会",
        "活动日动态上传",
        "四月委员活动日：<strong>按时</strong>",
    ):
        assert words in page, words
    assert 'data-state="missed"' in page and "data-noplan" in page
    assert [row.station.title for row in response.context["grid"].rows] == [
        "东四委员工作室",
        "景山委员工作室",
        "经济常委工作站",
    ]


def test_a_bad_year_means_this_year(year, make_user, login, roles_synced):
    client = login(make_user(roles.LIAISON_OFFICE))
    for value in ("abc", "1900", "99999999999999999999", "2026-01"):
        response = client.get(URL, {"year": value})
        assert response.status_code == 200 and response.context["year"] == timezone.localdate().year
        assert client.get(XLSX, {"year": value}).status_code == 200


def test_every_committee_is_listed_and_one_without_a_station_is_flagged(year, make_user, login, roles_synced):
    SpecialCommitteeFactory(name="社会和法制委员会", office="专委会工作三室")
    client = login(make_user(roles.SECRETARY_GENERAL))
    response = client.get(URL, {"year": YEAR})
    coverage = {c.committee.name: [s.title for s in c.stations] for c in response.context["coverage"]}
    assert coverage == {
        "教科文卫体委员会": ["东四委员工作室", "景山委员工作室"],
        "经济委员会": ["经济常委工作站"],
        "社会和法制委员会": [],
    }
    assert [c.committee.name for c in response.context["uncovered"]] == ["社会和法制委员会"]
    page = response.content.decode()
    assert "尚未设立委员工作室的专委会：社会和法制委员会。" in page
    assert "已开放的常委工作站共 1 家" in page
    # A station not live does not count.
    year["c"].unpublish()
    response = client.get(URL, {"year": YEAR})
    assert {c.committee.name for c in response.context["uncovered"]} == {"经济委员会", "社会和法制委员会"}
    assert "已开放的常委工作站共 0 家" in response.content.decode()


def rows_seen(client):
    response = client.get(URL, {"year": YEAR})
    assert response.status_code == 200
    return [row.station.title for row in response.context["grid"].rows], response


def test_each_role_sees_its_own_rows(year, make_user, login, roles_synced, reference, members):
    everything = ["东四委员工作室", "景山委员工作室", "经济常委工作站"]
    for role in (roles.LIAISON_OFFICE, roles.SECRETARY_GENERAL, roles.VICE_CHAIR, roles.CHAIRS_MEETING):
        assert rows_seen(login(make_user(role)))[0] == everything, role
    office = login(make_user(roles.COMMITTEE_OFFICE, committee=reference["econ_committee"]))
    seen, response = rows_seen(office)
    assert seen == ["经济常委工作站"]
    assert [c.committee.name for c in response.context["coverage"]] == ["经济委员会"]
    assert "东四委员工作室" not in response.content.decode()
    book = openpyxl.load_workbook(io.BytesIO(office.get(XLSX, {"year": YEAR}).content))
    assert [r[0] for r in book.active.iter_rows(min_row=2, values_only=True)] == ["经济常委工作站", "合计"]

    convener = login(make_user(roles.CONVENER, workstation=year["b"]))
    seen, response = rows_seen(convener)
    assert seen == ["景山委员工作室"] and response.context["coverage"] is None
    assert "东四委员工作室" not in response.content.decode()

    editor = login(make_user(roles.EDITOR))
    for url in (URL, XLSX):
        refused = editor.get(url)
        assert refused.status_code == 403
        assert "没有查看工作室月度总览的权限" in refused.content.decode()
    # A 委员 has no admin access at all: the site sends them back to their forms, the grid unseen.
    member = login(make_user(roles.MEMBER, member=members["engineer"]))
    turned_away = member.get(URL)
    assert turned_away.status_code == 302 and not turned_away["Location"].startswith("/admin/stations/")


def test_the_menu_entry_is_shown_to_its_readers_only(year, make_user, login, roles_synced):
    liaison = login(make_user(roles.LIAISON_OFFICE))
    assert URL in liaison.get("/admin/").content.decode()
    editor = login(make_user(roles.EDITOR))
    assert URL not in editor.get("/admin/").content.decode()


def test_the_xlsx_has_the_grid_its_totals_and_safe_cells(year, make_user, login, roles_synced):
    year["b"].title = "=HYPERLINK(1)景山"
    year["b"].save_revision().publish()
    client = login(make_user(roles.LIAISON_OFFICE))
    response = client.get(XLSX, {"year": YEAR})
    assert response["Content-Disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == ("委员工作室", "类型", "对口委室", "年度计划", "1月") and header[-1] == "活动日动态上传"
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    east = by_name["东四委员工作室"]
    assert east["年度计划"] == "有计划（4 项）" and east["有活动的月份"] == 3 and east["动态合计"] == 3
    assert east["4月"].startswith("计划 0 / 开展 1") and east["一季度例会"] == "已召开"
    assert east["活动日动态上传"] == "四月委员活动日：按时"
    assert by_name["经济常委工作站"]["类型"] == "常委工作站"
    assert by_name["'=HYPERLINK(1)景山"]["年度计划"] == "无计划", "a title that looks like a formula stays text"
    assert by_name["合计"]["动态合计"] == 4 and by_name["合计"]["2月"].startswith("1 家开展")


def stations_of(index, lead, n, start):
    committee = SpecialCommitteeFactory(name="教科文卫体委员会")
    for i in range(start, start + n):
        s = station(index, lead, title=f"委员工作室{i:02d}", committee=committee, kind=StationKind.STATION)
        plan(s, d(1 + i % 12), "计划")
        post(s, f"动态{i}", d(1 + i % 12))
        StationMeeting.objects.create(station=s, date=d(1 + i % 12), minutes="例会")


def grid_queries(client):
    client.get(URL, {"year": YEAR})  # warm: session, permissions
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"year": YEAR})
    assert response.status_code == 200
    return len(queries), len(response.context["grid"].rows)


def test_the_same_queries_for_5_and_50_stations(members, make_user, login, roles_synced):
    _stories, index = site_sections()
    lead = MemberFactory(name="负责人")
    ActivityDay.objects.create(name="活动日", theme="民生", date=d(3), deadline=d(3, 30))
    stations_of(index, lead, 5, 0)
    client = login(make_user(roles.LIAISON_OFFICE))
    small, n = grid_queries(client)
    assert n == 5
    stations_of(index, lead, 45, 5)
    large, n = grid_queries(client)
    assert n == 50
    assert large == small
