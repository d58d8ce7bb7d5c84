"""考核 and 优秀委员工作室: totals computed by hand on a built year (auto + manual), the 满分 and
scope refusals, naming the 优秀 (top N, threshold), publishing (kept results, later changes
refused, one of two publishers wins), the badge on the station page, the ranking as xlsx and PDF."""

import datetime
import io
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.template import Context, Template
from django.urls import reverse

from content.models import WorkstationPostPage
from forms_app.models import ActivityDay
from people import roles
from stations import assessment
from stations.assessment_admin import ranking_pdf_bytes
from stations.models import (
    AssessmentResult,
    AssessmentScheme,
    Criterion,
    ManualScore,
    Measure,
    StationLog,
    StationMeeting,
)

from .content_helpers import plan, post, publish, site_sections, station
from .factories import MemberFactory
from .test_browser import _with_password, browser, login_in  # noqa: F401

ARTIFACTS = Path(__file__).parent / "artifacts"
YEAR = 2026
D = datetime.date


@pytest.fixture
def year(roles_synced, reference, members, make_user):
    """Three stations and a year of records, under a scheme of 5 auto and 2 manual criteria.

    By hand (max × min(count, full_at) / full_at, one decimal):
                      months/12×24  plan×10  quarters/4×15  on-time/2×10  logs/4×10  民意 10  规范 5   total
    A 东四 (教科文卫)    3 → 6.0       10.0    2 → 7.5         1 → 5.0       3 → 7.5    8.5      5.0    49.5
    B 北新桥 (教科文卫)  5 → 10.0       0.0    1 → 3.8         0 → 0.0       5 → 10.0   9.0      4.5    37.3
    C 景山 (经济)        0 → 0.0       10.0    0 → 0.0         0 → 0.0       1 → 2.5    6.0      3.0    21.5
    """
    _stories, index = site_sections()
    edu, econ = reference["edu_committee"], reference["econ_committee"]
    a = station(index, members["teacher"], title="东四委员工作室", committee=edu)
    b = station(index, members["doctor"], title="北新桥委员工作室", committee=edu)
    c = station(index, members["banker"], title="景山委员工作室", committee=econ)
    # Two 委员活动日: A uploads the first by its deadline (today counts), the second after it.
    open_day = ActivityDay.objects.create(
        name="十二月活动日",
        theme="基层",
        date=D(YEAR, 11, 20),
        upload_deadline=D(YEAR, 12, 31),
        deadline=D(YEAR, 12, 31),
    )
    past_day = ActivityDay.objects.create(
        name="六月活动日", theme="基层", date=D(YEAR, 6, 1), upload_deadline=D(YEAR, 6, 8), deadline=D(YEAR, 6, 10)
    )
    for month, day in ((1, None), (3, past_day), (5, open_day)):
        publish(
            a,
            WorkstationPostPage(
                title=f"A 的{month}月动态",
                slug=f"a-{month}",
                date=D(YEAR, month, 10),
                category="visit",
                text="<p>活动</p>",
                activity_day=day,
            ),
        )
    for month in range(1, 6):
        post(b, f"B 的{month}月动态", D(YEAR, month, 12))
    post(c, "C 去年的动态", D(YEAR - 1, 12, 1))  # another year: counts for nothing
    plan(a, D(YEAR, 2, 1), "接待日")
    plan(c, D(YEAR, 4, 1), "调研")
    plan(b, D(YEAR - 1, 4, 1), "去年的计划")
    for date in (D(YEAR, 1, 15), D(YEAR, 2, 20), D(YEAR, 8, 5)):
        StationMeeting.objects.create(station=a, date=date, minutes="例会")
    StationMeeting.objects.create(station=b, date=D(YEAR, 4, 2), minutes="例会")
    for station_, count in ((a, 3), (b, 5), (c, 1)):
        for n in range(count):
            StationLog.objects.create(station=station_, date=D(YEAR, 1 + n, 3), type="reception", matter="接待")
    StationLog.objects.create(station=c, date=D(YEAR - 1, 5, 3), type="reception", matter="去年")

    scheme = AssessmentScheme.objects.create(year=YEAR, excellent_count=1)
    auto = Criterion.Method.AUTO
    criteria = {
        "months": Criterion.objects.create(
            scheme=scheme,
            name="月月有活动",
            max_points=24,
            method=auto,
            measure=Measure.MONTHS,
            full_at=12,
            sort_order=1,
        ),
        "plan": Criterion.objects.create(
            scheme=scheme, name="一站一计划", max_points=10, method=auto, measure=Measure.PLAN, full_at=1, sort_order=2
        ),
        "meetings": Criterion.objects.create(
            scheme=scheme,
            name="季度例会",
            max_points=15,
            method=auto,
            measure=Measure.MEETINGS,
            full_at=4,
            sort_order=3,
        ),
        "uploads": Criterion.objects.create(
            scheme=scheme, name="按时上传", max_points=10, method=auto, measure=Measure.UPLOADS, full_at=2, sort_order=4
        ),
        "logs": Criterion.objects.create(
            scheme=scheme, name="履职日志", max_points=10, method=auto, measure=Measure.LOGS, full_at=4, sort_order=5
        ),
        "opinions": Criterion.objects.create(
            scheme=scheme, name="收集社情，反映民意", max_points=10, method="manual", sort_order=6
        ),
        "norms": Criterion.objects.create(scheme=scheme, name="规范运作", max_points=5, method="manual", sort_order=7),
    }
    users = {
        "edu_office": make_user(roles.COMMITTEE_OFFICE, committee=edu),
        "econ_office": make_user(roles.COMMITTEE_OFFICE, committee=econ),
        "liaison": make_user(roles.LIAISON_OFFICE),
        "liaison2": make_user(roles.LIAISON_OFFICE),
        "secretary": make_user(roles.SECRETARY_GENERAL),
        "member": make_user(roles.MEMBER, member=MemberFactory()),
    }
    return {"scheme": scheme, "a": a, "b": b, "c": c, "criteria": criteria, **users}


