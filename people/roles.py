"""The committee's roles as Django groups, each with exactly the permissions its job needs.

`ROLES` is the single statement of who may do what; `sync_roles()` makes the database match it
(adding what is missing and removing what is not listed), after every `migrate` and from
`manage.py sync_roles`. Row-level scope (which members an office sees) is in services.py.
"""

from dataclasses import dataclass

from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction

EDITOR = "编辑"
REVIEWER = "审核员"
MEMBER = "委员"
UNIT_REPORTER = "活动日填报单位"
SECTOR_LEADER = "界别组长"
COMMITTEE_OFFICE = "专委会工作室"
ARCHIVE_OFFICE = "专委会工作六室"
LIAISON_OFFICE = "委员联络室"
SECRETARY_GENERAL = "秘书长"
VICE_CHAIR = "分管副主席"
CHAIRS_MEETING = "主席会议"
SYSTEM_ADMIN = "系统管理员"
PROPOSAL_COMMITTEE = "提案委"
RESEARCH_OFFICE = "研究室"
CONVENER = "工作室召集人"
DISTRICT_OFFICE = "区政协办公室"
POINT_LIAISON = "联系点联络员"
STREET_LIAISON = "街道小组联络员"
# One group per station, holding exactly the accounts whose Profile.workstation names it: page
# permissions on that station's page, images in its collection (sync_convener_groups).
CONVENER_GROUP_PREFIX = "召集人·"

# Callables run at the end of every sync_roles(), for groups kept by apps above people (which
# people may not import): stations appends its convener-group sync here (stations/signals.py).
AFTER_SYNC = []


@dataclass(frozen=True)
class Role:
    name: str
    job: str
    permissions: tuple = ()  # "app_label.codename", global
    page_permissions: tuple = ()  # wagtailcore page permission codenames, on the root page
    collection_permissions: tuple = ()  # "app_label.codename", on the root collection


ADMIN_ACCESS = ("wagtailadmin.access_admin",)
VIEW_REFERENCE = (
    "people.view_sector",
    "people.view_party",
    "people.view_specialcommittee",
    "people.view_streetgroup",
)
READ_ROSTER = ADMIN_ACCESS + VIEW_REFERENCE + ("people.view_member", "people.view_all_members")
MANAGE_ROSTER = READ_ROSTER + (
    "people.add_member",
    "people.change_member",
    "people.delete_member",
    "people.import_roster",
    "people.export_roster",
    "people.view_rosterimport",
)
IMAGES = ("wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image")
DOCUMENTS = (
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
)

# 委员活动日: the organiser (seed 001's 委员学习联络委员会办公室, here 委员联络室).
ACTIVITY_DAY_ORGANISER = (
    "forms_app.roll_up_activity_day",
    "forms_app.view_activityreport",
    *(
        f"forms_app.{action}_{model}"
        for model in ("activityday", "reportingunit")
        for action in ("add", "change", "view")
    ),
)

# 履职成果 (results/): members and 界别组长 register their own on the front end; 提案委 handles 提案,
# 研究室 the other four kinds; the roster-wide offices read everything.
REGISTER_RESULTS = ("results.add_result",)
READ_RESULTS = ("results.view_result",)
READ_ALL_RESULTS = READ_RESULTS + ("results.view_all_results",)
RESULTS_OFFICE = (
    READ_ROSTER
    + READ_RESULTS
    + ("results.add_result", "results.change_result", "results.import_results", "results.export_results")
)

# 履职档案 (performance/): 委员联络室 runs it; a committee office records and approves for the
# activities it organises; the leadership reads rankings; only 系统管理员 reopens a frozen year.
PERFORMANCE_READ = ("performance.view_all_records", "performance.view_rankings")

# 三联系 (contacts/): members and 界别组长 log their own on the front end; a committee office reads,
# logs and imports for its scope and rolls it up monthly; 委员联络室 keeps the designations,
# pairings and quotas and issues the half-year report; the leadership reads them.
LOG_CONTACTS = ("contacts.add_contactactivity",)
CONTACTS_READ = (
    "contacts.view_contactactivity",
    "contacts.view_all_contacts",
    "contacts.view_pairing",
    "contacts.view_halfyearreport",
)
CONTACTS_OFFICE = (
    "contacts.view_contactactivity",
    "contacts.add_contactactivity",
    "contacts.change_contactactivity",
    "contacts.delete_contactactivity",
    "contacts.import_contacts",
    "contacts.view_contactimport",
    "contacts.view_pairing",
)
CONTACTS_LIAISON = (
    CONTACTS_OFFICE
    + CONTACTS_READ
    + ("contacts.manage_pairings", "contacts.issue_reports")
    + tuple(f"contacts.{a}_pairing" for a in ("add", "change", "delete"))
    + tuple(f"contacts.{a}_contactquota" for a in ("add", "change", "view"))
    + ("contacts.add_halfyearreport", "contacts.change_halfyearreport")
)

