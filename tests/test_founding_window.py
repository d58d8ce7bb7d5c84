"""The 委员工作室 application window (seed 003 annex 2 第四条: 4月底前报名, 6月底前命名和挂牌) and
the 常委工作站 (seed 002 二(二)1): 逾期报名, 挂牌日期, the 进度 board, the window's dates, and the
rule that a 常委工作站's 负责人 is a 常委, asked by the wizard, the approval and the page editor."""

import datetime
import io
import subprocess

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from content.models import StationKind, WorkstationPage
from forms_app.founding import rules as founding
from forms_app.founding.pdf import application_pdf_bytes
from forms_app.models import FoundingYear, Stage, WorkstationApplication

from .content_helpers import site_sections, station
from .test_workstation_application import (  # noqa: F401 (people is a fixture)
    apply,
    approve_until,
    people,
    step_data,
)

pytestmark = pytest.mark.django_db
PROGRESS = reverse("founding_progress")
STANDING_REFUSAL = "「负责人」：常委工作站的负责人须是常委"
Status = WorkstationApplication.Status


def today():
    return timezone.localdate()


def window(apply_by, plaque_by=None):
    year = today().year
    FoundingYear.objects.update_or_create(
        year=year, defaults={"apply_by": apply_by, "plaque_by": plaque_by or datetime.date(year, 12, 31)}
    )


def inspect_url(application):
    return reverse("forms_app_workstationapplication_modeladmin_inspect", args=[application.pk])


def named(people, members, reference, **overrides):
    site_sections()
    application = approve_until(apply(people, members, reference, **overrides), people, Stage.CHAIRS_MEETING)
    return founding.sign(
        application.pk, people["chairs"], Stage.CHAIRS_MEETING, "approve", "同意。", approved_name=overrides["name"]
    )


# --- 逾期报名


def test_a_submission_after_the_deadline_is_accepted_and_marked_late(people, members, reference):
    window(today() - datetime.timedelta(days=1))
    late = apply(people, members, reference)
    assert late.status == Status.IN_REVIEW and late.late
    window(today())  # the deadline day itself is still on time
    on_time = apply(people, members, reference, name="另一个工作室")
    assert not on_time.late


def test_a_resubmission_keeps_the_mark_of_the_first_submission(people, members, reference):
    window(today())
    application = apply(people, members, reference)
    application = founding.sign(application.pk, people["edu_office"], Stage.COMMITTEE_OFFICE, "return", "请补充。")
    window(today() - datetime.timedelta(days=1))
    data = {"name": application.name}
    from .test_workstation_application import application_data

    again = founding.submit_application(
        people["applicant"],
        application_data(members["teacher"], reference["edu_committee"], **data),
        [],
        application=application,
    )
    assert again.status == Status.IN_REVIEW and not again.late


def test_the_window_defaults_to_30_april_and_30_june():
    window_ = FoundingYear.for_year(2027)
    assert (window_.apply_by, window_.plaque_by) == (datetime.date(2027, 4, 30), datetime.date(2027, 6, 30))
    assert not founding.is_late(datetime.date(2027, 4, 30)) and founding.is_late(datetime.date(2027, 5, 1))


# --- 挂牌日期


def test_liaison_records_the_plaque_date_within_its_bounds(people, members, reference):
    application = named(people, members, reference, name="东四委员工作室")
    approved_on = founding.approval_date(application)
    assert approved_on == today()
    with pytest.raises(founding.ApplicationError, match="「挂牌日期」：不能早于主席会议批准命名的日期"):
        founding.record_plaque(application.pk, people["liaison"], approved_on - datetime.timedelta(days=1))
    with pytest.raises(founding.ApplicationError, match="「挂牌日期」：不能晚于今天"):
        founding.record_plaque(application.pk, people["liaison"], today() + datetime.timedelta(days=1))
    with pytest.raises(founding.ApplicationError, match="只有委员联络室"):
        founding.record_plaque(application.pk, people["chairs"], today())
    founding.record_plaque(application.pk, people["liaison"], today())
    application.refresh_from_db()
    assert application.plaque_date == today()


def test_an_application_not_yet_named_has_no_plaque(people, members, reference):
    application = apply(people, members, reference)
    with pytest.raises(founding.ApplicationError, match="「挂牌日期」：只有已批准命名的工作室才能登记挂牌日期"):
        founding.record_plaque(application.pk, people["liaison"], today())


