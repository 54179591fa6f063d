"""The demo's clock: every 2021 event is stamped with a 2021 time, never the day the demo is
loaded. `load_demo` runs with the clock at DEMO_NOW; steps whose services stamp
`timezone.now()` (scores: sessions, surveys, the public vote, the sheet's publication) move
it to the day the event happened with `at(...)`."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

TZ = ZoneInfo("Asia/Shanghai")

# After the last 2021 event (re-rectification verdict 2021-12-10), before the year ends.
DEMO_NOW = dt.datetime(2021, 12, 31, 17, 0, tzinfo=TZ)

# The score sheet (both batches) is published after batch 2's report is heard.
RESULTS_PUBLISHED = dt.datetime(2021, 11, 5, 10, 0, tzinfo=TZ)


def at(moment: dt.datetime) -> time_machine.travel:
    """A context manager setting the clock to `moment` (not ticking)."""
    return time_machine.travel(moment, tick=False)
