"""Object rules for hotline tickets (django-rules): staff of a committee evaluating the
ticket's department, and admins. The caller hash (a keyed hash, never a number) only ever
goes to staff and admins."""

from __future__ import annotations

import rules

from accounts.models import Role
from accounts.rules import is_admin, is_staff_or_admin
from campaigns.models import EvaluatedDepartment


@rules.predicate
def is_staff_of_records_department(user, record) -> bool:
    """Staff read tickets of departments their committee evaluates."""
    return (
        user.role == Role.STAFF
        and record.department_id is not None
        and EvaluatedDepartment.objects.filter(
            department_id=record.department_id, campaign__organizer_id=user.organizer_id
        ).exists()
    )


rules.add_perm("hotline.view_hotlinerecord", is_admin | is_staff_of_records_department)
rules.add_perm("hotline.view_caller_hash", is_staff_or_admin)