def test_the_plaque_form_in_the_admin_keeps_a_refused_date(people, members, reference, client):
    application = named(people, members, reference, name="东四委员工作室")
    client.force_login(people["liaison"])
    page = client.get(inspect_url(application)).content.decode()
    assert "登记挂牌日期" in page and "已命名，尚未挂牌" in page
    future = (today() + datetime.timedelta(days=3)).isoformat()
    refused = client.post(inspect_url(application), {"plaque_date": future})
    text = refused.content.decode()
    assert refused.status_code == 200 and "不能晚于今天" in text and f'value="{future}"' in text
    application.refresh_from_db()
    assert application.plaque_date is None
    done = client.post(inspect_url(application), {"plaque_date": today().isoformat()}, follow=True)
    assert f"已登记挂牌日期 {today():%Y-%m-%d}" in done.content.decode()
    # The chairs' meeting reads the page but has no plaque form, and cannot post one.
    client.force_login(people["chairs"])
    assert "登记挂牌日期" not in client.get(inspect_url(application)).content.decode()
    assert client.post(inspect_url(application), {"plaque_date": today().isoformat()}).status_code == 403


# --- 进度


def test_the_progress_board_lists_late_overdue_and_unplaqued(people, members, reference, client):
    window(today() - datetime.timedelta(days=1), plaque_by=today() - datetime.timedelta(days=1))
    late = apply(people, members, reference, name="逾期报名的工作室")
    returned = apply(people, members, reference, name="退回修改的工作室")
    founding.sign(returned.pk, people["edu_office"], Stage.COMMITTEE_OFFICE, "return", "请补充。")
    unplaqued = named(people, members, reference, name="已命名的工作室")
    plaqued = named(people, members, reference, name="已挂牌的工作室")
    founding.record_plaque(plaqued.pk, people["liaison"], today())
    WorkstationApplication.objects.filter(pk=plaqued.pk).update(late=False)

    board = founding.progress(today().year, today())
    assert {a.name for a in board["late"]} == {"逾期报名的工作室", "退回修改的工作室", "已命名的工作室"}
    assert {a.name for a in board["overdue"]} == {"逾期报名的工作室", "退回修改的工作室"}
    assert [a.approved_name for a in board["unplaqued"]] == [unplaqued.approved_name]
    # Before 挂牌截止日期, nothing is overdue yet.
    assert founding.progress(today().year, today() - datetime.timedelta(days=2))["overdue"] == []

    client.force_login(people["liaison"])
    page = client.get(PROGRESS, {"year": today().year}).content.decode()
    for words in (
        "逾期报名（3）",
        "超过挂牌截止日期仍在审批（2）",
        "已命名未挂牌（1）",
        "已命名的工作室",
        "修改申报年度的日期",
    ):
        assert words in page, words
    assert inspect_url(late) in page
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(reverse("founding_progress_xlsx")).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("类别", "工作室名称", "工作室类型")
    assert sorted(r[0] for r in rows[1:]) == sorted(
        ["逾期报名"] * 3 + ["超过挂牌截止日期仍在审批"] * 2 + ["已命名未挂牌"]
    )

    # The leadership reads the board; a 专委会工作室 does not.
    client.force_login(people["secretary"])
    assert client.get(PROGRESS).status_code == 200
    client.force_login(people["edu_office"])
    refused = client.get(PROGRESS)
    assert refused.status_code == 403 and "没有查看委员工作室申请进度的权限" in refused.content.decode()
    assert client.get(reverse("founding_progress_xlsx")).status_code == 403


def test_the_board_is_in_the_founding_menu(people, client):
    client.force_login(people["liaison"])
    menu = client.get("/admin/").content.decode()
    assert PROGRESS in menu and reverse("forms_app_foundingyear_modeladmin_index") in menu
    client.force_login(people["edu_office"])
    assert PROGRESS not in client.get("/admin/").content.decode()


def test_liaison_sets_the_windows_dates_and_bad_dates_are_refused(people, client):
    client.force_login(people["liaison"])
    url = reverse("forms_app_foundingyear_modeladmin_create")
    bad = client.post(url, {"year": "2027", "apply_by": "2027-06-30", "plaque_by": "2027-04-30"})
    assert bad.status_code == 200 and "挂牌截止日期不能早于申请截止日期。" in bad.content.decode()
    other = client.post(url, {"year": "2027", "apply_by": "2028-04-30", "plaque_by": "2027-06-30"})
    assert "申请截止日期应在 2027 年内。" in other.content.decode()
    assert not FoundingYear.objects.filter(year=2027).exists()
    client.post(url, {"year": "2027", "apply_by": "2027-05-15", "plaque_by": "2027-07-15"})
    assert FoundingYear.for_year(2027).apply_by == datetime.date(2027, 5, 15)
    client.force_login(people["edu_office"])
    assert client.get(url).status_code != 200


