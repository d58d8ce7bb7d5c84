"""The committee the platform serves, from one group of settings (COMMITTEE_DISTRICT,
COMMITTEE_LEVEL, COMMITTEE_NAME): every heading that names the committee, or the bodies one
level below it, is worked out here."""

from django.conf import settings
from django.core import checks

# Who reports the 附件2 table of the 委员活动日 statistics: the bodies one level down. The
# provincial form says 市州（含所属县市区）政协; a district committee's are its street groups.
LOWER_LEVELS = {
    "省": "市州（含所属县市区）政协",
    "市": "区县（市）政协",
    "区": "街道活动小组",
    "县": "乡镇活动小组",
}


def committee_name():
    return settings.COMMITTEE_NAME


def lower_level():
    """What the bodies one level below the committee are called in the forms' headings."""
    return LOWER_LEVELS.get(settings.COMMITTEE_LEVEL, LOWER_LEVELS["区"])


def context(request):
    """Template context: the committee's name for headings and footers."""
    return {"committee_name": settings.COMMITTEE_NAME}


@checks.register()
def committee_level_is_known(app_configs, **kwargs):
    if settings.COMMITTEE_LEVEL in LOWER_LEVELS:
        return []
    return [
        checks.Error(
            f"COMMITTEE_LEVEL 应为 {'、'.join(LOWER_LEVELS)} 之一，现在是“{settings.COMMITTEE_LEVEL}”。",
            id="lianxin.E002",
        )
    ]
