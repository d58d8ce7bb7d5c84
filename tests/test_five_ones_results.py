"""The 五个一 step 提交一篇履职成果 and the 履职成果 registry: the step offers the year's entries of
the sector (party), or registers a new one with the filing; filings made before the registry keep
their three fields, marked 「未关联成果登记」; the 报送进度 board shows 成果已确认."""

import datetime
import io
import subprocess

import openpyxl
import pytest
from django.urls import reverse

from forms_app.five_ones import rules
from forms_app.five_ones.pdf import filing_pdf
from forms_app.models import FiveOnesFiling, WizardDraft
from people import roles
from results import rules as results
from results.models import AuthorKind, Kind, Result, Source, Status

from .results_helpers import entry, offices  # noqa: F401  (fixture)
from .test_five_ones_route import file_for
from .test_five_ones_wizard import (  # noqa: F401  (fixtures)
    STEPS,
    TODAY,
    URL,
    YEAR,
    current_step,
    edu_members,
    leader,
    post,
    step_data,
    walk,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def offered(members, reference, edu_members):
    """This year's entries around the 教育界: three it may name, and five it may not."""
    day = TODAY
    return {
        "collective": entry(
            title="教育界集体提案：课后服务", sector=reference["education"], year=YEAR, submitted_on=day
        ),
        "by_member": entry(
            members["teacher"],
            title="王丽的社情民意",
            kind=Kind.OPINION,
            year=YEAR,
            submitted_on=day,
            status=Status.PENDING,
        ),
        "joint": entry(
            edu_members[1],
            members["banker"],
            title="孙悦、赵敏联名的大会发言",
            kind=Kind.SPEECH,
            year=YEAR,
            submitted_on=day,
        ),
        "other_sector": entry(members["banker"], title="经济界委员的提案", year=YEAR, submitted_on=day),
        "last_year": entry(
            members["teacher"], title="去年的提案", year=YEAR - 1, submitted_on=datetime.date(YEAR - 1, 5, 1)
        ),
        "withdrawn": entry(
            members["teacher"], title="撤回的提案", year=YEAR, submitted_on=day, status=Status.WITHDRAWN
        ),
        "report": entry(members["teacher"], title="王丽的调研报告", kind=Kind.REPORT, year=YEAR, submitted_on=day),
        "returned": entry(members["teacher"], title="退回的提案", year=YEAR, submitted_on=day, status=Status.RETURNED),
    }


def test_the_step_offers_the_years_entries_of_the_sector(client, leader, edu_members, offered):
    client.force_login(leader)
    response = walk(client, edu_members, until="result")
    assert current_step(response) == "result"
    choices = dict(response.context["form"].fields["result_entry"].choices)
    expected = {str(offered[name].pk) for name in ("collective", "by_member", "joint")}
    assert set(choices) == expected | {rules.NEW_RESULT}
    page = response.content.decode()
    assert "提案：教育界集体提案：课后服务（教育界，已确认）" in page
    assert "社情民意信息：王丽的社情民意（王丽，待确认）" in page
    for name in ("other_sector", "last_year", "withdrawn", "report", "returned"):
        assert offered[name].title not in page, name


def test_a_party_is_offered_its_members_entries(make_user, reference, members, roles_synced):
    """李强 is in 医药卫生界 and 民盟: his entry counts for both."""
    his = entry(members["doctor"], title="李强的提案", year=YEAR, submitted_on=TODAY)
    entry(title="民盟集体发言", kind=Kind.SPEECH, party=reference["minmeng"], year=YEAR, submitted_on=TODAY)
    entry(title="九三学社集体发言", kind=Kind.SPEECH, party=reference["jiusan"], year=YEAR, submitted_on=TODAY)
    titles = {r.title for r in rules.offered_results(YEAR, None, reference["minmeng"])}
    assert titles == {"李强的提案", "民盟集体发言"}
    assert his in rules.offered_results(YEAR, reference["health"], None)


def test_linking_an_existing_entry_copies_its_kind_title_and_summary(client, leader, edu_members, offered):
    client.force_login(leader)
    chosen = offered["by_member"]
    walk(client, edu_members, until="result")
    response = post(client, "result", edu_members, **{"result-result_entry": str(chosen.pk)})
    assert current_step(response) == "showcase"
    for step in STEPS[STEPS.index("showcase") : -1]:
        response = post(client, step, edu_members)
    review = response.content.decode()
    assert "社情民意信息：王丽的社情民意" in review
    response = post(client, "review", edu_members)
    assert response.status_code == 302

    filing = FiveOnesFiling.objects.get()
    assert filing.result == chosen
    assert (filing.result_kind, filing.result_title, filing.result_summary) == ("opinion", chosen.title, chosen.summary)
    assert Result.objects.count() == len(offered), "nothing new registered"
    page = client.get(reverse("five_ones_detail", args=[filing.pk])).content.decode()
    assert "已关联成果登记（待确认）" in page and reverse("my_result", args=[chosen.pk]) in page


def test_registering_a_new_entry_with_the_filing(client, leader, edu_members, reference, offered):
    client.force_login(leader)
    walk(client, edu_members, until="result")
    response = post(client, "result", edu_members, **{"result-result_entry": rules.NEW_RESULT})
    assert current_step(response) == "showcase"
    for step in STEPS[STEPS.index("showcase") :]:
        response = post(client, step, edu_members)
    assert response.status_code == 302

    filing = FiveOnesFiling.objects.get()
    new = filing.result
    assert (new.title, new.kind, new.year, new.submitted_on) == (
        "关于提升课后服务质量的提案",
        Kind.PROPOSAL,
        YEAR,
        TODAY,
    )
    assert (new.author_kind, new.sector, new.party) == (AuthorKind.SECTOR, reference["education"], None)
    assert (new.status, new.source, new.entered_by, new.occasion) == (Status.PENDING, Source.FRONT, leader, "regular")
    assert new.summary == filing.result_summary == "建议引入科技馆、博物馆等社会资源进校园。"
    assert new in results.my_results(leader), "the leader finds it in 我的履职成果"


def test_the_new_entry_is_written_with_the_filing_or_not_at_all(client, leader, edu_members, monkeypatch):
    """The filing fails after its entry was registered: neither is kept, and the draft stays."""
    client.force_login(leader)
    walk(client, edu_members)

    def story_fails(filing):
        raise rules.RouteError("委员风采稿生成失败。")

    monkeypatch.setattr(rules, "draft_story_for", story_fails)
    response = post(client, "review", edu_members)
    assert current_step(response) == "review" and "委员风采稿生成失败" in response.content.decode()
    assert not FiveOnesFiling.objects.exists() and not Result.objects.exists()
    assert WizardDraft.objects.filter(user=leader).exists()


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"result-result_submitted_on": f"{YEAR - 1}-12-31"}, f"提交日期应在 {YEAR} 年内。"),
        ({"result-result_occasion": ""}, "请选择大会提案或平时提案。"),
        ({"result-result_submitted_on": ""}, "请填写提交日期。"),
        ({"result-result_summary": ""}, "请填写内容摘要。"),
    ],
)
def test_a_new_entry_that_breaks_a_registry_rule_stops_at_its_step(
    client,
    leader,
    edu_members,
    overrides,
    message,
):
    client.force_login(leader)
    walk(client, edu_members, until="result")
    response = post(client, "result", edu_members, **overrides)
    assert current_step(response) == "result"
    page = response.content.decode()
    assert message in page and "关于提升课后服务质量的提案" in page
    assert not Result.objects.exists()


