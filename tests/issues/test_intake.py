"""Suggestions arrive through every channel: the public form (anonymous, protected against
abuse), deputies' workspace, and staff recording offline channels."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.models import DeputyLevel
from issues.challenge import challenge_new, solve_for_tests
from issues.models import OFFLINE_CHANNELS, Channel, SourceType, Suggestion
from tests.factories import DeputyFactory, EvaluatedDepartmentFactory, StaffFactory, TownFactory

from .factories import SuggestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cheap_challenge(settings):
    settings.ALTCHA_MAX_NUMBER = 2000
    settings.SUGGESTION_RATE_LIMITS = ["3/h"]


@pytest.fixture
def evaluated():
    # The public form is open while suggestions are collected.
    return EvaluatedDepartmentFactory(
        department__name="淄博市教育局",
        department__short_name="市教育局",
        batch__stage="suggestions",
    )


def solved(client) -> str:
    challenge = client.get(reverse("issues:challenge")).json()
    return solve_for_tests(challenge)


def public_post(client, evaluated, **overrides):
    data = {
        "department": evaluated.id,
        "source_type": SourceType.PUBLIC,
        "text": "孩子下午三点半就放学了，双职工接不了，建议学校开展课后延时服务。",
        "contact": "13800000000",
        "website": "",
        "altcha": solved(client),
    }
    data.update(overrides)
    return client.post(reverse("issues:suggest", args=[evaluated.campaign.slug]), data)


def test_citizen_submits_anonymously_and_gets_a_receipt(client, evaluated):
    response = public_post(client, evaluated, contact="")

    # Post/redirect/get: the receipt has its own address.
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert response["Location"] == reverse("issues:receipt-detail", args=[suggestion.receipt])
    response = client.get(response["Location"])
    assert suggestion.channel == Channel.WEB
    assert suggestion.source_type == SourceType.PUBLIC
    assert suggestion.department == evaluated
    assert suggestion.submitted_by is None and suggestion.contact == ""
    assert suggestion.receipt.startswith(f"YJ{evaluated.campaign.year}-")
    assert suggestion.receipt in response.content.decode()


def test_public_form_renders_the_self_hosted_challenge(client, evaluated):
    body = client.get(reverse("issues:suggest", args=[evaluated.campaign.slug])).content.decode()

    assert "<altcha-widget" in body
    assert "/static/vendor/altcha/altcha.umd.js" in body
    assert 'challengeurl="/suggestions/challenge/"' in body
    assert "http://" not in body.split("<main")[1] and "https://" not in body.split("<main")[1]


def test_honeypot_filled_is_refused(client, evaluated):
    response = public_post(client, evaluated, website="http://spam.example")

    assert response.status_code == 400
    assert not Suggestion.objects.exists()


def test_missing_or_wrong_proof_of_work_is_refused(client, evaluated):
    assert public_post(client, evaluated, altcha="").status_code == 400
    assert public_post(client, evaluated, altcha="bm90LWpzb24=").status_code == 400
    challenge = challenge_new()
    challenge["signature"] = "0" * 64  # a challenge the server did not sign
    assert public_post(client, evaluated, altcha=solve_for_tests(challenge)).status_code == 400

    assert not Suggestion.objects.exists()


def test_a_solved_challenge_is_accepted_once(client, evaluated):
    payload = solved(client)

    first = public_post(client, evaluated, altcha=payload)
    again = public_post(client, evaluated, altcha=payload)

    # The same solved challenge sent twice is one submission: both land on its receipt.
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Suggestion.objects.count() == 1


def test_rate_limit_per_client_refuses_after_the_allowance(client, evaluated):
    for _ in range(3):
        assert public_post(client, evaluated).status_code == 302

    response = public_post(client, evaluated)

    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert Suggestion.objects.count() == 3


def test_rate_limit_is_per_ip(client, evaluated):
    url = reverse("issues:suggest", args=[evaluated.campaign.slug])
    data = {"department": evaluated.id, "source_type": "public", "text": "路灯不亮，晚上不安全。"}
    for _ in range(3):
        client.post(url, {**data, "altcha": solved(client)}, REMOTE_ADDR="10.0.0.1")
    assert (
        client.post(url, {**data, "altcha": solved(client)}, REMOTE_ADDR="10.0.0.1").status_code
        == 429
    )

    response = client.post(url, {**data, "altcha": solved(client)}, REMOTE_ADDR="10.0.0.2")

    assert response.status_code == 302
    assert Suggestion.objects.count() == 4


def test_department_may_be_unknown(client, evaluated):
    public_post(client, evaluated, department="")

    assert Suggestion.objects.get().department is None


def test_department_of_another_campaign_is_rejected(client, evaluated):
    foreign = EvaluatedDepartmentFactory()

    response = public_post(client, evaluated, department=foreign.id)

    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_receipt_lookup_shows_status_but_never_the_text_or_contact(client, evaluated):
    suggestion = SuggestionFactory(
        department=evaluated, text="这是群众的原话，不应公开", contact="13900001111"
    )

    response = client.get(reverse("issues:receipt"), {"receipt": suggestion.receipt.lower()})

    body = response.content.decode()
    assert suggestion.receipt in body and "已受理" in body and "淄博市教育局" in body
    assert "这是群众的原话" not in body and "13900001111" not in body


def test_unknown_receipt_is_explained(client):
    response = client.get(reverse("issues:receipt"), {"receipt": "YJ2021-NOPE"})

    assert "没有找到" in response.content.decode()


@pytest.mark.parametrize(
    "level,source",
    [
        (DeputyLevel.CITY, SourceType.CITY_DEPUTY),
        (DeputyLevel.DISTRICT, SourceType.DISTRICT_DEPUTY),
        (DeputyLevel.TOWN, SourceType.TOWN_DEPUTY),
    ],
)
def test_deputy_submits_with_level_and_district_from_the_profile(client, evaluated, level, source):
    town = TownFactory()
    deputy = DeputyFactory(deputy_level=level, district=town.district, town=town)
    client.force_login(deputy)

    response = client.post(
        reverse("issues:deputy-suggest", args=[evaluated.campaign.slug]),
        # Fields a deputy might try to set are ignored: the profile decides.
        {
            "department": evaluated.id,
            "text": "建议增加长者食堂网点。",
            "source_type": "public",
            "district": "",
        },
    )

    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.channel == Channel.DEPUTY
    assert suggestion.source_type == source
    assert suggestion.district == town.district
    assert suggestion.submitted_by == deputy
    page = client.get(response.url).content.decode()
    assert suggestion.receipt in page and "建议增加长者食堂网点" in page


@pytest.mark.parametrize("channel", [c.value for c in OFFLINE_CHANNELS])
def test_staff_record_each_offline_channel(client, evaluated, channel):
    staff = StaffFactory(organizer=evaluated.campaign.organizer)
    client.force_login(staff)

    response = client.post(
        reverse("issues:record", args=[evaluated.campaign.slug]),
        {
            "channel": channel,
            "source_type": SourceType.ENTERPRISE,
            "department": evaluated.id,
            "submitted_on": "2021-03-10",
            "text": "企业反映公交线路不到园区，职工通勤难。",
            "contact": "",
        },
    )

    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.channel == channel
    assert suggestion.source_type == SourceType.ENTERPRISE
    assert suggestion.submitted_on == dt.date(2021, 3, 10)
    assert suggestion.submitted_by == staff


@time_machine.travel(dt.datetime(2026, 11, 30, 17, tzinfo=dt.UTC), tick=False)
def test_the_record_form_starts_at_todays_date_in_shanghai(client, evaluated):
    """17:00 UTC is 01:00 the next day in Asia/Shanghai: the day staff are living in."""
    client.force_login(StaffFactory(organizer=evaluated.campaign.organizer))

    page = client.get(reverse("issues:record", args=[evaluated.campaign.slug])).content.decode()

    assert 'value="2026-12-01"' in page and "2026-11-30" not in page
