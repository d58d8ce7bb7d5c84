"""The 委员工作室建立申请表 as a PDF in the paper form's layout, each reached box filled."""

from ..pdf import render_pdf
from . import rules


def application_pdf_bytes(application):
    (_applicant, signature), *boxes = rules.boxes(application)
    return render_pdf(
        "forms_app/founding/pdf.html",
        {
            "application": application,
            "participants": application.participants.select_related("member"),
            "boxes": boxes,
            "signature": signature,
        },
    )
