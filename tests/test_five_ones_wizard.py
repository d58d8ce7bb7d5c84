"""The 五个一活动 filing wizard as a 界别组长 uses it."""

import datetime
from itertools import pairwise

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from content.models import StoryPage
from forms_app.models import FilingEvent, FiveOnesFiling, WizardDraft
from people import roles

from .content_helpers import site_sections
from .factories import MemberFactory

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year
TODAY = timezone.localdate()  # Beijing time, as the wizard counts it
URL = reverse("five_ones_wizard") + f"?year={YEAR}"


@pytest.fixture
def leader(make_user, members, reference):
    user = make_user(roles.SECTOR_LEADER, sector=reference["education"], member=members["teacher"])
    return user


@pytest.fixture
def edu_members(members, reference):
    second = MemberFactory(code="14010", name="孙悦", sector=reference["education"])
    return [members["teacher"], second]


def step_data(step, members, year=YEAR, **overrides):
    """What a leader types on each step (field names as the form posts them)."""
    teacher, second = members
    prefix = f"five-ones-{year}-sector-{teacher.sector_id}"  # the draft key names the form
    data = {
        "info": {"info-leader_name": "王丽", "info-filled_on": f"{TODAY:%Y-%m-%d}"},  # the prefilled date
        "theme": {
            "theme-theme": "助力课后服务提质",
            "theme-theme_reason": "教育界委员熟悉学校和家长的需求，最适合推动课后服务。",
        },
        "activity": {
            "activity-activity_date": f"{YEAR}-03-05",
            "activity-activity_place": "区实验小学",
            "activity-activity_kind": "education",
            "activity-participants": [teacher.pk, second.pk],
            "activity-activity_plan": "走进学校座谈，了解课后服务开展情况。",
        },
        "result": {
            "result-result_kind": "proposal",
            "result-result_title": "关于提升课后服务质量的提案",
            "result-result_summary": "建议引入科技馆、博物馆等社会资源进校园。",
            "result-result_submitted_on": f"{TODAY:%Y-%m-%d}",
            "result-result_occasion": "regular",
        },
        "showcase": {
            "showcase-showcase_member": second.pk,
            "showcase-showcase_reason": "孙悦委员扎根基层教学二十年，带头开展课后服务，深受家长信任。",
        },
        "reflections": {
            "reflections-TOTAL_FORMS": "3",
            "reflections-INITIAL_FORMS": "0",
            "reflections-MIN_NUM_FORMS": "0",
            "reflections-MAX_NUM_FORMS": "30",
            "reflections-0-member": teacher.pk,
            "reflections-0-text": "把群众的事当成自己的事。",
            "reflections-1-member": second.pk,
            "reflections-1-text": "一首小诗：\n春风化雨，润物无声。",
            "reflections-2-member": "",
            "reflections-2-text": "",
        },
        "review": {"review-confirm": "on"},
    }[step]
    data.update(overrides)
    return {f"{prefix}-current_step": step, **data}


def post(client, step, members, **overrides):
    return client.post(URL, step_data(step, members, **overrides))


def current_step(response):
    return response.context["wizard"]["steps"].current


STEPS = ["info", "theme", "activity", "result", "showcase", "reflections", "review"]


def walk(client, members, until="review"):
    response = client.get(URL)
    for step in STEPS[: STEPS.index(until)]:
        response = post(client, step, members)
        assert response.status_code == 200, step
    return response


def test_leader_walks_every_step_and_submits(client, leader, edu_members, reference):
    site_sections()
    client.force_login(leader)
    response = client.get(URL)
    page = response.content.decode()
    assert "教育界" in page and "按账号确定" in page
    assert f'type="date" name="info-filled_on" value="{datetime.date.today():%Y-%m-%d}"' in page, (
        "the date picker is prefilled"
    )
    assert current_step(response) == "info"

    for step, following in pairwise(STEPS):
        response = post(client, step, edu_members)
        assert current_step(response) == following

    review = response.content.decode()
    assert "助力课后服务提质" in review and "送教育进基层" in review and "王丽、孙悦" in review
    response = post(client, "review", edu_members)

    filing = FiveOnesFiling.objects.get()
    assert response["Location"] == reverse("five_ones_detail", args=[filing.pk])
    assert (filing.year, filing.sector, filing.party) == (YEAR, reference["education"], None)
    assert filing.theme == "助力课后服务提质" and filing.activity_kind == "education"
    assert set(filing.participants.all()) == set(edu_members)
    assert [r.text for r in filing.reflections.all()] == [
        "把群众的事当成自己的事。",
        "一首小诗：\n春风化雨，润物无声。",
    ]
    assert filing.status == FiveOnesFiling.Status.SUBMITTED
    assert list(filing.events.values_list("action", flat=True)) == [FilingEvent.Action.SUBMIT]
    story = filing.showcase_story
    assert story is not None and not story.live and story.member == edu_members[1]
    assert StoryPage.objects.get(pk=story.pk).title == "孙悦：助力课后服务提质"
    assert not WizardDraft.objects.exists(), "the draft is gone once filed"