def score_all(y):
    o, n = y["criteria"]["opinions"].pk, y["criteria"]["norms"].pk
    assessment.save_scores(
        y["edu_office"],
        y["scheme"],
        {(o, y["a"].pk): "8.5", (n, y["a"].pk): "5", (o, y["b"].pk): "9", (n, y["b"].pk): "4.5"},
    )
    assessment.save_scores(y["econ_office"], y["scheme"], {(o, y["c"].pk): "6", (n, y["c"].pk): "3"})


def by_title(lines):
    return {line.title: line for line in lines}


def test_totals_by_hand(year):
    score_all(year)
    lines = by_title(assessment.standings(year["scheme"], assessment.live_stations()))
    c = year["criteria"]
    expected = {
        "东四委员工作室": (["6.0", "10.0", "7.5", "5.0", "7.5", "8.5", "5"], "49.5", 1),
        "北新桥委员工作室": (["10.0", "0.0", "3.8", "0.0", "10.0", "9", "4.5"], "37.3", 2),
        "景山委员工作室": (["0.0", "10.0", "0.0", "0.0", "2.5", "6", "3"], "21.5", 3),
    }
    order = ["months", "plan", "meetings", "uploads", "logs", "opinions", "norms"]
    for title, (points, total, rank) in expected.items():
        line = lines[title]
        assert [line.points[c[key].pk] for key in order] == [Decimal(p) for p in points], title
        assert (line.total, line.rank) == (Decimal(total), rank)
    assert lines["东四委员工作室"].excellent and not lines["北新桥委员工作室"].excellent


def test_standings_ask_the_same_number_of_queries_for_more_stations(year):
    _stories, index = site_sections()
    scheme = year["scheme"]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assessment.standings(scheme, assessment.live_stations())
    for n in range(6):
        station(index, MemberFactory(), title=f"新工作室{n}")
    with CaptureQueriesContext(connection) as more:
        lines = assessment.standings(scheme, assessment.live_stations())
    assert len(lines) == 9 and len(more) == len(few)


