"""三联系 as a source of the 履职档案 ledger (issue 15 item 11): one row per maker per contact
activity, so each of a 主席班子集体走访's makers is credited; a 集体座谈会 gives its 常委 the role
组织 (召集: the ledger's roles are performance.models.Role, and 召集 a forum is organising it) and
each contacted member 参加. An ordinary contact's maker has no role (blank): a 记分办法 can then
score contacts with a blank-role rule and forums apart with 组织 and 参加 rules. A 专委会走访
without a member maker gives no row (nobody made it).

Titles name the way, the members and the street group reached, and how many units or citizens of
each category, never a unit's or a citizen's name nor the note: the ledger is shown on record
pages and PDFs that these must not reach.

The ledger follows the entries on commit (`watch`: saving or deleting a ContactActivity; the
import's bulk write sends records_changed). Registered from ContactsConfig.ready."""

from collections import Counter, defaultdict

from performance.ledger import Row, ledger_source
from performance.models import Role

from .models import ContactActivity, TargetCategory, Way

SOURCE = "contacts"
CATEGORY = "contacts"
LINK = "/forms/contacts/"
WAYS = dict(Way.choices)
CATEGORIES = dict(TargetCategory.choices)


def _by_activity(through, ids, *columns):
    """{activity id: [values]} of an M2M through table, in one query."""
    found = defaultdict(list)
    rows = through.objects.filter(contactactivity_id__in=ids).order_by("contactactivity_id", "pk")
    for activity_id, *values in rows.values_list("contactactivity_id", *columns):
        found[activity_id].append(values[0] if len(values) == 1 else tuple(values))
    return found


def _title(activity, makers, contacted, categories):
    if activity["is_forum"]:
        convener = "、".join(name for _pk, name in makers)
        return f"三联系：{convener}召集集体座谈会，{len(contacted)} 位委员参加"
    whom = [name for _pk, name in contacted]
    if activity["street_group__name"]:
        whom.append(activity["street_group__name"])
    counts = Counter(categories)
    whom += [
        f"{CATEGORIES[c]} {n} 个" for c, n in sorted(counts.items(), key=lambda item: list(CATEGORIES).index(item[0]))
    ]
    together = "（集体走访）" if len(makers) > 1 else ""
    return f"三联系：{WAYS[activity['way']]}{together} {'、'.join(whom)}".strip()


@ledger_source(
    SOURCE,
    "三联系",
    categories=[(CATEGORY, "三联系")],
    watch={ContactActivity: lambda activity: activity.date.year},
)
def ledger_entries(year):
    """The year's rows, in four queries whatever the number of activities."""
    activities = list(
        ContactActivity.objects.filter(date__year=year)
        .order_by("date", "pk")
        .values("pk", "date", "way", "is_forum", "street_group__name")
    )
    if not activities:
        return
    ids = [a["pk"] for a in activities]
    makers = _by_activity(ContactActivity.makers.through, ids, "member_id", "member__name")
    contacted = _by_activity(ContactActivity.contacted_members.through, ids, "member_id", "member__name")
    categories = _by_activity(ContactActivity.targets.through, ids, "contacttarget__category")
    for activity in activities:
        pk = activity["pk"]
        title = _title(activity, makers[pk], contacted[pk], categories[pk])[:300]
        common = {"source_ref": f"contact:{pk}", "year": year, "date": activity["date"], "category": CATEGORY}
        maker_ids = set()
        for member_id, _name in makers[pk]:
            maker_ids.add(member_id)
            role = Role.ORGANISE if activity["is_forum"] else ""
            yield Row(member_id=member_id, title=title, role=role, link=LINK, **common)
        if activity["is_forum"]:
            for member_id, _name in contacted[pk]:
                if member_id not in maker_ids:
                    yield Row(member_id=member_id, title=title, role=Role.ATTEND, link=LINK, **common)
