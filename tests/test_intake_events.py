"""请群众走进政协: the cached event page links to the sign-up; a citizen signs up with the real
CAPTCHA and keeps 报名号 + 查询码; late sign-ups are refused; 区政协办公室 selects in the admin and
publishes events under the index; the citizen reads the result."""

import datetime
import io
import re

import openpyxl
import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from content.models import HomePage
from intake import events, public
from intake.models import EventIndexPage, EventPage, SignUp, Submission
from intake.rules import IntakeError, NotYours
from people import roles
from tests.content_helpers import publish
from tests.intake_helpers import CITIZEN, captcha_answer, intake_people  # noqa: F401

pytestmark = pytest.mark.django_db

TOPIC = "希望在老旧小区加装电梯的协商中听听老人的意见。"


def event_index():
    return EventIndexPage.objects.first() or publish(
        HomePage.objects.get(), EventIndexPage(title="请群众走进政协", slug="events")
    )


def make_event(deadline_in=datetime.timedelta(days=7), places=2, sectors=(), live=True, **fields):
    now = timezone.now()
    page = EventPage(
        title=fields.pop("title", "老旧小区改造专题协商会"),
        slug=f"e-{EventPage.objects.count() + 1}",
        kind=fields.pop("kind", "thematic"),
        start=now + deadline_in + datetime.timedelta(days=3),
        place="区政协三楼第一会议室",
        places=places,
        deadline=now + deadline_in,
        body="<p>围绕老旧小区改造听取群众意见。</p>",
        **fields,
    )
    page.sectors = list(sectors)
    index = event_index()
    if live:
        return publish(index, page)
    page.live = False
    index.add_child(instance=page)
    return page


def form_data(html, **overrides):
    return {
        "name": CITIZEN["name"],
        "phone": CITIZEN["phone"],
        "sector_or_job": "退休教师",
        "topic": TOPIC,
        "consent": "on",
        **captcha_answer(html),
        **overrides,
    }


def signup_url(event):
    return reverse("event_signup", args=[event.pk])


def citizen_request(ip="203.0.113.9"):
    return RequestFactory().post("/", REMOTE_ADDR=ip)


def text(response):
    return response.content.decode()


# --- the cached page


def test_the_event_page_shows_the_facts_and_only_links_to_the_sign_up(client, reference):
    event = make_event(sectors=[reference["education"], reference["health"]])
    page = text(client.get(event.url))
    assert "专题协商会议" in page and "区政协三楼第一会议室" in page and "2 人" in page
    assert "围绕老旧小区改造" in page
    assert "教育界" in page and "医药卫生界" in page and "面向全体群众" not in page
    assert f'href="{signup_url(event)}"' in page and "我要报名" in page
    assert '<form method="post"' not in page and "captcha" not in page.lower() and "csrfmiddlewaretoken" not in page

    open_to_all = make_event(title="部门评议会", kind="review")
    assert "面向全体群众" in text(client.get(open_to_all.url))
    index = text(client.get(event_index().url))
    assert "老旧小区改造专题协商会" in index and "部门评议会" in index


def test_after_the_deadline_the_page_says_closed_and_has_no_link(client):
    event = make_event(deadline_in=-datetime.timedelta(hours=1))
    page = text(client.get(event.url))
    assert "报名已截止" in page and signup_url(event) not in page and "我要报名" not in page


# --- signing up


def test_a_citizen_signs_up_and_keeps_the_number_and_code_shown_once(client):
    event = make_event()
    form = client.get(signup_url(event))
    assert form.status_code == 200 and "no-cache" in form["Cache-Control"]
    assert "个人信息处理说明" in text(form)
    response = client.post(signup_url(event), form_data(form.content))
    assert response.status_code == 302
    receipt = client.get(response["Location"])
    page = text(receipt)
    number = re.search(r'class="number">([^<]+)<', page).group(1)
    code = re.search(r'class="code">([^<]+)<', page).group(1)
    assert re.fullmatch(r"B\d{4}-000001", number) and len(code) == 6
    assert "打印回执" in page

    signup = SignUp.objects.get()
    assert signup.number == number and signup.event_id == event.pk and signup.name == CITIZEN["name"]
    assert signup.topic == TOPIC and signup.status == SignUp.Status.PENDING and signup.consent_at
    assert code not in signup.code_hmac and public.code_matches(signup.code_hmac, number, code.lower())
    assert Submission.objects.filter(kind="signup").count() == 1
    assert str(signup) == number

    again = text(client.get(response["Location"]))
    assert code not in again and "已经显示过" in again


