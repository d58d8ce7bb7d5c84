"""委员接待日: a citizen books a slot (/reception/<id>/), keeps the 预约号 and the cancel link, cancels
once; full, past and cancelled slots and days are refused with nothing written; the offices
arrange the days in the admin within their scope; the workstation page only links here; the
public list of 社情民意联系点."""

import datetime
import zoneinfo

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from intake import reception
from intake.models import HIDDEN, Booking, ContactPoint, ReceptionDay, Submission
from intake.public import ip_hash
from people import roles
from tests.intake_helpers import CITIZEN, captcha_answer, intake_people  # noqa: F401

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = datetime.date(2026, 3, 10)
NOW = datetime.datetime(2026, 3, 5, 10, 0, tzinfo=SHANGHAI)


def at(hour, minute=0, date=DAY):
    return datetime.datetime.combine(date, datetime.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def clock(monkeypatch):
    """timezone.now() fixed, and settable: clock.set(datetime)."""

    class Clock:
        now = NOW

        def set(self, moment):
            self.now = moment

    fixed = Clock()
    monkeypatch.setattr(timezone, "now", lambda: fixed.now)
    return fixed


def make_day(station, *on_duty, date=DAY, places=2, **fields):
    day = ReceptionDay.objects.create(
        station=station,
        date=date,
        start=datetime.time(9, 0),
        end=datetime.time(11, 0),
        place="工作室一楼接待室",
        slot_minutes=30,
        places=places,
        **fields,
    )
    day.on_duty.set(on_duty or [station.lead_member])
    return day


def fill(day, slot, n=1):
    for i in range(n):
        Booking.objects.create(
            day=day,
            slot=slot,
            number=f"T-{day.pk}-{slot:%H%M}-{i}-{Booking.objects.count()}",
            name="张三",
            phone="13800000000",
            topic="已有的预约",
            consent_at=NOW,
            cancel_token_hash=f"x{Booking.objects.count()}",
        )


@pytest.fixture
def day(intake_people):
    return make_day(intake_people["edu_station"])


def form_data(page, slot="09:00", **changes):
    data = {
        "slot": slot,
        "name": CITIZEN["name"],
        "phone": CITIZEN["phone"],
        "topic": "学校门口早高峰拥堵，希望增设护学岗。",
        "consent": "on",
        **captcha_answer(page.content),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def book_url(day):
    return reverse("reception_book", args=[day.pk])


def citizen_books(client, day, **changes):
    page = client.get(book_url(day))
    return client.post(book_url(day), form_data(page, **changes))


def api_request(ip="203.0.113.20"):
    return RequestFactory().post("/reception/1/", REMOTE_ADDR=ip)


def written():
    return Booking.objects.count(), Submission.objects.count()


# --- booking


def test_a_citizen_books_the_last_place_and_gets_the_number_and_a_cancel_link_once(client, day, clock):
    fill(day, datetime.time(9, 0))
    page = client.get(book_url(day))
    html = page.content.decode()
    assert page.status_code == 200 and "no-cache" in page["Cache-Control"]
    assert "余 1 个名额" in html and "王丽" in html and "工作室一楼接待室" in html
    assert "个人信息处理说明" in html and 'name="captcha_0"' in html

    response = client.post(book_url(day), form_data(page, slot="09:00"))
    assert response.status_code == 302
    receipt = client.get(response["Location"])
    text = receipt.content.decode()
    booking = Booking.objects.get(day=day, name=CITIZEN["name"])
    assert booking.number == "Y2026-000001" and booking.number in text
    assert booking.slot == datetime.time(9, 0) and booking.consent_at == NOW
    assert CITIZEN["name"] not in text and CITIZEN["phone"] not in text and "欧阳**" in text
    cancel_path = text.split("data-cancel-link>")[1].split("<")[0]
    assert "/reception/cancel/" in cancel_path and booking.cancel_token_hash not in cancel_path
    assert "打印" in text
    again = client.get(response["Location"])
    assert again.status_code == 404 and "/reception/cancel/" not in again.content.decode()

    full = client.get(book_url(day)).content.decode()
    assert 'value="09:00" disabled' in full and "已约满" in full
    assert 'value="09:30">' in full


def test_a_full_slot_is_refused_with_the_message_and_nothing_written(client, day, clock):
    fill(day, datetime.time(9, 0), 2)
    before = written()
    response = citizen_books(client, day, slot="09:00")
    html = response.content.decode()
    assert response.status_code == 200
    assert "该时段已约满，请选择其他时段" in html
    assert written() == before
    assert CITIZEN["name"] in html and "学校门口早高峰拥堵" in html, "the other fields are kept"
    assert 'name="captcha_0"' in html


def test_a_slot_that_has_started_is_refused_and_a_later_one_of_the_same_day_taken(client, day, clock):
    clock.set(at(9, 40))
    page = client.get(book_url(day))
    assert 'value="09:30" disabled' in page.content.decode()
    before = written()
    response = client.post(book_url(day), form_data(page, slot="09:30"))
    assert "该时段已约满，请选择其他时段" in response.content.decode() and written() == before
    response = citizen_books(client, day, slot="10:00")
    assert response.status_code == 302 and Booking.objects.get().slot == datetime.time(10, 0)


def test_past_and_cancelled_days_take_no_bookings(client, intake_people, clock):
    station = intake_people["edu_station"]
    past = make_day(station, date=datetime.date(2026, 3, 1))
    cancelled = make_day(station, cancelled=True)
    page = client.get(book_url(past)).content.decode()
    assert reception.DAY_PAST in page and 'name="captcha_0"' not in page
    assert reception.DAY_CANCELLED in client.get(book_url(cancelled)).content.decode()
    with pytest.raises(reception.BookingError, match="已取消"):
        reception.book(api_request(), cancelled.pk, datetime.time(9, 0), name="甲", phone="13800000000", topic="事")
    with pytest.raises(reception.BookingError, match="已经过去"):
        reception.book(api_request(), past.pk, datetime.time(9, 0), name="甲", phone="13800000000", topic="事")
    assert written() == (0, 0)
    assert client.get("/reception/99999999999999999999999/").status_code == 404
    assert client.get("/reception/abc/").status_code == 404


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"consent": None}, "请阅读并勾选同意《个人信息处理说明》"),
        ({"captcha_1": "WRONG"}, "验证码不正确或已过期，请重新输入"),
        ({"phone": "12345"}, "请填写正确的手机号码或固定电话"),
        ({"topic": "长" * 501}, "「反映事项」最多 500 字（现为 501 字）"),
        ({"slot": "09:10"}, reception.NO_SUCH_SLOT),
    ],
)
def test_bad_input_is_told_at_the_field_and_nothing_written(client, day, clock, changes, message):
    response = citizen_books(client, day, **changes)
    assert response.status_code == 200 and message in response.content.decode()
    assert written() == (0, 0)


