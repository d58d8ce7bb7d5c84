"""The half-year report on the 街道活动小组 as an A4 PDF, through forms_app.pdf.render_pdf (WeasyPrint,
one CJK face embedded as a subset): 「2026年上半年街道活动小组工作情况报告」, the staff's 工作小结, the
overview table (a row per group), then per group its posts, 一街一策, activities by kind,
attendance, the members absent all half, 意见建议 and 办实事. The list of every activity is in the
xlsx (活动清单), not the PDF: 408 lines of it would triple the pages the leadership reads and the
time WeasyPrint takes.

It is drawn from `figures` (halfyear.figures, or an issued report's snapshot), never from the live
tables, so the kept PDF and the issued page show the same numbers. Per-group lists (posts, absent
members) are running text, not table rows, which WeasyPrint lays out several times faster."""

from forms_app.pdf import render_pdf


def halfyear_pdf(figures):
    """The PDF bytes of a report's figures (with "summary"; "issued_at" once issued, else the PDF
    says it is a draft)."""
    kinds = figures["kinds"]
    groups = [
        {**group, "kinds_text": "、".join(f"{k} {n} 次" for k, n in zip(kinds, group["by_kind"], strict=True) if n)}
        for group in figures["groups"]
    ]
    return render_pdf(
        "stations/pdf/halfyear.html",
        {
            "figures": figures,
            "groups": groups,
            "kind_totals": list(zip(kinds, figures["totals"]["by_kind"], strict=True)),
            "summary": figures.get("summary", ""),
            "issued_at": figures.get("issued_at"),
        },
    )
