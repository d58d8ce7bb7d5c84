"""Paper forms as PDFs that look like the originals (WeasyPrint, A4, CJK fonts embedded as
subsets: bin/setup installs fonts-noto-cjk). Each form's pdf.py builds its context and calls
render_pdf(); views hand the bytes out with lianxin_site.downloads.pdf_response()."""

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML

from lianxin_site.committee import committee_name

from .pdf_fonts import compact_cid_fonts


def render_pdf(template, context):
    html = render_to_string(template, {"committee_name": committee_name(), **context})
    # Tagged PDF/UA: screen readers follow the form's structure; the language (zh-CN) and the
    # title come from the template's <html lang> and <title>. The CJK font is packed to the glyphs
    # used (pdf_fonts.py): ~170 KB less in every PDF, the same outlines.
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_variant="pdf/ua-1", finisher=compact_cid_fonts
    )
