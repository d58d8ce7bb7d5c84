"""三联系 › 联系记录 in the admin: each office reads only its scope (list, page, export), logs
a 主席班子集体走访, a visit to a 街道活动小组 and a 专委会走访 with no member maker through the rules,
never for another committee or outside its members, and cannot change members' own entries or a
locked half."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from contacts import rules
from contacts.models import ContactActivity, HalfYearReport, Source, TargetCategory, Way
from people.roles import COMMITTEE_OFFICE, LIAISON_OFFICE, SECRETARY_GENERAL

LAST = timezone.localdate().year - 1
INDEX = reverse("contacts_activity_modeladmin_index")
CREATE = reverse("contacts_activity_modeladmin_create")


def day(month, d):
    return datetime.date(LAST, month, d)


def inspect(pk):
    return reverse("contacts_activity_modeladmin_inspect", args=[pk])


def edit(pk):
    return reverse("contacts_activity_modeladmin_edit", args=[pk])


def delete(pk):
    return reverse("contacts_activity_modeladmin_delete", args=[pk])


@pytest.fixture
def offices(roles_synced, reference, members, make_user):
    return {
        "edu": make_user(COMMITTEE_OFFICE, committee=reference["edu_committee"]),
        "econ": make_user(COMMITTEE_OFFICE, committee=reference["econ_committee"]),
        "liaison": make_user(LIAISON_OFFICE),
        "secretary": make_user(SECRETARY_GENERAL),
    }


def save(date, way, makers=(), contacted=(), targets=(), source=Source.MEMBER, note="", **extra):
    entry = rules.Entry(
        date=date,
        way=way,
        makers=list(makers),
        contacted=list(contacted),
        targets=list(targets),
        source=source,
        note=note,
        **extra,
    )
    return rules.save_entry(entry, None)


@pytest.fixture
def entries(members, reference):
    m = members
    return {
        "teacher": save(day(3, 1), Way.VISIT, [m["teacher"]], targets=[(TargetCategory.ENTERPRISE, "区实验小学")]),
        "banker": save(
            day(3, 2), Way.PHONE, [m["banker"]], targets=[(TargetCategory.PUBLIC, "钱先生")], note="贷款咨询"
        ),
        "edu_visit": save(
            day(3, 3), Way.VISIT, contacted=[m["doctor"]], committee=reference["edu_committee"], source=Source.OFFICE
        ),
        "econ_visit": save(
            day(3, 4), Way.VISIT, contacted=[m["engineer"]], committee=reference["econ_committee"], source=Source.OFFICE
        ),
        # The banker (econ) calls the teacher (edu): the edu office reads the entry, not the
        # banker's unit or the note.
        "crossing": save(
            day(3, 5),
            Way.PHONE,
            [m["banker"]],
            [m["teacher"]],
            targets=[(TargetCategory.ENTERPRISE, "区商业银行")],
            note="只给经济委看",
        ),
    }


def rows_of(client, params=None):
    response = client.get(reverse("contacts_activities_export"), params or {})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_each_office_reads_only_its_scope(login, offices, entries):
    e = entries
    client = login(offices["edu"])
    page = client.get(INDEX).content.decode()
    assert "区实验小学" in page and "教科文卫体委员会（专委会走访）" in page
    assert "钱先生" not in page and "经济委员会（专委会走访）" not in page
    assert "另有 1 个联系对象" in page and "区商业银行" not in page
    for mine in ("teacher", "edu_visit", "crossing"):
        assert client.get(inspect(e[mine].pk)).status_code == 200, mine
    for theirs in ("banker", "econ_visit"):
        assert client.get(inspect(e[theirs].pk)).status_code == 404, theirs
        assert client.get(edit(e[theirs].pk)).status_code == 404, theirs
    crossing = client.get(inspect(e["crossing"].pk)).content.decode()
    assert "只给经济委看" not in crossing and "区商业银行" not in crossing
    exported = rows_of(client)
    assert len(exported) == 4 and "钱先生" not in str(exported) and "只给经济委看" not in str(exported)

    econ = login(offices["econ"])
    assert econ.get(inspect(e["teacher"].pk)).status_code == 404
    assert "只给经济委看" in econ.get(inspect(e["crossing"].pk)).content.decode()
    assert len(rows_of(econ)) == 4  # banker, econ_visit, crossing, and the header
    assert len(rows_of(login(offices["liaison"]))) == 6
    # The filters apply to the export as to the list.
    phoned = rows_of(login(offices["liaison"]), {"way": Way.PHONE})[1:]
    assert [r[0].date() for r in phoned] == [day(3, 2), day(3, 5)]
    assert len(rows_of(login(offices["liaison"]), {"year": LAST, "month": 4})) == 1
    assert len(rows_of(login(offices["liaison"]), {"committee": e["econ_visit"].committee_id})) == 4
    assert "区实验小学" in login(offices["liaison"]).get(INDEX, {"source": Source.MEMBER}).content.decode()


def form(**values):
    data = {
        "date": day(5, 6).isoformat(),
        "way": Way.VISIT,
        "makers": "",
        "committee": "",
        "contacted": "",
        "target_category": "",
        "targets": "",
        "street_group": "",
        "note": "",
    }
    return {**data, **values}


def test_an_office_logs_a_collective_visit_a_street_group_and_a_committee_visit(login, offices, members, reference):
    m = members
    client = login(offices["edu"])
    response = client.post(
        CREATE, form(makers="14001、李强", target_category=TargetCategory.ENTERPRISE, targets="区文化馆、区图书馆")
    )
    assert response.status_code == 302, response.content.decode()
    collective = ContactActivity.objects.get(date=day(5, 6))
    assert set(collective.makers.all()) == {m["teacher"], m["doctor"]} and collective.source == Source.OFFICE
    assert set(collective.targets.values_list("member__code", "name")) == {("14001", "区文化馆"), ("14001", "区图书馆")}

    client.post(CREATE, form(date=day(5, 7).isoformat(), makers="14002", street_group=reference["donghuamen"].pk))
    assert ContactActivity.objects.get(date=day(5, 7)).street_group == reference["donghuamen"]

    client.post(
        CREATE, form(date=day(5, 8).isoformat(), committee=reference["edu_committee"].pk, contacted="14001、14002")
    )
    visit = ContactActivity.objects.get(date=day(5, 8))
    assert visit.committee == reference["edu_committee"] and not visit.makers.exists()
    assert set(visit.contacted_members.all()) == {m["teacher"], m["doctor"]}


def test_an_office_cannot_log_for_another_committee_or_outside_its_members(login, offices, members, reference):
    client = login(offices["edu"])
    page = client.post(
        CREATE, form(committee=reference["econ_committee"].pk, contacted="14001", note="另一个专委会")
    ).content.decode()
    assert "「组织的专委会」：只能选择本工作室的专委会" in page and "另一个专委会" in page  # what was typed stays
    page = client.post(CREATE, form(makers="14003", contacted="14001")).content.decode()
    assert "「联系人」：赵敏（14003）不在本工作室负责的委员范围内" in page
    page = client.post(CREATE, form(committee=reference["edu_committee"].pk, contacted="14004")).content.decode()
    assert "「被联系的委员」：陈杰（14004）不在本工作室负责的委员范围内" in page
    page = client.post(CREATE, form(makers="14001", date="2099-01-01", way="meeting")).content.decode()
    assert "「方式」：应为走访、电话、微信或座谈" in page
    page = client.post(
        CREATE, form(makers="14001", date=(timezone.localdate() + datetime.timedelta(days=3)).isoformat())
    )
    assert "「日期」：不能晚于今天" in page.content.decode()
    page = client.post(CREATE, form(makers="14001", targets="王女士 13912345678", target_category="public"))
    assert "「联系对象」：请勿填写群众的手机号或身份证号" in page.content.decode()
    assert not ContactActivity.objects.exists()
    response = login(offices["secretary"]).get(CREATE)
    assert response.status_code == 403 and "只有专委会工作室和委员联络室可以登记联系记录" in response.content.decode()


def test_members_entries_are_read_only_and_a_locked_half_refuses_changes(login, offices, entries, members):
    client = login(offices["edu"])
    own = entries["teacher"]
    page = client.get(inspect(own.pk)).content.decode()
    assert "这条联系记录由委员本人填报，工作室只能查看" in page and ">修改</a>" not in page
    response = client.post(edit(own.pk), form(makers="14001", targets="改掉", target_category="public"))
    assert response.status_code == 403 and "工作室只能查看，不能修改" in response.content.decode()
    assert client.post(delete(own.pk)).status_code == 403
    assert ContactActivity.objects.filter(pk=own.pk).exists()

    office_entry = entries["edu_visit"]
    HalfYearReport.objects.create(year=LAST, half=1, issued_at=timezone.now())
    page = client.post(
        edit(office_entry.pk), form(date=day(3, 3).isoformat(), committee=office_entry.committee_id, contacted="14001")
    ).content.decode()
    assert f"「日期」：{LAST}年上半年的“三联系”报告已出具" in page
    response = client.post(delete(office_entry.pk), follow=True)
    assert "报告已出具" in response.content.decode()
    assert list(ContactActivity.objects.get(pk=office_entry.pk).contacted_members.all()) == [members["doctor"]]


def test_an_office_corrects_and_deletes_its_own_entry(login, offices, entries, members):
    client = login(offices["edu"])
    office_entry = entries["edu_visit"]
    assert ">修改</a>" in client.get(inspect(office_entry.pk)).content.decode()
    edit_page = client.get(edit(office_entry.pk)).content.decode()
    assert 'value="14002"' in edit_page
    response = client.post(
        edit(office_entry.pk),
        form(date=day(3, 9).isoformat(), committee=office_entry.committee_id, contacted="14001、14002"),
    )
    assert response.status_code == 302
    office_entry.refresh_from_db()
    assert office_entry.date == day(3, 9) and office_entry.contacted_members.count() == 2
    assert office_entry.source == Source.OFFICE
    assert login(offices["econ"]).post(delete(office_entry.pk)).status_code == 404
    assert login(offices["edu"]).post(delete(office_entry.pk)).status_code == 302
    assert not ContactActivity.objects.filter(pk=office_entry.pk).exists()


def test_the_list_asks_the_same_queries_for_many_entries(login, offices, members, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    save(day(1, 1), Way.PHONE, [members["teacher"]], [members["doctor"]], source=Source.OFFICE)
    counts = {}
    for name in ("liaison", "edu"):
        client = login(offices[name])
        client.get(INDEX)
        with CaptureQueriesContext(connection) as few:
            client.get(INDEX)
        counts[name] = len(few)
    for n in range(20):
        # Office entries of the edu office's members: each row asks whether the office may change it.
        save(day(2, 1 + n), Way.VISIT, [members["teacher"]], [members["doctor"]], source=Source.OFFICE, note=str(n))
        save(day(2, 1 + n), Way.VISIT, [members["banker"]], targets=[(TargetCategory.PUBLIC, f"群众{n}")])
    for name in ("liaison", "edu"):
        client = login(offices[name])
        with CaptureQueriesContext(connection) as many:
            page = client.get(INDEX)
        assert len(many) == counts[name], name
    last = ContactActivity.objects.filter(makers=members["teacher"]).latest("pk")
    assert edit(last.pk) in page.content.decode()  # the rows do carry 编辑, each asked of may_change


def test_reading_an_entry_is_not_changing_it_another_offices_entry_stays_theirs(login, offices, members):
    """The econ office logs its member 赵敏 phoning 王丽 (edu): the edu office reads the entry
    (its member was contacted) but neither opens its form (with the econ side's unit and note)
    nor deletes it."""
    m = members
    crossing = save(
        day(3, 6),
        Way.PHONE,
        [m["banker"]],
        [m["teacher"]],
        targets=[(TargetCategory.PUBLIC, "钱先生秘密")],
        note="只给经济委看",
        source=Source.OFFICE,
    )
    edu = login(offices["edu"])
    assert edit(crossing.pk) not in edu.get(INDEX).content.decode()  # no 编辑 in the list either
    page = edu.get(inspect(crossing.pk)).content.decode()
    assert ">修改</a>" not in page and "钱先生秘密" not in page
    response = edu.get(edit(crossing.pk))
    assert response.status_code == 403 and "钱先生秘密" not in response.content.decode()
    assert edu.post(delete(crossing.pk)).status_code == 403
    assert ContactActivity.objects.filter(pk=crossing.pk).exists()
    assert rules.may_change(offices["econ"], crossing) and rules.may_change(offices["liaison"], crossing)


def test_a_hand_edited_id_is_not_found(login, offices):
    client = login(offices["liaison"])
    for url in (inspect("99999999999999999999999"), edit("abc"), reverse("contacts_home")):
        assert client.get(url).status_code in (404, 403)
    pairing = reverse("contacts_pairing_modeladmin_index")
    assert client.get(pairing, {"committee": "99999999999999999999999"}).status_code == 200
