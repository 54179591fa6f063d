import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns.stages import Stage
from rectification import services
from rectification.models import Event, Plan, Rebound, Verdict

pytestmark = pytest.mark.django_db


def test_not_satisfied_reopens_with_a_new_deadline_until_satisfied(client, published_plan):
    plan = published_plan
    issue = plan.key_issue
    with pytest.raises(ValidationError):
        services.verdict_record(key_issue=issue, actor=plan.staff, result="not_satisfied")

    services.verdict_record(
        key_issue=issue,
        actor=plan.staff,
        result=Verdict.Result.NOT_SATISFIED,
        remarks="课后服务内容单一",
        new_deadline=dt.date(2021, 12, 31),
    )
    plan.refresh_from_db()
    assert plan.round == 2 and plan.deadline == dt.date(2021, 12, 31)
    assert plan.state == Plan.State.PUBLISHED and plan.versions.count() == 2
    new = services.measure_save(
        plan=plan,
        actor=plan.liaison,
        title="增加课后服务兴趣课程",
        responsible_unit="基础教育科",
        responsible_person="张科长",
        deadline=dt.date(2021, 12, 1),
    )
    assert new.round == 2

    services.verdict_record(key_issue=issue, actor=plan.staff, result=Verdict.Result.SATISFIED)
    with pytest.raises(ValidationError):
        services.verdict_record(key_issue=issue, actor=plan.staff, result="satisfied")
    url = reverse("rectification:issue", args=[issue.department.campaign.slug, issue.pk])
    body = client.get(url).content.decode()
    assert "第1轮 不满意" in body and "第2轮 满意" in body and "课后服务内容单一" in body
    assert Event.objects.filter(action="verdict").count() == 2


def test_rebound_only_after_publication_and_stays_until_resolved(client, published_plan):
    plan = published_plan
    issue = plan.key_issue
    with pytest.raises(ValidationError):
        services.rebound_flag(key_issue=issue, actor=plan.staff, evidence="热线诉求回升")
    batch = issue.department.batch
    batch.stage = Stage.FOLLOW_UP
    batch.save()
    rebound = services.rebound_flag(key_issue=issue, actor=plan.staff, evidence="热线诉求回升")
    board = reverse("rectification:board", args=[issue.department.campaign.slug])
    assert issue.title in client.get(board + "?status=rebound").content.decode()
    with pytest.raises(ValidationError):
        services.rebound_flag(key_issue=issue, actor=plan.staff, evidence="again")

    services.rebound_resolve(rebound=rebound, actor=plan.staff, resolution="已恢复")
    assert issue.title not in client.get(board + "?status=rebound").content.decode()
    assert Rebound.objects.get().resolved_by == plan.staff
