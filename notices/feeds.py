from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed


class NoticeFeed(Feed):
    """RSS 2.0 feed of the latest 通知公告, as content.feeds.StoryFeed is for stories: every link
    and GUID absolute on the site's public address (the Wagtail Site kept in step with PUBLIC_URL),
    and every text plain (Django's feed generator escapes it), never the body's markup."""

    feed_type = Rss201rev2Feed
    language = "zh-cn"

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return self.index_page.title

    def link(self):
        return self.index_page.get_full_url(self.request)

    def feed_url(self):
        return self.link() + self.index_page.reverse_subpage("feed")

    def description(self):
        return "区政协通知公告：公告栏、政协信息、党派活动"

    def items(self):
        return self.index_page.notices()[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        party = f"（{item.party.name}）" if item.party_id else ""
        return f"【{item.get_column_display()}{party}】{item.summary_text()[:300]}"

    def item_link(self, item):
        return item.get_full_url(self.request)  # also the item's GUID

    def item_pubdate(self, item):
        return item.first_published_at

    def item_categories(self, item):
        return [item.get_column_display(), *([item.party.name] if item.party_id else [])]
