"""Small charts as SVG images, drawn here so that nothing is fetched from a CDN and the same image
shows in the admin page and in the WeasyPrint PDF (as a data: URI)."""

import base64
from xml.sax.saxutils import escape

# The face and weight the PDFs' body text uses (templates/forms_app/activity_day/_pdf.css): a chart
# asking for another face, or for bold, makes WeasyPrint embed one more CJK font (~35 KB each for the
# roll-up's glyphs, even packed). The title stands out by its size.
FONT = "Noto Serif CJK SC, Noto Sans CJK SC, serif"


def bar_chart(title, items, width=640, color="#b3261e"):
    """A horizontal bar chart of [(label, value)] with the value at each bar's end."""
    label_width, bar_height, gap, top = 230, 22, 10, 40
    height = top + len(items) * (bar_height + gap) + 10
    largest = max([value for _, value in items] + [1])
    room = width - label_width - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" font-weight="normal" font-size="13">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="20" font-size="15">{escape(title)}</text>',
    ]
    for index, (label, value) in enumerate(items):
        y = top + index * (bar_height + gap)
        length = round(room * value / largest)
        parts.append(f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}" fill="{color}"/>')
        parts.append(f'<text x="{label_width + length + 6}" y="{y + 16}">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def data_uri(svg):
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
