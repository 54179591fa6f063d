"""The addresses pages had before one URL scheme per audience (issue 12): each answers 301
to the page's new address (core/redirects.py), query string kept. Gated as public pages in
accounts/matrix.py (NAMESPACE_GATES["legacy"]): the new page enforces its own permissions;
the old vote addresses, which must look the vote up, are gated like the vote pages.

Order matters as it did in the old URLconf: /workspace/staff/campaigns/<slug>/ came before
/workspace/staff/<slug>/…, so it does here."""

from campaigns.selectors import vote_session_for_staff
from core.redirects import moved

app_name = "legacy"


def vote_campaign_slug(request, pk: int) -> str:
    """The campaign of an old vote address, among the user's own (404 otherwise). These
    routes are gated like the vote pages themselves (accounts/matrix.py), so only staff
    get here."""
    return vote_session_for_staff(user=request.user, pk=pk).batch.campaign.slug


OLD_STAFF = "workspace/staff/"
OLD_CAMPAIGN = "workspace/staff/campaigns/<slug:slug>/"
OLD_BATCH = f"{OLD_CAMPAIGN}batches/<int:number>/"
OLD_VOTE = "workspace/staff/votes/<int:pk>/"
OLD_ISSUES = "workspace/staff/<slug:slug>/"
OLD_KEY_ISSUES = "workspace/<slug:slug>/key-issues/"
OLD_RECT = "workspace/staff/<slug:slug>/rectification/"
OLD_SCORING = "manage/<slug:slug>/scoring/"
OLD_IMPORTS = "hotline/imports/"

