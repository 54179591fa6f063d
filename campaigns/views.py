from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import public_campaign, public_campaigns


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
