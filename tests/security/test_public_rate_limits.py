"""Every public write is rate limited per client address, through the real pages (the
public suggestion form's limits: tests/issues/test_intake.py::test_rate_limit_*)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from scoring import sms
from scoring.models import PhoneCode, PublicBallot
from scoring.services import public_vote as pv
from tests.scoring.factories import campaign_with_batch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def open_vote(settings):
    settings.SMS_BACKEND = "scoring.sms.LocmemSmsBackend"
    sms.outbox.clear()
    staff, campaign, batch, (a,) = campaign_with_batch(1)
    pv.vote_set_open(batch=batch, is_open=True, actor=staff)
    url = reverse("scoring:public-vote", args=[campaign.slug, batch.number])
    return url, a


def test_public_vote_posts_are_limited_per_client(client, open_vote, settings):
    settings.PUBLIC_VOTE_POST_RATE_LIMITS = ["3/h"]
    url, a = open_vote
    for _ in range(3):
        response = client.post(url, {"action": "ballot", "phone": "13912345678", "code": "000000"})
        # Refused (no ratings) and shown again with its error summary, not yet limited.
        assert response.status_code == 400

    response = client.post(url, {"action": "code", "phone": "13900000001"})

    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert PhoneCode.objects.count() == 0 and PublicBallot.objects.count() == 0


def test_public_vote_limit_is_per_client_address(client, open_vote, settings):
    settings.PUBLIC_VOTE_POST_RATE_LIMITS = ["1/h"]
    url, a = open_vote
    client.post(url, {"action": "code", "phone": "13900000001"}, REMOTE_ADDR="10.0.0.1")

    response = client.post(url, {"action": "code", "phone": "13900000002"}, REMOTE_ADDR="10.0.0.2")

    assert response.status_code == 200
    assert PhoneCode.objects.count() == 2


def test_sms_codes_per_client_limit_triggers_through_the_page(client, open_vote, settings):
    settings.SMS_CODES_PER_CLIENT_HOUR = 2
    url, a = open_vote
    for phone in ("13900000001", "13900000002"):
        client.post(url, {"action": "code", "phone": phone})

    response = client.post(url, {"action": "code", "phone": "13900000003"})

    assert "当前网络获取验证码次数过多" in response.content.decode()
    assert len(sms.outbox) == 2
