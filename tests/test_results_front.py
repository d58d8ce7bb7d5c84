"""我的履职成果 and the registration wizard, as a 委员 and a 界别组长 use them (/results/)."""

import datetime
import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forms_app.models import WizardDraft
from forms_app.wizard import DRAFT_UPLOADS, DraftStorage
from people import roles
from results import rules
from results.models import (
    Acceptance,
    AuthorKind,
    HandlingStep,
    Kind,
    ProposalUnit,
    Result,
    Satisfaction,
    Source,
    Status,
)

from .factories import MemberFactory
from .results_helpers import DAY, YEAR, entry, offices, units  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
NEW = reverse("my_result_new")
PDF = b"%PDF-1.4\n% a proposal's full text\n"


@pytest.fixture
def people(roles_synced, make_user, members, reference):
    """王丽 (教育界) and 李强 (医药卫生界, 民盟) as members; the 教育界 and 经济界 leaders."""
    return {
        "wang": make_user(roles.MEMBER, member=members["teacher"]),
        "li": make_user(roles.MEMBER, member=members["doctor"]),
        "zhao": make_user(roles.MEMBER, member=members["banker"]),
        "edu_leader": make_user(roles.SECTOR_LEADER, sector=reference["education"]),
        "econ_leader": make_user(roles.SECTOR_LEADER, sector=reference["economy"]),
    }


def steps(user, **overrides):
    """What a member types on each step, by step (field names without the step's prefix)."""
    data = {
        "heading": {
            "year": TODAY.year,
            "kind": "proposal",
            "title": "关于增设学校周边护学岗的提案",
            "submitted_on": f"{TODAY:%Y-%m-%d}",
            "occasion": "regular",
        },
        "authors": {"author_kind": "individual", "joint_authors": "", "writers": ""},
        "content": {"summary": "上下学高峰时段校门口拥堵，建议增设护学岗。"},
        "review": {"confirm": "on"},
    }
    for step, fields in overrides.items():
        data[step] = {**data[step], **fields}
    return data


class Wizard:
    """A browser on the wizard: posts each step as the page's form would."""

    def __init__(self, client, user, url=NEW, key=None):
        self.client, self.url = client, url
        self.key = key or f"result-new-{user.pk}"

    def post(self, step, fields, **extra):
        data = {f"{self.key}-current_step": step, **{f"{step}-{name}": value for name, value in fields.items()}}
        return self.client.post(self.url, {**data, **extra})

    def walk(self, data, until=None):
        response = self.client.get(self.url)
        for step in ("heading", "authors", "content", "review"):
            if step == until:
                return response
            response = self.post(step, data[step])
        return response


def current_step(response):
    return response.context["wizard"]["steps"].current


def messages_of(client):
    from django.contrib.messages import get_messages

    return [str(m) for m in get_messages(client.get(reverse("my_results")).wsgi_request)]