def test_too_many_from_one_address_answer_429(client, day, clock):
    for minute in range(5):
        Submission.objects.create(
            ip_hash=ip_hash("127.0.0.1"), kind="booking", at=NOW - datetime.timedelta(minutes=minute)
        )
    response = citizen_books(client, day)
    assert response.status_code == 429 and "提交过于频繁，请 1 小时后再试" in response.content.decode()
    assert Booking.objects.count() == 0


# --- cancelling


def test_the_cancel_link_works_once_and_frees_the_place(client, day, clock):
    booking, token = reception.book(
        api_request(), day.pk, datetime.time(9, 0), name=CITIZEN["name"], phone=CITIZEN["phone"], topic="事项"
    )
    fill(day, datetime.time(9, 0))
    assert next(s for s in reception.slot_table(day) if s.value == "09:00").left == 0
    url = reverse("reception_cancel", args=[token])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "no-cache" in page["Cache-Control"]
    assert booking.number in html and "欧阳**" in html and "确认取消预约" in html
    assert CITIZEN["name"] not in html and CITIZEN["phone"] not in html

    done = client.post(url)
    assert "已取消，名额已释放" in done.content.decode()
    booking.refresh_from_db()
    assert booking.cancelled_at == NOW
    assert next(s for s in reception.slot_table(day) if s.value == "09:00").left == 1

    again = client.post(url).content.decode()
    assert reception.ALREADY_CANCELLED in again and "确认取消预约" not in again
    assert reception.ALREADY_CANCELLED in client.get(url).content.decode()