def test_board_shows_auto_and_manual_points_to_liaison_and_its_stations_to_an_office(year, client):
    score_all(year)
    url = f"{reverse('station_assessment')}?year={YEAR}"
    client.force_login(year["liaison"])
    page = client.get(url).content.decode()
    assert "49.5" in page and "37.3" in page and "21.5" in page and "★ 优秀委员工作室" in page
    assert "3/12" in page  # A's months with activity, beside its points
    client.force_login(year["edu_office"])
    page = client.get(url).content.decode()
    assert "东四委员工作室" in page and "北新桥委员工作室" in page and "景山委员工作室" not in page
    assert "发布2026年度考核结果" not in page
    client.force_login(year["member"])
    assert client.get(url).status_code in (302, 403)


def test_a_score_above_the_maximum_or_negative_is_refused_and_nothing_written(year, client):
    o, n = year["criteria"]["opinions"].pk, year["criteria"]["norms"].pk
    a = year["a"].pk
    with pytest.raises(assessment.AssessmentError) as refused:
        assessment.save_scores(year["edu_office"], year["scheme"], {(o, a): "10.5", (n, a): "4"})
    assert refused.value.errors == ["东四委员工作室 · 收集社情，反映民意「得分」：不能超过满分 10 分"]
    with pytest.raises(assessment.AssessmentError) as refused:
        assessment.save_scores(year["edu_office"], year["scheme"], {(n, a): "-1"})
    assert "「得分」：不能为负数" in str(refused.value)
    assert not ManualScore.objects.exists()

    client.force_login(year["edu_office"])
    url = reverse("station_assessment_score", args=[YEAR])
    response = client.post(url, {f"s_{o}_{a}": "11", f"s_{n}_{a}": "4"})
    page = response.content.decode()
    assert "「得分」：不能超过满分 10 分" in page and 'value="11"' in page and 'value="4"' in page
    assert not ManualScore.objects.exists()
    response = client.post(url, {f"s_{o}_{a}": "9.5", f"s_{n}_{a}": "4"})
    assert response.status_code == 302
    assert ManualScore.objects.get(criterion_id=o, station_id=a).points == Decimal("9.5")


def test_an_office_scores_only_its_committees_stations(year, client):
    o = year["criteria"]["opinions"].pk
    with pytest.raises(assessment.AssessmentError) as refused:
        assessment.save_scores(year["edu_office"], year["scheme"], {(o, year["a"].pk): "8", (o, year["c"].pk): "9"})
    assert "景山委员工作室「得分」：不是本专委会对口的委员工作室，不能评分" in str(refused.value)
    assert not ManualScore.objects.exists()  # the good one was not written either
    with pytest.raises(assessment.AssessmentError):  # an automatic criterion is not scored by hand
        assessment.save_scores(year["liaison"], year["scheme"], {(year["criteria"]["plan"].pk, year["a"].pk): "3"})
    with pytest.raises(assessment.AssessmentError):
        assessment.save_scores(year["secretary"], year["scheme"], {(o, year["a"].pk): "3"})
    client.force_login(year["edu_office"])
    page = client.get(reverse("station_assessment_score", args=[YEAR])).content.decode()
    assert "东四委员工作室" in page and "景山委员工作室" not in page
    # A cell for another committee's station posted by hand is refused.
    response = client.post(reverse("station_assessment_score", args=[YEAR]), {f"s_{o}_{year['c'].pk}": "5"})
    assert not ManualScore.objects.filter(station=year["c"]).exists()
    assert response.status_code in (200, 302)
    # 委员联络室 checks and may correct any station's score.
    assessment.save_scores(year["liaison"], year["scheme"], {(o, year["c"].pk): "7"})
    assert ManualScore.objects.get(station=year["c"]).points == Decimal("7")


@pytest.mark.parametrize(
    ("count", "threshold", "named"),
    [
        (1, None, ["东四委员工作室"]),
        (2, None, ["东四委员工作室", "北新桥委员工作室"]),
        (None, Decimal("30"), ["东四委员工作室", "北新桥委员工作室"]),
        (None, Decimal("49.5"), ["东四委员工作室"]),
        (2, Decimal("40"), ["东四委员工作室"]),
        (None, None, []),
    ],
)
def test_naming_top_n_or_a_threshold(year, count, threshold, named):
    score_all(year)
    scheme = year["scheme"]
    scheme.excellent_count, scheme.excellent_threshold = count, threshold
    lines = assessment.standings(scheme, assessment.live_stations())
    assert [line.title for line in lines if line.excellent] == named


