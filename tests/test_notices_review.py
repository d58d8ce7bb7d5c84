"""Found in review: a title that quotes user text holding a line break still reaches the inbox."""

import pytest
from django.conf import settings
from django.core import mail

from notices.models import EmailState, Kind
from notices.services import notify, notify_address

pytestmark = pytest.mark.django_db


def test_a_line_break_in_a_quoted_name_still_sends_the_mail(make_user, django_capture_on_commit_callbacks):
    user = make_user()
    user.email = "leader@example.com"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        [row] = notify([user], Kind.APPLICATION, "工作室建立申请“东华门\r\n工作室”待签署", link="/my/")
        notify_address("citizen@example.com", Kind.REPLY, "答复\n已有")
    row.refresh_from_db()
    assert row.email_state == EmailState.SENT, row.last_error
    assert [m.subject for m in mail.outbox] == [
        f"[{settings.COMMITTEE_NAME}] 工作室建立申请“东华门 工作室”待签署",
        f"[{settings.COMMITTEE_NAME}] 答复 已有",
    ]
