"""年度活动安排 on the public site and as iCal feeds: the page by month and by 活动主体, each body's
feed holding exactly its entries, all-day and timed events, stable UIDs, user text escaped, Chinese
404s, and the private deadline feed whose address 重新生成 revokes."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import caches
from django.utils import timezone
from icalendar import Calendar

from forms_app.five_ones.models import FilingYear
from lianxin_site.cache import public_cache
from people import roles
from schedule.demo import seed_calendar_page
from schedule.models import BodyKind, CalendarFeedToken, EntryBody, EntryKind, ScheduleEntry

from .factories import MemberFactory

YEAR = 2026
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    public_cache.clear()
    caches["fragments"].clear()
    yield
    public_cache.clear()
    caches["fragments"].clear()


def month(year, number):
    return datetime.date(year, number, 1)


def entry(content, first, last=None, bodies=(), year=None, **fields):
    """An entry held by `bodies`: BodyKind values for the fixed ones, (kind, row) for the rest."""
    row = ScheduleEntry.objects.create(
        year=year or first.year, first_month=first, last_month=last or first, content=content, **fields
    )
    for body in bodies:
        if isinstance(body, tuple):
            kind, target = body
            field = {"committee": "committee", "sector": "sector", "party": "party", "street": "street_group"}[kind]
            EntryBody.objects.create(entry=row, kind=kind, **{field: target})
        else:
            EntryBody.objects.create(entry=row, kind=body)
    return row


@pytest.fixture
def plan(reference):
    r = reference
    return {
        "education": entry(
            "教育界走进东华门社区", month(YEAR, 3), month(YEAR, 4), [("sector", r["education"])], place="东华门社区"
        ),
        "health": entry("医药卫生界义诊", month(YEAR, 5), bodies=[("sector", r["health"])]),
        "sectors": entry("各界别组“双走进”总结", month(YEAR, 11), month(YEAR, 12), [BodyKind.ALL_SECTORS]),
        "members": entry("全体委员学习会", month(YEAR, 2), bodies=[BodyKind.ALL_MEMBERS]),
        "leaders": entry("主席会议视察", month(YEAR, 6), bodies=[BodyKind.LEADERS], kind=EntryKind.INSPECTION),
        "committee": entry("教科文卫体委员会协商会", month(YEAR, 7), bodies=[("committee", r["edu_committee"])]),
        "committees": entry("各专委会年度计划", month(YEAR, 1), bodies=[BodyKind.ALL_COMMITTEES]),
        "party": entry("民盟主题活动", month(YEAR, 8), bodies=[("party", r["minmeng"])]),
        "street": entry("东华门街道小组活动", month(YEAR, 9), bodies=[("street", r["donghuamen"])]),
        "next_year": entry("下年度活动", month(YEAR + 1, 3), bodies=[BodyKind.OFFICE]),
    }


@pytest.fixture
def page(db):
    return seed_calendar_page()


def parse(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def uids(feed):
    return {str(event["UID"]) for event in feed.walk("VEVENT")}


def uid(row):
    return f"schedule-entry-{row.pk}@127.0.0.1"


def month_section(html, label):
    """The HTML of one month's section, by its heading."""
    found = re.search(rf"<h2>{label}</h2>(.*?)</section>", html, re.S)
    assert found, label
    return found.group(1)


# --- the page


def test_page_lists_the_year_by_month_with_spans_batches_and_invitations(client, page, plan, reference, members):
    parent = plan["education"]
    entry(
        "教育界走进东华门社区",
        month(YEAR, 3),
        bodies=[("sector", reference["education"])],
        batch_of=parent,
        batch_number=1,
        start_date=datetime.date(YEAR, 3, 12),
        start_time=datetime.time(9, 0),
        end_time=datetime.time(11, 30),
    )
    entry(
        "教育界走进东华门社区",
        month(YEAR, 4),
        bodies=[("sector", reference["education"])],
        batch_of=parent,
        batch_number=2,
        start_date=datetime.date(YEAR, 4, 16),
    )
    parent.invited.add(members["banker"], members["engineer"])

    html = client.get(f"/calendar/?year={YEAR}").content.decode()

    assert "年度活动安排" in html
    march, april, may = (month_section(html, f"{n}月") for n in (3, 4, 5))
    assert "教育界走进东华门社区" in march and "教育界走进东华门社区" in april
    assert "教育界走进东华门社区" not in may and "医药卫生界义诊" in may
    # Batches sit under their entry, each in its own month, with exact dates and times.
    assert march.count("<h3>教育界走进东华门社区</h3>") == 1
    assert "第1批：3月 · 3月12日 09:00—11:30" in march and "第2批" not in march
    assert "第2批：4月 · 4月16日" in april
    assert "邀请委员 2 人" in march
    # Body names filter the page; each body's feed is offered in the filter box, the whole plan has its own.
    assert f'kind=sector&amp;id={reference["education"].pk}"' in march
    assert f'href="/calendar/sector/{reference["education"].pk}.ics"' in html
    assert 'href="/calendar/all.ics"' in html
    assert 'href="/calendar/group/leaders.ics"' in html
    assert "下年度活动" not in html  # another plan year
    assert len(re.findall(r"<h2>\d+月</h2>", html)) == 12