# --- 常委工作站


def test_the_wizard_asks_the_kind_and_refuses_a_standing_station_led_by_a_non_standing_member(
    people, members, reference, client
):
    client.force_login(people["applicant"])
    assert "工作室类型" in client.get(reverse("workstation_application_wizard")).content.decode()
    url = reverse("workstation_application_wizard")
    client.post(url, step_data("station", members, reference, **{"station-station_kind": "standing"}))
    response = client.post(url, step_data("lead", members, reference))
    assert response.context["wizard"]["steps"].current == "lead"
    assert "常委工作站的负责人须是常委" in str(response.context["wizard"]["form"].errors["lead_member"])
    assert 'value="区实验小学 副校长"' in response.content.decode(), "what was typed is kept"
    # Once 王丽 is a 常委 the step passes, and the application records the kind.
    members["teacher"].is_standing = True
    members["teacher"].save()
    for step in ("lead", "members", "venue"):
        response = client.post(url, step_data(step, members, reference))
        assert not response.context["wizard"]["form"].errors, step
    assert "常委工作站" in response.content.decode(), "the review page shows the kind"
    client.post(url, step_data("sign", members, reference))
    application = WorkstationApplication.objects.get()
    assert application.station_kind == StationKind.STANDING


def test_the_service_and_the_approval_refuse_a_non_standing_lead(people, members, reference):
    with pytest.raises(founding.ApplicationError) as refused:
        apply(people, members, reference, station_kind=StationKind.STANDING)
    assert str(refused.value) == STANDING_REFUSAL
    assert not WorkstationApplication.objects.exists()

    members["teacher"].is_standing = True
    members["teacher"].save()
    site_sections()
    application = approve_until(
        apply(people, members, reference, station_kind=StationKind.STANDING), people, Stage.CHAIRS_MEETING
    )
    # The roster changes before the 主席会议 decides: 王丽 is no longer a 常委.
    members["teacher"].is_standing = False
    members["teacher"].save()
    with pytest.raises(founding.ApplicationError) as refused:
        founding.sign(application.pk, people["chairs"], Stage.CHAIRS_MEETING, "approve", "同意。", approved_name="站")
    assert str(refused.value) == STANDING_REFUSAL
    members["teacher"].is_standing = True
    members["teacher"].save()
    application = founding.sign(
        application.pk, people["chairs"], Stage.CHAIRS_MEETING, "approve", "同意。", approved_name="东四常委工作站"
    )
    assert application.workstation_page.kind == StationKind.STANDING, "approval copies the kind to the page"


def test_the_pdf_and_the_offices_pages_print_the_kind(people, members, reference, client, tmp_path):
    members["teacher"].is_standing = True
    members["teacher"].save()
    application = apply(people, members, reference, station_kind=StationKind.STANDING)
    path = tmp_path / "a.pdf"
    path.write_bytes(application_pdf_bytes(application))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    assert "工作室类型" in text and "常委工作站" in text
    client.force_login(people["liaison"])
    page = client.get(inspect_url(application)).content.decode()
    assert "常委工作站" in page and "常委工作站的负责人为常委" in page


def test_an_editor_cannot_save_a_standing_station_with_a_non_standing_lead(people, members, reference):
    _stories, index = site_sections()
    page = station(index, members["teacher"], title="东四委员工作室", committee=reference["edu_committee"])
    form_class = WorkstationPage.get_edit_handler().get_form_class()
    editor = people["editor"]

    def form_for(kind, lead):
        data = {
            "title": page.title,
            "slug": page.slug,
            "kind": kind,
            "address": page.address,
            "mode": page.mode,
            "basis": page.basis,
            "sector": page.sector_id,
            "lead_member": lead.pk,
            "members": [],
            **{f"{name}-TOTAL_FORMS": "0" for name in ("photos", "plan_items")},
            **{f"{name}-INITIAL_FORMS": "0" for name in ("photos", "plan_items")},
            **{f"{name}-MIN_NUM_FORMS": "0" for name in ("photos", "plan_items")},
            **{f"{name}-MAX_NUM_FORMS": "1000" for name in ("photos", "plan_items")},
        }
        return form_class(data, instance=page, parent_page=index, for_user=editor)

    refused = form_for(StationKind.STANDING, members["teacher"])
    assert not refused.is_valid()
    assert refused.errors["lead_member"] == ["常委工作站的负责人须是常委"]
    members["banker"].is_standing = True
    members["banker"].save()
    assert form_for(StationKind.STANDING, members["banker"]).is_valid()
    assert form_for(StationKind.STATION, members["teacher"]).is_valid()
