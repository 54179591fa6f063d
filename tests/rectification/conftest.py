import datetime as dt

import pytest

from rectification import services
from tests.factories import LiaisonFactory, StaffFactory

from .factories import MeasureFactory, PlanFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def published_plan(db):
    """A plan with two measures, submitted by its liaison and published by staff."""
    plan = PlanFactory()
    ev = plan.key_issue.department
    MeasureFactory(plan=plan, title="353所小学开展课后延时服务", target_value=353, target_unit="所")
    MeasureFactory(plan=plan, title="建立课后服务经费保障机制", deadline=dt.date(2021, 7, 15))
    liaison = LiaisonFactory(department=ev.department)
    staff = StaffFactory(organizer=ev.campaign.organizer)
    services.plan_submit(plan=plan, actor=liaison)
    services.plan_publish(plan=plan, actor=staff)
    plan.refresh_from_db()
    plan.liaison, plan.staff = liaison, staff
    return plan
