"""A citizen's name and phone (issue 17 item 9) appear in no /api/v2/ answer, no /search/ result,
not in /stories/feed/, no public page, no log record and not in the 500 mail: a case registered
through intake.cases and a booking, a visit and a sign-up at public pages, then every public
channel read for 「欧阳娜娜」 and 13987654321."""

import datetime
import json
import logging

import pytest
from django import forms
from django.core import mail
from django.http import HttpResponse
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.test import Client
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from content.models import HomePage
from intake import cases
from intake.models import Booking, Case, Channel, EventIndexPage, EventPage, ReceptionDay, SignUp, Visit
from intake.public import PhoneField, code_hmac, token_hash
from tests.content_helpers import publish
from tests.intake_helpers import CITIZEN, captcha_answer, intake_people  # noqa: F401

pytestmark = pytest.mark.django_db

NAME = CITIZEN["name"]  # 欧阳娜娜
PHONE = CITIZEN["phone"]  # 13987654321
SECRETS = (NAME, PHONE, CITIZEN["email"])


def leaked(text):
    return [secret for secret in SECRETS if secret in text]


@pytest.fixture
def citizen(intake_people, site):
    """The citizen's case (written to the education station), a booking and a visit at its
    coming 接待日, and a sign-up for a published event."""
    p = intake_people
    station = p["edu_station"]
    case, _code = cases.register(
        channel=Channel.MAILBOX,
        name=NAME,
        phone=PHONE,
        email=CITIZEN["email"],
        address=CITIZEN["address"],
        subject="学校门口早高峰拥堵",
        content="学校门口早高峰车辆乱停，孩子过马路不安全。",
        station=station,
    )
    cases.assign(case, p["office"], station=station)
    day = ReceptionDay.objects.create(
        station=station,
        date=timezone.localdate() + datetime.timedelta(days=7),
        start=datetime.time(9),
        end=datetime.time(11),
        place="工作室接待室",
    )
    day.on_duty.set([p["teacher"].profile.member])
    booking = Booking.objects.create(
        day=day,
        slot=datetime.time(9),
        number="Y2026-000001",
        name=NAME,
        phone=PHONE,
        topic="学校门口交通",
        consent_at=timezone.now(),
        cancel_token_hash=token_hash("token"),
    )
    Visit.objects.create(day=day, booking=booking, name=NAME, phone=PHONE, matter="学校门口交通", at=timezone.now())
    index = publish(HomePage.objects.get(), EventIndexPage(title="请群众走进政协", slug="events"))
    event = publish(
        index,
        EventPage(
            title="教育界主题协商座谈",
            slug="forum",
            kind="forum",
            start=timezone.now() + datetime.timedelta(days=20),
            place="区政协三层会议室",
            places=10,
            deadline=timezone.now() + datetime.timedelta(days=10),
            body="<p>欢迎关心教育的群众报名。</p>",
        ),
    )
    SignUp.objects.create(
        event=event,
        number="B2026-000001",
        name=NAME,
        phone=PHONE,
        sector_or_job="教师",
        topic="课后服务",
        consent_at=timezone.now(),
        code_hmac=code_hmac("B2026-000001", "ABCDEF"),
    )
    return {"station": station, "event": event, "index": index, "day": day, "case": case, "site": site}


def test_no_api_answer_carries_the_citizen(citizen):
    anonymous = Client()
    station, event = citizen["station"], citizen["event"]
    answers = []
    for params in (
        {"type": "content.WorkstationPage", "fields": "*"},
        {"type": "intake.EventPage", "fields": "*"},
        {"type": "intake.EventIndexPage", "fields": "*"},
        {"fields": "*", "limit": 20},
        {"search": NAME},
        {"search": PHONE},
    ):
        response = anonymous.get("/api/v2/pages/", params)
        assert response.status_code == 200, params
        answers.append(response.json())
    detail = anonymous.get(f"/api/v2/pages/{station.pk}/").json()
    answers += [detail, anonymous.get(f"/api/v2/pages/{event.pk}/").json()]
    # The right things were read: the station's 接待日 is there, the event's place too.
    assert detail["reception_days"] and detail["reception_days"][0]["place"] == "工作室接待室"
    assert "区政协三层会议室" in json.dumps(answers, ensure_ascii=False)
    assert not leaked(json.dumps(answers, ensure_ascii=False))


