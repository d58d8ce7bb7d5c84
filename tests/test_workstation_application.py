"""Founding a 委员工作室 (seed 003, annex 1): the application wizard, the six boxes of the
申请表, the naming that creates a draft workstation page, the PDF, and the offices' list."""

import datetime
import io
import re
import subprocess
import threading
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from content.models import WorkstationPage
from forms_app.founding import rules as founding
from forms_app.founding.pdf import application_pdf_bytes
from forms_app.models import Stage, StageOpinion, WizardDraft, WorkingRule, WorkstationApplication
from people import roles

from .content_helpers import site_sections

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).parent / "artifacts"
URL = reverse("workstation_application_wizard")
Status = WorkstationApplication.Status
OFFICE_ROLES = {
    Stage.COMMITTEE_OFFICE: "edu_office",
    Stage.LIAISON_OFFICE: "liaison",
    Stage.SECRETARY_GENERAL: "secretary",
    Stage.VICE_CHAIR: "vicechair",
    Stage.CHAIRS_MEETING: "chairs",
}


@pytest.fixture
def people(make_user, members, reference):
    r, m = reference, members
    return {
        "applicant": make_user(roles.MEMBER, member=m["teacher"]),
        "other_applicant": make_user(roles.MEMBER, member=m["banker"]),
        "edu_office": make_user(roles.COMMITTEE_OFFICE, committee=r["edu_committee"]),
        "econ_office": make_user(roles.COMMITTEE_OFFICE, committee=r["econ_committee"]),
        "liaison": make_user(roles.LIAISON_OFFICE),
        "secretary": make_user(roles.SECRETARY_GENERAL),
        "vicechair": make_user(roles.VICE_CHAIR),
        "chairs": make_user(roles.CHAIRS_MEETING),
        "editor": make_user(roles.EDITOR),
    }


def application_data(member, committee, name="东四教育委员工作室", **overrides):
    data = dict(
        kind="member",
        name=name,
        address="东四街道党群活动中心二层",
        mode="both",
        basis="sector",
        sector=member.sector,
        street_group=None,
        committee=committee,
        lead_member=member,
        lead_employer_title="区实验小学 副校长",
        lead_sector=member.sector,
        lead_specialties="基础教育、课后服务",
        lead_contact="13912345678",
        venue="依托东四街道党群活动中心，每周三下午开放。",
        rules={value: f"{label}：按季度执行并记录。" for value, label in WorkingRule.choices},
        signature=member.name,
        signed_on=timezone.localdate(),
    )
    data.update(overrides)
    return data


def apply(people, members, reference, **overrides):
    rows = [
        {
            "member": members["doctor"],
            "employer_title": "区人民医院 主任医师",
            "specialties": "健康科普",
            "contact": "13800001111",
        }
    ]
    return founding.submit_application(
        people["applicant"], application_data(members["teacher"], reference["edu_committee"], **overrides), rows
    )


def approve_until(application, people, stage, **kwargs):
    """Every office before `stage` approves."""
    for current in founding.OFFICE_STAGES:
        if current >= stage:
            break
        application = founding.sign(
            application.pk, people[OFFICE_ROLES[current]], current, "approve", "同意。", **kwargs
        )
    return application


# --- the six boxes


def test_an_application_passes_all_six_boxes_and_is_named(people, members, reference):
    site_sections()
    application = apply(people, members, reference)
    assert (application.status, application.stage) == (Status.IN_REVIEW, Stage.COMMITTEE_OFFICE)
    application = approve_until(application, people, Stage.CHAIRS_MEETING)
    assert application.stage == Stage.CHAIRS_MEETING and application.workstation_page is None

    application = founding.sign(
        application.pk,
        people["chairs"],
        Stage.CHAIRS_MEETING,
        "approve",
        "经主席会议研究，同意建立。",
        approved_name="东四街道教育界委员工作室",
    )
    assert application.status == Status.APPROVED
    assert application.approved_name == "东四街道教育界委员工作室"
    boxes = founding.boxes(application)
    assert [stage for stage, _ in boxes] == list(Stage)
    assert all(opinion is not None for _, opinion in boxes)
    assert boxes[0][1].signer_name == "王丽"

    page = WorkstationPage.objects.get(pk=application.workstation_page_id)
    assert page.title == "东四街道教育界委员工作室" and not page.live
    assert page.address == "东四街道党群活动中心二层" and page.mode == "both"
    assert page.lead_member == members["teacher"] and page.committee == reference["edu_committee"]
    assert list(page.members.all()) == [members["doctor"]]
    assert "季度例会" in page.rules and "廉洁自律" in page.rules
    assert page.get_latest_revision() is not None, "editors find it as a draft to complete"