def test_back_keeps_what_was_typed_on_the_current_step(client, leader, edu_members):
    client.force_login(leader)
    walk(client, edu_members, until="result")
    typed = step_data("result", edu_members, **{"result-result_title": "尚未写完的标题", "result-result_summary": ""})

    response = client.post(URL, {**typed, "wizard_goto_step": "activity"})
    assert current_step(response) == "activity"
    assert "区实验小学" in response.content.decode(), "the previous step shows its data"

    response = post(client, "activity", edu_members)
    assert current_step(response) == "result"
    assert "尚未写完的标题" in response.content.decode(), "what was typed before going back is still there"


def test_resume_in_a_new_session_at_the_step_left(leader, edu_members):
    first = Client()
    first.force_login(leader)
    walk(first, edu_members, until="showcase")

    later = Client()  # browser closed, session gone, a new login
    later.force_login(leader)
    response = later.get(URL)
    assert current_step(response) == "showcase"
    response = later.post(URL, {**step_data("showcase", edu_members), "wizard_goto_step": "theme"})
    assert "助力课后服务提质" in response.content.decode()


def test_two_wizards_in_one_browser_do_not_overwrite_each_other(client, leader, edu_members):
    client.force_login(leader)
    walk(client, edu_members, until="result")
    next_year = reverse("five_ones_wizard") + f"?year={YEAR + 1}"
    client.get(next_year)
    client.post(next_year, step_data("info", edu_members, year=YEAR + 1, **{"info-filled_on": f"{TODAY:%Y-%m-%d}"}))
    response = client.get(URL)
    assert current_step(response) == "result", "this year's draft is where it was"
    assert WizardDraft.objects.filter(user=leader).count() == 2


@pytest.mark.parametrize(
    "step, overrides, message",
    [
        ("info", {"info-leader_name": ""}, "请填写界别组长姓名。"),
        ("info", {"info-filled_on": "三月十日"}, "日期格式不对"),
        ("info", {"info-filled_on": "2001-03-10"}, f"填表日期不能早于 {YEAR - 1} 年 1 月 1 日"),
        (
            "info",
            {"info-filled_on": f"{TODAY + datetime.timedelta(days=1):%Y-%m-%d}"},
            f"填表日期不能晚于今天（{TODAY:%Y-%m-%d}）。",
        ),
        ("theme", {"theme-theme": ""}, "请填写活动主题。"),
        ("theme", {"theme-theme_reason": "适合"}, "至少 10 个字"),
        ("activity", {"activity-participants": []}, "请至少选择一名参加活动的委员。"),
        ("activity", {"activity-activity_kind": ""}, "请选择活动形式。"),
        ("activity", {"activity-activity_date": "2001-01-01"}, f"活动日期应在 {YEAR} 年内。"),
        ("activity", {"activity-activity_place": ""}, "请填写活动地点。"),
        ("result", {"result-result_kind": ""}, "请选择成果类别。"),
        ("result", {"result-result_title": ""}, "请填写成果标题。"),
        ("showcase", {"showcase-showcase_member": ""}, "请选择一名本界别（党派）的委员。"),
        ("showcase", {"showcase-showcase_reason": "很好"}, "推荐理由请至少写 20 个字"),
        (
            "reflections",
            {
                "reflections-0-member": "",
                "reflections-0-text": "",
                "reflections-1-member": "",
                "reflections-1-text": "",
            },
            "请至少提交一条履职心语。",
        ),
        ("reflections", {"reflections-0-text": ""}, "请填写这位委员的履职心语"),
        ("reflections", {"reflections-1-member": ""}, "请选择写这条履职心语的委员。"),
        ("review", {"review-confirm": ""}, "请勾选“我已核对以上内容”后再提交。"),
    ],
)
def test_each_validation_error_is_specific_and_keeps_the_input(client, leader, edu_members, step, overrides, message):
    client.force_login(leader)
    walk(client, edu_members, until=step)
    response = post(client, step, edu_members, **overrides)
    page = response.content.decode()
    assert current_step(response) == step
    assert message in page
    assert not FiveOnesFiling.objects.exists()


def test_a_member_of_another_sector_cannot_be_chosen(client, leader, edu_members, members):
    client.force_login(leader)
    walk(client, edu_members, until="showcase")
    response = post(client, "showcase", edu_members, **{"showcase-showcase_member": members["banker"].pk})
    assert "只能推荐本界别（党派）的委员。" in response.content.decode()


def test_a_leader_cannot_file_for_another_sector(client, leader, reference):
    client.force_login(leader)
    response = client.get(URL + f"&sector={reference['economy'].pk}")
    assert response.status_code == 403
    assert client.get(URL + f"&sector={reference['education'].pk}").status_code == 200


