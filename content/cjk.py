"""Chinese full-text search on databases that do not segment Chinese.

SQLite's FTS5 and PostgreSQL's "simple" parser treat a run of Chinese characters as one
token, so 垃圾分类 inside 推进垃圾分类工作 is never found. We index Chinese as overlapping
character bigrams (plus single characters), the scheme of Lucene's CJKAnalyzer, and turn a
query into the same bigrams joined by AND: a page matches when it contains every bigram of
the query. No dictionary is needed and both databases behave the same.
"""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{CJK}]+")
WORD = re.compile(f"[{CJK}]+|[0-9A-Za-z]+")


def bigrams(run):
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_text(*texts):
    """Text for the search index: each Chinese run as its characters and bigrams."""
    tokens = []
    for text in texts:
        for word in WORD.findall(text or ""):
            if CJK_RUN.fullmatch(word):
                tokens.extend(word)
                tokens.extend(bigrams(word))
            else:
                tokens.append(word.lower())
    return " ".join(tokens)


def query_terms(query):
    """The bigram terms a query must all match (empty for a query with no words)."""
    terms = []
    for word in WORD.findall(query or ""):
        terms.extend(bigrams(word) if CJK_RUN.fullmatch(word) else [word.lower()])
    return list(dict.fromkeys(terms))


def match_pattern(query, text):
    """What a result marks in a text: each query word where the text has it whole, else the
    word's bigrams (a page matches when it holds every bigram, so the word itself may not be
    in it). None if nothing to mark."""
    folded = text.lower()
    pieces = set()
    for word in WORD.findall(query or ""):
        if word.lower() in folded:
            pieces.add(word)
        elif CJK_RUN.fullmatch(word):
            pieces.update(bigrams(word))
    if not pieces:
        return None
    return re.compile("|".join(re.escape(p) for p in sorted(pieces, key=len, reverse=True)), re.IGNORECASE)


def snippet(text, query, width=90):
    """About `width` characters of plain text around the first match, as HTML: the text is
    escaped piece by piece and each match is put in <mark>, so nothing in it becomes markup."""
    text = " ".join((text or "").split())
    pattern = match_pattern(query, text)
    first = pattern.search(text) if pattern else None
    start = max(0, first.start() - width // 3) if first else 0
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    piece = text[start:end]
    parts, last = [], 0
    for match in pattern.finditer(piece) if pattern else ():
        parts += [escape(piece[last : match.start()]), format_html("<mark>{}</mark>", match.group(0))]
        last = match.end()
    parts.append(escape(piece[last:]))
    return mark_safe(("…" if start else "") + "".join(parts) + ("…" if end < len(text) else ""))
