"""Object-rule predicates every app builds on (django-rules): whose object is it? The matrix
(accounts/matrix.py) says which roles may do an action at all; each domain app's
`permissions.py` combines these predicates into its own rules, which narrow it to the caller's
own objects. Read by MatrixPermission.has_object_permission through `user.has_perm(perm, obj)`.

These predicates read objects by attribute only (campaign, batch, department), so accounts
imports no domain app."""

from __future__ import annotations

import rules

from .models import Role


@rules.predicate
def is_admin(user) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


@rules.predicate
def is_committee_member_of_campaign(user, campaign) -> bool:
    """Staff, researchers and members act for one standing committee (organizer)."""
    return campaign is not None and user.organizer_id == campaign.organizer_id


@rules.predicate
def is_liaison_of_department(user, evaluated) -> bool:
    """A liaison's own department, and only that one."""
    return (
        user.role == Role.LIAISON
        and evaluated is not None
        and user.department_id == evaluated.department_id
    )


@rules.predicate
def is_author_of_suggestion(user, suggestion) -> bool:
    """A deputy's own suggestions."""
    return suggestion is not None and suggestion.submitted_by_id == user.id


@rules.predicate
def is_staff_role(user) -> bool:
    return user.role in (Role.STAFF, Role.ADMIN, Role.RESEARCHER)


def _campaign_of(obj):
    for path in (("campaign",), ("batch", "campaign"), ("department", "campaign")):
        value = obj
        for attr in path:
            value = getattr(value, attr, None)
        if value is not None:
            return value
    return None


@rules.predicate
def is_staff_of_objects_committee(user, obj) -> bool:
    return is_staff_role(user) and is_committee_member_of_campaign(user, _campaign_of(obj))


@rules.predicate
def is_liaison_of_objects_department(user, obj) -> bool:
    department = getattr(obj, "department", None)
    return is_liaison_of_department(user, department)


@rules.predicate
def is_staff_or_admin(user) -> bool:
    return user.is_authenticated and user.role in (Role.STAFF, Role.ADMIN)
