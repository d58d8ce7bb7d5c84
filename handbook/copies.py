"""切忌抄袭 (seed 000): possible copies in the 履职心语 pool.

An entry is flagged beside another when 80 % or more of its distinct character bigrams (the
scheme of content/cjk.py: each Chinese run as overlapping pairs, other words whole) are in the
other's. The share is the entry's own, so a short entry lifted whole out of a long one is
flagged, and the long one is not. Entries of fewer than MIN_BIGRAMS bigrams are never flagged:
four characters of 为民履职 prove nothing; one of fewer than SHORT bigrams (a sentence of eight
characters or so) only when all its bigrams are in the other: 第一条心得 and 第二条心得 share
most of theirs without one copying the other.

Checking is incremental: an entry is compared with the whole pool once, when it is new or its
text changed (Reflection.copies_checked), through an inverted index of the pool's bigrams."""

from collections import Counter, defaultdict

from django.db import IntegrityError, transaction

from content.cjk import CJK_RUN, WORD, bigrams
from forms_app.models import Reflection

from .models import ReflectionCopy

THRESHOLD = 0.8
MIN_BIGRAMS = 4
SHORT = 8


def fingerprint(text):
    """The distinct bigrams of a text (Chinese runs as pairs, other words lower-cased)."""
    grams = set()
    for word in WORD.findall(text or ""):
        grams.update(bigrams(word) if CJK_RUN.fullmatch(word) else [word.lower()])
    return frozenset(grams)


def copies_among(new, pool):
    """[(entry pk, other pk, share)] for the entries of `new` ({pk: text}) against `pool`
    ({pk: text}, holding `new` too): each pair in which one's share in the other reaches the
    threshold, in either direction."""
    prints = {pk: fingerprint(text) for pk, text in pool.items()}
    index = defaultdict(list)
    for pk, grams in prints.items():
        for gram in grams:
            index[gram].append(pk)
    found = {}
    for pk in new:
        mine = prints[pk]
        if not mine:
            continue
        shared = Counter(other for gram in mine for other in index[gram] if other != pk)
        for other, count in shared.items():
            theirs = prints[other]
            for a, b, size in ((pk, other, len(mine)), (other, pk, len(theirs))):
                if size >= MIN_BIGRAMS and count / size >= (THRESHOLD if size >= SHORT else 1):
                    found[(a, b)] = round(count / size, 3)
    return [(a, b, share) for (a, b), share in found.items()]


def check_copies():
    """Compare every entry not yet checked with the pool, keep what is found, mark them checked.
    Returns how many entries were checked.

    Others write meanwhile: an entry whose text changed after it was read stays unchecked (the
    next look compares its new text), and one withdrawn (deleted) after it was read makes the
    flags pointing at it fail at commit, when nothing is kept and the entries stay unchecked for
    the next look. It never fails the request that calls it."""
    unchecked = dict(Reflection.objects.current().filter(copies_checked=False).values_list("pk", "text"))
    if not unchecked:
        return 0
    pool = dict(Reflection.objects.current().values_list("pk", "text"))
    pairs = copies_among(unchecked, pool)
    try:
        with transaction.atomic():
            ReflectionCopy.objects.filter(reflection_id__in=unchecked).delete()
            ReflectionCopy.objects.filter(original_id__in=unchecked).delete()
            ReflectionCopy.objects.bulk_create(
                [ReflectionCopy(reflection_id=a, original_id=b, share=share) for a, b, share in pairs],
                ignore_conflicts=True,
            )
            for pk, text in unchecked.items():
                Reflection.objects.filter(pk=pk, text=text).update(copies_checked=True)
    except IntegrityError:
        return 0
    return len(unchecked)
