"""Issue 13: a published score sheet and its rows refuse change on every write path: the
services, the model, the admin, the API and (on PostgreSQL) the database itself."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from scoring.models import ScoreRow, ScoreSheet
from scoring.services.sheets import sheet_publish
from tests.factories import AdminFactory, EvaluatedDepartmentFactory, StaffFactory

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)


def _sheet(*, published: bool):
    ev = EvaluatedDepartmentFactory()
    sheet = ScoreSheet.objects.create(
        campaign=ev.campaign,
        version=1,
        created_at=timezone.now(),
        inputs_digest="d" * 64,
        complete=True,
        settings_snapshot={"weights": {"research": "0.3"}},
        published_at=timezone.now() if published else None,
    )
    row = ScoreRow.objects.create(
        sheet=sheet,
        evaluated=ev,
        batch_name="第一批",
        department_name=ev.department.name,
        composite=Decimal("90.00"),
        rank_batch=1,
        rank_campaign=1,
    )
    return sheet, row


def _stored(model, pk):
    return model.objects.filter(pk=pk).values().first()


# ---------------------------------------------------------------------- services
def test_publishing_a_draft_is_the_one_change_allowed_and_only_once():
    sheet, _ = _sheet(published=False)
    staff = StaffFactory(organizer=sheet.campaign.organizer)

    sheet_publish(sheet=sheet, actor=staff)
    sheet.refresh_from_db()
    assert sheet.published_at is not None

    with pytest.raises(ValidationError, match="该版本已经公布"):
        sheet_publish(sheet=sheet, actor=staff)


# ------------------------------------------------------------------------- model
def test_a_published_sheet_refuses_save_and_delete():
    sheet, _ = _sheet(published=True)
    before = _stored(ScoreSheet, sheet.pk)

    sheet.version = 99
    with pytest.raises(ValidationError, match="已公布的成绩表不能修改或删除"):
        sheet.save()
    with pytest.raises(ValidationError, match="已公布的成绩表"):
        ScoreSheet.objects.get(pk=sheet.pk).delete()

    assert _stored(ScoreSheet, sheet.pk) == before


def test_unpublishing_a_sheet_is_refused_too():
    sheet, _ = _sheet(published=True)
    sheet.published_at = None
    with pytest.raises(ValidationError):
        sheet.save(update_fields=["published_at"])
    assert ScoreSheet.objects.get(pk=sheet.pk).published_at is not None


def test_rows_of_a_published_sheet_refuse_save_and_delete():
    sheet, row = _sheet(published=True)
    before = _stored(ScoreRow, row.pk)

    row.composite = Decimal("100.00")
    with pytest.raises(ValidationError, match="已公布的成绩表"):
        row.save()
    with pytest.raises(ValidationError):
        ScoreRow.objects.get(pk=row.pk).delete()

    assert _stored(ScoreRow, row.pk) == before


def test_a_row_cannot_be_moved_into_a_published_sheet():
    published, _ = _sheet(published=True)
    draft, row = _sheet(published=False)
    row.sheet = published
    with pytest.raises(ValidationError):
        row.save()
    assert ScoreRow.objects.get(pk=row.pk).sheet_id == draft.pk


def test_a_draft_sheet_and_its_rows_still_save():
    sheet, row = _sheet(published=False)
    row.composite = Decimal("88.00")
    row.save()
    sheet.complete = False
    sheet.save()
    assert ScoreRow.objects.get(pk=row.pk).composite == Decimal("88.00")


# ------------------------------------------------------------------------- admin
def test_the_admin_refuses_changing_or_deleting_a_published_sheet(client):
    sheet, _ = _sheet(published=True)
    before = _stored(ScoreSheet, sheet.pk)
    client.force_login(AdminFactory())

    change = reverse("admin:scoring_scoresheet_change", args=[sheet.pk])
    assert client.post(change, {"version": 99}).status_code == 403
    delete = reverse("admin:scoring_scoresheet_delete", args=[sheet.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    add = reverse("admin:scoring_scoresheet_add")
    assert client.post(add, {"campaign": sheet.campaign_id, "version": 99}).status_code == 403

    assert _stored(ScoreSheet, sheet.pk) == before
    assert ScoreSheet.objects.count() == 1


# --------------------------------------------------------------------------- API
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_api_refuses_writing_a_score_sheet(method):
    sheet, _ = _sheet(published=True)
    before = _stored(ScoreSheet, sheet.pk)
    api = APIClient()
    api.force_authenticate(StaffFactory(organizer=sheet.campaign.organizer))
    url = f"/api/v1/score-sheets/{sheet.pk}/"
    assert api.get(url).status_code == 200

    response = getattr(api, method)(url, {"version": 99}, format="json")

    assert response.status_code in (403, 405)
    assert _stored(ScoreSheet, sheet.pk) == before


def test_the_api_cannot_create_a_score_sheet():
    sheet, _ = _sheet(published=True)
    api = APIClient()
    api.force_authenticate(StaffFactory(organizer=sheet.campaign.organizer))
    response = api.post(
        "/api/v1/score-sheets/", {"campaign": sheet.campaign_id, "version": 99}, format="json"
    )
    assert response.status_code in (403, 405)
    assert ScoreSheet.objects.count() == 1


# ---------------------------------------------------------------------- database
def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@on_postgresql
def test_the_database_refuses_raw_updates_and_deletes_of_a_published_sheet():
    sheet, row = _sheet(published=True)
    for sql in (
        "UPDATE scoring_scoresheet SET version = 99 WHERE id = %s",
        "UPDATE scoring_scoresheet SET published_at = NULL WHERE id = %s",
        "UPDATE scoring_scoresheet SET settings_snapshot = '\"x\"' WHERE id = %s",
        "DELETE FROM scoring_scoresheet WHERE id = %s",
    ):
        with pytest.raises(IntegrityError, match="published and frozen"):
            _raw(sql, [sheet.pk])
    for sql in (
        "UPDATE scoring_scorerow SET composite = 100 WHERE id = %s",
        "DELETE FROM scoring_scorerow WHERE id = %s",
    ):
        with pytest.raises(IntegrityError, match="published, frozen"):
            _raw(sql, [row.pk])
    sheet.refresh_from_db()
    assert sheet.version == 1 and ScoreRow.objects.filter(pk=row.pk).exists()


@on_postgresql
def test_the_database_refuses_queryset_update_and_delete():
    sheet, row = _sheet(published=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoreSheet.objects.filter(pk=sheet.pk).update(version=99)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoreRow.objects.filter(sheet=sheet).delete()
    assert ScoreSheet.objects.get(pk=sheet.pk).version == 1


@on_postgresql
def test_the_database_refuses_moving_a_row_into_a_published_sheet():
    published, _ = _sheet(published=True)
    _, row = _sheet(published=False)
    with pytest.raises(IntegrityError):
        _raw("UPDATE scoring_scorerow SET sheet_id = %s WHERE id = %s", [published.pk, row.pk])


@on_postgresql
def test_the_database_lets_a_draft_be_published_and_drafts_change():
    sheet, row = _sheet(published=False)
    _raw("UPDATE scoring_scorerow SET composite = 80 WHERE id = %s", [row.pk])
    _raw("UPDATE scoring_scoresheet SET published_at = now() WHERE id = %s", [sheet.pk])
    sheet.refresh_from_db()
    assert sheet.published_at is not None
    with pytest.raises(IntegrityError):
        _raw("UPDATE scoring_scoresheet SET published_at = now() WHERE id = %s", [sheet.pk])
    draft, draft_row = _sheet(published=False)
    _raw("DELETE FROM scoring_scorerow WHERE id = %s", [draft_row.pk])
    _raw("DELETE FROM scoring_scoresheet WHERE id = %s", [draft.pk])
    assert not ScoreSheet.objects.filter(pk=draft.pk).exists()
