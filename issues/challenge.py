"""The proof-of-work challenge of the public suggestion form (ALTCHA, self-hosted).

The server hands out a challenge signed with a key derived from SECRET_KEY; the browser
(static/vendor/altcha, a Web Worker doing SHA-256) finds the number and sends it back with
the form. No third-party service is involved: such services are unreliable in mainland China
and tell a third party who visits the form. A solved challenge is accepted once (the cache
remembers its signature until it expires)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json

import altcha
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

EXPIRES = dt.timedelta(minutes=20)


def _key() -> str:
    return salted_hmac("pingyi.issues.altcha", "challenge-key").hexdigest()


def challenge_new() -> dict:
    challenge = altcha.create_challenge_v1(
        altcha.ChallengeOptionsV1(
            hmac_key=_key(),
            max_number=settings.ALTCHA_MAX_NUMBER,
            expires=timezone.now() + EXPIRES,
        )
    )
    return challenge.to_dict()


def challenge_verify(payload: str) -> bool:
    """True once for a correct, unexpired solution; False for anything else or a replay."""
    if not payload or len(payload) > 4000:
        return False
    try:
        ok, _ = altcha.verify_solution_v1(payload, _key(), check_expires=True)
    except Exception:  # malformed input of any kind is simply a failed challenge
        return False
    if not ok:
        return False
    signature = json.loads(base64.b64decode(payload))["signature"]
    return cache.add(f"altcha:used:{signature}", 1, timeout=int(EXPIRES.total_seconds()) + 60)


def challenge_submission_key(payload: str) -> str | None:
    """A key naming the submission a correct, unexpired solution belongs to (whether or not
    it was already used), so a form sent twice with the same solution is recognised as one
    submission. None for anything that is not a valid solution."""
    if not payload or len(payload) > 4000:
        return None
    try:
        ok, _ = altcha.verify_solution_v1(payload, _key(), check_expires=True)
        if not ok:
            return None
        signature = json.loads(base64.b64decode(payload))["signature"]
    except Exception:  # malformed input of any kind
        return None
    return "web:" + hashlib.sha256(str(signature).encode()).hexdigest()[:56]


def solve_for_tests(challenge: dict) -> str:
    """The payload a browser would send; used by tests and the benchmark-free smoke check."""
    solution = altcha.solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxNumber"]
    )
    payload = {
        "algorithm": challenge["algorithm"],
        "challenge": challenge["challenge"],
        "number": solution.number,
        "salt": challenge["salt"],
        "signature": challenge["signature"],
    }
    return base64.b64encode(json.dumps(payload).encode()).decode()
