from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import public_campaign, public_campaigns, public_evaluated_department


def home(request: HttpRequest) -> HttpResponse:
    """Public home page: the newest campaigns with their batches and departments."""
    campaigns = list(public_campaigns())
    return render(
        request,
        "campaigns/home.html",
        {"featured": campaigns[0] if campaigns else None, "others": campaigns[1:]},
    )


def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(
        request, "campaigns/campaign_detail.html", {"campaign": public_campaign(slug=slug)}
    )


def department_detail(request: HttpRequest, slug: str, department_slug: str) -> HttpResponse:
    evaluated = public_evaluated_department(campaign_slug=slug, department_slug=department_slug)
    return render(
        request,
        "campaigns/department_detail.html",
        {
            "evaluated": evaluated,
            "campaign": evaluated.campaign,
            "department": evaluated.department,
        },
    )
