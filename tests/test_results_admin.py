"""履职成果 in the admin, as 提案委, 研究室 and the readers use it: who sees what, the actions on an
entry's page with their messages beside the fields, the handling timeline and 变更记录, entries
registered by the office, 报送区委区政府 and its export, and list pages whose queries do not grow."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from people import roles
from results import admin as results_admin
from results import reports, rules
from results.admin import admin_url
from results.models import (
    Acceptance,
    AuthorKind,
    HandlingStep,
    HandlingUnit,
    Kind,
    ProposalUnit,
    Result,
    ResultAuthor,
    ResultChange,
    ResultYear,
    Satisfaction,
    Source,
    Status,
)

from .factories import MemberFactory
from .results_helpers import DAY, YEAR, entry, offices, units  # noqa: F401  (pytest fixtures)

pytestmark = pytest.mark.django_db

PROPOSALS = reverse("results_proposals_modeladmin_index")
OTHERS = reverse("results_others_modeladmin_index")
ANSWERED = datetime.date(YEAR, 5, 10)
ASSIGNED = datetime.date(YEAR, 3, 10)


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def named(user, name):
    user.first_name = name
    user.save()
    return user


def page_of(response):
    return response.content.decode()


def beside(response, field_id):
    """What the page shows in the box of the field with this id: its label, its errors and
    what is typed in it."""
    page = page_of(response)
    field = page.index(f'id="{field_id}"')
    start = page.rindex("data-field-wrapper", 0, field)
    return page[start : page.index("data-field-wrapper", field) if "data-field-wrapper" in page[field:] else None]


def messages_in(response):
    return " ".join(str(m) for m in response.context["messages"])


def act(client, result, action, seen=None, **fields):
    """Post one of the inspect page's forms, as the page would (its prefix and the state it shows)."""
    if seen is None:
        seen = Result.objects.get(pk=result.pk).updated_at.isoformat()
    data = {"action": action, "seen": seen}
    for name, value in fields.items():
        data[f"{action}-{name}"] = value
    return client.post(admin_url(result), data)


@pytest.fixture
def people(members, reference, offices, make_user):  # noqa: F811
    return {
        **members,
        **offices,
        "edu_office": make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]),
    }


@pytest.fixture
def handled(people, units):  # noqa: F811
    """A 立案 proposal, assigned to 区教委 (主办) and 区卫健委 (协办), by 王丽 and 李强."""
    proposal = entry(
        people["teacher"],
        people["doctor"],
        number="12",
        acceptance=Acceptance.ACCEPTED,
        assigned_on=ASSIGNED,
        title="关于优化学校课后服务的建议",
    )
    ProposalUnit.objects.create(result=proposal, unit=units["education"], role=ProposalUnit.Role.LEAD)
    ProposalUnit.objects.create(result=proposal, unit=units["health"], role=ProposalUnit.Role.ASSIST)
    return proposal


# --- who sees what


def test_each_office_lists_its_own_kinds_and_readers_list_both(people):
    entry(people["teacher"], title="关于校园周边交通的提案")
    entry(people["teacher"], kind=Kind.OPINION, title="关于社区菜市场的社情民意")

    proposals = client_of(people["proposals"])
    listing = page_of(proposals.get(PROPOSALS))
    assert "关于校园周边交通的提案" in listing and "关于社区菜市场的社情民意" not in listing
    assert proposals.get(OTHERS).status_code == 302, "提案委 has no 其他成果 list"

    research = client_of(people["research"])
    listing = page_of(research.get(OTHERS))
    assert "关于社区菜市场的社情民意" in listing and "关于校园周边交通的提案" not in listing
    assert research.get(PROPOSALS).status_code == 302, "研究室 has no 提案 list"

    liaison = client_of(people["liaison"])
    assert "关于校园周边交通的提案" in page_of(liaison.get(PROPOSALS))
    assert "关于社区菜市场的社情民意" in page_of(liaison.get(OTHERS))


