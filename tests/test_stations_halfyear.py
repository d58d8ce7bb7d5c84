"""The half-year report on the 街道活动小组 (issue 16 item 13): figures per group on a hand-built
half, the draft → 出具 route (委员联络室 only; once; the leadership reads issued reports only), the
PDF (headings, embedded CJK, page 1 as PNG), the xlsx, and an issued report unchanged after the
data change."""

import datetime
import io
import subprocess
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from people import roles
from people.models import Post, Side, StreetGroupPosition
from stations import halfyear, street_activities
from stations.models import Presence, StreetGroupActivity, StreetGroupPlan, StreetGroupReport
from stations.rules import StationError

from .factories import MemberFactory

ARTIFACTS = Path(__file__).parent / "artifacts"
YEAR = datetime.date.today().year - 1


@pytest.fixture
def half(reference, make_user, roles_synced, settings, tmp_path):
    """东华门: 3 members, 2 activities in the first half (赵敏 never 出席: 请假 then 缺席), one in the
    second; a confirmed plan; 组长 posts. 景山: no plan, no activity."""
    settings.PRIVATE_ROOT = str(tmp_path)
    r = reference
    group = r["donghuamen"]
    group.committee = r["edu_committee"]
    group.save()
    wang, li, zhao = (
        MemberFactory(code=code, name=name, sector=r["education"], street_group=group)
        for code, name in (("0101", "王丽"), ("0102", "李强"), ("0103", "赵敏"))
    )
    StreetGroupPosition.objects.create(
        group=group, post=Post.LEADER, side=Side.CPPCC, name="张主任", title="专委会工作四室主任"
    )
    StreetGroupPosition.objects.create(
        group=group, post=Post.LEADER, side=Side.STREET, name="刘书记", title="东华门街道工委书记"
    )
    StreetGroupPlan.objects.create(
        group=group, year=YEAR, needs="n", approach="a", status=StreetGroupPlan.Status.CONFIRMED
    )
    liaison = make_user(roles.STREET_LIAISON, street_group=group)

    def activity(date, title, kind, marks, opinions=0, deeds=0):
        a = street_activities.create_activity(
            liaison,
            group,
            street_activities.Fields(date=date, title=title, kind=kind, opinions=opinions, deeds=deeds),
            today=date,
        )
        street_activities.record_attendance(liaison, a.pk, [(m, p, "") for m, p in marks])
        return a

    activity(datetime.date(YEAR, 3, 5), "社区义诊", "clinic", [(zhao, Presence.EXCUSED)], opinions=4, deeds=2)
    activity(datetime.date(YEAR, 5, 9), "=法律讲座", "lecture", [(li, Presence.ABSENT), (zhao, Presence.ABSENT)], 1, 1)
    activity(datetime.date(YEAR, 9, 1), "下半年走访", "visit", [])
    return {
        "group": group,
        "members": (wang, li, zhao),
        "office": make_user(roles.LIAISON_OFFICE),
        "committee": make_user(roles.COMMITTEE_OFFICE, committee=r["edu_committee"]),
        "secretary": make_user(roles.SECRETARY_GENERAL),
        "liaison": liaison,
    }


def test_figures_on_a_hand_built_half(half):
    figures = halfyear.figures(YEAR, 1)
    assert figures["title"] == f"{YEAR}年上半年街道活动小组工作情况报告"
    east, north = figures["groups"]
    assert east["name"] == "东华门街道活动小组" and north["name"] == "景山街道活动小组"
    assert east["plan"] == "已确认" and north["plan"] == "无计划"
    assert east["activities"] == 2 and north["activities"] == 0  # 下半年走访 is not in this half
    kinds = dict(zip(figures["kinds"], east["by_kind"], strict=True))
    assert kinds["医疗义诊"] == 1 and kinds["公益讲座"] == 1 and kinds["走访"] == 0
    # 6 attendance rows: 王丽 出席 ×2, 李强 出席 + 缺席, 赵敏 请假 + 缺席 → 3/6
    assert (east["invited"], east["present"], east["excused"], east["absent"]) == (6, 3, 1, 2)
    assert east["rate"] == "50.0%" and north["rate"] == "—"
    assert east["absent_all"] == ["赵敏（0103）"]
    assert (east["opinions"], east["deeds"]) == (5, 3)
    assert east["positions"][0] == ["组长", "政协", "张主任", "专委会工作四室主任"]
    assert east["positions"][1] == ["组长", "街道", "刘书记", "东华门街道工委书记"]
    assert east["positions"][2][2] == "（空缺）"
    assert figures["totals"]["without_activity"] == 1 and figures["totals"]["plans_confirmed"] == 1


