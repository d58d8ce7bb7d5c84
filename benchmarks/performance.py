"""履职档案 benchmark: the yearly compute, the ledger's sync, the 委员年度履职统计 and one 履职档案 PDF
at a district's size.

On a fresh database (SQLite by default, or a PostgreSQL server given with --postgres) with
500 members, the script

1. writes 50,000 ledger entries straight into LedgerEntry (bulk_create: every category, status
   and role, some 重要, some voided) and a published 记分办法 of 25 rules with caps, then times
   the full recompute (scoring.compute_scores) beside its floor: the same ScoreLine and
   MemberScore rows deleted and inserted again by the raw bulk insert compute_scores uses
   (lianxin_site.db.bulk_insert), with nothing read or scored;
2. times a full sync_ledger from the sources at a realistic size, in another year: 40 履职活动
   inviting everyone (20,000 invitations, most with a recorded Participation, some 请假) and
   1,500 confirmed 履职成果 with one to three authors; first the sync that writes every entry,
   then the one that finds nothing to change;
3. times the 委员年度履职统计 xlsx of the 50,000-entry year (exports.annual_xlsx);
4. times one 履职档案 PDF of the busiest member (pdf.record_pdf) beside WeasyPrint on a bare
   table of the same text with the same font (what rendering the text costs at the least).

    .venv/bin/python benchmarks/performance.py
    .venv/bin/python benchmarks/performance.py --members 500 --entries 50000 --runs 5
    .venv/bin/python benchmarks/performance.py --postgres postgres://lianxin:lianxin@127.0.0.1:5432/lianxin_bench

--postgres drops and creates the named database (the role needs CREATEDB; .ci/run creates
such a role) and runs ANALYZE after loading, as autovacuum would.

Targets (issue 14): recompute under 2 s; the annual xlsx under 5 s; one 履职档案 PDF under 1 s.
The ranking and member pages are timed by their own benchmarks.
"""

import argparse
import datetime
import random
import time
from decimal import Decimal

from fresh_site import fresh_database, median_ms, page_and_floor, print_figures, use_site

YEAR = 2025  # the synthetic ledger's year
SYNC_YEAR = 2024  # the sources' year
TARGETS = {"recompute": 2000, "xlsx": 5000, "pdf": 1000, "ranking": 300, "member": 150}


def seed_roster(count):
    from people.demo import seed_members, seed_reference_data

    seed_reference_data()
    seed_members(count)


def seed_ledger(entries, rng):
    """`entries` ledger entries spread over the members, the first member the busiest."""
    from people.models import Member
    from performance.ledger import category_labels
    from performance.models import LedgerEntry, Role, Status

    members = list(Member.objects.order_by("code").values_list("pk", flat=True))
    results = ["proposal", "opinion", "speech", "report", "suggestion"]
    attended = [c for c in category_labels() if c not in results]
    statuses = [Status.PRESENT] * 8 + [Status.LEAVE, Status.ABSENT, Status.SELF_ORGANISED]
    roles = [Role.ATTEND] * 6 + [Role.SPEAK, Role.HOST, Role.ORGANISE]
    rows = []
    for n in range(entries):
        member = members[0] if n % 20 == 0 else members[n % len(members)]  # the first has ~5 % of it all
        if rng.random() < 0.15:
            category, status, role = rng.choice(results), "", rng.choice([Role.AUTHOR, Role.CO_AUTHOR])
        else:
            category, status, role = rng.choice(attended), rng.choice(statuses), rng.choice(roles)
        rows.append(
            LedgerEntry(
                member_id=member,
                year=YEAR,
                date=datetime.date(YEAR, 1, 1) + datetime.timedelta(days=n % 365),
                source="bench",
                source_ref=f"bench:{n}",
                category=category,
                role=role,
                status=status,
                important=rng.random() < 0.05,
                voided=rng.random() < 0.01,
                title=f"基准测试履职记录 {n}：关于推进老旧小区加装电梯的专题协商",
            )
        )
    LedgerEntry.objects.bulk_create(rows, batch_size=2000)
    return members[0]


def seed_scheme(year):
    """The demo's 记分办法 (24 rules) and one more: 25 rules, caps on most."""
    from django.utils import timezone

    from performance.demo import RULES
    from performance.models import ScoringRule, ScoringScheme, Status

    scheme = ScoringScheme.objects.create(year=year, version=1, published_at=timezone.now())
    rules = [*RULES, ("training", "", Status.SELF_ORGANISED, "1", "3")]
    ScoringRule.objects.bulk_create(
        ScoringRule(
            scheme=scheme,
            category=category,
            role=role,
            status=status,
            points=Decimal(points),
            yearly_cap=Decimal(cap) if cap else None,
            sort_order=order,
        )
        for order, (category, role, status, points, cap) in enumerate(rules)
    )
    return scheme, len(rules)


