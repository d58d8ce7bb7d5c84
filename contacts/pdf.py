"""The half-year report as an A4 PDF, through forms_app.pdf.render_pdf (WeasyPrint, one CJK face
embedded as a subset): the heading 「2026年上半年“三联系”工作落实情况报告」, coverage, the 落实情况
tables, the totals per 专委会, the members below quota by name and the staff's 情况分析.

It is drawn from `figures` (reports.half_year_figures, or an issued report's snapshot), never from
the live tables directly, so the kept PDF and the issued page show the same numbers."""

from django.utils import timezone

from forms_app.pdf import render_pdf

from .reports import tables_of


def half_year_pdf(figures):
    """The PDF bytes of a report's figures (with "analysis"; "issued_at" once issued, else the
    PDF says it is a draft)."""
    return render_pdf(
        "contacts/pdf/half_year.html",
        {
            "figures": figures,
            "tables": tables_of(figures),
            "analysis": figures.get("analysis", ""),
            "issued_at": figures.get("issued_at"),
            "today": timezone.localdate(),
        },
    )
