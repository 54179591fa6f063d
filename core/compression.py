"""Gzip for the pages and JSON the app renders (static files are WhiteNoise's, pre-compressed).

Django's own GZipMiddleware: since Django 4.2 it mitigates BREACH by adding up to 100 random
bytes to the gzip header's filename field ("Heal The Breach"), so the compressed length of a
page carrying a secret (the masked CSRF token, a form token) is not a steady oracle. It is
placed right after WhiteNoise in MIDDLEWARE, above every middleware that reads or writes the
response body, and it already leaves alone small bodies, responses with a Content-Encoding and
clients that do not send Accept-Encoding: gzip.

Left uncompressed here on top of that: streamed responses (FileResponse attachments and
photos, the streamed CSV of refused hotline rows: compressing a stream drops its
Content-Length and buffers a download that is meant to trickle) and any download
(Content-Disposition: .xlsx, .docx and .zip are zip archives already).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware


class PageGZipMiddleware(GZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response.streaming or response.has_header("Content-Disposition"):
            return response
        return super().process_response(request, response)