urlpatterns = [
    moved(OLD_STAFF, "accounts:workspace-staff"),
    # campaigns (was /workspace/staff/campaigns/…, /workspace/staff/votes/<pk>/…)
    moved(f"{OLD_STAFF}campaigns/", "campaigns-staff:campaigns"),
    moved(f"{OLD_STAFF}campaigns/new/", "campaigns-staff:campaign-new"),
    moved(OLD_CAMPAIGN, "campaigns-staff:campaign"),
    moved(OLD_BATCH, "campaigns-staff:batch"),
    moved(f"{OLD_BATCH}stage/", "campaigns-staff:batch-stage"),
    moved(f"{OLD_BATCH}plan/", "campaigns-staff:batch-plan"),
    moved(f"{OLD_BATCH}slots/", "campaigns-staff:batch-slots"),
    moved(f"{OLD_BATCH}nominations/", "campaigns-staff:nomination-add"),
    moved(f"{OLD_BATCH}nominations/<int:pk>/remove/", "campaigns-staff:nomination-remove"),
    moved(f"{OLD_BATCH}vote/open/", "campaigns-staff:vote-open"),
    moved(f"{OLD_VOTE}turnout/", "campaigns-staff:vote-turnout", slug_from=vote_campaign_slug),
    moved(f"{OLD_VOTE}close/", "campaigns-staff:vote-close", slug_from=vote_campaign_slug),
    moved(f"{OLD_VOTE}runoff/", "campaigns-staff:vote-runoff", slug_from=vote_campaign_slug),
    moved(f"{OLD_VOTE}publish/", "campaigns-staff:vote-publish", slug_from=vote_campaign_slug),
    moved(
        f"{OLD_CAMPAIGN}departments/<slug:department_slug>/statement/",
        "campaigns-staff:statement",
    ),
    # suggestions, themes, proposals, funnel (was /workspace/staff/<slug>/…)
    moved(f"{OLD_ISSUES}suggestions/", "issues:triage"),
    moved(f"{OLD_ISSUES}suggestions/<int:pk>/", "issues:suggestion"),
    moved(f"{OLD_ISSUES}suggestions/record/", "issues:record"),
    moved(f"{OLD_ISSUES}suggestions/import/", "issues:import"),
    moved(f"{OLD_ISSUES}suggestions/export.xlsx", "issues:export"),
    moved(f"{OLD_ISSUES}themes/", "issues:themes"),
    moved(f"{OLD_ISSUES}themes/<int:pk>/", "issues:theme"),
    moved(f"{OLD_ISSUES}proposals/", "issues:proposals-unassigned"),
    moved(f"{OLD_ISSUES}proposals/<int:department>/", "issues:proposals"),
    moved(f"{OLD_ISSUES}funnel/", "issues:funnel"),
    moved(f"{OLD_ISSUES}funnel.xlsx", "issues:export-funnel"),
    # key issues (was /workspace/<slug>/key-issues/…)
    moved(OLD_KEY_ISSUES, "issues:key-issues"),
    moved(f"{OLD_KEY_ISSUES}new/<int:department>/", "issues:key-issue-new"),
    moved(f"{OLD_KEY_ISSUES}<int:pk>/", "issues:key-issue"),
    moved(f"{OLD_KEY_ISSUES}<int:pk>/confirm/", "issues:key-issue-confirm"),
    # rectification, staff side (was /workspace/staff/<slug>/rectification/…)
    moved(OLD_RECT, "rectification:dashboard"),
    moved(f"{OLD_RECT}ledger.xlsx", "rectification:ledger"),
    moved(f"{OLD_RECT}<int:pk>/", "rectification:staff-issue"),
    moved(f"{OLD_RECT}<int:pk>/publish/", "rectification:staff-publish"),
    moved(f"{OLD_RECT}<int:pk>/updates/<int:update>/", "rectification:staff-review"),
    moved(f"{OLD_RECT}<int:pk>/measures/<int:measure>/close/", "rectification:staff-close"),
    moved(f"{OLD_RECT}<int:pk>/verdict/", "rectification:staff-verdict"),
    moved(f"{OLD_RECT}<int:pk>/rebound/", "rectification:staff-rebound"),
    moved(f"{OLD_RECT}<int:pk>/rebound/<int:rebound>/resolve/", "rectification:staff-resolve"),
    # scoring (was /manage/<slug>/…, the committee ballot /committee/<pk>/)
    moved("manage/<slug:slug>/hotline/", "scoring:hotline-comparison"),
    moved(OLD_SCORING, "scoring:manage"),
    moved(f"{OLD_SCORING}settings/", "scoring:settings"),
    moved(f"{OLD_SCORING}batches/<int:number>/session/", "scoring:session-toggle"),
    moved(f"{OLD_SCORING}batches/<int:number>/vote/toggle/", "scoring:vote-toggle"),
    moved(f"{OLD_SCORING}batches/<int:number>/vote/", "scoring:vote"),
    moved(f"{OLD_SCORING}batches/<int:number>/surveys/new/", "scoring:survey-new"),
    moved(f"{OLD_SCORING}surveys/<int:pk>/", "scoring:survey"),
    moved(f"{OLD_SCORING}surveys/<int:pk>/rates/", "scoring:rates"),
    moved(f"{OLD_SCORING}sessions/<int:pk>/turnout/", "scoring:turnout"),
    moved(f"{OLD_SCORING}surveys/<int:pk>/invitations/", "scoring:invitations"),
    moved(f"{OLD_SCORING}sheets/recompute/", "scoring:recompute"),
    moved(f"{OLD_SCORING}sheets/<int:version>/", "scoring:sheet"),
    moved(f"{OLD_SCORING}sheets/<int:version>/publish/", "scoring:publish"),
    moved(f"{OLD_SCORING}sheets/<int:version>/export/", "scoring:export"),
    moved(f"{OLD_SCORING}research/", "scoring:research"),
    moved("committee/<int:pk>/", "scoring:ballot"),
    # hotline (was /hotline/…; the campaign comparison was /hotline/campaigns/<slug>/)
    moved(OLD_IMPORTS, "hotline:imports"),
    moved(f"{OLD_IMPORTS}<int:pk>/", "hotline:import"),
    moved(f"{OLD_IMPORTS}<int:pk>/progress/", "hotline:import-progress"),
    moved(f"{OLD_IMPORTS}<int:pk>/rejected.<str:fmt>", "hotline:import-errors"),
    moved(f"{OLD_IMPORTS}<int:pk>/aliases/", "hotline:alias-add"),
    moved(
        "hotline/campaigns/<slug:slug>/",
        "scoring:hotline-comparison",
        name="hotline-campaign-comparison",
    ),
    moved(
        "hotline/campaigns/<slug:slug>/departments/<slug:department_slug>/",
        "hotline:department",
    ),
]
