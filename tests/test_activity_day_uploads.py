"""委员活动日 uploads (seed 001 四.3: 活动当天或截止日期前上传“动态”栏目): a station's 动态 tied to the
day is uploaded on the Beijing day it was first submitted for review, or published if it never was;
按时 by the upload deadline (the day itself included), 逾期 after, 未上传 if none. The unit's
proposal and the roll-up show this per station."""

import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse
from wagtail.models import WorkflowState

from content.models import WorkstationPostPage
from content.workflow import ensure_moderation_workflow
from forms_app.activity_day import rules
from forms_app.activity_day.sheets import rollup_xlsx
from forms_app.models import ActivityDay, ReportingUnit, TableVariant
from people import roles

from .content_helpers import site_sections, station

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")
UTC = datetime.UTC
DAY = datetime.date(2026, 9, 21)
DUE = datetime.date(2026, 9, 23)


def beijing(day, hour=10, minute=0, second=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute, second), tzinfo=BEIJING)


@pytest.fixture
def setup(members, reference, make_user):
    r, m = reference, members
    _stories, stations = site_sections()
    ws = {}
    for key, title, lead, committee in (
        ("a", "东四教育委员工作室", m["teacher"], r["edu_committee"]),
        ("b", "和平里健康委员工作室", m["doctor"], r["edu_committee"]),
        ("c", "安定门科技委员工作室", m["engineer"], r["edu_committee"]),
        ("d", "前门金融委员工作室", m["banker"], r["econ_committee"]),
    ):
        ws[key] = station(stations, lead, title=title, committee=committee)
    edu = ReportingUnit.objects.create(
        name="教科文卫体委员会", variant=TableVariant.COMMITTEE, committee=r["edu_committee"]
    )
    econ = ReportingUnit.objects.create(
        name="经济委员会", variant=TableVariant.COMMITTEE, committee=r["econ_committee"]
    )
    day = ActivityDay.objects.create(
        name="2026年委员活动日",
        theme="委员在行动",
        date=DAY,
        upload_deadline=DUE,
        deadline=datetime.date.today() + datetime.timedelta(days=30),
    )
    day.units.set([edu, econ])
    other = ActivityDay.objects.create(
        name="2026年冬季委员活动日", theme="送温暖", date=DAY, upload_deadline=DUE, deadline=day.deadline
    )
    other.units.set([edu])
    return {
        "day": day,
        "other": other,
        "edu": edu,
        "econ": econ,
        **ws,
        "convener": make_user(roles.CONVENER),
        "organiser": make_user(roles.LIAISON_OFFICE),
        "edu_office": make_user(roles.COMMITTEE_OFFICE, committee=r["edu_committee"]),
    }


def tied_post(workstation, day, title, *, submitted=None, published=None, user=None):
    """A 动态 for `day`, saved as a draft; submitted to 内容审核 at `submitted` and/or published
    at `published` (both aware datetimes, set on the rows as the workflow would have)."""
    page = WorkstationPostPage(
        title=title,
        slug=f"p-{WorkstationPostPage.objects.count() + 1}",
        date=day.date,
        category="visit",
        text="<p>委员走访界别群众。</p>",
        activity_day=day,
        live=False,
    )
    workstation.add_child(instance=page)
    revision = page.save_revision(user=user)
    if submitted:
        ensure_moderation_workflow().start(page, user)
        WorkflowState.objects.filter(object_id=str(page.pk)).update(created_at=submitted)
    if published:
        revision.publish()
        WorkstationPostPage.objects.filter(pk=page.pk).update(first_published_at=published)
    return page


def status_of(setup, key, day=None):
    day = day or setup["day"]
    uploaded = rules.upload_dates([day], [setup[key].pk])
    return rules.upload_status(day, uploaded.get((day.pk, setup[key].pk)))


# --- when a post counts as uploaded


def test_published_on_the_deadline_day_itself_is_on_time(setup):
    tied_post(setup["a"], setup["day"], "走访", published=beijing(DUE, 18))
    assert status_of(setup, "a") == "按时"


