"""Public navigation (issue 14): header links of the page's campaign, /latest/ for pages
without one, the progress board linked from the home and campaign pages."""

import pytest
from django.urls import reverse

from tests.factories import BatchFactory, CampaignFactory

pytestmark = pytest.mark.django_db


def test_header_and_pages_link_the_campaigns_public_pages(client):
    campaign = CampaignFactory(year=2021)
    BatchFactory(campaign=campaign, number=1)

    for url in (reverse("home"), reverse("campaigns:detail", args=[campaign.slug])):
        body = client.get(url).content.decode()
        header, main = body.split("</header>", 1)
        for name in ("campaigns:detail", "rectification:board", "scoring:public-scores"):
            assert f'href="{reverse(name, args=[campaign.slug])}"' in header
        assert f'href="{reverse("issues:receipt")}"' in header
        assert f'action="{reverse("rectification:search", args=[campaign.slug])}"' in header
        assert f'href="{reverse("rectification:board", args=[campaign.slug])}"' in main


def test_pages_without_a_campaign_link_the_latest_one(client):
    CampaignFactory(year=2020, slug="old")
    newest = CampaignFactory(year=2021, slug="new")

    header = client.get(reverse("issues:receipt")).content.decode().split("</header>")[0]
    latest = reverse("campaigns:latest")

    assert f'href="{latest}?to=progress"' in header
    assert client.get(latest, {"to": "progress"})["Location"] == f"/{newest.slug}/progress/"
    assert client.get(latest, {"to": "scores"})["Location"] == f"/{newest.slug}/scores/"
    assert client.get(latest, {"to": "nonsense"})["Location"] == f"/{newest.slug}/"
    searched = client.get(latest, {"to": "search", "q": "长者食堂"})["Location"]
    assert searched == f"/{newest.slug}/search/?q=%E9%95%BF%E8%80%85%E9%A3%9F%E5%A0%82"


def test_latest_without_any_campaign_goes_home(client):
    assert client.get(reverse("campaigns:latest"))["Location"] == reverse("home")
