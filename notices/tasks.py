"""What the worker (manage.py db_worker) does for notices: send mail, never inside a request.

A send that fails is tried again by a new task (not in a loop inside this one, so the worker keeps
taking other tasks meanwhile), up to MAX_ATTEMPTS in all; then the row is left 发送失败 with its
last error for 系统管理员 (notices/delivery_admin.py), and every other row of the batch still goes.
A server that refuses the connection counts one attempt for each row of the batch.

Each mail is in Chinese: the title, the body, and the absolute link to act on."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone
from django_tasks import task

from .models import EmailState, Notification

MAX_ATTEMPTS = 4  # the first try and 3 retries


def absolute(link):
    if link.startswith("/"):
        return settings.PUBLIC_URL.rstrip("/") + link
    return link


def _footer():
    return f"—— {settings.COMMITTEE_NAME}联心平台（本邮件由系统自动发送，请勿直接回复）"


def message_text(row):
    """The mail's body for one notification: title, body, link, and who sent it."""
    lines = [row.title]
    if row.body:
        lines += ["", row.body]
    if row.link:
        lines += ["", f"查看详情：{absolute(row.link)}"]
    lines += ["", _footer()]
    return "\n".join(lines)


def message_for(row, connection):
    return mail.EmailMessage(
        subject=f"【{settings.COMMITTEE_NAME}】{row.title}",
        body=message_text(row),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.address],
        connection=connection,
    )


def digest_text(rows):
    """One account's daily digest: each notification's title and link, oldest first."""
    lines = [f"您有 {len(rows)} 条新消息：", ""]
    for number, row in enumerate(rows, 1):
        when = timezone.localtime(row.created)
        lines.append(f"{number}. {row.title}（{when:%m月%d日 %H:%M}）")
        if row.body:
            lines.append(f"   {row.body}")
        if row.link:
            lines.append(f"   {absolute(row.link)}")
    lines += ["", f"查看全部消息：{absolute('/my/')}", "", _footer()]
    return "\n".join(lines)


def error_text(error):
    return f"{type(error).__name__}: {error}"[:1000]


def retry_later(task_obj, *args):
    """Enqueue `task_obj` again, after NOTICES_RETRY_SECONDS where the backend can defer (the
    database backend; the tests' immediate backend runs it at once)."""
    seconds = getattr(settings, "NOTICES_RETRY_SECONDS", 0)
    if seconds and task_obj.get_backend().supports_defer:
        task_obj = task_obj.using(run_after=timezone.now() + datetime.timedelta(seconds=seconds))
    task_obj.enqueue(*args)


def _open(connection):
    try:
        connection.open()
    except Exception as error:  # noqa: BLE001  (any refusal: the rows count a failed attempt)
        return error
    return None


def _close(connection):
    try:
        connection.close()
    except Exception:  # noqa: BLE001  (closing a broken connection changes nothing already sent)
        pass


@task()
def deliver(ids):
    """Send the pending mails among `ids` over one connection. Returns the number sent."""
    rows = list(Notification.objects.filter(pk__in=ids, email_state=EmailState.PENDING).select_related("recipient"))
    if not rows:
        return 0
    now = timezone.now()
    failed, done = [], []
    connection = mail.get_connection()
    refused = _open(connection)
    for row in rows:
        if not row.address:
            row.email_state = EmailState.NOT_SENT
            done.append(row)
        elif refused is not None:
            failed.append((row, refused))
        else:
            try:
                message_for(row, connection).send()
            except Exception as error:  # noqa: BLE001  (one bad address or reply: the others still go)
                failed.append((row, error))
                continue
            row.email_state = EmailState.SENT
            row.emailed_at = now
            row.attempts += 1
            row.last_error = ""
            done.append(row)
    if refused is None:
        _close(connection)
    retry = []
    for row, error in failed:
        row.attempts += 1
        row.last_error = error_text(error)
        if row.attempts >= MAX_ATTEMPTS:
            row.email_state = EmailState.FAILED
        else:
            retry.append(row.pk)
        done.append(row)
    Notification.objects.bulk_update(done, ["email_state", "emailed_at", "attempts", "last_error"])
    if retry:
        retry_later(deliver, retry)
    return sum(1 for row in done if row.email_state == EmailState.SENT)


def resend(ids):
    """系统管理员's 重新发送: failed rows start again with a fresh count of attempts."""
    from .services import enqueue_pending

    rows = Notification.objects.filter(pk__in=list(ids), email_state=EmailState.FAILED)
    chosen = list(rows.values_list("pk", flat=True))
    Notification.objects.filter(pk__in=chosen).update(email_state=EmailState.PENDING, attempts=0, last_error="")
    enqueue_pending(chosen)
    return len(chosen)


# --- the daily digest


def digest_rows():
    """Every notification waiting for an account's daily digest."""
    return Notification.objects.filter(email_state=EmailState.DIGEST, recipient__isnull=False)


def queue_digests(batch=200):
    """manage.py send_digests: rows of accounts without an address (or no longer active) are
    closed as 不发邮件; the rest are sent by deliver_digests tasks, `batch` accounts each.
    Returns the number of accounts to be mailed."""
    rows = digest_rows()
    rows.filter(recipient__is_active=False).update(email_state=EmailState.NOT_SENT)
    rows.filter(recipient__email="").update(email_state=EmailState.NOT_SENT)
    user_ids = sorted(set(digest_rows().values_list("recipient_id", flat=True)))
    for start in range(0, len(user_ids), batch):
        deliver_digests.enqueue(user_ids[start : start + batch])
    return len(user_ids)


@task()
def deliver_digests(user_ids):
    """One mail per account holding all its rows waiting for the digest; a failed send leaves the
    rows waiting (counted and explained) for the next day's digest, then 发送失败."""
    User = get_user_model()
    users = {user.pk: user for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="")}
    by_user = {}
    for row in digest_rows().filter(recipient_id__in=list(users)).order_by("created", "pk"):
        by_user.setdefault(row.recipient_id, []).append(row)
    if not by_user:
        return 0
    now = timezone.now()
    connection = mail.get_connection()
    refused = _open(connection)
    changed, sent = [], 0
    for user_id, rows in by_user.items():
        error = refused
        if error is None:
            try:
                mail.EmailMessage(
                    subject=f"【{settings.COMMITTEE_NAME}】每日消息汇总（{len(rows)} 条）",
                    body=digest_text(rows),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[users[user_id].email],
                    connection=connection,
                ).send()
            except Exception as failure:  # noqa: BLE001  (the other accounts still get theirs)
                error = failure
        for row in rows:
            row.attempts += 1
            if error is None:
                row.email_state, row.emailed_at, row.last_error = EmailState.SENT, now, ""
            else:
                row.last_error = error_text(error)
                if row.attempts >= MAX_ATTEMPTS:
                    row.email_state = EmailState.FAILED
            changed.append(row)
        sent += error is None
    if refused is None:
        _close(connection)
    Notification.objects.bulk_update(changed, ["email_state", "emailed_at", "attempts", "last_error"])
    return sent
