"""OpenAPI details drf-spectacular cannot guess: the `Token` security scheme and the shared
error body of every operation."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
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


class PingyiAutoSchema(AutoSchema):
    """Documents the shared error body for every error status an operation can answer."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        if direction == "response":
            for code in ERROR_CODES:
                if code not in responses:
                    responses[code] = self._get_response_for_code(ErrorSerializer, code)
        return responses


def only_v1(endpoints, **kwargs):
    """The schema documents /api/v1/ only: other apps' JSON endpoints used by their own
    pages (e.g. /api/rectification/…) are not part of the versioned API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
