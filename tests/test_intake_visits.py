"""/forms/visits/: 来访登记 by the member on duty at a 接待日 (booked or walk-in) and by a 联系点's
联络员; "转为诉求件" opens one case, once. Anyone else gets 403 and writes nothing."""

import datetime
import re

import pytest
from django.utils import timezone

from intake import public
from intake.models import Booking, Case, Channel, ContactPoint, ReceptionDay, Visit
from people import roles
from tests.intake_helpers import intake_people  # noqa: F401

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


@pytest.fixture
def reception(intake_people, make_user):
    p = intake_people
    day = ReceptionDay.objects.create(
        station=p["edu_station"],
        date=timezone.localdate(),
        start=datetime.time(9, 0),
        end=datetime.time(11, 0),
        place="东华门社区活动室",
    )
    day.on_duty.add(p["teacher"].profile.member)
    booking = Booking.objects.create(
        day=day,
        slot=datetime.time(9, 30),
        number="Y2026-000001",
        name="司马光明",
        phone="13911112222",
        topic="学校门口早高峰拥堵。",
        consent_at=timezone.now(),
        cancel_token_hash="x" * 64,
    )
    point = ContactPoint.objects.create(
        name="东华门街道社情民意联系点",
        level=ContactPoint.Level.TOWN,
        town="东华门街道",
        address="东华门大街 10 号",
        hours="每周二 9:00—11:30",
    )
    other_point = ContactPoint.objects.create(
        name="景山街道社情民意联系点", level=ContactPoint.Level.TOWN, town="景山街道", address="景山 1 号", hours="周四"
    )
    liaison = make_user(roles.POINT_LIAISON)
    point.liaisons.add(liaison)
    other_liaison = make_user(roles.POINT_LIAISON)
    other_point.liaisons.add(other_liaison)
    return {
        **p,
        "day": day,
        "booking": booking,
        "point": point,
        "other_point": other_point,
        "point_liaison": liaison,
        "other_liaison": other_liaison,
    }


def test_the_member_on_duty_sees_the_bookings_logs_a_booked_and_a_walk_in_visit_and_converts_one_once(
    client, reception
):
    r = reception
    client.force_login(r["teacher"])
    assert 'href="/forms/visits/"' in text(client.get("/my/"))
    home = client.get("/forms/visits/")
    assert home.status_code == 200 and home["Cache-Control"].startswith("max-age=0")
    assert "司马光明" in text(home) and "13911112222" in text(home) and "学校门口早高峰拥堵" in text(home)

    form = text(client.get(f"/forms/visits/day/{r['day'].pk}/new/?booking={r['booking'].pk}"))
    assert 'value="司马光明"' in form
    done = client.post(
        f"/forms/visits/day/{r['day'].pk}/new/",
        {"booking": r["booking"].pk, "name": "", "matter": "", "outcome": "当场联系交管部门。", "category": "urban"},
    )
    assert done.status_code == 302
    booked = Visit.objects.get(booking=r["booking"])
    assert booked.name == "司马光明" and booked.phone == "13911112222" and booked.matter == "学校门口早高峰拥堵。"
    assert booked.day == r["day"] and booked.logged_by == r["teacher"]
    assert "已登记来访" in text(client.get("/forms/visits/"))

    missing = client.post(f"/forms/visits/day/{r['day'].pk}/new/", {"name": "", "matter": "", "category": "other"})
    assert missing.status_code == 200 and "请填写来访人姓名" in text(missing) and "请填写反映事项" in text(missing)
    client.post(
        f"/forms/visits/day/{r['day'].pk}/new/",
        {"name": "诸葛亮亮", "phone": "", "matter": "小区加装电梯意见不一。", "category": "livelihood"},
    )
    walk_in = Visit.objects.get(name="诸葛亮亮")
    assert walk_in.booking is None and Visit.objects.count() == 2

    # 转为诉求件: the phone is needed; then one case, once.
    page = client.get(f"/forms/visits/{walk_in.pk}/convert/")
    assert "小区加装电梯意见不一" in text(page)
    no_phone = client.post(f"/forms/visits/{walk_in.pk}/convert/", {"subject": "加装电梯", "phone": ""})
    assert no_phone.status_code == 200 and "请填写" in text(no_phone) and not Case.objects.exists()
    done = client.post(f"/forms/visits/{walk_in.pk}/convert/", {"subject": "加装电梯", "phone": "13700001111"})
    assert done.status_code == 200
    case = Case.objects.get()
    walk_in.refresh_from_db()
    assert walk_in.case == case and case.channel == Channel.RECEPTION and case.station_id == r["edu_station"].pk
    assert case.name == "诸葛亮亮" and case.phone == "13700001111" and case.content == "小区加装电梯意见不一。"
    assert case.category == "livelihood" and case.created_by == r["teacher"]
    # The visitor's 受理编号 and 查询码, shown once for the member to hand over.
    code = re.search(r'id="code">([A-Z0-9]{6})<', text(done)).group(1)
    assert case.number in text(done) and public.code_matches(case.code_hmac, case.number, code)

    again = client.post(f"/forms/visits/{walk_in.pk}/convert/", {"subject": "加装电梯", "phone": "13700001111"})
    assert "不能重复转办" in text(client.get(again.url)) and Case.objects.count() == 1


