"""(Being built.)"""

MODELADMINS = []
MENU = []
urls = []
