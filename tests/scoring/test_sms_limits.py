"""SMS code limits hold under real concurrency (issue #18 point 3): many requests at once for
one number send exactly one code, a burst from one address stops exactly at the hourly limit,
and concurrent wrong guesses never exceed the allowed attempts.

PostgreSQL only, like the other concurrency tests: SQLite serialises every write."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from scoring import sms
from scoring.models import PhoneCode, SmsLimitLock
from scoring.services import public_vote as pv
from tests.scoring.factories import campaign_with_batch
from tests.scoring.test_inputs import _race

N = 30  # concurrent requests: each thread holds its own database connection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def open_vote(settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write: real concurrency needs PostgreSQL")
    settings.SMS_BACKEND = "scoring.sms.LocmemSmsBackend"
    sms.outbox.clear()
    staff, campaign, batch, (a,) = campaign_with_batch(1)
    return pv.vote_set_open(batch=batch, is_open=True, actor=staff), a


def _messages(results) -> list[str]:
    return sorted(r.messages[0] if isinstance(r, ValidationError) else repr(r) for r in results)


def test_concurrent_requests_for_one_number_send_exactly_one_code(open_vote):
    vote, _ = open_vote
    counter = iter(range(N))

    results = _race(
        lambda: pv.code_request(
            vote=vote, phone="13912345678", client_ip=f"10.0.0.{next(counter)}"
        ),
        n=N,
    )

    assert results.count(None) == 1
    assert _messages(r for r in results if r is not None) == [
        "验证码发送过于频繁，请 1 分钟后再试"
    ] * (N - 1)
    assert len(sms.outbox) == 1 and PhoneCode.objects.count() == 1
    assert SmsLimitLock.objects.filter(key__startswith="phone:").count() == 1


def test_a_burst_from_one_address_stops_exactly_at_the_hourly_limit(open_vote, settings):
    vote, _ = open_vote
    settings.SMS_CODES_PER_CLIENT_HOUR = 20
    phones = iter(f"137{n:08d}" for n in range(N))

    results = _race(
        lambda: pv.code_request(vote=vote, phone=next(phones), client_ip="9.9.9.9"), n=N
    )

    assert results.count(None) == 20
    assert _messages(r for r in results if r is not None) == [
        "当前网络获取验证码次数过多，请稍后再试"
    ] * (N - 20)
    assert len(sms.outbox) == 20
    assert PhoneCode.objects.filter(client_ip="9.9.9.9").count() == 20


def test_concurrent_wrong_guesses_never_exceed_the_allowed_attempts(open_vote, settings):
    vote, a = open_vote
    pv.code_request(vote=vote, phone="13912345678", client_ip="1.2.3.4")
    code = sms.outbox[-1]["code"]
    wrong = "000000" if code != "000000" else "111111"

    results = _race(
        lambda: pv.public_ballot_submit(
            vote=vote,
            phone="13912345678",
            code=wrong,
            ratings={a.id: "satisfied"},
            client_ip="1.2.3.4",
        ),
        n=N,
    )

    limit = settings.SMS_CODE_MAX_ATTEMPTS
    assert _messages(results).count("验证码不正确") == limit
    assert _messages(results).count("验证码错误次数过多，请重新获取") == N - limit
    assert PhoneCode.objects.get().attempts == limit
    # The right code is refused too: the code is spent.
    with pytest.raises(ValidationError, match="次数过多"):
        pv.public_ballot_submit(
            vote=vote,
            phone="13912345678",
            code=code,
            ratings={a.id: "satisfied"},
            client_ip="1.2.3.4",
        )


def test_a_right_code_gives_its_attempt_back(open_vote, settings):
    """Sequential, but the reservation logic must not eat attempts of the right code: after
    limit - 1 wrong guesses the right one still votes."""
    vote, a = open_vote
    pv.code_request(vote=vote, phone="13912345678", client_ip="1.2.3.4")
    code = sms.outbox[-1]["code"]
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(settings.SMS_CODE_MAX_ATTEMPTS - 1):
        with pytest.raises(ValidationError, match="不正确"):
            pv.public_ballot_submit(
                vote=vote,
                phone="13912345678",
                code=wrong,
                ratings={a.id: "basic"},
                client_ip="1.2.3.4",
            )

    pv.public_ballot_submit(
        vote=vote, phone="13912345678", code=code, ratings={a.id: "basic"}, client_ip="1.2.3.4"
    )

    used = PhoneCode.objects.get()
    assert used.used_at is not None and used.attempts == settings.SMS_CODE_MAX_ATTEMPTS - 1
