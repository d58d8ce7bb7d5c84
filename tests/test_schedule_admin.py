"""年度活动安排 in the admin: 区政协办公室 and 委员联络室 plan every entry; a 专委会工作室 sees, edits and
deletes only the entries of its committee and contacted sectors (another committee's answer 404, as
do hand-edited ids), is offered only its own bodies and keeps the others of a shared entry; 分批
adds numbered batches; bad 月份 keeps what was typed; the 下乡进社区 check counts and flags."""

import datetime

import pytest
from django.urls import reverse

from people import roles
from schedule import coverage, services
from schedule.models import BodyKind, EntryBody, EntryKind, ScheduleEntry
from schedule.rules import ScheduleError
from tests.factories import MemberFactory, SpecialCommitteeFactory

pytestmark = pytest.mark.django_db

YEAR = 2026
INDEX = reverse("schedule_entries_modeladmin_index")
CREATE = reverse("schedule_entries_modeladmin_create")
CHECK = reverse("schedule_community_check")


def action(name, entry):
    return reverse(f"schedule_entries_modeladmin_{name}", args=[entry if isinstance(entry, str) else entry.pk])


def text(response):
    return response.content.decode()


@pytest.fixture
def planners(roles_synced, make_user, reference, members):
    return {
        "office": make_user(roles.DISTRICT_OFFICE),
        "liaison": make_user(roles.LIAISON_OFFICE),
        "edu_office": make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]),
        "econ_office": make_user(roles.COMMITTEE_OFFICE, committee=reference["econ_committee"]),
        "editor": make_user(roles.EDITOR),
        "leader": make_user(roles.SECTOR_LEADER, sector=reference["education"]),
    }


def body(kind, row=None):
    field = {BodyKind.COMMITTEE: "committee", BodyKind.SECTOR: "sector", BodyKind.PARTY: "party"}.get(kind)
    return EntryBody(kind=kind, **({field: row} if field else {}))


def entry(user, content, *bodies, month=5, kind=EntryKind.ACTIVITY_DAY, year=YEAR, **fields):
    data = {
        "year": year,
        "first_month": datetime.date(year, month, 1),
        "last_month": datetime.date(year, month, 1),
        "content": content,
        "kind": kind,
        **fields,
    }
    return services.save_entry(user, data, list(bodies))


def as_user(client, user):
    client.force_login(user)
    return client


def form_data(**fields):
    data = {"year": str(YEAR), "months": "5月", "content": "送医下乡", "kind": "activity_day"}
    data.update(fields)
    return data


# --- the form and the list


def test_the_office_adds_an_entry_with_bodies_and_invited_members_and_sees_it_listed(client, planners, reference):
    r, office = reference, planners["office"]
    guest = MemberFactory(code="16001", name="钱进", sector=r["economy"])
    c = as_user(client, office)
    page = c.get(CREATE)
    assert page.status_code == 200 and "全体委员" in text(page) and "经济界" in text(page)

    saved = c.post(
        CREATE,
        form_data(
            months="2-3月",
            content="教育界、医药卫生界联合义诊",
            fixed=["office"],
            committees=[r["edu_committee"].pk],
            sectors=[r["education"].pk, r["health"].pk],
            invited="钱进",
            place="东华门社区",
        ),
    )

    assert saved.status_code == 302
    made = ScheduleEntry.objects.get()
    assert made.first_month == datetime.date(YEAR, 2, 1) and made.last_month == datetime.date(YEAR, 3, 1)
    assert made.created_by == office and list(made.invited.all()) == [guest]
    assert {str(b) for b in made.bodies.all()} == {"区政协办公室", "教科文卫体委员会", "教育界", "医药卫生界"}
    listing = text(c.get(INDEX, {"year": YEAR}))
    assert "教育界、医药卫生界联合义诊" in listing and "2-3月" in listing
    assert "区政协办公室、教科文卫体委员会、医药卫生界、教育界" in listing  # each kind in its own order


def test_a_bad_month_is_named_beside_the_field_and_what_was_typed_stays(client, planners, reference):
    c = as_user(client, planners["office"])
    content = "九月送文化下乡"
    for months, message in (
        ("13月", "无法识别“13月”，应写成“3月”“3-4月”或“2027年1月”"),
        ("5-3月", "“5-3月”的结束月份早于起始月份"),
        ("2029年1月", "“2029年1月”不在 2026 年度计划内"),
    ):
        page = c.post(CREATE, form_data(months=months, content=content, sectors=[reference["education"].pk]))
        assert page.status_code == 200
        assert message in text(page) and content in text(page), months
    nobody = c.post(CREATE, form_data(content=content))
    assert "请至少选择一个活动主体。" in text(nobody) and content in text(nobody)
    unknown = c.post(CREATE, form_data(content=content, fixed=["members"], invited="查无此人"))
    assert "查无此人 不在名册中。" in text(unknown)
    assert not ScheduleEntry.objects.exists()


