"""The registry's rules, called directly: what an entry must be, who sees it, and the proposal's
handling dates. The wizard, the admin and the importer show these same messages."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from people import roles
from results import rules
from results.models import Acceptance, AuthorKind, HandlingStep, Kind, Result, ResultYear, Satisfaction, Source, Status

from .results_helpers import DAY, YEAR, entry, offices, units  # noqa: F401

pytestmark = pytest.mark.django_db
Step = HandlingStep.Step
TODAY = datetime.date(YEAR, 11, 20)


def data(**overrides):
    values = {
        "year": YEAR,
        "kind": Kind.PROPOSAL,
        "title": "关于增设社区老年食堂的建议",
        "summary": "摘要",
        "submitted_on": DAY,
        "author_kind": AuthorKind.INDIVIDUAL,
        "sector": None,
        "party": None,
        "number": "",
        "occasion": "regular",
    }
    return {**values, **overrides}


def messages(exc):
    return {field: msgs for field, msgs in exc.value.errors.items()}


@pytest.fixture
def member_user(roles_synced, make_user, members):
    return make_user(roles.MEMBER, member=members["teacher"])


def test_a_joint_entry_needs_two_distinct_members(member_user, members):
    with pytest.raises(rules.ResultInvalid) as exc:
        rules.save_entry(member_user, data(author_kind=AuthorKind.JOINT), [members["teacher"]], Source.FRONT)
    assert messages(exc) == {"authors": ["联名提案至少需要两名委员。"]}
    with pytest.raises(rules.ResultInvalid) as exc:
        rules.save_entry(
            member_user, data(author_kind=AuthorKind.JOINT), [members["teacher"], members["teacher"]], Source.FRONT
        )
    assert messages(exc) == {"authors": ["同一位委员不能重复列为作者。"]}
    assert not rules.Result.objects.exists()


def test_an_individual_entry_has_one_author_and_a_sector_entry_names_its_sector(member_user, members):
    with pytest.raises(rules.ResultInvalid) as exc:
        rules.save_entry(member_user, data(), [members["teacher"], members["doctor"]], Source.FRONT)
    assert "authors" in messages(exc)
    with pytest.raises(rules.ResultInvalid) as exc:
        rules.save_entry(member_user, data(author_kind=AuthorKind.SECTOR), [], Source.FRONT)
    assert messages(exc) == {"sector": ["以界别名义提交，请选择界别。"]}


def test_submitted_on_lies_in_the_year_and_not_ahead(member_user, members):
    with pytest.raises(rules.ResultInvalid) as exc:
        rules.save_entry(
            member_user, data(submitted_on=datetime.date(YEAR - 1, 12, 31)), [members["teacher"]], Source.FRONT
        )
    assert messages(exc)["submitted_on"] == [f"提交日期应在 {YEAR} 年内。"]


def test_a_number_is_unique_within_its_year_and_kind(member_user, members):
    entry(members["doctor"], number="2026-001")
    entry(members["doctor"], number="2026-002", kind=Kind.OPINION)
    with pytest.raises(rules.ResultInvalid) as exc:
        rules.save_entry(member_user, data(number="2026-001"), [members["teacher"]], Source.FRONT)
    assert messages(exc)["number"] == [f"{YEAR} 年的提案中已有编号 2026-001。"]
    # The same number in another kind or year is another entry's business.
    rules.save_entry(member_user, data(number="2026-002"), [members["teacher"]], Source.FRONT)
    rules.save_entry(
        member_user,
        data(number="2026-001", year=YEAR - 1, submitted_on=datetime.date(YEAR - 1, 5, 1)),
        [members["teacher"]],
        Source.FRONT,
    )


def test_of_two_given_one_number_at_once_the_second_is_told_not_failed(member_user, members, offices, monkeypatch):
    """Both passed the check before either wrote (number_error saw the number free): the unique
    constraint lets the first through and the second gets the field's message."""
    entry(members["doctor"], number="2026-001")
    accepted = entry(members["teacher"], title="待立案")
    monkeypatch.setattr(rules, "number_error", lambda *args, **kwargs: "")
    with pytest.raises(rules.ResultInvalid) as exc:
        rules.save_entry(member_user, data(number="2026-001"), [members["teacher"]], Source.FRONT)
    assert messages(exc)["number"] == [f"{YEAR} 年的提案中已有编号 2026-001。"]
    with pytest.raises(rules.ResultInvalid) as exc:
        rules.record_acceptance(accepted.pk, offices["proposals"], Acceptance.ACCEPTED, number="2026-001")
    assert messages(exc)["number"] == [f"{YEAR} 年的提案中已有编号 2026-001。"]
    assert Result.objects.filter(number="2026-001").count() == 1


