"""工作室召集人 (issue 16 item 1): the per-station groups and what a convener may do in the admin
and on /forms/station/ — everything through 内容审核, only for their own station."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    WorkflowState,
)

from content.models import PlanItem, WorkstationPage, WorkstationPostPage
from forms_app.models import ActivityDay
from people import roles
from people.models import Profile
from stations import convener

from .content_helpers import plan, site_sections, station

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year


def picture(kind="PNG", name=None, size=(160, 120)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (30, 120, 200)).save(buffer, kind)
    ext = {"PNG": "png", "JPEG": "jpg", "GIF": "gif"}[kind]
    return SimpleUploadedFile(name or f"photo.{ext}", buffer.getvalue(), content_type=f"image/{ext}")


@pytest.fixture
def stations(members, reference, roles_synced):
    _, index = site_sections()
    a = station(index, members["engineer"], title="东四街道委员工作室", committee=reference["econ_committee"])
    b = station(index, members["teacher"], title="景山教育委员工作室", committee=reference["edu_committee"])
    plan(a, datetime.date(YEAR, 11, 5), "委员接待日")
    return {"index": index, "a": a, "b": b}


@pytest.fixture
def convener_user(make_user, stations):
    return make_user(roles.CONVENER, workstation=stations["a"])


@pytest.fixture
def reviewer(make_user, roles_synced):
    return make_user(roles.REVIEWER)


@pytest.fixture
def day(db):
    return ActivityDay.objects.create(
        name=f"{YEAR}年委员活动日",
        theme="履职为民",
        date=TODAY - datetime.timedelta(days=2),
        upload_deadline=TODAY + datetime.timedelta(days=1),
        deadline=TODAY + datetime.timedelta(days=8),
    )


def post_data(**changes):
    data = {
        "title": "社区义诊进楼门",
        "date": (TODAY - datetime.timedelta(days=1)).isoformat(),
        "category": "charity",
        "activity_day": "",
        "text": "委员为居民测量血压。\n<script>alert(1)</script>现场解答用药问题。",
    }
    data.update(changes)
    return data


def approve(client, reviewer, page):
    state = WorkflowState.objects.get(object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS)
    client.force_login(reviewer)
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", state.current_task_state_id)),
        {"comment": ""},
    )
    assert response.status_code in (200, 302)
    return state


def reject(reviewer, page, comment):
    state = WorkflowState.objects.get(object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS)
    state.current_task_state.specific.task.specific.on_action(
        state.current_task_state, reviewer, "reject", comment=comment
    )


# --- the groups


def perms(group):
    pages = {
        (p.page_id, p.permission.codename)
        for p in GroupPagePermission.objects.filter(group=group).select_related("permission")
    }
    images = {
        (p.collection_id, p.permission.codename)
        for p in GroupCollectionPermission.objects.filter(group=group).select_related("permission")
    }
    return pages, images


def test_each_station_has_a_group_with_exactly_add_and_change_on_its_page(stations, convener_user):
    a, b = stations["a"], stations["b"]
    group = Group.objects.get(name="召集人·东四街道委员工作室")
    collection = Collection.objects.get(name="东四街道委员工作室")
    assert collection.get_parent() == Collection.get_first_root_node()
    pages, images = perms(group)
    assert pages == {(a.pk, "add_page"), (a.pk, "change_page")}
    assert images == {(collection.pk, "add_image"), (collection.pk, "change_image"), (collection.pk, "choose_image")}
    assert not group.permissions.exists()
    assert list(group.user_set.all()) == [convener_user]
    assert set(convener_user.groups.values_list("name", flat=True)) == {roles.CONVENER, group.name}
    # The other station's group exists too, empty.
    other = Group.objects.get(name="召集人·景山教育委员工作室")
    assert perms(other)[0] == {(b.pk, "add_page"), (b.pk, "change_page")}
    assert not other.user_set.exists()
    # No publishing anywhere for a convener.
    perms_a = a.permissions_for_user(convener_user)
    assert perms_a.can_edit() and perms_a.can_add_subpage() and not perms_a.can_publish()
    assert not b.permissions_for_user(convener_user).can_edit()


def test_moving_a_profile_moves_the_account(stations, convener_user):
    profile = Profile.objects.get(user=convener_user)
    profile.workstation = stations["b"]
    profile.save()
    names = set(convener_user.groups.values_list("name", flat=True))
    assert names == {roles.CONVENER, "召集人·景山教育委员工作室"}
    assert not Group.objects.get(name="召集人·东四街道委员工作室").user_set.exists()
    profile.workstation = None
    profile.save()
    assert not convener_user.groups.exists()
    profile.workstation = stations["a"]
    profile.save()
    profile.delete()
    assert not convener_user.groups.exists()


def test_sync_roles_restores_exact_membership(stations, convener_user, make_user):
    group = Group.objects.get(name="召集人·东四街道委员工作室")
    stray = make_user(roles.MEMBER)
    group.user_set.set([stray])
    Group.objects.get(name=roles.CONVENER).user_set.add(stray)
    GroupPagePermission.objects.filter(group=group).delete()
    roles.sync_roles()
    assert list(group.user_set.all()) == [convener_user]
    assert list(Group.objects.get(name=roles.CONVENER).user_set.all()) == [convener_user]
    assert perms(group)[0] == {(stations["a"].pk, "add_page"), (stations["a"].pk, "change_page")}


def test_a_renamed_station_renames_its_group_and_a_deleted_one_loses_it(stations, convener_user):
    a = WorkstationPage.objects.get(pk=stations["a"].pk)
    a.title = "东四委员之家"
    a.save_revision().publish()
    assert Group.objects.filter(name="召集人·东四委员之家", user=convener_user).exists()
    assert not Group.objects.filter(name="召集人·东四街道委员工作室").exists()
    assert Collection.objects.filter(name="东四委员之家").exists()
    Page.objects.get(pk=a.pk).delete()
    assert not Group.objects.filter(name__startswith=roles.CONVENER_GROUP_PREFIX + "东四").exists()
    assert not convener_user.groups.exists()  # no station, no role


# --- the admin


def test_in_the_admin_a_convener_sees_only_photos_and_plan_and_cannot_change_the_slug(client, stations, convener_user):
    a = stations["a"]
    client.force_login(convener_user)
    response = client.get(reverse("wagtailadmin_pages:edit", args=(a.pk,)))
    assert response.status_code == 200
    form = response.context["form"]
    assert {"photos", "plan_items"} <= set(form.formsets)
    for field in ("slug", "go_live_at", "expire_at", "seo_title", "address", "lead_member", "title"):
        assert field not in form.fields, field
    # An editor still has them all.


def test_in_the_admin_another_station_is_refused_and_publishing_is_not_offered(client, stations, convener_user):
    client.force_login(convener_user)
    response = client.get(reverse("wagtailadmin_pages:edit", args=(stations["b"].pk,)))
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        followed = client.get(response["Location"])
        assert "没有权限" in followed.content.decode() or "权限" in [str(m) for m in followed.context["messages"]][0]
    # Adding a 动态 under another station: refused; under their own: the form.
    add_other = reverse("wagtailadmin_pages:add", args=("content", "workstationpostpage", stations["b"].pk))
    assert client.get(add_other).status_code in (302, 403)
    add_own = reverse("wagtailadmin_pages:add", args=("content", "workstationpostpage", stations["a"].pk))
    assert client.get(add_own).status_code == 200
    # Posting 发布 with a new slug and a schedule on their own station: a draft revision for
    # review, without the slug or schedule, and nothing published.
    a = stations["a"]
    item = PlanItem.objects.get(workstation=a)
    revisions = a.revisions.count()
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(a.pk,)),
        {
            "action-publish": "action-publish",
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
            "photos-MIN_NUM_FORMS": "0",
            "photos-MAX_NUM_FORMS": "1000",
            "plan_items-TOTAL_FORMS": "1",
            "plan_items-INITIAL_FORMS": "1",
            "plan_items-MIN_NUM_FORMS": "0",
            "plan_items-MAX_NUM_FORMS": "1000",
            "plan_items-0-id": str(item.pk),
            "plan_items-0-date": f"{YEAR}-11-06",
            "plan_items-0-title": "委员接待日（改期）",
            "plan_items-0-participants": "",
            "plan_items-0-activity_day": "",
            "plan_items-0-ORDER": "1",
            "plan_items-0-DELETE": "",
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
            "slug": "hijacked",
            "go_live_at": "2030-01-01 00:00",
            "address": "别处",
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    a.refresh_from_db()
    assert a.revisions.count() == revisions + 1
    draft = a.get_latest_revision_as_object()
    assert draft.plan_items.all()[0].title == "委员接待日（改期）"
    assert (draft.slug, draft.go_live_at, draft.address) == (a.slug, None, "东四大街 1 号")
    assert PlanItem.objects.get(workstation=a).title == "委员接待日" and a.has_unpublished_changes


# --- the front end: 发动态


def test_a_post_waits_in_review_until_a_reviewer_approves(client, stations, convener_user, reviewer, day):
    a = stations["a"]
    client.force_login(convener_user)
    assert client.get(reverse("station_post")).status_code == 200
    response = client.post(
        reverse("station_post"),
        post_data(activity_day=str(day.pk), pictures=[picture("PNG"), picture("JPEG", "b.jpg")]),
    )
    assert response.status_code == 302
    post = WorkstationPostPage.objects.child_of(a).get(title="社区义诊进楼门")
    assert not post.live and post.owner == convener_user and post.activity_day == day
    assert "&lt;script&gt;" in post.text and "<script>" not in post.text
    collection = Collection.objects.get(name=a.title)
    assert post.cover.collection == collection
    assert [p.image.collection for p in post.pictures.all()] == [collection]
    state = WorkflowState.objects.get(object_id=str(post.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and state.requested_by == convener_user
    assert state.workflow.name == "内容审核"

    client.logout()
    assert "社区义诊进楼门" not in client.get(a.url).content.decode()
    client.force_login(convener_user)
    page = client.get(reverse("station_submissions")).content.decode()
    assert "待审核" in page and "社区义诊进楼门" in page

    approve(client, reviewer, post)
    post.refresh_from_db()
    assert post.live
    client.logout()
    assert "社区义诊进楼门" in client.get(a.url).content.decode()
    client.force_login(convener_user)
    assert "已发布" in client.get(reverse("station_submissions")).content.decode()


def test_a_returned_post_shows_the_comment_and_is_resubmitted(client, stations, convener_user, reviewer):
    client.force_login(convener_user)
    client.post(reverse("station_post"), post_data())
    post = WorkstationPostPage.objects.get(title="社区义诊进楼门")
    # Pending: no editing.
    assert client.get(reverse("station_post_edit", args=(post.pk,))).status_code == 302
    reject(reviewer, post, "请补充参加委员的姓名")
    page = client.get(reverse("station_submissions")).content.decode()
    assert "退回" in page and "请补充参加委员的姓名" in page
    form = client.get(reverse("station_post_edit", args=(post.pk,)))
    assert form.context["form"].initial["text"].startswith("委员为居民测量血压。")
    assert f'value="{post.date:%Y-%m-%d}"' in form.content.decode()
    response = client.post(
        reverse("station_post_edit", args=(post.pk,)), post_data(title="社区义诊进楼门（王丽、李强参加）")
    )
    assert response.status_code == 302
    state = WorkflowState.objects.get(object_id=str(post.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.revision.as_object().title == "社区义诊进楼门（王丽、李强参加）"
    # Resubmitted: a second resubmission is refused by the rule.
    with pytest.raises(convener.ConvenerError, match="已经提交审核"):
        convener.resubmit_post(convener_user, post.pk, pictures=[], **PostValues.of(post))


class PostValues:
    @staticmethod
    def of(post):
        return {
            "title": "x",
            "date": post.date,
            "category": post.category,
            "activity_day": None,
            "text": "y",
        }


def test_bad_input_keeps_what_was_typed(client, stations, convener_user):
    client.force_login(convener_user)
    response = client.post(
        reverse("station_post"), post_data(title="", date=(TODAY + datetime.timedelta(days=3)).isoformat())
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "「标题」：请填写。" in html
    assert response.context["form"]["text"].value().startswith("委员为居民测量血压。")
    assert not WorkstationPostPage.objects.filter(owner=convener_user).exists()
    response = client.post(reverse("station_post"), post_data(date=(TODAY + datetime.timedelta(days=3)).isoformat()))
    assert "「活动日期」：动态记录已开展的活动，日期不能晚于今天。" in response.content.decode()


@pytest.mark.parametrize(
    "files, message",
    [
        (lambda: [picture("GIF", "a.gif")], "不是 JPG 或 PNG 图片"),
        (lambda: [picture("PNG"), SimpleUploadedFile("x.png", b"not an image")], "第 2 张（x.png）不是 JPG 或 PNG"),
        (lambda: [SimpleUploadedFile("big.jpg", b"\xff" * (convener.MAX_PICTURE_BYTES + 1))], "超过"),
        (lambda: [picture("PNG", f"{n}.png") for n in range(10)], "最多 9 张"),
    ],
)
def test_pictures_are_refused_by_type_and_size_with_nothing_written(client, stations, convener_user, files, message):
    images, pages = get_image_model().objects.count(), Page.objects.count()
    client.force_login(convener_user)
    response = client.post(reverse("station_post"), post_data(pictures=files()))
    assert response.status_code == 200
    html = response.content.decode()
    assert "「图片」" in html and (message in html or message == "超过")
    assert "请重新选择图片" in html
    assert response.context["form"]["title"].value() == "社区义诊进楼门"
    assert (get_image_model().objects.count(), Page.objects.count()) == (images, pages)
    assert not WorkflowState.objects.exists()


# --- 计划


def plan_data(year, rows, based_on=""):
    data = {
        "year": str(year),
        "based_on": str(based_on),
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "60",
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"form-{n}-{key}"] = value
    return data


def test_a_plan_date_outside_the_year_is_refused(client, stations, convener_user):
    a = stations["a"]
    revisions = a.revisions.count()
    client.force_login(convener_user)
    response = client.post(
        reverse("station_plan") + f"?year={YEAR}",
        plan_data(YEAR, [{"date": f"{YEAR + 1}-01-10", "title": "新春走访", "participants": "全体委员"}]),
    )
    assert response.status_code == 200
    assert f"「日期」：计划活动应在 {YEAR} 年内" in response.content.decode()
    assert response.context["formset"].forms[0]["title"].value() == "新春走访"
    assert a.revisions.count() == revisions and not WorkflowState.objects.exists()


def test_a_plan_is_a_reviewed_revision(client, stations, convener_user, reviewer, day):
    a = stations["a"]
    client.force_login(convener_user)
    form = client.get(reverse("station_plan"))
    assert form.context["formset"].forms[0]["title"].value() == "委员接待日"
    # The saved date is in the browser's date box (an ISO value: zh-hans writes 2026/11/05, which
    # a date input shows empty, and an unchanged form would then be refused row by row).
    assert f'value="{YEAR}-11-05"' in form.content.decode()
    rows = [
        {"date": f"{YEAR}-11-05", "title": "委员接待日", "participants": ""},
        {"date": f"{YEAR}-12-01", "title": "年终座谈", "participants": "全体委员", "activity_day": str(day.pk)},
    ]
    response = client.post(reverse("station_plan"), plan_data(YEAR, rows, form.context["based_on"]))
    assert response.status_code == 302
    # The live page keeps the old plan until approved.
    assert list(PlanItem.objects.filter(workstation=a).values_list("title", flat=True)) == ["委员接待日"]
    assert "待审核" in client.get(reverse("station_submissions")).content.decode()
    # While in review, another edit is refused.
    with pytest.raises(convener.ConvenerError, match="正在内容审核中"):
        convener.submit_plan(convener_user, YEAR, [])
    approve(client, reviewer, a)
    assert set(PlanItem.objects.filter(workstation=a).values_list("title", flat=True)) == {"委员接待日", "年终座谈"}
    assert PlanItem.objects.get(title="年终座谈").activity_day == day


def test_a_stale_plan_form_is_refused(stations, convener_user, make_user):
    a = stations["a"]
    opened_on = a.latest_revision_id
    a.save_revision()  # an editor saved the page meanwhile
    with pytest.raises(convener.ConvenerError, match="已被别人修改过"):
        convener.submit_plan(convener_user, YEAR, [], based_on=opened_on)


# --- who may


def test_only_the_convener_and_only_their_station(client, stations, convener_user, make_user):
    assert client.get(reverse("station_home")).status_code == 302  # anonymous → login
    client.force_login(make_user(roles.MEMBER))
    response = client.get(reverse("station_post"))
    assert response.status_code == 403 and "只有工作室召集人" in response.content.decode()
    # Another station's post is a 404 to this convener.
    other = make_user(roles.CONVENER, workstation=stations["b"])
    client.force_login(other)
    client.post(reverse("station_post"), post_data(title="景山的动态"))
    assert "景山的动态" in client.get(reverse("station_submissions")).content.decode()
    theirs = WorkstationPostPage.objects.get(title="景山的动态")
    reject_user = make_user(roles.REVIEWER)
    reject(reject_user, theirs, "退回")
    client.force_login(convener_user)
    assert client.get(reverse("station_post_edit", args=(theirs.pk,))).status_code == 404
    assert client.post(reverse("station_post_edit", args=(theirs.pk,)), post_data()).status_code == 404
    assert "景山的动态" not in client.get(reverse("station_submissions")).content.decode()
    home = client.get(reverse("station_home")).content.decode()
    assert "东四街道委员工作室" in home and "景山" not in home


def test_a_post_under_a_publish_url_is_still_reviewed(stations, convener_user):
    """The convener's own rule never publishes: the page stays a draft in review."""
    post = convener.submit_post(
        convener_user,
        title="读书会",
        date=TODAY,
        category="reading",
        activity_day=None,
        text="学习章程",
        pictures=[],
    )
    assert not WorkstationPostPage.objects.get(pk=post.pk).live
    assert post.get_parent().pk == stations["a"].pk


def test_the_demo_convener_has_a_station_and_a_post_in_review(stations):
    from stations.demo_convener import seed_conveners

    username, label = seed_conveners("demo-pw-1")
    assert (username, label) == ("convener", "工作室召集人 · 东四街道委员工作室")
    assert seed_conveners("demo-pw-1") == (username, label)  # again: nothing doubled
    user = Group.objects.get(name="召集人·东四街道委员工作室").user_set.get()
    assert user.username == "convener" and user.check_password("demo-pw-1")
    post = WorkstationPostPage.objects.get(owner=user)
    assert WorkflowState.objects.get(object_id=str(post.pk)).status == WorkflowState.STATUS_IN_PROGRESS
