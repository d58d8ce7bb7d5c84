"""Issue 17's figures (群众诉求): the 委员信箱, the lookup, the 逾期 list, the 社情民意报送 files and
the 保存期限, each beside an honest floor.

On a fresh database (SQLite by default, or a PostgreSQL server given with --postgres):

- 信箱 submission: GET /mailbox/?station=<id> and POST it back through django's test Client with
  the real CAPTCHA's answer read from its table, each POST from its own address (the per-IP limit
  is checked and counted, no email is sent). Floor: the same form template and context rendered
  by a plain view (GET), one raw Case insert (POST). Target: POST < 100 ms.
- lookup: POST /mailbox/status/ with a 受理编号 and 查询码. Floor: the case read by number and
  its HMAC compared. Target < 30 ms.
- 逾期: 10,000 open cases, half given to members; cases.overdue(now) and the first 50 rows
  rendered with who holds each and how late. Floor: a plain filter of open cases, 50 rendered
  by the same template. Target < 200 ms.
- a 200-item batch as xlsx (< 1 s) and A4 PDF (< 3 s), through intake.batch_sheets and
  intake.pdf. Floors: openpyxl writing the same cells; WeasyPrint on a bare table of the same text.
- anonymise over 10,000 cases closed 800 days ago (< 30 s). Floor: one UPDATE of the same
  columns over the same rows.

    .venv/bin/python benchmarks/intake.py
    .venv/bin/python benchmarks/intake.py --cases 2000 --runs 5          # quick look
    .venv/bin/python benchmarks/intake.py --postgres postgres://lianxin:lianxin@127.0.0.1:5432/lianxin_bench
"""

import argparse
import datetime
import importlib
import re
import statistics
import time
from html import escape

from fresh_site import FLOOR, _floor, capture, fresh_database, median_ms, print_figures, route_floor, use_site

TARGETS = {"submit": 100, "lookup": 30, "overdue": 200, "xlsx": 1000, "pdf": 3000, "anonymise": 30_000}
LETTER = {
    "name": "测试群众",
    "phone": "13800000000",
    "email": "",
    "address": "东华门社区",
    "subject": "小区门口路灯不亮",
    "content": "东华门社区北门路灯坏了三个月，晚上出行不便，希望尽快修复。" * 10,
    "category": "urban",
    "sector": "",
    "consent": "on",
}


def target(ms, limit):
    return f"(target < {limit:,} ms{'' if ms < limit else '  ← OVER'})"


