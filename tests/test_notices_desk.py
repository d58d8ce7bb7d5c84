"""待我处理, the admin dashboard's panel, 我的工作台 (/my/) and the way in: each role's counts equal
the list each count links to; a front-end account lands on /my/ and sees who it is, what waits for
it, its 消息 and the latest 公告; the header never leaks through the anonymous page cache."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forms_app.activity_day import rules as stats
from forms_app.five_ones import rules as five_ones
from forms_app.founding import rules as founding
from forms_app.models import ActivityDay, ActivityReport, FiveOnesFiling, ReportingUnit, Stage, TableVariant
from intake import cases
from intake.models import CaseAssignment
from lianxin_site.accounts import ADMIN_IS_FOR_STAFF
from notices.models import EmailMode, Kind, NoticeIndexPage, NoticePage, Notification, Preference
from notices.my_forms import ACCOUNT_KINDS, BAD_CHOICE
from notices.my_views import NO_EMAIL
from notices.pending import pending_for
from notices.services import notify
from people import roles
from tests.intake_helpers import intake_people, new_case  # noqa: F401

from .content_helpers import publish
from .factories import SpecialCommitteeFactory
from .test_five_ones_route import file_for
from .test_workstation_application import apply, approve_until

pytestmark = pytest.mark.django_db
PASSWORD = "pw-lianxin-123"
TODAY = timezone.localdate()


def counts(user, source=None):
    """{label: (count, url)} of the user's 待我处理."""
    return {i.label: (i.count, i.url) for i in pending_for(user) if source is None or i.source == source}