def login(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_member_registers_a_proposal_of_their_own(people, members):
    client = login(people["wang"])
    wizard = Wizard(client, people["wang"])
    response = wizard.walk(steps(people["wang"]), until="review")
    assert current_step(response) == "review"
    review = response.content.decode()
    assert "关于增设学校周边护学岗的提案" in review and "平时提案" in review and "王丽" in review

    response = wizard.post("review", {"confirm": "on"})
    result = Result.objects.get()
    assert response["Location"] == reverse("my_result", args=[result.pk])
    assert (result.kind, result.status, result.source, result.author_kind) == (
        Kind.PROPOSAL,
        Status.PENDING,
        Source.FRONT,
        AuthorKind.INDIVIDUAL,
    )
    assert [a.member for a in result.author_rows.all()] == [members["teacher"]]
    assert result.entered_by == people["wang"] and result.occasion == "regular"
    assert not WizardDraft.objects.exists(), "the draft is gone once submitted"

    page = client.get(response["Location"]).content.decode()
    assert "已登记，等待提案委确认" in page and "待确认" in page
    mine = client.get(reverse("my_results")).content.decode()
    assert "关于增设学校周边护学岗的提案" in mine and "待确认" in mine


def test_a_joint_proposal_shows_in_the_co_authors_own_list(people, members):
    client = login(people["wang"])
    wizard = Wizard(client, people["wang"])
    response = wizard.walk(steps(people["wang"]), until="authors")
    assert response.context["form"]["joint_authors"].value() == "王丽", "the member is first by default"
    data = steps(people["wang"], authors={"author_kind": "joint", "joint_authors": "王丽、14002"})
    wizard.post("authors", data["authors"])
    wizard.post("content", data["content"])
    wizard.post("review", data["review"])

    result = Result.objects.get()
    assert result.author_kind == AuthorKind.JOINT
    assert [a.member for a in result.author_rows.all()] == [members["teacher"], members["doctor"]]

    co_author = login(people["li"])
    page = co_author.get(reverse("my_results")).content.decode()
    assert "关于增设学校周边护学岗的提案" in page and "王丽、李强" in page
    assert co_author.get(reverse("my_result", args=[result.pk])).status_code == 200
    other = login(people["zhao"])
    assert "关于增设学校周边护学岗的提案" not in other.get(reverse("my_results")).content.decode()


def test_a_joint_entry_needs_a_second_member(people):
    client = login(people["wang"])
    wizard = Wizard(client, people["wang"])
    data = steps(people["wang"], authors={"author_kind": "joint", "joint_authors": "王丽"})
    response = wizard.walk(data, until="content")
    assert current_step(response) == "authors"
    assert "联名提案至少需要两名委员。" in response.content.decode()


def test_a_member_registers_only_a_joint_entry_they_are_an_author_of(people, members):
    client = login(people["wang"])
    wizard = Wizard(client, people["wang"])
    data = steps(people["wang"], authors={"author_kind": "joint", "joint_authors": "李强、赵敏"})
    wizard.walk(data, until="authors")
    response = wizard.post("authors", data["authors"])
    assert current_step(response) == "authors"
    page = response.content.decode()
    assert "联名成果须把您本人（王丽）列为作者之一。" in page and "李强、赵敏" in page
    assert not Result.objects.exists()


def test_unknown_and_ambiguous_co_authors_are_named_and_nothing_typed_is_lost(people, reference):
    MemberFactory(code="14099", name="王丽", sector=reference["economy"])
    client = login(people["li"])
    wizard = Wizard(client, people["li"])
    typed = "李强、王丽、M0123"
    data = steps(people["li"], authors={"author_kind": "joint", "joint_authors": typed})
    response = wizard.walk(data, until="content")

    assert current_step(response) == "authors"
    page = response.content.decode()
    assert "M0123 不在名册中" in page
    assert "王丽 有两位（" in page and "），请写委员证号" in page
    assert response.context["form"]["joint_authors"].value() == typed, "the text stays as typed"
    assert not Result.objects.exists()

    response = wizard.post("authors", {"author_kind": "joint", "joint_authors": "李强、14001"})
    assert current_step(response) == "content"
    response = wizard.post(
        "authors", {"author_kind": "joint", "joint_authors": "李强 14001\n14099"}, wizard_goto_step="heading"
    )
    assert current_step(response) == "heading"
    assert response.context["form"]["title"].value() == "关于增设学校周边护学岗的提案", "step 1 is still there"


def test_an_ambiguous_own_name_is_prefilled_as_the_members_code(people, reference):
    MemberFactory(code="14099", name="王丽", sector=reference["economy"])
    client = login(people["wang"])
    response = Wizard(client, people["wang"]).walk(steps(people["wang"]), until="authors")
    assert response.context["form"]["joint_authors"].value() == "14001"


def test_the_wizard_resumes_after_logging_in_again(people):
    first = login(people["wang"])
    data = steps(people["wang"], heading={"title": "关于社区养老驿站的提案"})
    Wizard(first, people["wang"]).walk(data, until="content")
    first.post(reverse("logout"))

    later = login(people["wang"])
    wizard = Wizard(later, people["wang"])
    response = later.get(NEW)
    assert current_step(response) == "content", "back at the step left"
    response = wizard.post("content", {"summary": ""}, wizard_goto_step="heading")
    assert response.context["form"]["title"].value() == "关于社区养老驿站的提案"


def test_a_sector_leader_registers_in_the_sectors_name_only(people, reference, members):
    client = login(people["edu_leader"])
    wizard = Wizard(client, people["edu_leader"])
    response = wizard.walk(steps(people["edu_leader"]), until="authors")
    assert [value for value, _label in response.context["form"].fields["author_kind"].choices] == ["sector"]
    page = response.content.decode()
    assert "以教育界名义" in page and "按账号确定，不能修改" in page

    data = steps(
        people["edu_leader"],
        authors={"author_kind": "sector", "writers": "王丽", "sector": reference["economy"].pk},
    )
    wizard.post("authors", data["authors"])
    wizard.post("content", data["content"])
    wizard.post("review", data["review"])
    result = Result.objects.get()
    assert (result.author_kind, result.sector, result.party) == (AuthorKind.SECTOR, reference["education"], None)
    assert [a.member for a in result.author_rows.all()] == [members["teacher"]], "王丽 is the 执笔人"
    assert result.author_label == "教育界"


def test_a_member_cannot_register_in_a_sectors_name(people):
    client = login(people["wang"])
    wizard = Wizard(client, people["wang"])
    data = steps(people["wang"], authors={"author_kind": "sector"})
    response = wizard.walk(data, until="content")
    assert current_step(response) == "authors"
    assert response.context["form"].errors["author_kind"]
    assert not Result.objects.exists()


def test_another_sectors_leader_is_refused(people, reference):
    theirs = entry(title="教育界集体提案", sector=reference["education"], status=Status.PENDING)
    client = login(people["econ_leader"])
    assert client.get(reverse("my_result", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("my_result_edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("my_result_withdraw", args=[theirs.pk])).status_code == 404
    assert Result.objects.get().status == Status.PENDING
    own = login(people["edu_leader"])
    assert own.get(reverse("my_result_edit", args=[theirs.pk])).status_code == 200


def test_editing_someone_elses_entry_is_refused_with_a_reason(people, members):
    """The 教育界 leader sees 王丽's own proposal (a member of the sector) but may not change it."""
    hers = entry(members["teacher"], title="王丽的个人提案", status=Status.PENDING)
    client = login(people["edu_leader"])
    assert client.get(reverse("my_result", args=[hers.pk])).status_code == 200
    response = client.get(reverse("my_result_edit", args=[hers.pk]))
    assert response.status_code == 403
    assert "只能修改自己作为作者的成果" in response.content.decode()
    response = client.post(reverse("my_result_withdraw", args=[hers.pk]))
    assert response.status_code == 403
    assert Result.objects.get().status == Status.PENDING
    assert not WizardDraft.objects.exists()


def test_an_entry_outside_ones_scope_is_not_found(people, members):
    his = entry(members["doctor"], title="李强的个人提案")
    client = login(people["wang"])
    for name in ("my_result", "my_result_edit", "my_result_attachment"):
        assert client.get(reverse(name, args=[his.pk])).status_code == 404, name


def test_editing_a_confirmed_entry_sends_it_back_for_confirmation(people, members):
    hers = entry(members["teacher"], title="已确认的提案", status=Status.CONFIRMED)
    client = login(people["wang"])
    url = reverse("my_result_edit", args=[hers.pk])
    wizard = Wizard(client, people["wang"], url=url, key=f"result-{hers.pk}")
    response = client.get(url)
    assert response.context["form"]["title"].value() == "已确认的提案", "the wizard starts from the entry"
    data = steps(
        people["wang"], heading={"title": "已确认的提案（修改稿）", "submitted_on": f"{DAY:%Y-%m-%d}", "year": YEAR}
    )
    response = wizard.walk(data, until="review")
    assert current_step(response) == "review"
    assert "重新变为“待确认”" in response.content.decode(), "the member is told before submitting"

    response = wizard.post("review", {"confirm": "on"})
    hers.refresh_from_db()
    assert (hers.title, hers.status) == ("已确认的提案（修改稿）", Status.PENDING)
    assert "重新变为“待确认”" in client.get(response["Location"]).content.decode()
    assert hers.changes.last().action == "修改"


def test_an_accepted_proposal_cannot_be_edited(people, members):
    hers = entry(members["teacher"], title="已立案的提案", acceptance=Acceptance.ACCEPTED)
    client = login(people["wang"])
    response = client.get(reverse("my_result_edit", args=[hers.pk]), follow=True)
    assert "这件提案已立案，不能再修改" in response.content.decode()
    assert 'href="/results/%d/edit/"' % hers.pk not in response.content.decode()


def test_a_refused_edit_keeps_what_was_typed(people, members, offices):
    """王丽 edits her entry; before she submits, 提案委 confirms it and records 立案. She is told
    why on the review step, and her draft stays."""
    hers = entry(members["teacher"], title="原标题", status=Status.PENDING)
    client = login(people["wang"])
    url = reverse("my_result_edit", args=[hers.pk])
    wizard = Wizard(client, people["wang"], url=url, key=f"result-{hers.pk}")
    data = steps(people["wang"], heading={"title": "改过的标题", "submitted_on": f"{DAY:%Y-%m-%d}", "year": YEAR})
    wizard.walk(data, until="review")
    rules.confirm(hers.pk, offices["proposals"])
    rules.record_acceptance(hers.pk, offices["proposals"], Acceptance.ACCEPTED, number="2026001")

    response = wizard.post("review", {"confirm": "on"})
    assert response.status_code == 200 and current_step(response) == "review"
    assert "这件提案已立案，不能再修改" in response.content.decode()
    hers.refresh_from_db()
    assert hers.title == "原标题"
    draft = WizardDraft.objects.get(user=people["wang"])
    assert draft.data["step_data"]["heading"]["heading-title"] == ["改过的标题"]


def test_of_two_co_authors_editing_at_once_the_second_is_told_before_replacing(people, members):
    joint = entry(members["teacher"], members["doctor"], title="联名提案", status=Status.PENDING)
    url = reverse("my_result_edit", args=[joint.pk])
    key = f"result-{joint.pk}"
    data = steps(
        people["wang"],
        heading={"title": "王丽改的标题", "submitted_on": f"{DAY:%Y-%m-%d}", "year": YEAR},
        authors={"author_kind": "joint", "joint_authors": "王丽、李强"},
    )
    wang = Wizard(login(people["wang"]), people["wang"], url=url, key=key)
    wang.walk(data, until="review")

    li = Wizard(login(people["li"]), people["li"], url=url, key=key)
    li.walk({**data, "heading": {**data["heading"], "title": "李强改的标题"}})
    joint.refresh_from_db()
    assert joint.title == "李强改的标题"

    response = wang.post("review", {"confirm": "on"})
    assert current_step(response) == "review"
    assert "你修改期间，这项成果已被李强（修改" in response.content.decode()
    joint.refresh_from_db()
    assert joint.title == "李强改的标题", "李强's edit stands"

    response = wang.post("review", {"confirm": "on"})
    assert response.status_code == 302
    joint.refresh_from_db()
    assert joint.title == "王丽改的标题", "told once, 王丽 may submit hers"


def test_a_member_withdraws_a_pending_entry(people, members):
    hers = entry(members["teacher"], title="想撤回的提案", status=Status.PENDING)
    confirmed = entry(members["teacher"], title="已确认的提案", status=Status.CONFIRMED)
    client = login(people["wang"])
    page = client.get(reverse("my_result", args=[hers.pk])).content.decode()
    assert reverse("my_result_withdraw", args=[hers.pk]) in page
    response = client.post(reverse("my_result_withdraw", args=[hers.pk]), follow=True)
    assert "已撤回" in response.content.decode()
    hers.refresh_from_db()
    assert hers.status == Status.WITHDRAWN
    assert reverse("my_result_withdraw", args=[hers.pk]) not in response.content.decode()
    response = client.get(reverse("my_result_edit", args=[hers.pk]), follow=True)
    assert "这项成果已撤回，不能再修改。" in response.content.decode()

    assert (
        reverse("my_result_withdraw", args=[confirmed.pk])
        not in client.get(reverse("my_result", args=[confirmed.pk])).content.decode()
    )
    response = client.post(reverse("my_result_withdraw", args=[confirmed.pk]), follow=True)
    assert "不能撤回" in response.content.decode()
    confirmed.refresh_from_db()
    assert confirmed.status == Status.CONFIRMED


def test_withdraw_needs_a_post(people, members):
    hers = entry(members["teacher"], status=Status.PENDING)
    assert login(people["wang"]).get(reverse("my_result_withdraw", args=[hers.pk])).status_code == 405


def test_an_attachment_is_kept_private_and_handed_only_to_those_who_see_the_entry(people, members):
    client = login(people["wang"])
    wizard = Wizard(client, people["wang"])
    data = steps(people["wang"], authors={"author_kind": "joint", "joint_authors": "王丽、李强"})
    wizard.walk(data, until="content")
    private, media = Path(settings.PRIVATE_ROOT).resolve(), Path(settings.MEDIA_ROOT).resolve()
    (private / DRAFT_UPLOADS).mkdir(parents=True, exist_ok=True)
    # Other tests of the session leave their own files in both places: look only at what this one adds.
    drafts_before, media_before = set((private / DRAFT_UPLOADS).iterdir()), set(media.rglob("*.pdf"))
    upload = SimpleUploadedFile("提案全文.pdf", PDF, content_type="application/pdf")
    response = wizard.post("content", {"summary": "见附件", "attachment": upload})
    assert current_step(response) == "review"
    assert "提案全文.pdf" in response.content.decode()
    draft_files = set((private / DRAFT_UPLOADS).iterdir()) - drafts_before
    assert draft_files, "the draft's upload waits in private storage"
    assert set(media.rglob("*.pdf")) == media_before, "nothing under MEDIA_ROOT"

    wizard.post("review", {"confirm": "on"})
    result = Result.objects.get()
    stored = Path(result.attachment.path).resolve()
    assert private in stored.parents and stored.read_bytes() == PDF
    assert result.attachment_name == "提案全文.pdf"
    assert not any(path.exists() for path in draft_files), "the draft's copy is removed"

    url = reverse("my_result_attachment", args=[result.pk])
    assert 'href="%s"' % url in client.get(reverse("my_result", args=[result.pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    assert login(people["li"]).get(url).status_code == 200, "the co-author sees it too"
    assert login(people["zhao"]).get(url).status_code == 404, "another member does not"
    assert Client().get(url).status_code == 302


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("setup.exe", b"MZ...", "附件只能是 pdf、doc、docx、wps、ofd、odt、txt、jpg、jpeg、png 文件"),
        ("空白.pdf", b"", "提交的是空文件。"),
        ("太大.pdf", b"x" * 2048, "超过了 1.0\xa0KB 的上限"),
    ],
)
def test_a_refused_attachment_is_not_stored_and_the_text_stays(people, settings, name, content, message):
    settings.RESULT_ATTACHMENT_MAX_BYTES = 1024
    client = login(people["wang"])
    wizard = Wizard(client, people["wang"])
    wizard.walk(steps(people["wang"]), until="content")
    drafts = Path(settings.PRIVATE_ROOT) / DRAFT_UPLOADS
    before = set(drafts.iterdir()) if drafts.exists() else set()
    response = wizard.post("content", {"summary": "我写的摘要", "attachment": SimpleUploadedFile(name, content)})
    assert current_step(response) == "content"
    page = response.content.decode()
    assert message in page
    assert "我写的摘要" in page
    assert (set(drafts.iterdir()) if drafts.exists() else set()) == before, "nothing stored"


def test_going_back_and_forth_shows_no_error_until_a_step_is_submitted(people):
    client = login(people["wang"])
    wizard = Wizard(client, people["wang"])
    data = steps(people["wang"])
    wizard.walk(data, until="review")
    back = wizard.post("review", {}, wizard_goto_step="content")  # 上一步 from 核对提交, nothing ticked
    assert current_step(back) == "content"
    again = wizard.post("content", data["content"])  # 下一步
    assert current_step(again) == "review" and "请勾选" not in again.content.decode()
    unticked = wizard.post("review", {})  # 提交 without ticking: now it is said
    assert current_step(unticked) == "review" and "请勾选" in unticked.content.decode()
    assert not Result.objects.exists()


def test_a_second_submission_of_one_draft_registers_nothing_and_says_so(people):
    client = login(people["wang"])
    wizard = Wizard(client, people["wang"])
    data = steps(people["wang"])
    wizard.walk(data, until="review")
    assert wizard.post("review", data["review"])["Location"].startswith("/results/")
    again = wizard.post("review", data["review"])  # the same request sent again (a retry, a second tab)
    assert again.status_code == 302 and again["Location"] == reverse("my_results")
    assert "这份草稿已经提交或已失效，没有重复提交。请查看后再决定是否重新填写。" in messages_of(client)
    assert Result.objects.count() == 1


def test_of_two_submissions_of_one_draft_at_once_exactly_one_registers(people, monkeypatch):
    client = login(people["wang"])
    wizard = Wizard(client, people["wang"])
    data = steps(people["wang"])
    wizard.walk(data, until="review")
    loaded = DraftStorage.__init__

    def other_tab_submits_meanwhile(storage, *args, **kwargs):
        loaded(storage, *args, **kwargs)  # this request has read the draft …
        WizardDraft.objects.filter(pk=storage.draft.pk).delete()  # … and the other one claims it first

    monkeypatch.setattr(DraftStorage, "__init__", other_tab_submits_meanwhile)
    response = wizard.post("review", data["review"])
    assert response.status_code == 302 and response["Location"] == reverse("my_results")
    assert "这份表格已经提交过了，没有重复提交。" in messages_of(client)
    assert not Result.objects.exists()


def test_abandoned_drafts_and_replaced_uploads_are_purged_and_live_ones_kept(people, settings, tmp_path):
    private = settings.STORAGES["private"]
    settings.STORAGES = {**settings.STORAGES, "private": {**private, "OPTIONS": {"location": str(tmp_path)}}}
    folder = tmp_path / DRAFT_UPLOADS

    def upload(wizard, name, content):
        response = wizard.post("content", {"summary": "见附件", "attachment": SimpleUploadedFile(name, content)})
        assert current_step(response) == "review"

    # 王丽 attaches her proposal and never comes back; 李强 attaches one, replaces it, and is still at it.
    wang = Wizard(login(people["wang"]), people["wang"])
    wang.walk(steps(people["wang"]), until="content")
    upload(wang, "王丽.pdf", PDF)
    li = Wizard(login(people["li"]), people["li"])
    li.walk(steps(people["li"]), until="content")
    upload(li, "初稿.pdf", PDF + b"draft")
    upload(li, "定稿.pdf", PDF + b"final")
    assert len(list(folder.iterdir())) == 3

    now = timezone.now()
    WizardDraft.objects.filter(user=people["wang"]).update(updated_at=now - datetime.timedelta(days=400))
    two_days_ago = (now - datetime.timedelta(days=2)).timestamp()
    for path in folder.iterdir():
        os.utime(path, (two_days_ago, two_days_ago))
    (folder / "刚上传.pdf").write_bytes(PDF)  # a moment old: it may belong to a draft being saved

    out = io.StringIO()
    call_command("purge_drafts", stdout=out)
    assert out.getvalue().strip() == "删除了 1 份草稿、2 个草稿附件。"
    assert not WizardDraft.objects.filter(user=people["wang"]).exists()
    assert WizardDraft.objects.filter(user=people["li"]).exists()
    assert sorted(p.read_bytes() for p in folder.iterdir()) == sorted([PDF, PDF + b"final"])

    li.post("review", {"confirm": "on"})
    kept = Result.objects.get(title=steps(people["li"])["heading"]["title"])
    assert kept.attachment_name == "定稿.pdf" and kept.attachment.read() == PDF + b"final"


def test_a_wrong_date_or_a_missing_occasion_is_shown_on_the_first_step(people):
    client = login(people["wang"])
    wizard = Wizard(client, people["wang"])
    client.get(NEW)
    response = wizard.post(
        "heading", {**steps(people["wang"])["heading"], "submitted_on": f"{TODAY.year - 1}-06-01", "occasion": ""}
    )
    assert current_step(response) == "heading"
    page = response.content.decode()
    assert f"提交日期应在 {TODAY.year} 年内。" in page and "请选择大会提案或平时提案。" in page
    assert "关于增设学校周边护学岗的提案" in page


def test_my_results_shows_how_each_proposal_is_handled(people, members, units):
    hers = entry(
        members["teacher"],
        members["doctor"],
        title="关于校园周边交通的提案",
        acceptance=Acceptance.ACCEPTED,
        number="2026015",
        assigned_on=datetime.date(YEAR, 3, 10),
        answered_on=datetime.date(YEAR, 5, 10),
        satisfaction=Satisfaction.MOSTLY,
    )
    ProposalUnit.objects.create(result=hers, unit=units["education"], role=ProposalUnit.Role.LEAD)
    ProposalUnit.objects.create(result=hers, unit=units["transport"], role=ProposalUnit.Role.ASSIST)
    HandlingStep.objects.create(
        result=hers, unit=units["education"], step="before", date=datetime.date(YEAR, 3, 20), form="phone"
    )
    HandlingStep.objects.create(
        result=hers, unit=units["education"], step="after", date=datetime.date(YEAR, 6, 1), form="meeting"
    )
    late = entry(
        members["teacher"],
        title="逾期未答复的提案",
        acceptance=Acceptance.ACCEPTED,
        assigned_on=datetime.date(YEAR, 3, 10),
    )
    ProposalUnit.objects.create(result=late, unit=units["health"], role=ProposalUnit.Role.LEAD)
    entry(
        members["teacher"],
        title="被退回的信息",
        kind=Kind.OPINION,
        status=Status.RETURNED,
        return_reason="请补充数据来源",
    )
    entry(
        members["teacher"],
        title="去年的发言",
        kind=Kind.SPEECH,
        year=YEAR - 1,
        submitted_on=datetime.date(YEAR - 1, 5, 1),
    )

    client = login(people["wang"])
    page = client.get(reverse("my_results")).content.decode()
    for text in (
        "已立案",
        "案号 2026015",
        "区教委（主办）",
        "区交通委（协办）",
        "办前沟通</span> 2026-03-20 · 区教委 · 电话",
        "办后回访</span> 2026-06-01 · 区教委 · 座谈",
        "2026-05-10",
        "基本满意",
        "退回原因：请补充数据来源",
        f"{YEAR - 1} 年",
    ):
        assert text in page, text
    card = page.split('id="result-%d"' % late.pk)[1].split("</li>")[0]
    assert "逾期" in card and "尚未答复" in card
    assert "逾期" not in page.split('id="result-%d"' % hers.pk)[1].split("</li>")[0]

    only = client.get(reverse("my_results") + f"?year={YEAR - 1}").content.decode()
    assert "去年的发言" in only and "关于校园周边交通的提案" not in only
    assert "被退回的信息" in client.get(reverse("my_results") + "?kind=opinion").content.decode()
    assert "去年的发言" in client.get(reverse("my_results") + "?year=abc").content.decode(), "a bad filter is ignored"


def test_my_results_costs_the_same_queries_for_many_entries(people, members, units):
    client = login(people["wang"])

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("my_results")).status_code == 200
        return len(context)

    def proposal(n):
        result = entry(members["teacher"], members["doctor"], title=f"提案{n}", acceptance=Acceptance.ACCEPTED)
        ProposalUnit.objects.create(result=result, unit=units["education"], role=ProposalUnit.Role.LEAD)
        HandlingStep.objects.create(result=result, unit=units["education"], step="before", date=DAY, form="phone")

    proposal(0)
    queries()  # the site's navigation is cached after the first page
    few = queries()
    for n in range(1, 9):
        proposal(n)
    assert queries() == few


def test_the_forms_home_links_to_the_registry_for_members_and_leaders(people, make_user):
    for user in (people["wang"], people["edu_leader"]):
        page = login(user).get(reverse("my_home")).content.decode()
        assert 'href="%s"' % reverse("my_results") in page and "履职成果" in page
    reporter = make_user(roles.UNIT_REPORTER)
    assert 'href="%s"' % reverse("my_results") not in login(reporter).get(reverse("my_home")).content.decode()
    assert login(reporter).get(NEW).status_code == 403


def test_user_text_is_escaped(people, members):
    hers = entry(members["teacher"], title="<script>alert(1)</script>", summary="<b>粗体</b>", status=Status.PENDING)
    hers.attachment.save("x.pdf", ContentFile(PDF), save=False)
    hers.attachment_name = '"><img src=x>.pdf'
    hers.save()
    client = login(people["wang"])
    for url in (reverse("my_results"), reverse("my_result", args=[hers.pk])):
        page = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<img src=x>" not in client.get(reverse("my_result", args=[hers.pk])).content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    for url in (reverse("my_results"), NEW):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
