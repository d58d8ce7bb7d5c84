"""The worker as production runs it: `manage.py db_worker --batch`, a separate process reading the
tasks this test enqueued in the (file SQLite or PostgreSQL) test database, sending through the file
mailbox or a real SMTP server on 127.0.0.1 (aiosmtpd). A refused address is retried 3 times and
then left 发送失败 while every other mail goes; a server that is down fails the batch the same way
and the worker still ends normally.

Transactional: another process only sees what this one committed."""

import email
import os
import socket
import subprocess
import sys
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from notices.models import EmailState, Kind, Notification
from notices.services import notify, notify_address
from notices.tasks import MAX_ATTEMPTS, resend

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parent.parent
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def queued(settings):
    """Tasks enqueued by this process go to the database, for the worker process."""
    settings.TASKS = DB_BACKEND
    settings.PUBLIC_URL = "https://zx.example.gov.cn"


def run_worker(**mail_env):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lianxin_site.settings.test",
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        "LIANXIN_TEST_DB": str(connection.settings_dict["NAME"]),
        "LIANXIN_TASKS_DB": "1",
        "PUBLIC_URL": "https://zx.example.gov.cn",
        **mail_env,
    }
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def task_results():
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.values_list("status", flat=True))


@pytest.fixture
def accounts(make_user):
    found = {}
    for name, address in [("leader", "leader@example.cn"), ("office", "office@example.cn"), ("noemail", "")]:
        user = make_user()
        user.email = address
        user.save(update_fields=["email"])
        found[name] = user
    return found


def read_mailbox(folder):
    """Every message the file backend wrote, as (to, subject, body)."""
    found = []
    for path in sorted(Path(folder).iterdir()):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                message = email.message_from_bytes(chunk.strip())
                subject = str(make_header(decode_header(message["Subject"])))
                body = message.get_payload(decode=True).decode("utf-8")
                found.append((message["To"], subject, body))
    return sorted(found)


def test_the_worker_process_delivers_to_the_file_mailbox(queued, accounts, tmp_path):
    notify(accounts.values(), Kind.FILING, "教育界备案表已退回", link="/forms/five-ones/7/", body="请修改后重新提交。")
    notify_address("citizen@example.cn", Kind.REPLY, "您的诉求件 ZX2027-0001 已答复", link="/mailbox/status/")
    assert Notification.objects.filter(email_state=EmailState.PENDING).count() == 3
    assert task_results() == ["READY", "READY"]

    run_worker(LIANXIN_EMAIL_FILE_PATH=str(tmp_path))

    mails = read_mailbox(tmp_path)
    assert [to for to, _, _ in mails] == ["citizen@example.cn", "leader@example.cn", "office@example.cn"]
    citizen, leader, _ = mails
    assert leader[1].endswith("教育界备案表已退回")
    assert "请修改后重新提交。" in leader[2]
    assert "查看详情：https://zx.example.gov.cn/forms/five-ones/7/" in leader[2]
    assert "ZX2027-0001" in citizen[1]
    states = sorted(Notification.objects.values_list("email_state", flat=True))
    assert states == [EmailState.NOT_SENT, EmailState.SENT, EmailState.SENT, EmailState.SENT]
    assert task_results() == ["SUCCESSFUL", "SUCCESSFUL"]


class Mailbox:
    """An SMTP server's handler: refuses the addresses in `refuse`, keeps the rest."""

    def __init__(self, refuse=()):
        self.refuse = set(refuse)
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content)
        subject = str(make_header(decode_header(message["Subject"])))
        self.received.extend((to, subject) for to in envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    started = []

    def start(handler, port=None):
        controller = Controller(handler, hostname="127.0.0.1", port=port or free_port())
        controller.start()
        started.append(controller)
        return controller.port

    yield start
    for controller in started:
        controller.stop()


def test_smtp_refused_address_is_retried_three_times_then_failed_others_delivered(queued, accounts, smtp_server):
    mailbox = Mailbox(refuse={"office@example.cn"})
    port = smtp_server(mailbox)
    notify([accounts["leader"], accounts["office"]], Kind.FILING, "备案表已接收", link="/forms/five-ones/7/")

    run_worker(LIANXIN_SMTP_PORT=str(port))

    assert mailbox.received == [("leader@example.cn", f"【{_committee()}】备案表已接收")]
    failed = Notification.objects.get(recipient=accounts["office"])
    assert failed.email_state == EmailState.FAILED
    assert failed.attempts == MAX_ATTEMPTS == 4
    assert "550" in failed.last_error
    assert Notification.objects.get(recipient=accounts["leader"]).email_state == EmailState.SENT
    # The first task and one new task per retry, each finished normally: the worker carried on.
    assert task_results() == ["SUCCESSFUL"] * 4


def test_a_server_that_is_down_fails_the_batch_and_resend_delivers_it_later(queued, accounts, smtp_server):
    port = free_port()  # nobody listens here yet
    notify([accounts["leader"], accounts["office"]], Kind.REMINDER, "还有 1 天截止：备案表")

    run_worker(LIANXIN_SMTP_PORT=str(port))

    rows = list(Notification.objects.filter(email_state=EmailState.FAILED).order_by("pk"))
    assert len(rows) == 2 and all(row.attempts == 4 and "Connection" in row.last_error for row in rows)

    mailbox = Mailbox()
    smtp_server(mailbox, port=port)
    assert resend([row.pk for row in rows]) == 2
    run_worker(LIANXIN_SMTP_PORT=str(port))

    assert sorted(to for to, _ in mailbox.received) == ["leader@example.cn", "office@example.cn"]
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.SENT}


def _committee():
    from django.conf import settings

    return settings.COMMITTEE_NAME
