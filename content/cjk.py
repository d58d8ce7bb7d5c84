"""Chinese full-text search on databases that do not segment Chinese.

SQLite's FTS5 and PostgreSQL's "simple" parser treat a run of Chinese characters as one
token, so 垃圾分类 inside 推进垃圾分类工作 is never found. We index Chinese as overlapping
character bigrams (plus single characters), the scheme of Lucene's CJKAnalyzer, and turn a
query into the same bigrams joined by AND: a page matches when it contains every bigram of
the query. No dictionary is needed and both databases behave the same.
"""

import re

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
