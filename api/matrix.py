"""The one permission matrix: who may do what, in one table.

Read it as: a row is a resource and an action; a column is a role; `y` allows it. The
code enforces it (MatrixMiddleware for pages, MatrixPermission for /api/v1/), and
tests/security/test_permission_matrix.py walks every route x role x method against it and
fails on any route missing from ROUTES. Object rules (a liaison's own department, a
deputy's own suggestions, a member's own ballot) come on top, in api/rules.py.

Changing who may do something means changing a `y` here: nowhere else."""

from __future__ import annotations

from pingyi.accounts.models import Role

ANONYMOUS = "anonymous"
ROLES: tuple[str, ...] = (
    ANONYMOUS,
    Role.STAFF,
    Role.ADMIN,
    Role.MEMBER,
    Role.RESEARCHER,
    Role.LIAISON,
    Role.DEPUTY,
)

TABLE = """
resource              action    anonymous staff admin member researcher liaison deputy
public_page           view      y         y     y     y      y          y       y
session               login     y         y     y     y      y          y       y
workspace             open      -         y     y     y      y          y       y
workspace_staff       open      -         y     y     -      -          -       -
workspace_member      open      -         -     -     y      -          -       -
workspace_researcher  open      -         -     -     -      y          -       -
workspace_liaison     open      -         -     -     -      -          y       -
workspace_deputy      open      -         -     -     -      -          -       y
workspace_admin       open      -         -     y     -      -          -       -
campaign              view      -         y     y     -      -          -       -
campaign              change    -         y     y     -      -          -       -
selection_vote        manage    -         y     y     -      -          -       -
selection_vote        cast      -         -     -     y      -          -       -
selection_vote        results   y         y     y     y      y          y       y
statement             change    -         y     y     -      -          -       -
suggestion            submit    y         y     y     y      y          y       y
suggestion            propose   -         -     -     -      -          -       y
suggestion            view      -         y     y     -      -          -       -
suggestion            change    -         y     y     -      -          -       -
theme                 view      -         y     y     -      y          -       -
key_issue             view      -         y     y     -      y          -       -
key_issue             change    -         y     y     -      y          -       -
key_issue             confirm   -         y     y     -      -          -       -
scoring               view      -         y     y     -      -          -       -
scoring               change    -         y     y     -      -          -       -
scoring_research      enter     -         -     -     -      y          -       -
committee_ballot      cast      -         -     -     y      -          -       -
survey_answer         submit    y         y     y     y      y          y       y
public_vote           submit    y         y     y     y      y          y       y
score_sheet           public    y         y     y     y      y          y       y
audit_log             view      -         -     y     -      -          -       -
hotline_import        view      -         y     y     -      -          -       -
hotline_import        change    -         y     y     -      -          -       -
hotline_analytics     view      -         y     y     -      -          -       -
rectification         view      -         y     y     -      -          -       -
rectification         change    -         y     y     -      -          -       -
rectification         report    -         -     -     -      -          y       -
rectification_api     read      -         y     y     -      -          y       -
rectification_api     report    -         -     -     -      -          y       -
"""


def _parse(table: str) -> dict[tuple[str, str], frozenset[str]]:
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    roles = header[2:]
    assert tuple(roles) == ROLES, f"matrix columns must be {ROLES}"
    matrix: dict[tuple[str, str], frozenset[str]] = {}
    for row in rows:
        resource, action, marks = row[0], row[1], row[2:]
        assert len(marks) == len(roles) and set(marks) <= {"y", "-"}, row
        assert (resource, action) not in matrix, f"duplicate row {resource} {action}"
        matrix[resource, action] = frozenset(
            r for r, m in zip(roles, marks, strict=True) if m == "y"
        )
    return matrix


MATRIX = _parse(TABLE)

