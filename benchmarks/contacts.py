"""三联系 benchmark: the office's pages, the member's page, the import and the half-year PDF at a
district's size.

On a fresh database (SQLite by default, or a PostgreSQL server given with --postgres) the script
first loads a small committee (30 members, 200 contact entries) and counts the queries of each
page; then grows it to 300 members (7 主席会议成员, 60 常委, 40 青年委员, every pairing made) and
2,000 entries, and prints for each page its median time beside its floor (the same template and
context rendered by a plain view: what is left is the page's own counting) and its queries at
both sizes, which must be equal;

- 落实情况 (委员联络室, the whole roster) and 按月汇总 (a 专委会工作室, its scope): target < 200 ms;
- the member's /forms/contacts/ (a member with the median number of entries): target < 50 ms;
- a 2,000-row 联系记录 import, preview then 确认导入, beside its floor: the same entries and their
  links written by raw bulk_create: target < 5 s;
- the half-year PDF beside WeasyPrint on a bare table of the same text: target < 1.5 s, 400 KB.

    .venv/bin/python benchmarks/contacts.py
    .venv/bin/python benchmarks/contacts.py --postgres postgres://lianxin:lianxin@127.0.0.1:5432/lianxin_bench
"""

import argparse
import datetime
import random
import time

from fresh_site import fresh_database, median_ms, page_and_floor, print_figures, use_site

YEAR = 2026
TARGETS = {"dashboard": 200, "monthly": 200, "member": 50, "import": 5000, "pdf": 1500, "pdf_kb": 400}
WAYS = ["visit", "phone", "wechat", "forum"]
CATEGORIES = ["enterprise", "community", "sector_public", "public", "aided"]


def designate(members):
    """7 主席会议成员, 60 常委, 40 青年委员 (as far as the roster goes)."""
    from people.models import ChairRole, Member

    Member.objects.update(chair_role="", is_standing=False, is_youth=False)  # the demo roster's own flags
    chairs, standing = members[:7], members[7:67]
    youth = members[67:107]
    Member.objects.filter(pk__in=[m.pk for m in chairs]).update(chair_role=ChairRole.VICE_CHAIR)
    Member.objects.filter(pk=chairs[0].pk).update(chair_role=ChairRole.CHAIR)
    Member.objects.filter(pk__in=[m.pk for m in standing]).update(is_standing=True)
    Member.objects.filter(pk__in=[m.pk for m in youth]).update(is_youth=True)
    return chairs, standing, youth


def pair_everyone(members, chairs, standing, youth):
    """Every 常委 a chair, every other member a 常委, every 青年委员 a mentor, round robin."""
    from contacts.models import Pairing, PairingKind

    chosen = {m.pk for m in chairs} | {m.pk for m in standing}
    youth_ids = {y.pk for y in youth}
    mentors = [m for m in members if m.pk not in youth_ids]
    pairs = []

    def pair(kind, a, b):
        pairs.append(Pairing.of(YEAR, kind, a, b))

    for i, member in enumerate(standing):
        pair(PairingKind.CHAIR, chairs[i % len(chairs)], member)
    for i, member in enumerate(m for m in members if m.pk not in chosen):
        pair(PairingKind.STANDING, standing[i % len(standing)], member)
    for i, member in enumerate(youth):
        mentor = mentors[(i * 7) % len(mentors)]
        pair(PairingKind.MENTOR, mentor, member)
    Pairing.objects.bulk_create(pairs)


def seed_entries(members, count, rng, start_index=0):
    """`count` entries by random members, each reaching a target of theirs or a paired member,
    through bulk_create (the load is not what is measured)."""
    from contacts.models import ContactActivity, ContactTarget

    targets = {}
    new_targets = []
    for member in members:
        if not ContactTarget.objects.filter(member=member).exists():
            for n in range(3):
                new_targets.append(
                    ContactTarget(member=member, category=CATEGORIES[n % 5], name=f"对象{member.code}-{n}")
                )
    ContactTarget.objects.bulk_create(new_targets)
    for target in ContactTarget.objects.filter(member__in=members):
        targets.setdefault(target.member_id, []).append(target.pk)
    activities = []
    makers = []
    for i in range(count):
        member = rng.choice(members)
        day = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(320))
        activities.append(
            ContactActivity(
                date=day,
                way=rng.choice(WAYS[:3]),
                source="member",
                fingerprint=f"bench-{start_index + i}",
            )
        )
        makers.append(member)
    created = ContactActivity.objects.bulk_create(activities)
    Makers = ContactActivity.makers.through
    Targets = ContactActivity.targets.through
    Contacted = ContactActivity.contacted_members.through
    Makers.objects.bulk_create(
        Makers(contactactivity_id=a.pk, member_id=m.pk) for a, m in zip(created, makers, strict=True)
    )
    Targets.objects.bulk_create(
        Targets(contactactivity_id=a.pk, contacttarget_id=rng.choice(targets[m.pk]))
        for a, m in zip(created, makers, strict=True)
    )
    others = list(members)
    Contacted.objects.bulk_create(
        Contacted(contactactivity_id=a.pk, member_id=rng.choice(others).pk)
        for a, m in zip(created, makers, strict=True)
        if rng.random() < 0.3
    )


