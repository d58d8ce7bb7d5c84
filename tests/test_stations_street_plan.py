"""一街一策: the 联络员 writes the plan and 报送 it; 委员联络室 退回 it with a reason, the 联络员 edits
and 报送 again, 委员联络室 确认 it and it is read only. The items' rules, who sees which plan, and
two 确认 at once."""

import pytest
from django.urls import reverse

from lianxin_site.dates import this_year
from people import roles
from people.models import Member
from stations import street_groups as plans
from stations.models import StreetGroupPlan

from .test_browser import browser  # noqa: F401
from .test_concurrency import at_once, client_of

Status = StreetGroupPlan.Status
ONE = [plans.ItemInput(3, "养老政策宣讲", "lecture")]


@pytest.fixture
def setup(reference, members, make_user, roles_synced):
    group = reference["donghuamen"]
    group.committee = reference["edu_committee"]
    group.save()
    Member.objects.filter(pk__in=[members["teacher"].pk, members["doctor"].pk]).update(street_group=group)
    Member.objects.filter(pk=members["banker"].pk).update(street_group=reference["jingshan"])
    return {
        "group": group,
        "liaison": make_user(roles.STREET_LIAISON, street_group=group),
        "office": make_user(roles.LIAISON_OFFICE),
        **members,
        **reference,
    }


def plan_url(year=None):
    return f"{reverse('street_group_plan')}?year={year or this_year()}"


def plan_post(
    action="save", token="", rows=(), needs="东华门街道今年重点：老旧小区改造、养老服务。", approach="每月一次活动。"
):
    data = {
        "token": token,
        "action": action,
        "needs": needs,
        "approach": approach,
        "items-TOTAL_FORMS": str(len(rows)),
        "items-INITIAL_FORMS": "0",
    }
    for i, (month, activity, kind, leads) in enumerate(rows):
        data.update({f"items-{i}-month": str(month), f"items-{i}-activity": activity, f"items-{i}-kind": kind})
        data[f"items-{i}-lead_members"] = [str(pk) for pk in leads]
    return data


def messages_in(response):
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