def test_a_year_without_points_names_nobody(year):
    """A new year's scheme: every station at 0 ties for first, and none is 优秀 yet."""
    later = assessment.build_default_scheme(year["scheme"].year + 5)
    lines = assessment.standings(later, assessment.live_stations())
    assert lines and all(line.total == 0 and line.rank == 1 for line in lines)
    assert later.excellent_count and not any(line.excellent for line in lines)
    scheme = year["scheme"]
    with pytest.raises(assessment.AssessmentError, match="「优秀分数线」：不能超过总分"):
        assessment.save_settings(year["liaison"], scheme, None, Decimal("1000"))


def test_equal_totals_share_a_rank(year):
    score_all(year)
    o = year["criteria"]["opinions"].pk
    # A's automatic points are 36.0: with 0.8 by hand it is second (36.8), with 1.3 it ties B (37.3).
    n = year["criteria"]["norms"].pk
    assessment.save_scores(year["liaison"], year["scheme"], {(o, year["a"].pk): "0.8", (n, year["a"].pk): "0"})
    lines = assessment.standings(year["scheme"], assessment.live_stations())
    ranks = {line.title: (line.total, line.rank) for line in lines}
    assert ranks["东四委员工作室"] == (Decimal("36.8"), 2)
    assessment.save_scores(year["liaison"], year["scheme"], {(o, year["a"].pk): "1.3"})
    ranks = {
        line.title: (line.total, line.rank) for line in assessment.standings(year["scheme"], assessment.live_stations())
    }
    assert ranks["东四委员工作室"] == ranks["北新桥委员工作室"] == (Decimal("37.3"), 1)
    assert ranks["景山委员工作室"] == (Decimal("21.5"), 3)


def badge(page):
    return Template("{% load stations_tags %}{% excellent_badge page %}").render(Context({"page": page}))


def test_publish_keeps_results_refuses_later_changes_and_shows_the_badge(year, client, django_assert_num_queries):
    score_all(year)
    scheme, a, b = year["scheme"], year["a"], year["b"]
    assert badge(a) == ""
    with pytest.raises(assessment.AssessmentError):  # only 委员联络室 publishes
        assessment.publish(year["edu_office"], scheme)
    client.force_login(year["edu_office"])
    assert client.post(reverse("station_assessment_publish", args=[YEAR])).status_code == 403
    client.logout()

    stale = AssessmentScheme.objects.get(pk=scheme.pk)  # the second user's page, loaded before
    assessment.publish(year["liaison"], scheme)
    with pytest.raises(assessment.AssessmentError) as refused:
        assessment.publish(year["liaison2"], stale)
    assert "2026年度考核结果已于" in str(refused.value) and "无需再次发布" in str(refused.value)
    assert AssessmentResult.objects.count() == 3

    kept = {r.station_title: (r.total, r.rank, r.excellent) for r in AssessmentResult.objects.all()}
    assert kept["东四委员工作室"] == (Decimal("49.5"), 1, True)
    assert kept["北新桥委员工作室"] == (Decimal("37.3"), 2, False)

    # Later: a new log and a changed score change nothing that was published.
    StationLog.objects.create(station=year["c"], date=D(YEAR, 9, 1), type="study", matter="补记")
    o = year["criteria"]["opinions"].pk
    with pytest.raises(assessment.AssessmentError) as refused:
        assessment.save_scores(year["econ_office"], scheme, {(o, year["c"].pk): "10"})
    assert str(refused.value).startswith("「得分」：2026年度考核结果已于") and "不能再修改" in str(refused.value)
    with pytest.raises(assessment.AssessmentError):
        assessment.save_criteria(year["liaison"], scheme, [])
    with pytest.raises(assessment.AssessmentError):
        assessment.save_settings(year["liaison"], scheme, 2, None)
    scheme.refresh_from_db()
    lines = by_title(assessment.standings_for(year["liaison"], scheme))
    assert lines["景山委员工作室"].total == Decimal("21.5")
    assert ManualScore.objects.get(criterion_id=o, station=year["c"]).points == Decimal("6")

    # The badge: A's, not B's; one query.
    with django_assert_num_queries(1):
        html = badge(a)
    assert "2026年度优秀委员工作室" in html
    assert badge(b) == ""


