"""Error pages in Chinese that never show a stack trace or the exception's text."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
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


def too_large_message() -> str:
    """What a person is told when a request body is over the limits (no exception text:
    Django's own messages are English and name settings)."""
    largest = settings.UPLOAD_MAX_REQUEST_BYTES // (1024 * 1024)
    return (
        f"提交的内容过大，未被接收：一次上传的文件合计不能超过 {largest} MB，"
        f"表单其他内容不能超过 {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024} KB。"
        "请缩小或拆分文件后重新提交。"
    )


def _too_many_message(exception) -> str:
    if isinstance(exception, TooManyFilesSent):
        return f"一次最多上传 {settings.DATA_UPLOAD_MAX_NUMBER_FILES} 个文件。"
    return f"提交的字段过多（上限 {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} 个）。"


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """400, or 413 for a body over the upload limits (core/upload_handlers.py)."""
    if isinstance(exception, RequestDataTooBig):
        status, code, message = 413, "request_too_large", too_large_message()
    elif isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        status, code, message = 400, "too_many_fields", _too_many_message(exception)
    else:
        status, code, message = 400, "bad_request", "请求有误，无法处理。"
    if _is_api(request):
        return _api_error(status, code, message)
    return render(request, "errors/400.html", {"status": status, "message": message}, status=status)


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