@pytest.mark.parametrize("role", [roles.COMMITTEE_OFFICE, roles.EDITOR, roles.LIAISON_OFFICE])
def test_only_sector_leaders_may_file(client, make_user, reference, role):
    client.force_login(make_user(role, sector=reference["education"]))
    assert client.get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_filed_year_cannot_be_filed_twice(client, leader, edu_members):
    client.force_login(leader)
    assert "填报 %d 年" % YEAR in client.get(reverse("my_home")).content.decode()
    walk(client, edu_members)
    post(client, "review", edu_members)
    home = client.get(reverse("my_home")).content.decode()
    assert f"{YEAR} 年的备案表已提交（已提交）" in home and "填报 %d 年" % YEAR not in home
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("five_ones_detail", args=[FiveOnesFiling.objects.get().pk])


def test_a_submission_refused_because_someone_filed_first_keeps_every_step(
    client, leader, edu_members, reference, make_user, monkeypatch
):
    """The leader reaches 核对提交; a colleague's filing for the same sector lands first. The
    leader is told why, stays on the review page, and loses nothing they typed."""
    from forms_app.five_ones import rules

    client.force_login(leader)
    walk(client, edu_members)
    colleague = make_user(roles.SECTOR_LEADER, sector=reference["education"])
    submit = rules.submit_filing

    def colleague_first(user, year, sector, party, data, participants, reflections, result=None):
        submit(colleague, year, sector, party, {**data, "theme": "同事先提交的主题"}, participants, reflections, result)
        return submit(user, year, sector, party, data, participants, reflections, result)

    monkeypatch.setattr(rules, "submit_filing", colleague_first)
    response = post(client, "review", edu_members)

    assert response.status_code == 200 and current_step(response) == "review"
    page = response.content.decode()
    assert "不能重复填报" in page, "the leader is told why"
    assert "助力课后服务提质" in page and "关于提升课后服务质量的提案" in page, "the review still shows every step"
    assert FiveOnesFiling.objects.get().theme == "同事先提交的主题", "exactly one filing: the colleague's"
    draft = WizardDraft.objects.get(user=leader)
    assert set(draft.data["step_data"]) == set(STEPS), "every step is still in the draft"
    assert draft.data["step_data"]["theme"]["theme-theme"] == ["助力课后服务提质"]

    # Once the colleague's filing is returned, the leader files what they typed, unchanged.
    office = make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"])
    rules.act(FiveOnesFiling.objects.get().pk, office, "return", "请重新填报。")
    monkeypatch.setattr(rules, "submit_filing", submit)
    response = client.get(URL)
    assert current_step(response) == "review"
    response = post(client, "review", edu_members)
    assert response.status_code == 302
    assert FiveOnesFiling.objects.get().theme == "助力课后服务提质"


@pytest.mark.parametrize("asked", ["1999", "abc", str(YEAR + 2), ""])
def test_a_year_out_of_range_files_this_year(client, leader, asked):
    """The year parameter has one rule (lianxin_site.dates.year_param): 2000 to next year."""
    client.force_login(leader)
    response = client.get(reverse("five_ones_wizard") + f"?year={asked}")
    assert response.context["year"] == YEAR


def test_next_year_may_be_filed_already(client, leader):
    client.force_login(leader)
    response = client.get(reverse("five_ones_wizard") + f"?year={YEAR + 1}")
    assert response.context["year"] == YEAR + 1


@pytest.mark.parametrize("offset", [1, 0, -1], ids=["next year, prepared in advance", "this year", "last year, late"])
def test_the_prefilled_date_of_filling_is_accepted_for_any_year_that_may_be_filed(client, leader, edu_members, offset):
    """The wizard fills in today as 填表日期; a leader preparing next year's filing now, or filing
    last year's late, goes on with it. The activity is the filing year's, planned or held."""
    year = TODAY.year + offset
    url = reverse("five_ones_wizard") + f"?year={year}"
    client.force_login(leader)
    response = client.get(url)
    page = response.content.decode()
    prefilled = response.context["form"]["filled_on"].value()
    assert prefilled == TODAY
    assert f'min="{year - 1}-01-01" max="{TODAY:%Y-%m-%d}"' in page, "the picker offers the dates the rule accepts"

    response = client.post(
        url, step_data("info", edu_members, year=year, **{"info-filled_on": f"{prefilled:%Y-%m-%d}"})
    )
    assert current_step(response) == "theme", response.context["form"].errors
    client.post(url, step_data("theme", edu_members, year=year))
    response = client.post(
        url, step_data("activity", edu_members, year=year, **{"activity-activity_date": f"{year}-03-05"})
    )
    assert current_step(response) == "result", response.context["form"].errors