def recompute_floor(year):
    """The compute's writes alone: the year's score lines and figures, as compute_scores left
    them, deleted and inserted again the way compute_scores writes them (lianxin_site.db's raw
    bulk_insert), with nothing read or scored."""
    from django.db import transaction

    from lianxin_site.db import bulk_insert, delete_rows
    from performance.models import MemberScore, ScoreLine

    line_fields = ["year", "member_id", "scheme_id", "entry_id", "rule_id", "points", "note"]
    score_fields = ["year", "member_id", "scheme_id", "total", "expected", "present", "leave", "absent"]
    score_fields += ["self_organised", "computed_at"]
    lines = list(ScoreLine.objects.filter(year=year).values(*line_fields))
    scores = list(MemberScore.objects.filter(year=year).values(*score_fields))

    def run():
        with transaction.atomic():
            delete_rows(ScoreLine.objects.filter(year=year))
            delete_rows(MemberScore.objects.filter(year=year))
            bulk_insert(ScoreLine, lines)
            bulk_insert(MemberScore, scores)

    return run


def seed_sources(rng, activities=40, results=1500):
    """A year of sources at a district's size (see the module docstring)."""
    from django.utils import timezone

    from people.models import Member
    from performance.models import DutyActivity, LeaveRequest, Participation, Role, Status
    from results.models import AuthorKind, Kind, Result, ResultAuthor, Source
    from results.models import Status as ResultStatus

    members = list(Member.objects.values_list("pk", flat=True))
    kinds = list(DutyActivity.Kind.values)
    made = DutyActivity.objects.bulk_create(
        DutyActivity(
            name=f"基准履职活动 {n}",
            kind=kinds[n % len(kinds)],
            start=timezone.make_aware(datetime.datetime(SYNC_YEAR, 1 + n % 12, 1 + n % 27, 9)),
            important=n % 10 == 0,
            invite_all=True,
        )
        for n in range(activities)
    )
    participations, leave = [], []
    for activity in made:
        for member in members:
            roll = rng.random()
            if roll < 0.8:
                role = Role.SPEAK if rng.random() < 0.1 else Role.ATTEND
                participations.append(
                    Participation(activity=activity, member_id=member, status=Status.PRESENT, role=role)
                )
            elif roll < 0.85:
                leave.append(
                    LeaveRequest(
                        activity=activity, member_id=member, reason="出差", decision=LeaveRequest.Decision.APPROVED
                    )
                )
    Participation.objects.bulk_create(participations, batch_size=2000)
    LeaveRequest.objects.bulk_create(leave, batch_size=2000)
    result_kinds = list(Kind.values)
    entries = Result.objects.bulk_create(
        Result(
            year=SYNC_YEAR,
            kind=result_kinds[n % len(result_kinds)],
            title=f"基准履职成果 {n}",
            author_kind=AuthorKind.INDIVIDUAL,
            submitted_on=datetime.date(SYNC_YEAR, 1 + n % 12, 1 + n % 27),
            status=ResultStatus.CONFIRMED,
            source=Source.ADMIN,
        )
        for n in range(results)
    )
    ResultAuthor.objects.bulk_create(
        ResultAuthor(result=result, member_id=member, position=position)
        for result in entries
        for position, member in enumerate(rng.sample(members, rng.randint(1, 3)), 1)
    )
    return len(participations) + len(leave), len(made) * len(members), len(entries)


def bare_table_pdf(context):
    """WeasyPrint on a bare table holding the same text as the 履职档案, with the same font."""
    from django.utils.html import escape
    from weasyprint import HTML

    member, score = context["member"], context["score"]
    cells = [
        ("姓名", member.name),
        ("界别", member.sector.name),
        ("单位及职务", member.employer_title),
        ("得分", score.total),
        ("排名", context["rank"]),
        ("出席率", context["rate"]),
    ]
    cells += [
        (row["label"], f"{row['done']} {row['leave']} {row['absent']} {row['points']}") for row in context["categories"]
    ]
    cells += context["results"]
    rows = "".join(f"<tr><th>{escape(a)}</th><td>{escape(b)}</td></tr>" for a, b in cells)
    html = (
        '<html lang="zh-CN"><head><meta charset="utf-8"><style>@page{size:A4}'
        '*{font-family:"Noto Serif CJK SC",serif}</style></head><body>'
        f"<h1>{escape(member.name)}</h1><table>{rows}</table></body></html>"
    )
    return HTML(string=html).write_pdf()