def test_the_cancel_link_is_refused_once_the_slot_has_started_and_unknown_links_are_not_found(client, day, clock):
    booking, token = reception.book(
        api_request(), day.pk, datetime.time(9, 30), name="王小明", phone="13811112222", topic="事项"
    )
    clock.set(at(9, 30))
    url = reverse("reception_cancel", args=[token])
    assert reception.TOO_LATE_TO_CANCEL in client.get(url).content.decode()
    refused = client.post(url).content.decode()
    assert reception.TOO_LATE_TO_CANCEL in refused and "王**" in refused
    booking.refresh_from_db()
    assert booking.cancelled_at is None
    for wrong in ("not-a-token", token[:-1] + ("A" if token[-1] != "A" else "B")):
        missing = client.get(reverse("reception_cancel", args=[wrong]))
        assert missing.status_code == 404 and "页面未找到" in missing.content.decode()
        assert client.post(reverse("reception_cancel", args=[wrong])).status_code == 404


def test_masked_names():
    assert reception.masked_name("欧阳娜娜") == "欧阳**"
    assert reception.masked_name("王丽") == "王*"
    assert reception.masked_name("李小龙") == "李**"


# --- the workstation page and the 联系点 list


def test_the_workstation_page_lists_the_coming_days_with_links_and_holds_no_form(client, intake_people, clock):
    station = intake_people["edu_station"]
    coming = make_day(station, note="请带身份证")
    make_day(station, date=datetime.date(2026, 3, 1))  # past: not listed
    make_day(station, date=datetime.date(2026, 3, 20), cancelled=True)  # cancelled: not listed
    html = client.get(station.url).content.decode()
    assert f'href="/mailbox/?station={station.id}"' in html and "给工作室写信" in html
    assert f'href="/reception/{coming.id}/"' in html and "预约" in html
    assert "2026年3月10日" in html and "09:00—11:00" in html and "工作室一楼接待室" in html and "王丽" in html
    assert html.count("data-reception-day=") == 1
    assert '<form method="post"' not in html and "captcha" not in html.lower() and "csrfmiddlewaretoken" not in html
    index = client.get(station.get_parent().url).content.decode()
    assert f'href="/reception/{coming.id}/"' in index and f"/mailbox/?station={station.id}" in index
    assert "captcha" not in index.lower()


def test_the_contact_points_list_shows_only_the_public_ones(client, db):
    ContactPoint.objects.create(
        name="东华门街道联系点",
        level="town",
        town="东华门街道",
        address="东华门大街 5 号",
        hours="每周二 9:00—11:30",
        phone="010-65120000",
    )
    ContactPoint.objects.create(
        name="景山社区联系点",
        level="community",
        town="景山街道",
        community="景山社区",
        address="景山东街 2 号",
        hours="每周四下午",
        active=False,
    )
    response = client.get(reverse("contact_points"))
    html = response.content.decode()
    assert "东华门街道联系点" in html and "每周二 9:00—11:30" in html and "010-65120000" in html
    assert "景山社区联系点" not in html and "no-cache" in response["Cache-Control"]


# --- the admin


def day_form(station, members, **changes):
    data = {
        "station": station.pk,
        "date": "2026-03-17",
        "start": "09:00",
        "end": "11:30",
        "place": "工作室会议室",
        "slot_minutes": "30",
        "places": "3",
        "on_duty": [m.pk for m in members],
        "note": "",
    }
    data.update(changes)
    return data


