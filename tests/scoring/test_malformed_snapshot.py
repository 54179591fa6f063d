"""Issue 13, point 3: a malformed settings snapshot on a published sheet (the admin once let
one be written) must not take the public scores page or API down; it is logged."""

import logging

import pytest
from django.urls import reverse

from scoring.models import ScoreSheet

from .test_frozen import _sheet

pytestmark = pytest.mark.django_db

MALFORMED = [{}, {"weights": None}, {"weights": {"research": "abc"}}, "x", [1, 2]]


def _force_snapshot(sheet, snapshot):
    """Write the bad snapshot the way issue 13 did, under the guards (SQLite: no trigger;
    PostgreSQL: the sheet is written as a draft first, then published)."""
    ScoreSheet.objects.filter(pk=sheet.pk).update(published_at=None)
    ScoreSheet.objects.filter(pk=sheet.pk).update(settings_snapshot=snapshot)
    ScoreSheet.objects.filter(pk=sheet.pk).update(published_at=sheet.published_at)


@pytest.mark.parametrize("snapshot", MALFORMED)
def test_public_scores_page_and_api_survive_a_malformed_snapshot(client, caplog, snapshot):
    sheet, row = _sheet(published=False)
    sheet.published_at = sheet.created_at
    _force_snapshot(sheet, snapshot)
    slug = sheet.campaign.slug

    with caplog.at_level(logging.WARNING, logger="scoring.models"):
        page = client.get(reverse("scoring:public-scores", args=[slug]))
    assert page.status_code == 200
    assert row.department_name in page.content.decode()
    assert "unreadable weight" in caplog.text

    api = client.get(f"/api/v1/public/campaigns/{slug}/scores/")
    assert api.status_code == 200
    assert api.json()["rows"][0]["department_name"] == row.department_name


def test_a_good_snapshot_shows_its_weights(client):
    sheet, _ = _sheet(published=True)
    page = client.get(reverse("scoring:public-scores", args=[sheet.campaign.slug]))
    assert "0.3" in page.content.decode()
