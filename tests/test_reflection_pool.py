"""履职心语 as the year's pool (issue 20, part 1): the entries sectors and parties file keep the
filing's year, submitter and time; a returned filing filed again keeps what the editors marked
and takes back what it dropped; the filing's own pages and PDF show only what it holds now."""

import subprocess

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from forms_app.five_ones import rules
from forms_app.five_ones.pdf import filing_pdf
from forms_app.five_ones.views import FiveOnesWizard
from forms_app.models import FilingEvent, Reflection
from people import roles

from .factories import MemberFactory
from .test_five_ones_route import file_for

Mark, Source = Reflection.Mark, Reflection.Source


@pytest.fixture
def people(make_user, reference):
    return {
        "leader": make_user(roles.SECTOR_LEADER, sector=reference["education"]),
        "office": make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]),
    }


def refile(people, reference, reflections):
    """Return the sector's filing and file it again with `reflections` [(member, text)]."""
    filing = rules.existing_filing(2026, reference["education"], None)
    rules.act(filing.pk, people["office"], FilingEvent.Action.RETURN, "请补充履职心语。")
    data = {f: getattr(filing, f) for f in ("leader_name", "filled_on", "theme", "theme_reason", "activity_date")}
    data |= {f: getattr(filing, f) for f in ("activity_place", "activity_kind", "activity_plan", "result_kind")}
    data |= {f: getattr(filing, f) for f in ("result_title", "result_summary", "showcase_member", "showcase_reason")}
    return rules.submit_filing(people["leader"], 2026, reference["education"], None, data, [], reflections)


def pdf_text(filing):
    return subprocess.run(["pdftotext", "-", "-"], input=filing_pdf(filing), capture_output=True, check=True).stdout


def test_a_filed_entry_joins_the_pool_with_the_filings_year_and_submitter(people, reference):
    filing = file_for(people["leader"], sector=reference["education"])
    entry = Reflection.objects.get()
    assert (entry.year, entry.source, entry.mark, entry.genre) == (2026, Source.FILING, Mark.PENDING, "")
    assert (entry.submitted_by, entry.submitted_at) == (people["leader"], filing.submitted_at)
    assert entry.get_mark_display() == "待选" and entry.get_source_display() == "备案表"


def test_filing_again_keeps_the_editors_marks_and_withdraws_what_it_dropped(people, reference, client):
    filing = file_for(people["leader"], sector=reference["education"])
    first = Reflection.objects.get()
    poet, singer = MemberFactory(sector=reference["education"]), MemberFactory(sector=reference["education"])
    refile(people, reference, [(first.member, first.text), (poet, "春风化雨，\n润物无声。"), (singer, "一首歌")])
    chosen = Reflection.objects.get(member=poet)
    Reflection.objects.filter(pk__in=[first.pk, chosen.pk]).update(mark=Mark.CHOSEN)

    # Filed again: the unchanged entry is the same one, still 入选; the poem is dropped after it
    # was chosen, so it stays as 撤回; the unmarked song goes for good; a new one joins as 待选.
    refile(people, reference, [(first.member, first.text), (singer, "改写后的歌词")])
    assert Reflection.objects.get(pk=first.pk).mark == Mark.CHOSEN
    chosen.refresh_from_db()
    assert chosen.withdrawn_at is not None and chosen.mark == Mark.CHOSEN
    assert not Reflection.objects.filter(text="一首歌").exists()
    assert Reflection.objects.get(text="改写后的歌词").mark == Mark.PENDING
    assert sorted(filing.reflections.current().values_list("text", flat=True)) == [first.text, "改写后的歌词"]

    # What the filing holds now is what its PDF, its page and the office's inspect page show.
    text = pdf_text(filing).decode()
    assert "改写后的歌词" in text and "润物无声" not in text
    client.force_login(people["leader"])
    assert "2 条" in client.get(reverse("five_ones_detail", args=[filing.pk])).content.decode()
    client.force_login(people["office"])
    inspect = client.get(reverse("forms_app_fiveonesfiling_modeladmin_inspect", args=[filing.pk])).content.decode()
    assert "改写后的歌词" in inspect and "润物无声" not in inspect


def test_the_wizard_starts_a_returned_filing_from_its_standing_entries(people, reference):
    file_for(people["leader"], sector=reference["education"])
    poet = MemberFactory(sector=reference["education"])
    Reflection.objects.update(mark=Mark.CHOSEN)
    filing = refile(people, reference, [(poet, "春风化雨")])
    rules.act(filing.pk, people["office"], FilingEvent.Action.RETURN, "再改一次。")

    wizard = FiveOnesWizard()
    wizard.existing = filing
    assert wizard.get_form_initial("reflections") == [{"member": poet.pk, "text": "春风化雨"}], (
        "the withdrawn entry is not offered again"
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_gives_existing_entries_their_filings_year_and_submitter(make_user, reference):
    leader = make_user(roles.SECTOR_LEADER, sector=reference["education"])
    filing = file_for(leader, year=2024, sector=reference["education"])
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("forms_app", "0007_founding_window_and_report_summary")])
        executor = MigrationExecutor(connection)
        executor.migrate([("forms_app", "0008_reflection_pool")])
        entry = Reflection.objects.get()
        assert (entry.filing_id, entry.year, entry.source, entry.mark) == (filing.pk, 2024, Source.FILING, Mark.PENDING)
        assert (entry.submitted_by_id, entry.submitted_at) == (leader.pk, filing.submitted_at)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_an_entry_marked_after_it_was_read_is_kept_as_withdrawn_not_deleted(people, reference):
    """The leader's resubmission read the entry as 待选; an editor marks it before the write: the
    write goes by the row as it is now, so the editor's choice stays, as 撤回."""
    file_for(people["leader"], sector=reference["education"])
    as_read = Reflection.objects.get()
    Reflection.objects.filter(pk=as_read.pk).update(mark=Mark.CHOSEN)
    rules.withdraw_reflections([as_read])
    kept = Reflection.objects.get(pk=as_read.pk)
    assert kept.mark == Mark.CHOSEN and kept.withdrawn_at is not None
