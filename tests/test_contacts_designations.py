"""三联系 designations (issue 15 item 1): 主席会议职务 and 青年委员, kept by 委员联络室 in the 委员 edit
form and carried by the roster as two optional columns."""

import io

import openpyxl
import pytest
from django.urls import reverse

from people import roles
from people.models import ChairRole, Member
from people.roster import HEADERS, OPTIONAL_HEADERS, import_roster
from people.roster_export import export_roster

from .conftest import as_xlsx

pytestmark = pytest.mark.django_db

ROW = ("14001", "王丽", "女", "教育界", "", "教科文卫体委员会", "区第一中学 教师", "13800138000", "否", "")


def designations(code):
    member = Member.objects.get(code=code)
    return member.chair_role, member.is_youth


def test_a_file_without_the_columns_keeps_the_stored_designations(members):
    Member.objects.filter(code="14001").update(chair_role=ChairRole.VICE_CHAIR, is_youth=True)
    report = import_roster(as_xlsx([list(HEADERS), list(ROW)]), "名册.xlsx", dry_run=False)
    assert report.ok, report.errors
    assert designations("14001") == (ChairRole.VICE_CHAIR, True)


def test_a_new_member_from_a_file_without_the_columns_has_none(reference):
    row = ("15009", "新人", "男", "经济界", "", "", "", "", "否", "")
    report = import_roster(as_xlsx([list(HEADERS), list(row)]), "名册.xlsx", dry_run=False)
    assert report.ok and report.created == 1
    assert designations("15009") == ("", False)


def test_a_file_with_the_columns_sets_them_and_a_blank_clears_the_chair_role(members):
    header = [*HEADERS, *OPTIONAL_HEADERS]
    report = import_roster(as_xlsx([header, [*ROW, "副主席", "是"]]), "名册.xlsx", dry_run=False)
    assert report.ok and report.updated == 1
    assert designations("14001") == (ChairRole.VICE_CHAIR, True)
    change = report.changes[0]["changed"]
    assert {c["column"]: c["new"] for c in change} == {"主席会议职务": "副主席", "青年委员": "是"}

    report = import_roster(as_xlsx([header, [*ROW, "", "否"]]), "名册.xlsx", dry_run=False)
    assert report.ok and report.updated == 1
    assert designations("14001") == ("", False)


def test_only_one_of_the_columns_changes_only_that_one(members):
    Member.objects.filter(code="14001").update(chair_role=ChairRole.CHAIR, is_youth=False)
    report = import_roster(as_xlsx([[*HEADERS, "青年委员"], [*ROW, "是"]]), "名册.xlsx", dry_run=False)
    assert report.ok
    assert designations("14001") == (ChairRole.CHAIR, True)


@pytest.mark.parametrize(
    "chair, youth, expected",
    [
        ("秘书长", "否", "第 2 行「主席会议职务」：应填“主席”“副主席”或留空，不能是“秘书长”。"),
        ("", "也许", "第 2 行「青年委员」：应填“是”或“否”，不能是“也许”。"),
    ],
)
def test_a_bad_designation_is_named_in_chinese_and_nothing_is_written(members, chair, youth, expected):
    header = [*HEADERS, *OPTIONAL_HEADERS]
    report = import_roster(as_xlsx([header, [*ROW, chair, youth]]), "名册.xlsx", dry_run=False)
    assert report.errors == [expected]
    assert designations("14001") == ("", False)


def test_the_export_carries_them_and_imports_back_with_no_change(members):
    Member.objects.filter(code="14001").update(chair_role=ChairRole.CHAIR)
    Member.objects.filter(code="14002").update(is_youth=True)
    data = export_roster(fmt="xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert list(rows[0][-2:]) == ["主席会议职务", "青年委员"]
    assert rows[1][-2:] == ("主席", "否") and rows[2][-2:] in (("", "是"), (None, "是"))
    for fmt in ("xlsx", "csv"):
        report = import_roster(export_roster(fmt=fmt), f"名册.{fmt}", dry_run=False)
        assert report.ok, report.errors
        assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert designations("14001") == (ChairRole.CHAIR, False)
    assert designations("14002") == ("", True)


# --- the 委员 edit form in the admin


def edit_form(client, member):
    return client.get(reverse("people_member_modeladmin_edit", args=[member.pk]))


def post_member(client, member, **changes):
    data = {
        "code": member.code,
        "name": member.name,
        "gender": member.gender,
        "sector": member.sector_id,
        "employer_title": member.employer_title,
        "phone": member.phone,
        "is_standing": "",
        "chair_role": "",
        **changes,
    }
    return client.post(reverse("people_member_modeladmin_edit", args=[member.pk]), data)


def test_the_liaison_office_sets_the_designations_in_the_member_form(members, make_user, login, roles_synced):
    client = login(make_user(roles.LIAISON_OFFICE))
    teacher = members["teacher"]
    page = edit_form(client, teacher).content.decode()
    assert 'name="chair_role"' in page and 'name="is_youth"' in page
    response = post_member(client, teacher, chair_role=ChairRole.VICE_CHAIR, is_youth="on")
    assert response.status_code == 302
    assert designations("14001") == (ChairRole.VICE_CHAIR, True)


def test_the_system_admin_sees_them_but_cannot_change_them(members, make_user, login, roles_synced):
    client = login(make_user(roles.SYSTEM_ADMIN))
    teacher = members["teacher"]
    Member.objects.filter(pk=teacher.pk).update(is_youth=True)
    teacher.refresh_from_db()
    page = edit_form(client, teacher).content.decode()
    assert "由委员联络室维护" in page
    response = post_member(client, teacher, chair_role=ChairRole.CHAIR, employer_title="区第二中学 教师")
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.employer_title == "区第二中学 教师"
    assert (teacher.chair_role, teacher.is_youth) == ("", True)
