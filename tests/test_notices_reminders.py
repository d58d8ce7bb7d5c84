"""Reminders (issue 18 item 6): whoever has not acted is told 7, 3 and 1 days before a deadline and
on the day, never twice; those who acted hear nothing; the reminder days are a setting refused when
they are not positive whole numbers; an account without email is reminded in the site only."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from forms_app.activity_day.models import ActivityDay, ActivityReport, ReportingUnit
from forms_app.activity_day.rules import COUNT_FIELDS
from forms_app.five_ones.models import ActivityKind, FiveOnesFiling, ResultKind
from notices.models import EmailState, Kind, NoticeSettings, Notification, SentReminder
from notices.reminders import queue_reminders
from people import roles

from .factories import MemberFactory

YEAR = 2027
DEADLINE = datetime.date(YEAR, 3, 31)


@pytest.fixture
def leaders(reference, make_user):
    """One 界别组长 per sector, and one for 民盟; 教育界's has no email."""
    return {
        "education": make_user(roles.SECTOR_LEADER, sector=reference["education"]),
        "health": make_user(roles.SECTOR_LEADER, sector=reference["health"]),
        "minmeng": make_user(roles.SECTOR_LEADER, party=reference["minmeng"]),
    }


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """queue_reminders as cron runs it: the deliver tasks enqueued after commit run (at once, in tests)."""

    def run(today):
        with django_capture_on_commit_callbacks(execute=True):
            return queue_reminders(today)

    return run


def give_emails(*users):
    for user in users:
        user.email = f"{user.username}@example.cn"
        user.save(update_fields=["email"])


def file_for(sector, status=FiveOnesFiling.Status.SUBMITTED):
    member = MemberFactory(sector=sector)
    return FiveOnesFiling.objects.create(
        year=YEAR,
        sector=sector,
        leader_name="组长",
        filled_on=datetime.date(YEAR, 3, 1),
        theme="送教育进社区",
        theme_reason="本界别所长",
        activity_date=datetime.date(YEAR, 4, 1),
        activity_place="东华门社区",
        activity_kind=ActivityKind.EDUCATION,
        activity_plan="讲座",
        result_kind=ResultKind.choices[0][0],
        result_title="成果",
        result_summary="摘要",
        showcase_member=member,
        showcase_reason="理由",
        status=status,
        submitted_at=timezone.now(),
    )


def reminders_of(user):
    return list(Notification.objects.filter(recipient=user, kind=Kind.REMINDER).order_by("pk"))


def test_only_those_who_have_not_filed_are_reminded_seven_days_before(leaders, reference, remind):
    give_emails(leaders["health"], leaders["minmeng"])
    file_for(reference["health"])

    outcome = remind(DEADLINE - datetime.timedelta(days=7))

    assert reminders_of(leaders["health"]) == []
    [education] = reminders_of(leaders["education"])
    [minmeng] = reminders_of(leaders["minmeng"])
    assert "还有 7 天截止（3月31日）" in education.title and "教育界" in education.title
    assert "民盟" in minmeng.title
    assert education.link == "/forms/five-ones/"
    assert outcome.sent == 2
    # 民盟's leader has an address: mailed (the tests' worker runs at once); 教育界's only in the site.
    assert education.email_state == EmailState.NOT_SENT
    assert [m.to for m in mail.outbox] == [[leaders["minmeng"].email]]
    assert "还有 7 天截止" in mail.outbox[0].subject
    assert "http://" in mail.outbox[0].body and "/forms/five-ones/" in mail.outbox[0].body


def test_a_returned_filing_still_owes_its_table(leaders, reference, remind):
    file_for(reference["education"], status=FiveOnesFiling.Status.RETURNED)
    remind(DEADLINE)
    [row] = reminders_of(leaders["education"])
    assert row.title.startswith("今天截止：")


def test_offsets_decide_the_days(leaders, remind):
    counts = []
    for before in range(10, -2, -1):
        remind(DEADLINE - datetime.timedelta(days=before))
        counts.append(len(reminders_of(leaders["education"])))
    # Days before: 10 9 8 7 6 5 4 3 2 1 0 -1 → reminded on 7, 3, 1 and the day, nothing after it.
    assert counts == [0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 4, 4]
    offsets = SentReminder.objects.filter(recipient=leaders["education"]).values_list("days_before", flat=True)
    assert sorted(offsets) == [0, 1, 3, 7]


def test_a_second_run_the_same_day_sends_nothing(leaders, remind):
    give_emails(*leaders.values())
    day = DEADLINE - datetime.timedelta(days=3)
    first = remind(day)
    sent = len(mail.outbox)
    second = remind(day)
    assert first.sent == 3 and second.sent == 0 and second.skipped == 3
    assert len(mail.outbox) == sent == 3
    assert Notification.objects.filter(kind=Kind.REMINDER).count() == 3


def test_the_command_takes_a_date_and_says_what_it_did(leaders, capsys):
    call_command("queue_reminders", "--date", f"{DEADLINE - datetime.timedelta(days=1):%Y-%m-%d}")
    assert "新发提醒 3 条" in capsys.readouterr().out
    call_command("queue_reminders", "--date", f"{DEADLINE - datetime.timedelta(days=1):%Y-%m-%d}")
    assert "新发提醒 0 条" in capsys.readouterr().out


def test_settings_change_the_days_and_refuse_nonsense(leaders, remind):
    row = NoticeSettings.load()
    for bad in ["7,三,1", "0", "-1", "7,,x", "1.5"]:
        row.reminder_days = bad
        with pytest.raises(ValidationError) as refused:
            row.full_clean()
        assert "提醒天数应为正整数，如 7,3,1" in str(refused.value)
    row.reminder_days = "10，2"
    row.full_clean()
    row.save()
    assert NoticeSettings.load().offsets() == [10, 2, 0]
    remind(DEADLINE - datetime.timedelta(days=7))
    assert reminders_of(leaders["education"]) == []
    remind(DEADLINE - datetime.timedelta(days=10))
    assert len(reminders_of(leaders["education"])) == 1


def test_activity_day_reporters_who_reported_hear_nothing(make_user, remind):
    done = make_user(roles.UNIT_REPORTER)
    waiting = make_user(roles.UNIT_REPORTER)
    other_unit = ReportingUnit.objects.create(name="东华门街道活动小组", variant="cppcc")
    reported = ReportingUnit.objects.create(name="景山街道活动小组", variant="cppcc")
    reported.reporters.add(done)
    other_unit.reporters.add(waiting)
    day = ActivityDay.objects.create(
        name="第三季度委员活动日",
        theme="助力基层治理",
        date=datetime.date(YEAR, 9, 10),
        deadline=datetime.date(YEAR, 9, 20),
    )
    day.units.add(other_unit, reported)
    ActivityReport.objects.create(
        day=day, unit=reported, reported_on=datetime.date(YEAR, 9, 12), **dict.fromkeys(COUNT_FIELDS, 0)
    )
    remind(datetime.date(YEAR, 9, 17))
    assert reminders_of(done) == []
    [row] = reminders_of(waiting)
    assert "东华门街道活动小组：第三季度委员活动日统计表报送截止" in row.title
    assert row.link == f"/forms/activity-day-stats/{day.pk}/{other_unit.pk}/"


def test_inactive_accounts_are_not_reminded(leaders, remind):
    leaders["education"].is_active = False
    leaders["education"].save()
    remind(DEADLINE)
    assert reminders_of(leaders["education"]) == []
    assert len(reminders_of(leaders["health"])) == 1
