"""Publishing goes through review: an editor submits, a 审核员 approves and it is published."""

from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

from people.roles import REVIEWER

WORKFLOW_NAME = "内容审核"
TASK_NAME = "审核员审核"


@transaction.atomic
def ensure_moderation_workflow():
    """One workflow, on the root page so it covers every page of every site."""
    root = Page.get_first_root_node()
    if root is None:
        return None
    reviewers, _ = Group.objects.get_or_create(name=REVIEWER)
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.set([reviewers])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    return workflow


def ensure_workflow_after_migrate(sender, **kwargs):
    ensure_moderation_workflow()
