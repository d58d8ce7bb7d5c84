"""委员信箱 through the browser's eyes (the Django test client): write, keep the 受理编号 and 查询码
from the receipt, read the status and the approved 答复, rate it; every refusal in the issue's
words with nothing written."""

import datetime
import re

import pytest
from captcha.models import CaptchaStore
from django.test import Client, RequestFactory
from django.utils import timezone

from intake import cases, mailbox_views, public
from intake.models import Case, CaseEvent, Category, Channel, Submission
from tests.intake_helpers import CITIZEN, captcha_answer, intake_people, new_case  # noqa: F401

pytestmark = pytest.mark.django_db

MAILBOX = "/mailbox/"
STATUS = "/mailbox/status/"
RECEIPT = "/mailbox/receipt/"


def letter(**changes):
    data = {
        **CITIZEN,
        "subject": "小区门口路灯不亮",
        "content": "东华门社区北门路灯坏了三个月，晚上出行不便。",
        "category": Category.LIVELIHOOD,
        "sector": "",
        "consent": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def write(client, path=MAILBOX, **changes):
    """GET the form, read its CAPTCHA, POST the letter (changes override; None drops a field)."""
    page = client.get(path)
    assert page.status_code == 200
    return client.post(path, {**letter(**changes), **captcha_answer(page.content)})


def receipt_of(response):
    text = response.content.decode()
    number = re.search(r'id="case-number">([^<]+)<', text).group(1)
    code = re.search(r'id="case-code">([^<]+)<', text).group(1)
    return number, code


def look_up(client, number, code):
    return client.post(STATUS, {"action": "lookup", "number": number, "code": code})


def text_of(response):
    return response.content.decode()


def test_a_citizen_writes_keeps_the_number_and_reads_the_approved_reply(intake_people):
    p = intake_people
    citizen = Client()
    response = write(citizen)
    assert response.status_code == 302 and response["Location"] == RECEIPT
    case = Case.objects.get()
    assert case.channel == Channel.MAILBOX and case.name == CITIZEN["name"] and case.address == CITIZEN["address"]
    assert case.category == Category.LIVELIHOOD and case.consent_at is not None and case.station is None
    assert Submission.objects.filter(kind="mailbox").count() == 1

    shown = citizen.get(RECEIPT)
    number, code = receipt_of(shown)
    assert number == case.number and len(code) == 6 and public.code_matches(case.code_hmac, number, code)
    page = text_of(shown)
    assert "data-print" in page and "打印" in page and STATUS in page and "intake/public.css" in page
    # Once: a reload says where to look it up and shows no code.
    again = text_of(citizen.get(RECEIPT))
    assert code not in again and "只在提交后显示一次" in again and STATUS in again

    found = look_up(citizen, number, code.lower())
    assert found.status_code == 302 and found["Location"] == STATUS
    status = text_of(citizen.get(STATUS))
    assert number in status and "已收到您的来信" in status and "答复</h3>" not in status

    # The office assigns, the member replies, the office approves: only then does the citizen read it.
    cases.assign(case, p["office"], member=p["teacher"].profile.member)
    cases.accept(case, p["teacher"])
    cases.add_note(case, p["teacher"], "内部记录：与街道王科长电话沟通")
    cases.save_reply(case, p["teacher"], "已协调街道于3月10日更换路灯。", submit=True)
    status = text_of(citizen.get(STATUS))
    assert "正在办理" in status and "已协调街道" not in status and "王科长" not in status
    cases.approve_reply(case, p["office"])
    status = text_of(citizen.get(STATUS))
    assert "已协调街道于3月10日更换路灯。" in status and "答复日期" in status and "王科长" not in status
    assert "您对答复满意吗" in status

    # 不满意 needs a reason; with one, the case is handled again and the page says so.
    refused = citizen.post(STATUS, {"action": "rate", "satisfied": "no", "reason": ""})
    assert refused.status_code == 200 and "请填写不满意的原因。" in text_of(refused)
    assert Case.objects.get().status == Case.Status.REPLIED
    rated = citizen.post(STATUS, {"action": "rate", "satisfied": "no", "reason": "路灯还是不亮。"})
    assert rated.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.HANDLING and case.reopened
    status = text_of(citizen.get(STATUS))
    assert "本件已重新办理" in status and "已协调街道" not in status and "您对答复满意吗" not in status

    cases.save_reply(case, p["teacher"], "已再次督促，3月20日修好。", submit=True)
    cases.approve_reply(case, p["office"])
    assert citizen.post(STATUS, {"action": "rate", "satisfied": "yes"}).status_code == 302
    status = text_of(citizen.get(STATUS))
    assert "3月20日修好" in status and "谢谢您的评价" in status and "您对答复满意吗" not in status
    assert Case.objects.get().satisfaction == Case.Satisfaction.SATISFIED

    # 退出查询: the page asks for the number and code again.
    citizen.post(STATUS, {"action": "forget"})
    assert "3月20日修好" not in text_of(citizen.get(STATUS))


def test_a_letter_from_a_workstation_page_is_addressed_to_it(intake_people):
    station = intake_people["edu_station"]
    client = Client()
    page = text_of(client.get(f"{MAILBOX}?station={station.pk}"))
    assert f"写给：<strong>{station.title}</strong>" in page and f'action="{MAILBOX}?station={station.pk}"' in page
    write(client, f"{MAILBOX}?station={station.pk}")
    assert Case.objects.get().station == station


@pytest.mark.parametrize("bad", ["abc", "999999", "-1", ""])
def test_a_bad_or_unknown_station_is_ignored(intake_people, bad):
    client = Client()
    page = client.get(f"{MAILBOX}?station={bad}")
    assert page.status_code == 200 and "写给：" not in text_of(page)
    assert write(client, f"{MAILBOX}?station={bad}").status_code == 302
    assert Case.objects.get().station is None


def test_an_unpublished_station_is_ignored(intake_people):
    station = intake_people["econ_station"]
    station.unpublish()
    assert "写给：" not in text_of(Client().get(f"{MAILBOX}?station={station.pk}"))


def expire_captchas():
    CaptchaStore.objects.update(expiration=timezone.now() - datetime.timedelta(minutes=1))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"consent": None}, "consent", public.CONSENT_REQUIRED),
        ({"phone": "12345"}, "phone", public.PHONE_WRONG),
        ({"phone": ""}, "phone", "请填写联系电话"),
        ({"content": "字" * 2001}, "content", "「内容」最多 2000 字（现为 2001 字）"),
        ({"subject": ""}, "subject", "请填写标题"),
        ({"category": ""}, "category", "请选择类别"),
        ({"email": "not-an-email"}, "email", "请填写正确的电子邮箱"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_written(changes, field, message):
    client = Client()
    response = write(client, **changes)
    assert response.status_code == 200
    page = text_of(response)
    field_html = page.split(f'id="field-{field}"')[1].split('<div class="field')[0]
    assert message in field_html
    assert Case.objects.count() == 0 and Submission.objects.count() == 0
    # What was typed is kept, with a new CAPTCHA to answer.
    assert f'value="{CITIZEN["address"]}"' in page
    if "content" not in changes:
        assert "东华门社区北门路灯坏了三个月" in page
    assert CaptchaStore.objects.filter(hashkey=captcha_answer(page)["captcha_0"]).exists()


def test_content_of_exactly_2000_characters_with_line_breaks_is_accepted():
    text = ("字" * 99 + "\r\n") * 20  # 2,000 字 as the browser sends it: 100 per line, CR LF
    assert write(Client(), content=text[:-2] + "字").status_code == 302
    assert len(Case.objects.get().content) == 2000


def test_a_wrong_captcha_keeps_every_other_field_and_writes_nothing():
    client = Client()
    page = client.get(MAILBOX)
    answer = captcha_answer(page.content)
    response = client.post(MAILBOX, {**letter(email="nana@example.com"), **answer, "captcha_1": "wrong"})
    text = text_of(response)
    assert response.status_code == 200 and public.CAPTCHA_WRONG in text
    for value in (CITIZEN["name"], CITIZEN["phone"], CITIZEN["email"], CITIZEN["address"], "小区门口路灯不亮"):
        assert f'value="{value}"' in text
    assert "东华门社区北门路灯坏了三个月" in text and 'value="livelihood" selected' in text
    assert "checked" in text.split('id="field-consent"')[1].split("</div>")[0]
    new_key = captcha_answer(text)["captcha_0"]
    assert new_key != answer["captcha_0"] and 'name="captcha_1"' in text and 'value="wrong"' not in text
    assert Case.objects.count() == 0
    # The same answer again is refused too: a CAPTCHA is tried once.
    assert public.CAPTCHA_WRONG in text_of(client.post(MAILBOX, {**letter(), **answer}))
    assert Case.objects.count() == 0


def test_an_expired_captcha_is_refused_and_nothing_is_written():
    client = Client()
    answer = captcha_answer(client.get(MAILBOX).content)
    expire_captchas()
    response = client.post(MAILBOX, {**letter(), **answer})
    assert response.status_code == 200 and public.CAPTCHA_WRONG in text_of(response)
    assert Case.objects.count() == 0


def test_the_sixth_letter_in_an_hour_is_refused_with_429_and_spends_no_captcha():
    client = Client()
    for _ in range(public.PER_HOUR):
        assert write(client).status_code == 302
    assert Case.objects.count() == 5
    page = client.get(MAILBOX)
    answer = captcha_answer(page.content)
    response = client.post(MAILBOX, {**letter(), **answer})
    assert response.status_code == 429 and public.THROTTLED in text_of(response)
    assert Case.objects.count() == 5
    assert CaptchaStore.objects.filter(hashkey=answer["captcha_0"]).exists()
    # Another address is not held back.
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert write(other).status_code == 302 and Case.objects.count() == 6


def test_a_wrong_number_or_code_reads_the_same_whether_the_number_exists_or_not():
    case, code = new_case()
    wrong_code = "AAAAAA" if code != "AAAAAA" else "BBBBBB"
    client = Client()
    existing = look_up(client, case.number, wrong_code)
    missing = look_up(client, "2026-999999", code)
    assert existing.status_code == missing.status_code == 200
    assert public.LOOKUP_WRONG in text_of(existing) and public.LOOKUP_WRONG in text_of(missing)
    strip = lambda r: re.sub(r'value="[^"]*"', "", text_of(r))  # noqa: E731
    assert strip(existing) == strip(missing)
    assert CITIZEN["name"] not in text_of(existing) and case.subject not in text_of(existing)
    assert Case.objects.count() == 1 and Case.objects.get().events.count() == 1
    # Failed lookups count toward the limit; the right code is never counted.
    assert Submission.objects.filter(kind="lookup").count() == 2
    assert look_up(client, case.number, code).status_code == 302
    assert Submission.objects.filter(kind="lookup").count() == 2


def test_guessing_codes_is_limited_per_address():
    case, code = new_case()
    client = Client()
    for guess in ("AAAAA2", "AAAAA3", "AAAAA4", "AAAAA5", "AAAAA6"):
        assert look_up(client, case.number, guess).status_code == 200
    refused = look_up(client, case.number, code)
    assert refused.status_code == 429 and public.THROTTLED in text_of(refused)
    assert Submission.objects.filter(kind="lookup").count() == 5
    # Guessing is limited apart from writing: the same address may still send a letter.
    from django.test import RequestFactory

    public.check_limit(RequestFactory().post("/mailbox/"), kind="mailbox")
    with pytest.raises(public.Throttled):
        public.check_limit(RequestFactory().post("/mailbox/status/"), kind=public.LOOKUP)


def test_a_rating_needs_a_looked_up_case_and_an_answered_one(intake_people):
    case, code = new_case()
    client = Client()
    assert client.post(STATUS, {"action": "rate", "satisfied": "yes"}).status_code == 200
    look_up(client, case.number, code)
    assert "您对答复满意吗" not in text_of(client.get(STATUS))
    assert "答复后才能评价。" in text_of(client.post(STATUS, {"action": "rate", "satisfied": "yes"}))
    case.refresh_from_db()
    assert case.satisfaction == "" and not case.events.filter(action=CaseEvent.Action.RATE).exists()


def test_the_public_views_are_never_cached_and_need_csrf():
    case, code = new_case()
    client = Client()
    for path in (MAILBOX, STATUS, RECEIPT):
        cache_control = client.get(path)["Cache-Control"]
        assert "no-cache" in cache_control and "no-store" in cache_control and "private" in cache_control
    # The POST stays out of error reports (sensitive_post_parameters), whatever the answer.
    for view in (mailbox_views.mailbox, mailbox_views.status, mailbox_views.receipt):
        request = RequestFactory().post("/mailbox/", {"name": CITIZEN["name"]})
        view(request)
        assert request.sensitive_post_parameters == "__ALL__"
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(MAILBOX)
    assert strict.post(MAILBOX, {**letter(), **captcha_answer(page.content)}).status_code == 403
    assert look_up(strict, case.number, code).status_code == 403
    assert Case.objects.count() == 1


def test_what_a_citizen_typed_is_escaped(intake_people):
    client = Client()
    write(client, subject="<script>alert(1)</script>", content="<b>粗</b>\n第二行")
    number, code = receipt_of(client.get(RECEIPT))
    look_up(client, number, code)
    page = text_of(client.get(STATUS))
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # A refused form shows the typed text escaped too.
    refused = text_of(write(Client(REMOTE_ADDR="10.1.1.1"), subject="<script>x</script>", consent=None))
    assert "<script>x</script>" not in refused and "&lt;script&gt;x&lt;/script&gt;" in refused
