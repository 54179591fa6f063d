from __future__ import annotations

from django.utils import timezone
from rest_framework import authentication, exceptions

from .models import ApiClient, token_hash


class ClientTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>` for systems. request.user is the client's user,
    request.auth the ApiClient (its scopes are checked by MatrixPermission)."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("令牌格式不正确：Authorization: Token <令牌>")
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("令牌格式不正确") from exc
        client = ApiClient.objects.select_related("user").filter(key_hash=token_hash(key)).first()
        if client is None or not client.is_active or not client.user.is_active:
            raise exceptions.AuthenticationFailed("令牌无效或已被吊销")
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
        return client.user, client

    def authenticate_header(self, request) -> str:
        return self.keyword
