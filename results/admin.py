"""The offices' side in the Wagtail admin: 履职成果 lists, inspect with the handling timeline,
confirm / return, 立案, 交办, steps, 满意度, 社情民意 采用 and 报送."""

admin_urls = []
