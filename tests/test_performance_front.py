"""我的履职档案 (/my/record/): a member reads only their own record, each score line explained
(points, the rule, the 记分办法 version, the note); voided entries with the office's reason;
a frozen year with its 冻结后变更，未计入 and its refusals; 异议 kept and escaped; the same
number of queries for 10 and for 200 entries."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from people import roles
from performance import rules
from performance.models import (
    LedgerEntry,
    Objection,
    PerformanceYear,
    Role,
    ScoringRule,
    ScoringScheme,
    Status,
)
from performance.scoring import compute_scores
from results.models import Status as ResultStatus

from .results_helpers import entry as result_entry

pytestmark = pytest.mark.django_db
YEAR = 2026
D = Decimal
URL = reverse("my_record")


def page_text(response):
    """The page's visible text, tags removed, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def published_scheme(year=YEAR, version=2):
    """A published 记分办法 (second version: the first was superseded)."""
    ScoringScheme.objects.create(year=year, version=version - 1, published_at=timezone.now())
    scheme = ScoringScheme.objects.create(
        year=year,
        version=version,
        important_weight=D("2"),
        absence_penalty=D("2"),
        published_at=timezone.now(),
    )
    for order, (category, role, status, points, cap) in enumerate(
        [
            ("consultation", Role.SPEAK, Status.PRESENT, "3", None),
            ("plenary", "", Status.PRESENT, "2", None),
            ("five_ones", "", Status.PRESENT, "2", "3"),
            ("proposal", Role.AUTHOR, "", "4", None),
        ]
    ):
        ScoringRule.objects.create(
            scheme=scheme,
            category=category,
            role=role,
            status=status,
            points=D(points),
            yearly_cap=D(cap) if cap else None,
            sort_order=order,
        )
    return scheme


def add(member, title, category, source="activities", role=Role.ATTEND, status=Status.PRESENT, year=YEAR, **extra):
    n = LedgerEntry.objects.count()
    return LedgerEntry.objects.create(
        member=member,
        year=year,
        date=extra.pop("date", datetime.date(year, 3, 1) + datetime.timedelta(days=n)),
        source=source,
        source_ref=f"test:{n}",
        category=category,
        role=role,
        status=status,
        title=title,
        **extra,
    )


@pytest.fixture
def member_user(roles_synced, make_user, members):
    return make_user(roles.MEMBER, member=members["teacher"])


@pytest.fixture
def busy_year(members):
    """王丽's 2026, each line's points worked out by hand; and one line of 李强's."""
    teacher = members["teacher"]
    published_scheme()
    made = {
        "consultation": add(teacher, "教育专题协商会", "consultation", role=Role.SPEAK, important=True),  # 3 × 2 = 6
        "absent": add(teacher, "区政协全体会议", "plenary", status=Status.ABSENT),  # −2
        "proposal": add(
            teacher,
            "关于增设护学岗的提案",
            "proposal",
            source="results",
            role=Role.AUTHOR,
            status="",
            link="/results/9/",
        ),  # 4
        "five_ones_1": add(teacher, "教育界五个一活动：课后服务", "five_ones", source="five_ones"),  # 2
        "five_ones_2": add(teacher, "教育界五个一活动：校园安全", "five_ones", source="five_ones"),  # 1, capped at 3
        "training": add(teacher, "新任委员学习培训", "training"),  # no rule: 0
    }
    add(members["doctor"], "李强的卫生界座谈会", "consultation")
    compute_scores(YEAR)
    return made


