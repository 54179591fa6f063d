"""The demo: Zibo's 2021 special work evaluation, built from the seed documents.

`load_demo()` runs the steps in order; each step is idempotent (keyed on natural keys), so
running it twice changes nothing. Later features add their own step to STEPS."""

from django.db import transaction

from . import campaign, geography, hotline, rectification, scores, selection, suggestions, users

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
    for step in STEPS:
        logins.extend(step() or [])
    return logins
