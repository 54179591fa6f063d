"""DRF permission that reads the matrix (api/matrix.py) and, for token clients, scopes."""

from __future__ import annotations

from rest_framework import permissions

from .matrix import allows, role_of
from .models import ApiClient

READ_METHODS = ("GET", "HEAD", "OPTIONS")


class MatrixPermission(permissions.BasePermission):
    """A view declares `matrix = {"read": (resource, action), "write": (resource, action)}`
    and `scopes = {"read": scope, "write": scope}`."""

    message = "您的角色无权访问此接口。"

    def has_permission(self, request, view) -> bool:
        kind = "read" if request.method in READ_METHODS else "write"
        if kind not in view.matrix:
            # A read-only endpoint: gate by its read row, then DRF answers 405.
            return allows(role_of(request.user), *view.matrix["read"])
        if not allows(role_of(request.user), *view.matrix[kind]):
            return False
        if isinstance(request.auth, ApiClient) and not getattr(view, "public", False):
            scope = view.scopes.get(kind)
            if scope is None or not request.auth.has_scope(scope):
                self.message = f"令牌缺少权限范围：{scope}"
                return False
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        """The object rules of api/rules.py (django-rules), when the view names one."""
        perm = getattr(view, "object_perm", None)
        return perm is None or request.user.has_perm(perm, obj)