def test_a_member_reads_their_own_record_with_each_score_line_explained(client, member_user, busy_year):
    client.force_login(member_user)
    response = client.get(URL, {"year": YEAR})
    assert response.status_code == 200
    text = page_text(response)
    # key figures: 6 − 2 + 4 + 2 + 1 + 0 = 11; 应出席 5 (4 出席, 1 缺席); 出席率 4 ÷ 5
    figures = response.context["score"]
    assert (figures.total, figures.expected, figures.present, figures.absent) == (D("11"), 5, 4, 1)
    assert 'data-figure="total">11<' in response.content.decode()
    assert 'data-figure="rate">80.0%<' in response.content.decode()
    # grouped by source, in the sources' own words
    assert [label for label, _views, _sub in response.context["groups"]] == ["五个一活动", "履职活动", "履职成果"]
    # each line: points, rule, version, note
    assert "+6 分 专题协商 · 发言 · 出席 → 3 分 3 × 重要履职活动权重 2 = 6 分 2026年度记分办法（第2版）" in text
    assert "-2 分 无故缺席（未请假或请假未获批准） 每次扣 2 分 无故缺席扣分 2026年度记分办法（第2版）" in text
    assert "+1 分 五个一基层活动 · 出席 → 2 分 本规则年度上限 3 分 已达年度上限" in text
    assert "0 分 记分办法未对此类记分 2026年度记分办法（第2版）" in text
    assert "+4 分 提案 · 第一作者 → 4 分" in text
    assert '<a href="/results/9/">关于增设护学岗的提案</a>' in response.content.decode()
    # the scheme in force, with its weight, penalty and thresholds
    assert "重要履职活动的得分乘以 2" in text and "每次扣 2 分" in text and "出席率低于 50.0%" in text
    # nobody else's record
    assert "李强的卫生界座谈会" not in text


def test_only_a_member_has_a_record_page(client, roles_synced, make_user):
    assert client.get(URL).url.startswith("/login/")
    client.force_login(make_user(roles.LIAISON_OFFICE))
    response = client.get(URL)
    assert response.status_code == 403
    assert "只有委员本人可以查看履职档案" in page_text(response)


def test_the_page_says_plainly_when_there_is_no_scheme_or_no_score_yet(client, member_user, members):
    add(members["teacher"], "教育专题协商会", "consultation")
    client.force_login(member_user)
    text = page_text(client.get(URL, {"year": YEAR}))
    assert "2026 年度记分办法尚未发布，暂不计分" in text and "教育专题协商会" in text
    published_scheme()
    text = page_text(client.get(URL, {"year": YEAR}))
    assert "2026 年度得分尚未计算" in text


def test_a_voided_entry_shows_apart_with_the_offices_reason_and_a_corrected_one_is_marked(
    client, member_user, busy_year, make_user
):
    office = make_user(roles.LIAISON_OFFICE)
    rules.void_entry(busy_year["absent"].pk, office, "当天全会改期，此条缺席作废")
    rules.correct_entry(busy_year["training"].pk, office, {"role": Role.SPEAK}, "培训中作了交流发言")
    compute_scores(YEAR)
    client.force_login(member_user)
    response = client.get(URL, {"year": YEAR})
    text = page_text(response)
    voided = response.context["voided"]
    assert [v.entry.title for v in voided] == ["区政协全体会议"]
    assert "已作废 2026-03-02 区政协全体会议（全体会议 · 缺席） 作废理由：当天全会改期，此条缺席作废" in text
    assert "已更正 更正理由：培训中作了交流发言" in text
    counted = [v.entry.title for _label, views, _sub in response.context["groups"] for v in views]
    assert "区政协全体会议" not in counted
    assert response.context["score"].total == D("13"), "the −2 is gone with the void"


@pytest.fixture
def frozen_2025(members, make_user):
    """2025 frozen on 2026-01-31; a confirmed 提案 of 王丽's and one of 李强's registered after."""
    teacher = members["teacher"]
    add(teacher, "2025 年全体会议", "plenary", year=2025)
    published_scheme(2025, version=1)
    compute_scores(2025)
    PerformanceYear.objects.update_or_create(year=2025, defaults={"freeze_on": datetime.date(2026, 1, 31)})
    result_entry(teacher, title="补登的 2025 年提案", year=2025, status=ResultStatus.CONFIRMED)
    result_entry(members["doctor"], title="李强补登的提案", year=2025, status=ResultStatus.CONFIRMED)
    return "2025 年度履职档案已于 2026-01-31 冻结，不能修改"


