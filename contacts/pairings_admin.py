"""The admin of designations, pairings and quotas (委员联络室): the 结对 list, copy last year's,
the 按专委会建议 preview, the 结对 import, and the 联系指标."""

MODELADMINS = []
MENU = []  # (label, url name, icon, allowed(user), order)
urls = []
