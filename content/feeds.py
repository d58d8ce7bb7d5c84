from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Rss201rev2Feed


class IndexPageFeed(Feed):
    """RSS 2.0 feed of an index page's latest children (委员风采, 通知公告 …), for the committee's other
    channels. A subclass names its description, items() and how an item reads.

    Every link and GUID is absolute on the site's public address (the Wagtail Site kept in
    step with PUBLIC_URL), not on whatever host the request came in by."""

    feed_type = Rss201rev2Feed
    language = "zh-cn"
    size = 30

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

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.get_full_url(self.request)  # also the item's GUID

    def item_pubdate(self, item):
        return item.first_published_at


class StoryFeed(IndexPageFeed):
    """The latest 委员风采 stories."""

    def description(self):
        return "区政协委员风采"

    def items(self):
        return self.index_page.stories().prefetch_related("tags")[: self.size]

    def item_description(self, item):
        return f"{item.member.name}（{item.member.sector.name}）：{item.lead}"

    def item_author_name(self, item):
        return item.member.name

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]