# Every named route (namespace:name) -> the (resource, action) that gates it, for every
# method the route accepts. The Django admin (/admin/) is gated by Django's own is_staff
# and model permissions and is left out.
ROUTES: dict[str, tuple[str, str]] = {
    "home": ("public_page", "view"),
    "healthz": ("public_page", "view"),
    "accounts:login": ("session", "login"),
    "accounts:logout": ("session", "login"),
    "accounts:workspace": ("workspace", "open"),
    "accounts:workspace-staff": ("workspace_staff", "open"),
    "accounts:workspace-member": ("workspace_member", "open"),
    "accounts:workspace-researcher": ("workspace_researcher", "open"),
    "accounts:workspace-liaison": ("workspace_liaison", "open"),
    "accounts:workspace-deputy": ("workspace_deputy", "open"),
    "accounts:workspace-admin": ("workspace_admin", "open"),
    # campaigns (staff prefix /workspace/staff/campaigns/…)
    "campaigns-staff:campaigns": ("campaign", "view"),
    "campaigns-staff:campaign-new": ("campaign", "change"),
    "campaigns-staff:campaign": ("campaign", "change"),
    "campaigns-staff:batch": ("campaign", "change"),
    "campaigns-staff:batch-stage": ("campaign", "change"),
    "campaigns-staff:batch-plan": ("campaign", "change"),
    "campaigns-staff:batch-slots": ("campaign", "change"),
    "campaigns-staff:nomination-add": ("campaign", "change"),
    "campaigns-staff:nomination-remove": ("campaign", "change"),
    "campaigns-staff:vote-open": ("selection_vote", "manage"),
    "campaigns-staff:vote-turnout": ("selection_vote", "manage"),
    "campaigns-staff:vote-close": ("selection_vote", "manage"),
    "campaigns-staff:vote-runoff": ("selection_vote", "manage"),
    "campaigns-staff:vote-publish": ("selection_vote", "manage"),
    "campaigns-staff:statement": ("statement", "change"),
    "campaigns-staff:ballot": ("selection_vote", "cast"),
    "campaigns:detail": ("public_page", "view"),
    "campaigns:department": ("public_page", "view"),
    "campaigns:statement-file": ("public_page", "view"),
    # suggestions, themes, key issues (staff prefix /workspace/staff/<slug>/…)
    "issues:suggest": ("suggestion", "submit"),
    "issues:receipt": ("suggestion", "submit"),
    "issues:challenge": ("suggestion", "submit"),
    "issues:deputy-suggest": ("suggestion", "propose"),
    "issues:triage": ("suggestion", "view"),
    "issues:suggestion": ("suggestion", "change"),
    "issues:record": ("suggestion", "change"),
    "issues:import": ("suggestion", "change"),
    "issues:export": ("suggestion", "view"),
    "issues:themes": ("theme", "view"),
    "issues:theme": ("theme", "view"),
    "issues:proposals-unassigned": ("suggestion", "change"),
    "issues:proposals": ("suggestion", "change"),
    "issues:funnel": ("suggestion", "view"),
    "issues:export-funnel": ("suggestion", "view"),
    "issues:key-issues": ("key_issue", "view"),
    "issues:key-issue-new": ("key_issue", "change"),
    "issues:key-issue": ("key_issue", "change"),
    "issues:key-issue-confirm": ("key_issue", "confirm"),
    # scoring (staff prefix /manage/<slug>/scoring/…)
    "scoring:manage": ("scoring", "view"),
    "scoring:settings": ("scoring", "change"),
    "scoring:session-toggle": ("scoring", "change"),
    "scoring:vote-toggle": ("scoring", "change"),
    "scoring:vote": ("scoring", "change"),
    "scoring:survey-new": ("scoring", "change"),
    "scoring:survey": ("scoring", "change"),
    "scoring:rates": ("scoring", "view"),
    "scoring:turnout": ("scoring", "view"),
    "scoring:invitations": ("scoring", "view"),
    "scoring:recompute": ("scoring", "change"),
    "scoring:sheet": ("scoring", "view"),
    "scoring:publish": ("scoring", "change"),
    "scoring:export": ("scoring", "view"),
    "scoring:research": ("scoring_research", "enter"),
    "scoring:ballot": ("committee_ballot", "cast"),
    "scoring:answer": ("survey_answer", "submit"),
    "scoring:public-vote": ("public_vote", "submit"),
    "scoring:public-scores": ("score_sheet", "public"),
    # hotline (/hotline/…)
    "hotline:imports": ("hotline_import", "change"),
    "hotline:import": ("hotline_import", "view"),
    "hotline:import-progress": ("hotline_import", "view"),
    "hotline:import-errors": ("hotline_import", "view"),
    "hotline:alias-add": ("hotline_import", "change"),
    "hotline:campaign": ("hotline_analytics", "view"),
    "hotline:department": ("hotline_analytics", "view"),
    # rectification (staff prefix /workspace/staff/<slug>/rectification/…, liaison prefix
    # /workspace/liaison/rectification/…, public /<slug>/progress/…)
    "rectification:dashboard": ("rectification", "view"),
    "rectification:ledger": ("rectification", "view"),
    "rectification:staff-issue": ("rectification", "change"),
    "rectification:staff-close": ("rectification", "change"),
    "rectification:staff-publish": ("rectification", "change"),
    "rectification:staff-rebound": ("rectification", "change"),
    "rectification:staff-resolve": ("rectification", "change"),
    "rectification:staff-review": ("rectification", "change"),
    "rectification:staff-verdict": ("rectification", "change"),
    "rectification:liaison": ("rectification", "report"),
    "rectification:liaison-issue": ("rectification", "report"),
    "rectification:liaison-measure": ("rectification", "report"),
    "rectification:liaison-measure-done": ("rectification", "report"),
    "rectification:liaison-measure-new": ("rectification", "report"),
    "rectification:liaison-plan": ("rectification", "report"),
    "rectification:liaison-submit": ("rectification", "report"),
    "rectification:liaison-update": ("rectification", "report"),
    "rectification:board": ("public_page", "view"),
    "rectification:issue": ("public_page", "view"),
    "rectification:feed": ("public_page", "view"),
    # published attachments are public; others 404 unless the rule in the view admits
    "rectification:file": ("public_page", "view"),
    "rectification:thumb": ("public_page", "view"),
    # DRF views of the rectification app (their own token/session auth; the middleware
    # leaves DRF views to DRF, the matrix test checks them like every route)
    "rectification:api-issue": ("rectification_api", "read"),
    "rectification:api-update-create": ("rectification_api", "report"),
    # REST API /api/v1/ (GET; the views read the same rows through MatrixPermission)
    "api:campaign-list": ("campaign", "view"),
    "api:campaign-detail": ("campaign", "view"),
    "api:batch-list": ("campaign", "view"),
    "api:batch-detail": ("campaign", "view"),
    "api:department-list": ("campaign", "view"),
    "api:department-detail": ("campaign", "view"),
    "api:vote-list": ("selection_vote", "manage"),
    "api:vote-detail": ("selection_vote", "manage"),
    "api:suggestion-list": ("suggestion", "view"),
    "api:suggestion-detail": ("suggestion", "view"),
    "api:key-issue-list": ("key_issue", "view"),
    "api:key-issue-detail": ("key_issue", "view"),
    "api:score-sheet-list": ("scoring", "view"),
    "api:score-sheet-detail": ("scoring", "view"),
    "api:hotline-import-list": ("hotline_import", "change"),
    "api:hotline-import-detail": ("hotline_import", "view"),
    "api:public-campaign-list": ("public_page", "view"),
    "api:public-campaign-detail": ("public_page", "view"),
    "api:public-scores": ("score_sheet", "public"),
    "api:schema": ("public_page", "view"),
    "api:docs": ("public_page", "view"),
}

# Namespaces gated elsewhere: Django's admin (is_staff + model permissions) and the API,
# whose views check the matrix themselves after token or session authentication.
DELEGATED_NAMESPACES = ("admin",)


def role_of(user) -> str:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    return user.role


def allows(role: str, resource: str, action: str) -> bool:
    return role in MATRIX[resource, action]


def roles_for_route(route: str) -> frozenset[str] | None:
    """The roles a named route admits, or None when the route is not in the matrix."""
    entry = ROUTES.get(route)
    return None if entry is None else MATRIX[entry]
