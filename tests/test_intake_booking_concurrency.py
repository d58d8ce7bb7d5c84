"""Two citizens booking the last place of a 接待日 slot at once: one booking, one refusal with the
message, never a 500 and never two bookings, on SQLite and on PostgreSQL (the row lock on the
day in intake/reception.book)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from intake.models import Booking, ReceptionDay, Submission
from tests.intake_helpers import captcha_answer, intake_people  # noqa: F401
from tests.test_concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_citizens_booking_the_last_place_at_once_get_one_booking_and_one_refusal(intake_people):
    station = intake_people["edu_station"]
    day = ReceptionDay.objects.create(
        station=station,
        date=timezone.localdate() + datetime.timedelta(days=30),
        start=datetime.time(9, 0),
        end=datetime.time(10, 0),
        place="工作室一楼接待室",
        slot_minutes=30,
        places=1,
    )
    day.on_duty.set([station.lead_member])
    url = reverse("reception_book", args=[day.pk])
    citizens = []
    for i, (name, phone) in enumerate((("欧阳娜娜", "13987654321"), ("司马青", "13911112222"))):
        client = Client(raise_request_exception=False, REMOTE_ADDR=f"203.0.113.{30 + i}")
        page = client.get(url)
        data = {
            "slot": "09:00",
            "name": name,
            "phone": phone,
            "topic": "小区停车难。",
            "consent": "on",
            **captcha_answer(page.content),
        }
        citizens.append((client, data))

    responses = at_once(*(lambda c=c, d=d: c.post(url, d) for c, d in citizens))

    assert sorted(r.status_code for r in responses) == [200, 302], [r.status_code for r in responses]
    loser = next(r for r in responses if r.status_code == 200).content.decode()
    assert "该时段已约满，请选择其他时段" in loser
    assert Booking.objects.filter(day=day).count() == 1
    assert Submission.objects.filter(kind="booking").count() == 1, "the refused one is not counted"
    page = citizens[0][0].get(url).content.decode()
    assert 'value="09:00" disabled' in page and 'value="09:30">' in page