def test_returned_at_a_middle_box_goes_back_to_the_applicant_and_starts_over(people, members, reference, client):
    application = apply(people, members, reference)
    application = approve_until(application, people, Stage.SECRETARY_GENERAL)
    application = founding.sign(
        application.pk, people["secretary"], Stage.SECRETARY_GENERAL, "return", "请补充季度例会的具体时间安排。"
    )
    assert (application.status, application.stage) == (Status.RETURNED, Stage.APPLICANT)
    with pytest.raises(founding.ApplicationError, match="已经处理过了"):
        founding.sign(application.pk, people["vicechair"], Stage.VICE_CHAIR, "approve", "同意。")

    # The applicant edits and signs again.
    client.force_login(people["applicant"])
    detail = client.get(reverse("workstation_application_detail", args=[application.pk]))
    assert "修改后重新提交" in detail.content.decode()
    data = application_data(
        members["teacher"], reference["edu_committee"], venue="依托东四街道党群活动中心，每周三、周六下午开放。"
    )
    application = founding.submit_application(people["applicant"], data, [], application=application)
    assert (application.status, application.stage) == (Status.IN_REVIEW, Stage.COMMITTEE_OFFICE)

    decisions = list(application.opinions.values_list("stage", "decision"))
    assert decisions == [
        (Stage.APPLICANT, "submit"),
        (Stage.COMMITTEE_OFFICE, "approve"),
        (Stage.LIAISON_OFFICE, "approve"),
        (Stage.SECRETARY_GENERAL, "return"),
        (Stage.APPLICANT, "resubmit"),
    ], "the history stays"
    boxes = dict(founding.boxes(application))
    assert boxes[Stage.APPLICANT].decision == "resubmit"
    assert boxes[Stage.COMMITTEE_OFFICE] is None, "the old opinions were about the old text"
    approve_until(application, people, Stage.SECRETARY_GENERAL)
    application.refresh_from_db()
    assert application.stage == Stage.SECRETARY_GENERAL


def test_a_rejected_application_is_closed(people, members, reference):
    application = approve_until(apply(people, members, reference), people, Stage.VICE_CHAIR)
    application = founding.sign(
        application.pk, people["vicechair"], Stage.VICE_CHAIR, "reject", "该区域已有同类工作室。"
    )
    assert application.status == Status.REJECTED and application.waiting_at is None
    with pytest.raises(founding.ApplicationError):
        founding.sign(
            application.pk, people["chairs"], Stage.CHAIRS_MEETING, "approve", "同意。", approved_name="某工作室"
        )
    with pytest.raises(founding.ApplicationError, match="不能再修改"):
        founding.submit_application(
            people["applicant"],
            application_data(members["teacher"], reference["edu_committee"]),
            [],
            application=application,
        )


