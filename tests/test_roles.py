"""Each role can do its job and nothing more."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Page

from people import roles
from people.services import members_visible_to

pytestmark = pytest.mark.django_db

DENIED = "/admin/"  # Wagtail sends a user to the dashboard with a message when refused


def perms_of(group):
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_migrate_creates_exactly_the_committees_roles():
    names = set(Group.objects.values_list("name", flat=True))
    assert set(roles.ROLE_NAMES) <= names
    assert set(roles.ROLE_NAMES) == {
        "编辑",
        "审核员",
        "委员",
        "活动日填报单位",
        "界别组长",
        "专委会工作室",
        "专委会工作六室",
        "委员联络室",
        "秘书长",
        "分管副主席",
        "主席会议",
        "系统管理员",
        "提案委",
        "研究室",
        "工作室召集人",
        "街道小组联络员",
        "区政协办公室",
        "联系点联络员",
    }


@pytest.mark.parametrize("role", roles.ROLES, ids=lambda r: r.name)
def test_each_group_holds_exactly_its_listed_permissions(role):
    group = Group.objects.get(name=role.name)
    assert perms_of(group) == set(role.permissions)
    assert {p.permission.codename for p in GroupPagePermission.objects.filter(group=group)} == set(
        role.page_permissions
    )
    assert {
        f"{p.permission.content_type.app_label}.{p.permission.codename}"
        for p in GroupCollectionPermission.objects.filter(group=group)
    } == set(role.collection_permissions)


def test_sync_roles_takes_back_a_permission_granted_by_hand():
    group = Group.objects.get(name=roles.SECTOR_LEADER)
    group.permissions.add(Permission.objects.get(codename="delete_member"))

    roles.sync_roles()

    assert perms_of(group) == {
        "people.view_member",
        "forms_app.add_fiveonesfiling",
        "forms_app.add_workstationapplication",
        "results.add_result",
        "contacts.add_contactactivity",
        "intake.handle_cases",
        "intake.enter_sector_cases",
    }


# --- 履职成果: the two offices that handle results, each for its own kinds

RESULTS_OFFICE_PERMISSIONS = {
    "wagtailadmin.access_admin",
    "people.view_sector",
    "people.view_party",
    "people.view_specialcommittee",
    "people.view_streetgroup",
    "people.view_member",
    "people.view_all_members",
    "results.view_result",
    "results.add_result",
    "results.change_result",
    "results.import_results",
    "results.export_results",
}


def test_sync_roles_gives_the_proposal_committee_exactly_its_permissions():
    group = Group.objects.get(name=roles.PROPOSAL_COMMITTEE)
    group.permissions.add(Permission.objects.get(codename="manage_other_results"))
    group.permissions.remove(Permission.objects.get(codename="manage_proposals"))

    roles.sync_roles()

    assert perms_of(group) == RESULTS_OFFICE_PERMISSIONS | {
        "results.manage_proposals",
        "results.add_handlingunit",
        "results.change_handlingunit",
        "results.view_handlingunit",
        "results.add_resultyear",
        "results.change_resultyear",
        "results.view_resultyear",
    }


def test_sync_roles_gives_the_research_office_exactly_its_permissions():
    group = Group.objects.get(name=roles.RESEARCH_OFFICE)
    group.permissions.add(Permission.objects.get(codename="manage_proposals"))
    group.permissions.add(Permission.objects.get(codename="delete_result"))

    roles.sync_roles()

    assert perms_of(group) == RESULTS_OFFICE_PERMISSIONS | {"results.manage_other_results"} | set(
        roles.INTAKE_RESEARCH + roles.HANDLE_CASES
    )


def test_nobody_but_a_superuser_may_delete_a_result_and_only_the_readers_read_all():
    holders = {
        name
        for name, codename in Permission.objects.filter(
            content_type__app_label="results", group__name__in=roles.ROLE_NAMES
        ).values_list("group__name", "codename")
        if codename.startswith("delete_")
    }
    assert holders == set()
    readers = Group.objects.filter(permissions__codename="view_all_results").values_list("name", flat=True)
    assert set(readers) == {roles.LIAISON_OFFICE, roles.SECRETARY_GENERAL, roles.VICE_CHAIR, roles.CHAIRS_MEETING}


def test_only_editors_and_reviewers_touch_pages_and_only_reviewers_publish():
    holders = set(
        GroupPagePermission.objects.filter(group__name__in=roles.ROLE_NAMES).values_list("group__name", flat=True)
    )
    assert holders == {roles.EDITOR, roles.REVIEWER}
    publishers = GroupPagePermission.objects.filter(
        permission__codename="publish_page", group__name__in=roles.ROLE_NAMES
    )
    assert set(publishers.values_list("group__name", flat=True)) == {roles.REVIEWER}


# --- who sees which members


def test_sector_leader_sees_only_their_sector(make_user, members, reference):
    leader = make_user(roles.SECTOR_LEADER, sector=reference["economy"])
    assert set(members_visible_to(leader)) == {members["banker"], members["engineer"]}


def test_party_leader_sees_only_their_party(make_user, members, reference):
    leader = make_user(roles.SECTOR_LEADER, party=reference["minmeng"])
    assert set(members_visible_to(leader)) == {members["doctor"]}


def test_committee_office_sees_its_committee_and_the_sectors_it_contacts(make_user, members, reference):
    office = make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"])
    # teacher: education (contacted) and on the committee; doctor: health (contacted).
    assert set(members_visible_to(office)) == {members["teacher"], members["doctor"]}


@pytest.mark.parametrize(
    "role",
    [
        roles.ARCHIVE_OFFICE,
        roles.LIAISON_OFFICE,
        roles.SECRETARY_GENERAL,
        roles.VICE_CHAIR,
        roles.CHAIRS_MEETING,
        roles.SYSTEM_ADMIN,
    ],
)
def test_roster_wide_roles_see_everyone(make_user, members, role):
    assert members_visible_to(make_user(role)).count() == 4


@pytest.mark.parametrize("role", [roles.EDITOR, roles.MEMBER, None])
def test_roles_without_roster_access_see_no_one(make_user, members, role, reference):
    assert members_visible_to(make_user(role, sector=reference["education"])).count() == 0


def test_a_leader_account_without_a_sector_sees_no_one(make_user, members):
    assert members_visible_to(make_user(roles.SECTOR_LEADER)).count() == 0


# --- the admin, as each role uses it


def test_sector_leader_cannot_enter_the_admin(make_user, members, reference, login):
    client = login(make_user(roles.SECTOR_LEADER, sector=reference["education"]))
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == "/my/", "sent to where their work is"


def test_committee_office_lists_and_opens_only_its_members(make_user, members, reference, login):
    client = login(make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]))

    listing = client.get(reverse("people_member_modeladmin_index")).content.decode()
    assert "王丽" in listing and "李强" in listing
    assert "赵敏" not in listing and "陈杰" not in listing

    own = client.get(reverse("people_member_modeladmin_inspect", args=[members["teacher"].pk]))
    assert own.status_code == 200 and "13800138000" in own.content.decode()
    other = client.get(reverse("people_member_modeladmin_inspect", args=[members["banker"].pk]))
    assert other.status_code == 302 and other["Location"] == DENIED


@pytest.mark.parametrize("role", [roles.COMMITTEE_OFFICE, roles.ARCHIVE_OFFICE, roles.SECRETARY_GENERAL, roles.EDITOR])
def test_roles_that_may_not_change_the_roster(make_user, members, reference, login, role):
    client = login(make_user(role, committee=reference["edu_committee"]))
    teacher = members["teacher"]
    for url in (
        reverse("people_member_modeladmin_edit", args=[teacher.pk]),
        reverse("people_member_modeladmin_create"),
        reverse("people_member_modeladmin_delete", args=[teacher.pk]),
        reverse("people_roster_import"),
        reverse("people_roster_export"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == DENIED, (role, url)
    response = client.post(reverse("people_member_modeladmin_delete", args=[teacher.pk]))
    assert response["Location"] == DENIED
    assert teacher.__class__.objects.filter(pk=teacher.pk).exists()


def edit_member(client, member, **changes):
    """Submit the member's edit form as the admin shows it, with some fields changed."""
    form = {
        "code": member.code,
        "name": member.name,
        "gender": member.gender,
        "sector": member.sector_id,
        "employer_title": member.employer_title,
        "phone": member.phone,
    }
    return client.post(reverse("people_member_modeladmin_edit", args=[member.pk]), {**form, **changes})


