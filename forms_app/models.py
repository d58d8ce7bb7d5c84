"""forms_app's models. Each paper form keeps its own in its subpackage (five_ones, founding,
activity_day); they are imported here because Django finds an app's models in `<app>.models`.
The app label stays forms_app, so tables, migrations and permission codenames are unchanged.
WizardDraft, which every wizard uses, lives here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .activity_day.models import (
    ActivityDay,
    ActivityReport,
    ReportAttachment,
    ReportingUnit,
    StatsImport,
    TableVariant,
)
from .five_ones.models import ActivityKind, Attendance, FilingEvent, FilingYear, FiveOnesFiling, Reflection, ResultKind
from .founding.models import (
    ApplicationMember,
    FoundingYear,
    Stage,
    StageOpinion,
    WorkingRule,
    WorkstationApplication,
)

__all__ = [
    "ActivityDay",
    "ActivityKind",
    "ActivityReport",
    "ApplicationMember",
    "Attendance",
    "FilingEvent",
    "FilingYear",
    "FiveOnesFiling",
    "FoundingYear",
    "Reflection",
    "ReportAttachment",
    "ReportingUnit",
    "ResultKind",
    "Stage",
    "StageOpinion",
    "StatsImport",
    "TableVariant",
    "WizardDraft",
    "WorkingRule",
    "WorkstationApplication",
]


class WizardDraft(models.Model):
    """A wizard's unfinished input, kept on the server per user and document, so that a
    closed browser or an expired session loses nothing (see forms_app/wizard.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wizard_drafts")
    key = models.CharField(max_length=200)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("表格草稿")
        verbose_name_plural = _("表格草稿")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_draft_per_user_and_document")]

    def __str__(self):
        return f"{self.user} · {self.key}"