def test_research_office_neither_sees_nor_acts_on_a_proposal(people):
    proposal = entry(people["teacher"], status=Status.PENDING)
    research = client_of(people["research"])
    assert research.get(admin_url(proposal)).status_code == 404
    assert act(research, proposal, "confirm").status_code == 404
    assert Result.objects.get(pk=proposal.pk).status == Status.PENDING


def test_proposal_committee_cannot_confirm_a_social_opinion(people, make_user):
    opinion = entry(people["teacher"], kind=Kind.OPINION, status=Status.PENDING)
    assert act(client_of(people["proposals"]), opinion, "confirm").status_code == 404

    # A 提案委 account that is also the opinion's author sees it, and still may not act on it.
    author = client_of(make_user(roles.PROPOSAL_COMMITTEE, member=people["teacher"]))
    page = author.get(admin_url(opinion))
    assert page.status_code == 200 and 'name="action"' not in page_of(page)
    refused = act(author, opinion, "confirm")
    assert refused.status_code == 403 and "只有研究室可以处理这项成果" in page_of(refused)
    assert Result.objects.get(pk=opinion.pk).status == Status.PENDING


def test_committee_office_sees_only_entries_of_its_members(people, reference):
    entry(people["teacher"], title="教育界王丽的提案")  # education: contacted by the edu committee
    entry(people["doctor"], title="医药卫生界李强的提案")  # health: contacted too
    banker = entry(people["banker"], title="经济界赵敏的提案")
    entry(sector=reference["economy"], title="经济界的界别提案")

    office = client_of(people["edu_office"])
    listing = page_of(office.get(PROPOSALS))
    assert "教育界王丽的提案" in listing and "医药卫生界李强的提案" in listing
    assert "经济界赵敏的提案" not in listing and "经济界的界别提案" not in listing
    assert office.get(admin_url(banker)).status_code == 404


def test_a_reader_reads_but_cannot_act_create_edit_or_delete(people):
    pending = entry(people["teacher"], status=Status.PENDING)
    liaison = client_of(people["liaison"])

    page = liaison.get(admin_url(pending))
    assert page.status_code == 200 and "关于加强校园周边交通安全的建议" in page_of(page)
    assert 'name="action"' not in page_of(page), "no forms for a reader"

    refused = act(liaison, pending, "confirm")
    assert refused.status_code == 403 and "只有提案委可以处理这项成果" in page_of(refused)
    assert act(liaison, pending, "return", reason="请补充").status_code == 403
    assert Result.objects.get(pk=pending.pk).status == Status.PENDING
    assert liaison.get(reverse("results_proposals_modeladmin_create")).status_code == 403
    assert liaison.get(admin_url(pending, "edit")).status_code == 403
    assert liaison.get(admin_url(pending, "delete")).status_code == 403
    assert liaison.post(admin_url(pending, "delete")).status_code == 403
    assert Result.objects.filter(pk=pending.pk).exists()


def test_only_a_superuser_deletes_an_entry(people, django_user_model):
    result = entry(people["teacher"])
    assert client_of(people["proposals"]).post(admin_url(result, "delete")).status_code == 403
    assert Result.objects.filter(pk=result.pk).exists()
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw-root-123")
    assert client_of(root).post(admin_url(result, "delete")).status_code == 302
    assert not Result.objects.filter(pk=result.pk).exists()


# --- confirm and return


def test_confirm_and_return_with_a_reason_required(people):
    first = entry(people["teacher"], status=Status.PENDING, source=Source.FRONT, title="待确认的提案甲")
    second = entry(people["doctor"], status=Status.PENDING, source=Source.FRONT, title="待确认的提案乙")
    proposals = client_of(named(people["proposals"], "孙主任"))

    page = page_of(proposals.get(admin_url(first)))
    assert 'value="confirm"' in page and 'value="return"' in page

    done = act(proposals, first, "confirm")
    assert done.status_code == 302 and done["Location"] == admin_url(first)
    assert Result.objects.get(pk=first.pk).status == Status.CONFIRMED

    missing = act(proposals, second, "return", reason="  ")
    assert missing.status_code == 200
    assert "退回时请写明原因，方便委员修改。" in beside(missing, "id_return-reason")
    assert Result.objects.get(pk=second.pk).status == Status.PENDING

    act(proposals, second, "return", reason="请补充具体的办理建议。")
    second.refresh_from_db()
    assert (second.status, second.return_reason) == (Status.RETURNED, "请补充具体的办理建议。")
    changes = page_of(proposals.get(admin_url(second)))
    assert "孙主任" in changes and "退回" in changes and "请补充具体的办理建议。" in changes