def test_liaison_office_maintains_the_roster_but_not_reference_data(make_user, members, reference, login):
    client = login(make_user(roles.LIAISON_OFFICE))
    teacher = members["teacher"]

    response = edit_member(client, teacher, sector=reference["health"].pk, employer_title="区人民医院 医生")
    assert response.status_code == 302, response.content.decode()[:2000]
    teacher.refresh_from_db()
    assert teacher.sector == reference["health"]
    assert client.get(reverse("people_roster_import")).status_code == 200
    assert client.get(reverse("people_roster_export")).status_code == 200
    assert client.get(reverse("people_sector_modeladmin_create"))["Location"] == DENIED


def test_member_form_explains_a_bad_phone_in_chinese_and_keeps_the_input(make_user, members, reference, login):
    client = login(make_user(roles.LIAISON_OFFICE))
    teacher = members["teacher"]
    response = edit_member(client, teacher, name="王丽新", employer_title="新单位", phone="12345")
    page = response.content.decode()
    assert response.status_code == 200
    assert "格式不正确" in page and "新单位" in page and "王丽新" in page
    teacher.refresh_from_db()
    assert teacher.name == "王丽"


def test_system_admin_maintains_reference_data_and_accounts(make_user, reference, login):
    client = login(make_user(roles.SYSTEM_ADMIN))
    response = client.post(
        reverse("people_sector_modeladmin_create"),
        {"name": "体育界", "sort_order": 5, "contact_committee": reference["edu_committee"].pk},
    )
    assert response.status_code == 302
    assert reference["edu_committee"].contact_sectors.filter(name="体育界").exists()
    assert client.get(reverse("wagtailusers_users:index")).status_code == 200
    assert client.get(reverse("people_profile_modeladmin_create")).status_code == 200


