"""The one permission matrix: who may do what, in one table.

Read it as: a row is a resource and an action; a column is a role; `y` allows it. The
code enforces it (MatrixMiddleware for pages, MatrixPermission for /api/v1/), and
tests/security/test_permission_matrix.py walks every route x role x method against it and
fails on any route missing from ROUTES. Object rules (a liaison's own department, a
deputy's own suggestions, a member's own ballot) come on top, in api/rules.py.

Changing who may do something means changing a `y` here: nowhere else."""

from __future__ import annotations

from accounts.models import Role

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
suggestion            answer    -         y     y     -      -          -       -
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
hotline_records       view      -         y     y     -      -          -       -
rectification         view      -         y     y     -      -          -       -
rectification         change    -         y     y     -      -          -       -
rectification         report    -         -     -     -      -          y       -
rectification_api     read      -         y     y     -      -          y       -
rectification_api     report    -         -     -     -      -          y       -
django_admin          open      -         -     y     -      -          -       -
official_document     download  -         y     y     -      -          -       -
export_file           download  -         y     y     -      -          -       -
user_account          manage    -         -     y     -      -          -       -
notification          receive   -         y     y     y      y          y       y
notification_robot    manage    -         y     y     -      -          -       -
notification_log      view      -         y     y     -      -          -       -
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

Gate = tuple[str, str]

# The methods the matrix test sends: GET and POST to every route, and the API's other
# write methods to routes declared per method.
PAGE_METHODS = ("GET", "POST")
API_METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")


def only(**methods: Gate) -> dict[str, Gate]:
    """A route that serves just these methods (each with its own gate); every other method
    answers 405, and the matrix test holds it to that."""
    return dict(methods)


# Every named route (namespace:name) -> the (resource, action) that gates it: one gate for
# GET and POST alike, or `only(GET=…, POST=…)` for a route that serves only some methods.
# Routes of a namespace in NAMESPACE_GATES that are not named here take its gate.
PUBLIC: Gate = ("public_page", "view")
CAMPAIGN: Gate = ("campaign", "view")
RECT_READ: Gate = ("rectification_api", "read")
RECT_REPORT: Gate = ("rectification_api", "report")
RECT_REVIEW: Gate = ("rectification", "change")
ADMIN_SITE: Gate = ("django_admin", "open")