def test_a_refused_action_is_a_message_not_an_error_page(people):
    withdrawn = entry(people["teacher"], status=Status.WITHDRAWN)
    response = act(client_of(people["proposals"]), withdrawn, "confirm")
    assert response.status_code == 200
    assert "这项成果目前为“已撤回”，不能确认。" in messages_in(response)


def test_two_offices_confirming_one_entry_one_wins_and_the_other_is_told_who(people, make_user):
    pending = entry(people["teacher"], status=Status.PENDING)
    first = client_of(named(people["proposals"], "孙主任"))
    second = client_of(named(make_user(roles.PROPOSAL_COMMITTEE), "钱科长"))
    seen = Result.objects.get(pk=pending.pk).updated_at.isoformat()  # both opened the page

    assert act(first, pending, "confirm", seen=seen).status_code == 302
    late = act(second, pending, "return", seen=seen, reason="标题不规范。")

    assert late.status_code == 200
    assert "已被孙主任" in messages_in(late) and "确认" in messages_in(late)
    assert "标题不规范。" in page_of(late), "what the second office typed is kept"
    assert Result.objects.get(pk=pending.pk).status == Status.CONFIRMED
    assert list(ResultChange.objects.filter(result=pending).values_list("action", flat=True)) == ["确认"]


# --- 立案, 交办, steps, 答复


def test_acceptance_merged_into_an_unknown_number_is_refused_and_a_known_one_recorded(people):
    entry(people["doctor"], number="12", title="已有的12号提案")
    proposal = entry(people["teacher"])
    proposals = client_of(people["proposals"])

    response = act(proposals, proposal, "accept", acceptance=Acceptance.MERGED, number="15", merged_into="999")
    assert response.status_code == 200
    assert f"{YEAR} 年没有案号为 999 的提案。" in beside(response, "id_accept-merged_into")
    assert 'value="999"' in beside(response, "id_accept-merged_into"), "what was typed is kept"
    assert 'value="15"' in beside(response, "id_accept-number")
    assert Result.objects.get(pk=proposal.pk).acceptance == ""

    act(proposals, proposal, "accept", acceptance=Acceptance.MERGED, number="15", merged_into="12")
    proposal.refresh_from_db()
    assert (proposal.acceptance, proposal.merged_into, proposal.number) == (Acceptance.MERGED, "12", "15")
    page = page_of(proposals.get(admin_url(proposal)))
    assert "并案（并入 12）" in page and "立案情况：（空） → 并案（并入 12）" in page


def test_units_offered_are_the_active_ones_and_a_stopped_unit_is_refused(people, units):  # noqa: F811
    proposal = entry(people["teacher"], acceptance=Acceptance.ACCEPTED)
    proposals = client_of(people["proposals"])

    form = page_of(proposals.get(admin_url(proposal))).split('data-action="assign"')[1].split("</form>")[0]
    assert "区教委" in form and "区卫健委" in form and "区原粮食局" not in form

    refused = act(proposals, proposal, "assign", lead_units=[units["closed"].pk], assigned_on="2026-03-10")
    assert "区原粮食局已停用，不能再交办。" in beside(refused, "id_assign-lead_units")
    assert not proposal.units.exists()

    done = act(
        proposals,
        proposal,
        "assign",
        lead_units=[units["education"].pk],
        assist_units=[units["health"].pk],
        assigned_on="2026-03-10",
    )
    assert done.status_code == 302
    page = page_of(proposals.get(admin_url(proposal)))
    assert "区教委（主办）" in page and "区卫健委（协办）" in page
    assert Result.objects.get(pk=proposal.pk).assigned_on == ASSIGNED


