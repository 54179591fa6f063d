"""Status badges and overdue days, computed from dates and never stored.

Pure functions: the caller passes `today` (a date in Asia/Shanghai), so tests freeze time
by passing a date and pages by asking `timezone.localdate()` once."""

import datetime as dt
from dataclasses import dataclass

# A measure still open this many days before its deadline puts its issue "at risk".
AT_RISK_DAYS = 14

OPEN_STATES = ("not_started", "in_progress")

ON_TRACK, AT_RISK, OVERDUE, DONE = "on_track", "at_risk", "overdue", "done"
LABELS = {ON_TRACK: "按计划推进", AT_RISK: "临近时限", OVERDUE: "已逾期", DONE: "已完成"}
CSS = {ON_TRACK: "badge-ok", AT_RISK: "badge-warn", OVERDUE: "badge-danger", DONE: "badge-muted"}
# A withdrawn measure (已撤回) has its own badge; it is not an issue status, so it is kept out
# of LABELS (the board's filters and counts) and leaves the issue's status computation.
WITHDRAWN = "withdrawn"
MEASURE_ONLY_LABELS = {WITHDRAWN: "已撤回"}
MEASURE_ONLY_CSS = {WITHDRAWN: "badge-muted"}


@dataclass(frozen=True)
class Badge:
    code: str

    @property
    def label(self) -> str:
        return LABELS.get(self.code) or MEASURE_ONLY_LABELS[self.code]

    @property
    def css(self) -> str:
        return CSS.get(self.code) or MEASURE_ONLY_CSS[self.code]


def overdue_days(*, deadline: dt.date | None, state: str, today: dt.date) -> int:
    """Days past the deadline of an open measure; 0 when done, closed or not yet due."""
    if deadline is None or state not in OPEN_STATES:
        return 0
    return max((today - deadline).days, 0)


def measure_status(*, deadline: dt.date, state: str, today: dt.date) -> Badge:
    if state == WITHDRAWN:
        return Badge(WITHDRAWN)
    if state not in OPEN_STATES:
        return Badge(DONE)
    if deadline < today:
        return Badge(OVERDUE)
    if (deadline - today).days <= AT_RISK_DAYS:
        return Badge(AT_RISK)
    return Badge(ON_TRACK)


def issue_status(
    *,
    measures: list[tuple[dt.date, str]],
    deadline: dt.date | None,
    satisfied: bool,
    today: dt.date,
) -> Badge:
    """One key issue: done once the committee is satisfied or every measure is done;
    overdue when a measure or the plan is past its deadline; at risk when an open measure
    is due within AT_RISK_DAYS; otherwise on track."""
    if satisfied:
        return Badge(DONE)
    measures = [(d, state) for d, state in measures if state != WITHDRAWN]
    open_deadlines = [d for d, state in measures if state in OPEN_STATES]
    if measures and not open_deadlines:
        return Badge(DONE)
    if any(d < today for d in open_deadlines) or (deadline is not None and deadline < today):
        return Badge(OVERDUE)
    if any((d - today).days <= AT_RISK_DAYS for d in open_deadlines):
        return Badge(AT_RISK)
    return Badge(ON_TRACK)


def days_to(deadline: dt.date | None, today: dt.date) -> int | None:
    return None if deadline is None else (deadline - today).days


# While a batch is in one of these stages its measures are live: lateness counts to today.
# Afterwards (evaluation, results) it is history: how late a measure was finished, or that
# it was still unfinished when rectification closed. Stage values of campaigns.stages.
LIVE_STAGES = ("rectification", "follow_up")

DUE_IN, LATE_NOW, FINISHED_LATE, ON_TIME, UNFINISHED = (
    "due_in",
    "late_now",
    "finished_late",
    "on_time",
    "unfinished",
)


@dataclass(frozen=True)
class Lateness:
    code: str
    days: int = 0

    @property
    def label(self) -> str:
        return {
            DUE_IN: f"剩余 {self.days} 天",
            LATE_NOW: f"已逾期 {self.days} 天",
            FINISHED_LATE: f"超过完成时限 {self.days} 天完成",
            ON_TIME: "按期完成",
            UNFINISHED: "整改阶段结束时未完成",
        }[self.code]

    @property
    def is_late(self) -> bool:
        return self.code in (LATE_NOW, FINISHED_LATE, UNFINISHED)


def lateness(
    *, deadline: dt.date, state: str, finished_on: dt.date | None, live: bool, today: dt.date
) -> Lateness:
    """How late a measure is (live batch) or was (finished batch). A finished measure is
    measured from its finish date, never from today; an open measure counts to today only
    while its batch is live."""
    if state not in OPEN_STATES:
        if finished_on is None:
            return Lateness(ON_TIME)
        late = (finished_on - deadline).days
        return Lateness(FINISHED_LATE, late) if late > 0 else Lateness(ON_TIME)
    if not live:
        return Lateness(UNFINISHED)
    if deadline < today:
        return Lateness(LATE_NOW, (today - deadline).days)
    return Lateness(DUE_IN, (deadline - today).days)