def accounts(committee):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from people import roles
    from people.models import Profile

    User = get_user_model()
    liaison = User.objects.create_user("bench_contacts_liaison", password="x")
    liaison.groups.add(Group.objects.get(name=roles.LIAISON_OFFICE))
    office = User.objects.create_user("bench_contacts_office", password="x")
    office.groups.add(Group.objects.get(name=roles.COMMITTEE_OFFICE))
    Profile.objects.create(user=office, committee=committee)
    return liaison, office


def member_account(member):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from people import roles
    from people.models import Profile

    account, created = get_user_model().objects.get_or_create(username=f"bench_contacts_member_{member.code}")
    if created:
        account.groups.add(Group.objects.get(name=roles.MEMBER))
        Profile.objects.create(user=account, member=member)
    return account


def median_member():
    from django.db.models import Count

    from contacts.models import ContactActivity

    counts = sorted(
        ContactActivity.makers.through.objects.values("member_id").annotate(n=Count("pk")).values_list("n", "member_id")
    )
    n, member_id = counts[len(counts) // 2]
    from people.models import Member

    return Member.objects.get(pk=member_id), n


def pages(liaison, office, member):
    from contacts import report_admin, views

    return [
        ("落实情况 (委员联络室)", liaison, report_admin, f"/admin/contacts/dashboard/?year={YEAR}", "dashboard"),
        ("按月汇总 (专委会工作室)", office, report_admin, f"/admin/contacts/monthly/?year={YEAR}", "monthly"),
        ("/forms/contacts/ (the median member)", member_account(member), views, "/forms/contacts/", "member"),
    ]


def query_count(user, url):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    client.get(url)  # warm: session, permissions
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def bare_table_pdf(figures):
    """WeasyPrint on a bare table of the report's text, with the same font."""
    from django.utils.html import escape
    from weasyprint import HTML

    parts = [f"<h1>{escape(figures['title'])}</h1>"]
    for table in figures["tables"]:
        head = "".join(f"<th>{escape(c)}</th>" for c in table["columns"])
        body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in table["rows"])
        parts.append(f"<h2>{escape(table['title'])}</h2><table><tr>{head}</tr>{body}</table>")
    parts.append(f"<p>{escape(figures.get('analysis', ''))}</p>")
    html = (
        '<html lang="zh-CN"><head><meta charset="utf-8"><style>@page{size:A4}'
        '*{font-family:"Noto Serif CJK SC",serif;font-size:9pt}</style></head><body>'
        + "".join(parts)
        + "</body></html>"
    )
    return HTML(string=html).write_pdf()


