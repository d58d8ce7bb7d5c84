"""The 履职成果 registry as a spreadsheet: the offices import their xlsx (upload → preview → 确认导入)
and export in the same layout."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from people import roles
from results.models import (
    Acceptance,
    AuthorKind,
    HandlingStep,
    Kind,
    Occasion,
    ProposalUnit,
    Result,
    ResultChange,
    ResultImport,
    Source,
    Status,
)
from results.sheets import COLUMNS, import_results, sample_workbook

from .conftest import as_xlsx
from .results_helpers import DAY, YEAR, entry, offices, units  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def line(**cells):
    """One row in COLUMNS order: a 委员个人 平时提案 by 14001 unless told otherwise."""
    row = {
        "序号": "",
        "年度": YEAR,
        "类别": "提案",
        "编号": "",
        "标题": "关于加强校园周边交通安全的建议",
        "作者类型": "委员个人",
        "委员证号": "14001",
        "联名委员证号": "",
        "界别": "",
        "党派": "",
        "提交日期": DAY,
        "平时提案": "是",
        "立案情况": "",
        "主办单位": "",
        "协办单位": "",
        "内容摘要": "校门口上下学时段拥堵。",
    }
    row.update(cells)
    return [row[column] for column in COLUMNS]


def workbook(*rows):
    return as_xlsx([list(COLUMNS), *rows])


PROPOSALS = (
    line(编号="0001", 立案情况="立案", 主办单位="区教委", 协办单位="区卫健委、区交通委"),
    line(
        编号="0002",
        标题="关于推进老旧小区加装电梯的建议",
        作者类型="多名委员联名",
        委员证号="14002",
        联名委员证号="14003，14004",
        提交日期="2026-03-05",
        平时提案="否",
        立案情况="并案：0001",
    ),
    line(标题="关于完善社区养老驿站服务的建议", 作者类型="界别", 委员证号="", 界别="教育界", 立案情况="不予立案"),
    line(标题="关于规范共享单车停放的建议", 作者类型="党派", 委员证号="14002", 党派="民盟", 提交日期="2026/4/1"),
)


@pytest.fixture
def proposals(offices):
    return offices["proposals"]


def test_a_good_file_registers_confirmed_entries_with_their_authors_units_and_a_change_line(
    members, reference, units, proposals
):
    report = import_results(workbook(*PROPOSALS), proposals, dry_run=False, filename="提案.xlsx")

    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    first = Result.objects.get(number="0001")
    assert (first.kind, first.year, first.author_kind, first.occasion) == (
        Kind.PROPOSAL,
        YEAR,
        AuthorKind.INDIVIDUAL,
        Occasion.REGULAR,
    )
    assert (first.status, first.source, first.entered_by) == (Status.CONFIRMED, Source.IMPORT, proposals)
    assert first.acceptance == Acceptance.ACCEPTED and first.submitted_on == DAY
    assert [a.member.code for a in first.author_rows.select_related("member")] == ["14001"]
    roles_of = {(u.unit.name, u.role) for u in first.units.select_related("unit")}
    assert roles_of == {("区教委", "lead"), ("区卫健委", "assist"), ("区交通委", "assist")}

    joint = Result.objects.get(number="0002")
    assert [a.member.code for a in joint.author_rows.select_related("member")] == ["14002", "14003", "14004"]
    assert (joint.author_kind, joint.occasion, joint.acceptance, joint.merged_into) == (
        AuthorKind.JOINT,
        Occasion.PLENARY,
        Acceptance.MERGED,
        "0001",
    )
    assert joint.submitted_on == datetime.date(YEAR, 3, 5), "a date typed as text"
    sector = Result.objects.get(author_kind=AuthorKind.SECTOR)
    assert sector.sector == reference["education"] and not sector.author_rows.exists()
    party = Result.objects.get(author_kind=AuthorKind.PARTY)
    assert party.party == reference["minmeng"] and party.submitted_on == datetime.date(YEAR, 4, 1)

    change = first.changes.get()
    assert (change.action, change.actor, change.why) == ("登记（导入）", proposals, "导入文件 提案.xlsx 第 2 行")
    assert ResultChange.objects.count() == 4


def test_the_same_file_again_changes_nothing(members, units, proposals):
    data = workbook(*PROPOSALS)
    import_results(data, proposals, dry_run=False)
    stamps = dict(Result.objects.values_list("pk", "updated_at"))

    report = import_results(data, proposals, dry_run=False)

    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert report.changes == []
    assert Result.objects.count() == 4 and ResultChange.objects.count() == 4
    assert dict(Result.objects.values_list("pk", "updated_at")) == stamps, "nothing was written"


def test_an_edited_file_updates_exactly_the_edited_rows(members, units, proposals):
    import_results(workbook(*PROPOSALS), proposals, dry_run=False)
    edited = list(PROPOSALS)
    edited[0] = line(编号="0001", 标题="关于加强中小学校园周边交通安全的建议", 立案情况="立案", 主办单位="区交通委")
    edited[2] = line(
        编号="0003",  # the office gives the 界别 proposal its 案号: still the same entry
        标题="关于完善社区养老驿站服务的建议",
        作者类型="界别",
        委员证号="",
        界别="教育界",
        立案情况="不予立案",
    )

    preview = import_results(workbook(*edited), proposals, dry_run=True)
    assert (preview.created, preview.updated, preview.unchanged) == (0, 2, 2)
    assert Result.objects.filter(number="0003").count() == 0, "the preview writes nothing"
    first_change = preview.changes[0]
    assert first_change["line"] == 2 and first_change["type"] == "update"
    assert first_change["changed"] == [
        {"column": "标题", "old": "关于加强校园周边交通安全的建议", "new": "关于加强中小学校园周边交通安全的建议"},
        {"column": "主办单位", "old": "区教委", "new": "区交通委"},
        {"column": "协办单位", "old": "区卫健委、区交通委", "new": ""},
    ]

    report = import_results(workbook(*edited), proposals, dry_run=False, filename="提案.xlsx")

    assert (report.created, report.updated, report.unchanged) == (0, 2, 2)
    first = Result.objects.get(number="0001")
    assert first.title == "关于加强中小学校园周边交通安全的建议"
    assert [(u.unit.name, u.role) for u in first.units.select_related("unit")] == [("区交通委", "lead")]
    assert Result.objects.get(author_kind=AuthorKind.SECTOR).number == "0003"
    assert Result.objects.count() == 4
    change = first.changes.order_by("pk").last()
    assert change.action == "修改（导入）"
    assert change.what.startswith("标题：关于加强校园周边交通安全的建议 → 关于加强中小学校园周边交通安全的建议；")
    assert ResultChange.objects.count() == 6


def test_a_file_with_many_kinds_of_error_is_refused_whole_with_every_problem_named(members, units, proposals):
    # Registered already: 0009, and an unnumbered proposal by 14004 that a row below gives 0009.
    entry(members["doctor"], number="0009", title="关于缓解医院周边停车难的建议")
    entry(members["engineer"], title="关于保护历史文化街区的建议")
    rows = [
        line(编号="0001"),  # 2: good, but nothing is written
        line(编号="0002", 标题="联名", 作者类型="联名", 联名委员证号="M0123、14002"),  # 3
        line(编号="0003", 立案情况="立案", 主办单位="区不存在局"),  # 4
        line(编号="0001", 标题="另一件"),  # 5
        line(编号="0004", 提交日期="2026-02-30"),  # 6
        line(编号="0005", 提交日期=datetime.date(2025, 12, 31)),  # 7
        line(编号="0006", 联名委员证号="14002"),  # 8: 委员个人 with a co-author
        line(编号="0007", 作者类型="多名委员联名"),  # 9: 联名 alone
        line(编号="0008", 作者类型="界别", 委员证号="", 界别="不存在界"),  # 10
        line(类别="建言"),  # 11
        line(编号="0010", 标题=""),  # 12
        line(编号="0011", 内容摘要="字" * 2001),  # 13
        line(类别="社情民意信息", 平时提案=""),  # 14: not 提案委's kind
        line(编号="0009", 标题="关于保护历史文化街区的建议", 委员证号="14004"),  # 15: 0009 is another's
        line(编号="0012", 立案情况="并案:0999"),  # 16
    ]

    report = import_results(workbook(*rows), proposals, dry_run=False)

    assert report.errors == [
        "第 3 行「联名委员证号」：M0123 不在名册中",
        "第 4 行「主办单位」：没有名为“区不存在局”的承办单位，请检查是否有错别字，或先在“承办单位”中添加。",
        "第 5 行「编号」：编号 0001 在文件中重复出现，第 2 行已有这个编号。",
        "第 6 行「提交日期」：“2026-02-30”不是有效的日期，请写成 %s 这样，或设为日期格式的单元格。"
        % timezone.localdate().strftime("%Y-%m-%d"),
        "第 7 行「提交日期」：提交日期应在 2026 年内。",
        "第 8 行「联名委员证号」：委员个人名义的成果只有一位作者；多位委员请选“多名委员联名”。",
        "第 9 行「联名委员证号」：联名提案至少需要两名委员。",
        "第 10 行「界别」：没有名为“不存在界”的界别，请检查是否有错别字，或先在“基础数据 › 界别”中添加。",
        "第 11 行「类别」：没有“建言”这个类别，应为提案、社情民意信息、大会发言、调研报告、微建议之一。",
        "第 12 行「标题」：不能为空。",
        "第 13 行「内容摘要」：不能超过 2000 个字（现有 2001 个）。",
        "第 14 行「类别」：只有研究室可以导入社情民意信息。",
        "第 15 行「编号」：2026 年的提案中已有编号 0009。",
        "第 16 行「立案情况」：2026 年没有案号为 0999 的提案。",
    ]
    assert Result.objects.count() == 2 and not ResultChange.objects.exists(), "nothing is written, not even row 2"


def test_units_that_recorded_a_step_cannot_be_left_out_and_only_accepted_proposals_get_units(members, units, proposals):
    done = entry(members["teacher"], number="0001", acceptance=Acceptance.ACCEPTED)
    ProposalUnit.objects.create(result=done, unit=units["education"], role="lead")
    HandlingStep.objects.create(result=done, unit=units["education"], step="before", date=DAY, form="phone")
    rows = [
        line(编号="0001", 立案情况="立案", 主办单位="区卫健委"),
        line(编号="0002", 立案情况="不予立案", 主办单位="区教委"),
        line(编号="0003", 立案情况="立案", 主办单位="区原粮食局"),
    ]

    report = import_results(workbook(*rows), proposals, dry_run=True)

    assert report.errors == [
        "第 2 行「主办单位」：区教委已有办理记录，不能从交办中去掉。",
        "第 3 行「主办单位」：只有立案的提案才能交办承办单位。",
        "第 4 行「主办单位」：区原粮食局已停用，不能再交办。",
    ]


def download(client, **query):
    response = client.get(reverse("results_export"), query)
    assert response.status_code == 200, response.content[:300]
    return response.content


def test_export_then_import_changes_nothing(members, reference, units, login, offices):
    m = members
    first = entry(m["teacher"], number="0001", acceptance=Acceptance.ACCEPTED, summary="  前后有空格\u3000")
    ProposalUnit.objects.create(result=first, unit=units["health"], role="lead")
    ProposalUnit.objects.create(result=first, unit=units["education"], role="assist")
    ProposalUnit.objects.create(result=first, unit=units["closed"], role="assist")  # 停用 since: it stays
    entry(m["doctor"], m["banker"], number="0002", acceptance=Acceptance.MERGED, merged_into="0001")
    entry(m["engineer"], sector=reference["economy"], occasion=Occasion.PLENARY, title="界别提案")
    entry(party=reference["jiusan"], title="党派提案")
    entry(m["teacher"], kind=Kind.OPINION, title="社情民意", occasion="")
    entry(m["banker"], title="待确认的提案", status=Status.PENDING)
    client = login(offices["proposals"])
    chooser = client.get(reverse("results_export")).content.decode()
    assert "下载 Excel" in chooser and f'<option value="{YEAR}"' in chooser

    data = download(client, year=YEAR, kind=Kind.PROPOSAL)

    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert sheet.max_row == 5, "the four confirmed proposals: not the pending one, not the 社情民意"
    assert sheet["K2"].value == datetime.datetime(YEAR, 3, 2) and sheet["K2"].number_format == "yyyy-mm-dd"
    assert [c.value or "" for c in sheet[2]][1:10] == [
        YEAR,
        "提案",
        "0001",
        first.title,
        "委员个人",
        "14001",
        "",
        "",
        "",
    ]
    assert [c.value for c in sheet[2]][11:15] == ["是", "立案", "区卫健委", "区教委、区原粮食局"]
    assert sheet["M3"].value == "并案:0001"
    report = import_results(data, offices["proposals"], dry_run=True)
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)

    research = login(offices["research"])
    data = download(research, year=YEAR, kind=Kind.OPINION)
    report = import_results(data, offices["research"], dry_run=True)
    assert (report.errors, report.created, report.updated, report.unchanged) == ([], 0, 0, 1)


def test_a_title_that_looks_like_a_formula_is_exported_as_text_and_imports_back(members, units, login, offices):
    title = '=HYPERLINK("http://evil.example/","点我")'
    entry(members["teacher"], number="0001", title=title, summary="+1 加一")

    data = download(login(offices["proposals"]), year=YEAR)

    cell = openpyxl.load_workbook(io.BytesIO(data)).active["E2"]
    assert cell.data_type == "s" and cell.value == "'" + title
    assert openpyxl.load_workbook(io.BytesIO(data)).active["P2"].value == "'+1 加一"
    report = import_results(data, offices["proposals"], dry_run=True)
    assert (report.errors, report.unchanged) == ([], 1)


def upload(client, data, name="提案.xlsx"):
    return client.post(reverse("results_import"), {"file": SimpleUploadedFile(name, data)})


def test_upload_previews_then_the_uploader_confirms(members, units, proposals, login):
    client = login(proposals)

    response = upload(client, workbook(*PROPOSALS))

    record = ResultImport.objects.get()
    assert response["Location"] == reverse("results_import_preview", args=[record.pk])
    assert (record.status, record.uploaded_by, record.kinds) == ("previewed", proposals, ["proposal"])
    assert record.file.read() == workbook(*PROPOSALS) or record.file.size > 0
    assert not Result.objects.exists(), "the preview writes nothing"
    page = client.get(response["Location"]).content.decode()
    assert 'data-count="created">4<' in page and "确认导入" in page
    assert "关于推进老旧小区加装电梯的建议" in page

    confirmed = client.post(response["Location"])

    assert confirmed["Location"] == response["Location"]
    record.refresh_from_db()
    assert record.status == "imported" and record.imported_at
    assert Result.objects.count() == 4
    messages = [str(m) for m in client.get(confirmed["Location"]).context["messages"]]
    assert "履职成果已导入：新增 4 项，更新 0 项，0 项无变化。" in messages
    recent = client.get(reverse("results_import")).content.decode()
    assert "最近的导入" in recent and "提案.xlsx" in recent and "已导入" in recent


def test_two_confirms_of_one_upload_import_once_and_the_second_is_told(members, units, proposals, login):
    client = login(proposals)
    upload(client, workbook(*PROPOSALS))
    record = ResultImport.objects.get()
    url = reverse("results_import_preview", args=[record.pk])
    ResultImport.objects.filter(pk=record.pk).update(status="importing")  # a first click is running

    running = client.post(url)

    assert [str(m) for m in client.get(url).context["messages"]] == [
        "这份文件正在导入，请稍候刷新本页查看结果；不必再次确认。"
    ]
    assert running["Location"] == url and not Result.objects.exists()
    ResultImport.objects.filter(pk=record.pk).update(status="previewed")
    client.post(url)

    again = client.post(url)

    assert again["Location"] == url
    assert "这份文件已经导入过了，没有重复导入。" in [str(m) for m in client.get(url).context["messages"]]
    assert Result.objects.count() == 4 and ResultChange.objects.count() == 4


def test_rows_with_errors_are_listed_and_cannot_be_confirmed(members, units, proposals, login):
    client = login(proposals)
    upload(client, workbook(line(联名委员证号="M0123")))
    record = ResultImport.objects.get()

    page = client.get(reverse("results_import_preview", args=[record.pk])).content.decode()

    assert record.status == "invalid"
    assert "第 2 行「联名委员证号」：M0123 不在名册中" in page and "整个文件都没有导入" in page
    assert "确认导入" not in page
    client.post(reverse("results_import_preview", args=[record.pk]))
    assert not Result.objects.exists()


def test_the_wrong_role_is_refused(members, units, proposals, login, make_user, offices):
    upload(login(proposals), workbook(*PROPOSALS))
    record = ResultImport.objects.get()
    liaison = login(offices["liaison"])  # reads every entry, imports and exports nothing

    refused = liaison.get(reverse("results_import"))
    assert refused.status_code == 403 and "您的账号没有导入履职成果的权限" in refused.content.decode()
    assert upload(liaison, workbook(*PROPOSALS)).status_code == 403
    assert liaison.get(reverse("results_export"), {"year": YEAR}).status_code == 403
    assert liaison.get(reverse("results_import_preview", args=[record.pk])).status_code == 403
    assert liaison.get(reverse("results_import_file", args=[record.pk])).status_code == 403
    member = login(make_user(roles.MEMBER)).get(reverse("results_export"), {"year": YEAR})
    assert member.status_code == 302 and not member["Location"].startswith("/admin/results/"), "not into the admin"

    research = login(offices["research"])  # imports too, but not 提案: another office's upload
    assert research.get(reverse("results_import_preview", args=[record.pk])).status_code == 404
    ResultImport.objects.filter(pk=record.pk).update(kinds=[])  # refused before its kinds were read
    assert research.get(reverse("results_import_file", args=[record.pk])).status_code == 404
    ResultImport.objects.filter(pk=record.pk).update(kinds=["proposal"])
    assert research.get(reverse("results_import_file", args=[record.pk])).status_code == 404
    assert research.post(reverse("results_import_preview", args=[record.pk])).status_code == 404
    colleague = login(make_user(roles.PROPOSAL_COMMITTEE))  # sees it, but only the uploader confirms
    assert colleague.get(reverse("results_import_preview", args=[record.pk])).status_code == 200
    assert colleague.post(reverse("results_import_preview", args=[record.pk])).status_code == 403
    assert not Result.objects.exists()


@pytest.fixture
def no_reader(monkeypatch):
    """The spreadsheet reader fails the test if it is ever asked to parse."""
    import lianxin_site.imports

    def never(*args, **kwargs):
        raise AssertionError("the reader must not parse a refused file")

    monkeypatch.setattr(lianxin_site.imports.CalamineWorkbook, "from_filelike", never)


def test_a_too_big_upload_is_refused_before_anything_parses_it(proposals, login, settings, no_reader):
    client = login(proposals)
    settings.RESULTS_UPLOAD_MAX_BYTES = 1024

    response = upload(client, workbook(*PROPOSALS * 10))

    assert response.status_code == 200
    assert "文件太大" in response.content.decode() and "「履职成果表」：文件太大" in response.content.decode()
    settings.RESULTS_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    settings.UPLOAD_MAX_UNPACKED_BYTES = 4096  # the archive's members, unpacked

    response = upload(client, workbook(*PROPOSALS * 10))

    assert "解压后有" in response.content.decode()
    assert not ResultImport.objects.exists()


def test_a_file_that_is_not_a_registry_is_refused_on_the_upload_form(members, proposals, login):
    client = login(proposals)
    assert "只接受 Excel（.xlsx）文件" in upload(client, b"a,b", "提案.csv").content.decode()
    wrong = as_xlsx([["姓名", "电话"], ["王丽", "13800138000"]])
    assert "无法识别的表格" in upload(client, wrong).content.decode()
    missing = as_xlsx([[c for c in COLUMNS if c != "内容摘要"], line()[:-1]])
    assert "缺少列：内容摘要" in upload(client, missing).content.decode()
    assert not ResultImport.objects.exists()


def test_the_sample_workbook_imports_cleanly(members, reference, units, proposals, offices):
    data = sample_workbook(
        60,
        year=YEAR,
        member_codes=[m.code for m in members.values()],
        unit_names=["区教委", "区卫健委", "区交通委"],
        sector_names=["教育界"],
        party_names=["民盟"],
        today=datetime.date(YEAR, 11, 1),
    )
    from django.contrib.auth.models import Group

    proposals.groups.add(Group.objects.get(name=roles.RESEARCH_OFFICE))  # both offices' kinds
    proposals = type(proposals).objects.get(pk=proposals.pk)

    report = import_results(data, proposals, dry_run=False)

    assert report.errors == [] and report.created == 60
    assert set(Result.objects.values_list("kind", flat=True)) == set(Kind.values)
    assert import_results(data, proposals, dry_run=True).unchanged == 60
