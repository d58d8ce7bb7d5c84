"""街道活动小组 activities on the front end (issue 16 item 12): who reads and writes which group's
activities (another group's 联络员 gets 404), the invitees a new activity starts with, the checks
(future date, another group's plan item, photos), attendance edits, private photos, the admin list."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from people import roles
from stations import street_activities
from stations.models import (
    ActivityKind,
    ActivityPhoto,
    Presence,
    StreetAttendance,
    StreetGroupActivity,
    StreetGroupPlan,
    StreetPlanItem,
)

from .factories import MemberFactory
from .test_browser import browser  # noqa: F401

TODAY = datetime.date.today()


def png_bytes(size=(4, 4)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def street(reference, make_user, roles_synced):
    """东华门 (run by the 教科文卫体委员会's office) with three members, 景山 with one; an account
    per role."""
    r = reference
    group, other = r["donghuamen"], r["jingshan"]
    group.committee = r["edu_committee"]
    group.save()
    members = [
        MemberFactory(code=f"0{n}01", name=name, sector=r["education"], street_group=group)
        for n, name in ((1, "王丽"), (2, "李强"), (3, "赵敏"))
    ]
    outsider = MemberFactory(code="0901", name="陈杰", sector=r["economy"], street_group=other)
    plan = StreetGroupPlan.objects.create(group=group, year=TODAY.year, needs="老旧小区", approach="义诊")
    item = StreetPlanItem.objects.create(plan=plan, month=1, activity="社区义诊", kind=ActivityKind.CLINIC)
    other_plan = StreetGroupPlan.objects.create(group=other, year=TODAY.year, needs="x", approach="y")
    other_item = StreetPlanItem.objects.create(plan=other_plan, month=1, activity="讲座", kind=ActivityKind.LECTURE)
    return {
        "group": group,
        "other": other,
        "members": members,
        "outsider": outsider,
        "item": item,
        "other_item": other_item,
        "liaison": make_user(roles.STREET_LIAISON, street_group=group),
        "other_liaison": make_user(roles.STREET_LIAISON, street_group=other),
        "office": make_user(roles.COMMITTEE_OFFICE, committee=r["edu_committee"]),
        "econ_office": make_user(roles.COMMITTEE_OFFICE, committee=r["econ_committee"]),
        "liaison_office": make_user(roles.LIAISON_OFFICE),
        "secretary": make_user(roles.SECRETARY_GENERAL),
        "member": make_user(roles.MEMBER),
    }


def form_data(**overrides):
    data = {
        "date": TODAY.isoformat(),
        "title": "社区义诊进楼门",
        "kind": ActivityKind.CLINIC,
        "place": "东华门社区服务中心",
        "plan_item": "",
        "opinions": "3",
        "deeds": "2",
        "outcome": "为 40 位老人量血压",
    }
    data.update(overrides)
    return data


def add(client, street, **overrides):
    return client.post(reverse("street_group_activity_add"), form_data(**overrides))


def test_a_new_activity_invites_the_group_members_all_present(client, street):
    client.force_login(street["liaison"])
    response = add(client, street, plan_item=str(street["item"].pk))
    activity = StreetGroupActivity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "street_group_activity_edit", args=[activity.pk]
    )
    assert activity.group == street["group"] and activity.plan_item == street["item"]
    rows = StreetAttendance.objects.filter(activity=activity)
    assert sorted(r.member.code for r in rows) == ["0101", "0201", "0301"]  # not 景山's 0901
    assert {r.presence for r in rows} == {Presence.PRESENT}
    page = client.get(response["Location"])
    assert "已按本小组名单邀请 3 位委员" in page.content.decode()


def test_future_date_and_another_groups_plan_item_are_refused_keeping_the_input(client, street):
    client.force_login(street["liaison"])
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = add(client, street, date=tomorrow.isoformat(), plan_item=str(street["other_item"].pk))
    text = response.content.decode()
    assert not StreetGroupActivity.objects.exists()
    assert "「日期」：活动日期不能晚于今天" in text
    assert "为 40 位老人量血压" in text  # what was typed is still there
    # another group's item is not even offered: the form refuses it as a choice
    assert "社区义诊" in text and "讲座" not in text.split("id_plan_item")[1].split("</select>")[0]

    activity = street_activities.create_activity(
        street["liaison"], street["group"], street_activities.Fields(date=TODAY, title="t", kind="forum")
    )
    with pytest.raises(street_activities.ActivityError) as refused:
        street_activities.update_activity(
            street["liaison"],
            activity.pk,
            street_activities.Fields(date=TODAY, title="t", kind="forum", plan_item=street["other_item"]),
        )
    assert refused.value.errors["plan_item"] == ["「对应计划」：只能选择本小组一街一策中的计划活动"]


def test_a_plan_item_of_another_year_is_refused(street):
    last_year = StreetGroupPlan.objects.create(group=street["group"], year=TODAY.year - 1, needs="n", approach="a")
    old = StreetPlanItem.objects.create(plan=last_year, month=5, activity="旧计划", kind=ActivityKind.FORUM)
    errors = street_activities.check_fields(
        street["group"], street_activities.Fields(date=TODAY, title="t", kind="forum", plan_item=old)
    )
    assert errors["plan_item"] == [f"「对应计划」：应是本小组 {TODAY.year} 年一街一策中的计划活动"]


@pytest.mark.parametrize(
    "who, reads, writes",
    [
        ("liaison", True, True),
        ("office", True, True),  # runs 东华门 with the street
        ("liaison_office", True, True),
        ("secretary", True, False),  # the leadership reads
        ("other_liaison", False, False),
        ("econ_office", False, False),
        ("member", False, False),
    ],
)
def test_who_reads_and_writes_an_activity(client, street, who, reads, writes):
    activity = street_activities.create_activity(
        street["liaison"], street["group"], street_activities.Fields(date=TODAY, title="座谈会", kind="forum")
    )
    client.force_login(street[who])
    page = client.get(reverse("street_group_activity_edit", args=[activity.pk]))
    assert page.status_code == (200 if reads else 404)
    if reads:
        assert ('name="title"' in page.content.decode()) is writes
    response = client.post(reverse("street_group_activity_edit", args=[activity.pk]), form_data(title="改过的"))
    activity.refresh_from_db()
    assert (activity.title == "改过的") is writes
    if not writes:
        assert response.status_code == 404
    listing = client.get(reverse("street_group_activities"))
    assert (activity.title in listing.content.decode()) is reads


def test_another_groups_liaison_cannot_add_to_it(client, street):
    client.force_login(street["other_liaison"])
    response = client.post(f"{reverse('street_group_activity_add')}?group={street['group'].pk}", form_data())
    assert response.status_code == 404
    assert not StreetGroupActivity.objects.exists()
    # without ?group= it goes to their own group
    add(client, street)
    assert StreetGroupActivity.objects.get().group == street["other"]


def test_attendance_edit_marks_removes_and_adds_by_code(client, street):
    client.force_login(street["liaison"])
    add(client, street)
    activity = StreetGroupActivity.objects.get()
    wang, li, zhao = street["members"]
    data = form_data(
        **{
            f"presence_{wang.pk}": Presence.EXCUSED,
            f"role_{wang.pk}": "",
            f"presence_{li.pk}": Presence.PRESENT,
            f"role_{li.pk}": "主持",
            f"presence_{zhao.pk}": Presence.ABSENT,
            f"remove_{zhao.pk}": "1",
            "add_codes": "0901",
        }
    )
    client.post(reverse("street_group_activity_edit", args=[activity.pk]), data)
    rows = {r.member.code: (r.presence, r.role) for r in activity.attendance.select_related("member")}
    assert rows == {"0101": ("excused", ""), "0201": ("present", "主持"), "0901": ("present", "")}

    response = client.post(reverse("street_group_activity_edit", args=[activity.pk]), {**data, "add_codes": "0456"})
    assert "「添加委员」：名册中没有 0456" in response.content.decode()


def test_photos_are_checked_before_saving_and_served_to_readers_only(client, street, settings, tmp_path):
    settings.PRIVATE_ROOT = str(tmp_path)
    client.force_login(street["liaison"])
    fake = SimpleUploadedFile("photo.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post(reverse("street_group_activity_add"), {**form_data(), "photos": [fake]})
    assert "「照片」：只接受 JPG、PNG，单张不超过 10 MB" in response.content.decode()
    assert not StreetGroupActivity.objects.exists() and not ActivityPhoto.objects.exists()

    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 1024 * 1024 + 1), content_type="image/png")
    assert street_activities.check_photo(big).startswith("「照片」：只接受 JPG、PNG，单张不超过 10 MB")

    good = SimpleUploadedFile("义诊.png", png_bytes(), content_type="image/png")
    client.post(reverse("street_group_activity_add"), {**form_data(), "photos": [good]})
    photo = ActivityPhoto.objects.get()
    with pytest.raises(ValueError):  # private storage: no public address
        _ = photo.file.url
    url = reverse("street_group_activity_photo", args=[photo.activity_id, photo.pk])
    assert client.get(url).status_code == 200
    client.force_login(street["other_liaison"])
    assert client.get(url).status_code == 404
    client.force_login(street["secretary"])
    assert client.get(url).status_code == 200


def test_delete_is_refused_to_another_group_and_done_by_the_liaison(client, street):
    activity = street_activities.create_activity(
        street["liaison"], street["group"], street_activities.Fields(date=TODAY, title="走访", kind="visit")
    )
    client.force_login(street["other_liaison"])
    assert client.post(reverse("street_group_activity_delete", args=[activity.pk])).status_code == 404
    client.force_login(street["liaison"])
    client.post(reverse("street_group_activity_delete", args=[activity.pk]))
    assert not StreetGroupActivity.objects.exists() and not StreetAttendance.objects.exists()


def test_an_edit_of_an_activity_deleted_meanwhile_is_told_not_a_500(street):
    activity = street_activities.create_activity(
        street["liaison"], street["group"], street_activities.Fields(date=TODAY, title="走访", kind="visit")
    )
    StreetGroupActivity.objects.filter(pk=activity.pk).delete()
    with pytest.raises(street_activities.rules.StationError, match="这项活动已被删除"):
        street_activities.update_activity(
            street["liaison"], activity.pk, street_activities.Fields(date=TODAY, title="t", kind="visit")
        )


def test_admin_list_scope(client, street):
    mine = street_activities.create_activity(
        street["liaison"], street["group"], street_activities.Fields(date=TODAY, title="东华门座谈", kind="forum")
    )
    street_activities.create_activity(
        street["other_liaison"], street["other"], street_activities.Fields(date=TODAY, title="景山讲座", kind="lecture")
    )
    url = reverse("street_group_activity_list")
    client.force_login(street["office"])
    text = client.get(url).content.decode()
    assert "东华门座谈" in text and "景山讲座" not in text
    assert f'data-activity="{mine.pk}"' in text
    client.force_login(street["secretary"])
    text = client.get(url).content.decode()
    assert "东华门座谈" in text and "景山讲座" in text
    client.force_login(street["liaison"])  # a liaison works on the front end, not in the admin
    response = client.get(url)
    assert response.status_code in (302, 403)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_in_chromium_a_liaison_records_an_activity_on_a_phone_and_the_office_reads_the_lists(
    browser, live_server, street
):
    from .test_browser import ARTIFACTS, _with_password, login_in

    password = "pw-lianxin-123"
    liaison = _with_password(street["liaison"])
    context, page = login_in(browser, live_server, liaison, password, "/forms/street-group/activities/", width=390)
    page.click("text=＋ 记录一次活动")
    page.fill("#id_title", "社区义诊进楼门")
    page.select_option("#id_kind", "clinic")
    page.fill("#id_place", "东华门社区服务中心")
    page.fill("#id_opinions", "3")
    page.fill("#id_deeds", "2")
    page.click("main button[type=submit]")
    page.wait_for_selector("#attendance")
    assert "已按本小组名单邀请 3 位委员" in page.inner_text("main")
    wang = street["members"][0]
    page.select_option(f"select[name=presence_{wang.pk}]", "excused")
    page.click("main button[type=submit]")
    page.wait_for_selector("#messages")
    assert StreetAttendance.objects.get(member=wang).presence == Presence.EXCUSED
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "street-activity-phone.png"), full_page=True)
    page.goto(f"{live_server.url}/forms/street-group/activities/")
    page.screenshot(path=str(ARTIFACTS / "street-activities-phone.png"), full_page=True)
    context.close()

    office = _with_password(street["liaison_office"])
    context, page = login_in(browser, live_server, office, password, "/admin/stations/street-activities/")
    assert "社区义诊进楼门" in page.inner_text("main")
    page.screenshot(path=str(ARTIFACTS / "street-activities-desktop.png"), full_page=True)
    year = TODAY.year if TODAY.month > 6 else TODAY.year - 1
    page.goto(f"{live_server.url}/admin/stations/street-reports/{year}/{1 if TODAY.month > 6 else 2}/")
    page.fill("#summary", "各小组围绕街道中心工作开展活动。")
    page.click("text=保存草稿")
    page.wait_for_selector("[data-overview]")
    page.screenshot(path=str(ARTIFACTS / "street-halfyear-desktop.png"), full_page=True)
    context.close()
