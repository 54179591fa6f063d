"""/api/v1/ plans, measures and progress updates: liaisons write their own department's
through the same services as the pages (history, versions, review), staff review, tokens
need the rectification scopes, and the public sees published progress only."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api.models import ApiClient, Scope
from rectification import services
from rectification.models import Attachment, Event, Measure, Plan, PlanVersion, ProgressUpdate
from tests.factories import LiaisonFactory, ResearcherFactory, StaffFactory
from tests.rectification.factories import MeasureFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan():
    """A published plan with two measures, its liaison and its committee's staff."""
    plan = PlanFactory()
    ev = plan.key_issue.department
    MeasureFactory(plan=plan, title="353所小学开展课后延时服务", target_value=353, target_unit="所")
    MeasureFactory(plan=plan, title="建立经费保障机制", deadline=dt.date(2021, 7, 15))
    plan.liaison = LiaisonFactory(department=ev.department)
    plan.staff = StaffFactory(organizer=ev.campaign.organizer)
    services.plan_submit(plan=plan, actor=plan.liaison)
    services.plan_publish(plan=plan, actor=plan.staff)
    return plan


def session(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def token(user, scopes) -> APIClient:
    name = f"system-{user.pk}-{'-'.join(sorted(scopes))}"
    client = ApiClient(name=name, user=user, scopes=list(scopes))
    key = client.issue_key()
    client.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def _state():
    return (
        list(Plan.objects.values_list("goals", "deadline", "state").order_by("pk")),
        list(Measure.objects.values_list("title", "state", "deadline").order_by("pk")),
        list(ProgressUpdate.objects.values_list("state", flat=True).order_by("pk")),
        PlanVersion.objects.count(),
    )


def test_liaison_edits_submits_and_staff_publish_through_the_services(plan):
    liaison = session(plan.liaison)

    edited = liaison.patch(
        f"/api/v1/plans/{plan.pk}/", {"goals": "全覆盖并建立长效机制"}, REMOTE_ADDR="10.2.3.4"
    )
    added = liaison.post(
        "/api/v1/measures/",
        {
            "plan": plan.pk,
            "title": "建立督查通报制度",
            "responsible_unit": "督导室",
            "responsible_person": "李主任",
            "deadline": "2021-08-31",
        },
    )
    submitted = liaison.post(f"/api/v1/plans/{plan.pk}/submit/")
    published = session(plan.staff).post(f"/api/v1/plans/{plan.pk}/publish/")

    assert edited.status_code == 200 and edited.json()["state"] == "draft"
    assert added.status_code == 201 and added.json()["key_issue"] == plan.key_issue_id
    assert submitted.json()["state"] == "submitted"
    assert published.status_code == 200
    assert published.json()["state"] == "published" and published.json()["published_version"] == 2
    version = PlanVersion.objects.get(plan=plan, number=2)
    assert "整改目标有调整" in version.changes and "新增措施：建立督查通报制度" in version.changes
    actions = list(Event.objects.filter(key_issue=plan.key_issue).values_list("action", flat=True))
    assert actions[-4:] == ["plan.edit", "measure.add", "plan.submit", "plan.publish"]
    entries = LogEntry.objects.get_for_object(Plan.objects.get())
    edit = next(e for e in entries if "goals" in (e.changes_dict or {}))
    assert edit.actor == plan.liaison and edit.remote_addr == "10.2.3.4"
    assert edit.changes_dict["goals"][1] == "全覆盖并建立长效机制"


def test_service_refusals_use_the_api_error_body(plan):
    liaison = session(plan.liaison)
    cleared = liaison.patch(f"/api/v1/plans/{plan.pk}/", {"goals": ""})

    refused = liaison.post(f"/api/v1/plans/{plan.pk}/submit/")
    bad_target = liaison.post(
        "/api/v1/measures/",
        {"plan": plan.pk, "title": "x", "responsible_unit": "x", "target_value": "-1",
         "responsible_person": "x", "deadline": "2021-08-31"},
    )  # fmt: skip

    assert cleared.status_code == 200
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["non_field_errors"] == ["请先填写整改目标和完成时限。"]
    assert bad_target.status_code == 400 and bad_target.json()["error"]["code"] == "invalid"
    assert Plan.objects.get().state == Plan.State.DRAFT


def test_liaison_of_another_department_reaches_nothing(plan):
    measure = plan.measures.first()
    other = session(LiaisonFactory())
    before = _state()

    answers = [
        other.get(f"/api/v1/plans/{plan.pk}/").status_code,
        other.patch(f"/api/v1/plans/{plan.pk}/", {"goals": "改"}).status_code,
        other.post(f"/api/v1/plans/{plan.pk}/submit/").status_code,
        other.post("/api/v1/plans/", {"key_issue": plan.key_issue_id}).status_code,
        other.get(f"/api/v1/measures/{measure.pk}/").status_code,
        other.patch(f"/api/v1/measures/{measure.pk}/", {"title": "改"}).status_code,
        other.post(f"/api/v1/measures/{measure.pk}/done/", {"evidence": "完成"}).status_code,
        other.post(
            "/api/v1/measures/",
            {
                "plan": plan.pk,
                "title": "x",
                "responsible_unit": "x",
                "responsible_person": "x",
                "deadline": "2021-08-31",
            },
        ).status_code,  # fmt: skip
        other.post(
            "/api/v1/progress-updates/", {"plan": plan.pk, "text": "进展", "percent": 50}
        ).status_code,
    ]

    assert set(answers) == {404}
    assert other.get("/api/v1/plans/").json()["results"] == []
    assert _state() == before


def test_liaison_cannot_publish_own_update(plan):
    liaison = session(plan.liaison)
    measure = plan.measures.get(target_value__isnull=False)
    created = liaison.post(
        "/api/v1/progress-updates/",
        {"plan": plan.pk, "text": "已有200所", "percent": 40, "values": {str(measure.pk): 200}},
        format="json",
    )
    update = created.json()["id"]

    refused = liaison.post(f"/api/v1/progress-updates/{update}/publish/")

    assert created.status_code == 201 and created.json()["state"] == "pending"
    assert created.json()["values"] == [{"measure": measure.pk, "value": "200.00"}]
    assert refused.status_code == 403
    assert ProgressUpdate.objects.get().state == ProgressUpdate.State.PENDING


def test_liaison_posts_an_update_with_a_photo_as_multipart(plan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.rectification.factories import jpeg_bytes

    measure = plan.measures.get(target_value__isnull=False)
    photo = SimpleUploadedFile("现场.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = session(plan.liaison).post(
        "/api/v1/progress-updates/",
        {"plan": plan.pk, "text": "现场照片", "percent": 20, f"values.{measure.pk}": "100",
         "files": [photo], "caption": "第一小学课后服务课堂"},
        format="multipart",
    )  # fmt: skip

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["attachments"][0]["kind"] == "image"
    assert body["values"] == [{"measure": measure.pk, "value": "100.00"}]
    # The caption becomes part of the photo's alt text (issue 19).
    assert Attachment.objects.get().caption == "第一小学课后服务课堂"


def test_staff_token_reviews_with_the_write_scope_only(plan):
    update = services.update_create(plan=plan, actor=plan.liaison, text="进展", percent=30)
    reader = token(plan.staff, [Scope.RECTIFICATION_READ])
    writer = token(plan.staff, [Scope.RECTIFICATION_READ, Scope.RECTIFICATION_WRITE])

    assert reader.get("/api/v1/progress-updates/").status_code == 200
    assert reader.post(f"/api/v1/progress-updates/{update.pk}/publish/").status_code == 403
    assert ProgressUpdate.objects.get().state == ProgressUpdate.State.PENDING
    returned = writer.post(f"/api/v1/progress-updates/{update.pk}/return/", {"reason": "请补充"})
    assert returned.status_code == 200 and returned.json()["state"] == "returned"


def test_a_token_without_a_rectification_scope_is_refused(plan):
    api = token(plan.staff, [Scope.CAMPAIGNS_READ, Scope.KEY_ISSUES_READ])

    for url in ("/api/v1/plans/", "/api/v1/measures/", "/api/v1/progress-updates/"):
        response = api.get(url)
        assert response.status_code == 403
        assert "rectification:read" in response.json()["error"]["message"]


def test_a_token_is_scope_checked_even_on_a_method_the_endpoint_refuses(plan):
    """A write to a read-only endpoint is refused for the missing scope, before the 405."""
    api = token(plan.staff, [Scope.CAMPAIGNS_READ])

    assert api.post("/api/v1/score-sheets/").status_code == 403
    assert api.post("/api/v1/campaigns/").status_code == 405


@pytest.mark.parametrize("factory", [ResearcherFactory, None])
def test_other_roles_get_no_rectification_data(plan, factory):
    api = session(factory()) if factory else APIClient()

    assert api.get("/api/v1/plans/").status_code in (401, 403)
    assert api.get(f"/api/v1/progress-updates/?plan={plan.pk}").status_code in (401, 403)


def test_staff_of_another_committee_see_nothing(plan):
    api = session(StaffFactory())

    assert api.get("/api/v1/plans/").json()["results"] == []
    assert api.get(f"/api/v1/plans/{plan.pk}/").status_code == 404
    assert api.post(f"/api/v1/plans/{plan.pk}/publish/").status_code == 404


def test_public_progress_shows_published_updates_only_and_no_names(plan):
    campaign = plan.key_issue.department.campaign
    pending = services.update_create(plan=plan, actor=plan.liaison, text="待审核", percent=10)
    shown = services.update_create(plan=plan, actor=plan.liaison, text="已公开", percent=35)
    services.update_publish(update=shown, actor=plan.staff)

    listing = APIClient().get(f"/api/v1/public/campaigns/{campaign.slug}/progress/")
    detail = APIClient().get(
        f"/api/v1/public/campaigns/{campaign.slug}/progress/{plan.key_issue_id}/"
    )

    assert listing.status_code == 200 and detail.status_code == 200
    (row,) = listing.json()["results"]
    assert row["id"] == plan.key_issue_id and row["percent"] == 35 and row["version"] == 1
    assert [u["text"] for u in row["updates"]] == ["已公开"]
    text = detail.content.decode()
    assert pending.text not in text
    for private in ("张科长", "responsible_person", "author", plan.liaison.username):
        assert private not in text


def test_public_progress_of_an_unknown_campaign_is_404():
    assert APIClient().get("/api/v1/public/campaigns/nope/progress/").status_code == 404


def _count(api, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/plans/",
        "/api/v1/measures/",
        "/api/v1/progress-updates/",
        "/api/v1/public/campaigns/{slug}/progress/",
    ],
)
def test_list_endpoints_read_in_a_fixed_number_of_queries(
    plan, url, django_assert_num_queries, settings
):
    """Query counts do not grow with rows (no N+1): one plan, then three more."""
    settings.PUBLIC_CACHE_ENABLED = False  # count the rendering, not the public page cache
    campaign = plan.key_issue.department.campaign
    url = url.format(slug=campaign.slug)
    first = services.update_create(plan=plan, actor=plan.liaison, text="一", percent=10)
    services.update_publish(update=first, actor=plan.staff)
    api = session(plan.staff)
    api.get(url)  # warm caches (content types) before counting
    one = _count(api, url)
    for _ in range(3):
        more = PlanFactory(key_issue__department=plan.key_issue.department)
        MeasureFactory(plan=more)
        MeasureFactory(plan=more)
        services.plan_submit(plan=more, actor=plan.liaison)
        services.plan_publish(plan=more, actor=plan.staff)
        update = services.update_create(plan=more, actor=plan.liaison, text="二", percent=20)
        services.update_publish(update=update, actor=plan.staff)

    assert _count(api, url) == one
    with django_assert_num_queries(one):
        api.get(url)


def test_staff_return_a_submitted_plan_with_a_reason_and_the_liaison_cannot(plan):
    liaison = session(plan.liaison)
    liaison.patch(f"/api/v1/plans/{plan.pk}/", {"goals": "全覆盖"})
    liaison.post(f"/api/v1/plans/{plan.pk}/submit/")
    staff = session(plan.staff)

    by_liaison = liaison.post(f"/api/v1/plans/{plan.pk}/return/", {"reason": "自己退回"})
    blank = staff.post(f"/api/v1/plans/{plan.pk}/return/", {"reason": " "})
    returned = staff.post(f"/api/v1/plans/{plan.pk}/return/", {"reason": "措施缺少完成时限"})
    again = staff.post(f"/api/v1/plans/{plan.pk}/return/", {"reason": "再退"})

    assert by_liaison.status_code == 403 and blank.status_code == 400
    assert returned.status_code == 200
    assert returned.json()["state"] == "draft"
    assert returned.json()["return_reason"] == "措施缺少完成时限"
    assert again.status_code == 400 and "只能退回" in str(again.json())
    event = Event.objects.get(action="plan.return")
    assert event.actor == plan.staff and event.detail == "措施缺少完成时限"
    entries = LogEntry.objects.get_for_object(Plan.objects.get())
    assert any("return_reason" in (e.changes_dict or {}) for e in entries)


def test_api_writes_leave_no_audit_receiver_connected_and_name_their_actor(plan):
    """The API names its actor inside the middleware's audit context (api/views/base.py).
    auditlog's nested set_actor left the middleware's receiver connected after every such
    request: one more receiver on every later save, for the life of the process."""
    from django.db.models.signals import pre_save

    liaison = session(plan.liaison)
    before = len(pre_save.receivers)

    for goals in ("三年内实现课后服务全覆盖", "两年内实现课后服务全覆盖"):
        response = liaison.patch(f"/api/v1/plans/{plan.pk}/", {"goals": goals})
        assert response.status_code == 200, response.content

    assert len(pre_save.receivers) == before
    entry = LogEntry.objects.get_for_object(plan).order_by("timestamp", "pk").last()
    assert entry.actor == plan.liaison
    assert entry.changes_dict["goals"][1] == "两年内实现课后服务全覆盖"