def test_search_finds_no_citizen(citizen):
    anonymous = Client()
    control = anonymous.get("/search/", {"q": "教育界委员工作室"})
    assert control.context["page_obj"].paginator.count >= 1, "search works: the station is found"
    for query in (NAME, PHONE, "欧阳"):
        response = anonymous.get("/search/", {"q": query})
        assert response.status_code == 200
        assert response.context["page_obj"].paginator.count == 0, query
        assert not leaked(response.content.decode().replace(query, "")), query


def test_no_public_page_or_feed_shows_the_citizen(citizen):
    anonymous = Client()
    site = citizen["site"]
    urls = [
        "/",
        site["stories"].url + "feed/",
        "/sitemap.xml",
        citizen["station"].url,
    ]
    if templates_exist("intake/event_index_page.html", "intake/event_page.html"):  # the events part's
        urls += [citizen["index"].url, citizen["event"].url]
    feed = anonymous.get(urls[1])
    assert feed.status_code == 200 and "王丽" in feed.content.decode(), "the feed lists the stories"
    station_page = anonymous.get(citizen["station"].url).content.decode()
    assert "教育界委员工作室" in station_page, "the station page was read"
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 200, url
        assert not leaked(response.content.decode()), url


def templates_exist(*names):
    try:
        for name in names:
            get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def formatted(records):
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) + repr(record.args) for record in records)


def test_no_log_record_carries_the_citizen(intake_people, caplog):
    with caplog.at_level(logging.DEBUG):
        cases.register(
            channel=Channel.MAILBOX,
            name=NAME,
            phone=PHONE,
            email=CITIZEN["email"],
            subject="路灯不亮",
            content="北门路灯坏了。",
        )
        client = Client()
        form = client.get("/mailbox/")
        # With the 委员信箱 in place, the real CAPTCHA's answer, so the letter is written.
        answer = captcha_answer(form.content) if form.status_code == 200 else {"captcha_0": "0" * 40}
        response = client.post(
            "/mailbox/",
            {
                "name": NAME,
                "phone": PHONE,
                "email": CITIZEN["email"],
                "address": CITIZEN["address"],
                "subject": "路灯不亮",
                "content": "北门路灯坏了。",
                "category": "urban",
                "consent": "on",
                **answer,
            },
        )
    assert response.status_code in (302, 404), response.status_code
    if response.status_code == 302:
        assert Case.objects.filter(subject="路灯不亮").count() == 2, "the letter was written"
    assert not leaked(formatted(caplog.records))


# --- the 500 mail: Django's filter with our decorators and settings


class CitizenForm(forms.Form):
    name = forms.CharField(max_length=40)
    phone = PhoneField()


def failing(request):
    """Reads the citizen's form as an intake view does, then fails as a broken database would."""
    form = CitizenForm(request.POST)
    if form.is_valid():
        raise RuntimeError("写入失败")
    return HttpResponse("?")


decorated = never_cache(sensitive_post_parameters()(failing))

urlpatterns = [path("boom/", decorated), path("plain/", never_cache(failing))]

POSTED = {"name": NAME, "phone": PHONE}


@pytest.mark.urls("tests.test_intake_privacy")
def test_the_500_mail_of_a_sensitive_view_carries_no_citizen(settings):
    settings.ADMINS = [("管理员", "admin@example.com")]
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    response = client.post("/boom/", POSTED)
    assert response.status_code == 500
    assert len(mail.outbox) == 1, "the admins are mailed"
    body = mail.outbox[0].body + mail.outbox[0].subject
    assert "写入失败" in body and "name" in body and "phone" in body and "********" in body
    assert not leaked(body)

    # The control: without sensitive_post_parameters the same mail would carry them, so the
    # check above looks in the right place.
    mail.outbox.clear()
    client.post("/plain/", POSTED)
    assert len(mail.outbox) == 1 and NAME in mail.outbox[0].body and PHONE in mail.outbox[0].body
