"""三联系 › 落实情况 and 按月汇总 on the hand-built year of test_contacts_core: the counts an office
reads on the page and in the xlsx, the coverage gaps, the scope of a 专委会工作室, who may open the
pages, and the fixed number of queries whatever the number of members."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Pairing, PairingKind, TargetCategory, Way
from people import roles
from people.models import ChairRole
from tests.factories import MemberFactory

from .test_browser import ARTIFACTS, _with_password, browser, login_in  # noqa: F401
from .test_contacts_core import TODAY, d, log, year  # noqa: F401  (the hand-built year's fixture)

DASHBOARD = "/admin/contacts/dashboard/"
MONTHLY = "/admin/contacts/monthly/"


@pytest.fixture
def today(monkeypatch):
    """The pages count up to today: pin it to the core fixture's 25 November 2026."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    return TODAY


@pytest.fixture
def logged(year):  # noqa: F811
    """test_contacts_core's hand-built year, and a pair whose member has since left the roster."""
    y = year
    log(d(2, 10), Way.VISIT, [y["chair"]], [y["standing"]])
    log(d(3, 2), Way.VISIT, [y["chair"]], [y["standing"]])
    log(d(3, 9), Way.VISIT, [y["chair"]], [y["standing"], y["standing2"]])
    log(d(3, 20), Way.VISIT, [y["chair"], y["standing2"]], [y["standing"]])
    log(d(1, 5), Way.PHONE, [y["chair"]], [y["standing"]])
    third = MemberFactory(code="S003", name="常委戊", is_standing=True, sector=y["banker"].sector)
    log(d(3, 25), Way.VISIT, [y["chair"]], [third])
    log(d(5, 8), Way.FORUM, [y["standing"]], [y["teacher"], y["doctor"]], is_forum=True)
    log(d(4, 1), Way.VISIT, [y["teacher"]], targets=[(TargetCategory.ENTERPRISE, "区第一机床厂")])
    log(d(6, 1), Way.PHONE, [y["teacher"]], targets=[(TargetCategory.ENTERPRISE, "区第一机床厂")])
    log(
        d(9, 1),
        Way.WECHAT,
        [y["teacher"]],
        targets=[(TargetCategory.PUBLIC, "王女士"), (TargetCategory.PUBLIC, "李先生")],
        note='=HYPERLINK("http://x")<script>alert(1)</script>',
    )
    gone = MemberFactory(code="G001", name="离任委员", sector=y["banker"].sector)
    Pairing.objects.create(
        year=2026,
        kind=PairingKind.STANDING,
        from_member=y["standing2"],
        to_member=gone,
        from_code="S002",
        from_name="常委丙",
        to_code="G001",
        to_name="离任委员",
    )
    gone.delete()
    return {**y, "third": third}


def table(response, key):
    return next(t for t in response.context["tables"] if t.key == key)


def row_of(t, code):
    return next(row for row in t.rows if code in row)


def sheets(response):
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}