def page_figures(busiest, runs):
    """The ranking page (委员联络室), and the own page of a member with the median number of
    entries and of the busiest member, each beside its floor."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models import Count
    from django.test import Client

    from people import roles
    from people.models import Profile
    from performance import reports, views
    from performance.models import LedgerEntry

    User = get_user_model()
    office = User.objects.create_user("bench_liaison_pages", password="x")
    office.groups.add(Group.objects.get(name=roles.LIAISON_OFFICE))
    counts = sorted(
        LedgerEntry.objects.filter(year=YEAR).values("member_id").annotate(n=Count("pk")).values_list("n", "member_id")
    )
    typical_count, typical = counts[len(counts) // 2]
    busiest_count = LedgerEntry.objects.filter(year=YEAR, member_id=busiest).count()
    accounts = {}
    for member_id in (typical, busiest):
        account = User.objects.create_user(f"bench_member_{member_id}", password="x")
        account.groups.add(Group.objects.get(name=roles.MEMBER))
        Profile.objects.create(user=account, member_id=member_id)
        accounts[member_id] = account
    record = f"/my/record/?year={YEAR}"
    pages = [
        (f"履职排名 page ({len(counts)} members)", office, reports, f"/admin/performance/ranking/?year={YEAR}"),
        (f"我的履职档案 page ({typical_count} entries, the median)", accounts[typical], views, record),
        (f"我的履职档案 page ({busiest_count} entries, the busiest)", accounts[busiest], views, record),
    ]
    figures = []
    for label, user, module, url in pages:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        page, floor = page_and_floor(module, client, url, runs)
        target = TARGETS["ranking"] if module is reports else TARGETS["member"]
        figures.append(
            (label, f"{page:.0f} ms (target < {target} ms; floor: same template and context {floor:.0f} ms)")
        )
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL database URL (dropped and created)")
    args = parser.parse_args()

    workdir, database_url = fresh_database(args.postgres)
    use_site(database_url, workdir)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from people.models import Member
    from performance import exports, pdf
    from performance.ledger import sync_ledger
    from performance.models import LedgerEntry, ScoreLine
    from performance.scoring import compute_scores

    rng = random.Random(14)
    started = time.perf_counter()
    seed_roster(args.members)
    busiest = seed_ledger(args.entries, rng)
    _scheme, rule_count = seed_scheme(YEAR)
    seed_scheme(SYNC_YEAR)
    source_rows, invitations, result_count = seed_sources(rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    loaded = time.perf_counter() - started

    figures = [
        ("database", connection.vendor),
        (
            "members, ledger entries, rules",
            f"{Member.objects.count():,}, {args.entries:,}, {rule_count} (loaded in {loaded:.0f} s)",
        ),
    ]
    recompute = median_ms(lambda: compute_scores(YEAR), args.runs)
    floor = median_ms(recompute_floor(YEAR), args.runs)
    lines = ScoreLine.objects.filter(year=YEAR).count()
    figures.append(("full recompute (compute_scores)", f"{recompute:.0f} ms (target < {TARGETS['recompute']} ms)"))
    figures.append(
        (
            "  floor: the same rows deleted and inserted",
            f"{floor:.0f} ms ({lines:,} score lines + {args.members} figures)",
        )
    )

    start = time.perf_counter()
    written = sync_ledger(SYNC_YEAR)
    first_sync = (time.perf_counter() - start) * 1000
    again = median_ms(lambda: sync_ledger(SYNC_YEAR), args.runs)
    figures.append(
        (
            "full sync_ledger from the sources",
            f"{first_sync:.0f} ms writing {written['新增']:,} entries "
            f"({invitations:,} invitations, {source_rows:,} participations and 请假, {result_count:,} results)",
        )
    )
    figures.append(("  again, nothing to change", f"{again:.0f} ms"))

    members = Member.objects.all()
    xlsx_ms = median_ms(lambda: exports.annual_xlsx(YEAR, members), max(1, args.runs // 2))
    size = len(exports.annual_xlsx(YEAR, members)) // 1024
    figures.append(("委员年度履职统计 xlsx", f"{xlsx_ms:.0f} ms ({size:,} KB; target < {TARGETS['xlsx']} ms)"))

    member = Member.objects.select_related("sector", "party", "committee", "street_group").get(pk=busiest)
    entries = LedgerEntry.objects.filter(year=YEAR, member=member).count()
    pdf_ms = median_ms(lambda: pdf.record_pdf(member, YEAR), args.runs)
    context = pdf.record_context(member, YEAR)
    bare = median_ms(lambda: bare_table_pdf(context), args.runs)
    figures.append((f"one 履职档案 PDF ({entries:,} entries)", f"{pdf_ms:.0f} ms (target < {TARGETS['pdf']} ms)"))
    figures.append(("  floor: WeasyPrint on a bare table of the same text", f"{bare:.0f} ms"))

    figures += page_figures(busiest, args.runs)
    print_figures(figures)


if __name__ == "__main__":
    main()
