"""Object rules for scoring (django-rules): score sheets for the campaign's committee staff,
a committee member's own ballot (participation row) and never anyone else's."""

from __future__ import annotations

import rules

from accounts.rules import is_admin, is_staff_of_objects_committee


@rules.predicate
def is_own_participation(user, participation) -> bool:
    """A member's own ballot (participation row): never anyone else's."""
    return participation is not None and participation.member_id == user.id


rules.add_perm("scoring.view_scoresheet", is_admin | is_staff_of_objects_committee)
rules.add_perm("scoring.view_committeeparticipation", is_own_participation)
