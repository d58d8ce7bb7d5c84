"""A 社情民意报送 as an A4 PDF for 区委、区政府 (forms_app.pdf.render_pdf: WeasyPrint, a CJK face
embedded as a subset, headed by COMMITTEE_NAME). Every text is escaped by the template."""

from forms_app.pdf import render_pdf

from .batches import items_of

NUMERALS = "一二三四五六七八九十"


def chinese_number(n):
    """1 → 一, 12 → 十二, 25 → 二十五 (up to 99), else the digits."""
    if 1 <= n <= 10:
        return NUMERALS[n - 1]
    if n < 20:
        return "十" + NUMERALS[n - 11]
    if n < 100:
        tens, ones = divmod(n, 10)
        return NUMERALS[tens - 1] + "十" + (NUMERALS[ones - 1] if ones else "")
    return str(n)


def batch_pdf(batch):
    items = [(chinese_number(i), item) for i, item in enumerate(items_of(batch), start=1)]
    return render_pdf("intake/pdf/batch.html", {"batch": batch, "items": items})
