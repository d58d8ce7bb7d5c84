"""The 保存期限 (intake/retention.py, `manage.py anonymise_cases`): a case closed longer ago than
the period loses the citizen's name, phone, email, address and 查询码, one closed inside it keeps
them; old bookings, visits and sign-ups likewise; --dry-run writes nothing."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from content.models import HomePage
from intake import cases, public, retention
from intake.models import Booking, Case, CaseEvent, EventIndexPage, EventPage, IntakeSettings, SignUp, Submission, Visit
from tests.content_helpers import publish
from tests.intake_helpers import CITIZEN, intake_people, new_case  # noqa: F401

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2028, 6, 1, 9, 0, tzinfo=datetime.UTC)


def ago(days, **more):
    return NOW - datetime.timedelta(days=days, **more)


def closed_case(p, closed_at):
    """A case taken through every step, closed at `closed_at`."""
    start = closed_at - datetime.timedelta(days=10)
    case, code = new_case(now=start)
    cases.assign(case, p["office"], member=p["teacher"].profile.member, now=start)
    cases.accept(case, p["teacher"], now=start)
    cases.save_reply(case, p["teacher"], "已协调街道更换路灯。", submit=True, now=start)
    cases.approve_reply(case, p["office"], now=start)
    cases.close(case, p["office"], now=closed_at)
    return Case.objects.get(pk=case.pk), code


def personal(case):
    case.refresh_from_db()
    return (case.name, case.phone, case.email, case.address)


KEPT = (CITIZEN["name"], CITIZEN["phone"], CITIZEN["email"], CITIZEN["address"])
BLANKED = (retention.ERASED, retention.ERASED, "", "")


def test_a_case_closed_731_days_ago_is_blanked_and_one_closed_729_days_ago_is_kept(intake_people):
    p = intake_people
    old, old_code = closed_case(p, ago(731))
    young, young_code = closed_case(p, ago(729))
    edge, _ = closed_case(p, ago(730))  # exactly the period: not yet "longer than"
    just_over, _ = closed_case(p, ago(730, seconds=1))
    open_case, _ = new_case(now=ago(900))  # never closed: kept however old

    counts = retention.anonymise(now=NOW)

    assert counts["cases"] == 2
    assert personal(old) == BLANKED and personal(just_over) == BLANKED
    assert personal(young) == KEPT and personal(edge) == KEPT and personal(open_case) == KEPT
    # The matter, the reply and the history stay; the 查询码 no longer opens it.
    assert old.subject == "小区门口路灯不亮" and old.reply == "已协调街道更换路灯。"
    assert old.anonymised_at == NOW and young.anonymised_at is None
    assert not public.code_matches(old.code_hmac, old.number, old_code)
    assert public.code_matches(young.code_hmac, young.number, young_code)
    event = old.events.last()
    assert event.action == CaseEvent.Action.ANONYMISE and event.at == NOW and event.status == Case.Status.CLOSED
    assert not young.events.filter(action=CaseEvent.Action.ANONYMISE).exists()
    old.full_clean()  # the blanked row is still a valid case

    # A second run finds nothing more to do and writes no second event.
    assert retention.anonymise(now=NOW)["cases"] == 0
    assert old.events.filter(action=CaseEvent.Action.ANONYMISE).count() == 1


def test_the_period_follows_the_setting_but_never_below_180_days(intake_people):
    p = intake_people
    case, _ = closed_case(p, ago(400))
    IntakeSettings.objects.filter(pk=IntakeSettings.load().pk).update(retention_days=500)
    assert retention.anonymise(now=NOW)["cases"] == 0
    IntakeSettings.objects.filter(pk=1).update(retention_days=30)  # below the minimum: 180 applies
    recent, _ = closed_case(p, ago(100))
    assert retention.anonymise(now=NOW)["cases"] == 1
    assert personal(case) == BLANKED and personal(recent) == KEPT


def booking_visit_signup(p, when):
    """A booking at a 接待日 on `when`'s date, a visit logged at `when`, a sign-up for an event
    that began at `when`."""
    from intake.models import ReceptionDay

    day = ReceptionDay.objects.create(
        station=p["edu_station"],
        date=when.date(),
        start=datetime.time(9),
        end=datetime.time(11),
        place="工作室接待室",
    )
    booking = Booking.objects.create(
        day=day,
        slot=datetime.time(9),
        number=f"Y{day.pk}",
        name=CITIZEN["name"],
        phone=CITIZEN["phone"],
        topic="想反映学校门口交通",
        consent_at=when,
        cancel_token_hash=public.token_hash("t"),
    )
    visit = Visit.objects.create(
        day=day, name=CITIZEN["name"], phone=CITIZEN["phone"], address=CITIZEN["address"], matter="交通", at=when
    )
    home = HomePage.objects.get()
    index = EventIndexPage.objects.first() or publish(home, EventIndexPage(title="请群众走进政协", slug="events"))
    event = publish(
        index,
        EventPage(
            title=f"座谈会{day.pk}",
            slug=f"e-{day.pk}",
            kind="forum",
            start=when,
            place="区政协",
            places=10,
            deadline=when - datetime.timedelta(days=3),
        ),
    )
    signup = SignUp.objects.create(
        event=event,
        number=f"B{day.pk}",
        name=CITIZEN["name"],
        phone=CITIZEN["phone"],
        sector_or_job="教师",
        consent_at=when,
        code_hmac=public.code_hmac(f"B{day.pk}", "ABCDEF"),
    )
    return booking, visit, signup


def test_old_bookings_visits_and_signups_lose_name_and_phone_and_recent_ones_keep_them(intake_people):
    old = booking_visit_signup(intake_people, ago(732))
    young = booking_visit_signup(intake_people, ago(700))

    counts = retention.anonymise(now=NOW)

    assert (counts["bookings"], counts["visits"], counts["signups"]) == (1, 1, 1)
    for row in old:
        row.refresh_from_db()
        assert CITIZEN["name"] not in (row.name,) and CITIZEN["phone"] != row.phone
        assert row.anonymised_at == NOW
    booking, visit, signup = old
    assert visit.address == "" and booking.topic == "想反映学校门口交通" and signup.sector_or_job == "教师"
    assert not public.code_matches(signup.code_hmac, signup.number, "ABCDEF")
    for row in young:
        row.refresh_from_db()
        assert (row.name, row.phone, row.anonymised_at) == (CITIZEN["name"], CITIZEN["phone"], None)


def test_hashed_addresses_older_than_7_days_are_deleted():
    Submission.objects.create(ip_hash="a" * 64, kind="mailbox", at=NOW - datetime.timedelta(days=8))
    Submission.objects.create(ip_hash="b" * 64, kind="mailbox", at=NOW - datetime.timedelta(days=6))
    assert retention.anonymise(now=NOW)["addresses"] == 1
    assert list(Submission.objects.values_list("ip_hash", flat=True)) == ["b" * 64]


def run(*args):
    out = io.StringIO()
    call_command("anonymise_cases", *args, stdout=out)
    return out.getvalue()


def test_the_command_dry_run_counts_and_writes_nothing_then_the_real_run_clears(intake_people):
    p = intake_people
    now = timezone.now()
    old, _ = closed_case(p, now - datetime.timedelta(days=731))
    young, _ = closed_case(p, now - datetime.timedelta(days=729))
    Submission.objects.create(ip_hash="a" * 64, kind="mailbox", at=now - datetime.timedelta(days=8))
    events = CaseEvent.objects.count()

    IntakeSettings.objects.all().delete()  # the defaults apply; a dry run does not write the row
    text = run("--dry-run")
    assert "将清除 1 件诉求件" in text and "将删除 1 条" in text and "试运行" in text
    assert personal(old) == KEPT and old.anonymised_at is None
    assert CaseEvent.objects.count() == events and Submission.objects.count() == 1
    assert not IntakeSettings.objects.exists()

    text = run()
    assert "已清除 1 件诉求件" in text and "已删除 1 条" in text
    assert personal(old) == BLANKED and personal(young) == KEPT
    assert CaseEvent.objects.count() == events + 1 and Submission.objects.count() == 0
    assert "已清除 0 件诉求件" in run()


def test_many_cases_are_blanked_in_batches(intake_people, monkeypatch):
    """Set-based: more cases than one batch, each with its one event."""
    monkeypatch.setattr(retention, "BATCH", 3)
    first, _ = closed_case(intake_people, ago(800))
    for _ in range(6):
        case, _ = new_case(now=ago(900))
        Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED, closed_at=ago(800))
    assert retention.anonymise(now=NOW)["cases"] == 7
    assert not Case.objects.filter(name=CITIZEN["name"]).exists()
    assert CaseEvent.objects.filter(action=CaseEvent.Action.ANONYMISE).count() == 7
    assert first.events.last().assignment_id == first.assignment_id
