"""Filings as PDFs that look like the paper forms (WeasyPrint, A4, CJK fonts embedded as
subsets: bin/setup installs fonts-noto-cjk)."""

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML


def render_pdf(template, context):
    html = render_to_string(template, {"committee_name": settings.COMMITTEE_NAME, **context})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def filing_pdf(filing):
    return render_pdf("forms_app/five_ones/pdf.html", {
        "filing": filing,
        "participants": filing.participants.all(),
        "reflections": filing.reflections.select_related("member"),
    })
