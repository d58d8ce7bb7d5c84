"""Demo 履职成果 for seed_demo: the district's 承办单位, and for this year and last year a realistic
spread of entries of all five kinds and every status, proposals with 立案 / 不予立案 / 并案, units,
the three handling steps, answers, 满意度 and one 逾期, and 社情民意信息 with 采用情况 and a batch
报送区委区政府.

Written directly (in bulk: a few hundred rows) but by the registry's rules: each author list is
checked with rules.author_errors, each date with rules.submitted_on_error and
rules.step_date_error, and 逾期 is what rules.is_overdue says. Idempotent: a year whose demo
entries exist is left alone, so running it again changes nothing. Needs the members
(people.demo.seed_members); uses the demo accounts (`member`, `leader_edu`, `leader_minmeng`,
`proposals`, `research`) when seed_demo has made them, and works without them."""

import datetime
import itertools
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from people.demo import STREETS
from people.models import Member, Party, Sector

from . import rules
from .models import (
    Acceptance,
    AuthorKind,
    HandlingStep,
    HandlingUnit,
    Kind,
    Occasion,
    ProposalUnit,
    Result,
    ResultAuthor,
    ResultChange,
    Satisfaction,
    Source,
    Status,
)

Step, Form = HandlingStep.Step, HandlingStep.Form

UNITS = [
    "区教委",
    "区卫健委",
    "区交通委",
    "区城管委",
    "区民政局",
    "区住房城乡建设委",
    "区生态环境局",
    "区文化和旅游局",
    "区市场监管局",
    "区人力社保局",
    "区商务局",
    "区规划自然资源分局",
    "区体育局",
    "区科信局",
    "区园林绿化局",
    "区应急管理局",
]