def test_proposal_committee_maintains_units_and_the_research_office_does_not(people):
    proposals = client_of(people["proposals"])
    response = proposals.post(
        reverse("results_handlingunit_modeladmin_create"), {"name": "区民政局", "sort_order": 4, "disabled": "on"}
    )
    assert response.status_code == 302
    assert HandlingUnit.objects.get(name="区民政局").disabled
    research = client_of(people["research"])
    assert research.get(reverse("results_handlingunit_modeladmin_create")).status_code == 302
    assert research.get(reverse("results_resultyear_modeladmin_index")).status_code == 302


def test_step_dates_follow_the_handling_with_exact_messages(people, handled, units):  # noqa: F811
    Result.objects.filter(pk=handled.pk).update(answered_on=ANSWERED)
    proposals = client_of(people["proposals"])
    step = {"unit": units["education"].pk, "form": HandlingStep.Form.MEETING}

    early_visit = act(proposals, handled, "step", **step, step="after", date="2026-05-01", notes="回访记录草稿")
    assert "办后回访日期不能早于答复日期（2026-05-10）" in beside(early_visit, "id_step-date")
    assert "回访记录草稿" in beside(early_visit, "id_step-notes"), "the notes typed are kept"

    early_talk = act(proposals, handled, "step", **step, step="during", date="2026-03-01")
    assert "办中协商日期不能早于交办日期（2026-03-10）" in beside(early_talk, "id_step-date")
    late_talk = act(proposals, handled, "step", **step, step="before", date="2026-05-11")
    assert "办前沟通日期不能晚于答复日期（2026-05-10）" in beside(late_talk, "id_step-date")
    other_unit = act(
        proposals, handled, "step", **{**step, "unit": units["transport"].pk}, step="before", date="2026-03-05"
    )
    assert "区交通委不是这件提案的承办单位。" in beside(other_unit, "id_step-unit")
    assert not HandlingStep.objects.exists()


def test_the_timeline_lists_every_step_in_date_order_with_who_was_there(people, handled, units):  # noqa: F811
    Result.objects.filter(pk=handled.pk).update(answered_on=ANSWERED, satisfaction=Satisfaction.MOSTLY)
    proposals = client_of(people["proposals"])
    education = units["education"].pk
    act(proposals, handled, "step", unit=education, step="after", date="2026-05-20", form="phone")
    act(
        proposals,
        handled,
        "step",
        unit=education,
        step="before",
        date="2026-03-05",
        form="meeting",
        members=[people["teacher"].pk],
        other_members="14003",
        notes="与提案人座谈，明确办理思路。",
    )
    assert HandlingStep.objects.count() == 2

    page = page_of(proposals.get(admin_url(handled)))
    timeline = page.split('class="listing timeline"')[1].split("</table>")[0]
    order = [timeline.index(label) for label in ("提交", "办前沟通", "交办", "答复", "办后回访")]
    assert order == sorted(order), "提交 3-02, 办前沟通 3-05, 交办 3-10, 答复 5-10, 办后回访 5-20"
    assert "王丽、赵敏" in timeline and "座谈" in timeline and "与提案人座谈，明确办理思路。" in timeline
    assert "满意度：基本满意" in timeline
    assert "王丽（14001" in page and "第一提案人" in page


def test_overdue_is_shown_with_the_answer_due_date_and_follows_the_years_term(people, handled, units):  # noqa: F811
    recent = entry(
        people["doctor"],
        acceptance=Acceptance.ACCEPTED,
        assigned_on=timezone.localdate() - datetime.timedelta(days=10),
        title="刚交办的提案",
        submitted_on=DAY,
    )
    proposals = client_of(people["proposals"])

    page = page_of(proposals.get(admin_url(handled)))
    assert "逾期（应于 2026-06-10 前答复）" in page
    assert "逾期" not in page_of(proposals.get(admin_url(recent))).split("成果登记")[0]
    listing = page_of(proposals.get(PROPOSALS))
    assert listing.count("逾期（应于") == 1

    ResultYear.objects.create(year=YEAR, handling_months=12)
    assert "逾期（应于" not in page_of(proposals.get(PROPOSALS))
    page = page_of(proposals.get(admin_url(handled)))
    assert "2027-03-10前" in page and "逾期（应于" not in page


