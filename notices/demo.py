"""Demo content for notices: the 通知公告 page with seed 000's 委员基层日 notice and its blank 备案表."""


def seed_notices():
    """Idempotent."""
