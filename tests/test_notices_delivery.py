"""Mail delivery in the tests' own process (locmem mailbox, immediate tasks): the Chinese text, the
retries and 发送失败, the daily digest, and 系统管理员's list of failed mails with 重新发送 and the
reminder settings. The worker as a separate process is tests/test_notices_worker.py."""

from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command

from notices import tasks
from notices.models import EmailMode, EmailState, Kind, NoticeSettings, Notification, Preference
from notices.services import notify
from people import roles


@pytest.fixture
def accounts(make_user):
    found = {}
    for name, email in [("leader", "leader@example.cn"), ("office", "office@example.cn"), ("noemail", "")]:
        user = make_user(roles.SECTOR_LEADER)
        user.email, user.first_name = email, name
        user.save()
        found[name] = user
    return found


def send(users, title="教育界备案表已退回", link="/forms/five-ones/1/", body="请修改后重新提交。", kind=Kind.FILING):
    rows = notify(users, kind, title, link=link, body=body)
    tasks.deliver.enqueue([row.pk for row in rows])
    return rows


def test_mail_is_in_chinese_with_an_absolute_link(accounts, settings):
    settings.PUBLIC_URL = "https://zx.example.gov.cn"
    send([accounts["leader"], accounts["noemail"]])
    [message] = mail.outbox
    assert message.to == ["leader@example.cn"]
    assert message.subject.endswith("教育界备案表已退回") and message.subject.startswith("【")
    assert "请修改后重新提交。" in message.body
    assert "查看详情：https://zx.example.gov.cn/forms/five-ones/1/" in message.body
    states = dict(Notification.objects.values_list("recipient__first_name", "email_state"))
    assert states == {"leader": EmailState.SENT, "noemail": EmailState.NOT_SENT}


def test_a_failing_address_is_retried_three_times_then_failed_and_others_still_go(accounts):
    real = mail.get_connection

    class Flaky:
        def __init__(self):
            self.inner = real()

        def open(self):
            return self.inner.open()

        def close(self):
            return self.inner.close()

        def send_messages(self, messages):
            if any("office@" in to for m in messages for to in m.to):
                raise OSError("550 邮箱不存在")
            return self.inner.send_messages(messages)

    with mock.patch("notices.tasks.mail.get_connection", Flaky):
        send([accounts["leader"], accounts["office"]])
    failed = Notification.objects.get(recipient=accounts["office"])
    assert failed.email_state == EmailState.FAILED
    assert failed.attempts == 4  # the first try and 3 retries
    assert "550 邮箱不存在" in failed.last_error
    assert [m.to for m in mail.outbox] == [["leader@example.cn"]]


def test_digest_collects_a_days_notices_in_one_mail(accounts):
    Preference.objects.create(user=accounts["leader"], kind=Kind.FILING, mode=EmailMode.DIGEST)
    Preference.objects.create(user=accounts["noemail"], kind=Kind.FILING, mode=EmailMode.DIGEST)
    send([accounts["leader"], accounts["office"]], title="第一件")
    send([accounts["leader"], accounts["noemail"]], title="第二件")
    assert [m.subject[-3:] for m in mail.outbox] == ["第一件"]  # office's, at once
    mail.outbox.clear()
    call_command("send_digests")
    [digest] = mail.outbox
    assert digest.to == ["leader@example.cn"] and "（2 条）" in digest.subject
    assert digest.body.index("第一件") < digest.body.index("第二件")
    assert not Notification.objects.filter(email_state=EmailState.DIGEST).exists()
    mail.outbox.clear()
    call_command("send_digests")
    assert mail.outbox == []  # nothing new since the last digest


def failed_row(accounts):
    return Notification.objects.create(
        recipient=accounts["office"],
        kind=Kind.REMINDER,
        title="还有 3 天截止：<b>备案表</b>",
        email_state=EmailState.FAILED,
        attempts=4,
        last_error="SMTPRecipientsRefused: 550",
    )


def test_system_admin_lists_failed_mails_and_resends_them(
    accounts, make_user, client, django_capture_on_commit_callbacks
):
    row = failed_row(accounts)
    Notification.objects.create(recipient=accounts["leader"], kind=Kind.FILING, title="已发送", email_state="sent")
    client.force_login(make_user(roles.SYSTEM_ADMIN))
    page = client.get("/admin/notices/failed/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "office@example.cn" in text and "SMTPRecipientsRefused: 550" in text
    assert "&lt;b&gt;备案表&lt;/b&gt;" in text and "<b>备案表" not in text
    assert "已发送" not in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/notices/failed/", {"ids": [str(row.pk), "abc", "99999999999999999999999"]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.email_state == EmailState.SENT and row.attempts == 1 and row.last_error == ""
    assert [m.to for m in mail.outbox] == [["office@example.cn"]]


def test_other_roles_neither_see_nor_resend_failed_mails(accounts, make_user, client):
    row = failed_row(accounts)
    client.force_login(make_user(roles.DISTRICT_OFFICE))
    assert client.get("/admin/notices/failed/").status_code == 403
    assert client.post("/admin/notices/failed/", {"all": "1"}).status_code == 403
    row.refresh_from_db()
    assert row.email_state == EmailState.FAILED and mail.outbox == []


def test_settings_form_refuses_bad_days_and_keeps_what_was_typed(make_user, client):
    client.force_login(make_user(roles.SYSTEM_ADMIN))
    for bad in ["7,三,1", "", "0", "-3"]:
        response = client.post("/admin/notices/settings/", {"reminder_days": bad, "box_wait_days": "12"})
        assert response.status_code == 200
        text = response.content.decode()
        assert "提醒天数应为正整数，如 7,3,1" in text
        assert 'value="12"' in text
    assert NoticeSettings.load().reminder_days == "7,3,1"
    response = client.post("/admin/notices/settings/", {"reminder_days": "5，2", "box_wait_days": "12"})
    assert response.status_code == 302
    row = NoticeSettings.load()
    assert row.offsets() == [5, 2, 0] and row.box_wait_days == 12


def test_only_system_admin_changes_the_settings(make_user, client):
    client.force_login(make_user(roles.DISTRICT_OFFICE))
    assert client.get("/admin/notices/settings/").status_code == 403
    assert client.post("/admin/notices/settings/", {"reminder_days": "1", "box_wait_days": "1"}).status_code == 403
    assert NoticeSettings.load().reminder_days == "7,3,1"
