"""The 履职档案's downloads: 委员年度履职统计 (figures equal MemberScore and the ranks, user text never
runs as a formula, every entry on the second sheet), the one-page 履职档案 PDF even for the busiest
member (pdfinfo) with the name and the score (pdftotext), the 通报所在单位 letter (the employer,
COMMITTEE_NAME, escaped text), the 优秀委员 shortlist's conditions, and who may download what."""

import datetime
import io
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from people import roles
from people.models import Sector
from performance import exports
from performance.models import LedgerEntry, MemberScore, Role, ScoringRule, ScoringScheme, Status
from performance.scoring import compute_scores

from .content_helpers import make_image
from .factories import MemberFactory
from .results_helpers import entry

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).parent / "artifacts"
YEAR = 2026
D = Decimal
KINDS = ["plenary", "standing", "consultation", "inspection", "activity_day", "sector", "training", "other"]


def add(member, category, n=1, status=Status.PRESENT, role=Role.ATTEND, important=False, title=None, day=1):
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                member=member,
                year=YEAR,
                date=datetime.date(YEAR, 1 + (day + i) % 11, 1 + i % 28),
                source="activities",
                source_ref=f"test:{category}:{status}:{role}:{day}:{i}",
                category=category,
                role=role,
                status=status,
                important=important,
                title=title or f"{category} 第{i + 1}次",
            )
            for i in range(n)
        ]
    )


@pytest.fixture
def scheme():
    scheme = ScoringScheme.objects.create(
        year=YEAR,
        version=1,
        published_at=timezone.now(),
        absence_penalty=D("2"),
        shortlist_per_sector=1,
        shortlist_min_score=D("10"),
        shortlist_min_rate=D("0.8"),
        shortlist_max_absences=0,
    )
    for order, kind in enumerate(KINDS):
        ScoringRule.objects.create(scheme=scheme, category=kind, status=Status.PRESENT, points=D("2"), sort_order=order)
    ScoringRule.objects.create(
        scheme=scheme, category="five_ones", status=Status.PRESENT, points=D("3"), yearly_cap=D("30")
    )
    ScoringRule.objects.create(scheme=scheme, category="proposal", role=Role.AUTHOR, points=D("5"))
    return scheme


@pytest.fixture
def year(members, scheme, reference):
    """王丽 the busiest (every category, hundreds of entries), 李强 some with one absence, 赵敏 a
    few with leave, 陈杰 nothing."""
    m = members
    for kind in KINDS:
        add(m["teacher"], kind, 40, important=kind == "plenary", day=3)
    add(m["teacher"], "five_ones", 60, role=Role.HOST)
    add(m["teacher"], "plenary", 2, status=Status.LEAVE, day=9)
    add(m["teacher"], "proposal", 12, status="", role=Role.AUTHOR, title="关于" + "加强校园周边交通安全" * 8)
    add(m["doctor"], "plenary", 6)
    add(m["doctor"], "consultation", 1, status=Status.ABSENT)
    add(m["banker"], "inspection", 3)
    add(m["banker"], "inspection", 1, status=Status.LEAVE, day=5)
    entry(m["teacher"], m["doctor"], title="联名提案一")
    compute_scores(YEAR)
    return m


def pdf_text(content, tmp_path, name="file.pdf"):
    file = tmp_path / name
    file.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(file), "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(content, tmp_path):
    file = tmp_path / "pages.pdf"
    file.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(file)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def save_png(content, tmp_path, name):
    ARTIFACTS.mkdir(exist_ok=True)
    file = tmp_path / f"{name}.pdf"
    file.write_bytes(content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(file), str(ARTIFACTS / name)],
        check=True,
    )


@pytest.fixture
def liaison(roles_synced, make_user):
    return make_user(roles.LIAISON_OFFICE)


def workbook(response):
    assert response.status_code == 200, response.content[:300]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_the_annual_sheet_has_one_row_per_member_with_the_figures_of_member_score(login, liaison, year):
    book = workbook(login(liaison).get(reverse("performance_export_annual"), {"year": YEAR}))
    summary, entries = book.worksheets
    rows = [list(r) for r in summary.iter_rows(values_only=True)]
    header = rows[0]
    assert header[:5] == ["排名", "委员证号", "姓名", "界别", "党派"]
    assert "全体会议（次）" in header and "五个一基层活动（次）" in header and "提案（件）" in header
    col = {name: header.index(name) for name in header}
    by_code = {row[1]: row for row in rows[1:]}
    assert len(by_code) == 4
    scores = {s.member.code: s for s in MemberScore.objects.filter(year=YEAR).select_related("member")}
    for code, score in scores.items():
        row = by_code[code]
        assert row[col["得分"]] == float(score.total)
        assert [row[col[n]] for n in ("应出席", "出席", "请假", "缺席", "自行开展")] == [
            score.expected,
            score.present,
            score.leave,
            score.absent,
            score.self_organised,
        ]
    teacher, doctor = by_code["14001"], by_code["14002"]
    assert teacher[col["排名"]] == 1 and teacher[col["全体会议（次）"]] == 40 and teacher[col["请假"]] == 2
    assert teacher[col["五个一基层活动（次）"]] == 60
    assert teacher[col["提案（件）"]] == 1 and doctor[col["提案（件）"]] == 1  # the registry: author and co-author
    assert doctor[col["缺席"]] == 1 and doctor[col["出席率"]] == pytest.approx(6 / 7)
    assert [row[0] for row in rows[1:]] == sorted(row[0] for row in rows[1:])  # best first
    assert entries.max_row - 1 == LedgerEntry.objects.filter(year=YEAR).count()
    assert isinstance(entries["C2"].value, datetime.datetime) and entries["C2"].number_format == "yyyy-mm-dd"
    assert summary.cell(row=2, column=col["出席率"] + 1).number_format == "0.0%"