def test_dashboard_shows_the_hand_computed_year(logged, today, make_user, login, roles_synced):
    client = login(make_user(roles.LIAISON_OFFICE))
    response = client.get(DASHBOARD, {"year": "2026"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "截至今天（2026-11-25）" in page

    # The chair: none in January, one 常委 in February, three in March; December not yet reached.
    grid = table(response, "chair_visits")
    chair = row_of(grid, "C001")
    assert chair[3:15] == [0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, None]
    assert chair[15] == 4
    marks = grid.marks[grid.rows.index(chair)]
    assert marks[3:6] == ["low", "ok", "more"] and marks[14] == "future"

    # The 常委: an H1 forum with both paired members, none in H2.
    forums = table(response, "forums")
    assert row_of(forums, "S001")[4:] == [2, 1, 0]
    assert row_of(forums, "S002")[5:] == [0, 0]

    # The teacher: 3 entries; the enterprise reached twice counts once.
    short = table(response, "shortfalls")
    teacher = row_of(short, "14001")
    assert teacher[4:8] == [3, 1, 0, 2]
    assert teacher[8] == "联系活动 3/4；界别群众 0/2；社会群众 2/3"

    # Coverage: 3 常委 (S001 paired), 5 members (teacher and doctor paired), the youth mentored.
    coverage = table(response, "coverage")
    assert coverage.rows[:3] == [["主席联系常委", 3, 1, 2], ["常委联系委员", 5, 2, 3], ["传帮带", 1, 1, 0]]
    assert coverage.rows[3][2] == 1  # the pair whose member left
    gaps = table(response, "gaps")
    listed = {(row[0], row[1]) for row in gaps.rows}
    assert ("常委没有联系的主席、副主席", "S002") in listed and ("常委没有联系的主席、副主席", "S003") in listed
    assert {"14003", "14004", "Y001"} <= {code for gap, code in listed if gap == "委员没有联系的常委"}
    assert ("常委没有联系的主席、副主席", "C001") not in listed  # a 主席 is not looked after
    left = next(row for row in gaps.rows if row[0] == "结对一方已不在名册")
    assert "离任委员（G001）已不在名册" in left[5] and left[1] == "S002"

    # The xlsx holds the same tables, one sheet each.
    book = sheets(client.get(DASHBOARD + "xlsx/", {"year": "2026"}))
    assert set(book) >= {"结对覆盖情况", "结对缺口", "主席、副主席每月走访常委", "常委召集集体座谈会"}
    assert next(r for r in book["主席、副主席每月走访常委"] if r[0] == "C001")[3:16] == [
        0,
        1,
        3,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        None,
        4,
    ]
    shortfall_sheet = next(name for name in book if name.startswith("未达到联系指标"))
    assert next(r for r in book[shortfall_sheet] if r[0] == "14001")[4:9] == [
        3,
        1,
        0,
        2,
        "联系活动 3/4；界别群众 0/2；社会群众 2/3",
    ]


def test_a_past_year_is_counted_whole_and_a_filter_narrows_every_table(
    logged, today, make_user, login, roles_synced, reference
):
    client = login(make_user(roles.LIAISON_OFFICE))
    response = client.get(DASHBOARD, {"year": "2026", "committee": reference["edu_committee"].pk})
    assert [row[0] for row in table(response, "shortfalls").rows] == ["14001"]  # only 王丽 is in 教科文卫体委员会
    assert not table(response, "chair_visits").rows
    # The roster has a chair and 常委: only the chosen 专委会 has none.
    page = response.content.decode()
    assert "所选范围内没有主席会议成员。" in page and "所选范围内没有常委。" in page
    assert "名册中没有" not in page
    response = client.get(DASHBOARD, {"year": "2026", "sector": reference["economy"].pk})
    assert "14001" not in {row[0] for row in table(response, "shortfalls").rows}
    assert "C001" in {row[0] for row in table(response, "chair_visits").rows}
    # A year that is over: no grey month, and the year is named whole; a bad year is this year.
    response = client.get(DASHBOARD, {"year": "2025"})
    assert "2025年全年" in response.content.decode()
    assert client.get(DASHBOARD, {"year": "20x6"}).context["year"] == 2026


def test_a_committee_office_sees_only_its_members(logged, today, make_user, login, roles_synced, reference):
    client = login(make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]))
    response = client.get(DASHBOARD, {"year": "2026"})
    assert response.status_code == 200
    codes = {row[0] for t in response.context["tables"] for row in t.rows if row and row[0]}
    codes |= {row[1] for row in table(response, "gaps").rows}
    # 教科文卫体委员会 looks after its members and the 教育界 and 医药卫生界 members.
    assert {"14001", "S001", "14002"} <= codes
    assert not codes & {"14003", "14004", "C001", "S002", "S003"}
    page = response.content.decode()
    assert "赵敏" not in page and "主席甲" not in page and "离任委员" not in page
    assert "本工作室负责的委员中没有主席会议成员。" in page and "名册中没有" not in page
    # The filters offer only what the office's members have: its own committee (nobody in scope
    # is in 经济委员会), the 教育界 and 医药卫生界 (not 经济界).
    offered = {name: {text for _pk, text in choices} for name, _label, choices, _chosen in response.context["filters"]}
    assert offered == {"committee": {"教科文卫体委员会"}, "sector": {"教育界", "医药卫生界"}}
    assert "经济界" not in page and "经济委员会" not in page
    # A hand-typed committee outside the list is no filter at all.
    other = client.get(DASHBOARD, {"year": "2026", "committee": reference["econ_committee"].pk})
    assert [f[3] for f in other.context["filters"]] == [None, None]
    assert "14001" in {row[0] for row in table(other, "shortfalls").rows}
    book = sheets(client.get(DASHBOARD + "xlsx/", {"year": "2026"}))
    assert "赵敏" not in str(book) and "主席甲" not in str(book)