def test_answer_and_satisfaction(people, handled):
    proposals = client_of(people["proposals"])
    no_date = act(proposals, handled, "answer", answered_on="", satisfaction=Satisfaction.SATISFIED)
    assert "请先填写答复日期，再记录满意度。" in beside(no_date, "id_answer-satisfaction")

    too_early = act(proposals, handled, "answer", answered_on="2026-03-01")
    assert "答复日期不能早于交办日期（2026-03-10）。" in beside(too_early, "id_answer-answered_on")
    assert 'value="2026-03-01"' in beside(too_early, "id_answer-answered_on")

    act(proposals, handled, "answer", answered_on="2026-05-10", satisfaction=Satisfaction.SATISFIED)
    handled.refresh_from_db()
    assert (handled.answered_on, handled.satisfaction) == (ANSWERED, Satisfaction.SATISFIED)
    page = page_of(proposals.get(admin_url(handled)))
    assert "满意度：满意" in page and "答复日期：（空） → 2026-05-10；满意度：（空） → 满意" in page


def test_the_change_log_says_who_when_what_and_why(people, units):  # noqa: F811
    proposal = entry(people["teacher"], status=Status.PENDING)
    proposals = client_of(named(people["proposals"], "孙主任"))
    act(proposals, proposal, "confirm")
    act(proposals, proposal, "accept", acceptance=Acceptance.ACCEPTED, number="7")
    act(proposals, proposal, "assign", lead_units=[units["education"].pk], assigned_on="2026-03-10")

    page = page_of(proposals.get(admin_url(proposal)))
    changes = page.split('class="listing changes"')[1].split("</table>")[0]
    rows = [row for row in changes.split("<tr>")[2:]]
    assert [r.split("<td>")[3].split("</td>")[0] for r in rows] == ["确认", "立案", "交办"]
    assert all("孙主任" in r for r in rows)
    assert f"{timezone.localdate():%Y-%m-%d}" in rows[0]
    assert "立案情况：（空） → 立案" in rows[1]
    assert "承办单位：（空） → 区教委（主办）；交办日期：（空） → 2026-03-10" in rows[2]


def test_social_opinion_use_is_recorded_by_the_research_office(people):
    opinion = entry(people["teacher"], kind=Kind.OPINION)
    research = client_of(people["research"])
    act(research, opinion, "opinion", edited_by_committee="on", instructions="请区民政局研究办理。")
    opinion.refresh_from_db()
    assert opinion.edited_by_committee and not opinion.adopted_by_city
    assert opinion.instructions == "请区民政局研究办理。"
    listing = page_of(research.get(OTHERS))
    assert "区政协编发" in listing


# --- entries registered and corrected by the office


def entry_form(**changes):
    return {
        "year": YEAR,
        "kind": Kind.PROPOSAL,
        "title": "关于建设社区嵌入式养老服务设施的建议",
        "summary": "建议在老旧小区配建养老驿站。",
        "submitted_on": "2026-03-02",
        "author_kind": AuthorKind.JOINT,
        "authors": "14002、王丽",
        "number": "",
        "occasion": "plenary",
        **changes,
    }


def test_the_office_registers_a_joint_proposal_confirmed_with_authors_in_order(people):
    proposals = client_of(named(people["proposals"], "孙主任"))
    response = proposals.post(reverse("results_proposals_modeladmin_create"), entry_form())
    result = Result.objects.get()
    assert response.status_code == 302 and response["Location"] == admin_url(result)
    assert (result.status, result.source, result.entered_by) == (Status.CONFIRMED, Source.ADMIN, people["proposals"])
    assert [a.member.name for a in result.author_rows.order_by("position")] == ["李强", "王丽"]
    page = page_of(proposals.get(admin_url(result)))
    assert "登记（后台）" in page and "李强（14002" in page


