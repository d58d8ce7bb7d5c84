"""The headless API serves only what the public site shows: images of live public pages, never a
委员证号 or a phone number."""

import json
import re

import pytest
from django.core.management import call_command

from people.models import Member

from .content_helpers import make_image, story
from .factories import MemberFactory

pytestmark = pytest.mark.django_db


def listing(client, endpoint, **params):
    """Every page of an API listing (the API serves at most 20 items at a time)."""
    answers, offset = [], 0
    while True:
        response = client.get(f"/api/v2/{endpoint}/", {"limit": 20, "offset": offset, **params})
        assert response.status_code == 200, response.content
        answers.append(response)
        offset += 20
        if offset >= response.json()["meta"]["total_count"]:
            return answers


def image_ids(client, **params):
    return {item["id"] for answer in listing(client, "images", **params) for item in answer.json()["items"]}


def test_the_images_api_serves_only_images_that_live_public_pages_show(client, site, members, reference):
    hidden = MemberFactory(code="14099", name="周密", sector=reference["education"])
    hidden.photo = make_image("周密")
    hidden.save()
    doctor = members["doctor"]  # 李强: one live story, on no workstation
    doctor.photo = make_image("李强")
    doctor.save()

    served = image_ids(client)
    assert doctor.photo.pk in served
    assert hidden.photo.pk not in served, "a member without a public page"
    assert client.get(f"/api/v2/images/{hidden.photo.pk}/").status_code == 404
    assert client.get("/api/v2/images/", {"search": "周密"}).json()["items"] == []
    assert site["ws"].sign_photo_id in served

    site["s2"].unpublish()
    assert doctor.photo.pk not in image_ids(client), "his only story was unpublished"
    site["ws"].members.add(doctor)
    site["ws"].save_revision().publish()
    assert doctor.photo.pk in image_ids(client), "he is listed on a live workstation"


def test_pictures_in_a_story_body_are_served_while_the_story_is_live(client, site, members):
    scene = make_image("风采配图")
    page = story(site["stories"], members["banker"], "赵敏：社区课堂", date=None)
    page.body = [("image", {"image": scene, "caption": "课堂", "alt": ""}), ("paragraph", "<p>正文</p>")]
    page.save_revision().publish()
    assert scene.pk in image_ids(client)
    page.unpublish()
    assert scene.pk not in image_ids(client)


def test_no_api_answer_carries_a_certificate_number_or_a_phone(client):
    call_command("seed_demo", verbosity=0)
    secrets = set()
    for member in Member.objects.all():
        secrets.add(member.code)
        if member.phone:
            secrets.add(member.phone)
    answers = []
    for endpoint in ("pages", "images"):
        for answer in listing(client, endpoint, fields="*"):
            answers.append(answer.content.decode())
            for item in answer.json()["items"]:
                answers.append(client.get(f"/api/v2/{endpoint}/{item['id']}/").content.decode())
    answers.append(client.get("/api/v2/images/", {"search": "委员照片"}).content.decode())
    text = json.dumps(answers, ensure_ascii=False)
    # A code or phone is a whole token. Rendition file names carry hex hashes (".fill-400x400.a14008c2.")
    # and upload suffixes, which may hold the same digits by chance between letters.
    found = {secret for secret in secrets if re.search(rf"(?<![0-9A-Za-z]){re.escape(secret)}(?![0-9A-Za-z])", text)}
    assert not found
