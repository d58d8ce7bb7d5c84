"""The admin's side of notices: the 待我处理 panel on the dashboard (notices/panels.py) and, for
系统管理员, the mails that failed (notices/delivery_admin.py)."""
