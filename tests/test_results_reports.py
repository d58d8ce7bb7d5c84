"""The registry's reports: 办理进度 board, 成果统计 (page, xlsx, PDF) and the 零提案 list, and the
demo data behind them."""

import datetime
import io
import re
import subprocess

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from people import roles
from people.models import Member
from results import stats
from results.models import (
    Acceptance,
    AuthorKind,
    HandlingStep,
    Kind,
    Occasion,
    ProposalUnit,
    Result,
    ResultAuthor,
    Satisfaction,
    Status,
)

from . import results_helpers
from .factories import MemberFactory
from .results_helpers import YEAR, entry

# The shared fixtures, under their own names so that pytest finds them here.
units, offices = results_helpers.units, results_helpers.offices

Step = HandlingStep.Step
REGULAR, PLENARY = Occasion.REGULAR, Occasion.PLENARY


def workbook(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def pdf_text(content, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return path, text


# --- 成果统计 on a hand-counted year


@pytest.fixture
def counted_year(members, reference):
    """10 confirmed 提案: 4 个人, 3 联名, 2 界别, 1 党派; 6 平时, 4 大会; beside them 2 社情民意信息 and
    1 大会发言, so 13 entries in all; and entries that must not count."""
    t, d, b, e = (members[k] for k in ("teacher", "doctor", "banker", "engineer"))
    r = reference
    entry(t, occasion=REGULAR, title="个人1")
    entry(d, occasion=REGULAR, title="个人2")
    entry(b, occasion=PLENARY, title="个人3")
    entry(t, occasion=PLENARY, title="个人4")
    entry(t, d, occasion=REGULAR, title="联名1")
    entry(b, e, occasion=REGULAR, title="联名2")
    entry(d, b, e, occasion=PLENARY, title="联名3")
    entry(sector=r["education"], occasion=REGULAR, title="界别1")
    entry(sector=r["health"], occasion=PLENARY, title="界别2")
    entry(party=r["minmeng"], occasion=REGULAR, title="党派1")
    entry(d, kind=Kind.OPINION, title="信息1")
    entry(b, e, kind=Kind.OPINION, title="信息2")
    entry(t, kind=Kind.SPEECH, title="发言1")
    # Not counted: not confirmed, or another year.
    entry(t, status=Status.PENDING, title="待确认")
    entry(d, status=Status.RETURNED, return_reason="请补充", title="已退回")
    entry(b, status=Status.WITHDRAWN, title="已撤回")
    entry(e, year=YEAR - 1, submitted_on=datetime.date(YEAR - 1, 5, 1), title="去年")


def test_statistics_shares_match_the_hand_count(counted_year, offices):
    summary = stats.statistics(Result.objects.all(), YEAR)
    assert summary["total"] == 13 and summary["proposal_total"] == 10
    assert [(s.label, s.count, s.percent_text) for s in summary["author_kinds"]] == [
        ("个人提案", 4, "40.0%"),
        ("联名提案", 3, "30.0%"),
        ("界别提案", 2, "20.0%"),
        ("党派提案", 1, "10.0%"),
    ]
    assert [(s.label, s.percent_text) for s in summary["occasions"]] == [("平时提案", "60.0%"), ("大会提案", "40.0%")]
    # 10/13, 2/13 and 1/13, rounded half up to one decimal.
    assert [s.percent_text for s in summary["kinds"]] == ["76.9%", "15.4%", "7.7%", "0.0%", "0.0%"]


def test_sectors_and_parties_count_an_entry_once_per_sector(counted_year):
    summary = stats.statistics(Result.objects.all(), YEAR)
    sectors = {row.name: row.counts for row in summary["sectors"]}
    # 教育界: 个人1, 个人4, 联名1 and the sector's own 界别1.
    assert sectors["教育界"][:3] == [4, 0, 1]
    # 经济界: 个人3, 联名2 (two authors from 经济界, counted once), 联名3; and 信息2 once.
    assert sectors["经济界"][:2] == [3, 1]
    assert sectors["医药卫生界"][:2] == [4, 1]
    parties = {row.name: row.counts for row in summary["parties"]}
    # 民盟: 李强's 个人2, 联名1, 联名3 and the party's 党派1; 九三学社: 陈杰's 联名2, 联名3.
    assert parties["民盟"][0] == 4 and parties["九三学社"][:2] == [2, 1]


def test_statistics_page_xlsx_and_pdf_show_the_same_shares(counted_year, offices, client, tmp_path):
    client.force_login(offices["liaison"])
    page = client.get(reverse("results_statistics"), {"year": YEAR}).content.decode()
    flat = re.sub(r"\s+", "", page)
    for label, count, share in (("个人提案", 4, "40.0%"), ("联名提案", 3, "30.0%"), ("界别提案", 2, "20.0%")):
        assert f'{label}</th><tdclass="num">{count}</td><tdclass="num">{share}' in flat
    assert '党派提案</th><tdclass="num">1</td><tdclass="num">10.0%' in flat
    assert '平时提案</th><tdclass="num">6</td><tdclass="num">60.0%' in flat
    assert page.count("data:image/svg+xml;base64,") == 2

    sheets = workbook(client.get(reverse("results_statistics_xlsx"), {"year": YEAR}))
    rows = {row[0]: row[1:] for row in sheets["提案构成"].iter_rows(min_row=3, values_only=True)}
    assert rows["个人提案"] == (4, 0.4) and rows["联名提案"] == (3, 0.3)
    assert rows["界别提案"] == (2, 0.2) and rows["党派提案"] == (1, 0.1) and rows["平时提案"] == (6, 0.6)
    assert sheets["提案构成"]["C3"].number_format == "0.0%"
    assert [r[:3] for r in sheets["按类别"].iter_rows(min_row=3, max_row=4, values_only=True)] == [
        ("提案", 10, 0.769),
        ("社情民意信息", 2, 0.154),
    ]

    response = client.get(reverse("results_statistics_pdf"), {"year": YEAR})
    path, text = pdf_text(response.content, tmp_path)
    flat = re.sub(r"\s+", "", text)
    for expected in ("个人提案440.0%", "联名提案330.0%", "界别提案220.0%", "党派提案110.0%", "平时提案660.0%"):
        assert expected in flat, expected
    assert "按界别" in flat and "民盟" in flat
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    width, height = (float(v) for v in size.split(":")[1].split("pts")[0].split("x"))
    assert width > height, "landscape A4"
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts and "+" in fonts, "a CJK font embedded as a subset"


def test_statistics_count_only_what_the_office_may_see(counted_year, offices, client):
    """提案委 sees every 提案 and not 研究室's kinds (rules.results_visible_to): its figures say so."""
    client.force_login(offices["proposals"])
    page = client.get(reverse("results_statistics"), {"year": YEAR}).content.decode()
    assert re.search(r'data-count="total">10<', page) and "统计范围：您有权查看的成果" in page
    assert '个人提案</th><tdclass="num">4</td><tdclass="num">40.0%' in re.sub(r"\s+", "", page)
    client.force_login(offices["liaison"])
    page = client.get(reverse("results_statistics"), {"year": YEAR}).content.decode()
    assert re.search(r'data-count="total">13<', page) and "统计范围" not in page


def test_statistics_escape_names_in_page_and_charts(members, reference, offices, client):
    reference["education"].name = "<b>教育界</b>"
    reference["education"].save()
    entry(sector=reference["education"], title="界别")
    client.force_login(offices["liaison"])
    page = client.get(reverse("results_statistics"), {"year": YEAR}).content.decode()
    assert "&lt;b&gt;教育界&lt;/b&gt;" in page and "<b>教育界</b>" not in page


# --- 零提案


@pytest.fixture
def zero_year(members, reference):
    """王丽 first author, 李强 co-author of a confirmed 提案; 赵敏 only a pending 提案 and a confirmed
    社情民意信息; 陈杰 nothing confirmed this year (a proposal last year)."""
    t, d, b, e = (members[k] for k in ("teacher", "doctor", "banker", "engineer"))
    entry(t, d, title="联名")
    entry(b, status=Status.PENDING, title="待确认")
    entry(b, kind=Kind.OPINION, title="信息")
    entry(e, year=YEAR - 1, submitted_on=datetime.date(YEAR - 1, 4, 1), title="去年")
    entry(sector=reference["economy"], title="界别名义，没有列出作者")
    return members


def test_zero_list_counts_co_authors_and_ignores_unconfirmed_entries(zero_year):
    listed = {m.name: m for m in stats.with_counts(stats.zero_proposals(Member.objects.all(), YEAR), YEAR)}
    assert set(listed) == {"赵敏", "陈杰"}
    assert listed["赵敏"].count_opinion == 1 and listed["赵敏"].count_total == 1
    assert {m.name for m in stats.zero_proposals(Member.objects.all(), YEAR, zero_results=True)} == {"陈杰"}
    assert {m.name for m in stats.zero_proposals(Member.objects.all(), YEAR - 1)} == {"王丽", "李强", "赵敏"}


def test_zero_list_page_and_xlsx_respect_the_viewers_scope(zero_year, reference, make_user, roles_synced, client):
    # 教科文卫体委员会's office sees its members and those of the sectors it contacts (教育界, 医药卫生界).
    MemberFactory(code="14009", name="孙悦", sector=reference["health"])
    office = make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"])
    client.force_login(office)
    page = client.get(reverse("results_zero"), {"year": YEAR}).content.decode()
    assert 'data-member="14009"' in page and "孙悦" in page
    assert "赵敏" not in page and "陈杰" not in page and "王丽" not in page
    rows = list(workbook(client.get(reverse("results_zero_xlsx"), {"year": YEAR})).active.values)
    assert rows[0][:4] == ("委员证号", "姓名", "界别", "党派") and [r[1] for r in rows[1:]] == ["孙悦"]

    reader = make_user(roles.LIAISON_OFFICE)
    client.force_login(reader)
    page = client.get(reverse("results_zero"), {"year": YEAR, "mode": "none"}).content.decode()
    assert "陈杰" in page and "孙悦" in page and "赵敏" not in page
    assert re.search(r'data-count="members">2<', page)


# --- 办理进度


@pytest.fixture
def handled(members, units):
    """Two 立案 proposals: one answered with its steps, one assigned long ago and not answered
    (逾期); and a 不予立案 one that is not on the board."""
    answered = entry(
        members["teacher"],
        members["doctor"],
        number="001",
        title="关于规范校外培训的建议",
        acceptance=Acceptance.ACCEPTED,
        assigned_on=datetime.date(YEAR, 3, 10),
        answered_on=datetime.date(YEAR, 5, 20),
        satisfaction=Satisfaction.SATISFIED,
    )
    ProposalUnit.objects.create(result=answered, unit=units["education"], role=ProposalUnit.Role.LEAD)
    ProposalUnit.objects.create(result=answered, unit=units["health"], role=ProposalUnit.Role.ASSIST)
    for step, date in ((Step.BEFORE, (3, 15)), (Step.DURING, (4, 20)), (Step.AFTER, (6, 2))):
        HandlingStep.objects.create(
            result=answered, unit=units["education"], step=step, date=datetime.date(YEAR, *date), form="meeting"
        )
    late = entry(
        members["banker"],
        number="002",
        title="关于增设公交线路的建议",
        acceptance=Acceptance.ACCEPTED,
        assigned_on=datetime.date(YEAR, 3, 12),
    )
    ProposalUnit.objects.create(result=late, unit=units["transport"], role=ProposalUnit.Role.LEAD)
    entry(members["engineer"], number="003", title="不予立案的提案", acceptance=Acceptance.REJECTED)
    return {"answered": answered, "late": late}


def test_board_rows_show_steps_per_unit_and_overdue(handled, units):
    rows = stats.proposal_board(Result.objects.all(), YEAR, today=datetime.date(YEAR, 7, 1))
    assert [(r.result.number, r.unit.name, r.role) for r in rows] == [
        ("001", "区教委", "主办"),
        ("001", "区卫健委", "协办"),
        ("002", "区交通委", "主办"),
    ]
    lead, assist, late = rows
    assert (lead.before, lead.during, lead.after) == (
        [datetime.date(YEAR, 3, 15)],
        [datetime.date(YEAR, 4, 20)],
        [datetime.date(YEAR, 6, 2)],
    )
    assert (assist.before, assist.during, assist.after) == ([], [], [])
    # 交办 3-12 + 3 months → due 6-12; not answered by 7-1.
    assert late.due == datetime.date(YEAR, 6, 12) and late.overdue and not lead.overdue
    assert [r.result.number for r in stats.proposal_board(Result.objects.all(), YEAR, overdue_only=True)] == ["002"]
    only = stats.proposal_board(Result.objects.all(), YEAR, unit=units["health"])
    assert [(r.result.number, r.unit.name) for r in only] == [("001", "区卫健委")]


def test_board_page_and_xlsx(handled, offices, client):
    client.force_login(offices["proposals"])
    page = client.get(reverse("results_board"), {"year": YEAR}).content.decode()
    flat = re.sub(r"\s+", "", page)
    assert f'data-step="before">{YEAR}-03-15</td><tdclass="date"data-step="during">{YEAR}-04-20' in flat
    assert 'class="overdue"' in page and "不予立案的提案" not in page
    assert re.search(r'data-count="overdue"[^>]*>1<', page)
    only_late = client.get(reverse("results_board"), {"year": YEAR, "overdue": "1"}).content.decode()
    assert "关于增设公交线路的建议" in only_late and "关于规范校外培训的建议" not in only_late

    sheet = workbook(client.get(reverse("results_board_xlsx"), {"year": YEAR})).active
    rows = list(sheet.values)
    header = rows[0]
    assert header[:7] == ("案号", "标题", "提案人", "大会/平时", "交办日期", "承办单位", "主办/协办")
    by_unit = {row[header.index("承办单位")]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_unit["区教委"]["办前沟通"] == f"{YEAR}-03-15" and by_unit["区教委"]["满意度"] == "满意"
    assert by_unit["区教委"]["提案人"] == "王丽、李强"
    assert by_unit["区交通委"]["逾期"] == "逾期" and by_unit["区教委"]["逾期"] is None
    assert by_unit["区交通委"]["交办日期"] == datetime.datetime(YEAR, 3, 12)


def test_board_shows_only_what_the_viewer_may_see(handled, make_user, roles_synced, client):
    """The readers see every 立案 proposal; the board goes through rules.results_visible_to."""
    reader = make_user(roles.SECRETARY_GENERAL)
    client.force_login(reader)
    page = client.get(reverse("results_board"), {"year": YEAR}).content.decode()
    assert "关于规范校外培训的建议" in page and "关于增设公交线路的建议" in page


# --- who may see which report


REPORTS = (
    "results_board",
    "results_board_xlsx",
    "results_statistics",
    "results_statistics_xlsx",
    "results_statistics_pdf",
    "results_zero",
    "results_zero_xlsx",
)


def test_the_wrong_role_gets_403(offices, make_user, reference, client):
    editor = make_user(roles.EDITOR)
    client.force_login(editor)
    for name in REPORTS:
        response = client.get(reverse(name))
        assert response.status_code == 403, name
    assert "没有查看这个报表的权限" in client.get(reverse("results_board")).content.decode()

    client.force_login(make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]))
    codes = {name: client.get(reverse(name)).status_code for name in REPORTS}
    assert codes == {**dict.fromkeys(REPORTS[:5], 403), "results_zero": 200, "results_zero_xlsx": 200}

    # 研究室 handles no 提案: no 办理进度 board, but the statistics of what it sees.
    client.force_login(offices["research"])
    codes = {name: client.get(reverse(name)).status_code for name in REPORTS[:4]}
    assert codes == {
        "results_board": 403,
        "results_board_xlsx": 403,
        "results_statistics": 200,
        "results_statistics_xlsx": 200,
    }


# --- query counts do not grow with entries


def fill(count, members, units):
    """`count` 立案 proposals (and half as many 社情民意信息) spread over the members, each with a unit
    and a step."""
    pool = list(members.values())
    for n in range(count):
        authors = [pool[n % 4], pool[(n + 1) % 4]] if n % 3 == 0 else [pool[n % 4]]
        result = entry(
            *authors,
            number=f"Q{count}-{n}",
            title=f"提案{count}-{n}",
            acceptance=Acceptance.ACCEPTED,
            assigned_on=datetime.date(YEAR, 3, 5),
        )
        ProposalUnit.objects.create(result=result, unit=units["education"], role=ProposalUnit.Role.LEAD)
        HandlingStep.objects.create(
            result=result, unit=units["education"], step=Step.BEFORE, date=datetime.date(YEAR, 3, 6), form="phone"
        )
        if n % 2:
            entry(pool[n % 4], kind=Kind.OPINION, title=f"信息{n}")
    for n in range(count // 10):
        MemberFactory(code=f"Z{count}{n:03d}", sector=pool[n % 4].sector)


def queries_for(client, name, params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse(name), params)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("name", ["results_board", "results_statistics", "results_zero", "results_zero_xlsx"])
def test_report_query_counts_do_not_grow_with_entries(name, members, units, offices, client):
    client.force_login(offices["proposals"])
    fill(10, members, units)
    few = queries_for(client, name, {"year": YEAR})
    fill(200, members, units)
    assert Result.objects.count() > 300 and ResultAuthor.objects.count() > 300
    assert queries_for(client, name, {"year": YEAR}) == few


# --- demo data


def test_seed_results_is_idempotent_and_covers_every_state(db):
    from people.demo import seed_members, seed_reference_data
    from results.demo import seed_results

    seed_reference_data()
    seed_members()
    seed_results()
    counts = [
        Result.objects.count(),
        ResultAuthor.objects.count(),
        ProposalUnit.objects.count(),
        HandlingStep.objects.count(),
    ]
    seed_results()
    assert [
        Result.objects.count(),
        ResultAuthor.objects.count(),
        ProposalUnit.objects.count(),
        HandlingStep.objects.count(),
    ] == counts
    this_year = timezone.localdate().year
    current = Result.objects.filter(year=this_year)
    assert set(current.values_list("kind", flat=True)) == set(Kind.values)
    assert set(Result.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Result.objects.values_list("author_kind", flat=True)) == set(AuthorKind.values)
    assert set(Result.objects.exclude(acceptance="").values_list("acceptance", flat=True)) == set(Acceptance.values)
    assert Result.objects.filter(sent_to_district=True).exists()
    assert set(HandlingStep.objects.values_list("step", flat=True)) == set(Step.values)
    overdue = [
        r for y in (this_year - 1, this_year) for r in stats.proposal_board(Result.objects.all(), y) if r.overdue
    ]
    assert len({r.result.pk for r in overdue}) == 1
    assert stats.zero_proposals(Member.objects.all(), this_year).exists()
    assert stats.zero_proposals(Member.objects.all(), this_year, zero_results=True).exists()
