from campaigns import stages
from campaigns.stages import TRANSITIONS, Stage, register_guard, transition_errors


def test_a_batch_moves_forward_one_stage_at_a_time():
    assert TRANSITIONS[Stage.SELECTION] == (Stage.SUGGESTIONS,)
    assert TRANSITIONS[Stage.KEY_ISSUES] == (Stage.RECTIFICATION, Stage.SUGGESTIONS)
    assert TRANSITIONS[Stage.FOLLOW_UP] == (Stage.PUBLISHED,)


def test_skipping_a_stage_is_refused_with_a_chinese_reason():
    errors = transition_errors(object(), Stage.SELECTION, Stage.RECTIFICATION)

    assert errors == ["不能从“确定评议对象”直接进入“整改落实”。"]


def test_registered_guards_decide_whether_a_stage_may_be_entered(monkeypatch):
    monkeypatch.setitem(stages._GUARDS, Stage.EVALUATION, [])
    calls = []

    @register_guard(Stage.EVALUATION)
    def needs_something(batch):
        calls.append(batch)
        return ["还缺少数据。"] if batch == "incomplete" else []

    assert transition_errors("incomplete", Stage.RECTIFICATION, Stage.EVALUATION) == [
        "还缺少数据。"
    ]
    assert transition_errors("complete", Stage.RECTIFICATION, Stage.EVALUATION) == []
    # Stepping back needs no data and runs no guard.
    assert transition_errors("incomplete", Stage.EVALUATION, Stage.RECTIFICATION) == []
    assert calls == ["incomplete", "complete"]
