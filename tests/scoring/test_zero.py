"""0.00 is a score; dropped committee scores are marked by position; versions compare
inputs and settings as numbers."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from scoring.export import workbook_bytes
from scoring.formulas import ScoringSettings, committee_component
from scoring.services.committee import committee_ballot_submit, session_close, session_open
from scoring.services.config import config_update
from scoring.services.sheets import sheet_publish, sheet_recompute
from tests.factories import MemberFactory
from tests.scoring.factories import (
    campaign_with_batch,
    no_hotline,
    public_ballots,
    research,
    survey_answers,
)

pytestmark = pytest.mark.django_db
D = "dissatisfied"


def campaign_scoring(*, research_score, committee, rating="satisfied"):
    staff, campaign, batch, evs = campaign_with_batch(1)
    ev = evs[0]
    no_hotline(campaign, staff)
    members = [MemberFactory(organizer=campaign.organizer) for _ in committee]
    research(ev, staff, research_score)
    survey_answers(batch, staff, {"public": [{ev: rating}]})
    public_ballots(batch, staff, [{ev: D}])  # every public ballot dissatisfied: 0.00
    session = session_open(batch=batch, actor=staff)
    for member, score in zip(members, committee, strict=True):
        committee_ballot_submit(session=session, member=member, scores={ev.id: score})
    session_close(session=session, actor=staff)
    sheet = sheet_publish(sheet=sheet_recompute(campaign=campaign, actor=staff), actor=staff)
    return staff, campaign, ev, sheet


def test_public_vote_of_zero_shows_as_0_00_everywhere(client):
    staff, campaign, ev, sheet = campaign_scoring(research_score=90, committee=[90, 91, 92])
    row = sheet.rows.get()
    assert row.public_vote == Decimal("0.00") and row.composite is not None

    public = client.get(reverse("scoring:public-scores", args=[campaign.slug])).content.decode()
    department = client.get(
        reverse("campaigns:department", args=[campaign.slug, ev.department.slug])
    ).content.decode()
    client.force_login(staff)
    staff_sheet = client.get(reverse("scoring:sheet", args=[campaign.slug, 1])).content.decode()
    api = client.get(reverse("api:public-scores", args=[campaign.slug])).json()

    assert '<td class="num col-detail">0.00</td>' in public
    assert '<dt>网上社会投票</dt><dd class="num">0.00</dd>' in department
    assert '<td class="num">0.00</td>' in staff_sheet
    assert api["rows"][0]["public_vote"] == "0.00"
    assert "public_vote" not in api["rows"][0]["missing_reasons"]
    ws = load_workbook(BytesIO(workbook_bytes(sheet)))["综合得分"]
    cell = ws.cell(row=3, column=8)  # 网上社会投票
    assert cell.value == 0 and cell.number_format == "0.00"


def test_composite_of_zero_is_a_score_not_incomplete(client):
    staff, campaign, ev, sheet = campaign_scoring(research_score=0, committee=[0, 0, 0], rating=D)
    row = sheet.rows.get()
    assert row.composite == Decimal("0.00") and sheet.complete and not row.missing

    client.force_login(staff)
    staff_sheet = client.get(reverse("scoring:sheet", args=[campaign.slug, 1])).content.decode()
    public = client.get(reverse("scoring:public-scores", args=[campaign.slug])).content.decode()

    assert "不完整" not in staff_sheet
    assert '<td class="num"><strong>0.00</strong></td>' in staff_sheet
    assert '<td class="num"><strong>0.00</strong></td>' in public


def test_missing_component_shows_a_dash_with_its_reason(client):
    staff, campaign, batch, evs = campaign_with_batch(1)
    no_hotline(campaign, staff)
    sheet = sheet_recompute(campaign=campaign, actor=staff)
    client.force_login(staff)

    page = client.get(reverse("scoring:sheet", args=[campaign.slug, sheet.version])).content
    text = page.decode()

    assert "（调研组尚未评分）" in text and "（没有有效投票）" in text and "（没有评分）" in text
    assert sheet.rows.get().details["missing_reasons"]["research"] == "调研组尚未评分"


def test_seven_equal_committee_scores_strike_both_dropped_scores():
    staff, campaign, ev, sheet = campaign_scoring(research_score=90, committee=[95] * 7)

    ws = load_workbook(BytesIO(workbook_bytes(sheet)))["电子表决测评"]
    cells = [ws.cell(row=2, column=col) for col in range(2, 9)]

    struck = [c for c in cells if c.font.strike]
    assert len(struck) == 2 and [c.column for c in struck] == [2, 8]
    # The number stays a number; the style alone marks it.
    assert all(c.value == 95 and c.number_format == "0.00" for c in struck)
    assert sheet.rows.get().details["committee"]["dropped_positions"] == [0, 6]


def test_dropped_scores_are_marked_at_their_own_positions():
    staff, campaign, ev, sheet = campaign_scoring(
        research_score=90, committee=[90, 95, 95, 96, 97, 99, 99]
    )

    ws = load_workbook(BytesIO(workbook_bytes(sheet)))["电子表决测评"]
    struck = [bool(ws.cell(row=2, column=col).font.strike) for col in range(2, 9)]

    assert struck == [True, False, False, False, False, False, True]


def test_saving_unchanged_default_weights_makes_no_new_version():
    staff, campaign, batch, evs = campaign_with_batch(1)
    research(evs[0], staff, 90)
    first = sheet_recompute(campaign=campaign, actor=staff)  # defaults, no settings row: "0.25"

    config_update(  # the same weights, typed differently and stored as 0.2500
        campaign=campaign,
        actor=staff,
        weight_research="0.2500",
        weight_hotline="0.2",
        weight_survey="0.25",
        weight_public_vote="0.10",
        weight_committee=Decimal("0.200"),
    )
    again = sheet_recompute(campaign=campaign, actor=staff)

    assert again.pk == first.pk
    assert campaign.score_sheets.count() == 1


def test_changed_weights_make_a_new_version():
    staff, campaign, batch, evs = campaign_with_batch(1)
    research(evs[0], staff, 90)
    first = sheet_recompute(campaign=campaign, actor=staff)

    no_hotline(campaign, staff)

    assert sheet_recompute(campaign=campaign, actor=staff).version == first.version + 1


def test_formula_marks_two_distinct_positions_for_equal_extremes():
    result = committee_component(["95"] * 7, ScoringSettings())

    assert result.dropped_positions == (0, 6)
    assert len(result.kept) == 5 and result.score == Decimal("95.00")


def test_version_stored_before_rolls_and_quorum_compares_equal():
    staff, campaign, batch, evs = campaign_with_batch(1)
    research(evs[0], staff, 90)
    old = sheet_recompute(campaign=campaign, actor=staff)
    # As stored before this change: no quorum setting, no roll key, another digest.
    snapshot = {k: v for k, v in old.settings_snapshot.items() if k != "committee_quorum"}
    campaign.score_sheets.filter(pk=old.pk).update(settings_snapshot=snapshot, inputs_digest="x")
    row = old.rows.get()
    row.inputs = {k: v for k, v in row.inputs.items() if k != "committee_roll"}
    row.save(update_fields=["inputs"])

    assert sheet_recompute(campaign=campaign, actor=staff).pk == old.pk
