"""The site as a newcomer and an operator meet it: settings, demo data, the home page."""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError
from wagtail.models import Site

from people.models import Member, Sector, SpecialCommittee, StreetGroup

from .factories import MemberFactory

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_chinese_language_and_beijing_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_production_settings_pass_the_deployment_checklist():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="lianxin_site.settings.production",
        SECRET_KEY="k" * 20 + "9f8a7d6c5b4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a",
        ALLOWED_HOSTS="zx.example.gov.cn",
        DATABASE_URL="postgres://lianxin:secret@db.internal:5432/lianxin",
        PUBLIC_URL="https://zx.example.gov.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (2 silenced)" in result.stdout  # W019: see production.py; axes.W006: see base.py


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "lianxin_site.settings.production", "ALLOWED_HOSTS": "x"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_database_url_selects_postgresql():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lianxin_site.settings.dev",
        "DATABASE_URL": "postgres://u:p@localhost:5432/lianxin",
    }
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.stdout.strip() == "django.db.backends.postgresql", out.stderr
    env.pop("DATABASE_URL")
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.stdout.strip() == "django.db.backends.sqlite3", out.stderr


@pytest.mark.django_db
def test_seed_demo_builds_a_committee_and_is_idempotent(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    counts = (Member.objects.count(), Sector.objects.count(), StreetGroup.objects.count())
    roster = list(Member.objects.order_by("code").values_list("code", "name", "sector__name", "phone"))

    contacts = _contacts_snapshot()

    call_command("seed_demo")

    assert _contacts_snapshot() == contacts, "三联系 demo: nothing added or changed the second time"
    _check_contacts_demo()
    assert (Member.objects.count(), Sector.objects.count(), StreetGroup.objects.count()) == counts
    assert list(Member.objects.order_by("code").values_list("code", "name", "sector__name", "phone")) == roster
    assert counts[0] == 200 and counts[2] == 17
    assert not Sector.objects.filter(contact_committee__isnull=True).exists(), "every sector has its committee"
    assert SpecialCommittee.objects.get(office="专委会工作六室")
    from handbook.copies import check_copies
    from handbook.models import ReflectionCopy

    check_copies()
    flagged = {(c.reflection.text[:11], c.original.text[:11]) for c in ReflectionCopy.objects.all()}
    assert flagged == {("把群众的事当成自己的事", "把群众的事当成自己的事")}, (
        "the demo pool shows one possible copy, not all"
    )
    assert "用户名 admin" in first and "http://127.0.0.1:8000/admin/" in first
    assert Member.objects.values("name").distinct().count() == 200

    # It reads like one committee: each filing's history names its own sector's leader, and the
    # 履职心语 come in more than one form.
    from forms_app.models import FilingEvent, Reflection

    for event in FilingEvent.objects.filter(action="submit").select_related("filing", "actor__profile"):
        scope = event.actor.profile
        assert (scope.sector_id, scope.party_id) == (event.filing.sector_id, event.filing.party_id), event.filing
    texts = set(Reflection.objects.values_list("text", flat=True))
    assert len(texts) >= 3 and any("\n" in text for text in texts), "a sentence, a poem, a story"


def _contacts_snapshot():
    from contacts.models import ContactActivity, ContactTarget, Pairing

    return (
        sorted(Member.objects.exclude(chair_role="").values_list("code", "chair_role")),
        sorted(Member.objects.filter(is_youth=True).values_list("code", flat=True)),
        sorted(Pairing.objects.values_list("year", "kind", "from_code", "to_code")),
        sorted(ContactTarget.objects.values_list("member__code", "category", "name")),
        sorted(ContactActivity.objects.values_list("date", "way", "fingerprint")),
    )


def _check_contacts_demo():
    """Enough for the 落实情况 page and the member's page: every kind of pairing this year, some
    forty entries over the year, and the demo member with a paired 委员 and a saved 联系对象."""
    from django.utils import timezone

    from contacts.models import ContactActivity, ContactTarget, Pairing, PairingKind
    from people.models import ChairRole

    year = timezone.localdate().year
    assert Member.objects.filter(chair_role=ChairRole.CHAIR).count() == 1
    assert Member.objects.filter(chair_role=ChairRole.VICE_CHAIR).count() == 4
    kinds = set(Pairing.objects.filter(year=year).values_list("kind", flat=True))
    assert kinds == set(PairingKind.values)
    today = timezone.localdate()
    if today.month >= 11:  # by then every demo entry of the year is due
        assert 35 <= ContactActivity.objects.filter(date__year=year).count() <= 50
        assert ContactActivity.objects.filter(is_forum=True).exists()
        assert ContactActivity.objects.filter(street_group__isnull=False).exists()
        assert ContactActivity.objects.filter(committee__isnull=False, makers__isnull=True).exists()
    member = Member.objects.get(account__user__username="member")
    assert Pairing.objects.filter(year=year, from_member=member).exists(), "the demo member contacts a 委员"
    assert ContactTarget.objects.filter(member=member).exists()


@pytest.mark.django_db
def test_demo_accounts_log_in_with_the_printed_password(client, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-2026")
    call_command("seed_demo", verbosity=0)
    assert client.login(username="liaison", password="demo-pass-2026")
    assert client.get("/admin/people/member/").status_code == 200
    assert client.login(username="admin", password="demo-pass-2026")


@pytest.mark.django_db
def test_home_page_is_served_in_chinese_without_private_data(client, members):
    call_command("seed_demo", verbosity=0)
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in page
    assert "连心" in page
    assert "13800138000" not in page
    # Nothing points at another host (a CDN): every script, style sheet and image is served here,
    # and the only absolute address is the page's own canonical URL.
    own = Site.objects.get(is_default_site=True).root_url
    elsewhere = [
        url for url in re.findall(r'(?:src|href|srcset)="((?:https?:)?//[^"]*)"', page) if not url.startswith(own + "/")
    ]
    assert elsewhere == []


@pytest.mark.django_db
def test_member_code_is_unique(reference):
    MemberFactory(code="14001", sector=reference["education"])
    with pytest.raises(IntegrityError):
        MemberFactory(code="14001", sector=reference["education"])


@pytest.mark.parametrize("phone", ["13800138000", "010-64012345", "01064012345", "64012345", "010-64012345-801"])
@pytest.mark.django_db
def test_phone_formats_a_roster_uses_are_accepted(reference, phone):
    MemberFactory.build(phone=phone, sector=reference["education"]).full_clean(exclude=["photo"])


@pytest.mark.parametrize("phone", ["12345", "23800138000", "138-0013-8000x", "电话"])
@pytest.mark.django_db
def test_malformed_phones_are_refused(reference, phone):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="格式不正确"):
        MemberFactory.build(phone=phone, sector=reference["education"]).full_clean(exclude=["photo"])


def test_a_year_in_a_url_is_one_rule_for_every_page(monkeypatch):
    """lianxin_site.dates.year_param: 2000 up to next year, anything else is this year."""
    from django.utils import timezone

    from lianxin_site.dates import year_param

    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2026, 11, 25))
    assert [year_param(v) for v in ("2026", "2027", "2000", " 2015 ")] == [2026, 2027, 2000, 2015]
    assert [year_param(v) for v in ("2028", "1999", "abc", "", None, "-1")] == [2026] * 6


