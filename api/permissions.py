"""DRF permission that reads the matrix (accounts/matrix.py) and, for token clients, scopes."""

from __future__ import annotations

from rest_framework import permissions

from accounts.matrix import allows, role_of

from .models import ApiClient

READ_METHODS = ("GET", "HEAD", "OPTIONS")
MUST_CHANGE_PASSWORD_MESSAGE = "请先登录网页修改初始密码，再使用接口。"  # noqa: S105 - a message


def gate_for(request, view) -> tuple[str, tuple[str, str], str | None]:
    """(kind, matrix row, scope) for this request. A view declares
    `matrix = {"read": (resource, action), "write": (resource, action)}` and
    `scopes = {"read": scope, "write": scope}`; an extra action (`publish`, `close`…) may
    name its own row and scope under its action name, e.g. staff review on an endpoint
    liaisons write to."""
    kind = "read" if request.method in READ_METHODS else "write"
    action = getattr(view, "action", None)
    scopes = getattr(view, "scopes", {})
    if kind == "write" and action in view.matrix:
        return action, view.matrix[action], scopes.get(action)
    if kind not in view.matrix:
        # A read-only endpoint: gate by its read row, then DRF answers 405.
        return "read", view.matrix["read"], scopes.get("read")
    return kind, view.matrix[kind], scopes.get(kind)


class MatrixPermission(permissions.BasePermission):
    message = "您的角色无权访问此接口。"

    def has_permission(self, request, view) -> bool:
        if getattr(request.user, "must_change_password", False):
            # A token authenticates after MatrixMiddleware, which holds such sessions on the
            # change page: the token of an account with a temporary password waits too.
            self.message = MUST_CHANGE_PASSWORD_MESSAGE
            return False
        _kind, row, scope = gate_for(request, view)
        if not allows(role_of(request.user), *row):
            return False
        # Every token request passes a scope check, whatever the method (a write to a
        # read-only endpoint included): only public endpoints are open without one.
        token = isinstance(request.auth, ApiClient) and not getattr(view, "public", False)
        if token and (scope is None or not request.auth.has_scope(scope)):
            self.message = f"令牌缺少权限范围：{scope}"
            return False
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        """The object rules of api/rules.py (django-rules), when the view names one:
        `object_perm` for reads, `object_perms = {kind: perm}` for writes."""
        kind, _row, _scope = gate_for(request, view)
        perm = getattr(view, "object_perms", {}).get(kind) or getattr(view, "object_perm", None)
        return perm is None or request.user.has_perm(perm, obj)
