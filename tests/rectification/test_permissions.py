"""A liaison only ever sees and touches their own department's rectification."""

import pytest
from django.urls import reverse

from rectification import services
from rectification.models import Measure, Plan, ProgressUpdate
from tests.factories import DeputyFactory, LiaisonFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_liaison(published_plan):
    """A liaison of department B (another evaluated department, same campaign)."""
    return LiaisonFactory()


def _state(plan):
    return (
        list(Plan.objects.values_list("goals", "deadline", "state")),
        list(Measure.objects.values_list("title", "state", "deadline")),
        ProgressUpdate.objects.count(),
    )


def test_liaison_sees_own_issue(client, published_plan):
    client.force_login(published_plan.liaison)
    pk = published_plan.key_issue_id
    assert client.get(reverse("rectification:liaison-issue", args=[pk])).status_code == 200
    plan = published_plan.pk
    assert client.get(reverse("api:plan-detail", args=[plan])).status_code == 200


def test_liaison_of_another_department_cannot_read(client, published_plan, other_liaison):
    client.force_login(other_liaison)
    pk = published_plan.key_issue_id

    assert client.get(reverse("rectification:liaison-issue", args=[pk])).status_code == 404
    assert client.get(reverse("api:plan-detail", args=[published_plan.pk])).status_code == 404
    page = client.get(reverse("rectification:liaison"))
    assert published_plan.key_issue.title not in page.content.decode()


def test_liaison_of_another_department_cannot_write(client, published_plan, other_liaison):
    plan = published_plan
    measure = plan.measures.first()
    pk = plan.key_issue_id
    before = _state(plan)
    client.force_login(other_liaison)

    posts = [
        (
            reverse("rectification:liaison-plan", args=[pk]),
            {"goals": "改", "deadline": "2022-01-01"},
        ),
        (
            reverse("rectification:liaison-measure-new", args=[pk]),
            {
                "m-title": "x",
                "m-responsible_unit": "x",
                "m-responsible_person": "x",
                "m-deadline": "2021-09-01",
            },
        ),
        (
            reverse("rectification:liaison-measure", args=[pk, measure.pk]),
            {
                "m-title": "改",
                "m-responsible_unit": "x",
                "m-responsible_person": "x",
                "m-deadline": "2021-09-01",
            },
        ),
        (
            reverse("rectification:liaison-measure-done", args=[pk, measure.pk]),
            {"evidence": "完成"},
        ),
        (reverse("rectification:liaison-submit", args=[pk]), {}),
        (reverse("rectification:liaison-update", args=[pk]), {"text": "进展", "percent": "50"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    api = client.post(
        reverse("api:progress-update-list"),
        {"plan": plan.pk, "text": "进展", "percent": 50},
        content_type="application/json",
    )
    assert api.status_code == 404
    assert _state(plan) == before


def test_liaison_cannot_open_staff_review_or_publish_own_update(client, published_plan):
    plan = published_plan
    update = services.update_create(plan=plan, actor=plan.liaison, text="进展", percent=30)
    slug = plan.key_issue.department.campaign.slug
    client.force_login(plan.liaison)

    assert client.get(reverse("rectification:dashboard", args=[slug])).status_code == 403
    url = reverse("rectification:staff-review", args=[slug, plan.key_issue_id, update.pk])
    assert client.post(url, {"decision": "publish"}).status_code == 403
    update.refresh_from_db()
    assert update.state == ProgressUpdate.State.PENDING


def test_staff_of_another_committee_cannot_see_the_campaign(client, published_plan):
    client.force_login(StaffFactory())
    slug = published_plan.key_issue.department.campaign.slug
    url = reverse("rectification:staff-issue", args=[slug, published_plan.key_issue_id])
    assert client.get(url).status_code == 404
    api = reverse("api:plan-detail", args=[published_plan.pk])
    assert client.get(api).status_code == 404


@pytest.mark.parametrize("factory", [DeputyFactory, None])
def test_api_refuses_other_roles(client, published_plan, factory):
    if factory:
        client.force_login(factory())
    url = reverse("api:plan-detail", args=[published_plan.pk])
    assert client.get(url).status_code in (401, 403)


def test_liaison_posts_an_update_through_the_api(client, published_plan):
    client.force_login(published_plan.liaison)
    measure = published_plan.measures.get(target_value__isnull=False)
    response = client.post(
        reverse("api:progress-update-list"),
        {
            "plan": published_plan.pk,
            "text": "已有200所小学开展课后服务",
            "percent": 40,
            "values": {str(measure.pk): 200},
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    update = ProgressUpdate.objects.get()
    assert update.state == ProgressUpdate.State.PENDING
    assert update.values.get().value == 200


def test_liaison_of_another_department_cannot_open_pending_files(
    client, published_plan, other_liaison
):
    from .factories import jpeg_bytes

    update = services.update_create(
        plan=published_plan,
        actor=published_plan.liaison,
        text="x",
        percent=5,
        files=[("a.jpg", jpeg_bytes(size=(40, 30)))],
    )
    att = update.attachments.get()
    client.force_login(other_liaison)
    assert client.get(reverse("rectification:file", args=[att.pk])).status_code == 404
    client.force_login(published_plan.staff)
    assert client.get(reverse("rectification:file", args=[att.pk])).status_code == 200