def test_one_second_before_beijing_midnight_is_on_time_one_second_after_is_late(setup):
    """23:59:59 on the deadline in Beijing is 15:59:59 UTC; 00:00:01 the next day in Beijing is still
    the deadline day in UTC: the date is Beijing's, not the server's."""
    before = beijing(DUE, 23, 59, 59)
    after = beijing(DUE + datetime.timedelta(days=1), 0, 0, 1)
    assert after.astimezone(UTC).date() == DUE, "in UTC the late one is still on the deadline day"
    tied_post(setup["a"], setup["day"], "走访", published=before)
    tied_post(setup["b"], setup["day"], "调研", published=after)
    uploaded = rules.upload_dates([setup["day"]])
    assert uploaded[(setup["day"].pk, setup["a"].pk)] == DUE
    assert uploaded[(setup["day"].pk, setup["b"].pk)] == DUE + datetime.timedelta(days=1)
    assert status_of(setup, "a") == "按时" and status_of(setup, "b") == "逾期"


def test_submitted_for_review_on_time_and_approved_late_counts_on_time(setup):
    tied_post(
        setup["a"],
        setup["day"],
        "读书分享",
        submitted=beijing(DUE, 21),
        published=beijing(DUE + datetime.timedelta(days=4), 9),
        user=setup["convener"],
    )
    assert status_of(setup, "a") == "按时", "uploaded when submitted, whenever the 审核员 approves"


def test_submitted_late_counts_late_even_while_still_in_review(setup):
    tied_post(
        setup["a"],
        setup["day"],
        "读书分享",
        submitted=beijing(DUE + datetime.timedelta(days=1), 8),
        user=setup["convener"],
    )
    assert status_of(setup, "a") == "逾期"


def test_a_draft_never_submitted_is_not_uploaded(setup):
    tied_post(setup["a"], setup["day"], "草稿")
    assert rules.upload_dates([setup["day"]]) == {}
    assert status_of(setup, "a") == "未上传"


def test_a_post_tied_to_another_day_does_not_count(setup):
    tied_post(setup["a"], setup["other"], "冬季活动", published=beijing(DAY))
    assert status_of(setup, "a") == "未上传"
    assert status_of(setup, "a", setup["other"]) == "按时"


def test_the_first_upload_counts_when_a_station_posts_twice(setup):
    tied_post(setup["a"], setup["day"], "补发", published=beijing(DUE + datetime.timedelta(days=3)))
    tied_post(setup["a"], setup["day"], "当天", published=beijing(DAY, 20))
    assert status_of(setup, "a") == "按时"


def test_without_an_upload_deadline_the_reporting_deadline_applies(setup):
    day = setup["day"]
    day.upload_deadline = None
    day.deadline = datetime.date(2026, 9, 30)
    day.save()
    assert rules.upload_deadline(day) == datetime.date(2026, 9, 30)
    tied_post(setup["a"], day, "走访", published=beijing(datetime.date(2026, 9, 30), 23, 59, 59))
    assert status_of(setup, "a") == "按时"


def test_upload_dates_is_one_query_for_any_number_of_posts(setup, django_assert_num_queries):
    for n, key in enumerate("abcd"):
        for k in range(3):
            tied_post(setup[key], setup["day"], f"动态{n}-{k}", published=beijing(DAY + datetime.timedelta(days=n)))
    with django_assert_num_queries(1):
        found = rules.upload_dates([setup["day"], setup["other"]])
    assert len(found) == 4


# --- the unit's proposal and the roll-up


@pytest.fixture
def uploads(setup):
    """东四 on time, 和平里 late, 安定门 nothing, 前门 (another committee) late."""
    tied_post(setup["a"], setup["day"], "读书分享会", published=beijing(DAY, 16))
    tied_post(setup["b"], setup["day"], "走访界别群众", published=beijing(DUE + datetime.timedelta(days=2), 9))
    tied_post(setup["d"], setup["day"], "金融知识进社区", published=beijing(DUE + datetime.timedelta(days=1), 9))
    return setup


def test_the_proposal_counts_stations_uploaded_and_names_the_late_ones(uploads):
    proposal = rules.proposals(uploads["day"], uploads["edu"])["uploads"]
    assert proposal.value == 2
    assert proposal.source == (
        "已上传9月21日活动“动态”的工作室：东四教育委员工作室、和平里健康委员工作室（2 家），"
        "其中逾期 1 家：和平里健康委员工作室（上传截止 9月23日）"
    )


def test_the_proposal_says_so_when_every_upload_was_on_time_or_none_was(setup):
    assert rules.proposals(setup["day"], setup["edu"])["uploads"].source == (
        "没有工作室上传9月21日活动的“动态”（上传截止 9月23日）"
    )
    tied_post(setup["a"], setup["day"], "读书分享会", published=beijing(DUE, 12))
    proposal = rules.proposals(setup["day"], setup["edu"])["uploads"]
    assert proposal.value == 1 and proposal.source.endswith("东四教育委员工作室（1 家），均在 9月23日 截止前上传")


