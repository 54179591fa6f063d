"""A verdict and 销号 are kept for good: each shows a review and writes only when confirmed."""

import pytest
from django.urls import reverse

from rectification import services
from rectification.models import Event, Measure, Verdict
from tests.confirming import post_confirmed

pytestmark = pytest.mark.django_db


def _url(plan, name, *args):
    issue = plan.key_issue
    return reverse(name, args=[issue.department.campaign.slug, issue.pk, *args])


def test_verdict_review_changes_nothing_until_confirmed(client, published_plan):
    plan = published_plan
    client.force_login(plan.staff)
    data = {"result": "not_satisfied", "remarks": "课后服务内容单一", "new_deadline": "2021-12-31"}

    review = client.post(_url(plan, "rectification:staff-verdict"), data)
    forged = client.post(
        _url(plan, "rectification:staff-verdict"), {**data, "confirm": "1", "confirmation": "x"}
    )

    body = review.content.decode()
    assert "不满意" in body and "2021-12-31" in body and "确认记录评议意见" in body
    assert forged.status_code == 200
    assert not Verdict.objects.exists()
    plan.refresh_from_db()
    assert plan.round == 1

    post_confirmed(client, _url(plan, "rectification:staff-verdict"), data)
    verdict = Verdict.objects.get()
    assert verdict.result == Verdict.Result.NOT_SATISFIED and verdict.remarks == "课后服务内容单一"


def test_measure_close_review_changes_nothing_until_confirmed(client, published_plan):
    plan = published_plan
    measure = plan.measures.order_by("id").first()
    services.measure_mark_done(measure=measure, actor=plan.liaison, evidence="已全部开展")
    client.force_login(plan.staff)
    url = _url(plan, "rectification:staff-close", measure.pk)

    review = client.post(url)
    measure.refresh_from_db()
    assert "已全部开展" in review.content.decode() and "确认销号" in review.content.decode()
    assert measure.state == Measure.State.DONE
    assert not Event.objects.filter(action="measure.close").exists()

    post_confirmed(client, url)
    measure.refresh_from_db()
    assert measure.state == Measure.State.CLOSED