def test_editor_edits_pages_and_nothing_of_the_roster(make_user, members, login):
    client = login(make_user(roles.EDITOR))
    home = Page.objects.get(depth=2)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[home.pk])).status_code == 200
    assert client.get(reverse("people_member_modeladmin_index"))["Location"] == DENIED
    assert client.get(reverse("wagtailusers_users:index"))["Location"] == DENIED
    assert "13800138000" not in client.get("/admin/").content.decode()


@pytest.mark.parametrize(
    "role",
    [
        roles.SECTOR_LEADER,
        roles.COMMITTEE_OFFICE,
        roles.ARCHIVE_OFFICE,
        roles.LIAISON_OFFICE,
        roles.SECRETARY_GENERAL,
        roles.VICE_CHAIR,
        roles.CHAIRS_MEETING,
        roles.SYSTEM_ADMIN,
    ],
)
def test_only_editors_may_edit_pages(make_user, login, role):
    client = login(make_user(role))
    home = Page.objects.get(depth=2)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[home.pk]))
    assert response.status_code == 302


def test_profile_cannot_lead_a_sector_and_a_party_at_once(make_user, reference):
    from django.core.exceptions import ValidationError

    from people.models import Profile

    profile = Profile(user=make_user(), sector=reference["education"], party=reference["minmeng"])
    with pytest.raises(ValidationError, match="只能负责一个界别或一个党派"):
        profile.full_clean()