def test_a_member_registers_pending_and_an_edit_of_a_confirmed_entry_goes_back_to_pending(
    member_user, members, offices
):
    result = rules.save_entry(member_user, data(), [members["teacher"]], Source.FRONT)
    assert result.status == Status.PENDING and result.entered_by == member_user
    rules.confirm(result.pk, offices["proposals"])
    result.refresh_from_db()
    assert result.status == Status.CONFIRMED

    edited = rules.save_entry(
        member_user,
        data(title="关于增设社区老年食堂和助餐点的建议"),
        [members["teacher"]],
        Source.FRONT,
        instance=result,
    )
    assert edited.status == Status.PENDING
    change = edited.changes.last()
    assert (
        change.action == "修改"
        and "标题：关于增设社区老年食堂的建议 → 关于增设社区老年食堂和助餐点的建议" in change.what
    )


def test_an_office_entry_is_confirmed_at_once(offices, members):
    result = rules.save_entry(offices["proposals"], data(), [members["teacher"]], Source.ADMIN)
    assert result.status == Status.CONFIRMED


def test_each_office_confirms_only_its_own_kinds(offices, members):
    opinion = entry(members["teacher"], kind=Kind.OPINION, status=Status.PENDING)
    with pytest.raises(PermissionDenied):
        rules.confirm(opinion.pk, offices["proposals"])
    with pytest.raises(PermissionDenied):
        rules.confirm(opinion.pk, offices["liaison"])
    rules.confirm(opinion.pk, offices["research"])
    with pytest.raises(rules.ResultError, match="已确认"):
        rules.confirm(opinion.pk, offices["research"])


def test_return_needs_a_reason_and_only_authors_withdraw(offices, members, make_user, member_user):
    result = entry(members["teacher"], status=Status.PENDING)
    with pytest.raises(rules.ResultInvalid) as exc:
        rules.return_entry(result.pk, offices["proposals"], "  ")
    assert messages(exc) == {"reason": ["退回时请写明原因，方便委员修改。"]}
    rules.return_entry(result.pk, offices["proposals"], "请补充调研数据")
    other = make_user(roles.MEMBER, member=members["doctor"])
    with pytest.raises(PermissionDenied, match="只能修改自己作为作者的成果"):
        rules.withdraw(result.pk, other)
    rules.withdraw(result.pk, member_user)
    result.refresh_from_db()
    assert result.status == Status.WITHDRAWN
    assert [c.action for c in result.changes.all()] == ["退回", "撤回"]


def test_who_sees_which_entries(roles_synced, make_user, members, reference, offices):
    own = entry(members["teacher"], title="王丽的提案")
    joint = entry(members["doctor"], members["teacher"], title="李强王丽联名")
    economy = entry(members["banker"], title="赵敏的提案")
    opinion = entry(members["banker"], kind=Kind.OPINION, title="赵敏的社情民意")
    minmeng = entry(party=reference["minmeng"], title="民盟提案")

    def seen(user):
        return set(rules.results_visible_to(user).values_list("title", flat=True))

    teacher = make_user(roles.MEMBER, member=members["teacher"])
    assert seen(teacher) == {own.title, joint.title}
    office4 = make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"])
    # 教科文卫体委员会 contacts 教育界 and 医药卫生界: 王丽 and 李强, not 赵敏 (经济界) nor 民盟's own entry.
    assert seen(office4) == {own.title, joint.title}
    assert seen(offices["research"]) == {opinion.title}
    assert seen(offices["proposals"]) == {own.title, joint.title, economy.title, minmeng.title}
    assert len(seen(offices["liaison"])) == 5
    # 专委会工作六室 reads the whole roster: every member's entries, and the sectors' and parties' own.
    assert len(seen(make_user(roles.ARCHIVE_OFFICE))) == 5
    leader = make_user(roles.SECTOR_LEADER, party=reference["minmeng"])
    # 民盟's leader sees the party's own entry and its members' (李强 is 民盟).
    assert seen(leader) == {minmeng.title, joint.title}
    # 系统管理员 reads the roster to keep it, not the members' entries.
    assert seen(make_user(roles.SYSTEM_ADMIN)) == set()