def test_the_research_office_registers_the_other_kinds_only(people, reference):
    research = client_of(people["research"])
    url = reverse("results_others_modeladmin_create")
    form = entry_form(kind=Kind.PROPOSAL, author_kind=AuthorKind.SECTOR, sector=reference["economy"].pk, authors="")
    assert "选择一个有效的选项" in page_of(research.post(url, form))
    assert research.get(reverse("results_proposals_modeladmin_create")).status_code == 403

    response = research.post(url, {**form, "kind": Kind.OPINION, "occasion": ""})
    result = Result.objects.get()
    assert response.status_code == 302 and response["Location"] == admin_url(result)
    assert (result.kind, result.sector, result.status) == (Kind.OPINION, reference["economy"], Status.CONFIRMED)


def test_bad_entries_are_explained_beside_the_fields_and_nothing_is_written(people):
    MemberFactory(code="14009", name="王丽", sector=people["teacher"].sector)  # a namesake
    proposals = client_of(people["proposals"])
    url = reverse("results_proposals_modeladmin_create")

    one = proposals.post(url, entry_form(authors="14001"))
    assert "联名提案至少需要两名委员。" in beside(one, "id_authors")
    assert "关于建设社区嵌入式养老服务设施的建议" in beside(one, "id_title"), "what was typed is kept"
    unknown = proposals.post(url, entry_form(authors="张三、14002"))
    assert "张三 不在名册中。" in beside(unknown, "id_authors") and "张三、14002" in beside(unknown, "id_authors")
    namesake = proposals.post(url, entry_form(authors="王丽、14002"))
    assert "王丽 有两位（14001、14009），请写委员证号。" in beside(namesake, "id_authors")
    late = proposals.post(url, entry_form(submitted_on="2025-12-30", authors="14001、14002"))
    assert f"提交日期应在 {YEAR} 年内。" in beside(late, "id_submitted_on")
    assert not Result.objects.exists()


