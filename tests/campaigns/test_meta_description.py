"""Every public page has a meta description (what a search engine shows under the title):
a specific one on the campaign, department, key-issue, progress and scores pages, the site's
default or the page's own elsewhere."""

import html
import re

import pytest
from django.urls import reverse

from rectification import services as rect
from scoring.services.public_vote import vote_set_open
from scoring.services.sheets import sheet_publish, sheet_recompute
from tests.factories import LiaisonFactory
from tests.rectification.factories import MeasureFactory, PlanFactory
from tests.scoring.test_views import complete_campaign

pytestmark = pytest.mark.django_db
META = re.compile(r'<meta name="description" content="([^"]*)">')


def description(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    found = META.findall(response.content.decode())
    assert len(found) == 1, (url, found)
    return html.unescape(found[0])


def test_every_public_page_has_a_meta_description(client):
    staff, campaign, batch, evs = complete_campaign(2)
    sheet_publish(sheet=sheet_recompute(campaign=campaign, actor=staff), actor=staff)
    vote_set_open(batch=batch, is_open=True, actor=staff)
    department = evs[0].department
    plan = PlanFactory(key_issue__department=evs[0], key_issue__title="课后服务覆盖面不足")
    MeasureFactory(plan=plan)
    rect.plan_submit(plan=plan, actor=LiaisonFactory(department=department))
    rect.plan_publish(plan=plan, actor=staff)
    slug = campaign.slug

    specific = {
        reverse("campaigns:detail", args=[slug]): [campaign.title],
        reverse("campaigns:department", args=[slug, department.slug]): [department.name],
        reverse("rectification:board", args=[slug]): [campaign.title, "整改进展"],
        reverse("rectification:issue", args=[slug, plan.key_issue.pk]): ["课后服务覆盖面不足"],
        reverse("scoring:public-scores", args=[slug]): [campaign.title, "综合得分"],
        reverse("issues:suggest", args=[slug]): [],
        reverse("scoring:public-vote", args=[slug, batch.number]): [],
        reverse("issues:receipt"): ["回执"],
        reverse("accounts:login"): [],
        reverse("home"): [],
    }
    seen = {}
    for url, words in specific.items():
        text = description(client, url)
        assert 20 <= len(text) <= 160, (url, text)
        assert "{%" not in text and "<" not in text, (url, text)
        for word in words:
            assert word in text, (url, word, text)
        seen[url] = text
    # The five content pages each say what they are about, not the site's default.
    content_pages = list(specific)[:5]
    assert len({seen[url] for url in content_pages}) == 5
    assert seen[reverse("home")] not in {seen[url] for url in content_pages}
