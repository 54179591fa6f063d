"""/api/v1/: token clients with scopes, session auth, committee scoping, public endpoints
that show only what public pages show, one error body."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiClient, Scope
from scoring.services.sheets import sheet_recompute
from tests.factories import CampaignFactory, DeputyFactory, LiaisonFactory
from tests.issues.factories import SuggestionFactory
from tests.scoring.factories import campaign_with_batch

pytestmark = pytest.mark.django_db


def token_client(user, scopes):
    client = ApiClient(name=f"system-{user.pk}-{len(scopes)}", user=user, scopes=list(scopes))
    key = client.issue_key()
    client.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api, client


@pytest.fixture
def setup():
    staff, campaign, batch, evaluated = campaign_with_batch(2)
    return staff, campaign, batch, evaluated


def test_a_token_with_the_scope_reads_campaigns(setup):
    staff, campaign, *_ = setup
    api, _ = token_client(staff, [Scope.CAMPAIGNS_READ])

    response = api.get("/api/v1/campaigns/")

    assert response.status_code == 200
    assert [c["slug"] for c in response.json()["results"]] == [campaign.slug]


def test_a_token_without_the_scope_is_refused(setup):
    staff, *_ = setup
    api, _ = token_client(staff, [Scope.CAMPAIGNS_READ])

    response = api.get("/api/v1/score-sheets/")

    assert response.status_code == 403
    error = response.json()["error"]
    assert error["status"] == 403 and "scores:read" in error["message"]


def test_a_revoked_token_is_refused(setup):
    staff, *_ = setup
    api, client = token_client(staff, [Scope.CAMPAIGNS_READ])
    client.revoked_at = timezone.now()
    client.save()

    response = api.get("/api/v1/campaigns/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_an_unknown_token_is_refused_and_only_a_hash_is_stored(setup):
    staff, *_ = setup
    _, client = token_client(staff, [Scope.CAMPAIGNS_READ])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert api.get("/api/v1/campaigns/").status_code == 401
    assert len(client.key_hash) == 64


def test_a_token_cannot_exceed_its_users_role(setup):
    """Scopes narrow a user's rights, never widen them: a deputy's token reads no campaigns."""
    api, _ = token_client(DeputyFactory(), list(Scope.values))

    assert api.get("/api/v1/suggestions/").status_code == 403


def test_staff_see_only_their_own_committees_data(setup):
    staff, campaign, *_ = setup
    SuggestionFactory(campaign=campaign, text="本会的建议", contact="13800000000")
    other = CampaignFactory()
    SuggestionFactory(campaign=other, text="别的人大常委会的建议")
    api = APIClient()
    api.force_authenticate(staff)

    rows = api.get("/api/v1/suggestions/").json()["results"]

    assert [r["text"] for r in rows] == ["本会的建议"]
    assert "contact" not in rows[0] and "13800000000" not in str(rows)


def test_session_auth_works_for_the_browser(client, setup):
    staff, campaign, *_ = setup
    client.force_login(staff)

    assert client.get("/api/v1/batches/").status_code == 200


def test_liaisons_and_anonymous_get_no_staff_data(client, setup):
    assert client.get("/api/v1/suggestions/").status_code in (401, 403)
    client.force_login(LiaisonFactory())
    assert client.get("/api/v1/suggestions/").status_code == 403


def test_lists_are_paginated_filtered_and_ordered(setup):
    staff, campaign, batch, evaluated = setup
    for day in (3, 1, 2):
        SuggestionFactory(campaign=campaign, submitted_on=f"2021-03-0{day}", channel="open_letter")
    SuggestionFactory(campaign=campaign, submitted_on="2021-03-04", channel="opinion_box")
    api = APIClient()
    api.force_authenticate(staff)

    body = api.get(
        "/api/v1/suggestions/",
        {"channel": "open_letter", "ordering": "submitted_on", "page_size": 2},
    ).json()

    assert "count" not in body and body["next"]  # a cursor page: no COUNT(*)
    assert [r["submitted_on"] for r in body["results"]] == ["2021-03-01", "2021-03-02"]
    rest = api.get(body["next"]).json()
    assert [r["submitted_on"] for r in rest["results"]] == ["2021-03-03"]
    assert rest["next"] is None and rest["previous"]


def test_validation_errors_use_the_same_error_body(setup):
    staff, *_ = setup
    api = APIClient()
    api.force_authenticate(staff)

    response = api.get("/api/v1/suggestions/", {"submitted_after": "not-a-date"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_not_found_uses_the_same_error_body(setup):
    staff, *_ = setup
    api = APIClient()
    api.force_authenticate(staff)

    response = api.get("/api/v1/campaigns/no-such-campaign/")

    assert response.status_code == 404
    assert (
        response.json()
        == {"error": {"status": 404, "code": "not_found", "message": "没有找到该资源"}}
        or response.json()["error"]["code"] == "not_found"
    )


def test_public_campaigns_need_no_login_and_show_only_public_fields(setup):
    staff, campaign, *_ = setup

    body = APIClient().get("/api/v1/public/campaigns/").json()

    campaign_json = next(c for c in body["results"] if c["slug"] == campaign.slug)
    assert set(campaign_json) == {"slug", "year", "title", "organizer", "batches"}


def test_public_scores_only_once_published(setup):
    staff, campaign, *_ = setup
    sheet = sheet_recompute(campaign=campaign, actor=staff)
    url = f"/api/v1/public/campaigns/{campaign.slug}/scores/"

    assert APIClient().get(url).status_code == 404
    sheet.published_at = timezone.now()
    sheet.save()
    body = APIClient().get(url).json()
    assert body["version"] == sheet.version
    assert set(body["rows"][0]) >= {"department_name", "composite", "rank_campaign"}
    assert "inputs" not in body["rows"][0] and "details" not in body["rows"][0]


def test_the_schema_and_the_docs_are_served_locally(client):
    schema = client.get(reverse("api:schema"))
    docs = client.get(reverse("api:docs"))

    assert schema.status_code == 200 and b"/api/v1/campaigns/" in schema.content
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html
    assert "<script>" not in html  # the initialiser is a file too: the CSP holds


def test_a_token_of_an_account_that_must_change_its_password_waits_for_the_change(setup):
    staff, campaign, *_ = setup
    staff.must_change_password = True
    staff.save(update_fields=["must_change_password"])
    api, _ = token_client(staff, [Scope.CAMPAIGNS_READ])

    refused = api.get("/api/v1/campaigns/")

    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["status"] == 403 and "请先登录网页修改初始密码" in error["message"]
    assert campaign.slug not in refused.content.decode()

    staff.must_change_password = False
    staff.save(update_fields=["must_change_password"])
    assert api.get("/api/v1/campaigns/").status_code == 200
