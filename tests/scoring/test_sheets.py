"""Score sheets through the real inputs: computation, completeness, publication, versions."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from hotline.services import import_batch_create, import_batch_run
from scoring.models import ScoreRow, ScoreSheet, ScoringEvent
from scoring.selectors import sheet_diff
from scoring.services.sheets import sheet_publish, sheet_recompute
from tests.hotline.factories import ticket, write_csv
from tests.scoring.factories import (
    campaign_with_batch,
    committee_scores,
    no_hotline,
    public_ballots,
    research,
    survey_answers,
)

pytestmark = pytest.mark.django_db

S, B, D = "satisfied", "basic", "dissatisfied"


def worked_example_inputs():
    """Department A of scoring.md's worked example, entered through the services."""
    staff, campaign, batch, (a,) = campaign_with_batch(1)
    research(a, staff, "95")
    survey_answers(
        batch,
        staff,
        {"city_deputy": [{a: S}, {a: S}, {a: B}], "public": [{a: S}, {a: D}]},
    )
    public_ballots(batch, staff, [{a: S}, {a: S}, {a: B}, {a: D}])
    committee_scores(batch, staff, [{a: s} for s in (98, 97, 99, 100, 90, 96, 95)])
    return staff, campaign, batch, a


def import_worked_example_hotline(department, year: int, tmp_path) -> None:
    """scoring.md's hotline figures as real 12345 tickets, through the real importer: 500 in
    the window (300 satisfied, 60 basically satisfied, 40 dissatisfied, 100 unrated) and 625
    in the same dates a year earlier."""
    ratings = ["满意"] * 300 + ["基本满意"] * 60 + ["不满意"] * 40 + [""] * 100
    rows = [
        ticket(f"W{i}", when=f"{year}-{1 + i % 10:02d}-{1 + i % 28:02d} 10:00",
               dept=department.name, satisfaction=r)
        for i, r in enumerate(ratings)
    ]  # fmt: skip
    rows += [
        ticket(f"B{i}", when=f"{year - 1}-{1 + i % 10:02d}-{1 + i % 28:02d} 10:00",
               dept=department.name)
        for i in range(625)
    ]  # fmt: skip
    path = write_csv(tmp_path / "hotline.csv", rows)
    batch = import_batch_create(source_name="12345", path=str(path), file_name=path.name)
    assert import_batch_run(batch_id=batch.pk).inserted == 1125


def test_worked_example_through_real_inputs(tmp_path):
    # Given the worked example's inputs, the hotline's as imported 12345 tickets
    staff, campaign, _, a = worked_example_inputs()
    import_worked_example_hotline(a.department, campaign.year, tmp_path)

    # When the sheet is computed
    sheet = sheet_recompute(campaign=campaign, actor=staff)

    # Then every component and the composite are those of scoring.md
    row = sheet.rows.get()
    assert (row.research, row.hotline, row.survey, row.public_vote, row.committee) == (
        Decimal("95.00"),
        Decimal("93.00"),
        Decimal("68.33"),
        Decimal("65.00"),
        Decimal("97.00"),
    )
    assert row.composite == Decimal("85.33")
    assert sheet.complete and row.rank_campaign == 1 and row.rank_batch == 1
    assert "综合得分：85.33" in row.explanation
    assert row.details["committee"]["dropped_high"] == "100.00"
    assert row.inputs["committee"] == [
        "90.00",
        "95.00",
        "96.00",
        "97.00",
        "98.00",
        "99.00",
        "100.00",
    ]


def test_worked_example_without_hotline_data_is_incomplete_and_named():
    staff, campaign, _, a = worked_example_inputs()

    sheet = sheet_recompute(campaign=campaign, actor=staff)

    row = sheet.rows.get()
    assert (row.survey, row.public_vote, row.committee) == (
        Decimal("68.33"),
        Decimal("65.00"),
        Decimal("97.00"),
    )
    assert row.composite is None and row.missing == ["hotline"]
    with pytest.raises(ValidationError) as refused:
        sheet_publish(sheet=sheet, actor=staff)
    assert (
        f"{a.department.name}：缺少12345大数据分析（评议期内没有已评价的工单）"
        in refused.value.messages
    )
    sheet.refresh_from_db()
    assert sheet.published_at is None


def test_hotline_weight_zero_completes_the_sheet():
    staff, campaign, _, _ = worked_example_inputs()
    no_hotline(campaign, staff)

    sheet = sheet_recompute(campaign=campaign, actor=staff)

    # 0.30×95 + 0.30×68.33 + 0.20×65 + 0.20×97 = 28.5 + 20.499 + 13 + 19.4 = 81.399
    assert sheet.complete
    assert sheet.rows.get().composite == Decimal("81.40")


