"""Two people acting on one item at once: exactly one wins, the other gets a message, never a
500, on SQLite (the README's default) and on PostgreSQL. Each test starts its requests together
behind a barrier, in threads with their own database connections, as a server's workers would."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from forms_app.founding import rules as founding
from forms_app.models import FilingEvent, FiveOnesFiling, Stage, StageOpinion, WizardDraft
from people import roles
from people.models import Member, RosterImport

from .conftest import VALID_ROWS, as_xlsx, roster_rows
from .content_helpers import site_sections
from .test_five_ones_route import file_for
from .test_five_ones_wizard import STEPS, step_data
from .test_workstation_application import application_data

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def at_once(*requests):
    """Run each `request(client)` in its own thread, all released together; their responses."""
    barrier = threading.Barrier(len(requests))
    responses = [None] * len(requests)

    def run(index, request):
        from django.db import connection

        try:
            barrier.wait()
            responses[index] = request()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def client_of(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def messages_of(client, url):
    return " ".join(str(m) for m in client.get(url).context["messages"])


def test_two_offices_signing_one_box_one_wins_and_the_other_is_told_who(make_user, reference, members):
    site_sections()
    applicant = make_user(roles.MEMBER, member=members["teacher"])
    application = founding.submit_application(
        applicant, application_data(members["teacher"], reference["edu_committee"]), []
    )
    url = reverse("forms_app_workstationapplication_modeladmin_inspect", args=[application.pk])
    offices = [client_of(make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"])) for _ in range(2)]
    form = {"stage": Stage.COMMITTEE_OFFICE, "text": "同意。", "signed_on": application.signed_on.isoformat()}

    responses = at_once(
        lambda: offices[0].post(url, {**form, "decision": "approve"}),
        lambda: offices[1].post(url, {**form, "decision": "return"}),
    )
    assert sorted(r.status_code for r in responses) == [200, 302], "one signs, one sees the form again"
    loser = next(r for r in responses if r.status_code == 200).content.decode()
    assert "已经处理过了" in loser
    assert StageOpinion.objects.filter(application=application, stage=Stage.COMMITTEE_OFFICE).count() == 1


@pytest.mark.parametrize("action", ["receive", "archive"])
def test_an_action_on_a_filing_clicked_twice_is_recorded_once(make_user, reference, action):
    if action == "receive":
        filing = file_for(make_user(roles.SECTOR_LEADER, sector=reference["education"]), sector=reference["education"])
        office = make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"])
    else:
        filing = file_for(make_user(roles.SECTOR_LEADER, party=reference["minmeng"]), party=reference["minmeng"])
        office = make_user(roles.ARCHIVE_OFFICE)
    clients = [client_of(office), client_of(office)]
    url = reverse("five_ones_act", args=[filing.pk])

    responses = at_once(*(lambda c=c: c.post(url, {"action": action}) for c in clients))
    assert [r.status_code for r in responses] == [302, 302]
    assert FilingEvent.objects.filter(filing=filing, action=action).count() == 1
    told = messages_of(clients[0], responses[0]["Location"]) + messages_of(clients[1], responses[1]["Location"])
    assert "你不能执行" in told, "the second click is told the filing has moved on"


def test_the_wizards_last_step_submitted_three_times_files_once(make_user, reference, members):
    from .factories import MemberFactory

    site_sections()
    edu_members = [members["teacher"], MemberFactory(code="14010", name="孙悦", sector=reference["education"])]
    leader = make_user(roles.SECTOR_LEADER, sector=reference["education"], member=members["teacher"])
    client = client_of(leader)
    url = reverse("five_ones_wizard")
    client.get(url)
    for step in STEPS[:-1]:
        assert client.post(url, step_data(step, edu_members)).status_code == 200
    clients = [client_of(leader) for _ in range(3)]

    responses = at_once(*(lambda c=c: c.post(url, step_data("review", edu_members)) for c in clients))
    assert all(r.status_code in (200, 302) for r in responses), [r.status_code for r in responses]
    assert FiveOnesFiling.objects.count() == 1
    assert sum(r.status_code == 302 and "/forms/five-ones/" in r["Location"] for r in responses) >= 1
    for response in responses:
        if response.status_code == 200:
            assert "不能重复填报" in response.content.decode()
    assert WizardDraft.objects.filter(user=leader).count() <= 1


def test_a_double_clicked_import_confirmation_imports_once(make_user, reference):
    liaison = make_user(roles.LIAISON_OFFICE)
    uploader = client_of(liaison)
    uploader.post(
        reverse("people_roster_import"), {"file": SimpleUploadedFile("名册.xlsx", as_xlsx(roster_rows(*VALID_ROWS)))}
    )
    record = RosterImport.objects.get()
    url = reverse("people_roster_preview", args=[record.pk])
    clients = [client_of(liaison), client_of(liaison)]

    responses = at_once(*(lambda c=c: c.post(url) for c in clients))
    assert [r.status_code for r in responses] == [302, 302]
    assert Member.objects.count() == 3
    record.refresh_from_db()
    assert record.status == RosterImport.Status.IMPORTED and record.report["created"] == 3
    told = " ".join(messages_of(c, url) for c in clients)
    assert "正在导入" in told or "已经导入过了" in told


@pytest.mark.django_db
def test_a_write_that_waited_too_long_says_try_again_instead_of_500(make_user, reference, monkeypatch):
    from django.db import OperationalError

    import forms_app.five_ones.admin as admin_views

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(admin_views.rules, "act", locked)
    filing = file_for(make_user(roles.SECTOR_LEADER, party=reference["minmeng"]), party=reference["minmeng"])
    client = client_of(make_user(roles.ARCHIVE_OFFICE))
    response = client.post(reverse("five_ones_act", args=[filing.pk]), {"action": "archive"})
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "系统正忙" in response.content.decode()


# --- 三联系


def test_a_double_tapped_contact_is_recorded_once(make_user, members):
    from contacts.models import ContactActivity

    wang = client_of(make_user(roles.MEMBER, member=members["teacher"]))
    data = {"date": "2026-03-05", "way": "visit", "new_name": "红星机床厂", "new_category": "enterprise"}
    url = reverse("contacts_home")
    responses = at_once(lambda: wang.post(url, data), lambda: wang.post(url, data))
    assert sorted(r.status_code for r in responses) == [200, 302]
    assert "这条联系已经记过了" in next(r for r in responses if r.status_code == 200).content.decode()
    assert ContactActivity.objects.count() == 1


def test_two_offices_pairing_one_member_at_once_make_one_pair(make_user, members):
    from contacts.models import Pairing
    from lianxin_site.dates import this_year

    standing = [
        Member.objects.create(code=f"S0{i}", name=f"常委{i}", sector=members["teacher"].sector, is_standing=True)
        for i in (1, 2)
    ]
    offices = [client_of(make_user(roles.LIAISON_OFFICE)) for _ in range(2)]
    url = reverse("contacts_pairing_modeladmin_create")

    def pair(client, member):
        form = {"year": this_year(), "kind": "standing", "from_member": member.pk, "to_member": members["teacher"].pk}
        return lambda: client.post(url, form)

    responses = at_once(pair(offices[0], standing[0]), pair(offices[1], standing[1]))
    assert sorted(r.status_code for r in responses) == [200, 302]
    loser = next(r for r in responses if r.status_code == 200).content.decode()
    assert "常委联系委员" in loser and "王丽" in loser
    assert Pairing.objects.filter(to_member=members["teacher"]).count() == 1


def test_a_half_year_report_issued_twice_at_once_is_issued_once(make_user, members):
    import datetime

    from contacts import rules as contacts_rules
    from contacts.models import HalfYearReport

    today = datetime.date.today()
    year, half = (today.year, 1) if today.month > 6 else (today.year - 1, 2)
    liaison = make_user(roles.LIAISON_OFFICE)
    contacts_rules.save_analysis(year, half, "上半年各位委员联系群众总体较好。", liaison)
    clients = [client_of(liaison), client_of(make_user(roles.LIAISON_OFFICE))]
    url = reverse("contacts_report_issue", args=[year, half])
    responses = at_once(lambda: clients[0].post(url), lambda: clients[1].post(url))
    assert all(r.status_code == 302 for r in responses)
    told = [messages_of(client, reverse("contacts_report", args=[year, half])) for client in clients]
    assert sum("已出具，这半年的联系记录已锁定" in text for text in told) == 1
    assert sum("已出具" in text for text in told) == 2
    assert HalfYearReport.objects.get(year=year, half=half).issued
