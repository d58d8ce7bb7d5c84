from content.feeds import IndexPageFeed


class NoticeFeed(IndexPageFeed):
    """The latest 通知公告, each text plain (Django's feed generator escapes it), never the body's
    markup."""

    def description(self):
        return "区政协通知公告：公告栏、政协信息、党派活动"

    def items(self):
        return self.index_page.notices()[: self.size]

    def item_description(self, item):
        party = f"（{item.party.name}）" if item.party_id else ""
        return f"【{item.get_column_display()}{party}】{item.summary_text()[:300]}"

    def item_categories(self, item):
        return [item.get_column_display(), *([item.party.name] if item.party_id else [])]
