"""The 五个一活动备案表 as a PDF in the paper form's layout."""

from ..pdf import render_pdf
from .rules import registry_mark


def filing_pdf(filing):
    return render_pdf(
        "forms_app/five_ones/pdf.html",
        {
            "filing": filing,
            "registry_mark": registry_mark(filing),
            "participants": filing.participants.all(),
            "reflections": filing.reflections.current().select_related("member"),
        },
    )


def blank_filing_pdf():
    """The blank 备案表 for the 公告栏 (seed 000 附件 注 1): the same layout, every box empty."""
    return render_pdf("forms_app/five_ones/pdf.html", {"blank": True})
