"""The 履职档案's PDFs, through forms_app.pdf.render_pdf (WeasyPrint, A4, the CJK face embedded as a
subset): a member's one-page 履职档案, the 通报所在单位 letters, the 优秀委员推荐名单.

The 履职档案 stays on ONE page whatever the member did: it shows the year in figures and the
entries summarised by category (a category is one line however many entries it has), never the
entries themselves; the categories are bounded by the registered sources."""

import base64
import mimetypes
from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from forms_app.pdf import render_pdf
from lianxin_site.committee import committee_name
from results.models import Kind as ResultKind

from . import ledger, rules
from .models import LedgerEntry, MemberScore, ScoreLine, Status

PHOTO_SPEC = "fill-240x320"
ZERO = Decimal("0.00")


def photo_uri(member):
    """The member's photo as a data URI (a small rendition), or None without one or when its file
    cannot be read."""
    if not member.photo_id:
        return None
    try:
        rendition = member.photo.get_rendition(PHOTO_SPEC)
        with rendition.file.open("rb") as stored:
            data = stored.read()
    except Exception:  # noqa: BLE001  (a missing or broken image file: the PDF goes without it)
        return None
    kind = mimetypes.guess_type(rendition.file.name)[0] or "image/jpeg"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def rate_text(rate):
    return "—" if rate is None else f"{rate * 100:.1f}%"


def category_summary(member, year):
    """[{label, done, leave, absent, points}] per category of the member's year (voided entries
    left out), in the registered order; only the categories the member has entries in."""
    counts = defaultdict(lambda: {"done": 0, "leave": 0, "absent": 0})
    entries = LedgerEntry.objects.filter(year=year, member=member, voided=False)
    for category, status, n in entries.values_list("category", "status").annotate(n=Sum("quantity")):
        key = {Status.LEAVE: "leave", Status.ABSENT: "absent"}.get(status, "done")
        counts[category][key] += n
    points = dict(
        ScoreLine.objects.filter(year=year, member=member)
        .values_list("entry__category")
        .annotate(p=Sum("points"))
        .values_list("entry__category", "p")
    )
    labels = ledger.category_labels()
    order = {key: index for index, key in enumerate(labels)}
    return [
        {"key": key, "label": labels.get(key, key), **counts[key], "points": points.get(key, ZERO)}
        for key in sorted(counts, key=lambda k: (order.get(k, len(order)), k))
    ]


def record_context(member, year):
    score = MemberScore.objects.filter(year=year, member=member).select_related("scheme").first()
    results = _result_counts(member, year)
    return {
        "member": member,
        "year": year,
        "photo": photo_uri(member),
        "score": score,
        "rank": rules.rank_of(score) if score else None,
        "ranked_count": MemberScore.objects.filter(year=year).count(),
        "rate": rate_text(score.rate if score else None),
        "categories": category_summary(member, year),
        "results": [(str(label), results.get(value, 0)) for value, label in ResultKind.choices],
        "important": LedgerEntry.objects.filter(
            year=year, member=member, voided=False, important=True, status=Status.PRESENT
        ).count(),
        "frozen": rules.frozen_message(year),
        "today": timezone.localdate(),
    }


def _result_counts(member, year):
    from .exports import result_counts  # exports imports this module

    return result_counts(year, [member.pk]).get(member.pk, {})


def record_pdf(member, year):
    return render_pdf("performance/pdf/record.html", record_context(member, year))


def letters_pdf(members, year):
    """One 通报 letter per member, each on its own page, addressed to the employer taken from
    单位及职务 (rules.employer_of), signed with the committee's name and today's date."""
    from .exports import activity_categories  # exports imports this module

    activities = dict(activity_categories())
    letters = []
    for member in members:
        context = record_context(member, year)
        context["employer"] = rules.employer_of(member)
        done = [f"{r['label']}{r['done']}次" for r in context["categories"] if r["key"] in activities and r["done"]]
        made = [f"{label}{n}件" for label, n in context["results"] if n]
        context["done_text"] = f"参加{'、'.join(done)}" if done else "暂无参加履职活动的记录"
        context["results_text"] = f"提交{'、'.join(made)}" if made else "暂无已确认的履职成果"
        letters.append(context)
    return render_pdf(
        "performance/pdf/letters.html",
        {"letters": letters, "year": year, "signed_by": committee_name(), "today": timezone.localdate()},
    )


def shortlist_pdf(year, groups, conditions):
    rows = [
        {"sector": sector, "place": place, "f": f, "rate": rate_text(f.rate)}
        for sector, members in groups
        for place, f in members
    ]
    return render_pdf(
        "performance/pdf/shortlist.html",
        {"year": year, "rows": rows, "conditions": conditions, "today": timezone.localdate()},
    )