def test_figures_take_a_fixed_number_of_queries(half, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        halfyear.figures(YEAR, 1)


def _pdf_text(data, path):
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_draft_issue_pdf_xlsx_and_kept_as_issued(client, half, tmp_path):
    office = half["office"]
    client.force_login(office)
    url = reverse("street_group_report", args=[YEAR, 1])
    client.post(url, {"summary": "上半年各小组围绕街道中心工作开展活动。\n下一步：扩大参与。"})
    assert StreetGroupReport.objects.get().summary.startswith("上半年各小组")

    client.force_login(half["secretary"])
    assert client.get(url).status_code == 403  # a draft is not for the leadership
    assert "尚未出具" in client.get(url).content.decode()
    client.force_login(office)

    draft = client.get(reverse("street_group_report_pdf", args=[YEAR, 1]))
    assert "草稿（预览），尚未出具" in _pdf_text(draft.content, tmp_path / "draft.pdf")

    client.post(reverse("street_group_report_issue", args=[YEAR, 1]))
    report = StreetGroupReport.objects.get()
    assert report.issued and report.issued_by == office and report.pdf.name

    pdf_path = tmp_path / "issued.pdf"
    text = _pdf_text(client.get(reverse("street_group_report_pdf", args=[YEAR, 1])).content, pdf_path)
    compact = text.replace(" ", "")
    for heading in (f"{YEAR}年上半年街道活动小组工作情况报告", "一、工作小结", "二、总体情况", "三、各小组情况"):
        assert heading in compact
    assert "赵敏（0103）" in compact and "草稿" not in compact
    fonts = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk)  # embedded
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf_path),
            str(ARTIFACTS / "street-halfyear"),
        ],
        check=True,
    )
    assert (ARTIFACTS / "street-halfyear.png").stat().st_size > 10_000

    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("street_group_report_xlsx", args=[YEAR, 1])).content))
    assert book.sheetnames == ["总体情况", "组织架构", "活动清单", "全半年未出席委员", "工作小结"]
    overview = [list(r) for r in book["总体情况"].iter_rows(values_only=True)]
    assert overview[1][0] == "东华门街道活动小组" and overview[1][3] == 2 and overview[-1][0] == "合计"
    titles = [r[2] for r in book["活动清单"].iter_rows(min_row=2, values_only=True)]
    assert titles == ["社区义诊", "'=法律讲座"]  # a title starting with = is text, never a formula
    assert [list(r) for r in book["全半年未出席委员"].iter_rows(min_row=2, values_only=True)] == [
        ["东华门街道活动小组", "赵敏（0103）"]
    ]

    # The data change; the issued report does not.
    StreetGroupActivity.objects.filter(title="社区义诊").update(opinions=99)
    zhao = half["members"][2]
    activity = StreetGroupActivity.objects.get(title="社区义诊")
    street_activities.record_attendance(half["liaison"], activity.pk, [(zhao, Presence.PRESENT, "")])
    page = client.get(url).content.decode()
    assert "赵敏（0103）" in page and "data-issued" in page
    kept = client.get(reverse("street_group_report_pdf", args=[YEAR, 1])).content
    assert kept == report.pdf.open("rb").read()
    assert halfyear.figures(YEAR, 1)["groups"][0]["absent_all"] == []  # the live figures moved on

    # Issuing twice: the second is told, nothing changes.
    with pytest.raises(StationError, match="已出具"):
        halfyear.issue_report(YEAR, 1, office)
    response = client.post(reverse("street_group_report_issue", args=[YEAR, 1]), follow=True)
    assert "已出具" in response.content.decode()
    with pytest.raises(StationError, match="已出具"):
        halfyear.save_summary(YEAR, 1, "改写", office)

    # Issued: the leadership reads it; a committee office does not (every group's absentees by name).
    client.force_login(half["secretary"])
    assert "上半年各小组" in client.get(url).content.decode()
    assert client.get(reverse("street_group_report_pdf", args=[YEAR, 1])).status_code == 200
    assert client.post(reverse("street_group_report_issue", args=[YEAR, 1])).status_code == 403
    client.force_login(half["committee"])
    assert client.get(url).status_code == 403
    assert client.get(reverse("street_group_report_pdf", args=[YEAR, 1])).status_code == 403


def test_issue_refused_before_the_half_ends_or_without_a_summary(half):
    office = half["office"]
    with pytest.raises(StationError, match="「工作小结」：出具前请填写工作小结并保存"):
        halfyear.issue_report(YEAR, 1, office)
    this_year = datetime.date.today().year
    with pytest.raises(StationError, match="要到这半年结束"):
        halfyear.issue_report(this_year, 2, office)
    with pytest.raises(StationError, match="只有委员联络室"):
        halfyear.issue_report(YEAR, 1, half["secretary"])
    assert not StreetGroupReport.objects.filter(issued_at__isnull=False).exists()
