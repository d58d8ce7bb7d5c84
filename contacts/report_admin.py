"""The admin pages that read 三联系: 落实情况 (the dashboard), 按月汇总 and the half-year report."""

MODELADMINS = []
MENU = []  # (label, url name, icon, allowed(user), order)
urls = []
