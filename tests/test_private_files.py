"""Private uploads (rosters: every member's phone and 委员证号) never lie where the web server
serves files; only a view that checks the role hands them out."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from people import roles
from people.models import RosterImport

from .conftest import VALID_ROWS, as_xlsx, roster_rows
from .test_site import run_manage

pytestmark = pytest.mark.django_db
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "lianxin_site.settings.production",
    "SECRET_KEY": "k" * 20 + "9f8a7d6c5b4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a",
    "ALLOWED_HOSTS": "zx.example.gov.cn",
    "DATABASE_URL": "postgres://lianxin:secret@db.internal:5432/lianxin",
    "PUBLIC_URL": "https://zx.example.gov.cn",
}


@pytest.fixture
def uploaded(reference, make_user):
    liaison = make_user(roles.LIAISON_OFFICE)
    client = Client()
    client.force_login(liaison)
    content = as_xlsx(roster_rows(*VALID_ROWS))
    client.post(reverse("people_roster_import"), {"file": SimpleUploadedFile("名册.xlsx", content)})
    return RosterImport.objects.get(), content, client


def test_an_uploaded_roster_is_kept_outside_the_served_folders(uploaded):
    record, content, _client = uploaded
    path = Path(record.file.path).resolve()
    assert path.read_bytes() == content
    assert Path(settings.PRIVATE_ROOT).resolve() in path.parents
    assert Path(settings.MEDIA_ROOT).resolve() not in path.parents
    with pytest.raises(ValueError):
        record.file.url  # noqa: B018  (a private file has no public address)


def test_nobody_gets_the_roster_from_the_media_address(uploaded, client):
    record, _content, _liaison = uploaded
    assert client.get(f"{settings.MEDIA_URL}{record.file.name}").status_code == 404
    assert client.get(f"{settings.MEDIA_URL}roster_imports/").status_code == 404


def test_only_those_who_import_rosters_download_the_file(uploaded, make_user, reference):
    record, content, liaison = uploaded
    url = reverse("people_roster_file", args=[record.pk])

    response = liaison.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert "attachment" in response["Content-Disposition"]

    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    for role, scope in [
        (roles.COMMITTEE_OFFICE, {"committee": reference["edu_committee"]}),
        (roles.EDITOR, {}),
        (roles.SECTOR_LEADER, {"sector": reference["education"]}),
        (roles.SECRETARY_GENERAL, {}),
    ]:
        other = Client()
        other.force_login(make_user(role, **scope))
        response = other.get(url)
        assert response.status_code in (302, 403), role
        assert content not in response.content


def test_the_preview_links_the_file_through_the_checking_view(uploaded):
    record, _content, liaison = uploaded
    page = liaison.get(reverse("people_roster_preview", args=[record.pk])).content.decode()
    assert reverse("people_roster_file", args=[record.pk]) in page
    assert settings.MEDIA_URL + "roster_imports" not in page


def test_production_keeps_private_files_outside_media_and_static(tmp_path):
    fine = run_manage("check", **PRODUCTION, MEDIA_ROOT=str(tmp_path / "media"), PRIVATE_ROOT=str(tmp_path / "p"))
    assert fine.returncode == 0, fine.stdout + fine.stderr
    leaking = run_manage(
        "check", **PRODUCTION, MEDIA_ROOT=str(tmp_path / "media"), PRIVATE_ROOT=str(tmp_path / "media" / "private")
    )
    assert leaking.returncode != 0 and "lianxin.E001" in leaking.stderr + leaking.stdout