# 工作室运行 (stations/): a 召集人 writes their station's 季度例会 and 履职日志 (row scope in
# stations/rules.py); a 街道小组联络员 their group's 一街一策 and activities; a 专委会工作室 scores
# and reads the stations of its 对口委室 and runs its street groups with the street; 委员联络室
# everything; the leadership reads the grid, the boards and the reports.
STATION_RECORDS = tuple(
    f"stations.{action}_{model}" for model in ("stationmeeting", "stationlog") for action in ("add", "change", "view")
)
STREET_GROUP_WORK = tuple(
    f"stations.{action}_{model}"
    for model in ("streetgroupplan", "streetgroupactivity")
    for action in ("add", "change", "view")
) + ("stations.view_signinimport",)
# The 街道活动小组半年报告 covers every group (its absentees by name) and goes to 党组会、主席会、常委会:
# the leadership and 委员联络室 read it, a 专委会工作室 reads its own groups' activities instead.
STATIONS_OVERVIEW = ("stations.view_station_overview", "stations.view_assessmentscheme")
STATIONS_READ = STATIONS_OVERVIEW + ("stations.view_streetgroupreport",)
STATIONS_COMMITTEE = (
    STATIONS_OVERVIEW
    + ("stations.view_stationmeeting", "stations.view_stationlog", "stations.score_stations")
    + STREET_GROUP_WORK
)
STATIONS_LIAISON = (
    STATIONS_COMMITTEE
    + ("stations.confirm_street_plans", "stations.publish_assessment", "stations.manage_street_groups")
    + tuple(f"stations.{a}_{m}" for m in ("assessmentscheme", "criterion") for a in ("add", "change", "view"))
    + tuple(f"stations.{a}_streetgroupreport" for a in ("add", "change", "view"))
    + tuple(f"forms_app.{a}_foundingyear" for a in ("add", "change", "view"))
    + tuple(f"people.{a}_streetgroupposition" for a in ("add", "change", "delete", "view"))
)

# 群众诉求 (intake/): 区政协办公室 registers, assigns, approves replies and closes, arranges 接待日
# and events, keeps the time limits; 研究室 reads cases without personal data, draws leads and
# sends batches; members, 界别组长 and offices handle what is assigned to them (row scope in
# intake/rules.py); a 联系点联络员 logs the visits at their own point.
HANDLE_CASES = ("intake.handle_cases",)
INTAKE_OFFICE = (
    ADMIN_ACCESS
    + VIEW_REFERENCE
    + ("people.view_member", "people.view_all_members")
    + ("intake.manage_cases", "intake.view_personal_data", "intake.view_case", "intake.add_case")
    + ("intake.view_caseassignment", "intake.view_caseevent", "intake.view_visit", "intake.view_booking")
    + tuple(f"intake.{a}_{m}" for m in ("receptionday", "contactpoint") for a in ("add", "change", "view", "delete"))
    + tuple(f"intake.{a}_intakesettings" for a in ("change", "view"))
    + ("intake.view_signup", "intake.change_signup", "intake.select_signups")
)
INTAKE_RESEARCH = (
    "intake.view_case",
    "intake.view_all_cases",
    "intake.make_leads",
    "intake.send_batches",
    *(f"intake.{a}_caselead" for a in ("add", "change", "view")),
    *(f"intake.{a}_{m}" for m in ("opinionbatch", "batchitem") for a in ("add", "change", "view", "delete")),
)
# A 专委会工作室 arranges its stations' 接待日 and handles what is assigned to it in the front end.
INTAKE_COMMITTEE = HANDLE_CASES + tuple(f"intake.{a}_receptionday" for a in ("add", "change", "view"))

# 年度活动安排 (schedule/): 区政协办公室 and 委员联络室 plan the whole year; a 专委会工作室 its own
# committee's entries and those of the sectors it contacts (row scope in schedule/rules.py).
# 《委员履职手册》 (handbook/): 编辑 mark the pool, type in and import paper entries, arrange and preview
# a handbook; 审核员 publish it.
HANDBOOK_EDITING = ("forms_app.view_reflection", "forms_app.change_reflection") + tuple(
    f"handbook.{a}_{m}"
    for m in ("handbook", "handbooksection", "handbookitem", "handbookstory")
    for a in ("add", "change", "view", "delete")
)
HANDBOOK_PUBLISHING = ("forms_app.view_reflection", "handbook.view_handbook", "handbook.publish_handbook")
SCHEDULE = tuple(
    f"schedule.{a}_{m}" for m in ("scheduleentry", "scheduleimport") for a in ("add", "change", "view", "delete")
)
SCHEDULE_ALL = SCHEDULE + ("schedule.edit_all_schedule",)

