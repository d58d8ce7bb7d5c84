"""A story page is found in few queries (content/serving.py), and what is private stays private:
view restrictions added or removed after a visit take effect at once, drafts stay hidden."""

import pytest
from wagtail.models import PageViewRestriction

from content.models import StoryPage


@pytest.fixture
def reader(client, settings):
    """An anonymous reader whose pages are rendered each time (no page cache in between)."""
    settings.CACHE_MIDDLEWARE_SECONDS = 0
    return client


def test_a_story_costs_its_section_itself_and_what_it_shows(reader, site, django_assert_max_num_queries):
    url = site["s1"].url
    assert reader.get(url).status_code == 200  # the site and its sections are looked up once
    # the story with its member card and photo, its tags, the related stories and their photos
    # (the site, the home page and the section come from the cache)
    with django_assert_max_num_queries(5):
        response = reader.get(url)
    page = response.content.decode()
    assert "王丽：守护孩子们的课后时光" in page
    assert 'href="/stories/">委员风采</a> › 正文' in page, "the breadcrumb names the section"


def test_a_story_made_private_after_a_visit_asks_for_a_login(reader, site):
    url = site["s1"].url
    assert reader.get(url).status_code == 200
    restriction = PageViewRestriction.objects.create(page=site["s1"], restriction_type=PageViewRestriction.LOGIN)
    response = reader.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    restriction.delete()
    assert reader.get(url).status_code == 200


