"""A liaison deletes a measure added by mistake (no progress yet, after a review) or withdraws
one that has progress, with a reason: 已撤回 stays in the ledger, the history and the public
page. Only their own department's, only while the batch's ledger is not frozen."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from openpyxl import load_workbook

from campaigns.stages import Stage
from rectification import services
from rectification.models import Event, Measure, Plan
from rectification.selectors import workspace_issue
from tests.confirming import post_confirmed
from tests.factories import LiaisonFactory, StaffFactory
from tests.support.a11y import Page

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(published_plan):
    batch = published_plan.key_issue.department.batch
    batch.stage = Stage.RECTIFICATION
    batch.save(update_fields=["stage"])
    return published_plan


def _measures(plan):
    return list(plan.measures.order_by("id"))


def _url(name, measure):
    return reverse(f"rectification:{name}", args=[measure.plan.key_issue_id, measure.pk])


def _report_progress(plan, measure, *, publish=True):
    update = services.update_create(
        plan=plan, actor=plan.liaison, text="已开展120所", percent=30, values={measure.pk: 120}
    )
    if publish:
        services.update_publish(update=update, actor=plan.staff)
    return update


def _refusal(response) -> str:
    """The page shown again after a refusal (issue 19): status 400 and one error summary,
    which takes focus; returns the page."""
    assert response.status_code == 400
    html = response.content.decode()
    assert Page(html).summaries == 1
    return html


def _ledger():
    return list(
        Measure.objects.order_by("id").values_list("id", "title", "state", "withdraw_reason")
    )


# ------------------------------------------------------------------------------ delete
def test_liaison_deletes_a_measure_without_progress_after_the_review(client, plan):
    first, second = _measures(plan)
    client.force_login(plan.liaison)

    review = client.post(_url("liaison-measure-delete", second))

    body = review.content.decode()
    assert "确认删除" in body and second.title in body and "不能恢复" in body
    assert Measure.objects.filter(pk=second.pk).exists()  # nothing written yet

    response = post_confirmed(client, _url("liaison-measure-delete", second), follow=True)

    assert "已删除" in " ".join(str(m) for m in response.context["messages"])
    assert list(plan.measures.all()) == [first]
    event = Event.objects.get(action="measure.delete")
    assert event.actor == plan.liaison and event.detail == second.title
    deleted = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Measure),
        object_pk=str(second.pk),
        action=LogEntry.Action.DELETE,
    )
    assert deleted.actor == plan.liaison
    # The published commitment is a new version away: the plan is back to draft and the
    # next publication lists the removal.
    plan.refresh_from_db()
    assert plan.state == Plan.State.DRAFT
    services.plan_submit(plan=plan, actor=plan.liaison)
    version = services.plan_publish(plan=plan, actor=plan.staff)
    assert f"删除措施：{second.title}" in version.changes


@pytest.mark.parametrize("publish", [True, False], ids=["published", "pending"])
def test_a_measure_with_progress_cannot_be_deleted(client, plan, publish):
    first, _ = _measures(plan)
    _report_progress(plan, first, publish=publish)
    before = _ledger()
    client.force_login(plan.liaison)

    response = client.post(_url("liaison-measure-delete", first))

    assert "已有整改进展，不能删除" in _refusal(response)
    assert "确认删除" not in response.content.decode()
    assert _ledger() == before
    assert not Event.objects.filter(action="measure.delete").exists()


def test_the_page_offers_delete_only_without_progress_and_withdraw_otherwise(client, plan):
    first, second = _measures(plan)
    _report_progress(plan, first)
    client.force_login(plan.liaison)

    body = client.get(reverse("rectification:liaison-issue", args=[plan.key_issue_id]))
    html = body.content.decode()

    assert _url("liaison-measure-delete", second) in html
    assert _url("liaison-measure-delete", first) not in html
    assert _url("liaison-measure-withdraw", first) in html


# ---------------------------------------------------------------------------- withdraw
def test_withdrawing_needs_a_reason(client, plan):
    first, _ = _measures(plan)
    _report_progress(plan, first)
    before = _ledger()
    client.force_login(plan.liaison)

    response = client.post(_url("liaison-measure-withdraw", first), {"reason": "  "})

    assert "请写明理由" in _refusal(response)
    assert _ledger() == before


def test_liaison_withdraws_a_measure_with_progress_and_the_public_sees_why(client, plan):
    first, _ = _measures(plan)
    _report_progress(plan, first)
    reason = "该项工作已并入全市课后服务统一平台建设"
    client.force_login(plan.liaison)
    url = _url("liaison-measure-withdraw", first)

    review = client.post(url, {"reason": reason})
    assert "确认撤回" in review.content.decode() and reason in review.content.decode()
    assert Measure.objects.get(pk=first.pk).state == Measure.State.IN_PROGRESS

    post_confirmed(client, url, {"reason": reason})

    first.refresh_from_db()
    assert first.state == Measure.State.WITHDRAWN
    assert first.withdraw_reason == reason
    assert first.withdrawn_by == plan.liaison and first.withdrawn_at is not None
    assert Event.objects.get(action="measure.withdraw").detail == f"{first.title}：{reason}"
    entry = (
        LogEntry.objects.get_for_object(first)
        .filter(action=LogEntry.Action.UPDATE)
        .order_by("timestamp", "pk")
        .last()
    )
    assert entry.actor == plan.liaison and "withdraw_reason" in entry.changes_dict
    client.logout()
    campaign = plan.key_issue.department.campaign
    public = client.get(reverse("rectification:issue", args=[campaign.slug, plan.key_issue_id]))
    html = public.content.decode()
    assert 'data-state="withdrawn"' in html and f"撤回理由：{reason}" in html
    assert "已开展120所" in html  # the published progress stays as it was published
    staff_page = reverse("rectification:staff-issue", args=[campaign.slug, plan.key_issue_id])
    client.force_login(plan.staff)
    assert "撤回整改措施" in client.get(staff_page).content.decode()  # in the history


def test_a_withdrawn_measure_cannot_be_edited_done_or_withdrawn_again(plan):
    first, _ = _measures(plan)
    services.measure_withdraw(measure=first, actor=plan.liaison, reason="并入其他措施")
    first.refresh_from_db()

    for call in (
        lambda: services.measure_save(plan=plan, actor=plan.liaison, measure=first, title="x"),
        lambda: services.measure_mark_done(measure=first, actor=plan.liaison, evidence="完成"),
        lambda: services.measure_withdraw(measure=first, actor=plan.liaison, reason="再撤一次"),
    ):
        with pytest.raises(Exception, match="撤回"):
            call()
    first.refresh_from_db()
    assert first.title != "x" and first.withdraw_reason == "并入其他措施"


def test_withdrawn_measures_leave_the_issue_status(plan):
    first, second = _measures(plan)
    services.measure_mark_done(measure=second, actor=plan.liaison, evidence="已建立")
    services.measure_withdraw(measure=first, actor=plan.liaison, reason="并入其他措施")
    progress = workspace_issue(issue=plan.key_issue, today=dt.date(2021, 6, 1))

    assert progress.badge.code == "done"  # the only measure left is done
    row = next(m for m in progress.measures if m.id == first.pk)
    assert row.withdrawn and row.badge.label == "已撤回"


# ----------------------------------------------------------------------- who and when
def test_another_departments_liaison_gets_404_and_changes_nothing(client, plan):
    first, second = _measures(plan)
    _report_progress(plan, first)
    before = _ledger()
    client.force_login(LiaisonFactory())

    deleted = client.post(_url("liaison-measure-delete", second))
    withdrawn = client.post(_url("liaison-measure-withdraw", first), {"reason": "不做了"})

    assert deleted.status_code == 404 and withdrawn.status_code == 404
    assert _ledger() == before


def test_staff_cannot_delete_or_withdraw_a_departments_measure(client, plan):
    first, second = _measures(plan)
    before = _ledger()
    client.force_login(StaffFactory(organizer=plan.key_issue.department.campaign.organizer))

    assert client.post(_url("liaison-measure-delete", second)).status_code == 403
    response = client.post(_url("liaison-measure-withdraw", first), {"reason": "x"})
    assert response.status_code == 403
    assert _ledger() == before


@pytest.mark.parametrize("stage", [Stage.EVALUATION, Stage.PUBLISHED])
def test_the_ledger_is_frozen_during_evaluation_and_after_publication(client, plan, stage):
    first, second = _measures(plan)
    _report_progress(plan, first)
    batch = plan.key_issue.department.batch
    batch.stage = stage
    batch.save(update_fields=["stage"])
    before = _ledger()
    client.force_login(plan.liaison)

    deleted = client.post(_url("liaison-measure-delete", second))
    withdrawn = client.post(_url("liaison-measure-withdraw", first), {"reason": "x"})

    assert "整改台账已冻结" in _refusal(deleted)
    assert "整改台账已冻结" in _refusal(withdrawn)
    assert _ledger() == before


# ---------------------------------------------------------------------------------- API
def test_api_delete_and_withdraw_follow_the_same_rules(client, plan):
    first, second = _measures(plan)
    _report_progress(plan, first)
    client.force_login(plan.liaison)

    refused = client.delete(reverse("api:measure-detail", args=[first.pk]))
    no_reason = client.post(
        reverse("api:measure-withdraw", args=[first.pk]), {}, content_type="application/json"
    )
    withdrawn = client.post(
        reverse("api:measure-withdraw", args=[first.pk]),
        {"reason": "并入其他措施"},
        content_type="application/json",
    )
    deleted = client.delete(reverse("api:measure-detail", args=[second.pk]))

    assert refused.status_code == 400 and "不能删除" in refused.content.decode()
    assert no_reason.status_code == 400
    assert withdrawn.status_code == 200
    assert withdrawn.json()["state"] == "withdrawn"
    assert withdrawn.json()["withdraw_reason"] == "并入其他措施"
    assert deleted.status_code == 204
    assert list(Measure.objects.values_list("pk", flat=True)) == [first.pk]


def test_api_another_departments_liaison_cannot_delete(client, plan):
    _, second = _measures(plan)
    client.force_login(LiaisonFactory())

    response = client.delete(reverse("api:measure-detail", args=[second.pk]))

    assert response.status_code == 404
    assert Measure.objects.filter(pk=second.pk).exists()


def test_public_api_shows_the_withdrawal_reason(client, plan):
    first, _ = _measures(plan)
    services.measure_withdraw(measure=first, actor=plan.liaison, reason="并入其他措施")
    campaign = plan.key_issue.department.campaign

    response = client.get(
        reverse("api:public-progress-detail", args=[campaign.slug, plan.key_issue_id])
    )

    measures = {m["title"]: m for m in response.json()["measures"]}
    assert measures[first.title]["state"] == "withdrawn"
    assert measures[first.title]["status"] == "withdrawn"
    assert measures[first.title]["withdraw_reason"] == "并入其他措施"
    assert Decimal(measures[first.title]["target_value"]) == Decimal(353)


def test_no_indicator_value_is_taken_for_a_withdrawn_measure(client, plan):
    first, second = _measures(plan)
    services.measure_withdraw(measure=first, actor=plan.liaison, reason="并入其他措施")
    client.force_login(plan.liaison)

    html = client.get(reverse("rectification:liaison-issue", args=[plan.key_issue_id]))

    assert f"{first.title}（目标" not in html.content.decode()
    with pytest.raises(Exception, match="未撤回"):
        services.update_create(
            plan=plan, actor=plan.liaison, text="x", percent=1, values={first.pk: 1}
        )


def test_the_ledger_export_keeps_a_withdrawn_measure_with_its_reason(client, plan):
    first, _ = _measures(plan)
    services.measure_withdraw(measure=first, actor=plan.liaison, reason="并入其他措施")
    client.force_login(plan.staff)
    slug = plan.key_issue.department.campaign.slug

    response = client.get(reverse("rectification:ledger", args=[slug]))

    ws = load_workbook(io.BytesIO(response.content)).active
    state = {r[3]: r[10] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert state[first.title] == "已撤回：并入其他措施"
