"""三联系 pairings (issue 15 items 2 and 7): each pairing rule refused with its message, copy-year,
the 按专委会建议, the 结对 import, the admin pages and who may write, and the 联系指标."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from contacts import rules
from contacts.models import ContactImport, ContactQuota, Pairing, PairingKind
from people.models import ChairRole, Member
from people.roles import COMMITTEE_OFFICE, LIAISON_OFFICE, SECRETARY_GENERAL
from tests.factories import MemberFactory, SectorFactory

from .conftest import as_xlsx
from .test_browser import browser  # noqa: F401

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
LAST = YEAR - 1
CHAIR, STANDING, MENTOR = PairingKind.CHAIR, PairingKind.STANDING, PairingKind.MENTOR


@pytest.fixture
def liaison(make_user, roles_synced):
    return make_user(LIAISON_OFFICE)


@pytest.fixture
def people(members, reference):
    r = reference
    return {
        **members,
        "chair": MemberFactory(code="C001", name="主席甲", chair_role=ChairRole.CHAIR, sector=r["economy"]),
        "vice": MemberFactory(code="C002", name="副主席乙", chair_role=ChairRole.VICE_CHAIR, sector=r["education"]),
        "s_edu": MemberFactory(
            code="S001", name="常委教", is_standing=True, sector=r["education"], committee=r["edu_committee"]
        ),
        "s_econ": MemberFactory(
            code="S002", name="常委经", is_standing=True, sector=r["economy"], committee=r["econ_committee"]
        ),
        "youth": MemberFactory(code="Y001", name="青年丁", is_youth=True, sector=r["education"]),
    }


def pair(year, kind, a, b):
    pairing = Pairing.of(year, kind, a, b)
    pairing.save()
    return pairing


# --- each rule, refused with its message


@pytest.mark.parametrize(
    "kind, a, b, field, message",
    [
        (CHAIR, "chair", "teacher", "to_member", "「被联系人」：王丽（14001）不是常委，不能作为主席联系常委的对象"),
        (
            CHAIR,
            "teacher",
            "s_edu",
            "from_member",
            "「联系人」：王丽（14001）不是主席或副主席，不能作为主席联系常委的联系人",
        ),
        (
            STANDING,
            "teacher",
            "doctor",
            "from_member",
            "「联系人」：王丽（14001）不是常委，不能作为常委联系委员的联系人",
        ),
        (
            STANDING,
            "s_edu",
            "s_econ",
            "to_member",
            "「被联系人」：常委经（S002）是常委，不能作为常委联系委员的对象（常委由主席、副主席联系）",
        ),
        (
            STANDING,
            "s_edu",
            "vice",
            "to_member",
            "「被联系人」：副主席乙（C002）是主席会议成员，不能作为常委联系委员的对象",
        ),
        (MENTOR, "teacher", "doctor", "to_member", "「被联系人」：李强（14002）不是青年委员，不能作为传帮带的对象"),
        (MENTOR, "youth", "youth", "to_member", "「被联系人」：青年丁（Y001）是联系人本人，不能与自己结对"),
        (STANDING, "s_edu", "s_edu", "to_member", "「被联系人」：常委教（S001）是联系人本人，不能与自己结对"),
    ],
)
def test_each_pairing_rule_is_refused_with_its_message(people, liaison, kind, a, b, field, message):
    with pytest.raises(rules.ContactError) as refused:
        rules.save_pairing(YEAR, kind, people[a], people[b], liaison)
    assert message in refused.value.errors[field]
    assert not Pairing.objects.exists()


def test_a_youth_mentor_is_refused(people, liaison):
    other_youth = MemberFactory(code="Y002", name="青年戊", is_youth=True)
    with pytest.raises(rules.ContactError) as refused:
        rules.save_pairing(YEAR, MENTOR, other_youth, people["youth"], liaison)
    assert refused.value.errors["from_member"] == ["「联系人」：青年戊（Y002）是青年委员，不能作为传帮带的联系人"]


def test_one_partner_of_each_kind_a_year_naming_the_partner(people, liaison):
    p = people
    rules.save_pairing(YEAR, STANDING, p["s_edu"], p["teacher"], liaison)
    with pytest.raises(rules.ContactError) as refused:
        rules.save_pairing(YEAR, STANDING, p["s_econ"], p["teacher"], liaison)
    assert refused.value.errors["to_member"] == [
        f"「被联系人」：王丽（14001）在 {YEAR} 年已由常委教（S001）常委联系委员，每人每年每种结对只能有一位联系人"
    ]
    # Another kind, or another year, is another partner.
    rules.save_pairing(YEAR, MENTOR, p["s_econ"], p["youth"], liaison)
    rules.save_pairing(LAST, STANDING, p["s_econ"], p["teacher"], liaison)
    assert Pairing.objects.count() == 3


def test_valid_pairs_of_every_kind_are_saved_with_names_kept(people, liaison):
    p = people
    made = [
        rules.save_pairing(YEAR, CHAIR, p["chair"], p["s_edu"], liaison),
        rules.save_pairing(YEAR, STANDING, p["s_edu"], p["teacher"], liaison),
        rules.save_pairing(YEAR, MENTOR, p["teacher"], p["youth"], liaison),
    ]
    assert [(x.from_code, x.from_name, x.to_code, x.to_name) for x in made] == [
        ("C001", "主席甲", "S001", "常委教"),
        ("S001", "常委教", "14001", "王丽"),
        ("14001", "王丽", "Y001", "青年丁"),
    ]


def test_editing_a_pair_keeps_its_own_slot_and_delete_removes_it(people, liaison):
    p = people
    first = rules.save_pairing(YEAR, STANDING, p["s_edu"], p["teacher"], liaison)
    moved = rules.save_pairing(YEAR, STANDING, p["s_econ"], p["teacher"], liaison, instance=first)
    assert moved.pk == first.pk and moved.from_code == "S002"
    rules.delete_pairing(first.pk, liaison)
    assert not Pairing.objects.exists()
    with pytest.raises(rules.ContactError, match="已被删除"):
        rules.delete_pairing(first.pk, liaison)


def test_the_office_that_loses_the_race_is_told_who_won(people, liaison, monkeypatch):
    """Two offices pair the same member at once: both checks pass before either writes, the
    second insert meets the unique constraint and its office is told who won, not a 500."""
    p = people
    rules.save_pairing(YEAR, STANDING, p["s_edu"], p["teacher"], liaison)
    monkeypatch.setattr(rules, "pairing_errors", lambda *args, **kwargs: {})  # checked before the winner wrote
    with pytest.raises(rules.ContactError) as refused:
        rules.save_pairing(YEAR, STANDING, p["s_econ"], p["teacher"], liaison)
    assert refused.value.errors["to_member"] == [
        f"「被联系人」：王丽（14001）在 {YEAR} 年已由常委教（S001）常委联系委员，每人每年每种结对只能有一位联系人"
    ]
    assert Pairing.objects.get().from_code == "S001"


def test_only_manage_pairings_writes(people, make_user, roles_synced):
    office = make_user(COMMITTEE_OFFICE, committee=people["teacher"].committee)
    with pytest.raises(rules.Refused):
        rules.save_pairing(YEAR, STANDING, people["s_edu"], people["teacher"], office)
    assert not Pairing.objects.exists()


# --- copy last year's


def test_copy_year_copies_what_still_qualifies_and_lists_the_rest(people, liaison):
    p = people
    leaver = MemberFactory(code="L001", name="离任者")
    kept = [
        pair(LAST, CHAIR, p["chair"], p["s_edu"]),
        pair(LAST, STANDING, p["s_edu"], p["teacher"]),
        pair(LAST, MENTOR, p["teacher"], p["youth"]),
    ]
    pair(LAST, STANDING, p["s_econ"], p["banker"])  # s_econ stops being a 常委
    pair(LAST, STANDING, p["s_edu"], leaver)  # the member leaves the roster
    pair(LAST, STANDING, p["s_econ"], p["doctor"])  # already paired this year, to someone else
    pair(LAST, STANDING, p["s_edu"], p["engineer"])  # already there, identical
    pair(YEAR, STANDING, p["s_edu"], p["engineer"])
    pair(YEAR, STANDING, p["s_edu"], p["doctor"])
    leaver.delete()
    Member.objects.filter(pk=p["s_econ"].pk).update(is_standing=False)

    result = rules.copy_year(LAST, YEAR, liaison)

    assert sorted((x.kind, x.from_code, x.to_code) for x in result.copied) == sorted(
        (k.kind, k.from_code, k.to_code) for k in kept
    )
    assert result.existing == 1
    reasons = {(d.from_code, d.to_code): reason for d, reason in result.dropped}
    assert reasons == {
        ("S002", "14003"): "常委经（S002）不是常委，不能作为常委联系委员的联系人",
        ("S001", "L001"): "离任者（L001）已离开名册",
        ("S002", "14002"): "常委经（S002）不是常委，不能作为常委联系委员的联系人；"
        f"李强（14002）在 {YEAR} 年已由常委教（S001）常委联系委员，每人每年每种结对只能有一位联系人",
    }
    assert Pairing.objects.filter(year=YEAR).count() == 5
    # Copying again adds nothing.
    again = rules.copy_year(LAST, YEAR, liaison)
    assert again.copied == [] and again.existing == 4 and len(again.dropped) == 3
    assert Pairing.objects.filter(year=YEAR).count() == 5


def test_the_copy_page_lists_the_dropped_pairs_and_a_reload_copies_nothing(people, liaison, login):
    pair(LAST, STANDING, people["s_edu"], people["teacher"])
    pair(LAST, MENTOR, people["teacher"], people["youth"])
    Member.objects.filter(pk=people["s_edu"].pk).update(is_standing=False)
    client = login(liaison)
    response = client.post(reverse("contacts_pairings_copy"), {"from_year": LAST, "to_year": YEAR})
    # POST/redirect/GET: the browser lands on a GET, so a reload does not post the copy again.
    assert response.status_code == 302 and response["Location"].endswith("?result=1")
    assert Pairing.objects.filter(year=YEAR).count() == 1
    Pairing.objects.filter(year=YEAR).delete()  # were the copy posted again, it would come back
    for _reload in range(2):
        page = client.get(response["Location"]).content.decode()
        assert "常委教（S001）不是常委，不能作为常委联系委员的联系人" in page
        assert 'data-count="copied">1<' in page and 'data-count="dropped">1<' in page
        # The message says what happened on the first view only.
        assert ("新复制 1 个，0 个已存在未重复复制，1 个未复制" in page) == (_reload == 0)
    assert not Pairing.objects.filter(year=YEAR).exists()


def selected(page, name):
    """The selected option of the <select name=…> on a page."""
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    return re.search(r'<option value="(\d+)" selected>', select).group(1)


def test_the_copy_form_defaults_to_the_latest_paired_year_and_the_next(people, liaison, login):
    client = login(liaison)
    page = client.get(reverse("contacts_pairings_copy")).content.decode()
    assert (selected(page, "from_year"), selected(page, "to_year")) == (str(LAST), str(YEAR))  # none yet
    pair(LAST - 1, STANDING, people["s_edu"], people["teacher"])
    pair(LAST, STANDING, people["s_edu"], people["teacher"])
    pair(YEAR, STANDING, people["s_edu"], people["teacher"])  # this year is already paired
    page = client.get(reverse("contacts_pairings_copy")).content.decode()
    assert (selected(page, "from_year"), selected(page, "to_year")) == (str(YEAR), str(YEAR + 1))


def test_copying_from_a_year_without_pairs_is_refused_beside_the_field(people, liaison, login):
    pair(YEAR, STANDING, people["s_edu"], people["teacher"])
    with pytest.raises(rules.ContactError) as refused:
        rules.copy_year(LAST, YEAR + 1, liaison)
    assert refused.value.errors == {"from_year": [f"{LAST} 年没有结对可复制"]}
    response = login(liaison).post(reverse("contacts_pairings_copy"), {"from_year": LAST, "to_year": YEAR + 1})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"{LAST} 年没有结对可复制" in page and "已复制" not in page and "data-copy-result" not in page
    # Beside the 从哪一年复制 field, not at the top of the form.
    assert re.search(
        rf'data-contentpath="from_year">\s*<div class="w-field__errors".*?{LAST} 年没有结对可复制', page, re.S
    )
    assert 'role="alert"' not in page
    assert Pairing.objects.count() == 1


# --- 按专委会建议


@pytest.fixture
def committee_year(reference):
    """Two 常委 in 教科文卫体委员会 (one already with a member), one in 经济委员会, one with neither."""
    r = reference
    edu_a = MemberFactory(
        code="S10", name="教常委甲", is_standing=True, committee=r["edu_committee"], sector=r["education"]
    )
    edu_b = MemberFactory(
        code="S11", name="教常委乙", is_standing=True, committee=r["edu_committee"], sector=r["health"]
    )
    econ = MemberFactory(
        code="S12", name="经常委", is_standing=True, committee=r["econ_committee"], sector=r["economy"]
    )
    health_sector = MemberFactory(code="S13", name="医常委", is_standing=True, sector=r["health"])
    m = {
        name: MemberFactory(code=code, name=name, committee=committee, sector=sector)
        for code, name, committee, sector in (
            ("M1", "教委员一", r["edu_committee"], r["education"]),
            ("M2", "教委员二", r["edu_committee"], r["education"]),
            ("M3", "教委员三", r["edu_committee"], r["health"]),
            ("M4", "经委员", r["econ_committee"], r["economy"]),
            ("M5", "医界委员", None, r["health"]),
            ("M6", "无专委会经济界", None, r["economy"]),
            ("M7", "社福界委员", None, SectorFactory(name="社会福利界")),
        )
    }
    done = MemberFactory(code="M0", name="已有常委", committee=r["edu_committee"], sector=r["education"])
    pair(YEAR, STANDING, edu_a, done)
    MemberFactory(code="C9", name="主席", chair_role=ChairRole.CHAIR)  # never suggested as a target
    return {"edu_a": edu_a, "edu_b": edu_b, "econ": econ, "health": health_sector, **m}


def test_suggestions_prefer_the_committee_then_the_sector_balanced(committee_year):
    suggestions = rules.suggest_standing_pairs(YEAR)
    # Worked by hand: loads start at S10 1 (M0), S11 0, S12 0, S13 0.
    assert [(s.standing.code, s.member.code, s.reason) for s in suggestions] == [
        ("S11", "M1", "同一专委会（教科文卫体委员会）"),  # S11 has fewer than S10
        ("S10", "M2", "同一专委会（教科文卫体委员会）"),  # 1 each: the lower 委员证号
        ("S11", "M3", "同一专委会（教科文卫体委员会）"),  # S10 2, S11 1; not S13 of M3's 界别
        ("S12", "M4", "同一专委会（经济委员会）"),
        ("S13", "M5", "同一界别（医药卫生界）"),  # no 专委会: S11 (2) and S13 (0) share the 界别
        ("S12", "M6", "同一界别（经济界）"),
        ("S13", "M7", "无同专委会、同界别的常委，按联系人数均衡"),  # S10–S12 have 2, S13 1
    ]
    assert Pairing.objects.count() == 1  # a preview writes nothing


def test_confirm_creates_them_all_or_refuses_if_anything_changed(committee_year, liaison):
    keys = [s.key for s in rules.suggest_standing_pairs(YEAR)]
    # Someone pairs M4 in the meantime: the preview no longer holds, nothing is written.
    pair(YEAR, STANDING, committee_year["econ"], committee_year["经委员"])
    with pytest.raises(rules.ContactError, match="预览之后"):
        rules.confirm_suggestions(YEAR, keys, liaison)
    assert Pairing.objects.count() == 2
    keys = [s.key for s in rules.suggest_standing_pairs(YEAR)]
    created = rules.confirm_suggestions(YEAR, keys, liaison)
    assert len(created) == len(keys) == 6
    assert Pairing.objects.count() == 8
    assert rules.suggest_standing_pairs(YEAR) == []


def test_the_suggest_page_previews_then_confirms(committee_year, liaison, login):
    client = login(liaison)
    page = client.get(reverse("contacts_pairings_suggest"), {"year": YEAR}).content.decode()
    assert 'data-count="suggestions">7<' in page and "同一专委会（教科文卫体委员会）" in page
    keys = [s.key for s in rules.suggest_standing_pairs(YEAR)]
    response = client.post(reverse("contacts_pairings_suggest"), {"year": YEAR, "pair": keys})
    assert response.status_code == 302
    assert Pairing.objects.filter(year=YEAR).count() == 8


# --- the 结对 import

HEADER = ["年度", "结对类型", "联系人委员证号", "被联系人委员证号"]


def test_a_bad_file_lists_every_problem_and_writes_nothing(people, liaison):
    pair(YEAR, STANDING, people["s_econ"], people["doctor"])
    rows = [
        HEADER,
        [YEAR, "常委联系委员", "S001", "14001"],  # good, but the file has bad rows
        ["明年", "常委联系委员", "S001", "14003"],
        [YEAR, "主席看常委", "C001", "S001"],
        [YEAR, "常委联系委员", "", "14004"],
        [YEAR, "常委联系委员", "S001", "99999"],
        [YEAR, "主席联系常委", "C001", "14001"],
        [YEAR, "常委联系委员", "S001", "S001"],
        [YEAR, "常委联系委员", "S002", "14001"],
        [YEAR, "常委联系委员", "S001", "14002"],
    ]
    report = rules.import_pairings(as_xlsx(rows), liaison, dry_run=False)
    assert report.errors == [
        f"第 3 行「年度」：“明年”应为 2000 至 {YEAR + 1} 之间的年份",
        "第 4 行「结对类型」：“主席看常委”应为主席联系常委、常委联系委员或传帮带",
        "第 5 行「联系人委员证号」：请填写委员证号",
        "第 6 行「被联系人委员证号」：99999 不在委员名册中",
        "第 7 行「被联系人委员证号」：王丽（14001）不是常委，不能作为主席联系常委的对象",
        "第 8 行「被联系人委员证号」：常委教（S001）是联系人本人，不能与自己结对",
        f"第 9 行「被联系人委员证号」：与第 2 行重复：王丽（14001）在 {YEAR} 年的常委联系委员只能有一位联系人",
        f"第 10 行「被联系人委员证号」：李强（14002）在 {YEAR} 年已由常委经（S002）常委联系委员，每人每年每种结对只能有一位联系人",
    ]
    assert Pairing.objects.count() == 1


def test_a_good_file_imports_and_again_counts_as_existing(people, liaison, login):
    rows = [
        HEADER,
        [YEAR, "主席联系常委", "C001", "S001"],
        [YEAR, "常委联系委员", "S001", "14001"],
        [str(YEAR), "传帮带", "14001", "Y001"],
    ]
    data = as_xlsx(rows)
    client = login(liaison)
    response = client.post(reverse("contacts_pairings_import"), {"file": SimpleUploadedFile("结对.xlsx", data)})
    record = ContactImport.objects.get()
    assert response.status_code == 302 and record.kind == ContactImport.Kind.PAIRINGS
    assert record.report["created"] == 3 and not Pairing.objects.exists()  # the preview writes nothing
    assert (
        "将要导入的结对" in client.get(reverse("contacts_pairings_import_preview", args=[record.pk])).content.decode()
    )
    client.post(reverse("contacts_pairings_import_preview", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ContactImport.Status.IMPORTED
    # Once imported, the page no longer calls itself a preview.
    page = client.get(reverse("contacts_pairings_import_preview", args=[record.pk])).content.decode()
    heading = re.search(r"<h1.*?</h1>", page, re.S).group(0)
    assert "已导入" in heading and "预览" not in heading and "已导入的结对" in page
    assert re.search(r"<title>\s*导入结对 · 已导入", page)
    assert Pairing.objects.count() == 3
    # The kept file is handed back from private storage.
    kept = client.get(reverse("contacts_pairings_import_file", args=[record.pk]))
    assert kept.status_code == 200 and b"".join(kept.streaming_content) == data

    again = rules.import_pairings(data, liaison, dry_run=False)
    assert again.ok and (again.created, again.unchanged) == (0, 3)
    assert Pairing.objects.count() == 3


def test_the_blank_template_reads_back_as_the_import_expects(liaison, login):
    import io

    import openpyxl

    response = login(liaison).get(reverse("contacts_pairings_template"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEADER


def test_a_file_that_is_not_a_pairing_table_is_refused_on_the_form(liaison, login):
    response = login(liaison).post(
        reverse("contacts_pairings_import"),
        {"file": SimpleUploadedFile("名册.xlsx", as_xlsx([["委员证号", "姓名"], ["1", "甲"]]))},
    )
    assert "无法识别的表格" in response.content.decode()
    assert not ContactImport.objects.exists()


# --- the admin: who reads and who writes


def test_a_committee_office_reads_its_scope_but_cannot_write(people, make_user, login, roles_synced):
    p = people
    pair(YEAR, STANDING, p["s_edu"], p["teacher"])  # 教科文卫体委员会 member
    pair(YEAR, STANDING, p["s_econ"], p["banker"])  # 经济委员会: outside the office's scope
    office = make_user(COMMITTEE_OFFICE, committee=p["teacher"].committee)
    client = login(office)
    page = client.get(reverse("contacts_pairing_modeladmin_index"), {"year": YEAR}).content.decode()
    assert "王丽（14001）" in page and "赵敏" not in page
    assert "新建结对" not in page and "复制上一年度结对" not in page
    # Told, above the list, that the page is read-only and who keeps it.
    assert page.index("您的账号只能查看结对；结对由委员联络室维护。") < page.index("王丽（14001）")
    for url in (
        reverse("contacts_pairing_modeladmin_create"),
        reverse("contacts_pairing_modeladmin_edit", args=[Pairing.objects.get(to_code="14001").pk]),
        reverse("contacts_pairings_copy"),
        reverse("contacts_pairings_suggest"),
        reverse("contacts_pairings_import"),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "只有委员联络室可以新建、修改或删除结对" in response.content.decode()
    response = client.post(
        reverse("contacts_pairing_modeladmin_create"),
        {"year": YEAR, "kind": STANDING, "from_member": p["s_edu"].pk, "to_member": p["doctor"].pk},
    )
    assert response.status_code == 403
    assert Pairing.objects.count() == 2


def test_the_liaison_office_creates_edits_and_deletes_in_the_admin(people, liaison, login):
    p = people
    client = login(liaison)
    create = reverse("contacts_pairing_modeladmin_create")
    assert client.get(create).status_code == 200
    response = client.post(
        create, {"year": YEAR, "kind": CHAIR, "from_member": p["chair"].pk, "to_member": p["teacher"].pk}
    )
    assert response.status_code == 200
    assert "「被联系人」：王丽（14001）不是常委，不能作为主席联系常委的对象" in response.content.decode()
    response = client.post(
        create, {"year": YEAR, "kind": CHAIR, "from_member": p["chair"].pk, "to_member": p["s_edu"].pk}
    )
    assert response.status_code == 302
    made = Pairing.objects.get()
    edit = reverse("contacts_pairing_modeladmin_edit", args=[made.pk])
    response = client.post(edit, {"year": YEAR, "kind": CHAIR, "from_member": p["vice"].pk, "to_member": p["s_edu"].pk})
    assert response.status_code == 302
    assert Pairing.objects.get().from_code == "C002"
    client.post(reverse("contacts_pairing_modeladmin_delete", args=[made.pk]))
    assert not Pairing.objects.exists()


def test_the_list_opens_on_this_year_and_shows_pairs_left_behind(people, liaison, login):
    p = people
    leaver = MemberFactory(code="L002", name="离任委员")
    pair(YEAR, STANDING, p["s_edu"], leaver)
    pair(LAST, STANDING, p["s_edu"], p["teacher"])
    leaver.delete()
    client = login(liaison)
    response = client.get(reverse("contacts_pairing_modeladmin_index"))
    assert response.status_code == 302 and response["Location"].endswith(f"?year={YEAR}")
    page = client.get(response["Location"]).content.decode()
    assert "离任委员（L002）" in page and "已离开名册" in page and "王丽" not in page
    page = client.get(reverse("contacts_pairing_modeladmin_index"), {"year": LAST, "q": "王丽"}).content.decode()
    assert "王丽（14001）" in page


def test_a_reading_role_sees_every_pair_read_only(people, make_user, login, roles_synced):
    pair(YEAR, STANDING, people["s_econ"], people["banker"])
    client = login(make_user(SECRETARY_GENERAL))
    page = client.get(reverse("contacts_pairing_modeladmin_index"), {"year": YEAR}).content.decode()
    assert "赵敏（14003）" in page and "新建结对" not in page
    assert "您的账号只能查看结对；结对由委员联络室维护。" in page


def test_the_liaison_office_is_not_told_it_only_reads(people, liaison, login):
    page = login(liaison).get(reverse("contacts_pairing_modeladmin_index"), {"year": YEAR}).content.decode()
    assert "新建结对" in page and "只能查看结对" not in page


# --- 联系指标


def test_quota_defaults_shown_and_min_above_max_refused(liaison, login):
    client = login(liaison)
    page = client.get(reverse("contacts_contactquota_modeladmin_index")).content.decode()
    assert f"{YEAR} 年度还没有设置联系指标，按默认指标计算" in page
    data = {
        "year": YEAR,
        "activities_per_member": 5,
        "enterprises": 1,
        "sector_public": 2,
        "public": 3,
        "chair_visits_min": 3,
        "chair_visits_max": 2,
        "forums_per_half": 1,
    }
    response = client.post(reverse("contacts_contactquota_modeladmin_create"), data)
    assert "不能少于至少走访的人数（3 人）" in response.content.decode()
    assert not ContactQuota.objects.exists()
    response = client.post(reverse("contacts_contactquota_modeladmin_create"), {**data, "chair_visits_min": 1})
    assert response.status_code == 302
    assert rules.quota_for(YEAR).activities_per_member == 5


QUOTA = {
    "year": YEAR,
    "activities_per_member": 4,
    "enterprises": 1,
    "sector_public": 2,
    "public": 3,
    "chair_visits_min": 1,
    "chair_visits_max": 2,
    "forums_per_half": 1,
}


def test_a_second_row_for_a_year_and_a_negative_number_are_named_in_chinese(liaison, login):
    client = login(liaison)
    create = reverse("contacts_contactquota_modeladmin_create")
    assert client.post(create, QUOTA).status_code == 302
    page = client.post(create, {**QUOTA, "public": 5}).content.decode()
    assert f"「年度」：{YEAR} 年度的联系指标已经设置，请在列表中修改" in page
    assert "已存在" not in page
    page = client.post(create, {**QUOTA, "year": YEAR + 1, "enterprises": -1}).content.decode()
    assert "「联系企事业单位（个）」：不能小于 0" in page
    assert "确保该值" not in page
    assert list(ContactQuota.objects.values_list("year", "public")) == [(YEAR, 3)]
    # Changing the year's own row keeps its year; moving it onto another set year is refused.
    row = ContactQuota.objects.get()
    edit = reverse("contacts_contactquota_modeladmin_edit", args=[row.pk])
    assert client.post(edit, {**QUOTA, "public": 6}).status_code == 302
    ContactQuota.objects.create(year=YEAR + 1)
    page = client.post(edit, {**QUOTA, "year": YEAR + 1}).content.decode()
    assert f"「年度」：{YEAR + 1} 年度的联系指标已经设置，请在列表中修改" in page
    assert rules.quota_for(YEAR).public == 6


def test_two_offices_setting_one_year_at_once_get_a_message_not_a_500(liaison, login, monkeypatch):
    ContactQuota.objects.create(year=YEAR)
    monkeypatch.setattr(rules, "quota_errors", lambda quota: {})  # both checked before either saved
    response = login(liaison).post(reverse("contacts_contactquota_modeladmin_create"), QUOTA)
    assert response.status_code == 200
    assert f"「年度」：{YEAR} 年度的联系指标已经设置，请在列表中修改" in response.content.decode()
    assert ContactQuota.objects.count() == 1


def test_the_quota_rule_refuses_a_negative_number_itself():
    errors = rules.quota_errors(ContactQuota(year=YEAR, forums_per_half=-2))
    assert errors == {"forums_per_half": ["「常委每半年召集集体座谈会（次）」：不能小于 0"]}


def test_a_committee_office_cannot_open_the_quotas(make_user, login, roles_synced):
    client = login(make_user(COMMITTEE_OFFICE))
    response = client.get(reverse("contacts_contactquota_modeladmin_index"))
    assert response.status_code == 403 and "只有委员联络室" in response.content.decode()


# --- in chromium: the 结对 list and the 建议 preview at 1280 and 390 px


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_list_and_the_suggestion_preview_in_chromium(browser, live_server, make_user, committee_year, roles_synced):
    from .test_browser import ARTIFACTS, _with_password, login_in

    liaison = _with_password(make_user(LIAISON_OFFICE))
    leaver = MemberFactory(code="L003", name="离任委员")
    pair(YEAR, STANDING, committee_year["edu_a"], leaver)
    leaver.delete()
    for width in (1280, 390):
        list_path = f"/admin/contacts/pairing/?year={YEAR}"
        context, page = login_in(browser, live_server, liaison, "pw-lianxin-123", list_path, width=width)
        assert "已离开名册" in page.inner_text("main")
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1  # no sideways page scroll
        page.screenshot(path=str(ARTIFACTS / f"contacts-pairings-list-{width}.png"), full_page=True)
        page.goto(f"{live_server.url}/admin/contacts/pairings/suggest/?year={YEAR}")
        assert "同一专委会（教科文卫体委员会）" in page.inner_text("main")
        page.screenshot(path=str(ARTIFACTS / f"contacts-pairings-suggest-{width}.png"), full_page=True)
        if width == 390:
            # The table scrolls inside its box; the page itself does not scroll sideways.
            assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
            page.get_by_role("button", name="确认，创建这 7 个结对").click()
            assert "已按建议创建 7 个常委联系委员结对" in page.inner_text("main")
        context.close()
    assert Pairing.objects.filter(year=YEAR).count() == 9