def confirmed_proposal(members, **fields):
    return entry(members["teacher"], number="2026-010", **fields)


def test_acceptance_merges_only_into_a_known_number(offices, members):
    target = entry(members["doctor"], number="2026-003")
    result = confirmed_proposal(members)
    with pytest.raises(rules.ResultInvalid) as exc:
        rules.record_acceptance(result.pk, offices["proposals"], Acceptance.MERGED, merged_into="2026-099")
    assert messages(exc) == {"merged_into": [f"{YEAR} 年没有案号为 2026-099 的提案。"]}
    rules.record_acceptance(result.pk, offices["proposals"], Acceptance.MERGED, merged_into=target.number)
    result.refresh_from_db()
    assert result.merged_into == "2026-003"
    pending = entry(members["doctor"], status=Status.PENDING)
    with pytest.raises(rules.ResultError, match="待确认"):
        rules.record_acceptance(pending.pk, offices["proposals"], Acceptance.ACCEPTED)


def test_units_only_for_an_accepted_proposal_and_never_a_disabled_one(offices, members, units):
    result = confirmed_proposal(members)
    with pytest.raises(rules.ResultError, match="只有立案的提案"):
        rules.assign_units(result.pk, offices["proposals"], [units["education"]], [], DAY, today=TODAY)
    rules.record_acceptance(result.pk, offices["proposals"], Acceptance.ACCEPTED)
    with pytest.raises(rules.ResultInvalid) as exc:
        rules.assign_units(result.pk, offices["proposals"], [units["closed"]], [], DAY, today=TODAY)
    assert messages(exc) == {"lead_units": ["区原粮食局已停用，不能再交办。"]}
    rules.assign_units(result.pk, offices["proposals"], [units["education"]], [units["transport"]], DAY, today=TODAY)
    assert [str(u) for u in result.units.all()] == ["区教委（主办）", "区交通委（协办）"]


@pytest.fixture
def handled(offices, members, units):
    """A 立案 proposal, 交办 to 区教委 on 10 March, answered on 10 May."""
    result = confirmed_proposal(members, acceptance=Acceptance.ACCEPTED, assigned_on=datetime.date(YEAR, 3, 10))
    rules.ProposalUnit.objects.create(result=result, unit=units["education"], role="lead")
    return result


def step(handled, offices, units, kind, date, unit="education"):
    return rules.add_step(
        handled.pk, offices["proposals"], units[unit], kind, date, HandlingStep.Form.MEETING, today=TODAY
    )


