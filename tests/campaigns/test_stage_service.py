import pytest
from django.core.exceptions import ValidationError

from campaigns import services, stages
from campaigns.models import Batch, StageTransition
from campaigns.stages import Stage, register_guard
from tests.campaigns.voting_helpers import cast, open_vote
from tests.factories import BatchFactory, EvaluatedDepartmentFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_a_skipping_transition_is_refused_with_a_clear_message_and_nothing_changes():
    staff = StaffFactory()
    batch = BatchFactory(campaign__organizer=staff.organizer)

    with pytest.raises(ValidationError) as exc:
        services.batch_stage_change(batch=batch, target=Stage.RECTIFICATION, actor=staff)

    assert exc.value.messages == ["不能从“确定评议对象”直接进入“整改落实”。"]
    batch.refresh_from_db()
    assert batch.stage == Stage.SELECTION
    assert not StageTransition.objects.exists()


def test_suggestions_stage_needs_a_published_vote():
    staff = StaffFactory()
    batch = BatchFactory(campaign__organizer=staff.organizer)

    with pytest.raises(ValidationError) as exc:
        services.batch_stage_change(batch=batch, target=Stage.SUGGESTIONS, actor=staff)

    assert "还没有被评议部门" in exc.value.messages[0]
    assert Batch.objects.get(pk=batch.pk).stage == Stage.SELECTION


def test_an_open_vote_blocks_the_next_stage():
    staff, batch, voters, session, cands = open_vote()
    EvaluatedDepartmentFactory(batch=batch)

    with pytest.raises(ValidationError, match="票决尚未结束"):
        services.batch_stage_change(batch=batch, target=Stage.SUGGESTIONS, actor=staff)

    cast(session, voters, cands, "AB", "AB", "AB")
    services.vote_close(session=session, actor=staff)
    services.vote_publish(session=session, actor=staff)
    services.batch_stage_change(batch=batch, target=Stage.SUGGESTIONS, actor=staff)
    assert Batch.objects.get(pk=batch.pk).stage == Stage.SUGGESTIONS


def test_each_transition_records_who_when_and_the_note():
    staff = StaffFactory()
    batch = BatchFactory(campaign__organizer=staff.organizer)
    EvaluatedDepartmentFactory(batch=batch)

    services.batch_stage_change(
        batch=batch, target=Stage.SUGGESTIONS, actor=staff, note="动员部署会已召开"
    )
    services.batch_stage_change(batch=batch, target=Stage.SELECTION, actor=staff, note="退回")

    rows = list(StageTransition.objects.filter(batch=batch).order_by("id"))
    assert [(r.from_stage, r.to_stage, r.actor, r.note) for r in rows] == [
        (Stage.SELECTION, Stage.SUGGESTIONS, staff, "动员部署会已召开"),
        (Stage.SUGGESTIONS, Stage.SELECTION, staff, "退回"),
    ]
    assert all(r.at for r in rows)


def test_a_guard_registered_by_another_app_refuses_entry_and_nothing_changes(monkeypatch):
    monkeypatch.setitem(stages._GUARDS, Stage.RECTIFICATION, [])

    @register_guard(Stage.RECTIFICATION)
    def every_department_has_key_issues(batch):
        return [f"{batch.name}：市教育局还没有重点整改问题。"]

    staff = StaffFactory()
    batch = BatchFactory(campaign__organizer=staff.organizer, stage=Stage.KEY_ISSUES, name="第一批")

    with pytest.raises(ValidationError) as exc:
        services.batch_stage_change(batch=batch, target=Stage.RECTIFICATION, actor=staff)

    assert exc.value.messages == ["第一批：市教育局还没有重点整改问题。"]
    assert Batch.objects.get(pk=batch.pk).stage == Stage.KEY_ISSUES
    assert not StageTransition.objects.exists()


def test_unknown_or_same_stage_is_refused():
    staff = StaffFactory()
    batch = BatchFactory(campaign__organizer=staff.organizer)

    with pytest.raises(ValidationError, match="未知的阶段"):
        services.batch_stage_change(batch=batch, target="nonsense", actor=staff)
    with pytest.raises(ValidationError, match="已处于"):
        services.batch_stage_change(batch=batch, target=Stage.SELECTION, actor=staff)
