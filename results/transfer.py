"""Import and export of the registry as xlsx, in the committee's column order.

TRANSFER_MENU: [(label, url name, icon, allowed(user), order)] for the 履职成果 admin menu."""

transfer_urls = []
TRANSFER_MENU = []