ROLES = (
    Role(
        EDITOR,
        "在管理后台撰写委员风采、委员工作室和动态页面，提交审核；管理图片和文件；遴选履职心语，编排《委员履职手册》。",
        permissions=ADMIN_ACCESS + VIEW_REFERENCE + ("content.edit_station_profile",) + HANDBOOK_EDITING,
        page_permissions=("add_page", "change_page", "lock_page", "unlock_page"),
        collection_permissions=IMAGES + DOCUMENTS,
    ),
    Role(
        REVIEWER,
        "审核编辑提交的页面，批准后发布（也可直接修改）；查看履职心语，发布《委员履职手册》。",
        permissions=ADMIN_ACCESS + VIEW_REFERENCE + ("content.edit_station_profile",) + HANDBOOK_PUBLISHING,
        page_permissions=("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
        collection_permissions=IMAGES + DOCUMENTS,
    ),
    Role(
        MEMBER,
        "在前台申请建立委员工作室，查看、修改自己的申请；投稿履职心语。",
        permissions=("forms_app.add_workstationapplication", "forms_app.add_reflection")
        + REGISTER_RESULTS
        + LOG_CONTACTS
        + HANDLE_CASES,
    ),
    Role(
        UNIT_REPORTER,
        "在前台填报、更正本单位的委员活动日统计表（截止日期前）。",
        permissions=("forms_app.add_activityreport",),
    ),
    Role(
        SECTOR_LEADER,
        "在前台填报本界别（党派）的表格，只能看到本界别（党派）的委员；可以界别名义申请建立委员工作室、登记履职成果。",
        permissions=("people.view_member", "forms_app.add_fiveonesfiling", "forms_app.add_workstationapplication")
        + REGISTER_RESULTS
        + LOG_CONTACTS
        + HANDLE_CASES
        + ("intake.enter_sector_cases",),
    ),
    Role(
        COMMITTEE_OFFICE,
        "查看本专委会及其联系界别的委员，接收并转交界别报来的表格，填报本专委会的委员活动日统计表；安排、导入本专委会及其联系界别的年度活动安排。",
        permissions=ADMIN_ACCESS
        + VIEW_REFERENCE
        + ("people.view_member", "forms_app.view_fiveonesfiling", "forms_app.receive_filing")
        + ("forms_app.view_workstationapplication", "forms_app.review_as_committee_office")
        + ("forms_app.add_activityreport",)
        + READ_RESULTS
        + ("performance.record_activities",)
        + CONTACTS_OFFICE
        + STATIONS_COMMITTEE
        + INTAKE_COMMITTEE
        + SCHEDULE,
    ),
    Role(
        ARCHIVE_OFFICE,
        "汇总存档各界别、党派报来的备案表，设置报送截止日期，查看全体委员。",
        permissions=READ_ROSTER
        + ("forms_app.view_fiveonesfiling", "forms_app.archive_filing")
        + tuple(f"forms_app.{a}_filingyear" for a in ("add", "change", "view"))
        + READ_RESULTS,
    ),
    Role(
        LIAISON_OFFICE,
        "维护委员名册（导入、导出、增删改）和街道活动小组，审查委员工作室申请，组织委员活动日并汇总统计表；维护全部年度活动安排。",
        permissions=MANAGE_ROSTER
        + ("people.change_streetgroup", "forms_app.view_workstationapplication", "forms_app.review_as_liaison_office")
        + ACTIVITY_DAY_ORGANISER
        + READ_ALL_RESULTS
        + PERFORMANCE_READ
        + ("performance.manage_performance",)
        + CONTACTS_LIAISON
        + STATIONS_LIAISON
        + HANDLE_CASES
        + SCHEDULE_ALL,
        collection_permissions=IMAGES,
    ),
    Role(
        SECRETARY_GENERAL,
        "签署委员工作室申请的秘书长意见，查看全体委员。",
        permissions=READ_ROSTER
        + ("forms_app.view_workstationapplication", "forms_app.review_as_secretary_general")
        + READ_ALL_RESULTS
        + PERFORMANCE_READ
        + CONTACTS_READ
        + STATIONS_READ,
    ),
    Role(
        VICE_CHAIR,
        "签署委员工作室申请的分管副主席意见，查看全体委员。",
        permissions=READ_ROSTER
        + ("forms_app.view_workstationapplication", "forms_app.review_as_vice_chair")
        + READ_ALL_RESULTS
        + PERFORMANCE_READ
        + CONTACTS_READ
        + STATIONS_READ,
    ),
    Role(
        CHAIRS_MEETING,
        "记录主席会议对委员工作室申请的意见，批准并统一命名，查看全体委员。",
        permissions=READ_ROSTER
        + ("forms_app.view_workstationapplication", "forms_app.decide_as_chairs_meeting")
        + READ_ALL_RESULTS
        + PERFORMANCE_READ
        + CONTACTS_READ
        + STATIONS_READ,
    ),
    Role(
        CONVENER,
        "在前台为本工作室发动态、编辑年度计划（经内容审核后发布），记录季度例会和履职日志；在管理后台只能修改本工作室页面的照片和年度计划。",
        permissions=ADMIN_ACCESS + STATION_RECORDS,
    ),
    Role(
        STREET_LIAISON,
        "在前台编写并报送本街道活动小组的一街一策，记录小组活动、出席情况，导入签到表。",
        permissions=STREET_GROUP_WORK,
    ),
    Role(
        DISTRICT_OFFICE,
        "登记群众诉求件并分办，审核答复、办结，查看逾期；安排委员接待日，维护社情民意联系点，发布请群众走进政协活动并确定报名群众，设置办理时限；维护全部年度活动安排。",
        permissions=INTAKE_OFFICE + SCHEDULE_ALL,
    ),
    Role(
        POINT_LIAISON,
        "在前台为本联系点登记来访群众反映的事项，可转为诉求件。",
        permissions=("intake.add_visit",),
    ),
    Role(
        PROPOSAL_COMMITTEE,
        "确认或退回委员登记的提案，记录立案、交办承办单位、办前沟通、办中协商、办后回访和满意度，导入导出提案。",
        permissions=RESULTS_OFFICE
        + ("results.manage_proposals",)
        + tuple(f"results.{a}_{m}" for m in ("handlingunit", "resultyear") for a in ("add", "change", "view")),
    ),
    Role(
        RESEARCH_OFFICE,
        "确认或退回社情民意信息、大会发言、调研报告和微建议，记录采用情况，报送区委区政府，导入导出。",
        permissions=RESULTS_OFFICE + ("results.manage_other_results",) + INTAKE_RESEARCH + HANDLE_CASES,
    ),
    Role(
        SYSTEM_ADMIN,
        "维护基础数据（界别、党派、专委会、街道活动小组）、委员名册、账号和角色。",
        permissions=MANAGE_ROSTER
        + tuple(
            f"people.{action}_{model}"
            for model in ("sector", "party", "specialcommittee", "streetgroup", "profile")
            for action in ("add", "change", "delete", "view")
        )
        + tuple(
            f"auth.{action}_{model}" for model in ("user", "group") for action in ("add", "change", "delete", "view")
        )
        + ("performance.view_all_records", "performance.reopen_year")
        + ("notices.view_failed_delivery", "notices.view_notification", "notices.change_noticesettings"),
        collection_permissions=IMAGES + DOCUMENTS,
    ),
)
ROLE_NAMES = tuple(role.name for role in ROLES)


def _permission(dotted):
    app_label, codename = dotted.split(".", 1)
    try:
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)
    except Permission.DoesNotExist as exc:
        raise LookupError(f"权限 {dotted} 不存在：请先运行 migrate。") from exc


@transaction.atomic
def sync_roles():
    """Create every role's group and give it exactly the permissions ROLES lists."""
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role.name)
        group.permissions.set([_permission(p) for p in role.permissions])

        GroupPagePermission.objects.filter(group=group).delete()
        for codename in role.page_permissions:
            GroupPagePermission.objects.create(
                group=group, page=root_page, permission=_permission(f"wagtailcore.{codename}")
            )
        GroupCollectionPermission.objects.filter(group=group).delete()
        for dotted in role.collection_permissions:
            GroupCollectionPermission.objects.create(
                group=group, collection=root_collection, permission=_permission(dotted)
            )
    for keep in AFTER_SYNC:
        keep()


def sync_roles_after_migrate(sender, using="default", verbosity=1, apps=None, **kwargs):
    from django.apps import apps as global_apps
    from wagtail.models import Collection, Page

    # Permissions are normally created app by app after migrate; make sure all exist
    # before the roles refer to them.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    if Page.get_first_root_node() is None or Collection.get_first_root_node() is None:
        return
    sync_roles()