def test_year_switcher_and_a_plan_running_into_next_year(client, page, plan):
    entry("跨年度走访", month(YEAR, 12), month(YEAR + 1, 1), bodies=[BodyKind.OFFICE], year=YEAR)

    html = client.get(f"/calendar/?year={YEAR}").content.decode()
    assert "跨年度走访" in month_section(html, "12月")
    assert "跨年度走访" in month_section(html, f"{YEAR + 1}年1月")
    assert f'href="?year={YEAR + 1}"' in html

    following = client.get(f"/calendar/?year={YEAR + 1}").content.decode()
    assert "下年度活动" in month_section(following, "3月")
    assert "教育界走进东华门社区" not in following and "跨年度走访" not in following


def test_filter_by_body_shows_its_entries_and_the_classes_that_include_it(client, page, plan, reference):
    html = client.get(f"/calendar/?year={YEAR}&kind=sector&id={reference['education'].pk}").content.decode()
    shown = {name for name, row in plan.items() if row.content in html}
    assert shown == {"education", "sectors", "members"}
    assert "含各界别组、全体委员的活动" in html
    assert f'href="/calendar/sector/{reference["education"].pk}.ics"' in html

    leaders = client.get(f"/calendar/?year={YEAR}&kind=leaders").content.decode()
    assert {name for name, row in plan.items() if row.content in leaders} == {"leaders"}


def test_a_body_named_on_an_entry_filters_the_page_to_it(client, page, plan, reference):
    """Tapping 教育界 on an entry shows 教育界's plan (not a calendar file download)."""
    html = client.get(f"/calendar/?year={YEAR}").content.decode()
    link = f'href="?year={YEAR}&amp;kind=sector&amp;id={reference["education"].pk}" title="只看教育界的活动安排"'
    assert link in html
    leaders = f'href="?year={YEAR}&amp;kind=leaders"'
    assert leaders in html