def test_a_plan_may_run_into_the_next_january_and_shows_its_year(client, planners):
    c = as_user(client, planners["liaison"])
    c.post(CREATE, form_data(months="2027年1月", content="列席区政协全体会议", kind="attendance", fixed=["office"]))
    made = ScheduleEntry.objects.get()
    assert made.year == YEAR and made.first_month == datetime.date(YEAR + 1, 1, 1)
    assert "2027年1月" in text(c.get(INDEX)) and "2027年1月" in text(c.get(action("edit", made)))


def test_roles_without_schedule_rights_are_refused_with_a_page(client, planners):
    c = as_user(client, planners["editor"])
    for url in (INDEX, CREATE, CHECK, reverse("schedule_import"), reverse("schedule_import_template")):
        page = c.get(url)
        assert page.status_code == 403 and "年度活动安排" in text(page), url
    leader = as_user(client, planners["leader"])  # a front-end account: the admin is not theirs
    assert leader.get(INDEX).status_code in (302, 403)


# --- a committee office's scope


@pytest.fixture
def plan(planners, reference):
    r, office = reference, planners["office"]
    return {
        "edu": entry(office, "教科文卫体委送教下乡", body(BodyKind.COMMITTEE, r["edu_committee"])),
        "health": entry(office, "医药卫生界义诊", body(BodyKind.SECTOR, r["health"]), month=6),
        "econ": entry(office, "经济界走访企业", body(BodyKind.SECTOR, r["economy"]), month=7, kind=EntryKind.OUTREACH),
        "shared": entry(
            office,
            "提案线索征集座谈会",
            body(BodyKind.COMMITTEE, r["edu_committee"]),
            body(BodyKind.ALL_SECTORS),
            month=11,
            kind=EntryKind.OUTREACH,
        ),
        "office": entry(office, "邀请界别群众列席常委会", body(BodyKind.OFFICE), month=7, kind=EntryKind.ATTENDANCE),
    }


def test_a_committee_office_lists_only_its_committee_and_contacted_sectors(client, planners, plan):
    page = text(as_user(client, planners["edu_office"]).get(INDEX))
    for name in ("edu", "health", "shared"):
        assert plan[name].content in page
    assert "经济界走访企业" not in page and "邀请界别群众列席常委会" not in page
    everything = text(as_user(client, planners["liaison"]).get(INDEX))
    assert all(e.content in everything for e in plan.values())


def test_another_committees_entry_and_hand_edited_ids_are_not_found(client, planners, plan):
    c = as_user(client, planners["edu_office"])
    for name in ("inspect", "edit", "delete", "batch"):
        assert c.get(action(name, plan["econ"])).status_code == 404, name
        for wrong in ("abc", "99999999999999999999999", "0"):
            assert c.get(action(name, wrong)).status_code == 404, (name, wrong)
    assert c.post(action("delete", plan["econ"])).status_code == 404
    assert c.post(action("edit", plan["econ"]), form_data(content="改掉")).status_code == 404
    assert ScheduleEntry.objects.get(pk=plan["econ"].pk).content == "经济界走访企业"
    assert c.get(action("inspect", plan["health"])).status_code == 200


def test_a_committee_office_is_offered_its_own_bodies_and_refused_others_posted_by_hand(client, planners, reference):
    r = reference
    c = as_user(client, planners["edu_office"])
    page = text(c.get(CREATE))
    assert "教育界" in page and "医药卫生界" in page and "经济界" not in page and "全体委员" not in page
    refused = c.post(CREATE, form_data(content="经济界走访", sectors=[r["economy"].pk]))
    assert "只能安排本专委会及其联系界别的活动，不能安排“经济界”。" in text(refused)
    assert "经济界走访" in text(refused)
    assert not ScheduleEntry.objects.exists()
    saved = c.post(CREATE, form_data(content="教育界送教下乡", sectors=[r["education"].pk]))
    assert saved.status_code == 302 and ScheduleEntry.objects.get().content == "教育界送教下乡"


def test_a_committee_office_editing_a_shared_entry_keeps_the_other_bodies(client, planners, plan, reference):
    r = reference
    c = as_user(client, planners["edu_office"])
    page = text(c.get(action("edit", plan["shared"])))
    assert "由其他单位安排，保存时保留不变" in page and "各界别组" in page

    saved = c.post(
        action("edit", plan["shared"]),
        form_data(months="11-12月", content="提案线索征集座谈会", kind="outreach", sectors=[r["education"].pk]),
    )

    assert saved.status_code == 302
    shared = ScheduleEntry.objects.get(pk=plan["shared"].pk)
    assert shared.last_month == datetime.date(YEAR, 12, 1)
    assert {str(b) for b in shared.bodies.all()} == {"各界别组", "教育界"}
    # Without any body of its own the office would lose the entry: refused.
    lost = c.post(action("edit", plan["shared"]), form_data(months="11月", content="提案线索征集座谈会"))
    assert "请至少保留一个本专委会或其联系界别的活动主体" in text(lost)


