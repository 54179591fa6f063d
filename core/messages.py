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


def validation_error_to_form(form: Any, exc: ValidationError) -> None:
    """A service's refusal shown on the bound form that asked for it (issue 19): an error
    that names one of the form's fields goes to that field (marked invalid, linked from the
    error summary); any other goes to the summary as a non-field error."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)