def test_a_frozen_year_lists_the_members_later_changes_and_refuses_an_objection(client, member_user, frozen_2025):
    client.force_login(member_user)
    response = client.get(URL, {"year": 2025})
    text = page_text(response)
    assert frozen_2025 in text
    assert "冻结后变更，未计入" in text and "履职成果 · 新增：补登的 2025 年提案" in text
    assert "李强补登的提案" not in text, "only the changes that concern this member"
    response = client.post(reverse("my_record_objection"), {"year": 2025, "entry": "", "text": "漏记了一次视察"})
    assert response.status_code == 200
    form = response.context["objection_form"]
    assert form.errors["text"] == [frozen_2025]
    assert "漏记了一次视察</textarea>" in response.content.decode(), "what was typed stays"
    assert not Objection.objects.exists()


def test_an_objection_on_one_entry_is_kept_escaped_and_shows_its_answer(
    client, member_user, busy_year, make_user, members
):
    client.force_login(member_user)
    entry = busy_year["absent"]
    response = client.get(URL, {"year": YEAR, "entry": entry.pk})
    assert response.context["objection_form"].initial["entry"] == str(entry.pk), "the entry's link preselects it"
    typed = "<script>alert('x')</script> 我当天请过假"
    response = client.post(reverse("my_record_objection"), {"year": YEAR, "entry": entry.pk, "text": typed})
    objection = Objection.objects.get()
    assert (objection.member, objection.entry, objection.year) == (members["teacher"], entry, YEAR)
    rules.answer_objection(objection.pk, make_user(roles.LIAISON_OFFICE), "已核实，改为请假。")
    html = client.get(response.url).content.decode()
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; 我当天请过假" in html
    assert "已答复" in html and "答复：已核实，改为请假。" in html
    empty = client.post(reverse("my_record_objection"), {"year": YEAR, "entry": "", "text": "  "})
    assert empty.context["objection_form"].errors["text"] == ["请填写异议内容。"]


def test_an_objection_cannot_name_another_members_entry(client, member_user, members):
    other = add(members["doctor"], "李强的卫生界座谈会", "consultation")
    client.force_login(member_user)
    response = client.post(reverse("my_record_objection"), {"year": YEAR, "entry": other.pk, "text": "不对"})
    assert response.context["objection_form"].errors["entry"]
    assert not Objection.objects.exists()


def test_the_forms_home_links_the_members_record(client, member_user, roles_synced, make_user):
    client.force_login(member_user)
    assert f'href="{URL}">我的履职档案</a>' in client.get(reverse("my_home")).content.decode()
    client.force_login(make_user(roles.UNIT_REPORTER))
    assert "我的履职档案" not in client.get(reverse("my_home")).content.decode()


def _fill(member, count):
    """`count` entries of the member's, some voided, corrected, important, absent; scored."""
    categories = ["consultation", "plenary", "five_ones", "training"]
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                member=member,
                year=YEAR,
                date=datetime.date(YEAR, 1, 1) + datetime.timedelta(days=n % 300),
                source=["activities", "five_ones", "results"][n % 3],
                source_ref=f"bulk:{n}",
                category=categories[n % 4],
                role=Role.SPEAK if n % 5 == 0 else Role.ATTEND,
                status=Status.ABSENT if n % 7 == 0 else Status.PRESENT,
                important=n % 6 == 0,
                voided=n % 11 == 0,
                overridden=["role"] if n % 13 == 0 else [],
                title=f"活动 {n}",
                link=f"/results/{n}/" if n % 3 == 2 else "",
            )
            for n in range(count)
        ]
    )
    compute_scores(YEAR)


def test_the_member_page_reads_the_same_number_of_queries_for_10_and_200_entries(client, member_user, members):
    published_scheme()
    client.force_login(member_user)
    client.get(URL, {"year": YEAR})  # the first request of a session reads what later ones keep
    counts = []
    for count in (10, 200):
        LedgerEntry.objects.all().delete()
        _fill(members["teacher"], count)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"year": YEAR})
        assert response.status_code == 200
        assert len(response.context["voided"]) == len(range(0, count, 11))
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