def test_the_service_refuses_a_committee_office_taking_away_another_bodys_part(planners, plan, reference):
    shared = plan["shared"]
    with pytest.raises(ScheduleError, match="不能安排“各界别组”"):
        services.save_entry(
            planners["edu_office"], {}, [body(BodyKind.COMMITTEE, reference["edu_committee"])], entry=shared
        )
    with pytest.raises(ScheduleError, match="不由您的账号安排"):
        services.save_entry(planners["econ_office"], {"content": "改"}, [body(BodyKind.OFFICE)], entry=shared)
    with pytest.raises(ScheduleError, match="不能添加"):
        services.save_entry(planners["editor"], {"year": YEAR}, [body(BodyKind.OFFICE)])
    assert {str(b) for b in shared.bodies.all()} == {"教科文卫体委员会", "各界别组"}


def test_a_committee_office_deletes_its_own_entry(client, planners, plan):
    c = as_user(client, planners["edu_office"])
    confirm = c.get(action("delete", plan["health"]))
    assert confirm.status_code == 200 and "医药卫生界义诊" in text(confirm)
    assert c.post(action("delete", plan["health"])).status_code == 302
    assert not ScheduleEntry.objects.filter(pk=plan["health"].pk).exists()
    assert ScheduleEntry.objects.filter(pk=plan["econ"].pk).exists()


# --- 分批


def test_adding_batches_numbers_them_and_deleting_the_activity_takes_them_along(client, planners, plan, reference):
    c = as_user(client, planners["edu_office"])
    parent = plan["health"]
    page = text(c.get(action("batch", parent)))
    assert "医药卫生界义诊" in page and 'value="2"' in page

    c.post(action("batch", parent), form_data(months="7月", content="医药卫生界义诊", sectors=[reference["health"].pk]))
    c.post(action("batch", parent), form_data(months="8月", content="医药卫生界义诊", sectors=[reference["health"].pk]))

    batches = list(ScheduleEntry.objects.filter(batch_of=parent).order_by("batch_number"))
    parent.refresh_from_db()
    assert parent.batch_number == 1 and [b.batch_number for b in batches] == [2, 3]
    assert [b.first_month.month for b in batches] == [7, 8]
    listing = text(c.get(INDEX))
    assert "第2批" in listing and "第3批" in listing
    assert c.get(action("batch", batches[0])).status_code == 404  # a batch is not split again
    taken = c.post(
        action("edit", batches[1]),
        form_data(months="8月", content="医药卫生界义诊", sectors=[reference["health"].pk], batch_number="2"),
    )
    assert "第2批已有" in text(taken)

    c.post(action("delete", parent))
    assert not ScheduleEntry.objects.filter(content="医药卫生界义诊").exists()


# --- the 下乡进社区 check


def test_the_check_counts_community_activities_per_committee_and_sector(client, planners, plan, reference):
    r, office = reference, planners["office"]
    third = SpecialCommitteeFactory(name="提案委员会", office="专委会工作一室")
    entry(office, "各界别组委员进社区", body(BodyKind.ALL_SECTORS), month=9, kind=EntryKind.COMMUNITY_WALK)
    entry(office, "全体委员活动日", body(BodyKind.ALL_MEMBERS), month=9)  # the office's: counts for no one
    batched = entry(office, "经济界委员基层日", body(BodyKind.SECTOR, r["economy"]), month=4)
    entry(
        office,
        "经济界委员基层日",
        body(BodyKind.SECTOR, r["economy"]),
        month=5,
        batch_of=batched,
        kind=EntryKind.GRASSROOTS_DAY,
    )
    entry(office, "去年的活动日", body(BodyKind.COMMITTEE, third), year=YEAR - 1)

    committees, sectors = coverage.community_coverage(office, YEAR)

    by_name = {row.body.name: (row.own, row.shared, row.total) for row in committees + sectors}
    # 教科文卫体委送教下乡 (5月 活动日); the shared 座谈会 is 双走进, not counted.
    assert by_name["教科文卫体委员会"] == (1, 0, 1)
    assert by_name["经济委员会"] == (0, 0, 0) and by_name["提案委员会"] == (0, 0, 0)
    assert by_name["医药卫生界"] == (1, 1, 2)
    assert by_name["教育界"] == (0, 1, 1)
    assert by_name["经济界"] == (1, 1, 2)  # two batches are one activity

    page = text(as_user(client, office).get(CHECK, {"year": YEAR}))
    assert 'data-missing="2"' in page and "未安排" in page
    scoped = text(as_user(client, planners["edu_office"]).get(CHECK, {"year": YEAR}))
    assert "教科文卫体委员会" in scoped and "医药卫生界" in scoped
    assert "经济委员会" not in scoped and "经济界" not in scoped and "提案委员会" not in scoped
