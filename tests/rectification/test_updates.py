import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns.models import Batch
from campaigns.stages import Stage
from rectification import services
from rectification.models import Attachment, Event, Measure, ProgressUpdate

from .factories import jpeg_bytes

pytestmark = pytest.mark.django_db


def _urls(plan):
    slug = plan.key_issue.department.campaign.slug
    return (
        reverse("rectification:issue", args=[slug, plan.key_issue_id]),
        reverse("rectification:board", args=[slug]),
        reverse("rectification:feed", args=[slug]),
    )


def test_pending_update_is_invisible_to_the_public(client, published_plan):
    plan = published_plan
    update = services.update_create(
        plan=plan,
        actor=plan.liaison,
        text="待审核的进展：已覆盖200所小学",
        percent=57,
        files=[("photo.jpg", jpeg_bytes())],
    )
    att = update.attachments.get()
    for url in _urls(plan):
        body = client.get(url).content.decode()
        assert "待审核的进展" not in body, url
    assert client.get(reverse("rectification:file", args=[att.pk])).status_code == 404
    assert client.get(reverse("rectification:thumb", args=[att.pk])).status_code == 404
    # The liaison of the department and staff do see the file.
    client.force_login(plan.liaison)
    assert client.get(reverse("rectification:thumb", args=[att.pk])).status_code == 200


def test_published_update_shows_with_thumbnail_and_progress(client, published_plan):
    plan = published_plan
    measure = plan.measures.get(target_value__isnull=False)
    update = services.update_create(
        plan=plan,
        actor=plan.liaison,
        text="已在353所小学开展课后延时服务",
        percent=80,
        values={measure.pk: 353},
        files=[("photo.jpg", jpeg_bytes())],
    )
    services.update_publish(update=update, actor=plan.staff)
    att = Attachment.objects.get()
    issue_url, board_url, feed_url = _urls(plan)

    body = client.get(issue_url).content.decode()
    assert "已在353所小学开展课后延时服务" in body
    assert reverse("rectification:thumb", args=[att.pk]) in body
    assert 'value="80"' in body and "353 / 353 所" in body
    assert "已在353所小学" in client.get(feed_url).content.decode()
    thumb = client.get(reverse("rectification:thumb", args=[att.pk]))
    assert thumb.status_code == 200
    measure.refresh_from_db()
    assert measure.current_value == 353 and measure.state == Measure.State.IN_PROGRESS


def test_returned_update_keeps_its_reason_and_stays_private(client, published_plan):
    plan = published_plan
    update = services.update_create(plan=plan, actor=plan.liaison, text="草稿进展", percent=10)
    with pytest.raises(ValidationError):
        services.update_return(update=update, actor=plan.staff, reason="  ")
    services.update_return(update=update, actor=plan.staff, reason="缺少佐证照片")
    update.refresh_from_db()
    assert update.state == ProgressUpdate.State.RETURNED
    assert "草稿进展" not in client.get(_urls(plan)[0]).content.decode()
    client.force_login(plan.liaison)
    page = client.get(reverse("rectification:liaison-issue", args=[plan.key_issue_id]))
    assert "缺少佐证照片" in page.content.decode()


def test_staff_publish_through_the_view_records_history(client, published_plan):
    plan = published_plan
    update = services.update_create(plan=plan, actor=plan.liaison, text="进展", percent=20)
    client.force_login(plan.staff)
    slug = plan.key_issue.department.campaign.slug
    url = reverse("rectification:staff-review", args=[slug, plan.key_issue_id, update.pk])
    client.post(url, {"decision": "publish"})
    update.refresh_from_db()
    assert update.state == ProgressUpdate.State.PUBLISHED
    event = Event.objects.filter(action="update.publish").get()
    assert event.actor == plan.staff and event.at is not None


def test_only_staff_close_off_a_measure_the_liaison_marked_done(published_plan):
    plan = published_plan
    measure = plan.measures.first()
    with pytest.raises(ValidationError):
        services.measure_close(measure=measure, actor=plan.staff)
    services.measure_mark_done(measure=measure, actor=plan.liaison, evidence="353所全部开展")
    services.measure_close(measure=measure, actor=plan.staff)
    measure.refresh_from_db()
    assert measure.state == Measure.State.CLOSED and measure.closed_by == plan.staff


@time_machine.travel(dt.datetime(2021, 7, 5, 10, tzinfo=dt.UTC), tick=False)
def test_public_page_badges_follow_the_frozen_date(client, published_plan):
    Batch.objects.filter(pk=published_plan.key_issue.department.batch_id).update(
        stage=Stage.RECTIFICATION
    )
    body = client.get(_urls(published_plan)[0]).content.decode()
    # 353所 measure due 2021-06-30 is 5 days late; the other is due 2021-07-15 (at risk).
    assert "已逾期 5 天" in body
    assert "status-overdue" in body and "status-at_risk" in body


@time_machine.travel(dt.datetime(2021, 5, 1, 10, tzinfo=dt.UTC), tick=False)
def test_board_filters_by_status(client, published_plan):
    board = _urls(published_plan)[1]
    assert published_plan.key_issue.title in client.get(board + "?status=on_track").content.decode()
    assert (
        published_plan.key_issue.title not in client.get(board + "?status=overdue").content.decode()
    )


def test_staff_page_shows_who_did_what(client, published_plan):
    plan = published_plan
    client.force_login(plan.staff)
    slug = plan.key_issue.department.campaign.slug
    body = client.get(reverse("rectification:staff-issue", args=[slug, plan.key_issue_id]))
    text = body.content.decode()
    assert "提交整改方案" in text and "公开整改承诺" in text
    assert plan.staff.display_name in text and plan.liaison.display_name in text


def test_staff_return_a_submitted_plan_and_the_liaison_reads_why(client, published_plan):
    plan = published_plan
    services.plan_update(plan=plan, actor=plan.liaison, goals="全覆盖", deadline=plan.deadline)
    slug = plan.key_issue.department.campaign.slug
    staff_page = reverse("rectification:staff-issue", args=[slug, plan.key_issue_id])
    url = reverse("rectification:staff-return", args=[slug, plan.key_issue_id])
    client.force_login(plan.staff)
    client.post(url, {"reason": "草稿"})  # not submitted yet: refused
    assert not Event.objects.filter(action="plan.return").exists()
    services.plan_submit(plan=plan, actor=plan.liaison)
    assert "退回修改" in client.get(staff_page).content.decode()

    blank = client.post(url, {"reason": "  "}, follow=True)
    assert "退回时请写明理由" in blank.content.decode()
    client.post(url, {"reason": "请补充经费保障措施"})

    plan.refresh_from_db()
    assert plan.state == plan.State.DRAFT and plan.return_reason == "请补充经费保障措施"
    history = client.get(staff_page).content.decode()
    assert "退回整改方案" in history and "退回修改" not in history
    client.force_login(plan.liaison)
    page = client.get(reverse("rectification:liaison-issue", args=[plan.key_issue_id]))
    assert "退回理由：请补充经费保障措施" in page.content.decode()
    services.plan_submit(plan=plan, actor=plan.liaison)  # resubmitting clears the reason
    plan.refresh_from_db()
    assert plan.return_reason == "" and plan.state == plan.State.SUBMITTED