def test_a_committee_office_arranges_only_its_stations_days(client, intake_people, clock):
    p = intake_people
    edu_day = make_day(p["edu_station"])
    econ_day = make_day(p["econ_station"])
    client.force_login(p["edu_office"])
    index = client.get(reverse("intake_receptionday_modeladmin_index"))
    html = index.content.decode()
    assert index.status_code == 200
    assert reverse("intake_receptionday_modeladmin_edit", args=[edu_day.pk]) in html
    assert reverse("intake_receptionday_modeladmin_edit", args=[econ_day.pk]) not in html
    assert client.get(reverse("intake_receptionday_modeladmin_edit", args=[econ_day.pk])).status_code == 404
    assert client.get(reverse("intake_receptionday_modeladmin_delete", args=[econ_day.pk])).status_code == 404
    assert client.get(reverse("intake_reception_bookings", args=[econ_day.pk])).status_code == 404
    assert client.get(reverse("intake_receptionday_modeladmin_edit", args=["99999999999999999999"])).status_code == 404

    create = reverse("intake_receptionday_modeladmin_create")
    form = client.get(create).content.decode()
    assert p["edu_station"].title in form and p["econ_station"].title not in form
    teacher = p["teacher"].profile.member
    count = ReceptionDay.objects.count()
    refused = client.post(create, day_form(p["econ_station"], [p["banker"].profile.member]))
    assert refused.status_code == 200 and ReceptionDay.objects.count() == count
    stranger = client.post(create, day_form(p["edu_station"], [teacher, p["doctor"].profile.member]))
    assert "值班委员须是所选工作室的负责人或参与委员" in stranger.content.decode()
    assert ReceptionDay.objects.count() == count
    past = client.post(create, day_form(p["edu_station"], [teacher], date="2026-03-01"))
    assert "日期不能早于今天" in past.content.decode()
    short = client.post(create, day_form(p["edu_station"], [teacher], end="09:20"))
    assert "至少要能分出一个时段" in short.content.decode()
    assert ReceptionDay.objects.count() == count
    assert client.post(create, day_form(p["edu_station"], [teacher])).status_code == 302
    made = ReceptionDay.objects.latest("pk")
    assert made.station_id == p["edu_station"].pk and list(made.on_duty.all()) == [teacher]
    assert made.created_by == p["edu_office"]

    # 区政协办公室 picks among every station's members: one of another station is named.
    client.force_login(p["office"])
    other = client.post(create, day_form(p["edu_station"], [teacher, p["banker"].profile.member]))
    assert "值班委员须是“教育界委员工作室”的负责人或参与委员：赵敏 不是该工作室的委员。" in other.content.decode()
    assert ReceptionDay.objects.count() == count + 1


def test_the_day_list_counts_bookings_per_slot_and_only_the_district_office_reads_names(client, intake_people, clock):
    p = intake_people
    day = make_day(p["edu_station"])
    reception.book(
        api_request(), day.pk, datetime.time(9, 0), name=CITIZEN["name"], phone=CITIZEN["phone"], topic="护学岗"
    )
    client.force_login(p["edu_office"])
    index = client.get(reverse("intake_receptionday_modeladmin_index")).content.decode()
    assert "09:00 1/2" in index and "09:30 0/2" in index
    page = client.get(reverse("intake_reception_bookings", args=[day.pk])).content.decode()
    assert "Y2026-000001" in page and "护学岗" in page and HIDDEN in page
    assert CITIZEN["name"] not in page and CITIZEN["phone"] not in page
    client.force_login(p["office"])
    page = client.get(reverse("intake_reception_bookings", args=[day.pk])).content.decode()
    assert CITIZEN["name"] in page and CITIZEN["phone"] in page
    # Booked slots cannot be dropped from the day.
    edit = reverse("intake_receptionday_modeladmin_edit", args=[day.pk])
    data = day_form(p["edu_station"], [p["teacher"].profile.member], date="2026-03-10", start="09:30", places="2")
    refused = client.post(edit, data)
    assert "已有群众预约了 09:00 的时段" in refused.content.decode()
    day.refresh_from_db()
    assert day.start == datetime.time(9, 0)


def test_members_and_others_cannot_open_the_day_admin(client, intake_people, clock):
    p = intake_people
    day = make_day(p["edu_station"])
    for who in ("teacher", "research", "liaison"):
        client.force_login(p[who])
        assert client.get(reverse("intake_reception_bookings", args=[day.pk])).status_code in (302, 403)
        assert client.get(reverse("intake_receptionday_modeladmin_edit", args=[day.pk])).status_code in (302, 403, 404)


def test_only_the_district_office_sets_up_contact_points_with_liaisons_from_their_group(
    client, intake_people, make_user
):
    p = intake_people
    liaison = make_user(roles.POINT_LIAISON)
    create = reverse("intake_contactpoint_modeladmin_create")
    client.force_login(p["edu_office"])
    assert client.get(create).status_code == 403
    assert client.get(reverse("intake_contactpoint_modeladmin_index")).status_code == 403
    client.force_login(p["office"])
    form = client.get(create).content.decode()
    assert liaison.username in form and p["teacher"].username not in form
    data = {
        "name": "东华门街道联系点",
        "level": "town",
        "town": "东华门街道",
        "community": "",
        "address": "东华门大街 5 号",
        "hours": "每周二 9:00—11:30",
        "phone": "",
        "liaisons": [liaison.pk],
        "active": "on",
    }
    assert client.post(create, {**data, "liaisons": [p["teacher"].pk]}).status_code == 200
    assert not ContactPoint.objects.exists()
    assert client.post(create, data).status_code == 302
    point = ContactPoint.objects.get()
    assert list(point.liaisons.all()) == [liaison]
