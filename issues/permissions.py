"""Object rules for suggestions and key issues (django-rules): staff of the campaign's
committee, a deputy's own suggestions, a liaison's own department's key issues."""

from __future__ import annotations

import rules

from accounts.rules import (
    is_admin,
    is_author_of_suggestion,
    is_liaison_of_objects_department,
    is_staff_of_objects_committee,
)

rules.add_perm(
    "issues.view_suggestion",
    is_admin | is_staff_of_objects_committee | is_author_of_suggestion,
)
rules.add_perm(
    "issues.view_keyissue",
    is_admin | is_staff_of_objects_committee | is_liaison_of_objects_department,
)
