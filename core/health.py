"""GET /healthz: does the database answer, does the broker answer?

Load balancers and docker compose poll it, so it does no more than one round trip to each."""

import time

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _check_database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the kind is reported, not raised
        return {"ok": False, "error": type(exc).__name__}
    return {
        "ok": True,
        "vendor": connection.vendor,
        "ms": round((time.monotonic() - started) * 1000, 1),
    }


def _check_broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # No broker configured: tasks run in-process, so there is nothing that can be down.
        return {"ok": True, "mode": "eager"}
    from celery import current_app as app

    started = time.monotonic()
    try:
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.HEALTHZ_TIMEOUT)
            transport = conn.transport_cls
    except Exception as exc:
        return {"ok": False, "mode": "broker", "error": type(exc).__name__}
    return {
        "ok": True,
        "mode": "broker",
        "transport": str(transport),
        "ms": round((time.monotonic() - started) * 1000, 1),
    }


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks},
        status=200 if healthy else 503,
    )


@require_GET
def bench_bare(request: HttpRequest) -> HttpResponse:
    """The baseline of bench/web_load.py: a view doing nothing, behind the same middleware as
    every page. 404 unless BENCH_BARE_VIEW is set (only the benchmark's server sets it)."""
    if not settings.BENCH_BARE_VIEW:
        raise Http404
    return HttpResponse("ok", content_type="text/plain")
