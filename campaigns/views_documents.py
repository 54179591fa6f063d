"""Committee staff download the campaign's official Word documents (/staff/<slug>/documents/):
a page with one link per document, a zip of all, and each .docx alone. Scoped like every
staff campaign page: the role first, then campaign_for_user (404 outside the organizer)."""

import io

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.permissions import WORKSPACE_ROLES, role_required
from core.documents import DocumentUnavailable, document_kinds

from .documents import (
    document_bytes,
    document_find,
    documents_zip,
    evaluated_departments,
    zip_filename,
)
from .selectors import campaign_for_user

staff_only = role_required(*WORKSPACE_ROLES["staff"])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@require_GET
@staff_only
def documents(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    kinds = document_kinds()
    return render(
        request,
        "campaigns/staff/documents.html",
        {
            "campaign": campaign,
            "campaign_kinds": [k for k in kinds if not k.per_department],
            "department_kinds": [k for k in kinds if k.per_department],
            "departments": evaluated_departments(campaign=campaign),
        },
    )


@require_GET
@staff_only
def documents_download(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    data, _refused = documents_zip(campaign=campaign)
    return _file(data, zip_filename(campaign=campaign), "application/zip")


@require_GET
@staff_only
def document_download(
    request: HttpRequest, slug: str, kind: str, department_slug: str = ""
) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    try:
        file = document_find(campaign=campaign, kind=kind, department_slug=department_slug)
    except LookupError as exc:
        raise Http404("没有这份公文") from exc
    try:
        data = document_bytes(campaign=campaign, file=file)
    except DocumentUnavailable as exc:
        messages.error(request, exc.message)
        return redirect("campaigns-staff:documents", campaign.slug)
    return _file(data, file.filename, DOCX)


def _file(data: bytes, filename: str, content_type: str) -> FileResponse:
    # FileResponse writes filename* (RFC 5987) so the Chinese name survives every browser.
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=filename, content_type=content_type
    )