def test_badge_not_shown_before_publishing(year):
    score_all(year)
    AssessmentResult.objects.create(
        scheme=year["scheme"], station=year["a"], station_title="东四委员工作室", total=1, rank=1, excellent=True
    )
    assert badge(year["a"]) == ""  # a result row of an unpublished year is no badge


def test_publishing_waits_for_every_manual_score_and_a_way_of_naming(year):
    o = year["criteria"]["opinions"].pk
    assessment.save_scores(year["edu_office"], year["scheme"], {(o, year["a"].pk): "8"})
    with pytest.raises(assessment.AssessmentError) as refused:
        assessment.publish(year["liaison"], year["scheme"])
    assert "「得分」：还有人工评分项目未评分" in str(
        refused.value
    ) and "景山委员工作室（收集社情，反映民意、规范运作）" in str(refused.value)
    score_all(year)
    year["scheme"].excellent_count = None
    year["scheme"].save()
    with pytest.raises(assessment.AssessmentError) as refused:
        assessment.publish(year["liaison"], year["scheme"])
    assert "「优秀名额」" in str(refused.value)
    assert not AssessmentResult.objects.exists()
    assert not AssessmentScheme.objects.get().published


def test_default_scheme_at_one_click(roles_synced, make_user, client):
    liaison = make_user(roles.LIAISON_OFFICE)
    client.force_login(liaison)
    response = client.post(reverse("station_assessment_create"), {"year": "2026"})
    assert response.status_code == 302
    scheme = AssessmentScheme.objects.get(year=2026)
    criteria = list(scheme.criteria.all())
    assert sum(c.max_points for c in criteria) == 100 and scheme.excellent_count == 3
    assert {c.measure for c in criteria if c.method == "auto"} == set(Measure.values)
    response = client.post(reverse("station_assessment_create"), {"year": "2026"}, follow=True)
    assert "「年度」：2026年的考核办法已经建立" in response.content.decode()
    office = make_user(roles.COMMITTEE_OFFICE)
    client.force_login(office)
    assert client.post(reverse("station_assessment_create"), {"year": "2027"}).status_code == 403


def test_criteria_form_refuses_an_auto_criterion_without_a_measure(year, client):
    client.force_login(year["liaison"])
    url = reverse("station_assessment_criteria", args=[YEAR])
    page = client.get(url).content.decode()
    assert "月月有活动" in page
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "30"}
    data.update(
        {
            "form-0-name": "新项目",
            "form-0-max_points": "5",
            "form-0-method": "auto",
            "form-0-measure": "",
            "form-0-full_at": "2",
        }
    )
    page = client.post(url, data).content.decode()
    assert "「自动计分依据」：自动计分的“新项目”请选择依据" in page
    assert year["scheme"].criteria.count() == 7
    with pytest.raises(assessment.AssessmentError) as refused:  # a maximum below a score given
        score_all(year)
        norms = year["criteria"]["norms"]
        assessment.save_criteria(
            year["liaison"],
            year["scheme"],
            [{"pk": norms.pk, "name": "规范运作", "max_points": 4, "method": "manual", "measure": "", "full_at": 1}],
        )
    assert "「满分」：“规范运作”已有工作室得 5.0 分" in str(refused.value)


