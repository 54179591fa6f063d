"""A refused action shown to the person who tried it: every message of a ValidationError
(or every error of a bound form) becomes one Django error message on the next page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def validation_error_flash(request: HttpRequest, exc: ValidationError) -> None:
    """One error message per message of `exc` (a service's refusal), in order."""
    for message in exc.messages:
        messages.error(request, message)


def form_errors_flash(request: HttpRequest, form: Any) -> None:
    """One error message per form error, prefixed with its field's label."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)
