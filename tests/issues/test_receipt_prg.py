"""Post/redirect/get for the public suggestion form (issue 14): the receipt has its own
address, a reload keeps it, a resent form stores one suggestion, and the receipt page shows
only the status, never the text or the contact."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from issues import services
from issues.challenge import challenge_submission_key, solve_for_tests
from issues.models import SourceType, Suggestion
from tests.factories import EvaluatedDepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cheap_challenge(settings):
    settings.ALTCHA_MAX_NUMBER = 2000
    cache.clear()


@pytest.fixture
def evaluated():
    return EvaluatedDepartmentFactory(batch__stage="suggestions")


def post(client, evaluated, payload):
    return client.post(
        reverse("issues:suggest", args=[evaluated.campaign.slug]),
        {
            "department": evaluated.id,
            "source_type": SourceType.PUBLIC,
            "text": "建议小区门口增设路灯，晚上出行不安全。",
            "contact": "13900001111",
            "website": "",
            "altcha": payload,
        },
    )


def solved(client):
    return solve_for_tests(client.get(reverse("issues:challenge")).json())


def test_submit_redirects_to_the_receipt_and_reload_keeps_it(client, evaluated):
    response = post(client, evaluated, solved(client))

    suggestion = Suggestion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/suggestions/receipt/{suggestion.receipt}/"
    for _ in range(2):  # the page and its reload: a GET, nothing resent
        page = client.get(response["Location"])
        body = page.content.decode()
        assert page.status_code == 200 and suggestion.receipt in body and "已受理" in body
        assert "请先完成" not in body
        assert "建议小区门口增设路灯" not in body and "13900001111" not in body
    assert Suggestion.objects.count() == 1


def test_double_submit_creates_one_suggestion(client, evaluated):
    payload = solved(client)

    first, second = post(client, evaluated, payload), post(client, evaluated, payload)

    assert first["Location"] == second["Location"]
    assert Suggestion.objects.count() == 1


def test_two_solutions_are_two_suggestions(client, evaluated):
    post(client, evaluated, solved(client))
    post(client, evaluated, solved(client))

    assert Suggestion.objects.count() == 2


def test_the_service_stores_one_suggestion_per_submission_key(evaluated):
    key = "web:" + "a" * 56
    kwargs = {
        "campaign": evaluated.campaign,
        "department": evaluated,
        "source_type": SourceType.PUBLIC,
        "text": "路灯不亮。",
        "submission_key": key,
    }
    first = services.suggestion_submit_public(**kwargs)
    again = services.suggestion_submit_public(**kwargs)

    assert first.pk == again.pk and Suggestion.objects.count() == 1


def test_submission_key_needs_a_valid_solution(client):
    assert challenge_submission_key("") is None
    assert challenge_submission_key("bm9wZQ==") is None
    assert challenge_submission_key(solved(client)).startswith("web:")


def test_unknown_receipt_is_a_404_and_post_is_not_allowed(client, evaluated):
    assert client.get("/suggestions/receipt/YJ2021-NOPE1234/").status_code == 404
    assert client.post("/suggestions/receipt/YJ2021-NOPE1234/").status_code == 405
