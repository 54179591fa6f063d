"""The database bounded in time, per kind of process.

A web request must end before gunicorn kills its worker (gunicorn.conf.py, timeout 60 s):
at 20 million hotline records three slow API requests took down every web worker while
their nine PostgreSQL backends ran on. So each web process asks PostgreSQL to cancel any
statement after DB_STATEMENT_TIMEOUT_WEB (25 s by default); Celery workers get a larger
limit (DB_STATEMENT_TIMEOUT_WORKER, 30 minutes: the full aggregate refresh takes 53 s at 20M)
and management commands none (an index built on a large table may take long).

The limit travels in the connection's startup packet (libpq `options`), so it costs no
round trip per request. A cancelled statement raises QueryCanceled; StatementTimeoutMiddleware
turns it into a Chinese 503 page (or the API's JSON error) and the connection stays usable
(in autocommit the failed statement took nothing with it; an atomic block rolls back)."""

from __future__ import annotations

import logging
import re
import sys

from django.conf import settings
from django.db import connections
from django.db.utils import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement cancelled (timeout or cancel)
KINDS = ("web", "worker", "command")


def statement_timeout_ms(kind: str) -> int:
    """The limit of a process kind in milliseconds; 0 means none."""
    return {
        "web": settings.DB_STATEMENT_TIMEOUT_WEB,
        "worker": settings.DB_STATEMENT_TIMEOUT_WORKER,
    }.get(kind, 0)


def statement_timeout_apply(
    *, kind: str, milliseconds: int | None = None, close: bool = True
) -> None:
    """Give every PostgreSQL connection of this process the limit of its kind. Open
    connections are closed (unless close=False), so the next query reconnects with it."""
    limit = statement_timeout_ms(kind) if milliseconds is None else milliseconds
    for alias in connections:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        options = connection.settings_dict.setdefault("OPTIONS", {})
        rest = re.sub(r"\s*-c\s*statement_timeout=\S+", "", options.get("options", "")).strip()
        options["options"] = f"{rest} -c statement_timeout={int(limit)}".strip()
        if close:
            connection.close()


def is_query_canceled(exc: BaseException | None) -> bool:
    while exc is not None:
        if QUERY_CANCELED in (getattr(exc, "pgcode", None), getattr(exc, "sqlstate", None)):
            return True
        exc = exc.__cause__
    return False


def timeout_response(request: HttpRequest) -> HttpResponse:
    seconds = max(1, statement_timeout_ms("web") // 1000)
    if request.path.startswith("/api/"):
        message = f"查询超过 {seconds} 秒的时限，已停止：请缩小范围（筛选条件、每页条数）后重试。"
        response: HttpResponse = JsonResponse(
            {"error": {"status": 503, "code": "query_timeout", "message": message}},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        body = loader.get_template("errors/503.html").render({"seconds": seconds})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = "60"
    return response


class StatementTimeoutMiddleware:
    """A view whose query ran past the statement timeout answers 503, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError) and is_query_canceled(exception):
            logger.warning("statement timeout: %s %s", request.method, request.path)
            return timeout_response(request)
        return None


def canceled_now() -> bool:
    """Whether the exception being handled is a cancelled statement (for handler500, which
    also sees what a middleware raised)."""
    return is_query_canceled(sys.exc_info()[1])