def _two_departments():
    staff, campaign, batch, (a, b) = campaign_with_batch(2)
    no_hotline(campaign, staff)
    for ev, score in ((a, 90), (b, 80)):
        research(ev, staff, score)
    survey_answers(batch, staff, {"public": [{a: S, b: B}]})
    public_ballots(batch, staff, [{a: S, b: D}])
    committee_scores(batch, staff, [{a: 90, b: 95}])
    return staff, campaign, batch, a, b


def test_published_sheet_never_changes_and_recompute_makes_a_new_version():
    staff, campaign, _, a, b = _two_departments()
    v1 = sheet_recompute(campaign=campaign, actor=staff)
    sheet_publish(sheet=v1, actor=staff)
    frozen = list(ScoreRow.objects.filter(sheet=v1).order_by("pk").values())
    frozen_sheet = ScoreSheet.objects.filter(pk=v1.pk).values().get()

    # When an input changes and the sheet is recomputed
    research(b, staff, "99.5")
    v2 = sheet_recompute(campaign=campaign, actor=staff)

    # Then a new version holds the change and the published one is untouched
    assert v2.version == 2 and v2.published_at is None
    assert list(ScoreRow.objects.filter(sheet=v1).order_by("pk").values()) == frozen
    assert ScoreSheet.objects.filter(pk=v1.pk).values().get() == frozen_sheet
    assert v2.rows.get(evaluated=b).research == Decimal("99.50")
    diff = sheet_diff(old=v1, new=v2)
    changed = {d["department"]: d for d in diff}
    assert b.department.name in changed and a.department.name not in changed
    assert changed[b.department.name]["changes"]["research"] == (Decimal("80.00"), Decimal("99.50"))


def test_recompute_without_changes_keeps_the_version():
    staff, campaign, *_ = _two_departments()
    v1 = sheet_recompute(campaign=campaign, actor=staff)

    assert sheet_recompute(campaign=campaign, actor=staff).pk == v1.pk
    assert ScoreSheet.objects.filter(campaign=campaign).count() == 1


def test_publish_refuses_an_older_version_and_a_second_publication():
    staff, campaign, _, _, b = _two_departments()
    v1 = sheet_recompute(campaign=campaign, actor=staff)
    research(b, staff, 70)
    v2 = sheet_recompute(campaign=campaign, actor=staff)

    with pytest.raises(ValidationError, match="只能公布最新版本"):
        sheet_publish(sheet=v1, actor=staff)
    sheet_publish(sheet=v2, actor=staff)
    with pytest.raises(ValidationError, match="已经公布"):
        sheet_publish(sheet=v2, actor=staff)
    assert ScoringEvent.objects.filter(action="sheet.publish").count() == 1


def test_ranks_within_batch_and_campaign():
    staff, campaign, batch, a, b = _two_departments()

    sheet = sheet_recompute(campaign=campaign, actor=staff)

    ranks = {r.evaluated_id: (r.rank_batch, r.rank_campaign) for r in sheet.rows.all()}
    # a: 0.3×90+0.3×100+0.2×100+0.2×90 = 95; b: 0.3×80+0.3×60+0.2×0+0.2×95 = 61
    assert ranks == {a.id: (1, 1), b.id: (2, 2)}


def test_recompute_command(capsys):
    staff, campaign, *_ = _two_departments()

    call_command("recompute_scores", campaign.slug)

    assert "第 1 版" in capsys.readouterr().out
    assert ScoreSheet.objects.filter(campaign=campaign, version=1, complete=True).exists()


def test_recompute_task_runs_the_service():
    from scoring.tasks import recompute_scores_task

    staff, campaign, *_ = _two_departments()

    assert recompute_scores_task.apply(args=[campaign.id]).get() == 1


def test_input_changes_queue_one_debounced_recompute(settings, django_capture_on_commit_callbacks):
    from unittest import mock

    from django.core.cache import cache

    from scoring.services.recompute import PENDING_KEY

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.SCORING_RECOMPUTE_DELAY = 30
    staff, campaign, _, (a,) = campaign_with_batch(1)
    cache.delete(PENDING_KEY.format(campaign.id))

    with mock.patch("celery.current_app.send_task") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            research(a, staff, 90)
        with django_capture_on_commit_callbacks(execute=True):
            research(a, staff, 91)

    enqueue.assert_called_once_with("scoring.recompute", args=[campaign.id], countdown=30)
    cache.delete(PENDING_KEY.format(campaign.id))