@pytest.mark.django_db
def test_the_plan_route_with_a_return_and_a_resubmission(setup, client, login):
    liaison = login(setup["liaison"])
    rows = [(3, "养老政策宣讲", "lecture", [setup["teacher"].pk]), (5, "义诊进社区", "clinic", [setup["doctor"].pk])]
    assert liaison.post(plan_url(), plan_post("save", rows=rows)).status_code == 302
    plan = StreetGroupPlan.objects.get(group=setup["group"], year=this_year())
    assert plan.status == Status.DRAFT
    assert [(i.month, i.activity) for i in plan.items.all()] == [(3, "养老政策宣讲"), (5, "义诊进社区")]

    assert liaison.post(plan_url(), plan_post("submit", plans.token(plan), rows)).status_code == 302
    plan.refresh_from_db()
    assert plan.status == Status.SUBMITTED
    page = liaison.get(plan_url()).content.decode()
    assert "等待委员联络室确认" in page and "<textarea" not in page, "a submitted plan is read, not edited"

    office = client_of(setup["office"])
    return_url = reverse("street_group_plan_return", args=[plan.pk])
    refused = office.post(return_url, {"reason": "  "})
    assert "「退回原因」：请写明退回原因" in refused.content.decode()
    plan.refresh_from_db()
    assert plan.status == Status.SUBMITTED
    office.post(return_url, {"reason": "请补充 9 月的活动"})
    plan.refresh_from_db()
    assert (plan.status, plan.return_reason) == (Status.RETURNED, "请补充 9 月的活动")

    page = liaison.get(plan_url()).content.decode()
    assert "委员联络室已退回：请补充 9 月的活动" in page and "<textarea" in page
    rows.append((9, "法律咨询", "legal_aid", []))
    assert liaison.post(plan_url(), plan_post("submit", plans.token(plan), rows)).status_code == 302
    plan.refresh_from_db()
    assert plan.status == Status.SUBMITTED and plan.items.count() == 3

    office.post(reverse("street_group_plan_confirm", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == Status.CONFIRMED and plan.decided_by == setup["office"]
    page = liaison.get(plan_url()).content.decode()
    assert "已确认" in page and "不能再修改" in page and "<textarea" not in page
    # A POST from an old tab changes nothing.
    liaison.post(plan_url(), plan_post("save", plans.token(plan), [(1, "改掉", "other", [])]))
    assert plan.items.count() == 3 and not plan.items.filter(activity="改掉").exists()


@pytest.mark.django_db
def test_items_rules_name_the_row_and_keep_what_was_typed(setup, login):
    liaison = login(setup["liaison"])
    outsider = setup["banker"]  # a member of 景山's group
    rows = [(4, "座谈", "forum", [setup["teacher"].pk]), (6, "走访困难家庭", "visit", [outsider.pk])]
    response = liaison.post(plan_url(), plan_post("submit", rows=rows))
    page = response.content.decode()
    assert "第 2 行「牵头委员」：赵敏不是本小组委员" in page
    assert 'value="走访困难家庭"' in page
    assert not StreetGroupPlan.objects.exists()

    with pytest.raises(plans.PlanError) as refused:
        plans.save_plan(
            setup["liaison"], setup["group"], this_year(), needs="x", approach="y",
            items=[plans.ItemInput(13, "讲座", "lecture")],
        )  # fmt: skip
    assert str(refused.value) == "第 1 行「月份」：应为 1 至 12 月"

    response = liaison.post(plan_url(), plan_post("submit", rows=[], needs=""))
    page = response.content.decode()
    assert "「街道中心工作与需求」：报送前请填写" in page and "「计划活动」：报送前请至少填写一项活动" in page


@pytest.mark.django_db
def test_another_groups_liaison_gets_404_and_no_account_gets_refused(setup, make_user, login, client):
    plan = plans.save_plan(setup["liaison"], setup["group"], this_year(), needs="n", approach="a", items=[])
    other = make_user(roles.STREET_LIAISON, street_group=setup["jingshan"])
    login(other)
    assert client.get(reverse("street_group_plan_detail", args=[plan.pk])).status_code == 404
    assert "景山街道活动小组" in client.get(reverse("street_group_home")).content.decode()
    assert "东华门" not in client.get(plan_url()).content.decode()
    login(make_user(roles.MEMBER))
    response = client.get(reverse("street_group_home"))
    assert response.status_code == 403 and "不是街道小组联络员" in response.content.decode()


@pytest.mark.django_db
def test_the_committee_office_reads_only_its_groups_and_cannot_decide(setup, make_user, login, client):
    ours = plans.save_plan(
        setup["liaison"], setup["group"], this_year(), needs="n", approach="a", items=ONE, submit=True
    )
    theirs_liaison = make_user(roles.STREET_LIAISON, street_group=setup["jingshan"])
    theirs = plans.save_plan(theirs_liaison, setup["jingshan"], this_year(), needs="n", approach="a", items=[])
    login(make_user(roles.COMMITTEE_OFFICE, committee=setup["edu_committee"]))
    index = client.get(reverse("street_group_plans")).content.decode()
    assert "东华门街道活动小组" in index and "景山街道活动小组" not in index
    assert client.get(reverse("street_group_plan_admin", args=[ours.pk])).status_code == 200
    response = client.get(reverse("street_group_plan_admin", args=[theirs.pk]))
    assert response.status_code == 403 and "不属于您负责的街道活动小组" in response.content.decode()
    response = client.post(reverse("street_group_plan_confirm", args=[ours.pk]))
    assert response.status_code == 403
    ours.refresh_from_db()
    assert ours.status == Status.SUBMITTED
    # The liaison office sees every group; 报送 ones are offered for 审核.
    login(setup["office"])
    index = client.get(reverse("street_group_plans") + "?status=submitted").content.decode()
    assert "东华门街道活动小组" in index and "景山街道活动小组" not in index and "审核" in index
    assert "景山街道活动小组" in client.get(reverse("street_group_plans")).content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_confirms_at_once_one_wins_and_the_other_is_told(setup, make_user):
    plan = plans.save_plan(
        setup["liaison"], setup["group"], this_year(), needs="n", approach="a", items=ONE, submit=True
    )
    url = reverse("street_group_plan_confirm", args=[plan.pk])
    first, second = client_of(setup["office"]), client_of(make_user(roles.LIAISON_OFFICE))
    responses = at_once(lambda: first.post(url), lambda: second.post(url, {"reason": "x"}))
    assert [r.status_code for r in responses] == [302, 302]
    said = [
        " ".join(str(m) for m in c.get(reverse("street_group_plan_admin", args=[plan.pk])).context["messages"])
        for c in (first, second)
    ]
    assert sum("已确认" in s and "不能再处理" not in s for s in said) == 1, said
    assert sum("不能再处理" in s for s in said) == 1, said
    plan.refresh_from_db()
    assert plan.status == Status.CONFIRMED


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_submit_against_return_at_once_one_wins(setup, make_user):
    plan = plans.save_plan(
        setup["liaison"], setup["group"], this_year(), needs="n", approach="a", items=ONE, submit=True
    )
    office = client_of(setup["office"])
    office.post(reverse("street_group_plan_return", args=[plan.pk]), {"reason": "补充"})
    plan.refresh_from_db()
    liaison = client_of(setup["liaison"])
    data = plan_post("submit", plans.token(plan), [(2, "讲座", "lecture", [])])
    responses = at_once(
        lambda: liaison.post(plan_url(), data),
        lambda: office.post(reverse("street_group_plan_return", args=[plan.pk]), {"reason": "再退"}),
    )
    assert all(r.status_code in (200, 302) for r in responses)
    plan.refresh_from_db()
    # Either order is a story a user can follow, never a mix: the return came first and was refused
    # (the plan was not 报送), so the 报送 stands; or the 报送 came first and the return acted on it.
    assert [i.activity for i in plan.items.all()] == ["讲座"]
    if plan.status == Status.RETURNED:
        assert plan.return_reason == "再退"
    else:
        assert plan.status == Status.SUBMITTED


# --- in chromium: the 联络员 on a phone, 委员联络室 at a desk ---------------------------------------

TAP_TARGETS = """() => Array.from(document.querySelectorAll(
    '.chip span, .sg-form select, .sg-form input[type=text], .sg-form textarea, .sg-form button, .big-link'))
    .map(e => [e.textContent.trim() || e.name, e.getBoundingClientRect().height])"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_liaison_writes_and_submits_on_a_phone_and_the_office_returns_it(browser, live_server, setup):
    from .test_browser import ARTIFACTS, _with_password, login_in

    liaison = _with_password(setup["liaison"])
    context, page = login_in(browser, live_server, liaison, "pw-lianxin-123", "/my/", width=390)
    page.get_by_role("link", name="东华门街道活动小组").click()
    page.wait_for_url("**/forms/street-group/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=ARTIFACTS / "street-home-phone.png", full_page=True)
    page.get_by_role("link", name="编写").first.click()
    page.get_by_label("街道中心工作与需求").fill("老旧小区改造、养老服务。")
    page.get_by_label("本组方案").fill("每月一次活动。")
    row = page.locator("[data-row='1']")
    row.get_by_label("月份").select_option(label="3月")
    row.get_by_label("类型").select_option(label="公益讲座")
    row.get_by_label("活动").fill("养老政策宣讲")
    row.get_by_label("王丽", exact=True).check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    small = [(name, h) for name, h in page.evaluate(TAP_TARGETS) if h < 44]
    assert not small, small
    page.screenshot(path=ARTIFACTS / "street-plan-phone.png", full_page=True)
    page.get_by_role("button", name="报送委员联络室").click()
    page.wait_for_url("**/forms/street-group/")
    assert "已报送" in page.locator(".messages").inner_text()
    context.close()

    office = _with_password(setup["office"])
    plan = StreetGroupPlan.objects.get()
    context, page = login_in(browser, live_server, office, "pw-lianxin-123", reverse("street_group_plans"))
    page.screenshot(path=ARTIFACTS / "street-plans-desktop.png", full_page=True)
    page.get_by_role("link", name="审核").click()
    page.get_by_role("button", name="退回").click()
    assert "请写明退回原因" in page.locator(".sp-error").inner_text()
    page.get_by_label("退回原因").fill("请补充下半年的活动")
    page.get_by_role("button", name="退回").click()
    page.wait_for_url(f"**{reverse('street_group_plan_admin', args=[plan.pk])}")
    page.screenshot(path=ARTIFACTS / "street-plan-admin-desktop.png", full_page=True)
    page.goto(f"{live_server.url}{reverse('people_streetgroup_modeladmin_edit', args=[setup['group'].pk])}")
    page.screenshot(path=ARTIFACTS / "street-group-posts-desktop.png", full_page=True)
    context.close()
    plan.refresh_from_db()
    assert plan.status == Status.RETURNED

    context, page = login_in(browser, live_server, liaison, "pw-lianxin-123", "/forms/street-group/", width=390)
    assert "请补充下半年的活动" in page.content()
    page.screenshot(path=ARTIFACTS / "street-home-returned-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}{plan_url()}")
    page.screenshot(path=ARTIFACTS / "street-plan-desktop.png", full_page=True)
    context.close()


@pytest.mark.django_db
def test_the_demo_gives_one_group_a_liaison_and_a_submitted_plan_and_another_a_confirmed_one(make_user, roles_synced):
    from people import demo
    from stations.demo_street import seed_street_plans

    demo.seed_reference_data()
    make_user(roles.LIAISON_OFFICE)
    user = seed_street_plans("demo-pw-1")
    seed_street_plans("demo-pw-1")  # idempotent
    first, second = StreetGroupPlan.objects.order_by("group__sort_order")
    assert (first.group.name, first.status) == ("东华门街道活动小组", Status.SUBMITTED)
    assert second.status == Status.CONFIRMED
    assert user.check_password("demo-pw-1")
    from stations import rules as station_rules

    assert station_rules.liaison_group(type(user).objects.get(pk=user.pk)) == first.group
    assert first.group.positions.get(post="liaison", side="cppcc").user == user
