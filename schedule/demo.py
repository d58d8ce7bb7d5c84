"""Demo content for the year's plan: seed 002's 年度“双走进”活动安排, and the 年度活动安排 page."""


def seed_schedule():
    """Idempotent."""
