"""Draft pages made from filed forms (content/drafts.py): whatever a leader or an applicant typed
stays text. Markup in a 推荐理由 or a 工作室 name is escaped in the draft, on the published
page and in the API, and the editors can still open both drafts."""

import pytest
from django.urls import reverse

from content.drafts import paragraphs, titled_sections
from content.models import StoryPage, WorkstationPage
from forms_app.founding import rules as founding
from forms_app.models import Stage, WorkingRule
from people import roles

from .content_helpers import site_sections
from .test_five_ones_route import file_for
from .test_workstation_application import application_data

pytestmark = pytest.mark.django_db
ATTACK = '<img src=x onerror="alert(1)">'
ESCAPED = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"


def test_paragraphs_escape_each_line():
    assert paragraphs(f"第一行 {ATTACK}\n\n  第二行 <b>粗</b>  ") == (
        f"<p>第一行 {ESCAPED}</p><p>第二行 &lt;b&gt;粗&lt;/b&gt;</p>"
    )
    assert titled_sections([("<i>制度</i>", "内容")]) == "<h3>&lt;i&gt;制度&lt;/i&gt;</h3><p>内容</p>"


def publish(page):
    page.get_latest_revision().publish()
    return page.specific_class.objects.get(pk=page.pk)


def assert_opens_in_the_editor(client, make_user, page):
    editor = make_user(roles.EDITOR)
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    client.logout()


def test_a_recommendation_with_markup_stays_text_in_the_draft_story_page_and_api(client, make_user, reference, members):
    site_sections()
    leader = make_user(roles.SECTOR_LEADER, sector=reference["education"])
    reason = f"扎根基层教学二十年，带头开展课后服务。{ATTACK}\n第二段：<script>alert(2)</script>"
    filing = file_for(leader, sector=reference["education"], theme="课后服务<b>提质</b>", showcase_reason=reason)
    draft = StoryPage.objects.get(pk=filing.showcase_story_id)
    body = draft.body.raw_data[0]["value"]
    assert ESCAPED in body and "&lt;script&gt;" in body
    assert "<img" not in body and "<script" not in body
    assert draft.title == f"{filing.showcase_member.name}：课后服务<b>提质</b>", "the title is kept as typed, as text"
    assert_opens_in_the_editor(client, make_user, draft)

    story = publish(draft)
    page = client.get(story.url).content.decode()
    assert ESCAPED in page and "&lt;script&gt;alert(2)" in page
    assert ATTACK not in page and "<script>alert(2)" not in page and "<b>提质</b>" not in page

    api = client.get(f"/api/v2/pages/{story.pk}/").content.decode()
    assert "onerror" in api, "the text is served"
    data = client.get(f"/api/v2/pages/{story.pk}/").json()
    assert "<img" not in data["body"][0]["value"] and "<script" not in data["body"][0]["value"]


def test_a_station_name_and_rules_with_markup_stay_text_in_the_draft_page_and_api(
    client, make_user, reference, members
):
    site_sections()
    teacher = members["teacher"]
    applicant = make_user(roles.MEMBER, member=teacher)
    offices = {
        Stage.COMMITTEE_OFFICE: make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]),
        Stage.LIAISON_OFFICE: make_user(roles.LIAISON_OFFICE),
        Stage.SECRETARY_GENERAL: make_user(roles.SECRETARY_GENERAL),
        Stage.VICE_CHAIR: make_user(roles.VICE_CHAIR),
        Stage.CHAIRS_MEETING: make_user(roles.CHAIRS_MEETING),
    }
    rules = {value: f"{label}：按季度执行。" for value, label in WorkingRule.choices}
    rules["integrity"] = f"廉洁自律 {ATTACK}"
    application = founding.submit_application(
        applicant, application_data(teacher, reference["edu_committee"], rules=rules), []
    )
    name = f"东四<em>教育</em>委员工作室{ATTACK}"
    for stage, office in offices.items():
        application = founding.sign(application.pk, office, stage, "approve", "同意。", approved_name=name)
    draft = WorkstationPage.objects.get(pk=application.workstation_page_id)
    assert draft.title == name, "the name is kept as typed, as text"
    assert ESCAPED in draft.rules and "<img" not in draft.rules
    assert_opens_in_the_editor(client, make_user, draft)

    station = publish(draft)
    page = client.get(station.url).content.decode()
    assert "东四&lt;em&gt;教育&lt;/em&gt;委员工作室" in page and ESCAPED in page
    assert ATTACK not in page and "<em>教育</em>" not in page

    data = client.get(f"/api/v2/pages/{station.pk}/").json()
    assert data["title"] == name, "the API serves the name as text, for its consumers to escape"
    assert ESCAPED in data["rules"] and "<img" not in data["rules"]