def test_user_text_never_runs_as_a_formula(login, liaison, year, members):
    members["banker"].name = '=HYPERLINK("http://x","点我")'
    members["banker"].save()
    add(members["banker"], "other", 1, title="@SUM(A1:A9)")
    book = workbook(login(liaison).get(reverse("performance_export_annual"), {"year": YEAR}))
    names = [c.value for c in book.worksheets[0]["C"]]
    assert '\'=HYPERLINK("http://x","点我")' in names
    titles = [c.value for c in book.worksheets[1]["F"]]
    assert "'@SUM(A1:A9)" in titles
    assert all(c.data_type != "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)


def test_the_record_is_one_page_for_the_busiest_member_and_names_the_member_and_score(login, liaison, year, tmp_path):
    teacher = year["teacher"]
    teacher.employer_title = "区实验小学 副校长兼" + "教育集团理事会秘书长" * 6
    teacher.save()
    response = login(liaison).get(reverse("performance_record_pdf", args=[teacher.pk]), {"year": YEAR})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert LedgerEntry.objects.filter(member=teacher).count() > 300
    assert pdf_pages(response.content, tmp_path) == 1
    text = pdf_text(response.content, tmp_path)
    score = MemberScore.objects.get(year=YEAR, member=teacher)
    assert "王丽" in text and str(score.total) in text and "教育界" in text and "（未上传照片）" in text
    save_png(response.content, tmp_path, "performance-record-pdf")


def test_the_letter_is_addressed_to_the_employer_and_signed_by_the_committee(login, liaison, year, settings, tmp_path):
    settings.COMMITTEE_NAME = "北京市东城区政协"
    doctor, teacher = year["doctor"], year["teacher"]
    doctor.employer_title = "区人民医院<script>alert(1)</script> 副院长"
    doctor.save()
    client = login(liaison)
    response = client.get(reverse("performance_letters_pdf"), {"year": YEAR, "member": doctor.pk})
    text = pdf_text(response.content, tmp_path)
    assert "区人民医院<script>alert(1)</script>：" in text  # the employer, as text
    assert "北京市东城区政协" in text and f"{timezone.localdate():%Y年%-m月%-d日}" in text
    assert "李强同志" in text and str(MemberScore.objects.get(year=YEAR, member=doctor).total) in text
    save_png(response.content, tmp_path, "performance-letter-pdf")

    both = client.get(reverse("performance_letters_pdf"), {"year": YEAR, "codes": "14001、14002"})
    assert pdf_pages(both.content, tmp_path) == 2
    assert "区第一中学：" in pdf_text(both.content, tmp_path, "both.pdf") and teacher.employer_title.startswith(
        "区第一中学"
    )


def test_the_shortlist_takes_per_sector_the_best_who_meet_every_condition(
    login, roles_synced, make_user, scheme, reference, tmp_path
):
    r = reference
    people = {  # sector, 得分, 出席, 请假, 缺席 of 10 expected
        "first": (r["education"], "30", 10, 0, 0),  # in
        "second": (r["education"], "20", 10, 0, 0),  # the education sector's one place is taken
        "absent": (r["health"], "40", 9, 0, 1),  # one unexcused absence
        "low": (r["economy"], "5", 10, 0, 0),  # under the minimum score
        "rarely": (r["economy"], "15", 5, 0, 5),  # 出席率 5/10, under 80% (and absences)
        "seldom": (r["economy"], "14", 7, 1, 0),  # 出席率 7/9, under 80%
        "economist": (r["economy"], "12", 8, 2, 0),  # in: 12 ≥ 10 and 8/8
    }
    for name, (sector, total, present, leave, absent) in people.items():
        MemberScore.objects.create(
            year=YEAR,
            member=MemberFactory(name=name, sector=sector),
            scheme=scheme,
            total=D(total),
            expected=10,
            present=present,
            leave=leave,
            absent=absent,
            computed_at=timezone.now(),
        )
    chairs = login(make_user(roles.CHAIRS_MEETING))
    sheet = workbook(chairs.get(reverse("performance_shortlist_xlsx"), {"year": YEAR})).active
    rows = [list(row) for row in sheet.iter_rows(min_row=4, values_only=True)]
    order = list(Sector.objects.filter(name__in=["教育界", "经济界"]).values_list("name", flat=True))
    names = {"教育界": "first", "经济界": "economist"}
    assert [(row[0], row[1], row[3]) for row in rows] == [(sector, 1, names[sector]) for sector in order]
    assert "出席率不低于 80%" in sheet["A2"].value
    text = pdf_text(chairs.get(reverse("performance_shortlist_pdf"), {"year": YEAR}).content, tmp_path)
    assert "first" in text and "economist" in text
    assert not any(name in text for name in ("second", "absent", "rarely", "seldom")) and " low " not in text


def test_the_shortlist_needs_a_published_scheme(login, liaison):
    response = login(liaison).get(reverse("performance_shortlist_pdf"), {"year": YEAR})
    assert response.status_code == 403 and "还没有发布记分办法" in response.content.decode()


def test_each_role_downloads_only_what_it_may(login, make_user, roles_synced, year, reference):
    teacher = year["teacher"]
    downloads = [
        reverse("performance_export_annual"),
        reverse("performance_record_pdf", args=[teacher.pk]),
        reverse("performance_record_pdf_by_code") + "?code=14001",
        reverse("performance_letters_pdf") + f"?member={teacher.pk}",
        reverse("performance_shortlist_xlsx"),
        reverse("performance_shortlist_pdf"),
        reverse("performance_exports"),
    ]
    for role in (roles.LIAISON_OFFICE, roles.SECRETARY_GENERAL, roles.VICE_CHAIR, roles.CHAIRS_MEETING):
        client = login(make_user(role))
        assert [client.get(url).status_code for url in downloads] == [200] * 7, role
    refused = [
        make_user(roles.COMMITTEE_OFFICE, committee=reference["edu_committee"]),  # records, but no downloads
        make_user(roles.SYSTEM_ADMIN),
        make_user(roles.EDITOR),
    ]
    for user in refused:
        client = login(user)
        for url in downloads:
            response = client.get(url)
            assert response.status_code == 403 and "没有下载履职档案的权限" in response.content.decode(), url
    for role, scope in ((roles.MEMBER, {"member": teacher}), (roles.SECTOR_LEADER, {"sector": reference["education"]})):
        client = login(make_user(role, **scope))
        assert all(client.get(url).status_code == 302 for url in downloads)  # no admin at all
    client.logout()
    assert client.get(downloads[0]).status_code == 302


def test_a_member_downloads_their_own_record_from_the_front_end(login, make_user, roles_synced, year, tmp_path):
    year["doctor"].photo = make_image("李强")
    year["doctor"].save()
    own = login(make_user(roles.MEMBER, member=year["doctor"]))
    response = own.get("/my/record/pdf/", {"year": YEAR})
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert "李强" in text and "王丽" not in text
    assert b"/Subtype /Image" in response.content and "未上传照片" not in text  # the photo is in
    leader = login(make_user(roles.SECTOR_LEADER))
    response = leader.get("/my/record/pdf/")
    assert response.status_code == 403 and "只有委员本人可以下载自己的履职档案" in response.content.decode()
    leader.logout()
    assert leader.get("/my/record/pdf/").status_code == 302


def test_a_member_outside_the_scope_is_not_found(login, liaison, year):
    assert login(liaison).get(reverse("performance_record_pdf", args=[999999])).status_code == 404
    assert login(liaison).get(reverse("performance_record_pdf_by_code"), {"code": "M0999"}).status_code == 404


def test_the_demo_year_is_idempotent_and_scores_every_category(roles_synced):
    from people.demo import seed_members, seed_reference_data
    from performance.demo import seed_performance
    from performance.ledger import category_labels
    from performance.models import DutyActivity, LeaveRequest, Participation, ScoringScheme
    from results.demo import seed_results

    seed_reference_data()
    seed_members(80)
    seed_results()

    def snapshot():
        return (
            DutyActivity.objects.count(),
            Participation.objects.count(),
            sorted(LeaveRequest.objects.values_list("decision", flat=True)),
            list(ScoringScheme.objects.values_list("year", "version", "published_at")),
            LedgerEntry.objects.count(),
            sorted(MemberScore.objects.values_list("member_id", "total")),
        )

    seed_performance()
    first = snapshot()
    seed_performance()
    assert snapshot() == first
    scheme = ScoringScheme.objects.get()
    assert set(scheme.rules.values_list("category", flat=True)) == set(category_labels())
    assert set(DutyActivity.objects.values_list("kind", flat=True)) == set(DutyActivity.Kind.values)
    assert first[2] == ["approved", "pending", "refused"]
    assert LedgerEntry.objects.filter(source="activities").exists() and MemberScore.objects.exclude(total=0).exists()


def test_letters_are_made_in_batches(login, liaison, year, monkeypatch):
    monkeypatch.setattr(exports, "LETTER_LIMIT", 1)
    response = login(liaison).get(reverse("performance_letters_pdf"), {"year": YEAR, "codes": "14001,14002"})
    assert response.status_code == 403 and "一次最多生成 1 封通报函（现选中 2 名委员）" in response.content.decode()
    response = login(liaison).get(reverse("performance_letters_pdf"), {"year": YEAR, "codes": "X999"})
    assert response.status_code == 403 and "没有找到要通报的委员" in response.content.decode()
