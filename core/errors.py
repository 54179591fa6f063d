"""Error pages in Chinese that never show a stack trace or the exception's text."""

from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader

from .database import canceled_now, timeout_response


def _api_error(status: int, code: str, message: str) -> JsonResponse:
    # The same body as api/errors.py, for errors raised before a DRF view runs (an URL
    # that matches no route under /api/, a server error).
    return JsonResponse(
        {"error": {"status": status, "code": code, "message": message}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return _api_error(403, "permission_denied", "您的角色无权访问此接口。")
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if _is_api(request):
        return _api_error(404, "not_found", "没有找到该资源")
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if canceled_now():  # a statement timeout raised outside a view (in a middleware)
        return timeout_response(request)
    if _is_api(request):
        return _api_error(500, "server_error", "服务器内部错误，请稍后再试。")
    # Rendered without the request: the failure may sit in a context processor or the session.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())