@pytest.mark.parametrize(
    "query",
    [
        "kind=sector&id=999999",
        "kind=bogus",
        "kind=sector&id=abc",
        "kind=sector",
        "id=3",
        "year=abc",
        "kind=leaders&id=4",
    ],
)
def test_a_bad_filter_shows_the_whole_plan_with_a_note(client, page, plan, query):
    response = client.get(f"/calendar/?{query}&year={YEAR}" if "year" not in query else f"/calendar/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "筛选条件无法识别，已显示全部活动安排。" in html
    if "year=abc" not in query:
        assert plan["health"].content in html and plan["leaders"].content in html


def test_the_page_is_in_the_main_navigation(client, page):
    html = client.get("/").content.decode()
    assert '<a href="/calendar/">年度活动安排</a>' in html


# --- the public feeds


def test_each_feed_holds_exactly_its_bodys_entries(client, plan, reference):
    r = reference
    expected = {
        "/calendar/all.ics": set(plan),
        f"/calendar/sector/{r['education'].pk}.ics": {"education", "sectors", "members"},
        f"/calendar/sector/{r['health'].pk}.ics": {"health", "sectors", "members"},
        f"/calendar/committee/{r['edu_committee'].pk}.ics": {"committee", "committees", "members"},
        f"/calendar/party/{r['minmeng'].pk}.ics": {"party", "members"},
        f"/calendar/street/{r['donghuamen'].pk}.ics": {"street", "members"},
        f"/calendar/street/{r['jingshan'].pk}.ics": {"members"},
        "/calendar/group/leaders.ics": {"leaders"},
        "/calendar/group/office.ics": {"next_year"},
        "/calendar/group/members.ics": {"members"},
        "/calendar/group/sectors.ics": {"sectors", "members"},
    }
    for url, names in expected.items():
        assert uids(parse(client.get(url))) == {uid(plan[name]) for name in names}, url


def test_a_batch_is_in_its_parents_feeds(client, plan, reference):
    batch = entry("教育界第二批", month(YEAR, 4), batch_of=plan["education"], batch_number=2)
    feed = parse(client.get(f"/calendar/sector/{reference['education'].pk}.ics"))
    assert uid(batch) in uids(feed)
    summaries = {str(event["SUMMARY"]) for event in feed.walk("VEVENT")}
    assert "教育界第二批（第2批）" in summaries


def test_calendar_name_is_chinese(client, plan, reference):
    feed = parse(client.get(f"/calendar/sector/{reference['education'].pk}.ics"))
    assert str(feed["X-WR-CALNAME"]) == "东城区政协 · 教育界 活动安排"
    assert str(parse(client.get("/calendar/group/leaders.ics"))["X-WR-CALNAME"]).endswith(
        "主席会议/区政协领导 活动安排"
    )


def test_month_ranges_are_all_day_and_timed_entries_are_in_shanghai(client, reference):
    span = entry("三到四月", month(YEAR, 3), month(YEAR, 4), [BodyKind.OFFICE])
    december = entry("跨年", month(YEAR, 12), month(YEAR + 1, 1), [BodyKind.OFFICE], year=YEAR)
    days = entry(
        "两天",
        month(YEAR, 5),
        bodies=[BodyKind.OFFICE],
        start_date=datetime.date(YEAR, 5, 6),
        end_date=datetime.date(YEAR, 5, 7),
    )
    timed = entry(
        "座谈",
        month(YEAR, 6),
        bodies=[BodyKind.OFFICE],
        start_date=datetime.date(YEAR, 6, 9),
        start_time=datetime.time(14, 30),
        end_time=datetime.time(16, 0),
    )
    response = client.get("/calendar/group/office.ics")
    raw = response.content.decode()
    events = {str(event["UID"]): event for event in parse(response).walk("VEVENT")}

    assert (events[uid(span)].start, events[uid(span)].end) == (datetime.date(YEAR, 3, 1), datetime.date(YEAR, 5, 1))
    assert (events[uid(december)].start, events[uid(december)].end) == (
        datetime.date(YEAR, 12, 1),
        datetime.date(YEAR + 1, 2, 1),
    )
    assert (events[uid(days)].start, events[uid(days)].end) == (datetime.date(YEAR, 5, 6), datetime.date(YEAR, 5, 8))
    assert f"DTSTART;VALUE=DATE:{YEAR}0301" in raw and f"DTEND;VALUE=DATE:{YEAR}0501" in raw

    shanghai = ZoneInfo("Asia/Shanghai")
    assert events[uid(timed)].start == datetime.datetime(YEAR, 6, 9, 14, 30, tzinfo=shanghai)
    assert events[uid(timed)].end == datetime.datetime(YEAR, 6, 9, 16, 0, tzinfo=shanghai)
    assert f"DTSTART;TZID=Asia/Shanghai:{YEAR}0609T143000" in raw
    assert "BEGIN:VTIMEZONE" in raw and "TZID:Asia/Shanghai" in raw


def test_uids_are_stable_across_requests(client, plan):
    first = parse(client.get("/calendar/all.ics"))
    public_cache.clear()  # build it again rather than read the cached copy
    ScheduleEntry.objects.create(year=YEAR, first_month=month(YEAR, 10), last_month=month(YEAR, 10), content="新增")
    second = parse(client.get("/calendar/all.ics"))
    assert uids(first) < uids(second)
    assert len(uids(second)) == len(plan) + 1
    stamps = {str(e["UID"]): e["DTSTAMP"].dt for e in first.walk("VEVENT")}
    assert stamps == {str(e["UID"]): e["DTSTAMP"].dt for e in second.walk("VEVENT") if str(e["UID"]) in stamps}


def test_user_text_is_escaped_in_the_feed_and_on_the_page(client, page, reference):
    nasty = "<script>alert(1)</script>座谈, 第二场; 地点待定"
    note = "第一行\n第二行; 含逗号, 反斜杠\\结束"
    row = entry(nasty, month(YEAR, 3), bodies=[BodyKind.OFFICE], place="会议室A; 3楼, 东侧", note=note)

    response = client.get("/calendar/group/office.ics")
    raw = response.content.decode()
    assert r"座谈\, 第二场\; 地点待定" in raw
    assert r"LOCATION:会议室A\; 3楼\, 东侧" in raw
    assert r"第一行\n第二行\; 含逗号\, 反斜杠\\结束" in raw.replace("\r\n ", "")
    event = parse(response).walk("VEVENT")[0]
    assert str(event["UID"]) == uid(row)
    assert str(event["SUMMARY"]) == nasty
    assert str(event["LOCATION"]) == "会议室A; 3楼, 东侧"
    assert str(event["DESCRIPTION"]).endswith(note)

    html = client.get(f"/calendar/?year={YEAR}").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;座谈" in html


@pytest.mark.parametrize(
    "url",
    [
        "/calendar/sector/999999.ics",
        "/calendar/sector/abc.ics",
        "/calendar/bogus/1.ics",
        "/calendar/group/bogus.ics",
        "/calendar/group/sector.ics",
        "/calendar/leaders/1.ics",
    ],
)
def test_an_unknown_body_is_a_chinese_404(client, reference, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "页面未找到" in response.content.decode()


def test_public_feeds_are_cached_and_cleared_when_the_plan_changes(client, plan, django_capture_on_commit_callbacks):
    first = client.get("/calendar/all.ics")
    assert "max-age" in first["Cache-Control"]
    with django_capture_on_commit_callbacks(execute=False):
        added = entry("刚刚加入的活动", month(YEAR, 10), bodies=[BodyKind.OFFICE])
    assert uid(added) not in uids(parse(client.get("/calendar/all.ics")))  # served from the cache
    with django_capture_on_commit_callbacks(execute=True):
        added.save()  # committed: the cache is cleared
    assert uid(added) in uids(parse(client.get("/calendar/all.ics")))


def test_kept_event_text_follows_what_the_event_says(client, plan, reference):
    """Each event's serialised text is kept under a hash of its content (schedule/feeds.py), in a cache
    the page cache's clearing does not touch: a renamed sector or an edited entry shows at once, and the
    entries nobody changed come back the same."""
    sector_feed = f"/calendar/sector/{reference['education'].pk}.ics"
    before = parse(client.get(sector_feed))
    descriptions = {str(e["UID"]): str(e["DESCRIPTION"]) for e in before.walk("VEVENT")}
    assert "活动主体：教育界" in descriptions[uid(plan["education"])]

    reference["education"].name = "教育与科技界"
    reference["education"].save()
    edited = plan["health"]
    edited.content = "医药卫生界义诊（改期）"
    edited.save()
    public_cache.clear()  # what a committed change does to the page cache (schedule/signals.py)

    after = parse(client.get(sector_feed))
    descriptions = {str(e["UID"]): str(e["DESCRIPTION"]) for e in after.walk("VEVENT")}
    assert "活动主体：教育与科技界" in descriptions[uid(plan["education"])]
    summaries = {str(e["UID"]): str(e["SUMMARY"]) for e in parse(client.get("/calendar/all.ics")).walk("VEVENT")}
    assert summaries[uid(edited)] == "医药卫生界义诊（改期）"
    assert summaries[uid(plan["members"])] == "全体委员学习会"


# --- the private deadline feed


@pytest.fixture
def leaders(make_user, reference):
    today = timezone.localdate()
    FilingYear.objects.create(year=today.year, deadline=today + datetime.timedelta(days=20))
    return (
        make_user(roles.SECTOR_LEADER, sector=reference["education"]),
        make_user(roles.SECTOR_LEADER, sector=reference["health"]),
    )


def private_url(client, user):
    client.force_login(user)
    html = client.get("/calendar/my/").content.decode()
    found = re.search(r'value="http://127\.0\.0\.1:8000(/calendar/my/[^"]+\.ics)"', html)
    assert found, html
    client.logout()
    return found.group(1)


def test_private_feed_holds_the_accounts_own_deadlines(client, leaders):
    education, health = leaders
    url = private_url(client, education)
    response = client.get(url)
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]
    events = parse(response).walk("VEVENT")
    year = timezone.localdate().year
    assert [str(e["UID"]) for e in events] == [f"deadline-filing:{year}:sector:{education.profile.sector_id}@127.0.0.1"]
    assert "教育界" in str(events[0]["SUMMARY"])
    assert events[0].start == timezone.localdate() + datetime.timedelta(days=20)

    # Another account's feed never shows these deadlines.
    other = parse(client.get(private_url(client, health))).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in other] and all("教育界" not in str(e["SUMMARY"]) for e in other)


def test_regenerating_the_token_makes_the_old_address_404(client, leaders):
    education, _health = leaders
    old = private_url(client, education)
    assert client.get(old).status_code == 200

    client.force_login(education)
    response = client.post("/calendar/my/")
    assert response.status_code == 302 and response["Location"] == "/calendar/my/"
    client.logout()

    assert client.get(old).status_code == 404
    new = private_url(client, education)
    assert new != old and client.get(new).status_code == 200
    assert CalendarFeedToken.objects.filter(user=education).count() == 1


def test_private_feed_page_needs_a_login_and_unknown_tokens_404(client, leaders):
    response = client.get("/calendar/my/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    missing = client.get("/calendar/my/not-a-real-token.ics")
    assert missing.status_code == 404 and "页面未找到" in missing.content.decode()


def test_invited_count_on_page_uses_members(client, page, plan, reference):
    plan["health"].invited.add(MemberFactory(code="19001", name="周明", sector=reference["economy"]))
    assert "邀请委员 1 人" in month_section(client.get(f"/calendar/?year={YEAR}").content.decode(), "5月")
