"""Upload limits enforced while the request body is read, never after.

Django reads a multipart body through its upload handlers (FILE_UPLOAD_HANDLERS). The
LimitedUploadHandler sits first and counts every file's bytes as they arrive:

- a request whose declared Content-Length is above UPLOAD_MAX_REQUEST_BYTES is refused before
  one byte of it is read (RequestDataTooBig: the Chinese 413 page, or the API's JSON error);
- a file above its view's per-file limit, or past the view's limit for all files of the
  request, stops being kept: its remaining bytes are read and dropped, and the view receives
  a RefusedUpload in its place (no content, the real size, a Chinese `refusal`). Every form
  field of the request is still parsed, so the page can show the refusal and keep what was
  valid; upload_check() and rectification's clean_upload() refuse the placeholder by its
  size and message.

Files under the limits go on to Django's own handlers (memory for small requests, a temporary
file otherwise), so no worker ever holds an upload in memory. A view sets its limits with
`@upload_limits(per_file=..., per_request=...)` (bytes, or a callable returning bytes, read
when the request arrives so settings overrides apply); the defaults are UPLOAD_MAX_FILE_BYTES
and UPLOAD_MAX_REQUEST_BYTES."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.urls import Resolver404, resolve

Limit = int | Callable[[], int]
MB = 1024 * 1024


def _mb(size: int) -> str:
    return f"{size / MB:.0f}" if size >= MB else f"{size / MB:.2f}"


class RefusedUpload(UploadedFile):
    """Stands in for a file that was over a limit: empty, with the size it had on the wire
    and the Chinese reason it was refused."""

    def __init__(self, *, name: str, content_type: str, size: int, refusal: str) -> None:
        super().__init__(io.BytesIO(b""), name=name, content_type=content_type, size=size)
        self.refusal = refusal


def upload_limits(*, per_file: Limit | None = None, per_request: Limit | None = None):
    """Set a view's upload limits (a function view, or a DRF view/viewset class)."""

    def decorate(view):
        view.upload_limits = {"per_file": per_file, "per_request": per_request}
        return view

    return decorate


def _value(limit: Limit | None, default: int) -> int:
    if limit is None:
        return default
    return int(limit() if callable(limit) else limit)


def limits_for(request: Any) -> tuple[int, int]:
    """(per file, per request) in bytes for the view the request goes to."""
    per_file, per_request = settings.UPLOAD_MAX_FILE_BYTES, settings.UPLOAD_MAX_REQUEST_BYTES
    match = getattr(request, "resolver_match", None)
    if match is None and getattr(request, "path_info", None):
        # The body can be read before the URL is resolved (core.formtokens reads the
        # form's token in its __call__): resolve it here.
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            match = None
    func = getattr(match, "func", None)
    own = getattr(func, "upload_limits", None) or getattr(
        getattr(func, "cls", None), "upload_limits", None
    )
    if own:
        per_file = _value(own["per_file"], per_file)
        per_request = min(_value(own["per_request"], per_request), per_request)
    return per_file, per_request


class LimitedUploadHandler(FileUploadHandler):
    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.per_file, self.per_request = limits_for(request)
        self.total = 0
        self.size = 0
        self.refusal: str | None = None

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None) -> None:
        hard_limit = settings.UPLOAD_MAX_REQUEST_BYTES
        if content_length > hard_limit:
            raise RequestDataTooBig(
                f"上传内容共 {_mb(content_length)} MB，超过了 {_mb(hard_limit)} MB 的上限。"
            )
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.size = 0
        self.refusal = None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.size += len(raw_data)
        self.total += len(raw_data)
        if self.refusal is None:
            if self.size > self.per_file:
                self.refusal = (
                    f"文件“{self.file_name}”过大：超过每个文件 {_mb(self.per_file)} MB 的"
                    "上传上限，未接收。"
                )
            elif self.total > self.per_request:
                self.refusal = (
                    f"本次上传的文件合计超过 {_mb(self.per_request)} MB，"
                    f"文件“{self.file_name}”未接收。请分批上传。"
                )
        # A refused file's bytes go no further: read from the socket and dropped.
        return None if self.refusal else raw_data

    def file_complete(self, file_size: int) -> RefusedUpload | None:
        if self.refusal is None:
            return None
        return RefusedUpload(
            name=self.file_name or "",
            content_type=self.content_type or "application/octet-stream",
            size=file_size,
            refusal=self.refusal,
        )