def test_the_three_steps_keep_their_order_around_the_answer(handled, offices, units):
    step(handled, offices, units, Step.BEFORE, datetime.date(YEAR, 3, 5))
    with pytest.raises(rules.ResultInvalid) as exc:
        step(handled, offices, units, Step.DURING, datetime.date(YEAR, 3, 9))
    assert messages(exc) == {"date": [f"办中协商日期不能早于交办日期（{YEAR}-03-10）。"]}
    with pytest.raises(rules.ResultInvalid) as exc:
        step(handled, offices, units, Step.AFTER, datetime.date(YEAR, 6, 1))
    assert messages(exc) == {"date": ["这件提案还没有答复，不能记录办后回访。"]}
    step(handled, offices, units, Step.DURING, datetime.date(YEAR, 4, 20))

    # The answer cannot come before a recorded 办中协商.
    with pytest.raises(rules.ResultInvalid) as exc:
        rules.record_answer(handled.pk, offices["proposals"], datetime.date(YEAR, 4, 1), today=TODAY)
    assert messages(exc) == {"answered_on": [f"已有办中协商记录在 {YEAR}-04-20，答复日期不能早于它。"]}
    rules.record_answer(
        handled.pk, offices["proposals"], datetime.date(YEAR, 5, 10), Satisfaction.SATISFIED, today=TODAY
    )
    handled.refresh_from_db()

    with pytest.raises(rules.ResultInvalid) as exc:
        step(handled, offices, units, Step.AFTER, datetime.date(YEAR, 5, 9))
    assert messages(exc) == {"date": [f"办后回访日期不能早于答复日期（{YEAR}-05-10）。"]}
    with pytest.raises(rules.ResultInvalid) as exc:
        step(handled, offices, units, Step.BEFORE, datetime.date(YEAR, 5, 11))
    assert messages(exc) == {"date": [f"办前沟通日期不能晚于答复日期（{YEAR}-05-10）。"]}
    with pytest.raises(rules.ResultInvalid) as exc:
        step(handled, offices, units, Step.AFTER, datetime.date(YEAR, 6, 1), unit="health")
    assert messages(exc) == {"unit": ["区卫健委不是这件提案的承办单位。"]}
    step(handled, offices, units, Step.AFTER, datetime.date(YEAR, 6, 1))
    assert [s.get_step_display() for s in handled.steps.all()] == ["办前沟通", "办中协商", "办后回访"]


def test_satisfaction_waits_for_the_answer(handled, offices):
    with pytest.raises(rules.ResultInvalid) as exc:
        rules.record_answer(handled.pk, offices["proposals"], None, Satisfaction.SATISFIED, today=TODAY)
    assert messages(exc) == {"satisfaction": ["请先填写答复日期，再记录满意度。"]}


def test_no_answer_within_the_years_term_is_overdue(handled):
    assert rules.answer_due(handled) == datetime.date(YEAR, 6, 10)
    assert not rules.is_overdue(handled, today=datetime.date(YEAR, 6, 10))
    assert rules.is_overdue(handled, today=datetime.date(YEAR, 6, 11))
    ResultYear.objects.create(year=YEAR, handling_months=6)
    assert not rules.is_overdue(handled, today=datetime.date(YEAR, 6, 11))
    handled.answered_on = datetime.date(YEAR, 5, 10)
    assert not rules.is_overdue(handled, today=datetime.date(YEAR, 12, 31))


def test_a_month_end_term_ends_on_the_last_day_of_a_shorter_month():
    assert rules.add_months(datetime.date(YEAR, 11, 30), 3) == datetime.date(YEAR + 1, 2, 28)


def test_opinions_are_sent_in_a_batch_once(offices, members):
    first = entry(members["teacher"], kind=Kind.OPINION, title="一")
    second = entry(members["doctor"], kind=Kind.OPINION, title="二")
    pending = entry(members["doctor"], kind=Kind.OPINION, title="三", status=Status.PENDING)
    with pytest.raises(rules.ResultError, match="三"):
        rules.send_to_district([first.pk, pending.pk], offices["research"], DAY)
    first.refresh_from_db()
    assert not first.sent_to_district, "nothing is marked while one of the batch is refused"
    rules.send_to_district([first.pk, second.pk], offices["research"], DAY)
    with pytest.raises(rules.ResultError, match="已报送"):
        rules.send_to_district([first.pk], offices["research"], DAY)
    with pytest.raises(PermissionDenied):
        rules.send_to_district([pending.pk], offices["proposals"], DAY)


def test_a_sent_opinion_is_fixed_for_its_author_and_its_office(roles_synced, make_user, offices, members):
    opinion = entry(members["teacher"], kind=Kind.OPINION, title="已报送的社情民意")
    rules.send_to_district([opinion.pk], offices["research"], DAY)
    opinion.refresh_from_db()
    author = make_user(roles.MEMBER, member=members["teacher"])
    assert rules.edit_refusal(author, opinion) == "这条社情民意信息已报送区委区政府，不能再修改；如需更正请联系研究室。"
    with pytest.raises(rules.ResultError, match="已报送区委区政府，不能退回"):
        rules.return_entry(opinion.pk, offices["research"], "请补充数据")