def test_a_private_section_hides_its_stories_and_lists_leave_them_out(reader, site):
    assert reader.get(site["s1"].url).status_code == 200
    PageViewRestriction.objects.create(page=site["stories"], restriction_type=PageViewRestriction.LOGIN)
    response = reader.get(site["s1"].url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert reader.get("/stories/").status_code == 302
    assert "守护孩子们的课后时光" not in reader.get("/").content.decode()


def test_a_private_story_is_not_listed_as_related(reader, site, members):
    from .content_helpers import story

    second = story(site["stories"], members["teacher"], "王丽：课后服务一年间")
    assert "王丽：守护孩子们的课后时光" in reader.get(second.url).content.decode()  # her other story
    PageViewRestriction.objects.create(page=site["s1"], restriction_type=PageViewRestriction.LOGIN)
    page = reader.get(second.url).content.decode()
    assert "王丽：课后服务一年间" in page
    assert "守护孩子们的课后时光" not in page


def test_a_password_protects_a_story_from_a_cached_route(reader, site):
    url = site["s3"].url
    assert reader.get(url).status_code == 200
    PageViewRestriction.objects.create(page=site["s3"], restriction_type=PageViewRestriction.PASSWORD, password="x1")
    response = reader.get(url)
    assert response.status_code == 200
    assert "楼门院设置分类驿站" not in response.content.decode(), "the story's text waits for the password"


def test_an_unpublished_story_is_gone_and_unknown_addresses_are_not_found(reader, site):
    url = site["s1"].url
    assert reader.get(url).status_code == 200
    StoryPage.objects.get(pk=site["s1"].pk).unpublish()
    assert reader.get(url).status_code == 404
    assert reader.get("/stories/no-such-story/").status_code == 404
    assert reader.get("/stories/feed/").status_code == 200, "the section's own sub-pages still answer"


def test_an_editor_previews_a_draft_of_a_story(client, site, make_user):
    from people import roles

    client.force_login(make_user(roles.EDITOR))
    s1 = StoryPage.objects.get(pk=site["s1"].pk)
    s1.title = "草稿里的新标题"
    s1.save_revision()
    response = client.get(f"/admin/pages/{s1.pk}/view_draft/")
    assert response.status_code == 200 and "草稿里的新标题" in response.content.decode()


def test_a_post_costs_itself_and_its_pictures_and_names_its_station(reader, site, django_assert_max_num_queries):
    url = site["p1"].url
    assert reader.get(url).status_code == 200
    # the post with its cover and its station's title and address in one query, then its pictures
    with django_assert_max_num_queries(2):
        response = reader.get(url)
    page = response.content.decode()
    assert "走访界别群众听民声" in page
    assert f'<a href="{site["ws"].url}">东四街道委员工作室</a> · 动态' in page, "the breadcrumb names the station"


def test_a_post_is_found_through_the_tree_when_its_station_link_is_not_there(reader, site, members):
    from content.models import WorkstationPostPage

    from .content_helpers import station

    WorkstationPostPage.objects.filter(pk=site["p1"].pk).update(station=None)
    response = reader.get(site["p1"].url)
    assert response.status_code == 200
    assert f'<a href="{site["ws"].url}">东四街道委员工作室</a> · 动态' in response.content.decode()

    other = station(site["stations"], members["teacher"], title="教育界委员工作室")
    WorkstationPostPage.objects.filter(pk=site["p2"].pk).update(station=other)  # a link the tree disagrees with
    assert reader.get(site["p2"].url).status_code == 200, "the tree decides where a post is"
    assert reader.get(f"{other.url}{site['p2'].slug}/").status_code == 404


def test_an_unpublished_post_and_an_unknown_one_are_not_found(reader, site):
    from content.models import WorkstationPostPage

    url = site["p1"].url
    WorkstationPostPage.objects.get(pk=site["p1"].pk).unpublish()
    assert reader.get(url).status_code == 404
    assert reader.get(f"{site['ws'].url}no-such-post/").status_code == 404


# --- renditions are made by the worker, before a reader asks


def test_every_spec_a_template_shows_an_image_in_is_made_ahead():
    import re
    from pathlib import Path

    from content import images
    from handbook.pdf import SCREEN_RENDITIONS

    made = {*images.MEMBER_PHOTO, *images.STATION_SIGN, *images.GALLERY, *images.POST_COVER, *images.BODY_IMAGE}
    made |= set(SCREEN_RENDITIONS)  # a handbook's highlight photos, made with their print copies
    templates = Path(__file__).resolve().parent.parent / "templates"
    named = set()
    for template in templates.rglob("*.html"):
        text = template.read_text()
        named.update(re.findall(r"{% image \S+ ((?:fill|width|height|max|min)-[\dx]+)", text))
        for widths in re.findall(r'{% portrait \S+ "([\d ]+)"', text):
            named.update(f"fill-{w}x{w}" for w in widths.split())
    assert named, "the templates name rendition specs"
    assert named <= made, f"specs shown but not made ahead: {sorted(named - made)}"


def test_publishing_a_story_makes_its_member_photo_renditions(site, members, django_capture_on_commit_callbacks):
    from content.models import StoryIndexPage

    from .content_helpers import make_image, story

    doctor = members["doctor"]
    with django_capture_on_commit_callbacks(execute=True):
        doctor.photo = make_image("李强照片")
        doctor.save()
    photo = doctor.photo
    photo.renditions.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        story(StoryIndexPage.objects.get(), doctor, "李强：社区里的家庭医生")
    from content.images import MEMBER_PHOTO

    assert set(photo.renditions.values_list("filter_spec", flat=True)) >= set(MEMBER_PHOTO)


def test_a_member_photo_is_resized_when_set_not_on_every_save(site, members, django_capture_on_commit_callbacks):
    """Setting a photo makes its renditions ahead; saving the member again (a roster import updates
    every member) leaves them be and queues nothing."""
    from content.images import MEMBER_PHOTO
    from people.models import Member

    from .content_helpers import make_image

    doctor = members["doctor"]
    with django_capture_on_commit_callbacks(execute=True):
        doctor.photo = make_image("李强照片")
        doctor.save()
    photo = doctor.photo
    assert set(photo.renditions.values_list("filter_spec", flat=True)) >= set(MEMBER_PHOTO)

    photo.renditions.all().delete()
    reloaded = Member.objects.get(pk=doctor.pk)
    reloaded.phone = "13800000000"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reloaded.save()
    assert not photo.renditions.exists(), "an unchanged photo is not resized again"
    assert len(callbacks) == 1, "only the page cache is cleared: no renditions task"