ROUTES: dict[str, Gate | dict[str, Gate]] = {
    "home": ("public_page", "view"),
    "healthz": only(GET=("public_page", "view")),
    "bench-bare": only(GET=("public_page", "view")),
    "accounts:login": ("session", "login"),
    "accounts:logout": ("session", "login"),
    "accounts:workspace": ("workspace", "open"),
    "accounts:workspace-staff": ("workspace_staff", "open"),
    "accounts:workspace-member": ("workspace_member", "open"),
    "accounts:workspace-researcher": ("workspace_researcher", "open"),
    "accounts:workspace-liaison": ("workspace_liaison", "open"),
    "accounts:workspace-deputy": ("workspace_deputy", "open"),
    "accounts:workspace-admin": ("workspace_admin", "open"),
    # campaigns (staff prefix /staff/campaigns/…, /staff/<slug>/…; member /workspace/member/…)
    "campaigns-staff:campaigns": ("campaign", "view"),
    "campaigns-staff:campaign-new": ("campaign", "change"),
    "campaigns-staff:campaign": ("campaign", "change"),
    "campaigns-staff:batch": ("campaign", "change"),
    "campaigns-staff:batch-stage": only(POST=("campaign", "change")),
    "campaigns-staff:batch-plan": only(POST=("campaign", "change")),
    "campaigns-staff:batch-slots": only(POST=("campaign", "change")),
    "campaigns-staff:nomination-add": only(POST=("campaign", "change")),
    "campaigns-staff:nomination-remove": only(POST=("campaign", "change")),
    "campaigns-staff:vote-open": only(POST=("selection_vote", "manage")),
    "campaigns-staff:vote-turnout": ("selection_vote", "manage"),
    "campaigns-staff:vote-close": only(POST=("selection_vote", "manage")),
    "campaigns-staff:vote-runoff": only(POST=("selection_vote", "manage")),
    "campaigns-staff:vote-publish": only(POST=("selection_vote", "manage")),
    "campaigns-staff:statement": ("statement", "change"),
    "campaigns-staff:ballot": ("selection_vote", "cast"),
    # old vote addresses (pingyi/urls_legacy.py) look the vote up to find its campaign: gated
    # like the vote pages, so the redirect tells no stranger which campaign a vote is in
    "legacy:campaigns-staff-vote-turnout": ("selection_vote", "manage"),
    "legacy:campaigns-staff-vote-close": ("selection_vote", "manage"),
    "legacy:campaigns-staff-vote-runoff": ("selection_vote", "manage"),
    "legacy:campaigns-staff-vote-publish": ("selection_vote", "manage"),
    # official Word documents (staff prefix /staff/<slug>/documents/…)
    "campaigns-staff:documents": only(GET=("official_document", "download")),
    "campaigns-staff:documents-zip": only(GET=("official_document", "download")),
    "campaigns-staff:document": only(GET=("official_document", "download")),
    "campaigns-staff:document-department": only(GET=("official_document", "download")),
    "campaigns:detail": ("public_page", "view"),
    "campaigns:department": ("public_page", "view"),
    "campaigns:statement-file": ("public_page", "view"),
    "campaigns:latest": only(GET=("public_page", "view")),
    # suggestions, themes, key issues (staff prefix /staff/<slug>/…)
    "issues:suggest": ("suggestion", "submit"),
    "issues:receipt": ("suggestion", "submit"),
    "issues:receipt-detail": only(GET=("suggestion", "submit")),
    "issues:challenge": only(GET=("suggestion", "submit")),
    "issues:deputy-suggest": ("suggestion", "propose"),
    "issues:triage": ("suggestion", "view"),
    "issues:suggestion": ("suggestion", "change"),
    "issues:suggestion-answer": only(POST=("suggestion", "answer")),
    "issues:record": ("suggestion", "change"),
    "issues:import": ("suggestion", "change"),
    "issues:export": ("suggestion", "view"),
    "issues:export-csv": ("suggestion", "view"),
    "issues:themes": ("theme", "view"),
    "issues:theme": ("theme", "view"),
    "issues:proposals-unassigned": ("suggestion", "change"),
    "issues:proposals": ("suggestion", "change"),
    "issues:funnel": ("suggestion", "view"),
    "issues:export-funnel": ("suggestion", "view"),
    "issues:key-issues": ("key_issue", "view"),
    "issues:key-issue-new": ("key_issue", "change"),
    "issues:key-issue": ("key_issue", "change"),
    "issues:key-issue-confirm": only(POST=("key_issue", "confirm")),
    # scoring (staff prefix /staff/<slug>/scoring/…, researcher /workspace/research/<slug>/…,
    # member /workspace/member/scoring/…)
    "scoring:manage": ("scoring", "view"),
    "scoring:settings": ("scoring", "change"),
    "scoring:session-toggle": only(POST=("scoring", "change")),
    "scoring:session-void": only(POST=("scoring", "change")),
    "scoring:vote-toggle": only(POST=("scoring", "change")),
    "scoring:vote": ("scoring", "change"),
    "scoring:survey-new": only(POST=("scoring", "change")),
    "scoring:survey": ("scoring", "change"),
    "scoring:rates": ("scoring", "view"),
    "scoring:turnout": ("scoring", "view"),
    "scoring:invitations": ("scoring", "view"),
    "scoring:recompute": only(POST=("scoring", "change")),
    "scoring:sheet": ("scoring", "view"),
    "scoring:publish": only(GET=("scoring", "change"), POST=("scoring", "change")),
    "scoring:export": ("scoring", "view"),
    "scoring:research": ("scoring_research", "enter"),
    "scoring:ballot": ("committee_ballot", "cast"),
    "scoring:answer": ("survey_answer", "submit"),
    "scoring:public-vote": ("public_vote", "submit"),
    "scoring:public-scores": ("score_sheet", "public"),
    "scoring:public-scores-version": ("score_sheet", "public"),
    # hotline (/staff/hotline/…, /staff/<slug>/hotline/…)
    "hotline:imports": ("hotline_import", "change"),
    "hotline:import": ("hotline_import", "view"),
    "hotline:import-progress": ("hotline_import", "view"),
    "hotline:import-errors": ("hotline_import", "view"),
    "hotline:alias-add": only(POST=("hotline_import", "change")),
    "hotline:alias-undo": only(POST=("hotline_import", "change")),
    "hotline:alias-progress": ("hotline_import", "view"),
    "scoring:hotline-comparison": ("hotline_analytics", "view"),
    "hotline:department": ("hotline_analytics", "view"),
    # printable exports (issue 16): one department's hotline analytics as a workbook
    "hotline:department-export": ("hotline_analytics", "view"),
    # ticket lists (issue 21): large ones are built in the background (core/exports.py)
    "hotline:department-records": ("hotline_records", "view"),
    # rectification (staff prefix /staff/<slug>/rectification/…, liaison prefix
    # /workspace/liaison/rectification/…, public /<slug>/progress/…)
    "rectification:dashboard": ("rectification", "view"),
    "rectification:ledger": ("rectification", "view"),
    "rectification:staff-issue": ("rectification", "change"),
    "rectification:staff-close": only(POST=("rectification", "change")),
    "rectification:staff-publish": only(POST=("rectification", "change")),
    "rectification:staff-return": only(POST=("rectification", "change")),
    "rectification:staff-rebound": only(POST=("rectification", "change")),
    "rectification:staff-resolve": only(POST=("rectification", "change")),
    "rectification:staff-review": only(POST=("rectification", "change")),
    "rectification:staff-verdict": only(POST=("rectification", "change")),
    "rectification:liaison": ("rectification", "report"),
    "rectification:liaison-issue": ("rectification", "report"),
    "rectification:liaison-measure": only(POST=("rectification", "report")),
    "rectification:liaison-measure-done": only(POST=("rectification", "report")),
    "rectification:liaison-measure-new": only(POST=("rectification", "report")),
    "rectification:liaison-plan": only(POST=("rectification", "report")),
    "rectification:liaison-submit": only(POST=("rectification", "report")),
    "rectification:liaison-update": only(POST=("rectification", "report")),
    "rectification:board": ("public_page", "view"),
    "rectification:issue": ("public_page", "view"),
    "rectification:search": only(GET=("public_page", "view")),
    "rectification:feed": ("public_page", "view"),
    # published attachments are public; others 404 unless the rule in the view admits
    "rectification:file": ("public_page", "view"),
    "rectification:thumb": ("public_page", "view"),
    # REST API /api/v1/ (the views read the same rows through MatrixPermission; a method a
    # route does not list answers 405)
    "api:campaign-list": only(GET=CAMPAIGN),
    "api:campaign-detail": only(GET=CAMPAIGN),
    "api:batch-list": only(GET=CAMPAIGN),
    "api:batch-detail": only(GET=CAMPAIGN),
    "api:department-list": only(GET=CAMPAIGN),
    "api:department-detail": only(GET=CAMPAIGN),
    "api:vote-list": only(GET=("selection_vote", "manage")),
    "api:vote-detail": only(GET=("selection_vote", "manage")),
    "api:suggestion-list": only(GET=("suggestion", "view")),
    "api:suggestion-detail": only(GET=("suggestion", "view")),
    "api:key-issue-list": only(GET=("key_issue", "view")),
    "api:key-issue-detail": only(GET=("key_issue", "view")),
    "api:score-sheet-list": only(GET=("scoring", "view")),
    "api:score-sheet-detail": only(GET=("scoring", "view")),
    "api:hotline-import-list": only(
        GET=("hotline_import", "view"), POST=("hotline_import", "change")
    ),
    "api:hotline-import-detail": only(GET=("hotline_import", "view")),
    "api:hotline-record-list": only(GET=("hotline_records", "view")),
    "api:hotline-record-detail": only(GET=("hotline_records", "view")),
    "api:hotline-aggregate-list": only(GET=("hotline_analytics", "view")),
    # rectification: liaisons report (own department), staff review
    "api:plan-list": only(GET=RECT_READ, POST=RECT_REPORT),
    "api:plan-detail": only(GET=RECT_READ, PATCH=RECT_REPORT),
    "api:plan-submit": only(POST=RECT_REPORT),
    "api:plan-publish": only(POST=RECT_REVIEW),
    "api:plan-return": only(POST=RECT_REVIEW),
    "api:measure-list": only(GET=RECT_READ, POST=RECT_REPORT),
    "api:measure-detail": only(GET=RECT_READ, PATCH=RECT_REPORT, DELETE=RECT_REPORT),
    "api:measure-done": only(POST=RECT_REPORT),
    "api:measure-close": only(POST=RECT_REVIEW),
    "api:progress-update-list": only(GET=RECT_READ, POST=RECT_REPORT),
    "api:progress-update-detail": only(GET=RECT_READ),
    "api:progress-update-publish": only(POST=RECT_REVIEW),
    "api:progress-update-return": only(POST=RECT_REVIEW),
    "api:public-campaign-list": only(GET=PUBLIC),
    "api:public-campaign-detail": only(GET=PUBLIC),
    "api:public-progress-list": only(GET=PUBLIC),
    "api:public-progress-detail": only(GET=PUBLIC),
    "api:public-scores": only(GET=("score_sheet", "public")),
    "api:schema": only(GET=PUBLIC),
    "api:docs": only(GET=PUBLIC),
    # users and roles in the app (issue 17): admins manage accounts; everyone signed in
    # changes their own password
    "accounts:password-change": ("workspace", "open"),
    "accounts:users": only(GET=("user_account", "manage")),
    "accounts:user-new": ("user_account", "manage"),
    "accounts:users-import": ("user_account", "manage"),
    "accounts:users-import-template": only(GET=("user_account", "manage")),
    "accounts:users-import-passwords": only(POST=("user_account", "manage")),
    "accounts:user": ("user_account", "manage"),
    "accounts:user-active": only(POST=("user_account", "manage")),
    "accounts:user-password": ("user_account", "manage"),
    # Django admin: everything under /admin/ takes NAMESPACE_GATES["admin"], except its
    # login page (open, like ours)
    "admin:login": ("session", "login"),
    "admin:autocomplete": only(GET=ADMIN_SITE),
    "admin:jsi18n": only(GET=ADMIN_SITE),
    "admin:password_change_done": only(GET=ADMIN_SITE),
    # runux (issue 17): reminders marked read; liaisons delete or withdraw a measure
    "rectification:liaison-notice-read": only(POST=("rectification", "report")),
    "rectification:liaison-notices-read-all": only(POST=("rectification", "report")),
    "rectification:liaison-measure-delete": only(POST=("rectification", "report")),
    "rectification:liaison-measure-withdraw": only(POST=("rectification", "report")),
    "api:measure-withdraw": only(POST=RECT_REPORT),
    # notifications (issue 20): everyone's messages and preferences; staff configure the
    # group robots of their committee and read its delivery log
    "notifications:messages": only(GET=("notification", "receive")),
    "notifications:message-read": only(POST=("notification", "receive")),
    "notifications:messages-read-all": only(POST=("notification", "receive")),
    "notifications:preferences": ("notification", "receive"),
    "notifications:robots": ("notification_robot", "manage"),
    "notifications:robot": ("notification_robot", "manage"),
    "notifications:robot-delete": only(POST=("notification_robot", "manage")),
    "notifications:log": only(GET=("notification_log", "view")),
    # exports (issue 21): a large export's progress page and download (requester's
    # committee only, per object in core/views.py)
    "exports:job": only(GET=("export_file", "download")),
    "exports:job-progress": only(GET=("export_file", "download")),
    "exports:job-download": only(GET=("export_file", "download")),
}

