"""Enforces the permission matrix (accounts/matrix.py) on every page before its view runs.

The views keep their own role checks (role_required); this is the single place a reviewer
can read, and a route missing from the matrix is refused (fail closed) rather than open."""

from __future__ import annotations

import logging

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect

from .matrix import ANONYMOUS, declared_methods, role_of, roles_for_route

logger = logging.getLogger(__name__)

# What an account that must change its password may still open: the change page itself,
# signing out, and the login page (which sends a signed-in user on anyway).
PASSWORD_CHANGE_OPEN = frozenset(
    {"accounts:password-change", "accounts:logout", "accounts:login", "admin:logout"}
)


class MatrixMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            return None
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and match.view_name not in PASSWORD_CHANGE_OPEN
        ):
            # A new account or a reset password: nothing else until it is changed. An API
            # call on the session is refused rather than redirected.
            if getattr(view_func, "cls", None) is not None:
                raise PermissionDenied("请先修改密码。")
            return redirect("accounts:password-change")
        if getattr(view_func, "cls", None) is not None:
            # DRF views authenticate tokens themselves (after this middleware) and check
            # the matrix with MatrixPermission or their own role checks.
            return None
        methods = declared_methods(match.view_name)
        if methods is None:
            logger.error("route %s is not in the permission matrix: refused", match.view_name)
            raise PermissionDenied("此页面尚未登记访问权限。")
        allowed = roles_for_route(match.view_name, request.method)
        if not allowed and request.method not in ("HEAD", "OPTIONS", *methods):
            return HttpResponseNotAllowed(methods)
        role = role_of(request.user)
        if role in allowed:
            return None
        if role == ANONYMOUS:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied("您的角色无权访问此页面。")
