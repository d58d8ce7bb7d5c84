"""Builds a small public site for content tests (Wagtail pages need a tree)."""

import datetime
import io

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from content.models import (
    HomePage,
    PlanItem,
    StoryIndexPage,
    StoryPage,
    WorkstationIndexPage,
    WorkstationPage,
    WorkstationPostPage,
)


def make_image(title="图"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (120, 90), (200, 30, 30)).save(buffer, "PNG")
    image = get_image_model()(title=title)
    image.file = ImageFile(io.BytesIO(buffer.getvalue()), name="t.png")
    image.save()
    return image


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def site_sections():
    home = HomePage.objects.get()
    stories = StoryIndexPage.objects.first() or publish(home, StoryIndexPage(title="委员风采", slug="stories"))
    stations = WorkstationIndexPage.objects.first() or publish(
        home, WorkstationIndexPage(title="委员工作室", slug="workstations")
    )
    return stories, stations


def story(index, member, title, text="委员深入基层开展调研。", date=None, lead="委员履职故事"):
    return publish(
        index,
        StoryPage(
            title=title,
            slug=f"s-{StoryPage.objects.count() + 1}",
            member=member,
            lead=lead,
            date=date or datetime.date(2026, 5, 1),
            body=[("paragraph", f"<p>{text}</p>")],
        ),
    )


def station(index, lead, title="东四街道委员工作室", **fields):
    return publish(
        index,
        WorkstationPage(
            title=title,
            slug=f"w-{WorkstationPage.objects.count() + 1}",
            basis=WorkstationPage.Basis.SECTOR,
            sector=lead.sector,
            lead_member=lead,
            address="东四大街 1 号",
            public_contact="010-64010001",
            reception_note="每月第一个周三",
            duties="<p>宣传政策，解疑释惑</p>",
            workflow="<p>来访登记，委员接待</p>",
            rules="<p>季度例会制度</p>",
            **fields,
        ),
    )


def post(workstation, title, date, category="visit", text="委员走访界别群众。"):
    return publish(
        workstation,
        WorkstationPostPage(
            title=title,
            slug=f"p-{WorkstationPostPage.objects.count() + 1}",
            date=date,
            category=category,
            text=f"<p>{text}</p>",
        ),
    )


def plan(workstation, date, title):
    return PlanItem.objects.create(workstation=workstation, date=date, title=title)
