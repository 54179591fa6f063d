"""Writes for campaigns: one function per verb, keyword-only, each in a transaction.

Every function raises django.core.exceptions.ValidationError with a Chinese message when
the request is refused; nothing is written in that case."""

from .batches import (
    batch_slots_set,
    batch_stage_change,
    nomination_add,
    nomination_remove,
    stage_plan_set,
)
from .setup import campaign_copy, campaign_create, campaign_update, register_copy_hook
from .statements import statement_save
from .voting import runoff_open, selection_ballot_submit, vote_close, vote_open, vote_publish

__all__ = [
    "selection_ballot_submit",
    "batch_slots_set",
    "batch_stage_change",
    "campaign_copy",
    "campaign_create",
    "campaign_update",
    "nomination_add",
    "nomination_remove",
    "register_copy_hook",
    "runoff_open",
    "stage_plan_set",
    "statement_save",
    "vote_close",
    "vote_open",
    "vote_publish",
]
