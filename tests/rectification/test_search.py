"""The public search: only public content (confirmed key issues, published measures,
published progress) of the campaign, highlighted, in a fixed number of queries."""

import pytest
from django.urls import reverse

from rectification import services
from rectification.search import segments
from tests.issues.factories import ConfirmedKeyIssueFactory, KeyIssueFactory
from tests.rectification.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def search(client, campaign, q):
    return client.get(reverse("rectification:search", args=[campaign.slug]), {"q": q})


def test_search_finds_public_content_with_highlights(client, published_plan):
    plan = published_plan
    campaign = plan.key_issue.department.campaign
    update = services.update_create(
        plan=plan, actor=plan.liaison, text="已有120所小学开展课后延时服务。", percent=40
    )
    services.update_publish(update=update, actor=plan.staff)

    response = search(client, campaign, "课后")

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-kind="measure"' in body and 'data-kind="update"' in body
    assert "<mark>课后</mark>" in body
    assert reverse("rectification:issue", args=[campaign.slug, plan.key_issue_id]) in body


def test_search_never_shows_private_content(client, published_plan):
    plan = published_plan
    campaign = plan.key_issue.department.campaign
    KeyIssueFactory(department=plan.key_issue.department, title="秘密草稿问题")  # proposed only
    MeasureFactory(plan=plan, title="秘密草稿措施")  # added after publication: a draft
    services.update_create(plan=plan, actor=plan.liaison, text="秘密待审核进展", percent=50)
    other = ConfirmedKeyIssueFactory(title="秘密别的评议活动问题")

    body = search(client, campaign, "秘密").content.decode()
    found = search(client, campaign, "353所").content.decode()

    results = body.split('aria-live="polite"')[1]
    assert "找到 0 条结果" in results
    for private in ("秘密草稿问题", "秘密草稿措施", "秘密待审核进展", other.title):
        assert private not in results
    assert "找到 1 条结果" in found and "<mark>353所</mark>" in found


def test_search_escapes_and_needs_a_query(client, published_plan):
    campaign = published_plan.key_issue.department.campaign

    assert "找到" not in search(client, campaign, "   ").content.decode()
    body = search(client, campaign, "<script>").content.decode()
    assert "<script>" not in body.split("</header>")[1]


@pytest.mark.parametrize("n", [1, 8])
def test_search_query_count_is_fixed(client, published_plan, django_assert_max_num_queries, n):
    plan = published_plan
    for i in range(n):
        ConfirmedKeyIssueFactory(department=plan.key_issue.department, title=f"课后服务问题{i}")
        u = services.update_create(plan=plan, actor=plan.liaison, text=f"课后进展{i}", percent=i)
        services.update_publish(update=u, actor=plan.staff)
    campaign = plan.key_issue.department.campaign

    # campaign (+ its batches and departments), key issues, measures, versions, updates
    with django_assert_max_num_queries(7):
        assert search(client, campaign, "课后").status_code == 200


def test_segments_cut_around_the_first_match():
    parts = segments("甲" * 100 + "课后服务" + "乙" * 100, ["课后"], width=10)
    assert parts[0] == ("…", False) and ("课后", True) in parts and parts[-1] == ("…", False)


@pytest.mark.skipif(
    "postgres" not in __import__("os").environ.get("DATABASE_URL", ""),
    reason="trigram similarity needs PostgreSQL (pg_trgm): run with DATABASE_URL=postgres://...",
)
def test_on_postgresql_a_misspelt_word_still_finds_the_issue(client, published_plan):
    campaign = published_plan.key_issue.department.campaign
    ConfirmedKeyIssueFactory(department=published_plan.key_issue.department, title="Wifi libraries")

    body = search(client, campaign, "librares").content.decode()

    assert "Wifi libraries" in body.split('aria-live="polite"')[1]