def test_who_may_open_the_pages(logged, today, make_user, login, roles_synced):
    for role in (roles.EDITOR, roles.PROPOSAL_COMMITTEE):
        client = login(make_user(role))
        for url in (DASHBOARD, DASHBOARD + "xlsx/", MONTHLY, MONTHLY + "xlsx/"):
            response = client.get(url)
            assert response.status_code == 403
            assert "没有查看“三联系”落实情况的权限" in response.content.decode()
    leader = login(make_user(roles.SECRETARY_GENERAL))
    assert leader.get(DASHBOARD).status_code == 200
    assert leader.get(MONTHLY).status_code == 200


def test_monthly_roll_up_of_a_committee_office(logged, today, make_user, login, roles_synced, reference):
    client = login(make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]))
    response = client.get(MONTHLY, {"year": "2026", "committee": reference["econ_committee"].pk})
    assert "专委会工作四室（教科文卫体委员会）" in response.content.decode()  # no choice for an office
    t = response.context["tables"][0]
    # 月份, 走访 电话 微信 座谈, 合计, 开展联系的委员, 企事业单位 村（社区） 界别群众 社会群众 帮扶对象, 集体座谈会, 仍未联系 (人), names
    rows = {row[0]: row for row in t.rows}
    # Scope: 王丽, 李强, 常委乙, 青年丁; the chair's visits to 常委乙 are the chair's, not the scope's.
    assert rows["1月"][1:14] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4]
    assert rows["4月"][1:14] == [1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 3]
    assert rows["5月"][1:14] == [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 2]
    assert rows["6月"][1:8] == [0, 1, 0, 0, 1, 1, 1]
    assert rows["9月"][1:14] == [0, 0, 1, 0, 1, 1, 0, 0, 0, 2, 0, 0, 2]
    assert rows["12月"][1:] == [None] * 14  # not yet reached
    whole = t.rows[-1]
    assert whole[0].startswith("全年") and whole[1:14] == [1, 1, 1, 1, 4, 2, 1, 0, 0, 2, 0, 1, 2]
    assert set(whole[14].split("、")) == {"李强", "青年丁"}
    # The names are given once, in the year's row; each month keeps its count only.
    assert [row[14] for row in t.rows[:11]] == [""] * 11
    page = response.content.decode()
    assert page.count("青年丁") == 1
    book = sheets(client.get(MONTHLY + "xlsx/", {"year": "2026"}))
    (rows_back,) = book.values()
    assert rows_back[0][0] == "月份" and rows_back[4][1:14] == [1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 3]
    assert all(not row[14] for row in rows_back[1:12])  # 1月 … 11月: no names
    assert set(rows_back[13][14].split("、")) == {"李强", "青年丁"}


def test_the_liaison_office_picks_a_committee(logged, today, make_user, login, roles_synced, reference):
    client = login(make_user(roles.LIAISON_OFFICE))
    whole = client.get(MONTHLY, {"year": "2026"}).context["tables"][0].rows[-1]
    assert whole[5] == 10  # the chair's six (the 集体走访 once), a forum, 王丽's three
    econ = client.get(MONTHLY, {"year": "2026", "committee": reference["econ_committee"].pk})
    assert "专委会工作二室（经济委员会）" in econ.content.decode()
    # 经济委员会: 赵敏 and the 经济界 (主席甲, 常委丙, 陈杰): the chair's five 走访/电话 in Q1.
    assert econ.context["tables"][0].rows[-1][1:6] == [5, 1, 0, 0, 6]


