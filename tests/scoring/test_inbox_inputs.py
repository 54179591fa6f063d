"""The staff inbox line 评分数据不完整的部门（单位） and the list it opens
(`/staff/<slug>/scoring/?inputs=incomplete`): every department of a batch at 成效评价 or later
lacking the input of a component with a non-zero weight, by the rule a recompute applies."""

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import EvaluatedDepartment
from hotline.models import DailyStat
from scoring.formulas import Component
from scoring.services.committee import committee_ballot_submit, session_close, session_open
from scoring.services.config import config_update
from scoring.services.sheets import sheet_recompute
from tests.factories import (
    BatchFactory,
    CampaignFactory,
    EvaluatedDepartmentFactory,
    MemberFactory,
    StaffFactory,
)
from tests.scoring.factories import (
    research,
    survey_answers,
)

pytestmark = pytest.mark.django_db

STAFF_HOME = reverse("accounts:workspace-staff")
RESEARCH, HOTLINE = Component.RESEARCH.label, Component.HOTLINE.label


def rated_calls(ev, day=None) -> None:
    """Rated hotline records of the department inside its campaign's evaluation window."""
    DailyStat.objects.create(
        department=ev.department,
        day=day or ev.campaign.evaluation_start + dt.timedelta(days=10),
        total=5,
        satisfied=3,
        basic=1,
        dissatisfied=1,
    )


def no_public_vote(campaign, staff):
    """Weights that leave the online public vote out (weight 0: not needed)."""
    return config_update(
        campaign=campaign,
        actor=staff,
        weight_research=Decimal("0.30"),
        weight_hotline=Decimal("0.20"),
        weight_survey=Decimal("0.30"),
        weight_public_vote=Decimal("0"),
        weight_committee=Decimal("0.20"),
    )


def scored_campaign(staff, suffix: str = "", member=None):
    """A campaign whose public vote weighs 0 (nobody votes: not needed), with
    - batch 1 (成效评价), surveyed and scored by the committee: `甲局` has a research score
      and rated hotline calls, `乙局` a research score only, `丙局` neither;
    - batch 2 (结果公布): `丁局` has rated hotline calls only;
    - batch 3 (整改落实): `戊局` has nothing, and is not counted (not evaluated yet).
    Survey answers and committee ballots cover every department of a batch."""
    campaign = CampaignFactory(organizer=staff.organizer)
    no_public_vote(campaign, staff)
    first = BatchFactory(campaign=campaign, number=1, name="第一批", stage="evaluation")
    full, research_only, bare = (
        EvaluatedDepartmentFactory(batch=first, position=i, department__name=name + suffix)
        for i, name in enumerate(["甲局", "乙局", "丙局"], start=1)
    )
    second = BatchFactory(campaign=campaign, number=2, name="第二批", stage="published")
    late = EvaluatedDepartmentFactory(batch=second, position=1, department__name="丁局" + suffix)
    third = BatchFactory(campaign=campaign, number=3, name="第三批", stage="rectification")
    EvaluatedDepartmentFactory(batch=third, position=1, department__name="戊局" + suffix)

    for ev in (full, research_only):
        research(ev, staff, "90")
    for ev in (full, late):
        rated_calls(ev)
    survey_answers(
        first, staff, {"public": [{full: "satisfied", research_only: "basic", bare: "basic"}]}
    )
    # One member on the roll, who scores: the quorum is met.
    member = member or MemberFactory(organizer=staff.organizer)
    session = session_open(batch=first, actor=staff)
    committee_ballot_submit(
        session=session, member=member, scores={full.id: 95, research_only.id: 90, bare.id: 85}
    )
    session_close(session=session, actor=staff)
    return campaign


def staff_line(client, campaign):
    response = client.get(STAFF_HOME)
    assert response.status_code == 200
    (item,) = [
        i
        for g in response.context["inbox"]
        if g.title == campaign.title
        for i in g.items
        if i.key == "inputs_incomplete"
    ]
    return item


def open_list(client, item):
    parts = urlsplit(item.url)
    response = client.get(parts.path, dict(parse_qsl(parts.query)))
    assert response.status_code == 200
    return response


def test_inbox_counts_each_incomplete_department_once_and_names_the_components(client):
    staff = StaffFactory()
    campaign = scored_campaign(staff)
    client.force_login(staff)

    item = staff_line(client, campaign)

    assert item.count == 3  # 乙局, 丙局, 丁局: not 甲局 (complete), not 戊局 (not evaluated)
    # Nobody voted online, but the public vote weighs 0 here: it is not needed.
    assert item.label == "评分数据不完整的部门（单位）：调研 2 · 热线 2 · 问卷 1 · 测评 1"
    assert item.url == f"/staff/{campaign.slug}/scoring/?inputs=incomplete#inputs"