def test_a_box_needs_an_opinion_and_a_return_needs_its_reason(people, members, reference):
    application = apply(people, members, reference)
    with pytest.raises(founding.ApplicationError, match="写明需要修改的内容"):
        founding.sign(application.pk, people["edu_office"], Stage.COMMITTEE_OFFICE, "return", "  ")
    with pytest.raises(founding.ApplicationError, match="不能晚于今天"):
        founding.sign(
            application.pk,
            people["edu_office"],
            Stage.COMMITTEE_OFFICE,
            "approve",
            "同意。",
            signed_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    application = approve_until(application, people, Stage.CHAIRS_MEETING)
    with pytest.raises(founding.ApplicationError, match="统一命名"):
        founding.sign(application.pk, people["chairs"], Stage.CHAIRS_MEETING, "approve", "同意。")
    assert StageOpinion.objects.filter(application=application, stage=Stage.CHAIRS_MEETING).count() == 0


def test_naming_without_a_workstation_section_changes_nothing(people, members, reference):
    application = approve_until(apply(people, members, reference), people, Stage.CHAIRS_MEETING)
    with pytest.raises(founding.ApplicationError, match="委员工作室”栏目"):
        founding.sign(
            application.pk, people["chairs"], Stage.CHAIRS_MEETING, "approve", "同意。", approved_name="某工作室"
        )
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW and application.stage == Stage.CHAIRS_MEETING
    assert not application.opinions.filter(stage=Stage.CHAIRS_MEETING).exists()


def test_the_second_of_two_people_on_one_box_is_told_it_is_done(people, members, reference, make_user):
    application = apply(people, members, reference)
    colleague = make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"])
    founding.sign(application.pk, people["edu_office"], Stage.COMMITTEE_OFFICE, "approve", "同意。")
    with pytest.raises(founding.ApplicationError, match="专委会工作室意见”已经处理过了"):
        founding.sign(application.pk, colleague, Stage.COMMITTEE_OFFICE, "return", "请补充。")
    assert application.opinions.filter(stage=Stage.COMMITTEE_OFFICE).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_signing_one_box_at_the_same_moment_cannot_both_win(people, members, reference, make_user):
    application = apply(people, members, reference)
    colleague = make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"])
    barrier = threading.Barrier(2)
    outcomes = []

    def sign_as(user, decision):
        from django.db import connection as thread_connection

        barrier.wait()
        try:
            founding.sign(application.pk, user, Stage.COMMITTEE_OFFICE, decision, "意见。")
            outcomes.append("won")
        except founding.ApplicationError:
            outcomes.append("told")
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=sign_as, args=(people["edu_office"], "approve")),
        threading.Thread(target=sign_as, args=(colleague, "return")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["told", "won"]
    assert application.opinions.filter(stage=Stage.COMMITTEE_OFFICE).count() == 1


# --- who sees and signs what


@pytest.mark.parametrize("stage", founding.OFFICE_STAGES, ids=lambda s: s.label)
def test_each_role_signs_only_its_own_box(people, members, reference, stage):
    application = approve_until(apply(people, members, reference), people, stage)
    for key, user in people.items():
        if key == OFFICE_ROLES[stage]:
            assert founding.can_sign(user, application), key
            continue
        assert not founding.can_sign(user, application), key
        with pytest.raises(founding.ApplicationError):
            founding.sign(application.pk, user, stage, "approve", "同意。", approved_name="某工作室")
    assert not application.opinions.filter(stage=stage).exists()


def test_committee_office_sees_only_its_committees_applications(people, members, reference):
    edu = apply(people, members, reference)
    econ = founding.submit_application(
        people["other_applicant"],
        application_data(members["banker"], reference["econ_committee"], name="金融服务委员工作室"),
        [],
    )
    assert list(founding.applications_visible_to(people["edu_office"])) == [edu]
    assert list(founding.applications_visible_to(people["econ_office"])) == [econ]
    assert set(founding.applications_visible_to(people["liaison"])) == {edu, econ}
    assert not founding.applications_visible_to(people["secretary"]).exists(), "not yet at the 秘书长's box"
    approve_until(edu, people, Stage.SECRETARY_GENERAL)
    assert list(founding.applications_visible_to(people["secretary"])) == [edu]
    assert not founding.applications_visible_to(people["editor"]).exists()


def test_no_applicant_sees_another_applicants_application(people, members, reference, client):
    mine = apply(people, members, reference)
    theirs = founding.submit_application(
        people["other_applicant"],
        application_data(members["banker"], reference["econ_committee"], name="金融服务委员工作室"),
        [],
    )
    client.force_login(people["applicant"])
    assert list(founding.applications_visible_to(people["applicant"])) == [mine]
    for name in ("workstation_application_detail", "workstation_application_pdf"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert client.get(f"{URL}?application={theirs.pk}").status_code == 404
    home = client.get(reverse("my_home")).content.decode()
    assert "东四教育委员工作室" in home and "金融服务委员工作室" not in home


def test_only_member_accounts_may_apply(people, make_user, client):
    client.force_login(people["liaison"])
    assert client.get(URL).status_code == 403
    client.force_login(make_user(roles.MEMBER))  # a 委员 role but no member linked
    assert client.get(URL).status_code == 403


# --- the wizard


def step_data(step, members, reference, prefix="workstation-application-new", **overrides):
    teacher, doctor, banker = members["teacher"], members["doctor"], members["banker"]
    data = {
        "station": {
            "station-kind": "joint",
            "station-name": "东四教育委员工作室",
            "station-mode": "both",
            "station-address": "东四街道党群活动中心二层",
            "station-basis": "street",
            "station-street_group": reference["donghuamen"].pk,
            "station-sector": "",
            "station-committee": reference["edu_committee"].pk,
        },
        "lead": {
            "lead-lead_member": teacher.pk,
            "lead-lead_employer_title": "区实验小学 副校长",
            "lead-lead_sector": teacher.sector_id,
            "lead-lead_specialties": "基础教育、课后服务",
            "lead-lead_contact": "13912345678",
        },
        "members": {
            "members-TOTAL_FORMS": "3",
            "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "40",
            "members-0-member": doctor.pk,
            "members-0-employer_title": "",
            "members-0-specialties": "健康科普",
            "members-0-contact": "13800001111",
            "members-1-member": banker.pk,
            "members-1-employer_title": "某银行 行长",
            "members-1-specialties": "",
            "members-1-contact": "010-64012345",
            "members-2-member": "",
            "members-2-employer_title": "",
            "members-2-specialties": "",
            "members-2-contact": "",
        },
        "venue": {
            "venue-venue": "依托东四街道党群活动中心，面积约 60 平方米，每周三下午开放。",
            **{f"venue-has_{v}": "on" for v in WorkingRule.values},
            **{f"venue-rule_{v}": f"{label}制度：专人负责，按季度记录。" for v, label in WorkingRule.choices},
        },
        "sign": {"sign-signature": "王丽", "sign-confirm": "on"},
    }[step]
    data.update(overrides)
    return {f"{prefix}-current_step": step, **data}


STEPS = ["station", "lead", "members", "venue", "sign"]


def walk(client, members, reference, until="sign", url=URL, prefix="workstation-application-new"):
    response = client.get(url)
    for step in STEPS[: STEPS.index(until)]:
        response = client.post(url, step_data(step, members, reference, prefix=prefix))
        assert response.status_code == 200 and not response.context["wizard"]["form"].errors, step
    return response


def errors_of(response):
    form = response.context["wizard"]["form"]
    if hasattr(form, "non_form_errors"):
        return " ".join([*map(str, form.non_form_errors()), *(str(e) for f in form.forms for e in f.errors.values())])
    return " ".join(str(e) for e in form.errors.values())


def test_member_fills_every_step_and_submits(people, members, reference, client):
    client.force_login(people["applicant"])
    first = client.get(URL)
    assert "工作室信息" in first.content.decode()
    review = walk(client, members, reference)
    page = review.content.decode()
    for expected in (
        "东四教育委员工作室",
        "东华门街道活动小组",
        "李强",
        "区第一中学 教师",
        "赵敏",
        "廉洁自律",
        "✓ 完备的工作制度",
    ):
        assert expected in page, expected

    response = client.post(URL, step_data("sign", members, reference))
    application = WorkstationApplication.objects.get()
    assert response["Location"] == reverse("workstation_application_detail", args=[application.pk])
    assert application.kind == "joint" and application.basis == "street" and application.sector is None
    assert application.street_group == reference["donghuamen"] and application.signature == "王丽"
    rows = list(application.participants.values_list("member__name", "employer_title", "specialties"))
    assert rows == [
        ("李强", members["doctor"].employer_title, "健康科普"),
        ("赵敏", "某银行 行长", members["banker"].specialties),
    ]
    assert application.rules[WorkingRule.INTEGRITY].startswith("廉洁自律制度")
    assert not WizardDraft.objects.filter(user=people["applicant"]).exists(), "the draft is gone once submitted"
    detail = client.get(response["Location"]).content.decode()
    assert "专委会工作室意见" in detail and "尚未到达" in detail


def test_lead_step_is_prefilled_from_the_roster(people, members, reference, client):
    members["teacher"].specialties = "基础教育"
    members["teacher"].save()
    client.force_login(people["applicant"])
    walk(client, members, reference, until="lead")
    form = client.get(URL).context["wizard"]["form"]
    assert form["lead_member"].value() == members["teacher"].pk
    assert form["lead_employer_title"].value() == members["teacher"].employer_title
    assert form["lead_specialties"].value() == "基础教育"


@pytest.mark.parametrize(
    "rows, message",
    [
        ({"members-1-member": "DOCTOR"}, "已在第 1 行列出"),
        ({"members-0-member": "TEACHER"}, "是工作室负责人，不必再列为参与委员"),
        ({"members-0-contact": ""}, "请填写李强的联系方式"),
        ({"members-2-contact": "13800002222"}, "请选择这一行的委员"),
        (
            {
                "members-0-member": "",
                "members-0-specialties": "",
                "members-0-contact": "",
                "members-1-member": "",
                "members-1-employer_title": "",
                "members-1-contact": "",
            },
            "多名委员联名申请的，请至少列出一名参与委员",
        ),
    ],
)
def test_participant_rows_are_checked_in_chinese_and_keep_the_input(people, members, reference, client, rows, message):
    client.force_login(people["applicant"])
    walk(client, members, reference, until="members")
    ids = {"DOCTOR": members["doctor"].pk, "TEACHER": members["teacher"].pk}
    rows = {key: ids.get(value, value) for key, value in rows.items()}
    response = client.post(URL, step_data("members", members, reference, **rows))
    assert response.context["wizard"]["steps"].current == "members"
    assert message in errors_of(response)
    if "members-1-employer_title" not in rows:
        assert "某银行 行长" in response.content.decode(), "what was typed is still there"


def test_every_working_rule_is_required(people, members, reference, client):
    client.force_login(people["applicant"])
    walk(client, members, reference, until="venue")
    data = step_data("venue", members, reference)
    for rule in ("quarterly", "integrity"):
        del data[f"venue-has_{rule}"]
        data[f"venue-rule_{rule}"] = ""
    data["venue-has_duty_log"] = "on"
    data["venue-rule_duty_log"] = ""
    response = client.post(URL, data)
    text = errors_of(response)
    assert "还缺：季度例会、廉洁自律" in text
    assert "请用一两句话写明履职日志制度的内容" in text


def test_station_step_explains_what_is_missing(people, members, reference, client):
    client.force_login(people["applicant"])
    client.get(URL)
    data = step_data(
        "station", members, reference, **{"station-street_group": "", "station-committee": "", "station-name": ""}
    )
    response = client.post(URL, data)
    text = errors_of(response)
    assert "依托街道活动小组时，请选择街道活动小组" in text and "请选择对口委室" in text and "请填写工作室名称" in text
    assert "东四街道党群活动中心二层" in response.content.decode()


@pytest.mark.parametrize(
    "step, blank, message",
    [
        ("station", "station-kind", "请选择申请方式。"),
        ("station", "station-mode", "请选择形式。"),
        ("station", "station-basis", "请选择工作室依托的界别、街道活动小组或专委会。"),
        ("station", "station-committee", "请选择对口委室。"),
        ("lead", "lead-lead_member", "请选择工作室负责人。"),
        ("lead", "lead-lead_sector", "请选择负责人的界别。"),
    ],
)
def test_a_choice_left_unmade_asks_to_choose(people, members, reference, client, step, blank, message):
    """Radio buttons and drop-downs are chosen, not typed: 请选择, not 请填写."""
    client.force_login(people["applicant"])
    walk(client, members, reference, until=step)
    response = client.post(URL, step_data(step, members, reference, **{blank: ""}))
    assert response.context["wizard"]["steps"].current == step
    assert message in errors_of(response)
    assert "请填写" not in errors_of(response)


def test_the_basis_fields_are_marked_for_the_script_and_shown_without_it(people, members, reference, client):
    """依托界别 and 依托街道活动小组 each belong to one 依托: the page marks them so that
    static/js/forms.js can hide them until that 依托 is chosen. The server sends both, visible."""
    client.force_login(people["applicant"])
    page = client.get(URL).content.decode()
    assert '<script src="/static/js/forms.js" defer></script>' in page
    sector_box = '<div data-show-when="station-basis" data-show-value="sector">'
    street_box = '<div data-show-when="station-basis" data-show-value="street">'
    assert sector_box in page and street_box in page
    assert page.index(sector_box) < page.index('name="station-sector"') < page.index(street_box)
    assert page.index(street_box) < page.index('name="station-street_group"')
    assert page.count("data-show-when") == 2, "the other fields always show"
    form = page[page.index('<form method="post" class="wizard"') :]
    assert not re.search(r"\shidden[\s>]", form[: form.index("</form>")]), "without the script every field shows"


def test_name_of_an_existing_station_is_refused(people, members, reference, client):
    apply(people, members, reference)
    client.force_login(people["other_applicant"])
    client.get(URL)
    response = client.post(URL, step_data("station", members, reference))
    assert "已有名为“东四教育委员工作室”的委员工作室或在审的申请" in errors_of(response)


def test_only_a_sector_leader_applies_in_a_sectors_name(people, members, reference, client, make_user):
    client.force_login(people["applicant"])
    kinds = [value for value, _label in client.get(URL).context["wizard"]["form"].fields["kind"].choices]
    assert kinds == ["member", "joint"]
    leader = make_user(roles.SECTOR_LEADER, sector=reference["education"], member=members["engineer"])
    client.force_login(leader)
    assert "界别（教育界）" in client.get(URL).content.decode()


def test_signature_must_be_the_applicants_name(people, members, reference, client):
    client.force_login(people["applicant"])
    walk(client, members, reference)
    response = client.post(URL, step_data("sign", members, reference, **{"sign-signature": "李强"}))
    assert "签名应是你的姓名“王丽”" in errors_of(response)
    assert not WorkstationApplication.objects.exists()


def test_the_service_refuses_a_signature_that_is_not_the_applicants_name(people, members, reference):
    """The same rule (founding.signature_error) as the wizard's last step, for any other caller."""
    with pytest.raises(founding.ApplicationError, match="签名应是你的姓名“王丽”"):
        apply(people, members, reference, signature="李强")
    assert not WorkstationApplication.objects.exists()


def test_the_service_refuses_an_application_missing_a_working_rule(people, members, reference):
    """The same rule (founding.missing_rules) as the 场地与制度 step."""
    rules = {value: "按季度执行。" for value, _label in WorkingRule.choices}
    rules["quarterly"] = "  "
    with pytest.raises(founding.ApplicationError, match="还缺：季度例会"):
        apply(people, members, reference, rules=rules)
    assert founding.missing_rules(rules) == ["季度例会"]
    assert not WorkstationApplication.objects.exists()


def test_draft_survives_a_closed_browser_and_back_keeps_the_input(people, members, reference, client):
    from django.test import Client

    client.force_login(people["applicant"])
    walk(client, members, reference, until="venue")
    half = step_data(
        "venue", members, reference, **{"venue-venue": "还没写完的场地说明", "wizard_goto_step": "members"}
    )
    response = client.post(URL, half)
    assert response.context["wizard"]["steps"].current == "members"

    other_device = Client()
    other_device.force_login(people["applicant"])
    resumed = other_device.get(URL)
    assert resumed.context["wizard"]["steps"].current == "members"
    response = other_device.post(URL, step_data("members", members, reference))
    assert response.context["wizard"]["steps"].current == "venue"
    assert "还没写完的场地说明" in response.content.decode()


def test_applicant_edits_a_returned_application_in_the_wizard(people, members, reference, client):
    application = approve_until(apply(people, members, reference), people, Stage.LIAISON_OFFICE)
    founding.sign(application.pk, people["liaison"], Stage.LIAISON_OFFICE, "return", "请补充参与委员。")
    client.force_login(people["applicant"])
    url = f"{URL}?application={application.pk}"
    first = client.get(url)
    page = first.content.decode()
    assert "请补充参与委员。" in page and "东四教育委员工作室" in page, "the reason and the filed text are shown"
    prefix = f"workstation-application-{application.pk}"
    walk(client, members, reference, url=url, prefix=prefix)
    response = client.post(url, step_data("sign", members, reference, prefix=prefix))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW and application.participants.count() == 2
    assert WorkstationApplication.objects.count() == 1
    assert client.get(url)["Location"] == reverse("workstation_application_detail", args=[application.pk])


# --- the PDF


def pdf_text(pdf, tmp_path):
    path = tmp_path / "application.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return path, text, text.replace(" ", "").replace("\n", "")


def test_pdf_looks_like_the_paper_form_with_boxes_filled_as_far_as_reached(people, members, reference, tmp_path):
    application = approve_until(apply(people, members, reference), people, Stage.SECRETARY_GENERAL)
    application = founding.sign(
        application.pk, people["secretary"], Stage.SECRETARY_GENERAL, "approve", "同意，请分管副主席审阅。"
    )
    path, text, flat = pdf_text(application_pdf_bytes(application), tmp_path)
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(path),
            str(ARTIFACTS / "workstation-application-page1"),
        ],
        check=True,
    )
    for expected in (
        "委员工作室建立申请表",
        "工作室名称",
        "东四教育委员工作室",
        "申请时间",
        "姓名王丽联系方式13912345678",
        "单位及职务",
        "对口委室",
        "教科文卫体委员会",
        "专长领域",
        "姓名单位及职务专长联系方式",
        "李强",
        "区人民医院主任医师",
        "申请人",
        "签名",
        "专委会工作室",
        "委员联络室",
        "秘书长",
        "同意，请分管副主席审阅。",
        "分管副主席",
        "主席会议",
    ):
        assert expected in flat, expected
    # Two boxes not reached yet: their date lines are left blank.
    assert flat.count("年月日") == 2
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert all(" yes yes " in line for line in fonts.splitlines() if "CJK" in line) and "CJK" in fonts
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "A4" in info
    assert (ARTIFACTS / "workstation-application-page1.png").stat().st_size > 5000


