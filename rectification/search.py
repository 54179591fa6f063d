"""Public search over a campaign's key issues, published measures and published progress.

Only what the public pages show: confirmed key issues, measures of a published commitment
(as published, from the version snapshot) and published progress updates. On PostgreSQL the
match also takes trigram word similarity (pg_trgm, migration 0002_public_trigram), ranking
the closest first; on SQLite it is a plain case-insensitive substring match. Three queries
whatever the number of hits."""

import datetime as dt
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Greatest

from campaigns.models import Campaign
from issues.models import KeyIssue

from .models import Measure, PlanVersion, ProgressUpdate

MAX_QUERY = 100
LIMIT = 50  # hits per kind
SNIPPET = 60  # characters of context around the first match
TRIGRAM_THRESHOLD = 0.4


@dataclass(frozen=True)
class Hit:
    kind: str  # "issue", "measure", "update"
    kind_label: str
    issue_id: int
    department: str
    title: str
    snippet: list[tuple[str, bool]]  # (text, is_match) segments, for <mark>
    date: dt.datetime | None = None


def clean_query(raw: str) -> str:
    return " ".join(raw.split())[:MAX_QUERY]


def _terms(query: str) -> list[str]:
    return [t for t in query.split(" ") if t]


def segments(text: str, terms: list[str], *, width: int = SNIPPET) -> list[tuple[str, bool]]:
    """`text` cut around its first match and split into (text, is_match) parts."""
    if not terms:
        return [(text[: width * 2], False)]
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, first.start() - width // 2) if first else 0
    piece = text[start : start + width * 2]
    prefix = "…" if start else ""
    suffix = "…" if start + width * 2 < len(text) else ""
    parts: list[tuple[str, bool]] = [(prefix, False)] if prefix else []
    position = 0
    for match in pattern.finditer(piece):
        if match.start() > position:
            parts.append((piece[position : match.start()], False))
        parts.append((match.group(0), True))
        position = match.end()
    if position < len(piece):
        parts.append((piece[position:], False))
    if suffix:
        parts.append((suffix, False))
    return parts


def _matches(text: str, terms: list[str]) -> bool:
    lowered = text.lower()
    return all(t.lower() in lowered for t in terms)


def _filter(qs: QuerySet, fields: list[str], terms: list[str]) -> QuerySet:
    """Every term in one of the fields; on PostgreSQL also rows similar to the query."""
    condition = Q()
    for term in terms:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": term})
        condition &= any_field
    if connection.vendor != "postgresql":
        return qs.filter(condition)
    from django.contrib.postgres.search import TrigramWordSimilarity

    query = " ".join(terms)
    similarity = [TrigramWordSimilarity(query, name) for name in fields]
    score = Greatest(*similarity) if len(similarity) > 1 else similarity[0]
    return (
        qs.annotate(similarity=score)
        .filter(condition | Q(similarity__gte=TRIGRAM_THRESHOLD))
        .order_by(F("similarity").desc(nulls_last=True))
    )


def public_search(*, campaign: Campaign, query: str) -> list[Hit]:
    terms = _terms(clean_query(query))
    if not terms:
        return []
    on_pg = connection.vendor == "postgresql"
    hits: list[Hit] = []

    issues = _filter(
        KeyIssue.objects.filter(
            department__campaign=campaign, status=KeyIssue.Status.CONFIRMED
        ).select_related("department__department"),
        ["title", "description"],
        terms,
    )
    if not on_pg:
        issues = issues.order_by("department__batch__number", "department__position", "position")
    for issue in issues[:LIMIT]:
        body = issue.title if _matches(issue.title, terms) else issue.description or issue.title
        hits.append(
            Hit(
                "issue",
                "重点整改问题",
                issue.pk,
                issue.department.department.name,
                issue.title,
                segments(body, terms),
            )
        )

    # Measures as published: a measure whose plan has a published version, checked against
    # the newest version's snapshot (a draft edit after publication stays private).
    measures = _filter(
        Measure.objects.filter(
            plan__key_issue__department__campaign=campaign,
            plan__key_issue__status=KeyIssue.Status.CONFIRMED,
            plan__versions__isnull=False,
        )
        .distinct()
        .select_related("plan__key_issue__department__department"),
        ["title"],
        terms,
    )
    if not on_pg:
        measures = measures.order_by("plan_id", "position", "id")
    measures = list(measures[:LIMIT])
    latest: dict[int, dict[int, str]] = {}
    for version in PlanVersion.objects.filter(plan_id__in={m.plan_id for m in measures}).order_by(
        "plan_id", "-number"
    ):
        if version.plan_id not in latest:
            latest[version.plan_id] = {item["id"]: item["title"] for item in version.measures}
    for m in measures:
        title = latest.get(m.plan_id, {}).get(m.id)
        if title is None or not (_matches(title, terms) or on_pg):
            continue
        issue = m.plan.key_issue
        hits.append(
            Hit(
                "measure",
                "整改措施",
                issue.pk,
                issue.department.department.name,
                issue.title,
                segments(title, terms),
            )
        )

    updates = _filter(
        ProgressUpdate.objects.filter(
            plan__key_issue__department__campaign=campaign,
            plan__key_issue__status=KeyIssue.Status.CONFIRMED,
            state=ProgressUpdate.State.PUBLISHED,
        ).select_related("plan__key_issue__department__department"),
        ["text"],
        terms,
    )
    if not on_pg:
        updates = updates.order_by("-published_at", "-id")
    for update in updates[:LIMIT]:
        issue = update.plan.key_issue
        hits.append(
            Hit(
                "update",
                "整改进展",
                issue.pk,
                issue.department.department.name,
                issue.title,
                segments(update.text, terms),
                update.published_at,
            )
        )
    return hits
