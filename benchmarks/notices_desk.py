"""Issue 18's figures for 待我处理 and 我的工作台, each beside an honest floor.

On a fresh SQLite database with seed_demo's accounts, 10,000 open items are added by copying
seed_demo's own rows: 2,000 五个一 filings (100 extra sectors contacted by 专委会工作四室's
committee × 20 years; half 已提交, half 已转交), 2,000 工作室 applications in review (spread over
the five office boxes), 3,000 诉求件 登记 40 days ago (待分办 and 逾期) and 3,000 given to the demo
委员 and not yet answered (待办理; a third of them late).

- panel: the admin dashboard's 待我处理 panel (notices.panels.PendingPanel, pending_for + its
  template) for the superuser given 专委会工作四室's committee, so every source counts for it.
  Floor: the same template rendered with the same items already computed. Target < 50 ms.
- /my/: GET /my/ for the demo 委员 (3,000 cases held, a returned application, 200 unread 消息).
  Floor: the same template and context rendered by a plain view. Target < 100 ms.

    .venv/bin/python benchmarks/notices_desk.py
"""

import argparse
import datetime
import os

from fresh_site import fresh_database, median_ms, page_and_floor, print_figures, use_site

TARGETS = {"panel": 50, "my": 100}


def target(ms, limit):
    return f"(target < {limit:,} ms{'' if ms < limit else '  ← OVER'})"


def build():
    """seed_demo, then the 10,000 open items; returns (panel user, /my/ user)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from forms_app.models import FiveOnesFiling, Stage, WorkstationApplication
    from intake.models import Case, CaseAssignment
    from notices.models import Kind
    from notices.services import notify
    from people.models import Profile, Sector

    os.environ.setdefault("DEMO_PASSWORD", "bench-pass")
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    User = get_user_model()
    office = Profile.objects.select_related("committee").get(user__username="office4")
    committee = office.committee
    now = timezone.now()

    sectors = Sector.objects.bulk_create(
        [Sector(name=f"基准界别{i:03d}", contact_committee=committee, sort_order=1000 + i) for i in range(100)]
    )
    filing = FiveOnesFiling.objects.filter(sector__isnull=False).first()
    copies = []
    for i, sector in enumerate(sectors):
        for year in range(2000, 2020):
            copy = FiveOnesFiling.objects.get(pk=filing.pk)
            copy.pk = None
            copy.year, copy.sector, copy.party = year, sector, None
            copy.status = FiveOnesFiling.Status.SUBMITTED if (i + year) % 2 else FiveOnesFiling.Status.FORWARDED
            copy.showcase_story = None
            copies.append(copy)
    FiveOnesFiling.objects.bulk_create(copies, batch_size=500)

    application = WorkstationApplication.objects.first()
    stages = [
        Stage.COMMITTEE_OFFICE,
        Stage.LIAISON_OFFICE,
        Stage.SECRETARY_GENERAL,
        Stage.VICE_CHAIR,
        Stage.CHAIRS_MEETING,
    ]
    apps = []
    for i in range(2000):
        copy = WorkstationApplication.objects.get(pk=application.pk)
        copy.pk = None
        copy.name = f"基准委员工作室{i:04d}"
        copy.committee = committee
        copy.applicant = office.user  # not the demo 委员 measured on /my/: one applicant, one or two applications
        copy.status = WorkstationApplication.Status.IN_REVIEW
        copy.stage = copy.furthest_stage = stages[i % len(stages)]
        copy.waiting_since = now - datetime.timedelta(days=i % 30)
        apps.append(copy)
    WorkstationApplication.objects.bulk_create(apps, batch_size=500)

    member_user = User.objects.get(username="member")
    member = member_user.profile.member
    case = Case.objects.first()
    registered, held = [], []
    for i in range(6000):
        copy = Case(**{f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields})
        copy.pk = None
        copy.number = f"B{i:07d}"
        copy.assignment_id = None
        copy.reply_state = Case.ReplyState.NONE
        if i < 3000:
            copy.status = Case.Status.REGISTERED
            copy.step_started_at = now - datetime.timedelta(days=40)
            registered.append(copy)
        else:
            copy.status = Case.Status.ASSIGNED if i % 2 else Case.Status.HANDLING
            copy.step_started_at = now - datetime.timedelta(days=40 if i % 3 == 0 else 0)
            held.append(copy)
    Case.objects.bulk_create(registered + held, batch_size=500)
    held = list(Case.objects.filter(number__in=[c.number for c in held]))
    assignments = CaseAssignment.objects.bulk_create(
        [CaseAssignment(case=c, member=member, assigned_at=now) for c in held], batch_size=500
    )
    for c, a in zip(held, assignments, strict=True):
        c.assignment = a
    Case.objects.bulk_update(held, ["assignment"], batch_size=500)

    returned = WorkstationApplication.objects.get(pk=application.pk)
    returned.pk = None
    returned.name = "基准退回的工作室"
    returned.applicant = member_user
    returned.status = WorkstationApplication.Status.RETURNED
    returned.save()
    for i in range(200):
        notify([member_user], Kind.CASE, f"诉求件分办通知 {i}", link="/forms/cases/")

    admin = User.objects.get(username="admin")
    Profile.objects.update_or_create(user=admin, defaults={"committee": committee})
    return admin, member_user


def measure_desk(runs=20):
    """[(name, figure)] for the panel and /my/, each beside its floor."""
    from django.template.loader import render_to_string
    from django.test import Client, RequestFactory

    from notices import my_views
    from notices.panels import PendingPanel
    from notices.pending import pending_for

    admin, member_user = build()
    request = RequestFactory().get("/admin/")
    request.user = admin
    panel = PendingPanel(admin)
    items = pending_for(admin)
    open_items = sum(i.count for i in items)

    def fresh_panel():
        request.user = type(admin).objects.get(pk=admin.pk)  # no per-request caches carried over
        PendingPanel(request.user).render_html({"request": request})

    context = panel.get_context_data()
    panel_ms = median_ms(fresh_panel, runs)
    panel_floor = median_ms(lambda: render_to_string(panel.template_name, context), runs)

    client = Client(HTTP_HOST="localhost")
    client.force_login(member_user)
    my_ms, my_floor = page_and_floor(my_views, client, "/my/", runs)
    held = next((i.count for i in pending_for(member_user) if i.label == "诉求件待办理"), 0)

    return [
        ("待我处理 (superuser + 四室)", ", ".join(f"{i.label} {i.count}" for i in items)),
        ("  open items counted", f"{open_items:,}"),
        ("  panel", f"{panel_ms:.1f} ms {target(panel_ms, TARGETS['panel'])}"),
        ("  floor (same template, items given)", f"{panel_floor:.1f} ms"),
        ("/my/ (委员, cases held)", f"{held:,}"),
        ("  GET /my/", f"{my_ms:.1f} ms {target(my_ms, TARGETS['my'])}"),
        ("  floor (same template and context)", f"{my_floor:.1f} ms"),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    workdir, database_url = fresh_database()
    use_site(database_url, workdir)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print_figures(measure_desk(args.runs))


if __name__ == "__main__":
    main()