def test_nothing_chosen_is_refused_when_entries_are_offered(client, leader, edu_members, offered):
    client.force_login(leader)
    walk(client, edu_members, until="result")
    response = post(client, "result", edu_members, **{"result-result_kind": ""})
    assert current_step(response) == "result"
    assert "请选择一篇履职成果，或登记一篇新的成果。" in response.content.decode()


def test_another_sectors_entry_cannot_be_chosen(client, leader, edu_members, offered):
    client.force_login(leader)
    walk(client, edu_members, until="result")
    response = post(client, "result", edu_members, **{"result-result_entry": str(offered["other_sector"].pk)})
    assert current_step(response) == "result"
    assert "所选的履职成果已不在可选之列" in response.content.decode()


def test_an_entry_withdrawn_meanwhile_sends_the_leader_back_to_the_step(
    client,
    leader,
    edu_members,
    offered,
):
    client.force_login(leader)
    chosen = offered["by_member"]
    walk(client, edu_members, until="result")
    post(client, "result", edu_members, **{"result-result_entry": str(chosen.pk)})
    for step in STEPS[STEPS.index("showcase") : -1]:
        post(client, step, edu_members)
    results.withdraw(chosen.pk, leader)  # the leader is 王丽, its author

    response = post(client, "review", edu_members)
    assert response.status_code == 200 and current_step(response) == "result"
    assert "已不在可选之列" in response.content.decode()
    assert not FiveOnesFiling.objects.exists()
    draft = WizardDraft.objects.get(user=leader)
    assert draft.data["step_data"]["theme"]["theme-theme"] == ["助力课后服务提质"], "nothing typed is lost"


def test_a_filing_prepared_before_its_year_names_a_planned_result_unlinked(client, leader, edu_members):
    year = TODAY.year + 1
    url = reverse("five_ones_wizard") + f"?year={year}"
    client.force_login(leader)
    client.get(url)
    for step in STEPS:
        data = step_data(step, edu_members, year=year)
        if step == "activity":
            data["activity-activity_date"] = f"{year}-03-05"
        response = client.post(url, data)
        if step == "result":
            assert current_step(response) == "showcase", response.context["form"].errors
    assert response.status_code == 302
    filing = FiveOnesFiling.objects.get()
    assert filing.result is None and filing.result_title == "关于提升课后服务质量的提案"
    assert not Result.objects.exists()


