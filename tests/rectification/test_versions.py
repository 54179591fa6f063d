import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from rectification import services
from rectification.models import Event, Plan, PlanVersion

pytestmark = pytest.mark.django_db


def test_change_after_publication_makes_a_new_version(client, published_plan):
    plan = published_plan
    measure = plan.measures.get(target_value__isnull=False)
    services.measure_save(
        plan=plan, actor=plan.liaison, measure=measure, deadline=dt.date(2021, 8, 15)
    )
    plan.refresh_from_db()
    assert plan.state == Plan.State.DRAFT
    # The public still reads version 1 until staff publish the change.
    url = reverse(
        "rectification:issue", args=[plan.key_issue.department.campaign.slug, plan.key_issue_id]
    )
    assert "2021年6月30日" in client.get(url).content.decode()

    services.plan_submit(plan=plan, actor=plan.liaison)
    version = services.plan_publish(plan=plan, actor=plan.staff)

    assert version.number == 2
    assert PlanVersion.objects.filter(plan=plan).count() == 2
    v1 = PlanVersion.objects.get(plan=plan, number=1)
    assert v1.measures[0]["deadline"] == "2021-06-30"  # the old commitment is kept as it was
    assert any("完成时限：2021-06-30 → 2021-08-15" in c for c in version.changes)
    body = client.get(url).content.decode()
    assert "承诺变更记录" in body and "2021-06-30 → 2021-08-15" in body
    assert Event.objects.filter(action="plan.publish", actor=plan.staff).count() == 2


def test_new_measure_after_publication_is_listed_as_added(published_plan):
    plan = published_plan
    services.measure_save(
        plan=plan,
        actor=plan.liaison,
        title="开设课后服务兴趣小组",
        responsible_unit="各区县教育局",
        responsible_person="王科长",
        deadline=dt.date(2021, 9, 1),
    )
    services.plan_submit(plan=plan, actor=plan.liaison)
    version = services.plan_publish(plan=plan, actor=plan.staff)
    assert "新增措施：开设课后服务兴趣小组" in version.changes


def test_publishing_without_change_is_refused(published_plan):
    plan = published_plan
    services.plan_update(plan=plan, actor=plan.liaison, goals=plan.goals, deadline=plan.deadline)
    services.plan_submit(plan=plan, actor=plan.liaison)
    with pytest.raises(ValidationError):
        services.plan_publish(plan=plan, actor=plan.staff)


def test_draft_plan_is_not_public(client, published_plan):
    from .factories import PlanFactory

    draft = PlanFactory(goals="尚未公开的目标")
    url = reverse(
        "rectification:issue", args=[draft.key_issue.department.campaign.slug, draft.key_issue_id]
    )
    body = client.get(url).content.decode()
    assert "尚未公开的目标" not in body and "审核后在此公开" in body


def test_liaison_form_shows_the_saved_deadline(client, published_plan):
    client.force_login(published_plan.liaison)
    url = reverse("rectification:liaison-issue", args=[published_plan.key_issue_id])
    assert 'value="2021-07-31"' in client.get(url).content.decode()


def test_liaison_edits_a_measure_in_the_page_and_staff_publish_version_2(client, published_plan):
    plan = published_plan
    measure = plan.measures.get(target_value__isnull=False)
    client.force_login(plan.liaison)
    page = client.get(reverse("rectification:liaison-issue", args=[plan.key_issue_id]))
    assert f'id="m{measure.pk}_m-title"' in page.content.decode()
    client.post(
        reverse("rectification:liaison-measure", args=[plan.key_issue_id, measure.pk]),
        {
            "m-title": measure.title,
            "m-responsible_unit": "基础教育科",
            "m-responsible_person": "李科长",
            "m-deadline": "2021-06-30",
            "m-target_value": "353",
            "m-target_unit": "所",
        },
    )
    client.post(reverse("rectification:liaison-submit", args=[plan.key_issue_id]))
    client.force_login(plan.staff)
    slug = plan.key_issue.department.campaign.slug
    client.post(reverse("rectification:staff-publish", args=[slug, plan.key_issue_id]))
    version = plan.versions.order_by("-number").first()
    assert version.number == 2
    assert version.changes == [f"措施“{measure.title}”责任人：张科长 → 李科长"]