# (title, lead unit)
PROPOSALS = [
    ("关于推进老旧小区加装电梯的建议", "区住房城乡建设委"),
    ("关于规范校外培训机构管理的建议", "区教委"),
    ("关于完善社区居家养老服务网络的建议", "区民政局"),
    ("关于缓解学校周边上下学交通拥堵的建议", "区交通委"),
    ("关于加强背街小巷环境精细化治理的建议", "区城管委"),
    ("关于提升社区卫生服务中心服务能力的建议", "区卫健委"),
    ("关于推动胡同停车有序管理的建议", "区交通委"),
    ("关于加快推进垃圾分类全流程管理的建议", "区城管委"),
    ("关于优化营商环境服务中小微企业的建议", "区商务局"),
    ("关于加强中小学生心理健康教育的建议", "区教委"),
    ("关于推进历史文化街区保护更新的建议", "区规划自然资源分局"),
    ("关于扩大普惠托育服务供给的建议", "区卫健委"),
    ("关于发展社区嵌入式养老服务的建议", "区民政局"),
    ("关于加强食品安全社会共治的建议", "区市场监管局"),
    ("关于促进高校毕业生就业创业的建议", "区人力社保局"),
    ("关于推进全民健身设施进社区的建议", "区体育局"),
    ("关于加强公共文化设施夜间开放的建议", "区文化和旅游局"),
    ("关于推进智慧社区建设的建议", "区科信局"),
    ("关于加强口袋公园和小微绿地建设的建议", "区园林绿化局"),
    ("关于完善老旧小区消防安全设施的建议", "区应急管理局"),
    ("关于提升慢行系统品质的建议", "区交通委"),
    ("关于深化医联体建设方便群众就医的建议", "区卫健委"),
    ("关于推动课后服务提质增效的建议", "区教委"),
    ("关于加强独居老人关爱服务的建议", "区民政局"),
    ("关于改善社区菜市场便民服务的建议", "区商务局"),
    ("关于规范共享单车停放秩序的建议", "区城管委"),
    ("关于推动非遗技艺进社区进校园的建议", "区文化和旅游局"),
    ("关于加强大气污染精细化防治的建议", "区生态环境局"),
    ("关于推进无障碍环境建设的建议", "区住房城乡建设委"),
    ("关于加强新就业形态劳动者权益保障的建议", "区人力社保局"),
    ("关于推进老字号守正创新发展的建议", "区商务局"),
    ("关于加强社区应急避难场所建设的建议", "区应急管理局"),
    ("关于完善中小学课间活动空间的建议", "区教委"),
    ("关于推进社区医院建设的建议", "区卫健委"),
    ("关于提升公共厕所管理服务水平的建议", "区城管委"),
    ("关于推动文旅商体融合发展的建议", "区文化和旅游局"),
    ("关于加强电动自行车充电安全管理的建议", "区应急管理局"),
    ("关于优化公交线网服务老城居民出行的建议", "区交通委"),
    ("关于加强社区心理服务体系建设的建议", "区卫健委"),
    ("关于推进数字政务服务适老化改造的建议", "区科信局"),
]
SPEECHES = [
    "守护老城烟火气，推动历史文化街区有机更新",
    "办好家门口的养老服务",
    "让每一所学校都成为家门口的好学校",
    "以数字化赋能基层治理",
    "打造一刻钟便民生活圈",
    "发挥委员作用，画好民生同心圆",
    "推动公共卫生服务下沉社区",
    "激发老字号品牌新活力",
]
REPORTS = [
    "关于我区老旧小区综合整治情况的调研报告",
    "关于社区居家养老服务需求的调研报告",
    "关于“双减”后课后服务开展情况的调研报告",
    "关于基层医疗机构人才队伍建设的调研报告",
    "关于胡同停车治理情况的调研报告",
    "关于非物质文化遗产保护传承的调研报告",
]
OPINION_ISSUES = [
    "老旧小区雨季屋顶漏水",
    "胡同夜间照明不足",
    "社区老年餐桌供餐不稳定",
    "学校周边早高峰拥堵",
    "快递外卖车辆乱停乱放",
    "电动自行车楼道充电",
    "菜市场拆除后买菜不便",
    "公共厕所夜间关闭",
    "社区卫生服务站药品不全",
    "共享单车占用盲道",
    "背街小巷垃圾清运不及时",
    "独居老人紧急呼叫设备缺乏",
    "儿童游乐设施老化",
    "噪声扰民",
]
MICRO_FIXES = [
    "公交站增设爱心座椅",
    "社区增设电动自行车充电桩",
    "路口增设行人过街提示灯",
    "小区门口增设快递暂存点",
    "公园增设直饮水设施",
    "胡同口增设减速提示标志",
    "社区服务站延长周末开放时间",
    "地铁口增设非机动车停放区",
    "老年活动室增配助老扶手",
    "学校门口增设家长等候区",
]
RETURN_REASON = "内容摘要过于简略，请补充问题的具体情况、涉及范围和可操作的建议后再提交。"
# Mostly 满意, some 基本满意, one in a dozen 不满意.
SATISFACTION_CYCLE = [Satisfaction.SATISFIED] * 2 + [Satisfaction.MOSTLY] + [Satisfaction.SATISFIED] * 3
SATISFACTION_CYCLE += [Satisfaction.MOSTLY] + [Satisfaction.SATISFIED] * 3 + [Satisfaction.DISSATISFIED]
SATISFACTION_CYCLE += [Satisfaction.SATISFIED]
# A 提案 answered is given 满意度 by its proposer within about two weeks.
SATISFACTION_AFTER_DAYS = 14


@dataclass
class Planned:
    result: Result
    authors: list
    units: list = field(default_factory=list)  # [(unit, role)]
    steps: list = field(default_factory=list)  # [(unit, step, date, form, members, notes, recorded_by)]
    changes: list = field(default_factory=list)  # [(actor, action, what, why)]
    lead: str = ""  # 提案: the unit that leads its handling, by topic


