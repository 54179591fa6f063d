"""One error body for every API failure:

    {"error": {"status": 403, "code": "permission_denied", "message": "…", "fields": {…}}}

`fields` only appears for validation errors. Messages are Chinese and never contain a
stack trace or another person's data."""

from __future__ import annotations

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler

from core.errors import too_large_message


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "request_too_large"


def api_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("没有找到该资源")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        # The body is over the upload limits (core/upload_handlers.py) or, for a body that is
        # not multipart, over DATA_UPLOAD_MAX_MEMORY_SIZE.
        exc = RequestTooLarge(too_large_message())
    elif isinstance(exc, TooManyFilesSent | TooManyFieldsSent):
        exc = exceptions.ParseError("提交的文件或字段过多。")
    response = exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 page, no details
    detail = response.data
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    body: dict = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        body["code"] = "invalid"
        body["message"] = "提交的数据有误"
        body["fields"] = detail if isinstance(detail, dict) else {"non_field_errors": detail}
    else:
        body["code"] = codes if isinstance(codes, str) else "error"
        body["message"] = (
            str(detail.get("detail", detail)) if isinstance(detail, dict) else str(detail)
        )
    response.data = {"error": body}
    return response
