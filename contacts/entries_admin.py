"""The admin of 联系记录 (offices: read their scope, log 专委会走访所联系界别委员) and of the 导入联系记录
upload (transfer.py)."""

MODELADMINS = []
MENU = []  # (label, url name, icon, allowed(user), order)
urls = []
