"""The stages a batch moves through, and the guards that keep it from moving too early.

No Django imports: the state machine is data and plain functions, so other apps plug guards
in without import cycles. A guard is a function `guard(batch) -> list[str]` returning the
Chinese reasons the batch may not ENTER a stage (an empty list allows it). Apps register
theirs in `AppConfig.ready()`:

    from campaigns.stages import Stage, register_guard

    @register_guard(Stage.RECTIFICATION)
    def every_department_has_key_issues(batch) -> list[str]: ...
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
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


# ------------------------------------------------------------------ public windows
# What the public may do in which stage: suggestions while they are collected, surveys and
# the online public vote while the results of rectification are evaluated.
OPEN, UPCOMING, CLOSED = "open", "upcoming", "closed"


@dataclass(frozen=True)
class Window:
    """When a public action of one stage is (or was, or will be) open."""

    stage: Stage
    state: str
    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def is_open(self) -> bool:
        return self.state == OPEN

    @property
    def is_upcoming(self) -> bool:
        return self.state == UPCOMING

    @property
    def is_closed(self) -> bool:
        return self.state == CLOSED

    @property
    def label(self) -> str:
        return self.stage.label


def stage_window(
    *,
    stage: Stage,
    current: Stage,
    planned_start: dt.date | None,
    planned_end: dt.date | None,
    actual_start: dt.date | None,
    actual_end: dt.date | None,
    today: dt.date,
) -> Window:
    """The window of `stage` for one batch now in `current`: open only while the batch is in
    that stage AND today lies within its planned dates (a missing date does not limit).
    Reported dates are the actual ones where the batch has them, else the planned ones."""
    position, now = ORDER.index(stage), ORDER.index(current)
    if now < position:
        return Window(stage, UPCOMING, planned_start, planned_end)
    if now > position:
        return Window(stage, CLOSED, actual_start or planned_start, actual_end or planned_end)
    start = actual_start or planned_start
    if planned_start is not None and today < planned_start:
        return Window(stage, UPCOMING, planned_start, planned_end)
    if planned_end is not None and today > planned_end:
        return Window(stage, CLOSED, start, planned_end)
    return Window(stage, OPEN, start, planned_end)


def combined_window(stage: Stage, windows: list[Window]) -> Window:
    """One window over several batches (a campaign collects suggestions for all of them):
    open if any batch is open; else the next one to open; else the last one that closed.
    No batch at all: upcoming, without dates."""
    opened = [w for w in windows if w.is_open]
    if opened:
        ends = [w.end for w in opened if w.end is not None]
        return Window(
            stage,
            OPEN,
            min((w.start for w in opened if w.start), default=None),
            max(ends) if len(ends) == len(opened) else None,  # open-ended if any is
        )
    upcoming = [w for w in windows if w.is_upcoming]
    if upcoming or not windows:
        starts = [w.start for w in upcoming if w.start]
        first = min(starts) if starts else None
        nxt = next((w for w in upcoming if w.start == first), None)
        return Window(stage, UPCOMING, first, nxt.end if nxt else None)
    last = max(windows, key=lambda w: (w.end or dt.date.min, w.start or dt.date.min))
    return Window(stage, CLOSED, last.start, last.end)
