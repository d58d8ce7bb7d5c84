"""Shared set-up for the 履职成果 registry's tests: units, entries and the offices' accounts."""

import datetime

import pytest

from people import roles
from results import rules
from results.models import AuthorKind, HandlingUnit, Kind, Occasion, Result, Source, Status

YEAR = 2026
DAY = datetime.date(YEAR, 3, 2)


@pytest.fixture
def units(db):
    return {
        "education": HandlingUnit.objects.create(name="区教委", sort_order=1),
        "health": HandlingUnit.objects.create(name="区卫健委", sort_order=2),
        "transport": HandlingUnit.objects.create(name="区交通委", sort_order=3),
        "closed": HandlingUnit.objects.create(name="区原粮食局", sort_order=9, disabled=True),
    }


@pytest.fixture
def offices(roles_synced, make_user):
    """The two offices that confirm entries, and a roster-wide reader."""
    return {
        "proposals": make_user(roles.PROPOSAL_COMMITTEE),
        "research": make_user(roles.RESEARCH_OFFICE),
        "liaison": make_user(roles.LIAISON_OFFICE),
    }


def entry(
    *authors,
    kind=Kind.PROPOSAL,
    title="关于加强校园周边交通安全的建议",
    year=YEAR,
    status=Status.CONFIRMED,
    author_kind=None,
    sector=None,
    party=None,
    occasion=Occasion.REGULAR,
    number="",
    submitted_on=DAY,
    source=Source.ADMIN,
    **fields,
):
    """An entry written straight to the database (no rules), for set-up."""
    if author_kind is None:
        author_kind = (
            AuthorKind.SECTOR
            if sector
            else AuthorKind.PARTY
            if party
            else AuthorKind.JOINT
            if len(authors) > 1
            else AuthorKind.INDIVIDUAL
        )
    result = Result.objects.create(
        year=year,
        kind=kind,
        title=title,
        summary=fields.pop("summary", "摘要"),
        submitted_on=submitted_on,
        author_kind=author_kind,
        sector=sector,
        party=party,
        number=number,
        status=status,
        source=source,
        occasion=occasion if kind == Kind.PROPOSAL else "",
        **fields,
    )
    rules.set_authors(result, authors)
    return result
