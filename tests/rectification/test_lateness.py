"""Issue 14: lateness counts to today only while a batch is in rectification or follow-up;
afterwards a measure shows how late it was finished, or that it was unfinished at close."""

import datetime as dt

import pytest
import time_machine

from campaigns.models import Batch
from rectification import services, status
from rectification.status import FINISHED_LATE, LATE_NOW, ON_TIME, UNFINISHED, lateness

D = dt.date
TODAY = D(2026, 11, 30)


def test_open_measure_of_a_live_batch_counts_to_today():
    late = lateness(
        deadline=D(2026, 11, 20), state="in_progress", finished_on=None, live=True, today=TODAY
    )
    assert (late.code, late.days, late.label) == (LATE_NOW, 10, "已逾期 10 天")
    due = lateness(
        deadline=D(2026, 12, 5), state="not_started", finished_on=None, live=True, today=TODAY
    )
    assert due.label == "剩余 5 天" and not due.is_late


def test_finished_batch_never_counts_to_today():
    unfinished = lateness(
        deadline=D(2021, 10, 22), state="in_progress", finished_on=None, live=False, today=TODAY
    )
    assert unfinished.code == UNFINISHED and unfinished.label == "整改阶段结束时未完成"
    finished_late = lateness(
        deadline=D(2021, 10, 22), state="done", finished_on=D(2021, 10, 25), live=False, today=TODAY
    )
    assert finished_late.code == FINISHED_LATE and finished_late.days == 3
    assert finished_late.label == "超过完成时限 3 天完成"
    on_time = lateness(
        deadline=D(2021, 10, 22), state="closed", finished_on=D(2021, 10, 1), live=True, today=TODAY
    )
    assert on_time.code == ON_TIME


def test_live_stages_are_rectification_and_follow_up():
    assert set(status.LIVE_STAGES) == {"rectification", "follow_up"}


def _set_stage(plan, stage):
    batch = Batch.objects.get(pk=plan.key_issue.department.batch_id)
    batch.stage = stage
    batch.save(update_fields=["stage"])  # a save, as the stage service makes: pages refresh


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC), tick=False)
def test_public_issue_page_after_the_batch_left_rectification(client, published_plan):
    """The 353所 measure (due 2021-06-30) finished 3 days late; the other never finished."""
    plan = published_plan
    first = plan.measures.get(title__startswith="353所")
    services.measure_mark_done(
        measure=first,
        actor=plan.liaison,
        evidence="353所全部开展",
        at=dt.datetime(2021, 7, 3, 10, tzinfo=dt.UTC),
    )
    url = f"/{plan.key_issue.department.campaign.slug}/progress/{plan.key_issue_id}/"

    _set_stage(plan, "published")
    body = client.get(url).content.decode()
    assert "超过完成时限 3 天完成" in body and "整改阶段结束时未完成" in body
    assert "已逾期 1" not in body  # no count to 2026
    assert "超过完成时限 1" not in body  # the issue line is not counted to today either

    _set_stage(plan, "rectification")
    live = client.get(url).content.decode()
    assert f"已逾期 {(D(2026, 11, 30) - D(2021, 7, 15)).days} 天" in live
