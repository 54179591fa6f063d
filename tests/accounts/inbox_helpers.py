"""A campaign with a known amount of everything that waits, for the inbox tests."""

import datetime as dt

from hotline.models import HotlineRecord, HotlineSource
from issues.models import Suggestion
from rectification import services as rectification
from scoring.services.research import research_score_set
from tests.factories import (
    BatchFactory,
    CampaignFactory,
    EvaluatedDepartmentFactory,
    LiaisonFactory,
)
from tests.issues.factories import ConfirmedKeyIssueFactory, KeyIssueFactory, SuggestionFactory
from tests.rectification.factories import MeasureFactory, PlanFactory


def waiting_campaign(staff, researcher):
    """A campaign with a known amount of everything staff have to act on:
    3 suggestions to triage (plus 1 spam, not counted); batch 1 at the key-issues stage with
    departments holding 0 (1 proposed), 2 and 4 confirmed key issues: 2 out of bounds, 1 with
    fewer than 2 proposed; batch 2 at the evaluation stage with one of its two departments
    scored by the research group; a published plan with 2 overdue measures, 1 update
    pending and an older one returned."""
    campaign = CampaignFactory(organizer=staff.organizer)
    first = BatchFactory(campaign=campaign, number=1, name="第一批", stage="key_issues")
    none, ok, many = EvaluatedDepartmentFactory.create_batch(3, batch=first)
    KeyIssueFactory(department=none)
    ConfirmedKeyIssueFactory.create_batch(2, department=ok)
    ConfirmedKeyIssueFactory.create_batch(4, department=many)
    SuggestionFactory.create_batch(3, department=none)
    SuggestionFactory(department=none, status=Suggestion.Status.SPAM)

    second = BatchFactory(campaign=campaign, number=2, name="第二批", stage="evaluation")
    scored, unscored = EvaluatedDepartmentFactory.create_batch(2, batch=second)
    issue = ConfirmedKeyIssueFactory(department=scored)
    ConfirmedKeyIssueFactory(department=scored)
    ConfirmedKeyIssueFactory.create_batch(2, department=unscored)
    research_score_set(evaluated=scored, score="92", justification="整改扎实", actor=researcher)

    plan = PlanFactory(key_issue=issue)
    MeasureFactory(plan=plan, deadline=dt.date(2021, 6, 30))
    MeasureFactory(plan=plan, deadline=dt.date(2021, 7, 15))
    liaison = LiaisonFactory(department=scored.department)
    rectification.plan_submit(plan=plan, actor=liaison)
    rectification.plan_publish(plan=plan, actor=staff)
    returned = rectification.update_create(plan=plan, actor=liaison, text="第一次", percent=10)
    rectification.update_return(update=returned, actor=staff, reason="请补充照片")
    rectification.update_create(plan=plan, actor=liaison, text="第二次", percent=20)
    return campaign


def unmatched_tickets(organizer, names: list[str]) -> None:
    source = HotlineSource.objects.create(name=f"{organizer.name}12345热线", organizer=organizer)
    for i, name in enumerate(names):
        HotlineRecord.objects.create(
            source=source,
            ticket_no=f"T{i}",
            department_name=name,
            received_at=dt.datetime(2021, 3, 5, 8, tzinfo=dt.UTC),
            received_day=dt.date(2021, 3, 5),
        )
