"""people/0007 moves the old free-text 组长 and 联络员 of each street group into positions, keeps
what it cannot split word for word in unsplit_text and flags every group 待完善; backwards it
writes the names back. Run through Django's MigrationExecutor, as `migrate` runs it: only the
people app (and stations, which depends on its last migration) is moved back and forth."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("people", "0006_street_group_posts_and_station_accounts")]
AFTER = [("people", "0008_drop_street_group_text")]

SPLITTABLE = "张三（区政协教科卫体委主任）、李四（东华门街道工委书记）"
ONE_NAME = "王五"
THREE_NAMES = "赵一、钱二、孙三"
TWO_OF_ONE_SIDE = "周一（区政协提案委）、吴二（区政协文史委）"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_0006():
    """The database at people 0006 for the test; put back at the latest migrations afterwards, so
    that the tests after it find every table."""
    apps = migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_old_text_moves_into_positions_and_what_cannot_be_split_is_kept(at_0006):
    StreetGroup = at_0006.get_model("people", "StreetGroup")
    split = StreetGroup.objects.create(name="东华门街道活动小组", street="东华门街道", leaders=SPLITTABLE)
    one = StreetGroup.objects.create(name="景山街道活动小组", street="景山街道", leaders=ONE_NAME)
    three = StreetGroup.objects.create(
        name="交道口街道活动小组",
        street="交道口街道",
        leaders=THREE_NAMES,
        liaisons="郑一（区政协委员联络室）；冯二（交道口街道统战部）",
    )
    same_side = StreetGroup.objects.create(name="安定门街道活动小组", street="安定门街道", liaisons=TWO_OF_ONE_SIDE)
    empty = StreetGroup.objects.create(name="北新桥街道活动小组", street="北新桥街道")

    apps = migrate(AFTER)
    Group = apps.get_model("people", "StreetGroup")
    Position = apps.get_model("people", "StreetGroupPosition")

    def posts(group):
        return {
            (p.post, p.side): (p.name, p.title)
            for p in Position.objects.filter(group_id=group.pk).order_by("post", "side")
        }

    def migrated(group):
        return Group.objects.get(pk=group.pk)

    assert posts(split) == {
        ("leader", "cppcc"): ("张三", "区政协教科卫体委主任"),
        ("leader", "street"): ("李四", "东华门街道工委书记"),
    }
    assert migrated(split).unsplit_text == ""
    assert posts(one) == {}
    assert migrated(one).unsplit_text == "组长：王五"
    assert posts(three) == {
        ("liaison", "cppcc"): ("郑一", "区政协委员联络室"),
        ("liaison", "street"): ("冯二", "交道口街道统战部"),
    }, "the 联络员 split even where the 组长 did not"
    assert migrated(three).unsplit_text == f"组长：{THREE_NAMES}"
    assert posts(same_side) == {}
    assert migrated(same_side).unsplit_text == f"联络员：{TWO_OF_ONE_SIDE}"
    assert posts(empty) == {}
    assert migrated(empty).unsplit_text == ""
    # The old fields never held the 副组长: every group is 待完善 after the move.
    assert all(migrated(g).incomplete for g in (split, one, three, same_side, empty))

    # Backwards: the names go back into the text fields.
    apps = migrate(BEFORE)
    Old = apps.get_model("people", "StreetGroup")
    assert Old.objects.get(pk=split.pk).leaders == "张三、李四"
    assert Old.objects.get(pk=three.pk).liaisons == "郑一、冯二"
    # …and what forwards could not split comes back word for word.
    assert Old.objects.get(pk=one.pk).leaders == "王五"
    assert Old.objects.get(pk=three.pk).leaders == THREE_NAMES
    assert Old.objects.get(pk=same_side.pk).liaisons == TWO_OF_ONE_SIDE
    assert not apps.get_model("people", "StreetGroupPosition").objects.exists()