def test_the_office_corrects_an_entry_and_the_change_log_keeps_why(people):
    result = entry(people["teacher"], title="旧标题")
    proposals = client_of(people["proposals"])
    url = admin_url(result, "edit")
    assert "王丽（14001）" in page_of(proposals.get(url))
    response = proposals.post(
        url,
        entry_form(title="新标题", author_kind="individual", authors="王丽（14001）", reason="委员来电更正标题"),
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.title == "新标题" and result.status == Status.CONFIRMED
    page = page_of(proposals.get(admin_url(result)))
    assert "标题：旧标题 → 新标题" in page and "委员来电更正标题" in page


def test_an_edit_on_a_page_another_office_changed_meanwhile_is_refused_and_kept(people, make_user):
    result = entry(people["teacher"], title="旧标题")
    url = admin_url(result, "edit")
    seen = Result.objects.get(pk=result.pk).updated_at.isoformat()
    first = client_of(named(people["proposals"], "孙主任"))
    first.post(url, entry_form(title="孙主任改的标题", author_kind="individual", authors="14001", seen=seen))

    late = client_of(make_user(roles.PROPOSAL_COMMITTEE)).post(
        url, entry_form(title="钱科长改的标题", author_kind="individual", authors="14001", seen=seen)
    )
    assert late.status_code == 200
    assert "已被孙主任" in messages_in(late) and "钱科长改的标题" in page_of(late)
    assert Result.objects.get(pk=result.pk).title == "孙主任改的标题"


def test_the_attachment_is_handed_out_only_to_those_who_see_the_entry(people, client):
    proposals = client_of(people["proposals"])
    proposals.post(
        reverse("results_proposals_modeladmin_create"),
        {**entry_form(), "attachment": SimpleUploadedFile("提案全文.pdf", b"%PDF-1.4 proposal")},
    )
    result = Result.objects.get()
    url = reverse("results_attachment", args=[result.pk])
    assert url in page_of(proposals.get(admin_url(result)))

    response = client_of(people["liaison"]).get(url)
    assert response.status_code == 200 and response.content == b"%PDF-1.4 proposal"
    assert "attachment" in response["Content-Disposition"]
    assert client_of(people["research"]).get(url).status_code == 404
    assert client.get(url).status_code == 302


# --- 研究室: 报送区委区政府 and the batch's export


def test_research_office_sends_a_batch_and_exports_it_with_safe_cells(people, reference):
    first = entry(people["teacher"], kind=Kind.OPINION, title='=HYPERLINK("http://x")菜市场', number="S-1")
    second = entry(sector=reference["economy"], kind=Kind.OPINION, title="小微企业融资难", number="S-2")
    pending = entry(people["doctor"], kind=Kind.OPINION, status=Status.PENDING, title="待确认的社情民意")
    entry(people["doctor"], kind=Kind.SPEECH, title="大会发言稿")
    Result.objects.filter(pk=first.pk).update(edited_by_committee=True, instructions="请有关部门研究。")
    research = client_of(people["research"])
    url = reverse("results_send_opinions")

    page = page_of(research.get(url))
    assert "小微企业融资难" in page and "待确认的社情民意" not in page and "大会发言稿" not in page

    refused = research.post(url, {"results": [first.pk, pending.pk], "sent_on": "2026-04-01"})
    assert "以下信息未确认或已报送，未作任何改动：待确认的社情民意。" in messages_in(refused)
    assert not Result.objects.filter(sent_to_district=True).exists()

    done = research.post(url, {"results": [first.pk, second.pk], "sent_on": "2026-04-01"})
    assert done.status_code == 302 and done["Location"] == reverse("results_opinion_batch", args=["2026-04-01"])
    assert set(Result.objects.filter(sent_on=datetime.date(2026, 4, 1)).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert "小微企业融资难" not in page_of(research.get(url)), "sent once only"
    batch = page_of(research.get(done["Location"]))
    assert "小微企业融资难" in batch and "=HYPERLINK(&quot;http://x&quot;)菜市场" in batch
    assert reverse("results_opinion_batch_xlsx", args=["2026-04-01"]) in batch
    assert done["Location"] in page_of(research.get(url)), "the send page links the batches sent"

    export = research.get(reverse("results_opinion_batch_xlsx", args=["2026-04-01"]))
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["序号", "编号", "标题", "作者", "界别", "提交日期", "内容摘要", "采用情况", "领导批示"]
    assert rows[1][:5] == [1, "S-1", '\'=HYPERLINK("http://x")菜市场', "王丽", "教育界"]
    assert rows[1][7:] == ["区政协编发、报送区委区政府", "请有关部门研究。"]
    assert sheet["C2"].data_type == "s", "a title starting with = stays text"
    assert rows[2][:5] == [2, "S-2", "小微企业融资难", "经济界", "经济界"]
    assert len(rows) == 3


def test_only_the_research_office_sends_and_exports(people):
    for user in (people["proposals"], people["liaison"]):
        client = client_of(user)
        assert client.get(reverse("results_send_opinions")).status_code == 403
        assert client.get(reverse("results_opinion_batch_xlsx", args=["2026-04-01"])).status_code == 403


def test_a_send_date_in_the_future_is_refused_beside_the_field(people):
    opinion = entry(people["teacher"], kind=Kind.OPINION)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_of(people["research"]).post(
        reverse("results_send_opinions"), {"results": [opinion.pk], "sent_on": tomorrow.isoformat()}
    )
    assert f"报送日期不能晚于今天（{timezone.localdate():%Y-%m-%d}）。" in beside(response, "id_sent_on")
    assert not Result.objects.get(pk=opinion.pk).sent_to_district


# --- list pages and the menu


def add_entries(count, members, units, start=0):  # noqa: F811
    """`count` joint 提案 (立案, 交办 to 区教委) and as many 社情民意信息, written in bulk."""
    common = {"year": YEAR, "submitted_on": DAY, "source": Source.ADMIN, "status": Status.CONFIRMED}
    proposals = Result.objects.bulk_create(
        Result(
            **common,
            kind=Kind.PROPOSAL,
            title=f"提案{i}",
            number=str(i + 1),
            author_kind=AuthorKind.JOINT,
            occasion="regular",
            acceptance=Acceptance.ACCEPTED,
            assigned_on=ASSIGNED,
        )
        for i in range(start, start + count)
    )
    opinions = Result.objects.bulk_create(
        Result(**common, kind=Kind.OPINION, title=f"社情民意{i}", author_kind=AuthorKind.INDIVIDUAL)
        for i in range(start, start + count)
    )
    authors = []
    for i, (proposal, opinion) in enumerate(zip(proposals, opinions, strict=True)):
        first, second = members[i % len(members)], members[(i + 1) % len(members)]
        authors += [
            ResultAuthor(result=proposal, member=first, position=1),
            ResultAuthor(result=proposal, member=second, position=2),
            ResultAuthor(result=opinion, member=first, position=1),
        ]
    ResultAuthor.objects.bulk_create(authors)
    ProposalUnit.objects.bulk_create(
        ProposalUnit(result=p, unit=units["education"], role=ProposalUnit.Role.LEAD) for p in proposals
    )


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["proposals", "research", "edu_office"])
def test_list_pages_ask_as_many_queries_for_200_entries_as_for_10(people, units, who):  # noqa: F811
    members = [people["teacher"], people["doctor"], people["banker"]]
    client = client_of(people[who])
    url = OTHERS if who == "research" else PROPOSALS
    add_entries(10, members, units)
    client.get(url)  # warm the session and the permission caches
    few = queries_for(client, url)
    add_entries(190, members, units, start=10)
    assert queries_for(client, url) == few
    assert queries_for(client, f"{url}?q=王丽") == queries_for(client, f"{url}?q=赵敏")


def test_the_list_shows_the_committees_columns_and_filters(people, handled, units):  # noqa: F811
    listing = page_of(client_of(people["proposals"]).get(PROPOSALS))
    for column in ("编号", "标题", "作者", "类别", "提交日期", "状态", "立案情况", "逾期"):
        assert column in listing
    assert "王丽、李强" in listing and "逾期（应于 2026-06-10 前答复）" in listing
    filtered = page_of(
        client_of(people["proposals"]).get(f"{PROPOSALS}?units__unit__id__exact={units['transport'].pk}")
    )
    assert "关于优化学校课后服务的建议" not in filtered
    by_name = page_of(client_of(people["proposals"]).get(f"{PROPOSALS}?q=李强"))
    assert "关于优化学校课后服务的建议" in by_name


def menu_for(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return {
        str(item.label): item for item in results_admin.ResultsGroup().get_submenu_items() if item.is_shown(request)
    }


def test_the_menu_shows_each_office_its_lists_and_the_declared_entries(people, monkeypatch):
    monkeypatch.setattr(
        reports,
        "REPORT_MENU",
        [("办理进度（测试）", "wagtailadmin_home", "table", lambda user: user.has_perm(rules.MANAGE_PROPOSALS), 40)],
    )
    proposals = menu_for(people["proposals"])
    assert {"提案", "办理进度（测试）", "承办单位", "办理时限"} <= set(proposals)
    assert "其他成果" not in proposals and "报送区委区政府" not in proposals
    assert proposals["办理进度（测试）"].url == reverse("wagtailadmin_home")

    research = menu_for(people["research"])
    assert {"其他成果", "报送区委区政府"} <= set(research)
    assert not {"提案", "办理进度（测试）", "承办单位"} & set(research)

    assert {"提案", "其他成果"} <= set(menu_for(people["liaison"]))


@pytest.mark.parametrize("query", ["year=abc", "sector__id__exact=abc"])
def test_a_filter_that_cannot_apply_shows_the_whole_list_with_a_message(people, query):
    client = client_of(people["proposals"])
    response = client.get(f"{PROPOSALS}?{query}")
    assert response.status_code == 302 and response["Location"] == PROPOSALS
    assert "筛选条件无效，已改为显示全部记录。" in [str(m) for m in client.get(PROPOSALS).context["messages"]]
