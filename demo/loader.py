"""The demo: Zibo's 2021 special work evaluation, built from the seed documents.

`load_demo()` runs the steps in order; each step is idempotent (keyed on natural keys), so
running it twice changes nothing. Later features add their own step to STEPS. The steps run
with the clock set in 2021 (demo/clock.py), so services that stamp "now" stamp 2021."""

from django.db import transaction

from . import (
    campaign,
    clock,
    geography,
    hotline,
    rectification,
    scores,
    selection,
    suggestions,
    users,
)

STEPS = [
    geography.load,
    campaign.load,
    users.load,
    selection.load,
    suggestions.load,
    rectification.load,
    hotline.load,
    scores.load,
]


@transaction.atomic
def load_demo() -> list[users.DemoLogin]:
    logins: list[users.DemoLogin] = []
    # The demo is the 2021 campaign: nothing it creates may carry the day it is loaded.
    with clock.at(clock.DEMO_NOW):
        for step in STEPS:
            logins.extend(step() or [])
    return logins
