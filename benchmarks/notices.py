"""Issue 18's reminder figures, each beside an honest floor, on a fresh database (SQLite by default,
or a PostgreSQL server given with --postgres):

- queue_reminders over 1,000 界别组长 accounts (50 sectors, none has filed; 7 days before 31 March):
  reading every deadline source, writing the SentReminder and Notification rows and enqueuing the
  deliver tasks. Floor: the same SentReminder and Notification rows written by raw bulk_create.
  Target < 5 s.
- 10,000 reminders queued and delivered: queue_reminders over 10,000 accounts, then a real
  `manage.py db_worker --batch` process sending every mail to a local SMTP server (aiosmtpd, in this
  process), until the worker exits with nothing left. Floor: smtplib sending the same 10,000
  messages straight to the same server, over one connection per 200 as the tasks do. Target < 60 s.

Then, if the other notices benchmarks are present, their figures (benchmarks/notices_calendar.py
measure_feed, benchmarks/notices_desk.py measure_desk).

    .venv/bin/python benchmarks/notices.py
    .venv/bin/python benchmarks/notices.py --accounts 2000 --small 200     # quick look
    .venv/bin/python benchmarks/notices.py --postgres postgres://lianxin:lianxin@127.0.0.1:5432/lianxin_bench
"""

import argparse
import datetime
import importlib
import multiprocessing
import os
import smtplib
import socket
import subprocess
import sys
import time
from email.message import EmailMessage

from fresh_site import ROOT, fresh_database, print_figures, use_site

TARGETS = {"queue": 5.0, "deliver": 60.0}
YEAR = 2027
DEADLINE = datetime.date(YEAR, 3, 31)
SECTORS = 50


