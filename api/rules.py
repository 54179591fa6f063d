"""Object rules (django-rules): whose object is it? The matrix says which roles may do an
action at all; these predicates narrow it to the caller's own objects. Read by
MatrixPermission.has_object_permission through `user.has_perm(perm, obj)`."""

from __future__ import annotations

import rules

from pingyi.accounts.models import Role


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
def is_own_participation(user, participation) -> bool:
    """A member's own ballot (participation row): never anyone else's."""
    return participation is not None and participation.member_id == user.id


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


@rules.predicate
def is_staff_of_records_department(user, record) -> bool:
    """Staff read tickets of departments their committee evaluates."""
    from campaigns.models import EvaluatedDepartment

    return (
        user.role == Role.STAFF
        and record.department_id is not None
        and EvaluatedDepartment.objects.filter(
            department_id=record.department_id, campaign__organizer_id=user.organizer_id
        ).exists()
    )


@rules.predicate
def is_staff_or_admin(user) -> bool:
    return user.is_authenticated and user.role in (Role.STAFF, Role.ADMIN)


rules.add_perm("campaigns.view_campaign", is_admin | is_committee_member_of_campaign)
rules.add_perm("campaigns.view_batch", is_admin | is_staff_of_objects_committee)
rules.add_perm("campaigns.view_evaluateddepartment", is_admin | is_staff_of_objects_committee)
rules.add_perm("campaigns.view_votesession", is_admin | is_staff_of_objects_committee)
rules.add_perm(
    "issues.view_suggestion",
    is_admin | is_staff_of_objects_committee | is_author_of_suggestion,
)
rules.add_perm(
    "issues.view_keyissue",
    is_admin | is_staff_of_objects_committee | is_liaison_of_objects_department,
)
rules.add_perm("scoring.view_scoresheet", is_admin | is_staff_of_objects_committee)
rules.add_perm("scoring.view_committeeparticipation", is_own_participation)

# Rectification: staff (their committee) and admins review; a liaison reads and writes their
# own department's plan, measures and updates, through the same services as the pages.
_rectification_reader = (
    is_admin | is_staff_of_rectification_committee | is_liaison_of_rectification_department
)
_rectification_reviewer = is_admin | is_staff_of_rectification_committee
for _model in ("plan", "measure", "progressupdate"):
    rules.add_perm(f"rectification.view_{_model}", _rectification_reader)
    rules.add_perm(f"rectification.report_{_model}", is_liaison_of_rectification_department)
    rules.add_perm(f"rectification.review_{_model}", _rectification_reviewer)
# Hotline tickets: staff of a committee evaluating the department, and admins. The caller
# hash (a keyed hash, never a number) only ever goes to staff and admins.
rules.add_perm("hotline.view_hotlinerecord", is_admin | is_staff_of_records_department)
rules.add_perm("hotline.view_caller_hash", is_staff_or_admin)
