"""One guard for malformed input in the address: 400 with a Chinese message, never a 500.

Every request's path and query string are checked before any view runs:

- the query string is at most MAX_QUERY_BYTES long and each name or value at most
  MAX_QUERY_VALUE characters;
- percent-decoded, it is valid UTF-8 (no stray bytes, no encoded lone surrogates);
- no name, value or path holds a control character (NUL above all: PostgreSQL refuses it
  in text, so it would surface as a server error wherever it reaches a query);
- a whole number in a value or a path segment fits a 64-bit integer (2**70 overflows
  SQLite's integers and every id column).

Views that read a value by hand still check it (whole_number, slug_or_blank): the guard is
the net, not the only check.

Pages get the product's 400 page (templates/errors/400.html) naming the problem; the API
(/api/) gets its JSON error body. Request bodies are not read here: forms and serializers
refuse NUL characters themselves (Django's and DRF's CharField), and uploads have their own
limits (core/uploads.py)."""

from __future__ import annotations

import re
import uuid
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

MAX_QUERY_BYTES = 8 * 1024
MAX_QUERY_VALUE = 1000
INT64_MAX = 2**63 - 1

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


def whole_number(text: str | None) -> int | None:
    """A non-negative whole number written in ASCII digits that fits a 64-bit id, or None.

    For ids and numbers read from a query or a form by hand: `str.isdigit()` also accepts
    "²" and "١", which int() then refuses (a 500), and int() takes 2**70."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= INT64_MAX else None


def uuid_or_none(text: str | None) -> uuid.UUID | None:
    """A UUID read from a form or a query by hand, or None: a lookup by pk on a UUID column
    raises ValidationError (a 500) for anything that is not one."""
    try:
        return uuid.UUID((text or "").strip())
    except ValueError:
        return None


def control_characters(text: str | None) -> bool:
    """Whether text typed into a form holds a control character (NUL above all, which
    PostgreSQL refuses in text): for values a view reads by hand, not through a form field
    (Django's CharField refuses NUL itself)."""
    return bool(_CONTROL.search(text or ""))


def slug_or_blank(text: str | None) -> str:
    """A slug read from a query (?department=…), or "" (no filter) if it cannot be one."""
    text = (text or "").strip()
    return text if _SLUG.fullmatch(text) else ""


def _name(key: str) -> str:
    """A parameter's name for the message (short, and only if it is itself printable)."""
    return key[:30] if key and not _CONTROL.search(key) else "（参数名）"


def _out_of_range(text: str) -> bool:
    return bool(_INTEGER.fullmatch(text.strip())) and abs(int(text)) > INT64_MAX


def problem(request: HttpRequest) -> str | None:
    """What is wrong with the request's address, in Chinese, or None."""
    path = request.path_info
    if _CONTROL.search(path):
        return "网址中含有不允许的控制字符（例如空字符）。"
    if any(_out_of_range(part) for part in path.split("/") if part):
        return "网址中的编号超出范围。"
    raw = request.META.get("QUERY_STRING", "")
    if not raw:
        return None
    if len(raw) > MAX_QUERY_BYTES:
        return f"网址中的查询参数过长（不能超过 {MAX_QUERY_BYTES // 1024} KB）。"
    try:
        unquote_to_bytes(raw.replace("+", " ")).decode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return "网址中的查询参数不是有效的 UTF-8 文本。"
    for key, values in request.GET.lists():
        name = _name(key)
        for text in (key, *values):
            if len(text) > MAX_QUERY_VALUE:
                return f"查询参数“{name}”过长（不能超过 {MAX_QUERY_VALUE} 个字符）。"
            if _CONTROL.search(text):
                return f"查询参数“{name}”含有不允许的控制字符（例如空字符）。"
        if any(_out_of_range(value) for value in values):
            return f"查询参数“{name}”的数值超出范围。"
    return None


def bad_request_response(request: HttpRequest, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        # The API's error body (api/errors.py).
        return JsonResponse(
            {"error": {"status": 400, "code": "bad_request", "message": message}},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "errors/400.html", {"status": 400, "message": message}, status=400)


class MalformedInputMiddleware:
    """Answers 400 to a request whose address is malformed (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        message = problem(request)
        if message is not None:
            return bad_request_response(request, message)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        """A number in a form or JSON body too large for the database: PostgreSQL's lookups
        refuse it as "no such row" (Django checks the column's range), SQLite's driver raises
        OverflowError; either way it is the client's input, not a server error."""
        if isinstance(exception, OverflowError):
            return bad_request_response(request, "提交的内容中有数值超出范围。")
        return None
