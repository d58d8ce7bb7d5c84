"""The 待我处理 panel on the admin dashboard: every staff role opens the admin to what waits for it
(notices.pending.pending_for) and its unread 消息, each a link to the list that shows them."""

from django.urls import NoReverseMatch, reverse
from wagtail.admin.ui.components import Component

from .pending import pending_for
from .services import unread_for


def notices_url():
    """The account's 消息 (/my/notices/), which staff read in the front end like everyone else."""
    try:
        return reverse("my_notices")
    except NoReverseMatch:
        return ""


class PendingPanel(Component):
    name = "pending"
    template_name = "notices/admin/pending_panel.html"
    order = 50  # first: before Wagtail's own moderation and recent-edit panels

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        return {
            "items": pending_for(self.user),
            "unread": unread_for(self.user).count(),
            "notices_url": notices_url(),
        }