def test_the_committees_name_heads_its_forms(settings, reference, make_user, tmp_path, db):
    """One group of settings names the committee; the paper forms' headings follow it."""
    from forms_app.five_ones.pdf import filing_pdf
    from people import roles

    from .test_five_ones_route import file_for

    assert settings.COMMITTEE_NAME == f"{settings.COMMITTEE_DISTRICT}政协" == "东城区政协"
    settings.COMMITTEE_NAME = "西山区政协"
    filing = file_for(make_user(roles.SECTOR_LEADER, sector=reference["education"]), sector=reference["education"])
    path = tmp_path / "filing.pdf"
    path.write_bytes(filing_pdf(filing))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "西山区政协委员基层日“五个一活动”备案表" in text.replace(" ", "")


def test_a_cell_keeps_no_control_character_and_runs_no_formula():
    import io

    import openpyxl

    from lianxin_site.spreadsheet import safe_cell, table_xlsx

    assert safe_cell("区实验小学\x0b副校长") == "区实验小学副校长"
    assert safe_cell("\x0b=1+1") == "'=1+1"
    data = table_xlsx("名单", [("单位及职务", lambda text: text)], ["区实验小学\x0b副校长\x00", "=HYPERLINK(1)"])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["区实验小学副校长", "'=HYPERLINK(1)"]
