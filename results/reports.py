"""Reports in the admin: 办理进度 board, 成果统计 (screen, xlsx, PDF), 零提案 list, import and export.

REPORT_MENU: [(label, url name, icon, allowed(user), order)] for the 履职成果 admin menu."""

report_urls = []
REPORT_MENU = []
