"""内容审核: Wagtail tells a page's reviewers (and, once it is approved or rejected, whoever submitted
it) by sending mail from inside the request that submits or decides, before the transaction commits.
Here the same four signals, with the same recipients as Wagtail's own notifiers, go through
notices.services.notify() instead: an in-app 消息 for each, and mail left to the worker after commit.

Wagtail connects its notifiers in its AppConfig.ready(); ours are connected under the same
dispatch_uid and sender, which replaces Wagtail's whichever app is ready first (a signal ignores a
second receiver registered under a key it already holds, and ours disconnects Wagtail's if it came
first)."""

from django.urls import reverse
from wagtail.admin import mail as wagtail_mail
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted

from .models import Kind
from .services import notify


def _edit_link(instance):
    """The admin page where the reviewer acts on the page (or snippet) the workflow is about."""
    obj = instance.workflow_state.content_object if isinstance(instance, TaskState) else instance.content_object
    page_id = getattr(obj, "page_ptr_id", None) or getattr(obj, "pk", None)
    if hasattr(obj, "get_admin_display_title"):
        return reverse("wagtailadmin_pages:edit", args=[page_id]), obj.get_admin_display_title()
    return "", str(obj)


class ToNotices:
    """Wagtail's recipients, every active one (an account without an email address still sees the
    消息), told through notify() instead of send_mail(). Each subclass words its own title()."""

    def get_valid_recipients(self, instance, **kwargs):
        return {user for user in self.get_recipient_users(instance, **kwargs) if user and user.is_active}

    def __call__(self, instance=None, **kwargs):
        if not self.can_handle(instance, **kwargs):
            return False
        recipients = self.get_valid_recipients(instance, **kwargs)
        if recipients:
            link, name = _edit_link(instance)
            notify(recipients, Kind.REVIEW, self.title(instance, name, **kwargs), link=link)
        return True


class TaskSubmitted(ToNotices, wagtail_mail.GroupApprovalTaskStateSubmissionEmailNotifier):
    def title(self, task_state, name, **kwargs):
        return f"「{name}」已提交审核（{task_state.task.name}），请审核"


class WorkflowSubmitted(ToNotices, wagtail_mail.WorkflowStateSubmissionEmailNotifier):
    def title(self, workflow_state, name, **kwargs):
        return f"「{name}」已提交{workflow_state.workflow.name}"


class WorkflowApproved(ToNotices, wagtail_mail.WorkflowStateApprovalEmailNotifier):
    def title(self, workflow_state, name, **kwargs):
        return f"「{name}」已通过审核"


class WorkflowRejected(ToNotices, wagtail_mail.WorkflowStateRejectionEmailNotifier):
    def title(self, workflow_state, name, **kwargs):
        comment = workflow_state.current_task_state.specific.get_comment() if workflow_state.current_task_state else ""
        return f"「{name}」被退回修改" + (f"：{comment}" if comment else "")


RECEIVERS = (
    (task_submitted, TaskSubmitted(), TaskState, "group_approval_task_submitted_email_notification"),
    (workflow_submitted, WorkflowSubmitted(), WorkflowState, "workflow_state_submitted_email_notification"),
    (workflow_rejected, WorkflowRejected(), WorkflowState, "workflow_state_rejected_email_notification"),
    (workflow_approved, WorkflowApproved(), WorkflowState, "workflow_state_approved_email_notification"),
)


def connect():
    for signal, receiver, sender, uid in RECEIVERS:
        signal.disconnect(sender=sender, dispatch_uid=uid)
        signal.connect(receiver, sender=sender, dispatch_uid=uid)