def test_a_point_liaison_logs_and_converts_visits_at_their_own_point_only(client, reception):
    r = reception
    client.force_login(r["point_liaison"])
    home = text(client.get("/forms/visits/"))
    assert "东华门街道社情民意联系点" in home and "景山街道社情民意联系点" not in home and "司马光明" not in home
    assert 'href="/forms/visits/"' in text(client.get("/my/"))

    client.post(
        f"/forms/visits/point/{r['point'].pk}/new/",
        {"name": "欧阳修文", "phone": "010-64012345", "matter": "菜市场搬迁后买菜远。", "category": "livelihood"},
    )
    visit = Visit.objects.get()
    assert visit.contact_point == r["point"] and visit.day is None and visit.phone == "010-64012345"
    assert (
        client.post(f"/forms/visits/{visit.pk}/convert/", {"subject": "买菜远", "phone": "010-64012345"}).status_code
        == 200
    )
    case = Case.objects.get()
    assert case.channel == Channel.CONTACT_POINT and case.contact_point == r["point"]

    refused = client.post(
        f"/forms/visits/point/{r['other_point'].pk}/new/", {"name": "甲", "matter": "乙", "category": "other"}
    )
    assert refused.status_code == 403 and Visit.objects.count() == 1
    assert client.get(f"/forms/visits/day/{r['day'].pk}/new/").status_code == 403


def test_others_are_refused_and_write_nothing(client, reception):
    r = reception
    client.force_login(r["point_liaison"])
    client.post(
        f"/forms/visits/point/{r['point'].pk}/new/", {"name": "欧阳修文", "matter": "菜市场搬迁。", "category": "other"}
    )
    visit = Visit.objects.get()

    client.force_login(r["doctor"])  # a member, not on duty here
    assert client.get(f"/forms/visits/day/{r['day'].pk}/new/").status_code == 403
    refused = client.post(f"/forms/visits/day/{r['day'].pk}/new/", {"name": "甲", "matter": "乙", "category": "other"})
    assert refused.status_code == 403 and "不由您登记" in text(refused)
    assert "司马光明" not in text(client.get("/forms/visits/"))
    convert = client.post(f"/forms/visits/{visit.pk}/convert/", {"subject": "x", "phone": "13700001111"})
    assert convert.status_code == 403

    client.force_login(r["other_liaison"])
    assert (
        client.post(f"/forms/visits/{visit.pk}/convert/", {"subject": "x", "phone": "13700001111"}).status_code == 403
    )

    client.force_login(r["editor"])
    home = client.get("/forms/visits/")
    assert home.status_code == 403 and "值班委员" in text(home)
    assert Visit.objects.count() == 1 and not Case.objects.exists()
    client.logout()
    assert client.get("/forms/visits/").status_code == 302


def test_a_booking_is_logged_once_and_visitors_words_are_escaped(client, reception):
    r = reception
    client.force_login(r["teacher"])
    day = f"/forms/visits/day/{r['day'].pk}/new/"
    client.post(day, {"booking": r["booking"].pk, "category": "other"})
    # The booking no longer offered; a stale form naming it is refused at the field.
    stale = client.post(day, {"booking": r["booking"].pk, "category": "other"})
    assert stale.status_code == 200 and Visit.objects.count() == 1
    client.post(day, {"name": "<b>张</b>", "matter": "<script>alert(1)</script>", "category": "other"})
    home = text(client.get("/forms/visits/"))
    assert "<script>alert(1)" not in home and "&lt;script&gt;alert(1)&lt;/script&gt;" in home
    assert "<b>张</b>" not in home
