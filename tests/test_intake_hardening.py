"""What review and the walk-through found, each kept fixed: a hidden citizen cannot be found
through the admin's query string, a hand-edited id is 404, the CAPTCHA is never shared through
the page cache, a reply awaiting approval cannot be sent back, a case not yet accepted can be
given to another, the 逾期 list is most late first, a lead sits in one batch, a 接待日 keeps its
来访登记."""

import datetime

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from intake import cases
from intake.leads import make_lead
from intake.models import BatchItem, Case, CaseAssignment, OpinionBatch, ReceptionDay, Visit
from intake.rules import IntakeError, NotYours
from tests.intake_helpers import CITIZEN, intake_people, new_case  # noqa: F401

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
INDEX = reverse("intake_case_modeladmin_index")


def days(n):
    return T0 + datetime.timedelta(days=n)


def test_the_admin_list_takes_only_its_own_filters_so_a_hidden_citizen_cannot_be_probed(client, intake_people):
    case, _ = new_case()
    client.force_login(intake_people["research"])
    listed = client.get(INDEX).content.decode()
    assert case.number in listed and CITIZEN["name"] not in listed
    for probe in (f"?name={CITIZEN['name']}", "?phone__startswith=1398", "?name=别人"):
        response = client.get(INDEX + probe, follow=True)
        page = response.content.decode()
        # Refused with a message and the whole list, the same whether the guess is right or wrong.
        assert response.redirect_chain and "筛选条件无效" in page and case.number in page
    assert client.get(INDEX + "?status__exact=registered").status_code == 200


def test_a_hand_edited_admin_id_is_not_found(client, intake_people):
    client.force_login(intake_people["office"])
    for url in ("/admin/intake/case/inspect/abc/", "/admin/intake/case/inspect/99999999999999999999999/"):
        assert client.get(url).status_code == 404
    client.force_login(intake_people["research"])
    assert client.get("/admin/intake/caselead/edit/abc/").status_code == 404


def test_each_visitor_gets_a_captcha_of_their_own_from_refresh():
    keys = set()
    for _ in range(2):
        response = Client().get("/captcha/refresh/", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        keys.add(response.json()["key"])
        assert "max-age=300" not in response.get("Cache-Control", "")
    assert len(keys) == 2


def test_a_reply_awaiting_approval_cannot_be_sent_back_and_a_case_not_accepted_can_be_given_to_another(
    intake_people,
):
    p = intake_people
    case, _ = new_case(now=T0)
    cases.assign(case, p["office"], member=p["doctor"].profile.member, now=days(1))
    cases.assign(case, p["office"], member=p["teacher"].profile.member, now=days(2))  # 改派
    assert case.status == Case.Status.ASSIGNED and case.step_started_at == days(2)
    assert not cases.rules.holds(p["doctor"], case) and cases.rules.holds(p["teacher"], case)
    first = CaseAssignment.objects.filter(case=case).order_by("pk").first()
    assert first.return_reason == "区政协办公室改派" and cases.rules.may_see_personal(p["doctor"], case)
    cases.accept(case, p["teacher"], now=days(2))
    with pytest.raises(IntakeError):  # accepted: no more 改派
        cases.assign(case, p["office"], member=p["doctor"].profile.member, now=days(3))
    cases.save_reply(case, p["teacher"], "已协调。", submit=True, now=days(3))
    with pytest.raises(NotYours, match="已提交区政协办公室审核"):
        cases.send_back(case, p["teacher"], "不归我管", now=days(4))
    case.refresh_from_db()
    assert case.status == Case.Status.HANDLING and case.reply_state == Case.ReplyState.SUBMITTED


def test_the_overdue_list_puts_the_most_late_first_whatever_each_steps_limit(intake_people):
    p = intake_people
    waiting, _ = new_case(now=days(0))  # 分办 due day 2: at day 16, 14 days late
    handling, _ = new_case(now=days(-2))
    cases.assign(handling, p["office"], member=p["teacher"].profile.member, now=days(-2))
    cases.accept(handling, p["teacher"], now=days(-1))  # 答复 due day 14: at day 16, 2 days late
    assert [c.number for c in cases.overdue(now=days(16))] == [waiting.number, handling.number]


def test_a_lead_sits_in_one_batch_only(intake_people):
    p = intake_people
    case, _ = new_case()
    lead = make_lead(case, "opinion", p["research"])
    first = OpinionBatch.objects.create(issue_no="2026年第1期", date=datetime.date(2026, 3, 1))
    second = OpinionBatch.objects.create(issue_no="2026年第2期", date=datetime.date(2026, 3, 2))
    BatchItem.objects.create(batch=first, lead=lead, title="t", content="c", source="研究室")
    with pytest.raises(IntegrityError):  # what two people adding it at once run into
        BatchItem.objects.create(batch=second, lead=lead, title="t", content="c", source="研究室")


def test_a_reception_day_with_visits_is_not_deleted(client, intake_people):
    p = intake_people
    day = ReceptionDay.objects.create(
        station=p["edu_station"],
        date=timezone.localdate() + datetime.timedelta(days=1),
        start=datetime.time(9),
        end=datetime.time(10),
        place="社区服务中心",
    )
    Visit.objects.create(day=day, name="来访人", matter="反映事项", at=timezone.now())
    client.force_login(p["office"])
    client.post(f"/admin/intake/receptionday/delete/{day.pk}/")
    assert ReceptionDay.objects.filter(pk=day.pk).exists() and Visit.objects.count() == 1