@pytest.fixture
def route_people(make_user, reference, roles_synced):
    return {
        "leader": make_user(roles.SECTOR_LEADER, sector=reference["education"]),
        "archive": make_user(roles.ARCHIVE_OFFICE),
        "edu_office": make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]),
    }


def test_an_unlinked_old_filing_still_shows_its_result_everywhere(client, route_people, reference, tmp_path):
    """A filing made before the registry: its three fields, marked 「未关联成果登记」, on its page, in
    its PDF and in the year's export."""
    filing = file_for(
        route_people["leader"],
        sector=reference["education"],
        result_title="关于<课后服务>提质的建议",
        result_summary="引入社会资源进校园。",
    )
    assert filing.result is None

    client.force_login(route_people["leader"])
    page = client.get(reverse("five_ones_detail", args=[filing.pk])).content.decode()
    assert "关于&lt;课后服务&gt;提质的建议" in page and "未关联成果登记" in page and "引入社会资源进校园。" in page

    path = tmp_path / "filing.pdf"
    path.write_bytes(filing_pdf(filing))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = text.replace(" ", "").replace("\n", "")
    assert "关于<课后服务>提质的建议" in flat and "未关联成果登记" in flat

    client.force_login(route_people["archive"])
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(reverse("five_ones_export") + "?year=2026").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("成果登记")
    assert rows[0][column - 2 : column + 1] == ("成果标题", "内容摘要", "成果登记")
    assert rows[1][column - 2] == "关于<课后服务>提质的建议" and rows[1][column] == "未关联成果登记"

    client.force_login(route_people["edu_office"])
    inspect = client.get(reverse("forms_app_fiveonesfiling_modeladmin_inspect", args=[filing.pk])).content.decode()
    assert "未关联成果登记" in inspect


def test_the_board_says_whether_each_filings_result_is_confirmed(
    client,
    route_people,
    reference,
    make_user,
    offices,
):
    confirmed = entry(title="已确认的集体提案", sector=reference["education"], status=Status.CONFIRMED)
    pending = entry(title="待确认的集体发言", kind=Kind.SPEECH, sector=reference["health"], status=Status.PENDING)
    health_leader = make_user(roles.SECTOR_LEADER, sector=reference["health"])
    economy_leader = make_user(roles.SECTOR_LEADER, sector=reference["economy"])
    file_for(route_people["leader"], sector=reference["education"])
    file_for(health_leader, sector=reference["health"])
    file_for(economy_leader, sector=reference["economy"])  # before the registry: unlinked
    FiveOnesFiling.objects.filter(sector=reference["education"]).update(result=confirmed)
    FiveOnesFiling.objects.filter(sector=reference["health"]).update(result=pending)

    board = rules.deadline_board(2026)
    column = {row["name"]: row["result_confirmed"] for row in board["rows"]}
    assert column == {"教育界": "是", "医药卫生界": "否", "经济界": "—", "民盟": "—", "九三学社": "—"}

    results.confirm(pending.pk, offices["research"])
    assert {row["name"]: row["result_confirmed"] for row in rules.deadline_board(2026)["rows"]}["医药卫生界"] == "是"

    client.force_login(route_people["archive"])
    page = client.get(reverse("five_ones_board") + "?year=2026").content.decode()
    assert "成果已确认" in page
    assert page.count("<td data-result-confirmed>是</td>") == 2
    assert page.count("<td data-result-confirmed>—</td>") == 3


def test_the_service_checks_the_chosen_entry_again(route_people, reference, members):
    """Between the page and the submission the entry may be withdrawn: submit_filing looks again
    under the lock and writes nothing."""
    gone = entry(members["teacher"], title="刚撤回的提案", year=2026, status=Status.WITHDRAWN)
    with pytest.raises(rules.ResultLinkError, match="已不在可选之列"):
        file_for(route_people["leader"], sector=reference["education"], result={"entry": gone.pk})
    assert not FiveOnesFiling.objects.exists()


def test_a_refused_link_shows_the_result_step_and_keeps_the_draft(client, leader, edu_members, monkeypatch):
    client.force_login(leader)
    walk(client, edu_members)

    def refused(*args):
        raise rules.ResultLinkError("成果登记未通过：提交日期应在 2026 年内。")

    monkeypatch.setattr(rules, "link_result", refused)
    response = post(client, "review", edu_members)
    assert response.status_code == 200 and current_step(response) == "result"
    assert "成果登记未通过" in response.content.decode()
    assert not FiveOnesFiling.objects.exists() and WizardDraft.objects.filter(user=leader).exists()
