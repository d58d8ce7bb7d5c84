"""What the worker (manage.py db_worker) does for notices: send mail. A send that fails is tried
again by a new task, up to MAX_ATTEMPTS in all; then the row is left 发送失败 for 系统管理员, and the
worker carries on with the rest."""

from django.conf import settings
from django.core import mail
from django.utils import timezone
from django_tasks import task

from .models import EmailState, Notification

MAX_ATTEMPTS = 4  # the first try and 3 retries


def message_for(row, connection):
    lines = [row.title]
    if row.body:
        lines += ["", row.body]
    if row.link:
        lines += ["", absolute(row.link)]
    return mail.EmailMessage(
        subject=f"[{settings.COMMITTEE_NAME}] {row.title}",
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.address],
        connection=connection,
    )


def absolute(link):
    if link.startswith("/"):
        return settings.PUBLIC_URL.rstrip("/") + link
    return link


@task()
def deliver(ids):
    """Send the pending mails among `ids`, over one connection."""
    rows = list(Notification.objects.filter(pk__in=ids, email_state=EmailState.PENDING).select_related("recipient"))
    if not rows:
        return 0
    failed = []
    sent = 0
    connection = mail.get_connection()
    try:
        connection.open()
    except Exception as error:  # the server is down: every row counts one failed attempt
        failed = [(row, error) for row in rows]
        rows = []
    for row in rows:
        if not row.address:
            row.email_state = EmailState.NOT_SENT
            row.save(update_fields=["email_state"])
            continue
        try:
            message_for(row, connection).send()
        except Exception as error:
            failed.append((row, error))
            continue
        row.email_state = EmailState.SENT
        row.emailed_at = timezone.now()
        row.attempts += 1
        row.save(update_fields=["email_state", "emailed_at", "attempts"])
        sent += 1
    try:
        connection.close()
    except Exception:  # noqa: BLE001  (closing a broken connection changes nothing sent)
        pass
    retry = []
    for row, error in failed:
        row.attempts += 1
        row.last_error = f"{type(error).__name__}: {error}"[:1000]
        if row.attempts >= MAX_ATTEMPTS:
            row.email_state = EmailState.FAILED
        else:
            retry.append(row.pk)
        row.save(update_fields=["attempts", "last_error", "email_state"])
    if retry:
        deliver.enqueue(retry)
    return sent