def import_figures(members, rows, runs):
    """A `rows`-row 联系记录 import (preview + 确认导入) beside the same entries written raw."""
    import io

    import openpyxl
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile

    from contacts import sheets
    from contacts.models import ContactActivity, ContactImport

    rng = random.Random(15)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["日期", "委员证号", "方式", "联系对象类别", "联系对象", "备注"])
    for i in range(rows):
        member = rng.choice(members)
        day = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(320))
        sheet.append([day, member.code, rng.choice(["走访", "电话", "微信"]), "社会群众", f"导入群众{i}", "了解情况"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    liaison = get_user_model().objects.get(username="bench_contacts_liaison")

    before = ContactActivity.objects.count()
    start = time.perf_counter()
    report = sheets.import_activities(data, liaison, dry_run=True)
    assert report.ok, report.errors[:3]
    record = ContactImport.objects.create(
        kind=ContactImport.Kind.ACTIVITIES,
        file=ContentFile(data, name="联系记录.xlsx"),
        original_name="联系记录.xlsx",
        uploaded_by=liaison,
        status=ContactImport.Status.PREVIEWED,
        report=report.as_dict(),
    )
    preview = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    record, report = sheets.confirm_import(record.pk, liaison)
    confirm = (time.perf_counter() - start) * 1000
    written = ContactActivity.objects.count() - before
    assert written == rows, (written, rows, report and report.errors[:3])
    return preview, confirm, written


def raw_floor(rows):
    """The same number of entries, with one maker and one target each, by raw bulk_create."""
    from contacts.models import ContactActivity, ContactTarget
    from people.models import Member

    members = list(Member.objects.all()[:rows])
    start = time.perf_counter()
    targets = ContactTarget.objects.bulk_create(
        ContactTarget(member=members[i % len(members)], category="public", name=f"底线群众{i}") for i in range(rows)
    )
    activities = ContactActivity.objects.bulk_create(
        ContactActivity(date=datetime.date(YEAR, 3, 1), way="visit", source="import", fingerprint=f"floor-{i}")
        for i in range(rows)
    )
    ContactActivity.makers.through.objects.bulk_create(
        ContactActivity.makers.through(contactactivity_id=a.pk, member_id=members[i % len(members)].pk)
        for i, a in enumerate(activities)
    )
    ContactActivity.targets.through.objects.bulk_create(
        ContactActivity.targets.through(contactactivity_id=a.pk, contacttarget_id=t.pk)
        for a, t in zip(activities, targets, strict=True)
    )
    return (time.perf_counter() - start) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--activities", type=int, default=2000)
    parser.add_argument("--import-rows", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL database URL (dropped and created)")
    args = parser.parse_args()

    workdir, database_url = fresh_database(args.postgres)
    use_site(database_url, workdir)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from contacts import pdf, reports
    from people.demo import seed_members, seed_reference_data
    from people.models import Member

    rng = random.Random(15)
    seed_reference_data()
    # The small committee first: 30 members, 200 entries.
    seed_members(30)
    small = list(Member.objects.order_by("code"))
    seed_entries(small, 200, rng)
    committee = small[0].committee
    liaison, office = accounts(committee)
    member, _ = median_member()
    small_queries = {key: query_count(user, url) for _, user, _, url, key in pages(liaison, office, member)}

    # Then the district: 300 members, all designated and paired, 2,000 entries.
    started = time.perf_counter()
    seed_members(args.members)
    everyone = list(Member.objects.order_by("code"))
    chairs, standing, youth = designate(everyone)
    everyone = list(Member.objects.order_by("code"))
    pair_everyone(
        everyone,
        [m for m in everyone if m.chair_role],
        [m for m in everyone if m.is_standing],
        [m for m in everyone if m.is_youth],
    )
    seed_entries(everyone, args.activities - 200, rng, start_index=200)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    loaded = time.perf_counter() - started
    member, member_entries = median_member()
    figures = [
        ("database", connection.vendor),
        (
            "members, 常委, 青年委员, entries",
            f"{Member.objects.count()}, {Member.objects.filter(is_standing=True).count()}, "
            f"{Member.objects.filter(is_youth=True).count()}, {args.activities:,} (loaded in {loaded:.1f} s)",
        ),
    ]
    for label, user, module, url, key in pages(liaison, office, member):
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        page, floor = page_and_floor(module, client, url, args.runs)
        queries = query_count(user, url)
        extra = f", {member_entries} entries" if key == "member" else ""
        figures.append(
            (
                label,
                f"{page:.0f} ms (target < {TARGETS[key]} ms; floor: same template and context {floor:.0f} ms); "
                f"{queries} queries (30 members × 200 entries: {small_queries[key]}){extra}",
            )
        )

    report_figures = reports.half_year_figures(YEAR, 1, timezone.localdate())
    report_figures["analysis"] = "上半年，各位主席会议成员按照分工走访联系常委，" * 20
    size = len(pdf.half_year_pdf(report_figures))
    render = median_ms(lambda: pdf.half_year_pdf(report_figures), max(3, args.runs // 2))
    bare = median_ms(lambda: bare_table_pdf(report_figures), max(3, args.runs // 2))
    figures.append(
        (
            "half-year PDF (上半年)",
            f"{render:.0f} ms, {size / 1024:.0f} KB (target < {TARGETS['pdf']} ms, {TARGETS['pdf_kb']} KB; "
            f"floor: WeasyPrint on a bare table of the same text {bare:.0f} ms)",
        )
    )

    preview, confirm, written = import_figures(everyone, args.import_rows, args.runs)
    floor = raw_floor(args.import_rows)
    figures.append(
        (
            f"import of {written:,} rows",
            f"preview {preview:.0f} ms + 确认导入 {confirm:.0f} ms = {preview + confirm:.0f} ms "
            f"(target < {TARGETS['import']} ms; floor: the same rows by raw bulk_create {floor:.0f} ms)",
        )
    )
    print_figures(figures)


if __name__ == "__main__":
    main()
