"""三联系 on the front end (/forms/contacts/), as a 委员 and a 常委 use it: progress, 「记一次联系」,
edit and delete of their own entries until the half-year report is issued; nobody else's."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contacts import rules
from contacts.models import (
    ContactActivity,
    ContactTarget,
    HalfYearReport,
    Pairing,
    PairingKind,
    Source,
    TargetCategory,
    Way,
    half_of,
)
from contacts.views import NOT_A_MEMBER
from people import roles
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
HOME = reverse("contacts_home")
TODAY = timezone.localdate()


def pair(year, kind, from_member, to_member):
    pairing = Pairing.of(year, kind, from_member, to_member)
    pairing.save()
    return pairing


@pytest.fixture
def people(roles_synced, make_user, members, reference):
    """常委乙 looks after 王丽 and 李强 this year; an account each, and a 界别组长 without a member."""
    standing = MemberFactory(code="S001", name="常委乙", is_standing=True, sector=reference["education"])
    pair(TODAY.year, PairingKind.STANDING, standing, members["teacher"])
    pair(TODAY.year, PairingKind.STANDING, standing, members["doctor"])
    return {
        "standing": standing,
        "standing_user": make_user(roles.MEMBER, member=standing),
        "wang": make_user(roles.MEMBER, member=members["teacher"]),
        "li": make_user(roles.MEMBER, member=members["doctor"]),
        "leader": make_user(roles.SECTOR_LEADER, sector=reference["education"]),
    }


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def entry_data(**changes):
    data = {
        "date": TODAY.isoformat(),
        "way": Way.VISIT,
        "new_name": "红星机床厂",
        "new_category": TargetCategory.ENTERPRISE,
        "note": "了解企业用工情况",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def quota_tile(html, label):
    """The text of one quota tile on the page (its figure and whether it is met)."""
    start = html.index(f'data-quota="{label}"')
    return html[html.rindex("<li", 0, start) : html.index("</li>", start)]


def test_a_member_logs_edits_and_deletes_an_entry(people, members):
    wang = client_for(people["wang"])
    page = wang.get(HOME).content.decode()
    assert "<strong>0</strong>/4" in quota_tile(page, "联系活动")
    assert "还差 1" in quota_tile(page, "企事业单位")
    assert "我联系的委员" not in page and "联系我的常委" in page and "常委乙" in page

    response = wang.post(HOME, entry_data())
    assert response.status_code == 302
    activity = ContactActivity.objects.get()
    assert list(activity.makers.all()) == [members["teacher"]]
    assert activity.created_by == people["wang"] and activity.source == Source.MEMBER
    assert ContactTarget.objects.get().member == members["teacher"]
    page = wang.get(response["Location"]).content.decode()
    assert "已记录" in page
    assert "<strong>1</strong>/4" in quota_tile(page, "联系活动")
    enterprise = quota_tile(page, "企事业单位")
    assert "met" in enterprise and "已完成" in enterprise
    assert "红星机床厂（企事业单位）" in page and "了解企业用工情况" in page

    # Edit: the same form, filled in; the saved target is now a chip.
    edit = reverse("contact_edit", args=[activity.pk])
    form = wang.get(edit).content.decode()
    assert f'value="{TODAY.isoformat()}"' in form and "了解企业用工情况" in form
    assert 'value="visit" id="id_way_0" checked' in form or 'value="visit" checked' in form
    target = ContactTarget.objects.get()
    response = wang.post(
        edit,
        {"date": TODAY.isoformat(), "way": Way.PHONE, "targets": [target.pk], "note": "电话回访用工情况"},
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.way == Way.PHONE and activity.note == "电话回访用工情况"
    assert list(activity.targets.all()) == [target]

    # Delete: a confirm page, then POST; a second tab deleting it again gets a message, not a 500.
    delete = reverse("contact_delete", args=[activity.pk])
    assert "确认删除" in wang.get(delete).content.decode()
    assert ContactActivity.objects.filter(pk=activity.pk).exists(), "GET deletes nothing"
    assert wang.post(delete).status_code == 302
    assert not ContactActivity.objects.exists()
    again = wang.post(delete, follow=True)
    assert again.status_code == 200
    assert "这条联系记录已被删除" in again.content.decode()
    assert "<strong>0</strong>/4" in quota_tile(again.content.decode(), "联系活动")


def test_a_member_cannot_log_for_or_see_another_member(people, members):
    wang = client_for(people["wang"])
    wang.post(HOME, entry_data(note="王丽的私密备注"))
    activity = ContactActivity.objects.get()
    target = ContactTarget.objects.get()

    li = client_for(people["li"])
    page = li.get(HOME).content.decode()
    assert "红星机床厂" not in page and "王丽的私密备注" not in page
    for url in (reverse("contact_edit", args=[activity.pk]), reverse("contact_delete", args=[activity.pk])):
        assert li.get(url).status_code == 404
        assert li.post(url, entry_data(way=Way.PHONE)).status_code == 404
    activity.refresh_from_db()
    assert activity.way == Way.VISIT and ContactActivity.objects.count() == 1

    # Li cannot pick Wang's saved target, nor a member he is not paired with, nor name another maker.
    response = li.post(
        HOME,
        entry_data(new_name="", new_category="", targets=[target.pk], contacted=[members["banker"].pk])
        | {"makers": [members["teacher"].pk]},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "「联系对象」：只能选择您自己的联系对象" in html
    assert "「联系对象」：只能选择与您结对的委员" in html
    assert ContactActivity.objects.count() == 1

    li.post(HOME, entry_data(new_name="王女士", new_category=TargetCategory.PUBLIC, makers=members["teacher"].pk))
    mine = ContactActivity.objects.exclude(pk=activity.pk).get()
    assert list(mine.makers.all()) == [members["doctor"]], "an entry is always the account's own member's"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"date": (TODAY + datetime.timedelta(days=1)).isoformat()}, "「日期」：不能晚于今天"),
        ({"way": "letter"}, "「方式」：应为走访、电话、微信或座谈"),
        ({"way": None}, "「方式」：应为走访、电话、微信或座谈"),
        ({"note": "王女士，电话 139 1234 5678"}, "「备注」：请勿填写群众的手机号或身份证号"),
        ({"date": "2026-13-45"}, "「日期」：请填写正确的日期"),
        ({"new_name": "", "new_category": ""}, rules.WHOM_TEXT),
        ({"new_category": ""}, "「联系对象类别」：请为新的联系对象选择类别"),
        ({"date": "0001-01-01"}, f"「日期」：不能早于 {TODAY.year - 1} 年 1 月 1 日"),
        ({"targets": "99999999999999999999999"}, "「联系对象」：请重新选择"),
        ({"contacted": "99999999999999999999999"}, "「联系对象」：请重新选择"),
    ],
)
def test_bad_input_is_refused_with_the_issues_message_and_kept(people, changes, message):
    wang = client_for(people["wang"])
    data = entry_data(**changes)
    response = wang.post(HOME, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert not ContactActivity.objects.exists() and not ContactTarget.objects.exists()
    # Everything typed is still there.
    if data.get("new_name"):
        assert f'value="{data["new_name"]}"' in html
    assert data["note"] in html
    assert f'value="{data["date"]}"' in html


def test_every_problem_shows_at_once_beside_its_field(people):
    response = client_for(people["wang"]).post(
        HOME,
        entry_data(
            date=(TODAY + datetime.timedelta(days=3)).isoformat(), way="letter", note="身份证 110101199001011234"
        ),
    )
    html = response.content.decode()
    for message in (
        "「日期」：不能晚于今天",
        "「方式」：应为走访、电话、微信或座谈",
        "「备注」：请勿填写群众的手机号或身份证号",
    ):
        assert html.count(message) == 1
    # Each beside its own box: the date's before the 方式 buttons, the note's after the note box.
    assert html.index("「日期」：不能晚于今天") < html.index('name="way"') < html.index("「方式」：应为")
    assert html.index('name="note"') < html.index("「备注」：请勿")


def test_entries_lock_once_the_half_year_report_is_issued(people):
    wang = client_for(people["wang"])
    wang.post(HOME, entry_data())
    activity = ContactActivity.objects.get()
    HalfYearReport.objects.create(year=TODAY.year, half=half_of(TODAY), issued_at=timezone.now())
    locked = rules.locked_text(TODAY)

    page = wang.get(HOME).content.decode()
    assert reverse("contact_edit", args=[activity.pk]) not in page
    assert reverse("contact_delete", args=[activity.pk]) not in page
    assert "已锁定" in page and locked in page

    response = wang.get(reverse("contact_edit", args=[activity.pk]), follow=True)
    assert locked in response.content.decode()
    response = wang.post(reverse("contact_edit", args=[activity.pk]), entry_data(way=Way.PHONE), follow=True)
    assert locked in response.content.decode()
    response = wang.post(reverse("contact_delete", args=[activity.pk]), follow=True)
    assert locked in response.content.decode()
    activity.refresh_from_db()
    assert activity.way == Way.VISIT

    response = wang.post(HOME, entry_data(new_name="蓝天公司"))
    assert f"「日期」：{locked}" in response.content.decode()
    assert ContactActivity.objects.count() == 1


def test_an_account_without_a_member_is_refused_and_anonymous_must_log_in(people, client):
    response = client_for(people["leader"]).get(HOME)
    assert response.status_code == 403
    assert NOT_A_MEMBER in response.content.decode()
    assert client_for(people["leader"]).post(HOME, entry_data()).status_code == 403
    assert not ContactActivity.objects.exists()

    response = client.get(HOME)
    assert response.status_code == 302 and "login" in response["Location"]

    # Only accounts naming a member see the way in on the front-end home.
    assert HOME in client_for(people["wang"]).get(reverse("my_home")).content.decode()
    assert HOME not in client_for(people["leader"]).get(reverse("my_home")).content.decode()


def test_a_standing_member_flags_a_collective_forum_with_two_paired_members(people, members):
    standing = client_for(people["standing_user"])
    page = standing.get(HOME).content.decode()
    assert 'name="is_forum"' in page
    assert "我联系的委员" in page and "王丽" in page and "李强" in page
    assert 'name="is_forum"' not in client_for(people["wang"]).get(HOME).content.decode()

    one = {"date": TODAY.isoformat(), "way": Way.FORUM, "contacted": [members["teacher"].pk], "is_forum": "on"}
    html = standing.post(HOME, one).content.decode()
    assert "「集体座谈会」：应有至少两位该常委联系的委员参加" in html
    assert not ContactActivity.objects.exists()

    both = one | {"contacted": [members["teacher"].pk, members["doctor"].pk]}
    response = standing.post(HOME, both)
    assert response.status_code == 302
    forum = ContactActivity.objects.get()
    assert forum.is_forum and set(forum.contacted_members.all()) == {members["teacher"], members["doctor"]}
    page = standing.get(HOME).content.decode()
    label = "上半年集体座谈会" if half_of(TODAY) == 1 else "下半年集体座谈会"
    assert "已完成" in quota_tile(page, label)
    assert "集体座谈会</span>" in page


def test_an_office_entry_is_shown_but_not_changeable(people, members):
    """An entry a 工作室 imported for the member counts and shows, but only the office changes it."""
    entry = rules.Entry(date=TODAY, way=Way.WECHAT, makers=[members["teacher"]], targets=[("public", "张先生")])
    entry.source = Source.IMPORT
    activity = rules.save_entry(entry, None)
    wang = client_for(people["wang"])
    page = wang.get(HOME).content.decode()
    assert "张先生（社会群众）" in page and "导入" in page
    assert reverse("contact_edit", args=[activity.pk]) not in page
    assert wang.get(reverse("contact_edit", args=[activity.pk])).status_code == 404
    assert wang.post(reverse("contact_delete", args=[activity.pk])).status_code == 404
    assert ContactActivity.objects.filter(pk=activity.pk).exists()


def test_saving_twice_records_once_and_lands_on_the_message(people):
    wang = client_for(people["wang"])
    data = entry_data()
    first = wang.post(HOME, data)
    assert first.status_code == 302 and first["Location"].endswith("#messages")
    page = wang.get(first["Location"]).content.decode()
    assert 'id="messages"' in page and "已记录" in page
    again = wang.post(HOME, data)  # a double tap on 保存
    assert again.status_code == 200
    assert f"这条联系已经记过了：{TODAY:%Y-%m-%d} 走访" in again.content.decode()
    assert ContactActivity.objects.count() == 1
    # A second visit the same day, told apart by its note, is its own entry.
    assert wang.post(HOME, entry_data(note="下午再次走访，了解培训安排")).status_code == 302
    assert ContactActivity.objects.count() == 2


def test_an_office_account_is_pointed_to_the_admin(make_user, reference, roles_synced):
    office = make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"])
    response = client_for(office).get(HOME)
    page = response.content.decode()
    assert response.status_code == 403 and "这是工作室的账号" in page
    assert reverse("contacts_dashboard") in page
