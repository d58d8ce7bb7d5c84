"""委员活动日 statistics as PDFs: a unit's table in the paper layout, and the roll-up with its
charts (landscape A4). rollup_context() also feeds the roll-up page in the admin.

The roll-up PDF of a hundred units takes WeasyPrint seconds, so the worker renders it (job kind
"activity_rollup_pdf", forms_app/job_kinds.py) and it is kept in private storage under a name made
from what it shows (rollup_key): the same PDF is served again until a report of that day changes."""

import hashlib

from django.db.models import Count, Max
from django.utils import timezone

from lianxin_site.storage import private_storage

from ..charts import bar_chart, data_uri
from ..pdf import render_pdf
from . import rules


def table_columns(variant):
    """The table's header for templates: (leading headings, kind headings, trailing headings)."""
    return {
        "leading": [rules.heading(f, variant) for f in rules.LEADING_FIELDS],
        "kinds": [rules.heading(f, variant) for f, _ in rules.KIND_FIELDS],
        "trailing": [rules.heading(f, variant) for f in rules.TRAILING_FIELDS],
        "group": rules.KIND_GROUP,
    }


def unit_pdf_bytes(day, unit, report):
    return render_pdf(
        "forms_app/activity_day/pdf_unit.html",
        {
            "day": day,
            "unit": unit,
            "report": report,
            "attachments": list(report.attachments.all()) if report else [],
            "title": rules.title(unit.variant),
            "columns": table_columns(unit.variant),
            "pdf_rows": [
                {
                    "values": [getattr(report, f) for f in rules.COUNT_FIELDS]
                    if report
                    else [""] * len(rules.COUNT_FIELDS)
                }
            ],
        },
    )


def rollup_context(day):
    summary = rules.roll_up(day)
    variant = summary["variants"][0] if len(summary["variants"]) == 1 else None
    rows = [
        {
            "label": row["unit"].name,
            "extra": row["status"],
            "values": [getattr(row["report"], f) if row["report"] else None for f in rules.COUNT_FIELDS],
        }
        for row in summary["rows"]
    ]
    rows.append(
        {
            "label": "合计",
            "total": True,
            "extra": f"已报 {len(rows) - len(summary['missing'])} / {len(rows)}",
            "values": [summary["totals"][f] for f in rules.COUNT_FIELDS],
        }
    )
    order = ["已报", "已报（有更正）", "未报", "逾期未报"]
    status_items = [(name, summary["statuses"][name]) for name in order if name in summary["statuses"]]
    return {
        **summary,
        "columns": table_columns(variant),
        "table_rows": rows,
        "upload_deadline": rules.upload_deadline(day),
        "kind_chart": data_uri(bar_chart("各类活动开展情况（工作室数，家）", summary["kinds"])),
        "status_chart": data_uri(bar_chart("填报单位报送情况（个）", status_items, color="#1f5f8b")),
    }


def rollup_pdf_bytes(day):
    return render_pdf("forms_app/activity_day/pdf_rollup.html", rollup_context(day))


ROLLUP_FOLDER = "activity_rollups"


def rollup_key(day, today=None):
    """What the roll-up PDF of `day` depends on, as a short name: the day itself, its units (names
    and order), the latest change of its reports (and their attachments, which it lists), and the
    date (a unit that has not reported turns 逾期未报 after the deadline). Any change gives another key."""
    reports = day.reports.aggregate(
        count=Count("id", distinct=True),
        changed=Max("updated_at"),
        files=Count("attachments", distinct=True),
        uploaded=Max("attachments__uploaded_at"),
    )
    units = list(day.units.order_by("pk").values_list("pk", "name", "variant", "sort_order"))
    parts = [
        day.pk,
        day.name,
        day.theme,
        day.date,
        day.deadline,
        day.upload_deadline,
        *reports.values(),
        units,
        today or timezone.localdate(),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def kept_rollup_name(day, key):
    return f"{ROLLUP_FOLDER}/{day.pk}/{key}.pdf"


def kept_rollup(day, key):
    """The stored name of the roll-up PDF rendered for `key`, or None if it is not kept."""
    name = kept_rollup_name(day, key)
    return name if private_storage().exists(name) else None


def keep_rollup(day, key, content):
    """Store the roll-up PDF for `key`, dropping those kept for the day's earlier states."""
    from django.core.files.base import ContentFile

    storage = private_storage()
    name = kept_rollup_name(day, key)
    folder = f"{ROLLUP_FOLDER}/{day.pk}"
    if storage.exists(folder):
        for old in storage.listdir(folder)[1]:
            if f"{folder}/{old}" != name:
                storage.delete(f"{folder}/{old}")
    if not storage.exists(name):
        storage.save(name, ContentFile(content))
    return name
