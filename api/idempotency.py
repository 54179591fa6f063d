"""`Idempotency-Key` on API writes: a client that retries a POST (a timeout, a lost answer)
sends the same key and gets the first answer back, with no second write.

The key is claimed by inserting (user, key) under a unique constraint before the handler
runs, after DRF authenticated the client. A repeat of a finished request gets the stored
status and body (with `Idempotent-Replayed: true`); a repeat while the first is still being
handled gets 409; the same key on another method or path gets 422. A 5xx answer is not kept,
so the client may retry it. Keys are per user and never expire on their own (an operator
may delete old rows: `IdempotencyKey.objects.filter(created_at__lt=...)`)."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class InFlight(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = f"相同 {HEADER} 的请求正在处理，请稍后重试。"
    default_code = "idempotency_in_flight"


class KeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = f"该 {HEADER} 已用于另一请求。"
    default_code = "idempotency_key_reused"


class _Replay(APIException):
    def __init__(self, response: Response):
        super().__init__()
        self.response = response


def _jsonable(data):
    import json

    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


class IdempotentMixin:
    """For DRF views: honour `Idempotency-Key` on writes (see the module docstring)."""

    _idempotency_row: IdempotencyKey | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._idempotency_row = None
        key = request.headers.get(HEADER, "").strip()
        if not key or request.method not in WRITE_METHODS or not request.user.is_authenticated:
            return
        if len(key) > 255:
            raise _Replay(
                Response(
                    {"detail": f"{HEADER} 最长255个字符。"}, status=status.HTTP_400_BAD_REQUEST
                )
            )
        try:
            with transaction.atomic():
                self._idempotency_row = IdempotencyKey.objects.create(
                    user=request.user, key=key, method=request.method, path=request.path[:500]
                )
        except IntegrityError:
            raise _Replay(self._stored(request, key)) from None

    def _stored(self, request, key: str) -> Response:
        first = IdempotencyKey.objects.filter(user=request.user, key=key).first()
        if first is None:  # the first request failed (5xx) and released the key meanwhile
            raise InFlight("请使用相同的幂等键重试。")
        if first.method != request.method or first.path != request.path[:500]:
            raise KeyReused(f"该 {HEADER} 已用于另一请求（{first.method} {first.path}）。")
        if first.status_code is None:
            raise InFlight()
        response = Response(first.body, status=first.status_code)
        response["Idempotent-Replayed"] = "true"
        return response

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        row, self._idempotency_row = self._idempotency_row, None
        if row is not None:
            if response.status_code >= 500:
                row.delete()
            else:
                row.status_code = response.status_code
                row.body = _jsonable(getattr(response, "data", None))
                row.save(update_fields=["status_code", "body"])
        return super().finalize_response(request, response, *args, **kwargs)