def test_ranking_xlsx_reads_back(year, client):
    score_all(year)
    client.force_login(year["secretary"])
    response = client.get(reverse("station_assessment_xlsx", args=[YEAR]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("名次", "委员工作室", "对口委室") and rows[0][-2:] == ("总分", "评定")
    assert "月月有活动（24 分）" in rows[0]
    assert rows[1][:3] == (1, "东四委员工作室", "教科文卫体委员会")
    assert rows[1][-2:] == (49.5, "优秀委员工作室")
    assert rows[3][1] == "景山委员工作室" and rows[3][-2] == 21.5


def test_ranking_pdf_heading_fonts_and_page_image(year, tmp_path):
    score_all(year)
    scheme = year["scheme"]
    assessment.publish(year["liaison"], scheme)
    scheme.refresh_from_db()
    criteria = assessment.criteria_of(scheme)
    pdf = ranking_pdf_bytes(scheme, criteria, assessment.kept_standings(scheme))
    path = tmp_path / "ranking.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "2026年度委员工作室考核结果" in text
    assert "2026年度优秀委员工作室：东四委员工作室" in text and "49.5" in text
    assert "草稿" not in text
    # The whole table is on the page, each station's name on one line.
    assert "总分" in text and "评定" in text
    assert all(line.title in text for line in assessment.kept_standings(scheme))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk)
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(path),
            str(ARTIFACTS / "assessment-ranking-page1"),
        ],
        check=True,
    )
    assert (ARTIFACTS / "assessment-ranking-page1.png").stat().st_size > 5000


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_office_scores_and_liaison_publishes_in_the_admin(browser, live_server, year):
    o, n = year["criteria"]["opinions"].pk, year["criteria"]["norms"].pk
    office = _with_password(year["edu_office"])
    context, page = login_in(
        browser, live_server, office, "pw-lianxin-123", f"/admin/stations/assessment/{YEAR}/score/"
    )
    page.fill(f"input[name=s_{o}_{year['a'].pk}]", "12")
    page.fill(f"input[name=s_{n}_{year['a'].pk}]", "5")
    page.get_by_role("button", name="保存评分").click()
    assert "「得分」：不能超过满分 10 分" in page.locator(".assess-errors").inner_text()
    page.screenshot(path=ARTIFACTS / "assessment-score-refused-desktop.png", full_page=True)
    page.fill(f"input[name=s_{o}_{year['a'].pk}]", "8.5")
    page.fill(f"input[name=s_{o}_{year['b'].pk}]", "9")
    page.fill(f"input[name=s_{n}_{year['b'].pk}]", "4.5")
    page.get_by_role("button", name="保存评分").click()
    page.wait_for_url("**/admin/stations/assessment/?year=2026")
    context.close()
    assessment.save_scores(year["econ_office"], year["scheme"], {(o, year["c"].pk): "6", (n, year["c"].pk): "3"})

    liaison = _with_password(year["liaison"])
    context, page = login_in(browser, live_server, liaison, "pw-lianxin-123", "/admin/stations/assessment/?year=2026")
    assert "49.5" in page.locator(".report-box").first.inner_text()
    page.set_viewport_size({"width": 1280, "height": 1500})
    page.screenshot(path=ARTIFACTS / "assessment-board-desktop.png", full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="发布2026年度考核结果").click()
    page.wait_for_load_state()
    assert "已发布2026年度考核结果" in page.content()
    assert AssessmentScheme.objects.get().published
    page.screenshot(path=ARTIFACTS / "assessment-published-desktop.png", full_page=True)
    context.close()


def test_demo_adds_meetings_logs_and_an_unpublished_scheme_once(roles_synced, members):
    from stations.demo_assess import seed_station_records

    _stories, index = site_sections()
    first = station(index, members["teacher"], title="演示一工作室")
    first.members.set([members["doctor"]])
    first.save()
    station(index, members["banker"], title="演示二工作室")
    scheme = seed_station_records()
    counts = (StationMeeting.objects.count(), StationLog.objects.count(), ManualScore.objects.count())
    assert counts[0] >= 3 and counts[1] >= 10 and counts[2] == 6  # 2 stations × 3 manual criteria
    assert not scheme.published and scheme.criteria.count() == 8
    assert StationMeeting.objects.filter(station=first).first().absences.get().reason == "外出公务"
    seed_station_records()
    assert (StationMeeting.objects.count(), StationLog.objects.count(), ManualScore.objects.count()) == counts


def test_pdf_view_is_scoped_and_refused_to_others(year, client):
    score_all(year)
    client.force_login(year["edu_office"])
    response = client.get(reverse("station_assessment_pdf", args=[YEAR]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(year["member"])
    assert client.get(reverse("station_assessment_pdf", args=[YEAR])).status_code in (302, 403)