def resolves(path):
    """The intake view at `path`, or None (Wagtail's page catch-all does not count)."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match if match.func.__module__.startswith("intake.") else None


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


# --- 信箱 and lookup


def captcha_fields(html):
    from captcha.models import CaptchaStore

    found = re.search(r'name="captcha_0"[^>]*value="([0-9a-f]{40})"|value="([0-9a-f]{40})"[^>]*name="captcha_0"', html)
    if not found:
        return None
    key = found.group(1) or found.group(2)
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


def mailbox_figures(station, runs):
    """(GET ms, GET floor ms, POST ms, POST floor ms) medians; stops the script with the reason when it cannot measure."""
    from django.test import Client

    from intake.models import Case, Channel

    match = resolves("/mailbox/")
    if match is None:
        raise SystemExit("无法测量：/mailbox/ 尚无视图")
    url = f"/mailbox/?station={station.pk}"
    gets, posts = [], []
    for n in range(runs + 1):
        client = Client(HTTP_HOST="localhost", REMOTE_ADDR=f"198.51.{n // 250}.{n % 250 + 1}")
        get_ms, page = timed(lambda: client.get(url))  # noqa: B023
        if page.status_code != 200:
            raise SystemExit(f"无法测量：GET {page.status_code}")
        answer = captcha_fields(page.content.decode())
        if answer is None:
            raise SystemExit("无法测量：表单没有验证码")
        post_ms, done = timed(lambda: client.post(url, {**LETTER, **answer}))  # noqa: B023
        if done.status_code != 302:
            errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]+)<', done.content.decode())
            raise SystemExit(f"无法测量：POST {done.status_code}：{'；'.join(e.strip() for e in errors[:3])}")
        if n:  # the first run warms
            gets.append(get_ms)
            posts.append(post_ms)

    module = importlib.import_module(match.func.__module__)
    route_floor()
    client = Client(HTTP_HOST="localhost")
    capture(module, client, url)
    floor_get = median_ms(lambda: client.get(FLOOR), runs)
    _floor.clear()

    counter = iter(range(10**6))

    def raw_insert():
        n = next(counter)
        Case.objects.create(
            number=f"F{n:08d}",
            channel=Channel.MAILBOX,
            name=LETTER["name"],
            phone=LETTER["phone"],
            address=LETTER["address"],
            subject=LETTER["subject"],
            content=LETTER["content"],
            category=LETTER["category"],
            station=station,
            step_started_at=datetime.datetime.now(datetime.UTC),
        )

    floor_post = median_ms(raw_insert, runs)
    return statistics.median(gets), floor_get, statistics.median(posts), floor_post


def lookup_figures(runs):
    """(POST ms, floor ms) medians; stops the script with the reason when it cannot measure."""
    from django.test import Client

    from intake import cases, public
    from intake.models import Case, Channel

    match = resolves("/mailbox/status/")
    if match is None:
        raise SystemExit("无法测量：/mailbox/status/ 尚无视图")
    case, code = cases.register(
        channel=Channel.MAILBOX, name="测试", phone="13800000000", subject="查询", content="查询用。"
    )
    times = []
    for n in range(runs + 1):
        client = Client(HTTP_HOST="localhost", REMOTE_ADDR=f"203.0.113.{n % 250 + 1}")
        ms, response = timed(
            lambda: client.post("/mailbox/status/", {"action": "lookup", "number": case.number, "code": code})  # noqa: B023
        )
        if response.status_code not in (200, 302) or "不正确" in response.content.decode():
            raise SystemExit(f"无法测量：查询未通过：{response.status_code}")
        if n:
            times.append(ms)

    def floor():
        found = Case.objects.filter(number=case.number).first()
        assert public.code_matches(found.code_hmac, case.number, code)

    return statistics.median(times), median_ms(floor, runs)


# --- 逾期 over many open cases


OVERDUE_TEMPLATE = """<table>{% for case in rows %}<tr><td>{{ case.number }}</td><td>{{ case.subject }}</td>
<td>{{ case.get_status_display }}</td><td>{{ case.holder }}</td><td>{{ case.due|date:"Y-m-d" }}</td>
<td>{{ case.late.days }} 天</td></tr>{% endfor %}</table><p>共 {{ total }} 件</p>"""


def open_cases(count, members, now):
    """`count` open cases across the last 60 days: half waiting for 分办, half given to a member."""
    from django.db.models import OuterRef, Subquery

    from intake.models import Case, CaseAssignment, Channel

    rows = [
        Case(
            number=f"B{n:08d}",
            channel=Channel.MAILBOX,
            status=Case.Status.REGISTERED if n % 2 else Case.Status.ASSIGNED,
            name="测试群众",
            phone="13800000000",
            email="a@example.com",
            address="东华门社区",
            subject=f"诉求件{n}",
            content="内容。" * 50,
            code_hmac="0" * 64,
            step_started_at=now - datetime.timedelta(hours=n % (60 * 24)),
        )
        for n in range(count)
    ]
    Case.objects.bulk_create(rows, batch_size=2000)
    assigned = Case.objects.filter(status=Case.Status.ASSIGNED, number__startswith="B")
    CaseAssignment.objects.bulk_create(
        [
            CaseAssignment(case_id=pk, member=members[i % len(members)], assigned_at=now)
            for i, pk in enumerate(assigned.values_list("pk", flat=True))
        ],
        batch_size=2000,
    )
    assigned.update(assignment=Subquery(CaseAssignment.objects.filter(case=OuterRef("pk")).values("pk")[:1]))


def overdue_figures(now, runs):
    from django.core.paginator import Paginator
    from django.template import Context, Template

    from intake import cases
    from intake.models import Case, IntakeSettings

    template = Template(OVERDUE_TEMPLATE)

    def late_list():
        settings_row = IntakeSettings.load()
        page = Paginator(cases.overdue(now, settings_row=settings_row), 50).page(1)
        rows = list(page.object_list)
        for case in rows:
            case.holder = cases.holder_label(case)
            case.late = now - case.due
        return template.render(Context({"rows": rows, "total": page.paginator.count}))

    def plain():
        qs = Case.objects.filter(status__in=Case.OPEN).order_by("step_started_at", "pk")
        page = Paginator(qs, 50).page(1)
        rows = list(page.object_list)
        for case in rows:
            case.holder, case.due, case.late = "", case.step_started_at, datetime.timedelta()
        return template.render(Context({"rows": rows, "total": page.paginator.count}))

    html = late_list()
    return median_ms(late_list, runs), median_ms(plain, runs), html.count("<tr>"), cases.overdue(now).count()


# --- the batch files


def batch_figures(runs):
    """{"xlsx": (ms, floor ms, bytes), "pdf": …} for a 200-item batch. Floors: openpyxl writing the
    same cells, and WeasyPrint on a bare table of the same text."""
    import io

    import openpyxl
    from weasyprint import HTML

    from intake.batch_sheets import batch_xlsx
    from intake.models import BatchItem, Category, OpinionBatch
    from intake.pdf import batch_pdf

    batch = OpinionBatch.objects.create(issue_no="2026年第99期", date=datetime.date(2026, 6, 1))
    BatchItem.objects.bulk_create(
        BatchItem(
            batch=batch,
            order=n,
            title=f"关于完善社区养老服务的建议（{n}）",
            content="建议增加社区助餐点，完善居家养老服务网络，推动医养结合。" * 12,
            source=["民盟区委", "经济界别", "提案委"][n % 3],
            category=Category.values[n % len(Category.values)],
        )
        for n in range(1, 201)
    )
    items = list(batch.items.all())

    def bare_xlsx():
        book = openpyxl.Workbook()
        for n, item in enumerate(items, start=1):
            book.active.append([n, item.title, item.get_category_display(), item.source, item.content])
        book.save(io.BytesIO())

    rows = "".join(
        f"<tr><td>{n}</td><td>{escape(i.title)}</td><td>{escape(i.source)}</td><td>{escape(i.content)}</td></tr>"
        for n, i in enumerate(items, start=1)
    )
    bare = f'<html lang="zh-CN"><body style="font-family: \'Noto Serif CJK SC\'"><table>{rows}</table></body></html>'
    slow_runs = max(3, runs // 3)
    return {
        "xlsx": (
            median_ms(lambda: batch_xlsx(batch), slow_runs),
            median_ms(bare_xlsx, slow_runs),
            len(batch_xlsx(batch)),
        ),
        "pdf": (
            median_ms(lambda: batch_pdf(batch), slow_runs),
            median_ms(lambda: HTML(string=bare).write_pdf(), slow_runs),
            len(batch_pdf(batch)),
        ),
    }


# --- the 保存期限


def anonymise_figures(now):
    from intake import retention
    from intake.models import Case

    closed_at = now - datetime.timedelta(days=800)
    Case.objects.update(status=Case.Status.CLOSED, closed_at=closed_at, anonymised_at=None)
    total = Case.objects.count()
    ms, counts = timed(lambda: retention.anonymise(now=now))
    floor_ms, _ = timed(
        lambda: Case.objects.filter(status=Case.Status.CLOSED).update(
            name="x", phone="x", email="", address="", code_hmac="", anonymised_at=now
        )
    )
    return ms, floor_ms, counts["cases"], total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000, help="open cases for 逾期 and anonymise (default 10,000)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL database URL (dropped and created)")
    args = parser.parse_args()

    workdir, database_url = fresh_database(args.postgres)
    use_site(database_url, workdir)  # puts the project first on sys.path: `intake` is the app
    from django.conf import settings

    settings.WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = False  # not what is measured
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # no email is sent
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from content.models import HomePage, WorkstationIndexPage, WorkstationPage
    from people.demo import seed_members, seed_reference_data
    from people.models import Member

    seed_reference_data()
    seed_members(30)
    members = list(Member.objects.order_by("code"))
    home = HomePage.objects.first()
    index = WorkstationIndexPage(title="委员工作室", slug="workstations")
    home.add_child(instance=index)
    index.save_revision().publish()
    station = WorkstationPage(
        title="东华门委员工作室",
        slug="bench-station",
        basis=WorkstationPage.Basis.SECTOR,
        sector=members[0].sector,
        lead_member=members[0],
        address="东华门大街 1 号",
    )
    index.add_child(instance=station)
    station.save_revision().publish()

    figures = [("database", connection.vendor)]
    get_ms, get_floor, post_ms, post_floor = mailbox_figures(station, args.runs)
    figures += [
        (
            "信箱 submission (POST)",
            f"{post_ms:.0f} ms {target(post_ms, TARGETS['submit'])}; floor: a raw Case insert "
            f"{post_floor:.1f} ms; CAPTCHA, limit check and write included, no email",
        ),
        ("信箱 form (GET)", f"{get_ms:.0f} ms; floor: same template and context {get_floor:.0f} ms"),
    ]
    lookup_ms, lookup_floor = lookup_figures(args.runs)
    figures.append(
        (
            "lookup (编号 + 查询码)",
            f"{lookup_ms:.0f} ms {target(lookup_ms, TARGETS['lookup'])}; floor: read and compare {lookup_floor:.2f} ms",
        )
    )

    now = timezone.now()
    started = time.perf_counter()
    open_cases(args.cases, members, now)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    loaded = time.perf_counter() - started
    late_ms, plain_ms, rows, late = overdue_figures(now, args.runs)
    figures.append(
        (
            f"逾期 list, {args.cases:,} open cases",
            f"{late_ms:.0f} ms {target(late_ms, TARGETS['overdue'])}; floor: plain filter, same rows rendered "
            f"{plain_ms:.0f} ms; {late:,} late, {rows} rows shown (loaded in {loaded:.0f} s)",
        )
    )

    floors = {"xlsx": "openpyxl, the same cells", "pdf": "WeasyPrint, a bare table of the same text"}
    for kind, (ms, floor_ms, size) in batch_figures(args.runs).items():
        figures.append(
            (
                f"200-item batch {kind}",
                f"{ms:.0f} ms {target(ms, TARGETS[kind])}; floor: {floors[kind]} {floor_ms:.0f} ms; {size:,} bytes",
            )
        )

    anonymise_ms, floor_ms, done, total = anonymise_figures(now)
    figures.append(
        (
            f"anonymise_cases, {total:,} cases",
            f"{anonymise_ms / 1000:.1f} s {target(anonymise_ms, TARGETS['anonymise'])}; {done:,} cleared; "
            f"floor: one UPDATE of the same rows {floor_ms / 1000:.2f} s",
        )
    )
    print_figures(figures)


if __name__ == "__main__":
    main()
