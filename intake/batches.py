"""社情民意报送 (S000-18): 研究室 assembles a batch (期号, 日期, 标题) of items drawn from leads
(CaseLead, already stripped of the citizen's name, phone, email and address by make_lead) or typed
as a committee, party or sector reported them, orders them, and marks the batch 已报送; from then on
the batch is read-only. Only holders of intake.send_batches act here.

Each step locks the batch row and checks 已报送 again under the lock, so of two people acting at
once the loser is told why, never shown a 500."""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from lianxin_site.db import locked_row

from .models import BatchItem, CaseLead, OpinionBatch
from .rules import IntakeError

REFUSAL = "只有研究室可以编辑和报送社情民意。"
SENT = "该期社情民意已报送，内容不能再修改。"
DUPLICATE_ISSUE = "期号“{}”已被使用，请换一个期号。"
DEFAULT_SOURCE = "区政协研究室"


def may_send(user):
    return bool(user.is_authenticated and user.is_active and user.has_perm("intake.send_batches"))


def _require(user):
    if not may_send(user):
        raise IntakeError(REFUSAL)


def _open_batch(batch):
    """The batch, locked; IntakeError if it is already sent (call inside atomic())."""
    locked = locked_row(OpinionBatch.objects.all(), pk=batch.pk)
    if locked.sent_at is not None:
        raise IntakeError(SENT)
    return locked


def free_leads():
    """Leads not yet in any batch, newest first."""
    return CaseLead.objects.filter(batch_items__isnull=True).select_related("case")


def create_batch(user, *, issue_no, date, title="社情民意"):
    _require(user)
    issue_no = issue_no.strip()
    try:
        with transaction.atomic():
            return OpinionBatch.objects.create(issue_no=issue_no, date=date, title=title or "社情民意", made_by=user)
    except IntegrityError:
        raise IntakeError(DUPLICATE_ISSUE.format(issue_no)) from None


def change_batch(batch, user, *, issue_no, date, title):
    _require(user)
    issue_no = issue_no.strip()
    try:
        with transaction.atomic():
            batch = _open_batch(batch)
            batch.issue_no, batch.date, batch.title = issue_no, date, title or "社情民意"
            batch.save(update_fields=["issue_no", "date", "title"])
    except IntegrityError:
        raise IntakeError(DUPLICATE_ISSUE.format(issue_no)) from None
    return batch


def _next_order(batch):
    return (batch.items.aggregate(top=Max("order"))["top"] or 0) + 1


TAKEN = "所选线索中有的已编入其他报送，请刷新后重新选择。"


def add_leads(batch, user, leads, *, source=DEFAULT_SOURCE):
    """Add `leads` as items, in the order given; a lead already in a batch is refused. Two people
    adding one lead to two batches at once: the database keeps a lead in one batch only
    (a_lead_in_one_batch_only), and the second is told so."""
    _require(user)
    source = (source or "").strip() or DEFAULT_SOURCE
    try:
        with transaction.atomic():
            batch = _open_batch(batch)
            ids = [lead.pk for lead in leads]
            if BatchItem.objects.filter(lead_id__in=ids).exists():
                raise IntakeError(TAKEN)
            order = _next_order(batch)
            items = [
                BatchItem(
                    batch=batch,
                    lead=lead,
                    order=order + i,
                    title=lead.title,
                    content=lead.content,
                    source=source[:100],
                    category=lead.category,
                )
                for i, lead in enumerate(leads)
            ]
            BatchItem.objects.bulk_create(items)
    except IntegrityError:
        raise IntakeError(TAKEN) from None
    return items


def add_item(batch, user, *, title, content, source, category):
    """An item typed as a committee, party or sector reported it."""
    _require(user)
    with transaction.atomic():
        batch = _open_batch(batch)
        return BatchItem.objects.create(
            batch=batch,
            order=_next_order(batch),
            title=title,
            content=content,
            source=source,
            category=category,
        )


def change_item(item, user, *, title, content, source, category):
    _require(user)
    with transaction.atomic():
        _open_batch(item.batch)
        item = locked_row(BatchItem.objects.all(), pk=item.pk)
        item.title, item.content, item.source, item.category = title, content, source, category
        item.save(update_fields=["title", "content", "source", "category"])
    return item


def remove_item(item, user):
    """The item leaves the batch; a lead it came from is free again."""
    _require(user)
    with transaction.atomic():
        batch = _open_batch(item.batch)
        BatchItem.objects.filter(pk=item.pk, batch=batch).delete()
        _renumber(list(batch.items.order_by("order", "pk")))


def move_item(item, user, step):
    """Move the item `step` places (-1 up, +1 down); the items are numbered 1..n again."""
    _require(user)
    with transaction.atomic():
        batch = _open_batch(item.batch)
        items = list(batch.items.order_by("order", "pk"))
        index = next((i for i, other in enumerate(items) if other.pk == item.pk), None)
        if index is None:
            raise IntakeError("该条目已不在本期报送中，请刷新页面。")
        target = index + step
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
        _renumber(items)


def _renumber(items):
    changed = []
    for number, item in enumerate(items, start=1):
        if item.order != number:
            item.order = number
            changed.append(item)
    BatchItem.objects.bulk_update(changed, ["order"])


def mark_sent(batch, user, now=None):
    _require(user)
    with transaction.atomic():
        batch = _open_batch(batch)
        if not batch.items.exists():
            raise IntakeError("本期还没有条目，不能报送。")
        batch.sent_at = now or timezone.now()
        batch.save(update_fields=["sent_at"])
    return batch


def items_of(batch):
    """The batch's items in their order."""
    return list(batch.items.order_by("order", "pk"))
