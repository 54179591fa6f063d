import datetime as dt

import factory
from factory.django import DjangoModelFactory

from issues.models import Channel, KeyIssue, SourceType, Suggestion, Theme
from tests.factories import CampaignFactory, EvaluatedDepartmentFactory


class SuggestionFactory(DjangoModelFactory):
    class Meta:
        model = Suggestion

    department = factory.SubFactory(EvaluatedDepartmentFactory)
    campaign = factory.LazyAttribute(
        lambda o: o.department.campaign if o.department else CampaignFactory()
    )
    channel = Channel.WEB
    source_type = SourceType.PUBLIC
    text = factory.Sequence(lambda n: f"第{n}条意见：小区门口路灯不亮，晚上出行不安全。")
    submitted_on = dt.date(2021, 3, 5)
    receipt = factory.Sequence(lambda n: f"YJ2021-T{n:07d}")


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    department = factory.SubFactory(EvaluatedDepartmentFactory)
    campaign = factory.SelfAttribute("department.campaign")
    title = factory.Sequence(lambda n: f"主题{n}")


class KeyIssueFactory(DjangoModelFactory):
    class Meta:
        model = KeyIssue

    department = factory.SubFactory(EvaluatedDepartmentFactory)
    title = factory.Sequence(lambda n: f"重点整改问题{n}")
    status = KeyIssue.Status.PROPOSED


class ConfirmedKeyIssueFactory(KeyIssueFactory):
    status = KeyIssue.Status.CONFIRMED
