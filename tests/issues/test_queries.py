"""The triage list renders in a bounded number of queries whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from issues.models import Tag
from tests.factories import EvaluatedDepartmentFactory, StaffFactory

from .factories import SuggestionFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def fill(ev, n):
    theme = ThemeFactory(department=ev)
    tag, _ = Tag.objects.get_or_create(campaign=ev.campaign, name="标签")
    for i in range(n):
        s = SuggestionFactory(
            department=ev, theme=theme if i % 2 else None, status="merged" if i % 2 else "received"
        )
        s.tags.add(tag)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_triage_query_count_does_not_grow_with_rows(client):
    ev = EvaluatedDepartmentFactory()
    other = EvaluatedDepartmentFactory(batch=ev.batch)
    client.force_login(StaffFactory(organizer=ev.campaign.organizer))
    url = reverse("issues:triage", args=[ev.campaign.slug])
    fill(ev, 5)
    small = count_queries(client, url)

    fill(other, 120)  # more than two pages
    large = count_queries(client, url)
    filtered = count_queries(client, url + f"?department={ev.id}&q=路灯&channel=web&page=1")

    assert large == small
    assert filtered == small
    assert large <= 12


def test_themes_and_funnel_query_counts_are_bounded(client):
    ev = EvaluatedDepartmentFactory()
    client.force_login(StaffFactory(organizer=ev.campaign.organizer))
    slug = ev.campaign.slug
    fill(ev, 4)
    themes_small = count_queries(client, reverse("issues:themes", args=[slug]))
    funnel_small = count_queries(client, reverse("issues:funnel", args=[slug]))

    for _ in range(5):
        fill(EvaluatedDepartmentFactory(batch=ev.batch), 6)

    assert count_queries(client, reverse("issues:themes", args=[slug])) == themes_small
    assert count_queries(client, reverse("issues:funnel", args=[slug])) == funnel_small


def test_triage_for_5000_suggestions_renders_in_the_same_number_of_queries(client):
    import time

    from issues.models import Suggestion

    ev = EvaluatedDepartmentFactory()
    client.force_login(StaffFactory(organizer=ev.campaign.organizer))
    url = reverse("issues:triage", args=[ev.campaign.slug])
    fill(ev, 3)
    small = count_queries(client, url)
    template = SuggestionFactory.build(department=ev, campaign=ev.campaign)
    Suggestion.objects.bulk_create(
        [
            Suggestion(
                campaign=ev.campaign,
                department=ev,
                channel=template.channel,
                source_type=template.source_type,
                text=f"{i}号楼前路灯不亮",
                submitted_on=template.submitted_on,
                receipt=f"YJ-BULK-{i:06d}",
            )
            for i in range(5000)
        ],
        batch_size=1000,
    )

    started = time.perf_counter()
    assert count_queries(client, url) == small
    assert count_queries(client, url + "?q=路灯&page=40") == small
    assert time.perf_counter() - started < 5  # two pages of 50 rows out of 5,003
