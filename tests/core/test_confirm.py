"""The signed confirmation of core/confirm.py is bound to user, act and exact payload."""

import pytest
import time_machine

from core.confirm import confirmation_token, confirmation_valid
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_token_confirms_only_the_same_user_act_and_payload():
    alice, bob = StaffFactory(), StaffFactory()
    payload = {"session": 3, "chosen": ["7", "9"]}
    token = confirmation_token(user=alice, action="ballot.submit", payload=payload)

    assert confirmation_valid(token=token, user=alice, action="ballot.submit", payload=payload)
    assert not confirmation_valid(token=token, user=bob, action="ballot.submit", payload=payload)
    assert not confirmation_valid(token=token, user=alice, action="vote.open", payload=payload)
    assert not confirmation_valid(
        token=token, user=alice, action="ballot.submit", payload={**payload, "chosen": ["7"]}
    )
    assert not confirmation_valid(
        token=token + "x", user=alice, action="ballot.submit", payload=payload
    )
    assert not confirmation_valid(token="", user=alice, action="ballot.submit", payload=payload)


def test_token_expires_after_an_hour():
    alice = StaffFactory()
    with time_machine.travel("2026-03-01 09:00", tick=False):
        token = confirmation_token(user=alice, action="measure.close", payload={"measure": 1})
    with time_machine.travel("2026-03-01 10:30", tick=False):
        assert not confirmation_valid(
            token=token, user=alice, action="measure.close", payload={"measure": 1}
        )
