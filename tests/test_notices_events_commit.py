"""Notices written by real commits: no captured callbacks, the action's own transaction commits
(or rolls back) as in a request, and only then is anyone told."""

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from forms_app.founding import rules as founding
from forms_app.founding.models import Stage, WorkingRule
from notices.models import Notification
from people import roles

from .factories import MemberFactory, ProfileFactory, SectorFactory, SpecialCommitteeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def scene(db):
    roles.sync_roles()
    edu = SpecialCommitteeFactory(name="教科文卫体委员会", office="专委会工作四室")
    econ = SpecialCommitteeFactory(name="经济委员会", office="专委会工作二室")
    member = MemberFactory(name="王丽", sector=SectorFactory(name="教育界", contact_committee=edu))

    def account(name, role, **scope):
        user = UserFactory(username=name, role=role)
        user.email = f"{name}@example.com"
        user.save()
        ProfileFactory(user=user, **scope)
        return user

    return {
        "member": member,
        "edu": edu,
        "applicant": account("applicant", roles.MEMBER, member=member),
        "edu_office": account("edu_office", roles.COMMITTEE_OFFICE, committee=edu),
        "econ_office": account("econ_office", roles.COMMITTEE_OFFICE, committee=econ),
        "liaison": account("liaison", roles.LIAISON_OFFICE),
    }


def apply(scene):
    member = scene["member"]
    data = dict(
        kind="member",
        name="东四教育委员工作室",
        address="东四街道党群活动中心二层",
        mode="both",
        basis="sector",
        sector=member.sector,
        street_group=None,
        committee=scene["edu"],
        lead_member=member,
        lead_employer_title="区实验小学 副校长",
        lead_sector=member.sector,
        lead_specialties="基础教育",
        lead_contact="13912345678",
        venue="依托东四街道党群活动中心。",
        rules={value: f"{label}：按季度执行。" for value, label in WorkingRule.choices},
        signature=member.name,
        signed_on=timezone.localdate(),
    )
    return founding.submit_application(scene["applicant"], data, [])


def test_a_committed_application_tells_its_box_and_mails_after_the_commit(scene):
    application = apply(scene)
    row = Notification.objects.get()
    assert row.recipient == scene["edu_office"], "not the other committee's office"
    assert [message.to for message in mail.outbox] == [["edu_office@example.com"]]

    founding.sign(application.pk, scene["edu_office"], Stage.COMMITTEE_OFFICE, "approve", "同意。")
    assert list(Notification.objects.exclude(pk=row.pk).values_list("recipient__username", flat=True)) == ["liaison"]


def test_an_application_rolled_back_with_its_request_tells_nobody(scene):
    with pytest.raises(RuntimeError), transaction.atomic():
        apply(scene)
        raise RuntimeError("the request failed after the service returned")
    assert Notification.objects.count() == 0 and mail.outbox == []
