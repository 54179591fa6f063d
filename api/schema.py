"""OpenAPI details drf-spectacular cannot guess: the `Token` security scheme and the shared
error body of every operation."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers


class ClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ClientTokenAuthentication"
    name = "clientToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <令牌>`：管理员在后台为每个外部系统签发，带权限范围。",
        }


class _ErrorBody(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(required=False)


class ErrorSerializer(serializers.Serializer):
    """The one error body of api/errors.py."""

    error = _ErrorBody()


ERROR_CODES = ("400", "401", "403", "404", "429")
# With an Idempotency-Key: 409 while the first request runs, 422 for a key reused elsewhere.
IDEMPOTENCY_CODES = ("409", "422")


class PingyiAutoSchema(AutoSchema):
    """Documents the shared error body for every error status an operation can answer."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        if direction == "response":
            codes = ERROR_CODES
            if self.method in ("POST", "PUT", "PATCH", "DELETE"):
                codes += IDEMPOTENCY_CODES
            for code in codes:
                if code not in responses:
                    responses[code] = self._get_response_for_code(ErrorSerializer, code)
        return responses

    def get_override_parameters(self):
        """Every write takes an optional `Idempotency-Key` (api/idempotency.py)."""
        parameters = list(super().get_override_parameters())
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            parameters.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    str,
                    OpenApiParameter.HEADER,
                    required=False,
                    description="重试时带相同的值：同一用户的相同幂等键返回首次结果，不重复写入。",
                )
            )
        return parameters


def only_v1(endpoints, **kwargs):
    """The schema documents /api/v1/ only: other apps' JSON endpoints used by their own
    pages (e.g. /api/rectification/…) are not part of the versioned API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