# --- the offices' list in the admin


def test_staff_list_shows_where_each_application_waits_and_for_how_long(people, members, reference, client):
    application = approve_until(apply(people, members, reference), people, Stage.SECRETARY_GENERAL)
    WorkstationApplication.objects.filter(pk=application.pk).update(
        waiting_since=timezone.now() - datetime.timedelta(days=5, hours=2)
    )
    client.force_login(people["liaison"])
    page = client.get(reverse("forms_app_workstationapplication_modeladmin_index")).content.decode()
    assert "东四教育委员工作室" in page and "秘书长意见" in page and "5 天" in page

    export = client.get(reverse("workstation_applications_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["工作室名称"] == "东四教育委员工作室" and row["等待环节"] == "秘书长意见" and row["已等待天数"] == 5
    assert row["参与委员"] == "李强" and sheet.max_row == 2
    assert client.get(reverse("workstation_applications_export") + "?status__exact=approved").status_code == 200
    empty = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("workstation_applications_export") + "?status__exact=approved").content)
    ).active
    assert empty.max_row == 1, "the export follows the list's filter"

    founding.sign(application.pk, people["secretary"], Stage.SECRETARY_GENERAL, "return", "请补充场地照片。")
    page = client.get(reverse("forms_app_workstationapplication_modeladmin_index")).content.decode()
    assert "申请人修改" in page, "a returned application waits at the applicant"


