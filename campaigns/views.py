from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from core.publiccache import public_page

from .selectors import (
    batch_timeline_of,
    campaigns_for_user,
    latest_public_campaign,
    public_campaign_page,
    public_campaigns,
    public_evaluated_department,
    public_statement,
)


@public_page(campaign_kwarg=None)
def home(request: HttpRequest) -> HttpResponse:
    """Public home page: the newest campaigns with their batches and departments."""
    campaigns = list(public_campaigns())
    return render(
        request,
        "campaigns/home.html",
        {"featured": campaigns[0] if campaigns else None, "others": campaigns[1:]},
    )


# Where the header's links go on pages without a campaign of their own.
LATEST_TARGETS = {
    "campaign": "campaigns:detail",
    "progress": "rectification:board",
    "scores": "scoring:public-scores",
    "search": "rectification:search",
}


@require_GET
def latest(request: HttpRequest) -> HttpResponse:
    """Redirect to a page of the newest public campaign (`?to=campaign|progress|scores|
    search`, with `q` kept for the search)."""
    campaign = latest_public_campaign()
    if campaign is None:
        return redirect("home")
    target = LATEST_TARGETS.get(request.GET.get("to", ""), "campaigns:detail")
    url = reverse(target, args=[campaign.slug])
    query = request.GET.get("q", "").strip()[:100]
    if target == "rectification:search" and query:
        url += "?" + urlencode({"q": query})
    return redirect(url)


@public_page
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(
        request, "campaigns/campaign_detail.html", {"campaign": public_campaign_page(slug=slug)}
    )


@public_page
def department_detail(request: HttpRequest, slug: str, department_slug: str) -> HttpResponse:
    evaluated = public_evaluated_department(campaign_slug=slug, department_slug=department_slug)
    return render(
        request,
        "campaigns/department_detail.html",
        {
            "evaluated": evaluated,
            "campaign": evaluated.campaign,
            "department": evaluated.department,
            "statement": public_statement(evaluated=evaluated),
            "timeline": batch_timeline_of(batch=evaluated.batch),
        },
    )


def statement_file(request: HttpRequest, slug: str, department_slug: str) -> FileResponse:
    """The uploaded statement document: public once published; before that only staff of
    the organizer may open it."""
    evaluated = public_evaluated_department(campaign_slug=slug, department_slug=department_slug)
    statement = getattr(evaluated, "statement", None)
    if statement is None or not statement.file:
        raise Http404("没有上传发言稿文件")
    if not statement.is_published and not (
        campaigns_for_user(user=request.user).filter(pk=evaluated.campaign_id).exists()
        and request.user.role in ("staff", "admin")
    ):
        raise Http404("发言稿尚未公布")
    try:
        handle = statement.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("发言稿文件不存在") from exc
    return FileResponse(
        handle, as_attachment=False, filename=statement.file_name or statement.file.name
    )
