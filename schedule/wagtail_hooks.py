"""The admin's 年度活动安排 menu: the entries (schedule/admin.py), the xlsx import and the check for
committees and sectors with no 下乡进社区 activity planned."""
