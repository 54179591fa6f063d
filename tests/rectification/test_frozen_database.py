"""Issue 13, in the database: plan versions (published commitments) and published progress
updates refuse QuerySet.update()/delete() (FrozenQuerySet, every backend) and, on
PostgreSQL, raw SQL and cascades (the triggers of
rectification/migrations/0004_frozen_versions_updates.py); publishing, returning and
re-rectification still write what they must."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from issues.models import KeyIssue
from rectification import services
from rectification.models import PlanVersion, ProgressUpdate, Verdict

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL only"
)


@pytest.fixture
def update(published_plan):
    update = services.update_create(
        plan=published_plan, actor=published_plan.liaison, text="已完成 120 所。", percent=40
    )
    services.update_publish(update=update, actor=published_plan.staff)
    update.refresh_from_db()
    update.plan = published_plan
    return update


def _stored(model, **filters):
    return list(model.objects.filter(**filters).values().order_by("pk"))


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


# ------------------------------------------------------------------ FrozenQuerySet
def test_queryset_update_and_delete_of_versions_and_published_updates_are_refused(update):
    plan = update.plan
    versions, updates = _stored(PlanVersion, plan=plan), _stored(ProgressUpdate, plan=plan)
    attempts = (
        (lambda: PlanVersion.objects.filter(plan=plan).update(goals="改过"), "整改承诺版本"),
        (lambda: plan.versions.all().delete(), "整改承诺版本"),
        (lambda: ProgressUpdate.objects.filter(pk=update.pk).update(text="改过"), "整改进展"),
        (lambda: plan.updates.update(state="pending"), "整改进展"),
        (lambda: ProgressUpdate.objects.filter(plan=plan).delete(), "整改进展"),
    )
    for attempt, message in attempts:
        with pytest.raises(ValidationError, match=message):
            attempt()
    assert _stored(PlanVersion, plan=plan) == versions
    assert _stored(ProgressUpdate, plan=plan) == updates


def test_pending_updates_still_update_and_delete_in_bulk(published_plan):
    pending = services.update_create(
        plan=published_plan, actor=published_plan.liaison, text="待审", percent=10
    )
    assert ProgressUpdate.objects.filter(pk=pending.pk).update(percent=20) == 1
    assert ProgressUpdate.objects.filter(pk=pending.pk).delete()[0] >= 1


def test_publish_return_and_re_rectification_still_work(update):
    """The legitimate writes after a publication: another update is returned, the next is
    published, and a 'not satisfied' verdict publishes a new version (never edits one)."""
    plan, staff, liaison = update.plan, update.plan.staff, update.plan.liaison
    returned = services.update_create(plan=plan, actor=liaison, text="第二次", percent=50)
    services.update_return(update=returned, actor=staff, reason="请补充佐证")
    again = services.update_create(plan=plan, actor=liaison, text="第三次", percent=60)
    services.update_publish(update=again, actor=staff)
    services.verdict_record(
        key_issue=plan.key_issue,
        actor=staff,
        result=Verdict.Result.NOT_SATISFIED,
        new_deadline=dt.date(2030, 1, 1),
    )
    assert list(plan.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    states = dict(plan.updates.values_list("pk", "state"))
    assert states == {
        update.pk: ProgressUpdate.State.PUBLISHED,
        returned.pk: ProgressUpdate.State.RETURNED,
        again.pk: ProgressUpdate.State.PUBLISHED,
    }


# ---------------------------------------------------------------------- database
@on_postgresql
def test_the_database_refuses_raw_updates_and_deletes(update):
    plan = update.plan
    versions, updates = _stored(PlanVersion, plan=plan), _stored(ProgressUpdate, plan=plan)
    for sql in (
        "UPDATE rectification_planversion SET goals = 'x' WHERE plan_id = %s",
        "UPDATE rectification_planversion SET published_by_id = NULL, number = 9 "
        "WHERE plan_id = %s",
        "DELETE FROM rectification_planversion WHERE plan_id = %s",
    ):
        with pytest.raises(IntegrityError, match="published commitment and frozen"):
            _raw(sql, [plan.pk])
    for sql in (
        "UPDATE rectification_progressupdate SET text = 'x' WHERE id = %s",
        "UPDATE rectification_progressupdate SET state = 'pending' WHERE id = %s",
        "UPDATE rectification_progressupdate SET reviewed_at = now() WHERE id = %s",
        "DELETE FROM rectification_progressupdate WHERE id = %s",
    ):
        with pytest.raises(IntegrityError, match="published and frozen"):
            _raw(sql, [update.pk])
    assert _stored(PlanVersion, plan=plan) == versions
    assert _stored(ProgressUpdate, plan=plan) == updates


@on_postgresql
def test_the_database_lets_pending_updates_change_and_be_published(published_plan):
    pending = services.update_create(
        plan=published_plan, actor=published_plan.liaison, text="待审", percent=10
    )
    _raw("UPDATE rectification_progressupdate SET percent = 20 WHERE id = %s", [pending.pk])
    services.update_publish(update=pending, actor=published_plan.staff)
    assert ProgressUpdate.objects.get(pk=pending.pk).state == ProgressUpdate.State.PUBLISHED


@on_postgresql
def test_a_deleted_account_is_cleared_from_published_rows_and_nothing_else(update):
    """ON DELETE SET NULL of an account is the one other change allowed: the content
    stays; setting any other value on a person column is refused."""
    plan = update.plan
    with pytest.raises(IntegrityError):
        _raw(
            "UPDATE rectification_progressupdate SET author_id = %s WHERE id = %s",
            [plan.staff.pk, update.pk],
        )
    _raw(
        "UPDATE rectification_progressupdate SET author_id = NULL, reviewed_by_id = NULL "
        "WHERE id = %s",
        [update.pk],
    )
    _raw(
        "UPDATE rectification_planversion SET published_by_id = NULL WHERE plan_id = %s",
        [plan.pk],
    )
    stored = ProgressUpdate.objects.get(pk=update.pk)
    assert stored.author_id is None and stored.text == update.text
    assert stored.state == ProgressUpdate.State.PUBLISHED


@on_postgresql
def test_a_key_issue_with_a_published_commitment_cannot_be_deleted(update):
    plan = update.plan
    versions = _stored(PlanVersion, plan=plan)
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyIssue.objects.get(pk=plan.key_issue_id).delete()
    assert _stored(PlanVersion, plan=plan) == versions


@on_postgresql
def test_deleting_the_author_s_account_keeps_the_published_update(update):
    """Accounts are deactivated, not deleted; an admin may still delete one in /admin/:
    Django's SET NULL passes the trigger, and the published text stays."""
    liaison = update.plan.liaison
    liaison.delete()
    stored = ProgressUpdate.objects.get(pk=update.pk)
    assert stored.author_id is None
    assert stored.text == update.text and stored.state == ProgressUpdate.State.PUBLISHED
