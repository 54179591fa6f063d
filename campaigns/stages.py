"""The stages a batch moves through, and the guards that keep it from moving too early.

No Django imports: the state machine is data and plain functions, so other apps plug guards
in without import cycles. A guard is a function `guard(batch) -> list[str]` returning the
Chinese reasons the batch may not ENTER a stage (an empty list allows it). Apps register
theirs in `AppConfig.ready()`:

    from campaigns.stages import Stage, register_guard

    @register_guard(Stage.RECTIFICATION)
    def every_department_has_key_issues(batch) -> list[str]: ...
"""

from collections.abc import Callable
from enum import StrEnum


class Stage(StrEnum):
    SELECTION = "selection"
    SUGGESTIONS = "suggestions"
    KEY_ISSUES = "key_issues"
    RECTIFICATION = "rectification"
    EVALUATION = "evaluation"
    PUBLISHED = "published"
    FOLLOW_UP = "follow_up"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS = {
    Stage.SELECTION: "确定评议对象",
    Stage.SUGGESTIONS: "征集意见建议",
    Stage.KEY_ISSUES: "确定重点整改问题",
    Stage.RECTIFICATION: "整改落实",
    Stage.EVALUATION: "成效评价",
    Stage.PUBLISHED: "结果公布",
    Stage.FOLLOW_UP: "跟踪问效",
}

ORDER = list(Stage)

# Forward one step at a time; one step back is allowed to correct a mistake.
TRANSITIONS: dict[Stage, tuple[Stage, ...]] = {
    stage: tuple(
        s for s in (ORDER[i + 1] if i + 1 < len(ORDER) else None, ORDER[i - 1] if i else None) if s
    )
    for i, stage in enumerate(ORDER)
}

Guard = Callable[[object], list[str]]
_GUARDS: dict[Stage, list[Guard]] = {stage: [] for stage in Stage}


def register_guard(stage: Stage) -> Callable[[Guard], Guard]:
    def decorator(guard: Guard) -> Guard:
        if guard not in _GUARDS[stage]:
            _GUARDS[stage].append(guard)
        return guard

    return decorator


def guards_for(stage: Stage) -> list[Guard]:
    return list(_GUARDS[stage])


def transition_errors(batch, current: Stage, target: Stage) -> list[str]:
    """Why `batch` may not move from `current` to `target`; empty when it may."""
    if target not in TRANSITIONS[current]:
        return [f"不能从“{current.label}”直接进入“{target.label}”。"]
    if ORDER.index(target) < ORDER.index(current):
        return []  # stepping back needs no data
    errors: list[str] = []
    for guard in _GUARDS[target]:
        errors.extend(guard(batch))
    return errors
