"""The one link from a case to the 履职成果 registry: a 社情民意信息 or 提案线索 drawn from a case.
The registry's own issue replaces only make_lead's body; here it keeps a CaseLead stripped of the
citizen's name, phone, email and address."""

import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import CaseEvent, CaseLead
from .rules import IntakeError

MASK = "某某"
# 手机、座机、邮箱 typed into the text itself.
PHONE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d{9}|(0\d{2,3}-?)?[2-9]\d{6,7})(?!\d)")
EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def strip_personal(text, case):
    """`text` without the citizen's name, phone, email and address, nor any phone or email typed
    into it."""
    text = text or ""
    for value in sorted({case.name, case.phone, case.email, case.address} - {""}, key=len, reverse=True):
        if value and len(value) >= 2:
            text = text.replace(value, MASK)
    text = EMAIL_IN_TEXT.sub(MASK, text)
    return PHONE_IN_TEXT.sub(MASK, text)


def make_lead(case, kind, user, *, title=None, content=None):
    """Draw a lead of `kind` (CaseLead.Kind) from `case`; one per case and kind."""
    if not user.has_perm("intake.make_leads"):
        raise IntakeError("只有研究室可以形成社情民意信息和提案线索。")
    if kind not in CaseLead.Kind.values:
        raise IntakeError("请选择线索类型。")
    try:
        with transaction.atomic():
            lead = CaseLead.objects.create(
                case=case,
                kind=kind,
                title=strip_personal(title or case.subject, case)[:100],
                content=strip_personal(content or case.content, case),
                category=case.category,
                made_by=user,
            )
            CaseEvent.objects.create(
                case=case,
                action=CaseEvent.Action.LEAD,
                status=case.status,
                actor=user,
                assignment_id=case.assignment_id,
                note=lead.get_kind_display(),
                at=timezone.now(),
            )
    except IntegrityError:
        raise IntakeError(f"该诉求件已形成过{CaseLead.Kind(kind).label}。") from None
    return lead
