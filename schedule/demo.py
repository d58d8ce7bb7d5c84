"""Demo content for the year's plan: seed 002's 年度“双走进”活动安排, and the 年度活动安排 page."""


def seed_schedule():
    """Idempotent."""
    seed_calendar_page()


def seed_calendar_page():
    """The published 年度活动安排 page under 首页 (slug "calendar", so it sits beside its feeds at
    /calendar/). Idempotent."""
    from content.models import HomePage

    from .models import CalendarPage

    if CalendarPage.objects.exists():
        return CalendarPage.objects.first()
    home = HomePage.objects.first()
    if home is None:
        return None
    page = CalendarPage(
        title="年度活动安排",
        slug="calendar",
        intro="<p>区政协全年“双走进”及各项履职活动安排，按月份列出，可按活动主体筛选，并可订阅到手机日历。</p>",
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page
