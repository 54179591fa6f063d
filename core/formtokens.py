"""One-time form tokens: a double click, a back-button resubmit or twenty concurrent posts
of the same staff or liaison form do the work once.

Templates put `{% form_token %}` beside `{% csrf_token %}` (the tag is a template builtin);
it renders a hidden field with a fresh random token. `FormTokenMiddleware` claims the token
of every POST that carries one by inserting it into a table with a unique constraint before
the view runs; a POST whose token is already claimed does nothing and is redirected to the
first submission's result with the message "该表单已提交，未重复处理". The database decides,
not a check-then-insert, so concurrency cannot let two through.

A form re-rendered after an error renders a new token, so correcting and resubmitting works.
A POST without a token (API clients, htmx fragments, old forms) is not affected."""

from __future__ import annotations

import re
import secrets

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe

FIELD = "form_token"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # new_token()'s alphabet, with room to spare
REPLAYED = "该表单已提交，未重复处理"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def form_token_field() -> SafeString:
    return mark_safe(f'<input type="hidden" name="{FIELD}" value="{new_token()}">')  # noqa: S308 - our own token, urlsafe


def _safe_back(request: HttpRequest) -> str:
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return "/"


def claim(*, token: str, user_id: int | None, path: str) -> bool:
    """Insert the token; False when it was already claimed (by this or a concurrent POST)."""
    from .models import FormSubmission

    try:
        with transaction.atomic():
            FormSubmission.objects.create(token=token[:64], user_id=user_id, path=path[:300])
    except IntegrityError:
        return False
    return True


class FormTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only HTML forms carry a token; JSON and other bodies (the API) are left unread.
        if request.method != "POST" or request.content_type not in FORM_TYPES:
            return self.get_response(request)
        token = request.POST.get(FIELD, "").strip()
        if not _TOKEN.fullmatch(token):
            # None, or not one we issue (a NUL in it reached PostgreSQL as a 500): the form
            # goes on as a form without a token.
            return self.get_response(request)
        from .models import FormSubmission

        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        if not claim(token=token, user_id=user_id, path=request.path):
            first = FormSubmission.objects.filter(token=token[:64]).first()
            target = first.result_url if first and first.result_url else _safe_back(request)
            messages.info(request, REPLAYED)
            return HttpResponseRedirect(target)
        response = self.get_response(request)
        rows = FormSubmission.objects.filter(token=token[:64])
        if response.status_code >= 500:
            # Nothing was done (the request's work rolled back); let the user try again.
            rows.delete()
        elif 300 <= response.status_code < 400 and response.get("Location"):
            rows.update(result_url=response["Location"][:500])
        return response
