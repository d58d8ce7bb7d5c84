"""季度例会 and 履职日志: written only by the station's 召集人 on /forms/station/, read by the 专委会工作室
of its 对口委室 and 委员联络室 in the admin, never public."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from lianxin_site import uploads
from people import roles
from stations import records
from stations.models import LogType, StationLog, StationMeeting

from .content_helpers import site_sections, station
from .factories import MemberFactory
from .test_browser import ARTIFACTS, _with_password, browser, login_in  # noqa: F401

PDF = b"%PDF-1.4\n% minutes\n"
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def world(roles_synced, reference, members, make_user):
    _stories, index = site_sections()
    edu = station(index, members["teacher"], title="东四教育委员工作室", committee=reference["edu_committee"])
    edu.members.set([members["doctor"]])
    edu.save()
    econ = station(index, members["banker"], title="景山经济委员工作室", committee=reference["econ_committee"])
    econ.members.set([members["engineer"]])
    econ.save()
    outsider = MemberFactory(name="局外人")
    return {
        "edu": edu,
        "econ": econ,
        "outsider": outsider,
        "convener": make_user(roles.CONVENER, workstation=edu),
        "econ_convener": make_user(roles.CONVENER, workstation=econ),
        "edu_office": make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]),
        "econ_office": make_user(roles.COMMITTEE_OFFICE, committee=reference["econ_committee"]),
        "liaison": make_user(roles.LIAISON_OFFICE),
        "member": make_user(roles.MEMBER, member=members["teacher"]),
    }


def meeting_post(members, **extra):
    data = {
        "date": YESTERDAY.isoformat(),
        "attendees": [members["teacher"].pk],
        "absentees": [members["doctor"].pk],
        f"reason_{members['doctor'].pk}": "出差",
        "minutes": "研究二季度接待日安排，确定由王丽牵头。",
    }
    data.update(extra)
    return data


def add_meeting(world, members, minutes="研究二季度接待日安排", attachment=None):
    return records.save_meeting(
        world["convener"],
        world["edu"],
        records.Meeting(
            date=YESTERDAY,
            attendees=[members["teacher"]],
            absences=[(members["doctor"], "出差")],
            minutes=minutes,
        ),
        attachment=attachment,
    )


# --- the convener writes


def test_convener_records_a_meeting_on_the_phone_and_edits_it(world, members, client):
    client.force_login(world["convener"])
    response = client.post(reverse("station_meeting_add"), meeting_post(members))
    assert response.status_code == 302, [line for line in response.content.decode().splitlines() if "error" in line]
    assert response["Location"] == reverse("station_meetings")
    meeting = StationMeeting.objects.get()
    assert meeting.station == world["edu"] and meeting.created_by == world["convener"]
    assert list(meeting.attendees.all()) == [members["teacher"]]
    assert [(a.member, a.reason) for a in meeting.absences.all()] == [(members["doctor"], "出差")]

    page = client.get(reverse("station_meetings")).content.decode()
    assert "研究二季度接待日安排" in page and "李强（出差）" in page

    response = client.post(
        reverse("station_meeting_edit", args=[meeting.pk]),
        meeting_post(
            members, attendees=[members["teacher"].pk, members["doctor"].pk], absentees=[], minutes="改过的纪要"
        ),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "改过的纪要" and meeting.attendees.count() == 2 and not meeting.absences.exists()


def test_convener_writes_a_log(world, members, client):
    client.force_login(world["convener"])
    response = client.post(
        reverse("station_log_add"),
        {
            "date": YESTERDAY.isoformat(),
            "members": [members["teacher"].pk],
            "type": LogType.RECEPTION,
            "matter": "接待居民反映老旧小区加装电梯",
            "handling": "已转街道，答复居民",
        },
    )
    assert response.status_code == 302
    log = StationLog.objects.get()
    assert (log.station, log.type, log.handling) == (world["edu"], LogType.RECEPTION, "已转街道，答复居民")
    assert "接待居民反映老旧小区加装电梯" in client.get(reverse("station_logs")).content.decode()


def test_another_stations_records_are_not_found(world, members, client):
    meeting = add_meeting(world, members, attachment=SimpleUploadedFile("纪要.pdf", PDF))
    log = records.save_log(
        world["convener"],
        world["edu"],
        records.Log(date=YESTERDAY, members=[members["teacher"]], type=LogType.STUDY, matter="学习宣讲"),
    )
    client.force_login(world["econ_convener"])
    assert client.get(reverse("station_meeting_edit", args=[meeting.pk])).status_code == 404
    assert client.post(reverse("station_meeting_edit", args=[meeting.pk]), meeting_post(members)).status_code == 404
    assert client.get(reverse("station_log_edit", args=[log.pk])).status_code == 404
    assert client.get(reverse("station_meeting_attachment", args=[meeting.pk])).status_code == 404
    assert "研究二季度" not in client.get(reverse("station_meetings")).content.decode()
    assert client.get(reverse("station_meeting_edit", args=["99999999999999999999999"])).status_code == 404
    meeting.refresh_from_db()
    assert meeting.minutes == "研究二季度接待日安排"


def test_a_member_or_an_office_cannot_write(world, members, client):
    for who in ("member", "edu_office", "liaison"):
        client.force_login(world[who])
        response = client.get(reverse("station_meeting_add"))
        assert response.status_code == 403
        assert "只有委员工作室的召集人" in response.content.decode()
        assert client.post(reverse("station_log_add"), {"date": YESTERDAY.isoformat()}).status_code == 403
    with pytest.raises(records.station_rules.StationError):
        records.save_log(
            world["econ_convener"],
            world["edu"],
            records.Log(date=YESTERDAY, members=[members["teacher"]], type=LogType.STUDY, matter="越权"),
        )
    assert not StationMeeting.objects.exists() and not StationLog.objects.exists()
    client.logout()
    assert client.get(reverse("station_meetings")).status_code == 302  # to the login page


# --- the rules


def test_a_future_date_a_stranger_and_someone_both_present_and_absent_are_refused(world, members, client):
    client.force_login(world["convener"])
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = client.post(
        reverse("station_meeting_add"),
        meeting_post(
            members,
            date=tomorrow.isoformat(),
            attendees=[members["teacher"].pk, world["outsider"].pk],
            absentees=[members["teacher"].pk],
            **{f"reason_{members['teacher'].pk}": "病假"},
            minutes="这段纪要不能丢",
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f"「日期」：不能晚于今天（{TODAY:%Y-%m-%d}）" in page
    assert "「出席委员」：局外人不是本工作室的委员" in page
    assert "「缺席委员」：王丽不能既出席又缺席" in page
    assert "这段纪要不能丢" in page and 'value="病假"' in page  # nothing typed is lost
    assert not StationMeeting.objects.exists()


def test_rules_refuse_directly_and_write_nothing(world, members):
    station_ = world["edu"]
    errors = records.check_meeting(
        station_, records.Meeting(date=YESTERDAY, attendees=[], absences=[(members["doctor"], " ")], minutes="")
    )
    assert errors["attendees"] == ["「出席委员」：请至少选择一位出席的委员"]
    assert errors["absentees"] == ["「缺席原因」：请填写李强缺席的原因"]
    assert errors["minutes"] == ["「会议纪要」：请填写会议纪要"]
    with pytest.raises(records.RecordError) as refused:
        records.save_log(
            world["convener"],
            station_,
            records.Log(date=YESTERDAY, members=[members["banker"]], type="party", matter="事项"),
        )
    assert refused.value.errors == {
        "members": ["「委员」：赵敏不是本工作室的委员"],
        "type": ["「类型」：应为接待群众、收集社情民意、学习宣讲、协商议事或其他"],
    }
    assert not StationLog.objects.exists()


def test_a_member_who_left_stays_on_an_old_record(world, members):
    meeting = add_meeting(world, members)
    world["edu"].members.set([])
    world["edu"].save()
    records.save_meeting(
        world["convener"],
        world["edu"],
        records.Meeting(
            date=YESTERDAY, attendees=[members["teacher"]], absences=[(members["doctor"], "出差")], minutes="再存一次"
        ),
        instance=meeting,
    )
    meeting.refresh_from_db()
    assert meeting.minutes == "再存一次"


# --- the attachment


def test_attachment_is_checked_before_saving_and_kept_private(world, members, client, monkeypatch):
    client.force_login(world["convener"])
    fake = SimpleUploadedFile("纪要.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post(reverse("station_meeting_add"), {**meeting_post(members), "attachment": fake})
    assert "「附件」：只接受 PDF、Word、JPG、PNG，单个不超过 10 MB" in response.content.decode()
    exe = SimpleUploadedFile("run.exe", b"MZ\x90\x00")
    response = client.post(reverse("station_meeting_add"), {**meeting_post(members), "attachment": exe})
    assert "「附件」：只接受 PDF" in response.content.decode()
    monkeypatch.setattr(uploads, "DOCUMENT_MAX_BYTES", 10)
    big = SimpleUploadedFile("纪要.pdf", PDF)
    response = client.post(reverse("station_meeting_add"), {**meeting_post(members), "attachment": big})
    assert "单个不超过 10 MB" in response.content.decode()
    assert not StationMeeting.objects.exists()
    monkeypatch.undo()
    # A zip renamed .docx is not a Word document.
    zipped = SimpleUploadedFile("纪要.docx", b"PK\x03\x04 not really a zip")
    response = client.post(reverse("station_meeting_add"), {**meeting_post(members), "attachment": zipped})
    assert "的内容不是DOCX文件" in response.content.decode()
    assert not StationMeeting.objects.exists()

    good = SimpleUploadedFile("二季度例会纪要.pdf", PDF)
    response = client.post(reverse("station_meeting_add"), {**meeting_post(members), "attachment": good})
    assert response.status_code == 302
    meeting = StationMeeting.objects.get()
    stored = Path(settings.PRIVATE_ROOT) / meeting.attachment.name
    assert stored.read_bytes() == PDF and meeting.attachment_name == "二季度例会纪要.pdf"
    assert not str(stored.resolve()).startswith(str(Path(settings.MEDIA_ROOT).resolve()))

    download = client.get(reverse("station_meeting_attachment", args=[meeting.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    client.force_login(world["edu_office"])
    assert client.get(reverse("station_meeting_attachment", args=[meeting.pk])).status_code == 200
    for who in ("econ_office", "member", "econ_convener"):
        client.force_login(world[who])
        assert client.get(reverse("station_meeting_attachment", args=[meeting.pk])).status_code == 404


# --- the offices read


def test_committee_office_reads_its_stations_only_and_liaison_all(world, members, client):
    add_meeting(world, members, minutes="教育工作室的例会纪要")
    records.save_meeting(
        world["econ_convener"],
        world["econ"],
        records.Meeting(date=YESTERDAY, attendees=[members["banker"]], minutes="经济工作室的例会纪要"),
    )
    records.save_log(
        world["convener"],
        world["edu"],
        records.Log(date=YESTERDAY, members=[members["teacher"]], type=LogType.OPINIONS, matter="收集到的社情民意"),
    )
    url = reverse("station_records_meetings")
    client.force_login(world["edu_office"])
    page = client.get(url).content.decode()
    assert "教育工作室的例会纪要" in page and "经济工作室的例会纪要" not in page
    assert "收集到的社情民意" in client.get(reverse("station_records_logs")).content.decode()
    # Choosing another committee's station by hand shows nothing of it.
    page = client.get(f"{url}?station={world['econ'].pk}").content.decode()
    assert "经济工作室的例会纪要" not in page

    client.force_login(world["econ_office"])
    assert "收集到的社情民意" not in client.get(reverse("station_records_logs")).content.decode()

    client.force_login(world["liaison"])
    page = client.get(url).content.decode()
    assert "教育工作室的例会纪要" in page and "经济工作室的例会纪要" in page

    for who in ("member", "convener"):
        client.force_login(world[who])
        response = client.get(url)
        assert response.status_code in (302, 403)
        if response.status_code == 403:
            assert "没有查看委员工作室季度例会和履职日志的权限" in response.content.decode()


def test_the_menu_offers_the_lists_to_offices_not_to_conveners(world):
    assert records.may_read_records(world["edu_office"]) and records.may_read_records(world["liaison"])
    assert not records.may_read_records(world["convener"]) and not records.may_read_records(world["member"])


# --- never public


def test_records_never_reach_the_public_station_page_search_or_api(world, members, client):
    add_meeting(world, members, minutes="绝密纪要甲乙丙")
    records.save_log(
        world["convener"],
        world["edu"],
        records.Log(date=YESTERDAY, members=[members["teacher"]], type=LogType.RECEPTION, matter="接待记录丁戊己"),
    )
    page = client.get(world["edu"].url)
    assert page.status_code == 200
    assert "绝密纪要" not in page.content.decode() and "丁戊己" not in page.content.decode()
    assert world["edu"].title in client.get("/search/", {"q": "教育委员工作室"}).content.decode()
    assert world["edu"].title not in client.get("/search/", {"q": "绝密纪要甲乙丙"}).content.decode()
    api = client.get("/api/v2/pages/", {"type": "content.WorkstationPage", "fields": "*"}).content.decode()
    assert "绝密纪要" not in api and "丁戊己" not in api
    client.force_login(world["convener"])
    assert "绝密纪要" not in client.get(world["edu"].url).content.decode()


# --- on a phone, in chromium

TAP_TARGETS = """() => Array.from(document.querySelectorAll(
    '.chip span, .rec-form input[type=date], .rec-form input[type=text], .rec-form textarea, .rec-form button,'
    + ' .rec-nav a, .rec-add, .rec-actions a')).map(e => [e.textContent.trim() || e.name, e.getBoundingClientRect().height])"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_convener_records_a_meeting_and_a_log_on_a_phone(browser, live_server, world, members):
    convener = _with_password(world["convener"])
    context, page = login_in(browser, live_server, convener, "pw-lianxin-123", "/forms/station/meetings/", width=390)
    page.get_by_role("link", name="＋ 记录季度例会").click()
    page.wait_for_url("**/meetings/add/")
    page.get_by_label("王丽", exact=True).first.check()
    page.locator(".absence .chip").filter(has_text="李强").locator("input").check()
    page.get_by_role("button", name="保存").click()
    # Refused: no reason for the absence, no minutes; the choices are kept.
    errors = page.locator(".field-error").all_inner_texts()
    assert "「缺席原因」：请填写李强缺席的原因" in errors and "「会议纪要」：请填写会议纪要" in errors
    assert page.locator(".absence .chip").filter(has_text="李强").locator("input").is_checked()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    small = [(name, height) for name, height in page.evaluate(TAP_TARGETS) if height < 44]
    assert not small, f"touch targets under 44 px: {small}"
    page.screenshot(path=ARTIFACTS / "station-meeting-phone-refused.png", full_page=True)
    page.get_by_label("李强缺席原因").fill("外出调研")
    page.get_by_label("会议纪要").fill("研究四季度委员接待日安排。")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/forms/station/meetings/")
    assert "已记录" in page.locator(".messages").inner_text()
    assert "李强（外出调研）" in page.locator(".rec-list").inner_text()
    page.screenshot(path=ARTIFACTS / "station-meetings-phone.png", full_page=True)

    page.get_by_role("link", name="履职日志").click()
    page.get_by_role("link", name="＋ 记一条履职日志").click()
    page.get_by_label("接待群众").check()
    page.locator(".chips .chip").filter(has_text="王丽").locator("input").check()
    page.get_by_label("事项").fill("接待居民反映加装电梯")
    page.screenshot(path=ARTIFACTS / "station-log-phone.png", full_page=True)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/forms/station/logs/")
    assert "接待居民反映加装电梯" in page.locator(".rec-list").inner_text()
    page.set_viewport_size({"width": 360, "height": 780})
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    context.close()

    office = _with_password(world["edu_office"])
    context, page = login_in(browser, live_server, office, "pw-lianxin-123", "/admin/stations/meetings/")
    assert "研究四季度委员接待日安排" in page.locator(".report-box table").inner_text()
    page.screenshot(path=ARTIFACTS / "station-meetings-admin.png", full_page=True)
    context.close()
