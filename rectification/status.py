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


@dataclass(frozen=True)
class Badge:
    code: str

    @property
    def label(self) -> str:
        return LABELS[self.code]

    @property
    def css(self) -> str:
        return CSS[self.code]


def overdue_days(*, deadline: dt.date | None, state: str, today: dt.date) -> int:
    """Days past the deadline of an open measure; 0 when done, closed or not yet due."""
    if deadline is None or state not in OPEN_STATES:
        return 0
    return max((today - deadline).days, 0)


def measure_status(*, deadline: dt.date, state: str, today: dt.date) -> Badge:
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
