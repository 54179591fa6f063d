import datetime as dt

from rectification import status

D = dt.date


def test_open_measure_past_deadline_is_overdue_by_days():
    assert (
        status.overdue_days(deadline=D(2021, 6, 30), state="in_progress", today=D(2021, 7, 3)) == 3
    )
    assert (
        status.measure_status(
            deadline=D(2021, 6, 30), state="in_progress", today=D(2021, 7, 3)
        ).code
        == "overdue"
    )


def test_done_or_closed_measure_is_never_overdue():
    for state in ("done", "closed"):
        assert status.overdue_days(deadline=D(2021, 6, 30), state=state, today=D(2021, 9, 1)) == 0
        assert (
            status.measure_status(deadline=D(2021, 6, 30), state=state, today=D(2021, 9, 1)).code
            == "done"
        )


def test_issue_status_follows_the_calendar():
    measures = [(D(2021, 6, 30), "in_progress"), (D(2021, 9, 30), "not_started")]
    plan_deadline = D(2021, 9, 30)

    def at(day):
        return status.issue_status(
            measures=measures, deadline=plan_deadline, satisfied=False, today=day
        ).code

    assert at(D(2021, 5, 1)) == "on_track"
    assert at(D(2021, 6, 20)) == "at_risk"  # within 14 days of the first deadline
    assert at(D(2021, 7, 1)) == "overdue"


def test_issue_is_done_when_every_measure_is_done_or_the_committee_is_satisfied():
    done = [(D(2021, 6, 30), "done"), (D(2021, 7, 30), "closed")]
    assert (
        status.issue_status(
            measures=done, deadline=D(2021, 7, 30), satisfied=False, today=D(2021, 12, 1)
        ).code
        == "done"
    )
    late = [(D(2021, 6, 30), "in_progress")]
    assert (
        status.issue_status(
            measures=late, deadline=D(2021, 7, 30), satisfied=True, today=D(2021, 12, 1)
        ).code
        == "done"
    )