def test_office_signs_its_box_in_the_admin_and_a_bad_form_keeps_the_input(people, members, reference, client):
    application = apply(people, members, reference)
    url = reverse("forms_app_workstationapplication_modeladmin_inspect", args=[application.pk])
    client.force_login(people["edu_office"])
    page = client.get(url).content.decode()
    assert "签署：专委会工作室意见" in page and "资格审查" in page

    response = client.post(
        url,
        {"stage": Stage.COMMITTEE_OFFICE, "decision": "return", "text": "需补充场地照片", "signed_on": "2026/13/40"},
    )
    assert response.status_code == 200
    assert "日期格式不对" in response.content.decode() and "需补充场地照片" in response.content.decode()
    unchosen = client.post(
        url, {"stage": Stage.COMMITTEE_OFFICE, "text": "需补充场地照片", "signed_on": timezone.localdate().isoformat()}
    )
    assert "请选择意见。" in unchosen.content.decode()

    response = client.post(
        url,
        {
            "stage": Stage.COMMITTEE_OFFICE,
            "decision": "approve",
            "text": "同意。场地制度齐全。",
            "signed_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.stage == Stage.LIAISON_OFFICE
    stale = client.post(
        url,
        {
            "stage": Stage.COMMITTEE_OFFICE,
            "decision": "approve",
            "text": "同意。",
            "signed_on": timezone.localdate().isoformat(),
        },
    )
    assert "已经处理过了" in stale.content.decode()

    client.force_login(people["econ_office"])
    assert client.get(url)["Location"] == "/admin/", "another committee's office cannot open it"


def test_chairs_meeting_names_the_station_in_the_admin(people, members, reference, client):
    site_sections()
    application = approve_until(apply(people, members, reference), people, Stage.CHAIRS_MEETING)
    url = reverse("forms_app_workstationapplication_modeladmin_inspect", args=[application.pk])
    client.force_login(people["chairs"])
    page = client.get(url).content.decode()
    assert "统一命名" in page and 'value="东四教育委员工作室"' in page
    response = client.post(
        url,
        {
            "stage": Stage.CHAIRS_MEETING,
            "decision": "approve",
            "text": "同意建立。",
            "signed_on": timezone.localdate().isoformat(),
            "approved_name": "东四街道委员工作室（教育）",
        },
        follow=True,
    )
    assert "统一命名为“东四街道委员工作室（教育）”" in response.content.decode()
    assert "完善工作室页面（草稿）" in response.content.decode()
    assert WorkstationPage.objects.get().title == "东四街道委员工作室（教育）"


def test_members_cannot_enter_the_offices_list(people, client):
    client.force_login(people["applicant"])
    assert client.get(reverse("forms_app_workstationapplication_modeladmin_index")).status_code == 302
    assert client.get(reverse("workstation_applications_export")).status_code == 302


def test_each_office_group_holds_its_boxs_permission():
    from django.contrib.auth.models import Group

    for stage, role in (
        (Stage.COMMITTEE_OFFICE, roles.COMMITTEE_OFFICE),
        (Stage.LIAISON_OFFICE, roles.LIAISON_OFFICE),
        (Stage.SECRETARY_GENERAL, roles.SECRETARY_GENERAL),
        (Stage.VICE_CHAIR, roles.VICE_CHAIR),
        (Stage.CHAIRS_MEETING, roles.CHAIRS_MEETING),
    ):
        codename = founding.STAGE_PERMISSIONS[stage].split(".")[1]
        holders = set(Group.objects.filter(permissions__codename=codename).values_list("name", flat=True))
        assert holders == {role}, stage.label


def test_standing_member_is_shown_to_reviewers(people, members, reference):
    members["teacher"].is_standing = True
    members["teacher"].save()
    data = application_data(members["teacher"], reference["edu_committee"])
    standing = dict((label, detail) for label, _met, detail in founding.conditions(data))
    assert "常委" in standing["负责人为本届委员"]
