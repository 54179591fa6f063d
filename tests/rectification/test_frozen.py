"""Issue 13: a published progress update and every plan version (a published commitment)
are frozen: services, model, admin and API refuse to change them, and the public page
keeps showing what was published."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from rectification import services
from rectification.models import PlanVersion, ProgressUpdate
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db

TEXT = "已完成 120 所学校的课后服务。"


@pytest.fixture
def update(published_plan):
    update = services.update_create(
        plan=published_plan, actor=published_plan.liaison, text=TEXT, percent=40
    )
    services.update_publish(update=update, actor=published_plan.staff)
    update.refresh_from_db()
    assert update.state == ProgressUpdate.State.PUBLISHED
    update.plan = published_plan
    return update


def _stored(model, pk):
    return model.objects.filter(pk=pk).values().first()


def test_services_refuse_publishing_or_returning_a_published_update(update):
    before = _stored(ProgressUpdate, update.pk)
    with pytest.raises(ValidationError, match="只能发布待审核的进展"):
        services.update_publish(update=update, actor=update.plan.staff)
    with pytest.raises(ValidationError, match="只能退回待审核的进展"):
        services.update_return(update=update, actor=update.plan.staff, reason="改")
    assert _stored(ProgressUpdate, update.pk) == before


def test_a_published_update_refuses_save_and_delete(update):
    before = _stored(ProgressUpdate, update.pk)
    update.text = "改过的进展"
    with pytest.raises(ValidationError, match="已公开的整改进展不能修改或删除"):
        update.save()
    with pytest.raises(ValidationError):
        ProgressUpdate.objects.get(pk=update.pk).delete()
    assert _stored(ProgressUpdate, update.pk) == before


def test_a_pending_update_still_saves(published_plan):
    pending = services.update_create(
        plan=published_plan, actor=published_plan.liaison, text="待审", percent=10
    )
    pending.percent = 20
    pending.save(update_fields=["percent"])
    assert ProgressUpdate.objects.get(pk=pending.pk).percent == 20


def test_a_plan_version_refuses_save_and_delete(published_plan):
    version = published_plan.versions.get()
    before = _stored(PlanVersion, version.pk)
    version.goals = "改过的承诺"
    with pytest.raises(ValidationError, match="已公开的整改承诺版本不能修改或删除"):
        version.save()
    with pytest.raises(ValidationError):
        PlanVersion.objects.get(pk=version.pk).delete()
    assert _stored(PlanVersion, version.pk) == before


def test_the_admin_refuses_editing_a_published_update_or_version(update, client):
    version = update.plan.versions.get()
    client.force_login(AdminFactory())
    for obj, data in ((update, {"text": "改过", "percent": 99}), (version, {"goals": "改过"})):
        meta = obj._meta
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        delete = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[obj.pk])
        before = _stored(type(obj), obj.pk)
        assert client.post(change, data).status_code == 403
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert _stored(type(obj), obj.pk) == before


def test_the_api_refuses_editing_a_published_update(update):
    before = _stored(ProgressUpdate, update.pk)
    api = APIClient()
    api.force_authenticate(update.plan.staff)
    url = f"/api/v1/progress-updates/{update.pk}/"
    assert api.get(url).status_code == 200
    for method in ("put", "patch", "delete"):
        response = getattr(api, method)(url, {"text": "改过"}, format="json")
        assert response.status_code in (403, 405), method

    again = api.post(f"{url}publish/")
    assert again.status_code == 400
    assert "只能发布待审核的进展" in str(again.json())
    assert _stored(ProgressUpdate, update.pk) == before


def test_the_public_page_keeps_the_published_text(update, client):
    update.text = "改过的进展"
    with pytest.raises(ValidationError):
        update.save()
    issue = update.plan.key_issue
    url = reverse("rectification:issue", args=[issue.department.campaign.slug, issue.pk])
    page = client.get(url).content.decode()
    assert TEXT in page and "改过的进展" not in page
