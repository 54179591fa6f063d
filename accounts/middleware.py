"""Enforces the permission matrix (accounts/matrix.py) on every page before its view runs.

The views keep their own role checks (role_required); this is the single place a reviewer
can read, and a route missing from the matrix is refused (fail closed) rather than open."""

from __future__ import annotations

import logging

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed

from .matrix import ANONYMOUS, declared_methods, role_of, roles_for_route

logger = logging.getLogger(__name__)


class MatrixMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            return None
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
