"""Object rules for rectification (django-rules): staff (their committee) and admins review;
a liaison reads and writes their own department's plan, measures and updates, through the
same services as the pages."""

from __future__ import annotations

import rules

from accounts.models import Role
from accounts.rules import is_admin, is_committee_member_of_campaign, is_liaison_of_department


def _key_issue_department(obj):
    """The evaluated department of a plan, measure or progress update."""
    plan = getattr(obj, "plan", obj)
    key_issue = getattr(plan, "key_issue", None)
    return getattr(key_issue, "department", None)


@rules.predicate
def is_liaison_of_rectification_department(user, obj) -> bool:
    """A liaison's own department's plan, measure or update: never another's."""
    return is_liaison_of_department(user, _key_issue_department(obj))


@rules.predicate
def is_staff_of_rectification_committee(user, obj) -> bool:
    department = _key_issue_department(obj)
    return (
        user.role == Role.STAFF
        and department is not None
        and is_committee_member_of_campaign(user, department.campaign)
    )


_reader = is_admin | is_staff_of_rectification_committee | is_liaison_of_rectification_department
_reviewer = is_admin | is_staff_of_rectification_committee
for _model in ("plan", "measure", "progressupdate"):
    rules.add_perm(f"rectification.view_{_model}", _reader)
    rules.add_perm(f"rectification.report_{_model}", is_liaison_of_rectification_department)
    rules.add_perm(f"rectification.review_{_model}", _reviewer)
