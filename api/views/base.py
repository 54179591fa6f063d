"""What every /api/v1/ view shares: the matrix-checked read-only viewset and the call of a service
with its refusal turned into a 400."""

from __future__ import annotations

from auditlog.context import auditlog_value
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError

from campaigns.selectors import campaigns_for_user
from core.audit import audit_as

from ..idempotency import IdempotentMixin
from ..permissions import MatrixPermission

PUBLIC = {"read": ("public_page", "view")}


class MatrixViewSet(IdempotentMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [MatrixPermission]
    matrix: dict = {}
    scopes: dict = {}

    def campaigns(self):
        return campaigns_for_user(user=self.request.user)


def _service(request, call):
    """Run a service as the request's user: DRF authenticates tokens after django-auditlog's
    middleware has run, so the audit entries get their actor and address here."""
    # The middleware's context has the client address (X-Forwarded-For aware) but no actor.
    context = auditlog_value.get({})
    address = context.get("remote_addr", request.META.get("REMOTE_ADDR"))
    try:
        # audit_as, not auditlog's set_actor: nested in the middleware's, set_actor would
        # leave the middleware's receiver connected for ever (core/audit.py).
        with audit_as(request.user, address, context.get("remote_port")):
            return call()
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ValidationError(exc.message_dict) from exc
        raise ValidationError({"non_field_errors": exc.messages}) from exc