def test_the_rollup_lists_every_station_of_every_unit_with_its_status_and_totals(uploads):
    summary = rules.roll_up(uploads["day"])
    listed = {
        row["unit"].name: [(e.station.title, e.status, e.uploaded_on) for e in row["stations"]]
        for row in summary["rows"]
    }
    assert listed == {
        "教科文卫体委员会": [
            ("东四教育委员工作室", "按时", DAY),
            ("和平里健康委员工作室", "逾期", DUE + datetime.timedelta(days=2)),
            ("安定门科技委员工作室", "未上传", None),
        ],
        "经济委员会": [("前门金融委员工作室", "逾期", DUE + datetime.timedelta(days=1))],
    }
    assert summary["upload_totals"] == {"按时": 1, "逾期": 2, "未上传": 1}


def test_a_station_of_two_units_is_counted_once_in_the_totals(uploads):
    uploads["econ"].workstations.add(uploads["a"])
    summary = rules.roll_up(uploads["day"])
    econ = next(row for row in summary["rows"] if row["unit"] == uploads["econ"])
    assert [e.station.title for e in econ["stations"]] == ["东四教育委员工作室", "前门金融委员工作室"]
    assert summary["upload_totals"] == {"按时": 1, "逾期": 2, "未上传": 1}


def test_the_organisers_rollup_page_and_xlsx_show_each_station(uploads, client):
    client.force_login(uploads["organiser"])
    page = client.get(reverse("activity_day_rollup", args=[uploads["day"].pk])).content.decode()
    assert "工作室上传“动态”情况" in page
    assert "合计（每家工作室只算一次）：按时 1 家，逾期 2 家，未上传 1 家" in page
    for title, status in (
        ("东四教育委员工作室", "按时"),
        ("和平里健康委员工作室", "逾期"),
        ("安定门科技委员工作室", "未上传"),
        ("前门金融委员工作室", "逾期"),
    ):
        assert f'<td>{title}</td><td class="upload-{status}">{status}</td>' in page, title
    assert "按时 1 · 逾期 1 · 未上传 1" in page, "the unit's own counts"

    book = openpyxl.load_workbook(__import__("io").BytesIO(rollup_xlsx(uploads["day"])))
    sheet = book["动态上传情况"]
    rows = [[c for c in row] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert rows[0][:3] == ["教科文卫体委员会", "东四教育委员工作室", "按时"]
    assert rows[0][3].date() == DAY
    assert rows[2][:4] == ["教科文卫体委员会", "安定门科技委员工作室", "未上传", None]
    assert rows[-1][0] == "合计" and rows[-1][2] == "按时 1 家，逾期 2 家，未上传 1 家"


def test_the_unit_form_shows_the_upload_proposal_with_the_late_stations(uploads, client):
    client.force_login(uploads["edu_office"])
    page = client.get(reverse("activity_day_report", args=[uploads["day"].pk, uploads["edu"].pk])).content.decode()
    assert "平台数据：<strong>2</strong> —— 已上传9月21日活动“动态”的工作室" in page
    assert "其中逾期 1 家：和平里健康委员工作室" in page


def test_the_demo_day_shows_stations_on_time_late_and_missing_and_reports_with_summaries(members, reference):
    from forms_app.demo import seed_activity_days

    _stories, stations = site_sections()
    for title, lead in (
        ("东四教育委员工作室", members["teacher"]),
        ("和平里健康委员工作室", members["doctor"]),
        ("安定门科技委员工作室", members["engineer"]),
        ("前门金融委员工作室", members["banker"]),
    ):
        station(stations, lead, title=title, committee=reference["edu_committee"])
    seed_activity_days(today=datetime.date(2026, 11, 26))
    day = ActivityDay.objects.get(date=DAY)
    summary = rules.roll_up(day)
    edu = next(row for row in summary["rows"] if row["unit"].name == "教科文卫体委员会")
    assert [(e.station.title, e.status) for e in edu["stations"]] == [
        ("东四教育委员工作室", "按时"),
        ("和平里健康委员工作室", "逾期"),
        ("安定门科技委员工作室", "按时"),
        ("前门金融委员工作室", "未上传"),
    ]
    reported = [row for row in summary["rows"] if row["report"]]
    assert reported and all(row["report"].summary.startswith(row["unit"].name) for row in reported)
    assert "其中逾期 1 家：和平里健康委员工作室" in edu["report"].sources["uploads"]["source"]
