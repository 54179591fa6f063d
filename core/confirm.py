"""Confirm what cannot be undone: a review step, checked on the server.

The first POST of an irreversible act renders a review page (nothing is written) carrying a
signed token over the exact payload; the second POST, with `confirm=1` and a token that
matches the same user, act and payload, writes. A changed payload (another ballot, another
candidate list) needs a new review, so what the user saw is what gets written."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

SALT = "pingyi.core.confirm"
MAX_AGE = 60 * 60  # a review page left open over lunch still confirms; a day-old one not


def _digest(payload) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def confirmation_token(*, user, action: str, payload) -> str:
    return signing.dumps({"u": user.pk, "a": action, "d": _digest(payload)}, salt=SALT)


def confirmation_valid(*, token: str, user, action: str, payload, max_age: int = MAX_AGE) -> bool:
    try:
        data = signing.loads(token or "", salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return False
    return data == {"u": user.pk, "a": action, "d": _digest(payload)}


def confirmed(request: HttpRequest, *, action: str, payload) -> bool:
    """True only for a POST that confirms this very act and payload for this user."""
    return request.POST.get("confirm") == "1" and confirmation_valid(
        token=request.POST.get("confirmation", ""),
        user=request.user,
        action=action,
        payload=payload,
    )


@dataclass
class Review:
    """What the review page shows: a title, what will change (label, value rows), warnings,
    and the fields to post again on confirmation."""

    title: str
    lead: str = ""
    rows: Sequence[tuple[str, str]] = ()
    items: Sequence[str] = ()
    warnings: Sequence[str] = ()
    fields: Iterable[tuple[str, str]] = ()
    confirm_label: str = "确认"
    back_url: str = ""
    back_label: str = "返回修改"
    irreversible: bool = True
    alternatives: Sequence[tuple[str, Iterable[tuple[str, str]]]] = field(default_factory=list)


def review_response(
    request: HttpRequest, *, action: str, payload, review: Review, status: int = 200
) -> HttpResponse:
    """Render the review page for `payload`; its confirm button posts the same fields back
    to the same URL with `confirm=1` and the signed token."""
    return render(
        request,
        "core/confirm.html",
        {
            "review": review,
            "fields": list(review.fields),
            "token": confirmation_token(user=request.user, action=action, payload=payload),
            "post_url": request.get_full_path(),
            "alternatives": [(label, list(f)) for label, f in review.alternatives],
        },
        status=status,
    )
