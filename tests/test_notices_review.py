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
        f"【{settings.COMMITTEE_NAME}】工作室建立申请“东华门 工作室”待签署",
        f"【{settings.COMMITTEE_NAME}】答复 已有",
    ]


def _activity_day_form(unit):
    import datetime

    from django.utils import timezone

    day = timezone.localdate() + datetime.timedelta(days=10)
    return {
        "name": "秋季委员活动日",
        "theme": "走进社区",
        "date": f"{day:%Y-%m-%d}",
        "upload_deadline": f"{day:%Y-%m-%d}",
        "deadline": f"{day + datetime.timedelta(days=7):%Y-%m-%d}",
        "units": [unit.pk],
    }


def test_submitting_a_page_for_review_tells_reviewers_after_commit_and_mails_nobody_from_the_request(
    client, make_user, reference, django_capture_on_commit_callbacks
):
    """Creating a 委员活动日 drafts its 活动通知 and submits it to 内容审核. Wagtail would mail the
    reviewers from inside that request; here they get a 消息 once the save commits, and the mail is the
    worker's."""
    from content.models import HomePage
    from forms_app.models import ReportingUnit, TableVariant
    from notices.models import NoticeIndexPage, Notification
    from people import roles

    home = HomePage.objects.get()
    index = NoticeIndexPage(title="通知公告", slug="notices")
    home.add_child(instance=index)
    index.save_revision().publish()
    unit = ReportingUnit.objects.create(name="教科文卫体委员会", variant=TableVariant.COMMITTEE, sort_order=1)
    organiser = make_user(roles.LIAISON_OFFICE)
    reviewer = make_user(roles.REVIEWER)
    reviewer.email = "rev@example.com"
    reviewer.save()
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/admin/forms_app/activityday/create/", _activity_day_form(unit))
    assert response.status_code == 302
    assert mail.outbox == []  # nothing left inside the request
    # The 消息 is written in the save's own transaction (a rolled-back save leaves none).
    assert Notification.objects.get(kind=Kind.REVIEW, recipient=reviewer).email_state == EmailState.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    told = Notification.objects.get(kind=Kind.REVIEW, recipient=reviewer)
    assert told.title.startswith("「") and "请审核" in told.title
    assert told.link.startswith("/admin/pages/")
    assert [m.to for m in mail.outbox if "请审核" in m.subject] == [["rev@example.com"]]
