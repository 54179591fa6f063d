"""What the audit trail (django-auditlog) records: who changed what, when, before/after,
from which address.

Registered here, in one list, rather than in each app, so a reviewer sees the whole scope.
Secret ballots are never audited: an entry "member X saved ballot Y at 10:02" would undo the
secrecy the ballot models are built for; sessions, results and voids are audited instead.
Hotline records are not registered (no per-row history: it would slow an import of a
million rows); hotline batches and their reports have their own job rows.

Bulk writes to these models (QuerySet.update, bulk_update, bulk_create) send no signals:
services make them through pingyi.audit, which writes the same entries in bulk."""

from __future__ import annotations

from auditlog.registry import auditlog
from django.apps import apps

# app_label.Model -> options for auditlog.register
AUDITED: dict[str, dict] = {
    # selection votes: open/close/publish and the published results, never a ballot
    "campaigns.VoteSession": {},
    "campaigns.VoteCandidate": {},
    "campaigns.Nomination": {},
    # scores and score settings
    "scoring.ScoringConfig": {},
    "scoring.ResearchScore": {},
    "scoring.CommitteeSession": {},
    "scoring.PublicVote": {},
    "scoring.PublicVoter": {"include_fields": ["voided_at", "void_reason"]},
    "scoring.ScoreSheet": {"exclude_fields": ["settings_snapshot"]},
    # triage of suggestions (mass assign, spam, merge): the decisions, never the text or
    # the contact a citizen left
    "issues.Suggestion": {"include_fields": ["status", "theme", "department"]},
    # key issues, rectification plans, measures, published progress, verdicts
    "issues.KeyIssue": {"m2m_fields": {"themes"}},
    "rectification.Plan": {},
    "rectification.Measure": {},
    "rectification.ProgressUpdate": {},
    "rectification.Verdict": {},
    "rectification.Rebound": {},
    # who may reach the API
    "api.ApiClient": {"exclude_fields": ["key_hash", "last_used_at"]},
    # user roles and access
    "accounts.User": {
        "include_fields": [
            "role",
            "organizer",
            "department",
            "deputy_level",
            "is_active",
            "is_staff",
            "is_superuser",
        ]
    },
}


def register_all() -> None:
    for label, options in AUDITED.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue  # an app not installed in this deployment
        if not auditlog.contains(model):
            auditlog.register(model, **options)