def test_the_list_the_inbox_opens_has_exactly_its_rows_with_what_is_missing(client):
    staff = StaffFactory()
    campaign = scored_campaign(staff)
    client.force_login(staff)
    item = staff_line(client, campaign)

    response = open_list(client, item)

    rows = response.context["incomplete"]
    assert len(rows) == item.count
    assert [(r["evaluated"].department.name, r["missing"]) for r in rows] == [
        ("乙局", [(HOTLINE, "评议期内没有已评价的工单")]),
        ("丙局", [(RESEARCH, "调研组尚未评分"), (HOTLINE, "评议期内没有已评价的工单")]),
        (
            "丁局",
            [
                (RESEARCH, "调研组尚未评分"),
                (Component.SURVEY.label, "没有有效评价"),
                (Component.COMMITTEE.label, "没有评分"),
            ],
        ),
    ]
    page = response.content.decode()
    assert page.count('class="inputs-row"') == item.count
    assert "甲局" not in page.split('id="inputs"')[1].split("</section>")[0]
    assert "<strong data-total>3</strong>" in page


def test_inbox_agrees_with_what_a_recompute_marks_missing(client):
    staff = StaffFactory()
    campaign = scored_campaign(staff)
    client.force_login(staff)

    sheet = sheet_recompute(campaign=campaign, actor=staff)

    evaluated_now = {"甲局", "乙局", "丙局", "丁局"}  # 戊局's batch is not evaluated yet
    in_sheet = {
        r.department_name: [Component(m).label for m in r.missing]
        for r in sheet.rows.all()
        if r.missing and r.department_name in evaluated_now
    }
    rows = open_list(client, staff_line(client, campaign)).context["incomplete"]
    listed = {r["evaluated"].department.name: [label for label, _ in r["missing"]] for r in rows}
    assert listed == in_sheet


def test_the_count_follows_the_live_inputs_without_a_recompute(client):
    staff = StaffFactory()
    campaign = scored_campaign(staff)
    client.force_login(staff)
    sheet_recompute(campaign=campaign, actor=staff)
    research_only = EvaluatedDepartment.objects.get(campaign=campaign, department__name="乙局")

    rated_calls(research_only)

    item = staff_line(client, campaign)
    assert item.count == 2
    assert item.label.endswith("：调研 2 · 热线 1 · 问卷 1 · 测评 1")


def test_a_committee_score_below_quorum_counts_as_missing_with_its_reason(client):
    staff = StaffFactory()
    campaign = scored_campaign(staff)
    # Four members on the roll (the one of batch 1 and three more), one scores: below
    # "more than half".
    second = campaign.batches.get(number=2)
    late = EvaluatedDepartment.objects.get(campaign=campaign, department__name="丁局")
    research(late, staff, "85")
    survey_answers(second, staff, {"public": [{late: "satisfied"}]})
    member, *_ = MemberFactory.create_batch(3, organizer=staff.organizer)
    session = session_open(batch=second, actor=staff)
    committee_ballot_submit(session=session, member=member, scores={late.id: 70})
    session_close(session=session, actor=staff)
    client.force_login(staff)

    rows = open_list(client, staff_line(client, campaign)).context["incomplete"]

    assert ("丁局", [("电子表决测评", "未达法定人数")]) in [
        (r["evaluated"].department.name, r["missing"]) for r in rows
    ]


def test_the_inbox_reads_incomplete_inputs_in_the_same_queries_for_one_campaign_as_three(
    client,
):
    staff = StaffFactory()
    member = MemberFactory(organizer=staff.organizer)
    scored_campaign(staff, member=member)
    client.force_login(staff)
    client.get(STAFF_HOME)  # warm up what is cached once per process

    with CaptureQueriesContext(connection) as one:
        client.get(STAFF_HOME)
    scored_campaign(staff, "二", member=member)
    scored_campaign(staff, "三", member=member)
    with CaptureQueriesContext(connection) as three:
        response = client.get(STAFF_HOME)

    lines = [i for g in response.context["inbox"] for i in g.items if i.key == "inputs_incomplete"]
    assert [i.count for i in lines] == [3, 3, 3]
    assert len(three.captured_queries) == len(one.captured_queries)


def test_the_filtered_list_reads_in_the_same_queries_whatever_the_departments(client):
    staff = StaffFactory()
    campaign = scored_campaign(staff)
    client.force_login(staff)
    url = f"/staff/{campaign.slug}/scoring/?inputs=incomplete"
    client.get(url)

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    first = campaign.batches.get(number=1)
    for i in range(5):
        EvaluatedDepartmentFactory(batch=first, position=10 + i)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(response.context["incomplete"]) == 8
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_campaign_with_every_input_shows_zero_and_an_empty_list(client):
    staff = StaffFactory()
    campaign = scored_campaign(staff)
    EvaluatedDepartment.objects.filter(
        campaign=campaign, department__name__in=["乙局", "丙局", "丁局"]
    ).delete()
    client.force_login(staff)

    item = staff_line(client, campaign)

    assert (item.label, item.count) == ("评分数据不完整的部门（单位）", 0)
    page = open_list(client, item).content.decode()
    assert 'class="inputs-row"' not in page
    assert "各部门（单位）的评分数据均已齐全。" in page