def _more_members(n, reference):
    for i in range(n):
        member = MemberFactory(sector=reference["education"], is_standing=i % 5 == 0, is_youth=i % 7 == 0)
        log(d(1 + i % 10, 1 + i % 20), Way.VISIT, [member], targets=[(TargetCategory.PUBLIC, f"群众{i}")])
        if i % 9 == 0:
            MemberFactory(sector=reference["economy"], chair_role=ChairRole.VICE_CHAIR)


@pytest.mark.parametrize("url", [DASHBOARD, MONTHLY, DASHBOARD + "xlsx/", MONTHLY + "xlsx/"])
def test_pages_take_the_same_queries_for_3_and_30_members(
    url,
    year,
    today,
    make_user,
    login,
    roles_synced,
    reference,  # noqa: F811
):
    client = login(make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]))
    client.get(url)  # sessions, the account: first request
    _more_members(3, reference)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"year": "2026"}).status_code == 200
    _more_members(27, reference)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url, {"year": "2026"}).status_code == 200
    assert len(many) == len(few)
    assert len(few) < 25


def test_user_text_is_escaped_and_neutralised(logged, today, make_user, login, roles_synced):
    """A member named like a formula or a script (names come from the roster) shows as text."""
    logged["banker"].name = "=cmd|' /C calc'!A0<script>x</script>"
    logged["banker"].save()
    client = login(make_user(roles.LIAISON_OFFICE))
    page = client.get(DASHBOARD, {"year": "2026"}).content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    book = sheets(client.get(DASHBOARD + "xlsx/", {"year": "2026"}))
    names = [row[1] for rows in book.values() for row in rows if row and row[0] == "14003"]
    assert names and all(name.startswith("'=cmd") for name in names)
    monthly = sheets(client.get(MONTHLY + "xlsx/", {"year": "2026"}))
    assert all(not str(cell).startswith("=") for rows in monthly.values() for row in rows for cell in row if cell)


@pytest.mark.django_db
def test_an_empty_year_shows_empty_tables(make_user, login, roles_synced, today):
    client = login(make_user(roles.LIAISON_OFFICE))
    response = client.get(DASHBOARD, {"year": "2026"})
    assert response.status_code == 200
    assert "名册中没有主席会议成员" in response.content.decode()
    assert client.get(MONTHLY).status_code == 200


def test_dates_of_months_not_reached(logged, make_user, login, roles_synced, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2026, 3, 5))
    client = login(make_user(roles.LIAISON_OFFICE))
    response = client.get(DASHBOARD, {"year": "2026"})
    chair = row_of(table(response, "chair_visits"), "C001")
    assert chair[3:6] == [0, 1, 1] and chair[6:15] == [None] * 9  # March counted to the 5th
    assert row_of(table(response, "forums"), "S001")[6] is None  # H2 before July: grey


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("width, name", [(1280, "contacts-dashboard"), (390, "contacts-dashboard-phone")])
def test_the_dashboard_in_chromium(
    browser,  # noqa: F811
    live_server,
    logged,
    today,
    make_user,
    roles_synced,
    width,
    name,
):
    user = _with_password(make_user(roles.LIAISON_OFFICE))
    context, page = login_in(browser, live_server, user, "pw-lianxin-123", DASHBOARD + "?year=2026", width=width)
    main = page.inner_text("main")
    assert "主席、副主席每月走访常委" in main and "截至今天（2026-11-25）" in main
    # The 三联系 menu offers the three pages to 委员联络室.
    if width > 600:
        page.get_by_role("button", name="三联系").click()
        for label in ("落实情况", "按月汇总", "半年报告"):
            assert page.get_by_role("link", name=label).is_visible()
        page.keyboard.press("Escape")
        page.get_by_role("link", name="落实情况").wait_for(state="hidden")
    grid = page.locator("section[data-table=chair_visits] tbody tr").first
    cells = grid.locator("td")
    assert cells.nth(3).get_attribute("class").startswith("low") and cells.nth(5).inner_text() == "3"
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1  # wide tables scroll in their box
    # The admin scrolls inside its own pane: a tall window shows every table in the picture.
    page.set_viewport_size({"width": width, "height": 2600 if width > 600 else 4200})
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel（每个表一个工作表）").click()
    assert download.value.suggested_filename == "三联系落实情况-2026.xlsx"
    context.close()
