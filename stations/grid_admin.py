"""(stub: filled in by its owner)"""

MENU = ()  # (label, url name, icon, allowed(user), order)
MODELADMINS = ()
urls = []