class YearPlan:
    """One year's demo entries, deterministic for the year, the members and `today`."""

    def __init__(self, year, today, context, overdue):
        self.year, self.today, self.c = year, today, context
        self.rng = random.Random(year)
        self.start = datetime.date(year, 1, 1)
        # Entries are submitted within the year; last year's proposals are handled into this year.
        self.end = min(datetime.date(year, 12, 31), today)
        self.handling_end = today
        self.taken_numbers = set(
            Result.objects.filter(year=year, kind=Kind.PROPOSAL).exclude(number="").values_list("number", flat=True)
        )
        self.overdue_wanted = overdue
        self.entries = []
        members = list(context["members"])
        silent = set(self.rng.sample(members, k=max(1, len(members) // 40))) - {context["member"]}
        self.silent = silent
        active = [m for m in members if m not in silent]
        self.rng.shuffle(active)
        # 提案 come from three fifths of the members; the other kinds first from the rest, then from
        # the proposers taken last, so that some members have no 提案 and only the silent none at all.
        split = len(active) * 3 // 5
        self.proposers = itertools.cycle(active[:split] or active)
        self.cycle = itertools.cycle(active[split:] + active[:split][::-1])
        self.pool_size = len(active)

    # --- helpers

    def day(self, fraction):
        return self.start + datetime.timedelta(days=round(fraction * (self.end - self.start).days))

    def authors(self, count, proposal=False):
        cycle = self.proposers if proposal else self.cycle
        chosen = []
        for _ in range(self.pool_size):
            if len(chosen) == count:
                break
            member = next(cycle)
            if member not in chosen:
                chosen.append(member)
        return chosen

    def writer(self, group):
        """执笔人 of a 界别/党派 entry: a member of it, taken in turn; none if it has no members."""
        key = (type(group).__name__, group.pk)
        members = [m for m in self.c["group_members"].get(key, []) if m not in self.silent]
        if not members:
            return []
        index = self.c["writer_index"].setdefault(key, itertools.count())
        return [members[next(index) % len(members)]]

    def add(self, kind, title, author_kind, authors, submitted_on, *, group=None, status=Status.CONFIRMED, **fields):
        sector = group if author_kind == AuthorKind.SECTOR else None
        party = group if author_kind == AuthorKind.PARTY else None
        if (author_kind in (AuthorKind.SECTOR, AuthorKind.PARTY)) and group is None:
            author_kind = AuthorKind.INDIVIDUAL if len(authors) < 2 else AuthorKind.JOINT
        if author_kind == AuthorKind.JOINT and len(authors) < 2:
            author_kind = AuthorKind.INDIVIDUAL
        assert not rules.author_errors(author_kind, authors, sector, party), title
        assert not rules.submitted_on_error(self.year, submitted_on, self.today), title
        source = fields.pop("source", Source.IMPORT if self.year < self.today.year else Source.ADMIN)
        entered_by = fields.pop("entered_by", self.c["office"].get(kind))
        result = Result(
            year=self.year,
            kind=kind,
            title=title,
            summary=fields.pop("summary", summary_for(kind, title)),
            submitted_on=submitted_on,
            author_kind=author_kind,
            sector=sector,
            party=party,
            status=status,
            source=source,
            entered_by=entered_by,
            occasion=fields.pop("occasion", Occasion.REGULAR if kind == Kind.PROPOSAL else ""),
            **fields,
        )
        planned = Planned(result, authors)
        planned.changes.append((entered_by, f"登记（{Source(source).label}）", title, ""))
        if status == Status.CONFIRMED and source == Source.FRONT:
            planned.changes.append((self.c["office"].get(kind), "确认", "", ""))
        elif status == Status.RETURNED:
            planned.changes.append((self.c["office"].get(kind), "退回", "", result.return_reason))
        elif status == Status.WITHDRAWN:
            planned.changes.append((entered_by, "撤回", "", "与另一件内容重复，撤回。"))
        self.entries.append(planned)
        return planned

    def group(self, kind, name):
        return self.c["sectors" if kind == AuthorKind.SECTOR else "parties"].get(name)

    # --- the year's entries

    def build(self):
        self.proposals()
        self.opinions()
        self.others()
        self.front_end()
        self.handle_proposals()
        return self.entries

    def proposals(self):
        pattern = [AuthorKind.INDIVIDUAL, AuthorKind.JOINT] * 2 + [AuthorKind.SECTOR] + [AuthorKind.INDIVIDUAL]
        pattern += [AuthorKind.JOINT, AuthorKind.PARTY, AuthorKind.INDIVIDUAL, AuthorKind.JOINT]
        sectors = itertools.cycle(["教育界", "医药卫生界", "文化艺术界", "经济界"])
        parties = itertools.cycle(["民盟", "九三学社", "民进", "农工党"])
        shift = 0 if self.year == self.today.year else 11
        for i in range(len(PROPOSALS)):
            title, unit = PROPOSALS[(i + shift) % len(PROPOSALS)]
            author_kind = pattern[i % len(pattern)]
            plenary = i < 16
            submitted = self.day(0.01 + 0.003 * i) if plenary else self.day(0.08 + (i - 16) / 24 * 0.9)
            group = None
            if author_kind == AuthorKind.INDIVIDUAL:
                authors = self.authors(1, proposal=True)
            elif author_kind == AuthorKind.JOINT:
                authors = self.authors(3 + i % 5, proposal=True)
            else:
                group = self.group(author_kind, next(sectors if author_kind == AuthorKind.SECTOR else parties))
                authors = self.writer(group)
            planned = self.add(
                Kind.PROPOSAL,
                title,
                author_kind,
                authors,
                submitted,
                group=group,
                occasion=Occasion.PLENARY if plenary else Occasion.REGULAR,
            )
            planned.lead = unit

    def opinions(self):
        sectors = itertools.cycle(["教育界", "医药卫生界", "社会福利和社会保障界"])
        parties = itertools.cycle(["民盟", "民进"])
        edited = []
        for k in range(40):
            street = STREETS[(k * 5 + self.year) % len(STREETS)]
            issue = OPINION_ISSUES[k % len(OPINION_ISSUES)]
            title = f"关于{street}街道{issue}问题的情况反映"
            group = None
            if k % 10 == 7:
                author_kind, group = AuthorKind.SECTOR, self.group(AuthorKind.SECTOR, next(sectors))
                authors = self.writer(group)
            elif k % 10 == 9:
                author_kind, group = AuthorKind.PARTY, self.group(AuthorKind.PARTY, next(parties))
                authors = self.writer(group)
            elif k % 3 == 0:
                author_kind, authors = AuthorKind.JOINT, self.authors(2 + k % 2)
            else:
                author_kind, authors = AuthorKind.INDIVIDUAL, self.authors(1)
            use = {}
            if k % 5 in (0, 2):
                use["edited_by_committee"] = True
                if k % 10 == 0:
                    use["adopted_by_city"] = True
                if k in (0, 12):
                    use["instructions"] = "区领导批示：请相关部门认真研究，抓好落实，并将办理情况报区政府办公室。"
            planned = self.add(
                Kind.OPINION, title, author_kind, authors, self.day(0.03 + k * 0.024), group=group, **use
            )
            if use:
                uses = "、".join(
                    label
                    for flag, label in (("edited_by_committee", "区政协编发"), ("adopted_by_city", "市政协采用"))
                    if use.get(flag)
                )
                planned.changes.append((self.c["office"][Kind.OPINION], "采用情况", uses, use.get("instructions", "")))
                edited.append(planned)
        # One batch 报送区委区政府: the first five edited, a week after the last of them.
        batch = edited[:5]
        if batch:
            sent_on = max(p.result.submitted_on for p in batch) + datetime.timedelta(days=7)
            if sent_on <= self.end:
                for planned in batch:
                    planned.result.sent_to_district = True
                    planned.result.sent_on = sent_on
                    planned.changes.append(
                        (self.c["office"][Kind.OPINION], "报送区委区政府", f"{sent_on:%Y-%m-%d}", "")
                    )

    def others(self):
        for k in range(30):
            street = STREETS[(k * 3 + self.year) % len(STREETS)]
            fix = MICRO_FIXES[k % len(MICRO_FIXES)]
            authors = self.authors(2 if k % 6 == 0 else 1)
            kind = AuthorKind.JOINT if len(authors) > 1 else AuthorKind.INDIVIDUAL
            self.add(Kind.SUGGESTION, f"建议{street}街道{fix}", kind, authors, self.day(0.05 + k * 0.031))
        for k, title in enumerate(SPEECHES):
            group = None
            if k == 2:
                author_kind, group = AuthorKind.SECTOR, self.group(AuthorKind.SECTOR, "教育界")
                authors = self.writer(group)
            elif k == 5:
                author_kind, group = AuthorKind.PARTY, self.group(AuthorKind.PARTY, "民盟")
                authors = self.writer(group)
            else:
                author_kind, authors = AuthorKind.INDIVIDUAL, self.authors(1)
            self.add(Kind.SPEECH, title, author_kind, authors, self.day(0.01 + k * 0.002), group=group)
        for k, title in enumerate(REPORTS):
            group = None
            if k == 3:
                author_kind, group = AuthorKind.SECTOR, self.group(AuthorKind.SECTOR, "医药卫生界")
                authors = self.writer(group)
            else:
                author_kind, authors = AuthorKind.JOINT, self.authors(3 + k % 3)
            self.add(Kind.REPORT, title, author_kind, authors, self.day(0.3 + k * 0.11), group=group)

    def front_end(self):
        """What the demo accounts registered on the front end themselves."""
        c = self.c
        member, user = c["member"], c["member_user"]
        if member is None:
            return
        front = {"source": Source.FRONT, "entered_by": user}
        partner = next((m for m in self.authors(2) if m != member), None)
        if partner is None:
            return  # a roster of one: nobody to write jointly with
        if self.year < self.today.year:
            self.add(
                Kind.PROPOSAL,
                "关于支持社区文化活动中心运营的建议",
                AuthorKind.INDIVIDUAL,
                [member],
                self.day(0.4),
                **front,
            ).lead = "区文化和旅游局"
            self.add(
                Kind.OPINION,
                "关于剧场周边夜间停车难的情况反映",
                AuthorKind.INDIVIDUAL,
                [member],
                self.day(0.6),
                status=Status.WITHDRAWN,
                **front,
            )
            return
        # A joint 提案 the member registered with a colleague as first proposer; 立案 and handled.
        self.add(
            Kind.PROPOSAL,
            "关于推动社区剧场和文化馆错时开放的建议",
            AuthorKind.JOINT,
            [partner, member],
            self.day(0.015),
            occasion=Occasion.PLENARY,
            **front,
        ).lead = "区文化和旅游局"
        self.add(
            Kind.PROPOSAL,
            "关于加强社区文艺团队扶持的建议",
            AuthorKind.INDIVIDUAL,
            [member],
            self.day(0.93),
            status=Status.PENDING,
            **front,
        )
        self.add(
            Kind.OPINION,
            "关于老旧剧场消防设施亟待更新的情况反映",
            AuthorKind.JOINT,
            [member, partner],
            self.day(0.95),
            status=Status.PENDING,
            **front,
        )
        self.add(
            Kind.PROPOSAL,
            "关于文化惠民的建议",
            AuthorKind.INDIVIDUAL,
            [member],
            self.day(0.7),
            status=Status.RETURNED,
            return_reason=RETURN_REASON,
            **front,
        )
        self.add(
            Kind.SUGGESTION,
            "建议在文化馆门口增设自行车停放架",
            AuthorKind.INDIVIDUAL,
            [member],
            self.day(0.5),
            status=Status.WITHDRAWN,
            **front,
        )
        education, minmeng = c["sectors"].get("教育界"), c["parties"].get("民盟")
        if education:
            self.add(
                Kind.OPINION,
                "教育界委员关于中小学课后服务师资不足的情况反映",
                AuthorKind.SECTOR,
                self.writer(education),
                self.day(0.96),
                group=education,
                status=Status.PENDING,
                source=Source.FRONT,
                entered_by=c["users"].get("leader_edu"),
            )
        if minmeng:
            self.add(
                Kind.REPORT,
                "民盟区委关于胡同院落微更新的调研报告",
                AuthorKind.PARTY,
                self.writer(minmeng),
                self.day(0.55),
                group=minmeng,
                source=Source.FRONT,
                entered_by=c["users"].get("leader_minmeng"),
            )

    # --- 提案 handling, by the rules' dates

    def handle_proposals(self):
        office = self.c["office"][Kind.PROPOSAL]
        proposals = sorted(
            (p for p in self.entries if p.result.kind == Kind.PROPOSAL and p.result.status == Status.CONFIRMED),
            key=lambda p: (p.result.submitted_on, p.result.title),
        )
        accepted_numbers = []
        answered_count = 0
        taken = self.taken_numbers
        end = self.handling_end
        number = 0
        for index, planned in enumerate(proposals):
            result = planned.result
            number += 1
            while f"{number:03d}" in taken:
                number += 1
            result.number = f"{number:03d}"
            if (end - result.submitted_on).days < 12:
                continue  # not yet 立案
            if index % 13 == 6:
                result.acceptance = Acceptance.REJECTED
            elif index % 13 == 12 and accepted_numbers:
                result.acceptance = Acceptance.MERGED
                result.merged_into = accepted_numbers[-1]
            else:
                result.acceptance = Acceptance.ACCEPTED
                accepted_numbers.append(result.number)
            what = f"立案情况：（空） → {result.get_acceptance_display()}"
            if result.merged_into:
                what += f"（并入 {result.merged_into}）"
            planned.changes.append((office, "立案", what, ""))
            if result.acceptance != Acceptance.ACCEPTED:
                continue
            assigned = result.submitted_on + datetime.timedelta(days=20 + index % 11)
            if assigned > end:
                continue  # 立案, not yet 交办
            result.assigned_on = assigned
            lead = self.c["units"][planned.lead]
            planned.units = [(lead, ProposalUnit.Role.LEAD)]
            others = [u for u in self.c["unit_list"] if u != lead]
            for n in range(1 if index % 3 == 0 else 0) if index % 5 else range(2):
                planned.units.append((others[(index * 7 + n * 5) % len(others)], ProposalUnit.Role.ASSIST))
            names = "、".join(f"{u.name}（{ProposalUnit.Role(role).label}）" for u, role in planned.units)
            planned.changes.append((office, "交办", f"承办单位：（空） → {names}；交办日期：（空） → {assigned}", ""))
            elapsed = (end - assigned).days
            if self.overdue_wanted and elapsed > 100 and result.source != Source.FRONT:
                self.overdue_wanted = False  # the year's one 逾期: 交办 long ago, no 答复
            elif elapsed >= 75:
                result.answered_on = min(assigned + datetime.timedelta(days=45 + index * 7 % 40), end)
                if (end - result.answered_on).days >= SATISFACTION_AFTER_DAYS:
                    result.satisfaction = SATISFACTION_CYCLE[answered_count % len(SATISFACTION_CYCLE)]
                answered_count += 1
                planned.changes.append(
                    (
                        office,
                        "答复",
                        f"答复日期：（空） → {result.answered_on}；满意度：（空） → {result.get_satisfaction_display() or '（空）'}",
                        "",
                    )
                )
            self.steps(planned, index)

    def steps(self, planned, index):
        result = planned.result
        ceiling = result.answered_on or self.handling_end
        for n, (unit, role) in enumerate(planned.units):
            lead = role == ProposalUnit.Role.LEAD
            wanted = [
                (
                    Step.BEFORE,
                    result.assigned_on + datetime.timedelta(days=4 + n),
                    (index + n) % 10 < (9 if lead else 5),
                ),
                (
                    Step.DURING,
                    result.assigned_on + datetime.timedelta(days=25 + index % 9),
                    (index + n) % 10 < (8 if lead else 3),
                ),
                (
                    Step.AFTER,
                    (result.answered_on or self.handling_end) + datetime.timedelta(days=10 + n),
                    bool(result.answered_on) and (index + n) % 10 < (7 if lead else 3),
                ),
            ]
            for step, date, keep in wanted:
                if step != Step.AFTER:
                    date = min(date, ceiling)
                if not keep or rules.step_date_error(result, step, date, self.today):
                    continue
                form = {
                    Step.BEFORE: [Form.PHONE, Form.MEETING, Form.WRITTEN],
                    Step.DURING: [Form.MEETING, Form.SITE, Form.HEARING],
                    Step.AFTER: [Form.PHONE, Form.HEARING, Form.MEETING],
                }[step][(index + n) % 3]
                present = planned.authors[:1] if form in (Form.MEETING, Form.SITE, Form.HEARING) else []
                notes = STEP_NOTES[step].format(unit=unit.name)
                office = self.c["office"][Kind.PROPOSAL]
                planned.steps.append((unit, step, date, form, present, notes, office))
                planned.changes.append((office, step.label, f"{unit.name}，{date:%Y-%m-%d}，{form.label}", ""))


STEP_NOTES = {
    Step.BEFORE: "{unit}与提案人沟通办理思路，听取提案人对办理工作的意见。",
    Step.DURING: "{unit}邀请提案人实地察看、座谈协商，通报阶段性办理情况。",
    Step.AFTER: "{unit}回访提案人，了解对答复和落实情况的意见。",
}


def summary_for(kind, title):
    core = title.removeprefix("关于").removesuffix("的建议").removesuffix("的情况反映")
    if kind == Kind.PROPOSAL:
        return f"针对{core}中群众反映集中的问题，分析现状和原因，提出完善政策、加强协同、落实责任等三方面具体建议。"
    if kind == Kind.OPINION:
        return f"近期群众反映{core}问题，影响日常生活。建议相关部门尽快核实，明确责任主体，限期解决并向群众反馈。"
    if kind == Kind.SUGGESTION:
        return f"{title.removeprefix('建议')}，方便居民日常出行和生活，投入小、见效快。"
    if kind == Kind.SPEECH:
        return f"大会发言：{title}。结合调研和履职实践，谈认识、讲问题、提建议。"
    return f"{title}：调研组走访社区、部门和群众，梳理主要做法、存在问题，提出对策建议。"


def _context(today):
    User = get_user_model()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["member", "leader_edu", "leader_minmeng", "proposals", "research"])
    }
    members = list(Member.objects.select_related("sector").order_by("code"))
    member_user = users.get("member")
    member = getattr(getattr(member_user, "profile", None), "member", None) if member_user else None
    if member is None:
        # What seed_demo gives the `member` account: the first member of 文化艺术界 without an account.
        member = next((m for m in members if m.sector.name == "文化艺术界"), None) if members else None
    group_members = {}
    for m in members:
        group_members.setdefault(("Sector", m.sector_id), []).append(m)
        if m.party_id:
            group_members.setdefault(("Party", m.party_id), []).append(m)
    sectors, parties = Sector.objects.by_name(), Party.objects.by_name()
    units = {}
    for order, name in enumerate(UNITS, start=1):
        units[name], _ = HandlingUnit.objects.get_or_create(name=name, defaults={"sort_order": order})
    return {
        "members": members,
        "member": member,
        "member_user": member_user,
        "users": users,
        "office": {kind: users.get("proposals" if kind == Kind.PROPOSAL else "research") for kind in Kind.values},
        "sectors": sectors,
        "parties": parties,
        "group_members": group_members,
        "writer_index": {},
        "units": units,
        "unit_list": list(units.values()),
    }


@transaction.atomic
def seed_results(today=None):
    """Idempotent: the units, then this year's and last year's entries unless that year's demo
    entries are there already. One 逾期 proposal: this year's if one was 交办 long enough ago,
    else last year's."""
    today = today or timezone.localdate()
    context = _context(today)
    if not context["members"]:
        return
    overdue = True
    for year in (today.year, today.year - 1):
        plan = YearPlan(year, today, context, overdue)
        entries = plan.build()
        overdue = plan.overdue_wanted
        titles = [p.result.title for p in entries]
        if Result.objects.filter(year=year, title__in=titles).exists():
            continue
        _write(entries)


def _write(entries):
    Result.objects.bulk_create([p.result for p in entries])
    ResultAuthor.objects.bulk_create(
        ResultAuthor(result=p.result, member=m, position=n) for p in entries for n, m in enumerate(p.authors, 1)
    )
    ProposalUnit.objects.bulk_create(
        ProposalUnit(result=p.result, unit=unit, role=role) for p in entries for unit, role in p.units
    )
    planned_steps = [(p, s) for p in entries for s in p.steps]
    steps = HandlingStep.objects.bulk_create(
        HandlingStep(
            result=p.result,
            unit=unit,
            step=step,
            date=date,
            form=form,
            notes=notes,
            recorded_by=recorder,
        )
        for p, (unit, step, date, form, _present, notes, recorder) in planned_steps
    )
    Present = HandlingStep.members_present.through
    Present.objects.bulk_create(
        Present(handlingstep_id=record.pk, member_id=m.pk)
        for record, (_p, step) in zip(steps, planned_steps, strict=True)
        for m in step[4]
    )
    ResultChange.objects.bulk_create(
        ResultChange(result=p.result, actor=actor, action=action, what=what, why=why)
        for p in entries
        for actor, action, what, why in p.changes
    )