def admin_list_count(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["result_count"]


# --- 五个一: 待接收, 待转交, 待存档


@pytest.fixture
def filing_people(make_user, reference):
    archive_committee = SpecialCommitteeFactory(name="文史和学习委员会", office="专委会工作六室")
    r = reference
    return {
        "edu_leader": make_user(roles.SECTOR_LEADER, sector=r["education"]),
        "health_leader": make_user(roles.SECTOR_LEADER, sector=r["health"]),
        "econ_leader": make_user(roles.SECTOR_LEADER, sector=r["economy"]),
        "party_leader": make_user(roles.SECTOR_LEADER, party=r["minmeng"]),
        "edu_office": make_user(roles.COMMITTEE_OFFICE, committee=r["edu_committee"]),
        "econ_office": make_user(roles.COMMITTEE_OFFICE, committee=r["econ_committee"]),
        "archive": make_user(roles.ARCHIVE_OFFICE, committee=archive_committee),
        "editor": make_user(roles.EDITOR),
    }


@pytest.fixture
def filings(filing_people, reference):
    p, r = filing_people, reference
    submitted = file_for(p["edu_leader"], sector=r["education"])
    received = file_for(p["health_leader"], sector=r["health"])
    five_ones.act(received.pk, p["edu_office"], five_ones.Action.RECEIVE)
    forwarded = file_for(p["econ_leader"], sector=r["economy"])
    five_ones.act(forwarded.pk, p["econ_office"], five_ones.Action.RECEIVE)
    five_ones.act(forwarded.pk, p["econ_office"], five_ones.Action.FORWARD)
    party = file_for(p["party_leader"], party=r["minmeng"])
    returned = file_for(p["edu_leader"], year=2025, sector=r["education"])
    five_ones.act(returned.pk, p["edu_office"], five_ones.Action.RETURN, "请补充活动安排。")
    archived = file_for(p["econ_leader"], year=2025, sector=r["economy"])
    for action in (five_ones.Action.RECEIVE, five_ones.Action.FORWARD):
        five_ones.act(archived.pk, p["econ_office"], action)
    five_ones.act(archived.pk, p["archive"], five_ones.Action.ARCHIVE)
    # Forwarded once, returned by 六室, filed again: 六室 still sees it, but the office acts first.
    again = file_for(p["health_leader"], year=2025, sector=r["health"])
    for action in (five_ones.Action.RECEIVE, five_ones.Action.FORWARD):
        five_ones.act(again.pk, p["edu_office"], action)
    five_ones.act(again.pk, p["archive"], five_ones.Action.RETURN, "缺少参加委员。")
    file_for(p["health_leader"], year=2025, sector=r["health"])
    return {"submitted": submitted, "received": received, "forwarded": forwarded, "party": party}


def test_each_office_is_told_which_filings_wait_for_it_and_the_count_is_its_list(client, filing_people, filings):
    p = filing_people
    assert {k: v[0] for k, v in counts(p["edu_office"], "five_ones").items()} == {"备案表待接收": 2, "备案表待转交": 1}
    assert {k: v[0] for k, v in counts(p["archive"], "five_ones").items()} == {"备案表待存档": 2}
    assert counts(p["econ_office"], "five_ones") == {}
    assert counts(p["editor"]) == {}
    for office in ("edu_office", "archive"):
        for label, (count, url) in counts(p[office], "five_ones").items():
            assert admin_list_count(client, p[office], url) == count, (office, label)


def test_the_bulk_rule_agrees_with_allowed_actions_for_every_filing_and_office(filing_people, filings):
    everyone = list(filing_people.values())
    all_filings = list(FiveOnesFiling.objects.select_related("sector__contact_committee"))
    assert {f.status for f in all_filings} >= {"submitted", "received", "forwarded", "returned", "archived"}
    for user in everyone:
        for action in five_ones.AWAITING:
            by_rule = {f.pk for f in all_filings if action in five_ones.allowed_actions(user, f)}
            assert set(five_ones.filings_awaiting(user, action).values_list("pk", flat=True)) == by_rule


def test_a_leader_is_told_of_a_returned_filing_and_led_to_file_it_again(client, filing_people, filings):
    leader = filing_people["edu_leader"]
    items = [i for i in pending_for(leader) if i.source == "returned"]
    assert [(i.label, i.url) for i in items] == [
        ("2025 年备案表已退回，请修改后重新提交", f"{reverse('five_ones_wizard')}?year=2025")
    ]
    client.force_login(leader)
    page = client.get(reverse("my_home")).content.decode()
    assert "2025 年备案表已退回，请修改后重新提交" in page
    assert client.get(items[0].url).status_code == 200


# --- 工作室申请: 待签署, with the days waited


@pytest.fixture
def application_people(make_user, members, reference):
    r, m = reference, members
    return {
        "applicant": make_user(roles.MEMBER, member=m["teacher"]),
        "edu_office": make_user(roles.COMMITTEE_OFFICE, committee=r["edu_committee"]),
        "econ_office": make_user(roles.COMMITTEE_OFFICE, committee=r["econ_committee"]),
        "liaison": make_user(roles.LIAISON_OFFICE),
        "secretary": make_user(roles.SECRETARY_GENERAL),
        "vicechair": make_user(roles.VICE_CHAIR),
        "chairs": make_user(roles.CHAIRS_MEETING),
    }


def test_each_box_holder_sees_its_applications_to_sign_and_the_longest_wait(
    client, application_people, members, reference
):
    p = application_people
    first = apply(p, members, reference, name="东四教育委员工作室")
    type(first).objects.filter(pk=first.pk).update(waiting_since=timezone.now() - datetime.timedelta(days=12))
    apply(p, members, reference, name="和平里教育委员工作室")
    at_liaison = approve_until(apply(p, members, reference, name="景山教育委员工作室"), p, Stage.LIAISON_OFFICE)
    approve_until(apply(p, members, reference, name="交道口教育委员工作室"), p, Stage.SECRETARY_GENERAL)
    returned = apply(p, members, reference, name="北新桥教育委员工作室")
    founding.sign(returned.pk, p["edu_office"], Stage.COMMITTEE_OFFICE, "return", "请写明场地。")

    expected = {"edu_office": 2, "liaison": 1, "secretary": 1, "econ_office": 0, "vicechair": 0, "chairs": 0}
    for role, count in expected.items():
        user = p[role]
        items = [i for i in pending_for(user) if i.source == "founding"]
        by_rule = [a for a in founding.applications_visible_to(user) if founding.can_sign(user, a)]
        assert len(by_rule) == count, role
        if not count:
            assert items == [], role
            continue
        (item,) = items
        assert item.count == count
        assert admin_list_count(client, user, item.url) == count, role
    (office_item,) = [i for i in pending_for(p["edu_office"]) if i.source == "founding"]
    assert office_item.note == "最长已等待 12 天"
    assert at_liaison.stage == Stage.LIAISON_OFFICE

    # The applicant sees the returned one on /my/, with the way to resubmit it.
    client.force_login(p["applicant"])
    page = client.get(reverse("my_home")).content.decode()
    assert "工作室申请“北新桥教育委员工作室”已退回，请修改后重新提交" in page
    assert f"?application={returned.pk}" in page


# --- 委员活动日: 未报


def test_a_unit_is_told_what_it_has_not_reported_and_the_office_which_units_are_missing(client, make_user, reference):
    reporter = make_user(roles.UNIT_REPORTER)
    liaison = make_user(roles.LIAISON_OFFICE)
    units = [ReportingUnit.objects.create(name=f"街道活动小组{i}", variant=TableVariant.CPPCC) for i in range(3)]
    units[0].reporters.add(reporter)
    units[1].reporters.add(reporter)
    open_day = ActivityDay.objects.create(
        name="冬季委员活动日",
        theme="委员在行动",
        date=TODAY,
        upload_deadline=TODAY,
        deadline=TODAY + datetime.timedelta(days=5),
    )
    open_day.units.set(units)
    closed_day = ActivityDay.objects.create(
        name="秋季委员活动日",
        theme="委员在行动",
        date=TODAY - datetime.timedelta(days=30),
        upload_deadline=TODAY - datetime.timedelta(days=29),
        deadline=TODAY - datetime.timedelta(days=20),
    )
    closed_day.units.set(units)
    ActivityReport.objects.create(
        day=open_day, unit=units[0], reported_on=TODAY, **dict.fromkeys(stats.COUNT_FIELDS, 0)
    )

    (item,) = [i for i in pending_for(reporter) if i.source == "activity_day"]
    client.force_login(reporter)
    listed = client.get(item.url).context["days"]
    not_reported = [u for d in listed if d["open"] for u, report in d["units"] if report is None]
    assert item.count == len(not_reported) == 1

    (office_item,) = [i for i in pending_for(liaison) if i.source == "activity_day"]
    assert office_item.count == len(stats.roll_up(open_day)["missing"]) == 2
    assert office_item.url == reverse("activity_day_rollup", args=[open_day.pk])


# --- 诉求件: 待分办, 待办理, 逾期


def test_case_counts_equal_the_lists_of_the_office_and_of_the_holder(client, intake_people, monkeypatch):
    p = intake_people
    long_ago = timezone.now() - datetime.timedelta(days=40)
    new_case(now=long_ago, subject="早已登记")  # 待分办 and 逾期
    new_case(subject="刚登记")
    teacher_member = p["teacher"].profile.member
    given, _ = new_case(subject="交给王丽")
    cases.assign(given, p["office"], member=teacher_member)
    accepted, _ = new_case(subject="王丽办理中")
    cases.assign(accepted, p["office"], member=teacher_member)
    cases.accept(accepted, p["teacher"])
    late, _ = new_case(now=long_ago, subject="王丽逾期未接收")
    cases.assign(late, p["office"], member=teacher_member, now=long_ago)
    to_office, _ = new_case(subject="交给教科文卫体委")
    cases.assign(
        to_office, p["office"], office=CaseAssignment.Office.COMMITTEE, committee=p["edu_office"].profile.committee
    )

    office = counts(p["office"], "intake")
    assert office["诉求件待分办"][0] == 2
    assert admin_list_count(client, p["office"], office["诉求件待分办"][1]) == 2
    client.force_login(p["office"])
    overdue_page = client.get(office["诉求件逾期"][1]).context["page"]
    assert office["诉求件逾期"][0] == overdue_page.paginator.count == 2

    teacher = counts(p["teacher"], "intake")
    client.force_login(p["teacher"])
    home = client.get(teacher["诉求件待办理"][1]).context
    groups = {key: rows for key, _label, rows in home["groups"]}
    assert teacher["诉求件待办理"][0] == len(groups["incoming"]) + len(groups["handling"]) == 3
    assert teacher["诉求件逾期"][0] == home["late_count"] == 1

    assert counts(p["edu_office"], "intake")["诉求件待办理"][0] == 1
    assert "诉求件待分办" not in counts(p["liaison"], "intake")


# --- the dashboard panel


def test_every_staff_role_sees_its_pending_panel_on_the_dashboard_instead_of_image_counts(
    client, filing_people, filings
):
    office = filing_people["edu_office"]
    notify([office], Kind.FILING, "教育界提交了备案表")
    client.force_login(office)
    page = client.get("/admin/").content.decode()
    assert "待我处理" in page and "备案表待接收" in page and "未读消息 1 条" in page
    assert f'href="{reverse("forms_app_fiveonesfiling_modeladmin_index")}?awaiting=receive"' in page
    assert "张图片" not in page and "个文档" not in page

    client.force_login(filing_people["editor"])
    editor_page = client.get("/admin/").content.decode()
    assert "目前没有等待你处理的事项" in editor_page
    assert "个页面" in editor_page or "页面" in editor_page


# --- 我的工作台


@pytest.fixture
def notice_board():
    from content.models import HomePage

    index = publish(HomePage.objects.get(), NoticeIndexPage(title="通知公告", slug="notices"))
    return publish(
        index,
        NoticePage(
            title="关于开展2026年委员基层日活动的通知", slug="jicengri", date=TODAY, body="<p>请各界别做好准备。</p>"
        ),
    )


def test_a_member_lands_on_my_desk_and_sees_who_they_are_their_returned_application_and_a_notice(
    application_people, members, reference, notice_board
):
    p = application_people
    applicant = p["applicant"]
    returned = apply(p, members, reference, name="北新桥教育委员工作室")
    founding.sign(returned.pk, p["edu_office"], Stage.COMMITTEE_OFFICE, "return", "请写明场地。")
    notify(
        [applicant],
        Kind.APPLICATION,
        "你的工作室申请被退回",
        link=reverse("workstation_application_detail", args=[returned.pk]),
    )
    client = Client()
    response = client.post("/login/", {"username": applicant.username, "password": PASSWORD})
    assert response["Location"] == "/my/"
    page = client.get("/my/").content.decode()
    assert "王丽" in page and roles.MEMBER in page and "账号归属：委员：王丽" in page
    assert "已退回，请修改后重新提交" in page
    assert "你的工作室申请被退回" in page
    assert "关于开展2026年委员基层日活动的通知" in page
    assert "已登录：" in page and "我的工作台" in page and 'action="/logout/"' in page

    # 退出 is a POST; a GET does not log out.
    client.get("/logout/")
    assert client.get("/my/").status_code == 200
    client.post("/logout/")
    assert client.get("/my/")["Location"] == "/login/?next=/my/"


def test_my_desk_names_the_accounts_sector_and_keeps_every_link_the_forms_home_offered(client, make_user, reference):
    leader = make_user(roles.SECTOR_LEADER, sector=reference["education"])
    client.force_login(leader)
    assert client.get("/forms/")["Location"] == "/my/"
    page = client.get("/my/").content.decode()
    assert "账号归属：界别：教育界" in page
    assert f'href="{reverse("five_ones_wizard")}?year=' in page
    assert "我的表格" in page


def test_opening_a_notice_marks_it_read_and_follows_its_link_only_for_its_recipient(client, make_user, reference):
    owner = make_user(roles.MEMBER)
    other = make_user(roles.MEMBER)
    (mine,) = notify([owner], Kind.CASE, "新的诉求件", link="/forms/cases/")
    notify([owner], Kind.REMINDER, "截止提醒", link="https://evil.example/")
    client.force_login(other)
    assert client.get(reverse("my_notice_open", args=[mine.pk])).status_code == 404
    client.force_login(owner)
    assert client.get(reverse("my_notice_open", args=[mine.pk]))["Location"] == "/forms/cases/"
    mine.refresh_from_db()
    assert mine.read
    evil = Notification.objects.get(title="截止提醒")
    assert client.get(reverse("my_notice_open", args=[evil.pk]))["Location"] == reverse("my_notices")
    notify([owner], Kind.CASE, "另一件")
    assert client.get(reverse("my_notices_read_all")).status_code == 405
    client.post(reverse("my_notices_read_all"))
    assert not Notification.objects.filter(recipient=owner, read_at__isnull=True).exists()
    listing = client.get(reverse("my_notices")).content.decode()
    assert "新的诉求件" in listing and "未读 0 条" in listing


def test_the_notices_list_is_paginated(client, make_user):
    owner = make_user(roles.MEMBER)
    for i in range(30):
        notify([owner], Kind.CASE, f"消息{i:02d}")
    client.force_login(owner)
    first = client.get(reverse("my_notices")).content.decode()
    assert "第 1 / 2 页" in first and "消息29" in first and "消息00" not in first
    assert "消息00" in client.get(reverse("my_notices") + "?page=2").content.decode()


def test_preferences_save_and_refuse_a_bad_choice_keeping_the_rest(client, make_user):
    user = make_user(roles.MEMBER)
    user.email = "wangli@example.com"
    user.save()
    client.force_login(user)
    url = reverse("my_notice_settings")
    assert NO_EMAIL not in client.get(url).content.decode()
    data = {kind.value: EmailMode.INSTANT for kind in ACCOUNT_KINDS}
    data[Kind.CASE] = EmailMode.DIGEST
    data[Kind.REMINDER] = EmailMode.NONE
    assert client.post(url, data)["Location"] == url
    assert dict(Preference.objects.filter(user=user).values_list("kind", "mode"))[Kind.CASE] == EmailMode.DIGEST

    bad = {**data, Kind.CASE: "sometimes", Kind.FILING: EmailMode.NONE}
    response = client.post(url, bad)
    assert response.status_code == 200
    page = response.content.decode()
    assert BAD_CHOICE in page
    assert f'name="{Kind.FILING}" value="{EmailMode.NONE}"' in page and "checked" in page
    saved = dict(Preference.objects.filter(user=user).values_list("kind", "mode"))
    assert saved[Kind.CASE] == EmailMode.DIGEST and saved[Kind.FILING] == EmailMode.INSTANT, "nothing written"
    assert Kind.REPLY not in response.context["form"].fields


def test_an_account_without_email_is_told_it_gets_in_app_notices_only(client, make_user):
    user = make_user(roles.UNIT_REPORTER)
    client.force_login(user)
    assert NO_EMAIL in client.get(reverse("my_notice_settings")).content.decode()


# --- the way in


def test_a_front_end_account_opening_the_admin_is_sent_to_my_desk_with_a_word_of_why(client, make_user, reference):
    leader = make_user(roles.SECTOR_LEADER, sector=reference["education"])
    client.force_login(leader)
    landing = client.get("/admin/", follow=True)
    assert landing.redirect_chain[-1][0] == "/my/"
    text = landing.content.decode()
    assert ADMIN_IS_FOR_STAFF in text and "您没有权限" not in text


def test_staff_at_the_front_end_login_go_to_the_admin(make_user):
    office = make_user(roles.DISTRICT_OFFICE)
    client = Client()
    assert client.post("/login/", {"username": office.username, "password": PASSWORD})["Location"] == "/admin/"
    assert client.get("/login/")["Location"] == "/admin/", "already logged in"


def test_the_logged_in_header_is_never_served_from_the_anonymous_cache(site, make_user):
    member = make_user(roles.MEMBER)
    member.first_name = "王丽"
    member.save()
    anonymous = Client()
    assert "已登录" not in anonymous.get("/").content.decode()
    logged_in = Client()
    logged_in.force_login(member)
    page = logged_in.get("/").content.decode()
    assert "已登录：王丽" in page and 'href="/my/">我的工作台</a>' in page
    for _ in range(2):
        again = anonymous.get("/").content.decode()
        assert "已登录" not in again and "王丽</span>" not in again
    from lianxin_site.cache import public_cache

    public_cache.clear()
    logged_in.get("/")  # a logged-in visitor first: nothing stored for the anonymous
    fresh = Client().get("/").content.decode()
    assert "已登录" not in fresh and 'href="/login/"' in fresh