# The Django admin: the matrix gates it as a whole (MatrixMiddleware), and Django's own
# is_staff and model permissions come on top, as object rules do elsewhere.
# Old addresses (pingyi/urls_legacy.py) only answer 301 to the new page, which enforces
# its own gate: they are public, so a bookmark works before the login as after it.
NAMESPACE_GATES: dict[str, Gate] = {"admin": ADMIN_SITE, "legacy": PUBLIC}


def role_of(user) -> str:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    return user.role


def allows(role: str, resource: str, action: str) -> bool:
    return role in MATRIX[resource, action]


def _entry(route: str) -> Gate | dict[str, Gate] | None:
    entry = ROUTES.get(route)
    if entry is None and ":" in route:
        entry = NAMESPACE_GATES.get(route.split(":", 1)[0])
    return entry


def declared_methods(route: str) -> tuple[str, ...] | None:
    """The methods a route serves, as the matrix declares them; None: not in the matrix."""
    entry = _entry(route)
    if entry is None:
        return None
    return tuple(entry) if isinstance(entry, dict) else PAGE_METHODS


def gate(route: str, method: str) -> Gate | None:
    """The gate of a route for a method (HEAD and OPTIONS read like GET); None when the
    route does not serve the method."""
    entry = _entry(route)
    if not isinstance(entry, dict):
        return entry
    method = "GET" if method in ("HEAD", "OPTIONS") else method
    return entry.get(method)


def roles_for_route(route: str, method: str | None = None) -> frozenset[str] | None:
    """The roles a named route admits (for one method, or for any it serves), or None when
    the route is not in the matrix."""
    entry = _entry(route)
    if entry is None:
        return None
    if method is not None:
        found = gate(route, method)
        return frozenset() if found is None else MATRIX[found]
    gates = entry.values() if isinstance(entry, dict) else [entry]
    return frozenset().union(*(MATRIX[g] for g in gates))