class Counting:
    """aiosmtpd handler: counts the mails it accepts in a shared counter."""

    def __init__(self, counter):
        self.counter = counter

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.counter.get_lock():
            self.counter.value += len(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def serve(port, counter, ready, stop):
    """The SMTP server, in its own process: neither the worker nor the floor shares its interpreter."""
    from aiosmtpd.controller import Controller

    controller = Controller(Counting(counter), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_leaders(start, count):
    """`count` 界别组长 accounts with addresses, spread over the sectors."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from people import roles
    from people.models import Profile, Sector

    User = get_user_model()
    sectors = list(Sector.objects.order_by("pk"))
    if not sectors:
        Sector.objects.bulk_create([Sector(name=f"界别{n:02d}", sort_order=n) for n in range(SECTORS)])
        sectors = list(Sector.objects.order_by("pk"))
    users = User.objects.bulk_create(
        [
            User(username=f"leader{n:06d}", email=f"leader{n:06d}@example.cn", password="!")
            for n in range(start, start + count)
        ],
        batch_size=1000,
    )
    if users[0].pk is None:  # a backend that returns no ids from bulk_create
        users = list(User.objects.filter(username__in=[u.username for u in users]))
    group = Group.objects.get(name=roles.SECTOR_LEADER)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=user.pk, group_id=group.pk) for user in users], batch_size=1000
    )
    Profile.objects.bulk_create(
        [Profile(user=user, sector=sectors[n % len(sectors)]) for n, user in enumerate(users)], batch_size=1000
    )
    return users


def clear_reminders():
    from django_tasks_db.models import DBTaskResult

    from notices.models import Notification, SentReminder

    SentReminder.objects.all().delete()
    Notification.objects.all().delete()
    DBTaskResult.objects.all().delete()


def raw_floor(day):
    """The rows queue_reminders writes, written by raw bulk_create from what is already known."""
    from django.contrib.auth import get_user_model

    from notices.models import EmailState, Kind, Notification, SentReminder

    clear_reminders()
    users = list(get_user_model().objects.filter(username__startswith="leader").only("pk", "email"))
    start = time.perf_counter()
    SentReminder.objects.bulk_create(
        [SentReminder(deadline_key=f"filing:{YEAR}:x", deadline=DEADLINE, recipient=u, days_before=7) for u in users],
        batch_size=500,
    )
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=u, kind=Kind.REMINDER, title="还有 7 天截止", link="/forms/", email_state=EmailState.PENDING
            )
            for u in users
        ],
        batch_size=500,
    )
    return time.perf_counter() - start


def timed_queue(day):
    from django.db import transaction

    from notices.reminders import queue_reminders

    start = time.perf_counter()
    with transaction.atomic():
        outcome = queue_reminders(day)
    return time.perf_counter() - start, outcome


WORKER = """
import sys
sys.path.insert(0, {root!r})
import django
django.setup()
from django.conf import settings
settings.DEBUG = False
settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", {port}
from django.core.management import call_command
call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
"""


def run_worker(port):
    """A real db_worker process (the dev settings, this benchmark's database), mailing to `port`."""
    done = subprocess.run(
        [sys.executable, "-c", WORKER.format(root=str(ROOT), port=port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(done.stdout + done.stderr)


def smtplib_floor(port, count, batch=200):
    """The same number of mails, same text size, sent straight with smtplib."""
    from notices.tasks import message_text

    class Row:
        title = "还有 3 天截止（3月31日）：界别00 2027 年“五个一”活动备案表报送截止"
        body = ""
        link = "/forms/five-ones/"

    text = message_text(Row)
    start = time.perf_counter()
    for first in range(0, count, batch):
        with smtplib.SMTP("127.0.0.1", port) as server:
            for n in range(first, min(first + batch, count)):
                message = EmailMessage()
                message["Subject"] = f"【东城区政协】{Row.title}"
                message["From"] = "noreply@localhost"
                message["To"] = f"leader{n:06d}@example.cn"
                message.set_content(text)
                server.send_message(message)
    return time.perf_counter() - start


def other_benchmarks(figures):
    """The other notices benchmarks' figures, when those modules are present."""
    for module_name, function_name in [("notices_calendar", "measure_feed"), ("notices_desk", "measure_desk")]:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            figures.append((f"{module_name}.{function_name}", "（未找到，跳过）"))
            continue
        try:
            result = getattr(module, function_name)()
        except Exception as error:  # noqa: BLE001  (their failure is theirs to report; ours still prints)
            figures.append((f"{module_name}.{function_name}", f"出错：{type(error).__name__}: {error}"))
            continue
        if isinstance(result, list | tuple) and all(isinstance(item, tuple) and len(item) == 2 for item in result):
            figures.extend(result)
        elif result is not None:
            figures.append((f"{module_name}.{function_name}", result))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=10_000, help="reminders delivered by the worker")
    parser.add_argument("--small", type=int, default=1_000, help="accounts for the queue_reminders timing")
    parser.add_argument("--postgres", help="a PostgreSQL URL (the database is dropped and created)")
    args = parser.parse_args()

    workdir, database_url = fresh_database(args.postgres)
    use_site(database_url, workdir)
    from django.core.management import call_command
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    reverse("five_ones_wizard")  # load the URL configuration once, as any command's process does first
    figures = []

    # queue_reminders over `small` accounts, 7 days before the deadline.
    make_leaders(0, args.small)
    week_before = DEADLINE - datetime.timedelta(days=7)
    queued, outcome = timed_queue(week_before)
    assert outcome.sent == args.small, outcome
    floor = raw_floor(week_before)
    figures.append(
        (
            f"queue_reminders，{args.small:,} 个账号",
            f"{queued:.2f} s（下限：同样的行直接 bulk_create {floor:.2f} s；目标 < {TARGETS['queue']:.0f} s）",
        )
    )

    # `accounts` reminders queued, then delivered by a db_worker process to a local SMTP server.
    clear_reminders()
    make_leaders(args.small, args.accounts - args.small)
    port = free_port()
    counter, ready, stop = multiprocessing.Value("i", 0), multiprocessing.Event(), multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(port, counter, ready, stop), daemon=True)
    server.start()
    ready.wait(30)
    try:
        start = time.perf_counter()
        queued, outcome = timed_queue(DEADLINE - datetime.timedelta(days=3))
        run_worker(port)
        total = time.perf_counter() - start
        delivered = counter.value
        from notices.models import EmailState, Notification

        sent = Notification.objects.filter(email_state=EmailState.SENT).count()
        assert outcome.sent == args.accounts and delivered == sent == args.accounts, (outcome, delivered, sent)
        counter.value = 0
        floor = smtplib_floor(port, args.accounts)
        assert counter.value == args.accounts, counter.value
    finally:
        stop.set()
        server.join(30)
    figures.append(
        (
            f"{args.accounts:,} 条提醒：排队并由 db_worker 投递",
            f"{total:.1f} s（其中排队 {queued:.1f} s；下限：smtplib 直接发送 {floor:.1f} s；"
            f"目标 < {TARGETS['deliver']:.0f} s）",
        )
    )
    other_benchmarks(figures)
    print(f"数据库：{'PostgreSQL' if args.postgres else 'SQLite'}")
    print_figures(figures)


if __name__ == "__main__":
    main()