def test_a_wrong_captcha_keeps_the_fields_and_writes_nothing(client):
    event = make_event()
    form = client.get(signup_url(event))
    data = form_data(form.content, captcha_1="wrong!")
    response = client.post(signup_url(event), data)
    page = text(response)
    assert response.status_code == 200 and public.CAPTCHA_WRONG in page
    assert CITIZEN["name"] in page and CITIZEN["phone"] in page and TOPIC in page and "退休教师" in page
    assert captcha_answer(page)["captcha_0"] != data["captcha_0"]
    assert not SignUp.objects.exists() and not Submission.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"consent": ""}, public.CONSENT_REQUIRED),
        ({"phone": "12345"}, public.PHONE_WRONG),
        ({"topic": "长" * 501}, "最多 500 字（现为 501 字）"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_nothing_is_written(client, overrides, message):
    event = make_event()
    form = client.get(signup_url(event))
    response = client.post(signup_url(event), form_data(form.content, **overrides))
    page = text(response)
    assert response.status_code == 200 and message in page and "退休教师" in page
    assert not SignUp.objects.exists() and not Submission.objects.exists()


def test_a_late_sign_up_is_refused_at_the_form_and_nothing_is_written(client):
    event = make_event()
    form = client.get(signup_url(event))
    EventPage.objects.filter(pk=event.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    response = client.post(signup_url(event), form_data(form.content))
    assert response.status_code == 200 and "报名已截止" in text(response)
    assert '<form method="post"' not in text(response)
    assert not SignUp.objects.exists() and not Submission.objects.exists()

    # The step itself checks the deadline again under the lock, whatever the view saw.
    late = event.deadline + datetime.timedelta(seconds=1)
    with pytest.raises(IntakeError, match="报名已截止"):
        events.sign_up(citizen_request(), event, name="张三", phone="13800000000", sector_or_job="个体", now=late)
    assert not SignUp.objects.exists() and not Submission.objects.exists()


def test_an_unpublished_or_unknown_event_is_not_found(client):
    draft = make_event(live=False)
    assert client.get(signup_url(draft)).status_code == 404
    assert client.get("/events/99999999999999999999/signup/").status_code == 404
    assert client.get("/events/abc/signup/").status_code == 404


def test_the_sixth_sign_up_in_an_hour_from_one_address_is_throttled(client):
    event = make_event()
    for n in range(public.PER_HOUR):
        events.sign_up(citizen_request("127.0.0.1"), event, name=f"群众{n}", phone="13800000000", sector_or_job="个体")
    form = client.get(signup_url(event))
    response = client.post(signup_url(event), form_data(form.content))
    assert response.status_code == 429 and public.THROTTLED in text(response)
    assert SignUp.objects.count() == public.PER_HOUR


# --- the result


def lookup(client, number, code):
    return client.post(reverse("event_result"), {"number": number, "code": code})


def test_the_citizen_reads_pending_then_selected_with_time_and_place(client, intake_people):
    event = make_event()
    signup, code = events.sign_up(citizen_request(), event, name="张三", phone="13800000000", sector_or_job="个体")
    response = lookup(client, signup.number, code.lower())
    page = text(response)
    assert "no-cache" in response["Cache-Control"]
    assert "待确定" in page and event.title in page and "区政协三楼第一会议室" not in page

    events.decide(intake_people["office"], event, [signup.pk], selected=True)
    page = text(lookup(client, signup.number, code))
    assert "已入选" in page and "区政协三楼第一会议室" in page
    assert timezone.localtime(event.start).strftime("%Y年%-m月%-d日 %H:%M") in page

    events.decide(intake_people["office"], event, [signup.pk], selected=False)
    page = text(lookup(client, signup.number, code))
    assert "未入选" in page and "区政协三楼第一会议室" not in page
    assert not Submission.objects.filter(kind="lookup").exists()


def test_a_wrong_code_and_a_missing_number_read_the_same_message_and_count(client):
    event = make_event()
    signup, code = events.sign_up(citizen_request(), event, name="张三", phone="13800000000", sector_or_job="个体")
    wrong_code = text(lookup(client, signup.number, "AAAAAA" if code != "AAAAAA" else "BBBBBB"))
    missing = text(lookup(client, "B2026-999999", code))

    def error(page):
        return re.search(r'<div class="error" role="alert">(.*?)</div>', page, re.S).group(1)

    assert public.LOOKUP_WRONG in wrong_code and error(wrong_code) == error(missing)
    assert "待确定" not in wrong_code and event.title not in wrong_code
    assert Submission.objects.filter(kind="lookup").count() == 2


# --- the admin


def test_the_office_sees_the_sign_ups_and_selects_with_a_warning_beyond_the_places(client, login, intake_people):
    office = intake_people["office"]
    event = make_event(places=1)
    first, _ = events.sign_up(citizen_request(), event, name="欧阳娜娜", phone="13987654321", sector_or_job="教师")
    second, _ = events.sign_up(citizen_request(), event, name="司马光", phone="13911112222", sector_or_job="医生")
    login(office)
    assert reverse("intake_events") in text(client.get("/admin/"))  # the menu entry
    listing = text(client.get(reverse("intake_events")))
    assert event.title in listing and reverse("intake_event_signups", args=[event.pk]) in listing
    url = reverse("intake_event_signups", args=[event.pk])
    page = text(client.get(url))
    assert "欧阳娜娜" in page and "13987654321" in page and "司马光" in page
    assert "已入选 0 人 / 名额 1 人" in page

    response = client.post(url, {"action": "select", "signup": [first.pk]}, follow=True)
    page = text(response)
    assert "已将 1 人标记为已入选" in page and "超出名额" not in page
    first.refresh_from_db()
    assert first.status == SignUp.Status.SELECTED and first.decided_by == office and first.decided_at

    page = text(client.post(url, {"action": "select", "signup": [second.pk]}, follow=True))
    assert "超出名额" in page and "不阻止" in page and "已入选 2 人 / 名额 1 人" in page
    second.refresh_from_db()
    assert second.status == SignUp.Status.SELECTED

    client.post(url, {"action": "not_select", "signup": [second.pk]})
    second.refresh_from_db()
    assert second.status == SignUp.Status.NOT_SELECTED
    client.post(url, {"action": "reset", "signup": [first.pk, second.pk]})
    assert set(SignUp.objects.values_list("status", flat=True)) == {SignUp.Status.PENDING}

    export = client.get(reverse("intake_event_signups_xlsx", args=[event.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("报名号", "姓名", "电话") and len(rows) == 3
    assert rows[1][:3] == (first.number, "欧阳娜娜", "13987654321") and rows[1][-1] == "待确定"


@pytest.mark.parametrize("who", ["editor", "teacher", "research"])
def test_editors_members_and_research_may_not_select(client, login, intake_people, who):
    user = intake_people[who]
    event = make_event()
    signup, _ = events.sign_up(citizen_request(), event, name="欧阳娜娜", phone="13987654321", sector_or_job="教师")
    login(user)
    url = reverse("intake_event_signups", args=[event.pk])
    # 403 in the admin; a member without admin access is sent to the front end's 我的表格.
    page = client.get(url)
    assert page.status_code in (302, 403) and "欧阳娜娜" not in text(page)
    assert client.get(reverse("intake_events")).status_code in (302, 403)
    assert client.post(url, {"action": "select", "signup": [signup.pk]}).status_code in (302, 403)
    export = client.get(reverse("intake_event_signups_xlsx", args=[event.pk]))
    assert export.status_code in (302, 403) and b"13987654321" not in export.content
    if who == "editor":
        assert reverse("intake_events") not in text(client.get("/admin/"))
        assert page.status_code == 403 and "区政协办公室确定" in text(page)
    with pytest.raises(NotYours):
        events.decide(user, event, [signup.pk], selected=True)
    signup.refresh_from_db()
    assert signup.status == SignUp.Status.PENDING and signup.decided_by is None


def test_the_office_publishes_an_event_under_the_index_and_nowhere_else(client, login, intake_people):
    office = intake_people["office"]
    index = event_index()
    roles.sync_roles()
    home = HomePage.objects.get()
    perms = index.permissions_for_user(office)
    assert perms.can_add_subpage() and perms.can_publish_subpage()
    assert not home.permissions_for_user(office).can_add_subpage()
    assert not index.permissions_for_user(intake_people["editor"]).can_publish_subpage()

    login(office)
    add_url = reverse("wagtailadmin_pages:add", args=["intake", "eventpage", index.pk])
    assert client.get(add_url).status_code == 200
    start = timezone.localtime() + datetime.timedelta(days=20)
    deadline = start - datetime.timedelta(days=5)
    response = client.post(
        add_url,
        {
            "title": "提案线索征集座谈会",
            "slug": "leads-forum",
            "kind": "leads",
            "start": start.strftime("%Y-%m-%d %H:%M"),
            "place": "区政协二楼会议室",
            "places": "10",
            "deadline": deadline.strftime("%Y-%m-%d %H:%M"),
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = EventPage.objects.get(slug="leads-forum")
    assert event.live and event.get_parent().pk == index.pk
    assert client.get(reverse("wagtailadmin_pages:add", args=["intake", "eventindexpage", home.pk])).status_code in (
        302,
        403,
    )


def test_a_new_index_gives_the_office_its_permissions_without_a_sync(intake_people):
    index = event_index()
    assert index.permissions_for_user(intake_people["office"]).can_add_subpage()
