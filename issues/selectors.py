"""Reads for suggestions, themes and key issues. Staff pages get their campaign through
campaigns.selectors.campaign_for_user first; public reads return counts and approved
summaries only, never a suggestion's text or contact."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from accounts.models import Role
from campaigns.models import Campaign, EvaluatedDepartment
from campaigns.stages import ORDER, Stage
from notifications.models import Channel as NotifyChannel
from notifications.models import ContactOptIn

from .models import (
    Channel,
    KeyIssue,
    RejectedPair,
    SourceType,
    Suggestion,
    SuggestionAnswer,
    Theme,
)
from .notify import OPT_IN_KIND
from .similarity import MERGE_THRESHOLD, SimilarityIndex

# What a receipt number can look like (YJ2021-7KQ4M9TX; the column holds 20 characters).
RECEIPT_SHAPE = re.compile(r"[A-Z0-9-]{1,20}")

LEVEL_SOURCES = {
    "city": [SourceType.CITY_DEPUTY],
    "district": [SourceType.DISTRICT_DEPUTY],
    "town": [SourceType.TOWN_DEPUTY],
    "deputy": [SourceType.CITY_DEPUTY, SourceType.DISTRICT_DEPUTY, SourceType.TOWN_DEPUTY],
    "society": [
        SourceType.PUBLIC,
        SourceType.ENTERPRISE,
        SourceType.DEPARTMENT,
        SourceType.DISTRICT_COMMITTEE,
        SourceType.OTHER,
    ],
}
LEVEL_CHOICES = [
    ("deputy", "全部人大代表"),
    ("city", "市级代表"),
    ("district", "区县级代表"),
    ("town", "镇（街道）级代表"),
    ("society", "社会各界"),
]


def evaluated_departments(*, campaign: Campaign) -> QuerySet[EvaluatedDepartment]:
    return (
        EvaluatedDepartment.objects.filter(campaign=campaign)
        .select_related("department", "batch")
        .order_by("batch__number", "position", "department__name")
    )


def suggestion_triage(*, campaign: Campaign, filters: dict) -> QuerySet[Suggestion]:
    """The staff triage list: every filter is one indexed WHERE; rows carry what the table
    shows (department, theme, tags) in two queries whatever the page size."""
    qs = (
        Suggestion.objects.filter(campaign=campaign)
        .select_related("department__department", "theme", "district")
        .prefetch_related("tags")
        .order_by("-submitted_on", "-id")
    )
    if filters.get("batch"):
        qs = qs.filter(department__batch_id=filters["batch"])
    department = filters.get("department")
    if department == "none":
        qs = qs.filter(department__isnull=True)
    elif department:
        qs = qs.filter(department_id=department)
    if filters.get("channel"):
        qs = qs.filter(channel=filters["channel"])
    if filters.get("source_type"):
        qs = qs.filter(source_type=filters["source_type"])
    if filters.get("level") in LEVEL_SOURCES:
        qs = qs.filter(source_type__in=LEVEL_SOURCES[filters["level"]])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    else:
        qs = qs.exclude(status=Suggestion.Status.SPAM)
    if filters.get("tag"):
        qs = qs.filter(tags__id=filters["tag"])
    if filters.get("theme"):
        qs = qs.filter(theme_id=filters["theme"])
    query = (filters.get("q") or "").strip()
    if query:
        qs = qs.filter(Q(text__icontains=query) | Q(receipt__iexact=query))
    return qs


def _rejected_with(suggestion_ids: list[int]) -> set[tuple[int, int]]:
    pairs = RejectedPair.objects.filter(
        Q(first_id__in=suggestion_ids) | Q(second_id__in=suggestion_ids)
    ).values_list("first_id", "second_id")
    return set(pairs)


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def similar_suggestions(*, suggestion: Suggestion, k: int = 10) -> list[tuple[Suggestion, float]]:
    """The most similar other suggestions of the same department (and the unassigned ones),
    or of the whole campaign when the suggestion has no department yet. Pairs staff rejected
    and suggestions already in the same theme are left out."""
    pool = Suggestion.objects.filter(campaign_id=suggestion.campaign_id).exclude(
        status=Suggestion.Status.SPAM
    )
    if suggestion.department_id:
        pool = pool.filter(Q(department_id=suggestion.department_id) | Q(department__isnull=True))
    items = list(pool.values_list("id", "text"))
    if suggestion.id not in {i for i, _ in items}:
        items.append((suggestion.id, suggestion.text))
    index = SimilarityIndex(items)
    rejected = _rejected_with([suggestion.id])
    best = [
        (other, score)
        for other, score in index.similar_to(suggestion.id, k=k + len(rejected) + 20)
        if _pair(suggestion.id, other) not in rejected
    ]
    objects = Suggestion.objects.select_related("theme", "department__department").in_bulk(
        [i for i, _ in best]
    )
    result = []
    for other, score in best:
        s = objects[other]
        if suggestion.theme_id and s.theme_id == suggestion.theme_id:
            continue
        result.append((s, score))
    return result[:k]


def merge_proposals(
    *,
    campaign: Campaign,
    department: EvaluatedDepartment | None,
    threshold: float = MERGE_THRESHOLD,
) -> list[list[Suggestion]]:
    """Groups of unmerged suggestions of one department that read alike, largest first.
    A member staff rejected against the group's first member is dropped from the group."""
    pool = Suggestion.objects.filter(campaign=campaign, status=Suggestion.Status.RECEIVED)
    pool = pool.filter(department=department) if department else pool.filter(department=None)
    items = list(pool.values_list("id", "text"))
    groups = SimilarityIndex(items).propose_merges(threshold=threshold)
    if not groups:
        return []
    rejected = _rejected_with([g[0] for g in groups])
    objects = pool.in_bulk([i for g in groups for i in g])
    result = []
    for group in groups:
        head = group[0]
        kept = [head] + [i for i in group[1:] if _pair(head, i) not in rejected]
        if len(kept) > 1:
            result.append([objects[i] for i in kept])
    return result


def themes_of_campaign(*, campaign: Campaign) -> QuerySet[Theme]:
    return (
        Theme.objects.filter(campaign=campaign)
        .select_related("department__department")
        .annotate(n=Count("suggestions", distinct=True))
        .prefetch_related("key_issues")
        .order_by("department__batch__number", "department__position", "-is_focus", "title")
    )


# ---------------------------------------------------------------------------------- funnel
@dataclass
class FunnelRow:
    department: EvaluatedDepartment | None
    collected: int = 0
    merged: int = 0
    themes: int = 0
    focus_themes: int = 0
    key_issues: int = 0
    by_channel: Counter = field(default_factory=Counter)
    by_source: Counter = field(default_factory=Counter)

    @property
    def unmerged(self) -> int:
        return self.collected - self.merged

    def channel_list(self) -> list[tuple[str, int]]:
        return [(label, self.by_channel[v]) for v, label in Channel.choices if self.by_channel[v]]

    def source_list(self) -> list[tuple[str, int]]:
        return [(label, self.by_source[v]) for v, label in SourceType.choices if self.by_source[v]]


def department_funnels(
    *, campaign: Campaign, evaluated: EvaluatedDepartment | None = None, key_issues: bool = True
) -> list[FunnelRow]:
    """collected -> merged themes -> focus themes -> key issues, per evaluated department,
    plus a row for suggestions without a department. Four queries whatever the size; for
    one department (`evaluated`) two, plus one when key issues are counted here."""
    department_id = evaluated.id if evaluated else None
    if evaluated:
        rows: dict[int | None, FunnelRow] = {evaluated.id: FunnelRow(evaluated)}
    else:
        rows = {ev.id: FunnelRow(ev) for ev in evaluated_departments(campaign=campaign)}
        rows[None] = FunnelRow(None)
    suggestions = Suggestion.objects.filter(campaign=campaign).exclude(
        status=Suggestion.Status.SPAM
    )
    if department_id:
        suggestions = suggestions.filter(department_id=department_id)
    # One grouped query gives channel, source and merged counts together.
    grouped = suggestions.values("department_id", "channel", "source_type", "status").annotate(
        n=Count("id")
    )
    for r in grouped.order_by():
        row = rows.get(r["department_id"])
        if row is None:
            continue
        row.collected += r["n"]
        row.by_channel[r["channel"]] += r["n"]
        row.by_source[r["source_type"]] += r["n"]
        if r["status"] == Suggestion.Status.MERGED:
            row.merged += r["n"]
    themes = Theme.objects.filter(campaign=campaign)
    if department_id:
        themes = themes.filter(department_id=department_id)
    theme_counts = (
        themes.values("department_id")
        .annotate(n=Count("id"), focus=Count("id", filter=Q(is_focus=True)))
        .order_by()
    )
    for t in theme_counts:
        if t["department_id"] in rows:
            rows[t["department_id"]].themes = t["n"]
            rows[t["department_id"]].focus_themes = t["focus"]
    issues = (
        KeyIssue.objects.filter(department__campaign=campaign, status=KeyIssue.Status.CONFIRMED)
        .values("department_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    if department_id:
        issues = issues.filter(department_id=department_id)
    for k in issues if key_issues else ():
        if k["department_id"] in rows:
            rows[k["department_id"]].key_issues = k["n"]
    result = list(rows.values())
    if None in rows and not rows[None].collected and not rows[None].themes:
        result.remove(rows[None])
    return result


# ------------------------------------------------------------------------------ key issues
def key_issues_with_trail(issues: QuerySet[KeyIssue] | None = None) -> Prefetch:
    """Key issues (all, or `issues`) with their themes and each theme's suggestion count."""
    themes = Theme.objects.annotate(n=Count("suggestions", distinct=True)).order_by("title")
    issues = KeyIssue.objects.all() if issues is None else issues
    return Prefetch(
        "key_issues",
        queryset=issues.prefetch_related(Prefetch("themes", queryset=themes)).order_by(
            "position", "id"
        ),
    )


def key_issue_board(*, campaign: Campaign) -> QuerySet[EvaluatedDepartment]:
    """Every evaluated department with its key issues and their themes (with counts)."""
    return evaluated_departments(campaign=campaign).prefetch_related(key_issues_with_trail())


# Batches from the key-issues stage on are expected to hold key_issues_min..key_issues_max
# confirmed key issues per department: the rectification guard (services.
# key_issue_bound_errors) checks it on entry, a withdrawal afterwards can break it again.
BOUND_STAGES = [s.value for s in ORDER[ORDER.index(Stage.KEY_ISSUES) :]]
BOUNDS_CHOICES = [
    ("out", "已确定数超出范围"),
    ("short", "提出数不足下限"),
]


def with_key_issue_counts(qs: QuerySet[EvaluatedDepartment]) -> QuerySet[EvaluatedDepartment]:
    """`n_confirmed` and `n_issues` (proposed or confirmed) on each department."""
    return qs.annotate(
        n_confirmed=Count("key_issues", filter=Q(key_issues__status=KeyIssue.Status.CONFIRMED)),
        n_issues=Count("key_issues"),
    )


def key_issue_bounds_q(kind: str) -> Q:
    """On departments `with_key_issue_counts`: "out" = confirmed count outside the
    campaign's bounds in a batch at the key-issues stage or later (what staff must settle);
    "short" = fewer key issues proposed than the lower bound while the batch is at the
    key-issues stage (what the research group still has to propose)."""
    if kind == "short":
        return Q(batch__stage=Stage.KEY_ISSUES, n_issues__lt=F("campaign__key_issues_min"))
    return Q(batch__stage__in=BOUND_STAGES) & (
        Q(n_confirmed__lt=F("campaign__key_issues_min"))
        | Q(n_confirmed__gt=F("campaign__key_issues_max"))
    )


def matching_key_issues(*, status: str = "", query: str = "") -> QuerySet[KeyIssue]:
    """Key issues of a status and/or whose title or description contains `query`."""
    issues = KeyIssue.objects.all()
    if status:
        issues = issues.filter(status=status)
    if query:
        issues = issues.filter(Q(title__icontains=query) | Q(description__icontains=query))
    return issues


def key_issue_page(
    *, departments: QuerySet[EvaluatedDepartment], issues: QuerySet[KeyIssue]
) -> QuerySet[EvaluatedDepartment]:
    """Departments (already filtered) with only `issues` among their key issues, and the
    themes behind them with their suggestion counts: three queries whatever the page size."""
    return departments.prefetch_related(key_issues_with_trail(issues))


def key_issue_bounds_by_campaign(*, campaign_ids: list[int], kind: str) -> Counter[int]:
    """How many departments of each campaign match `key_issue_bounds_q(kind)`: one query."""
    rows = (
        with_key_issue_counts(EvaluatedDepartment.objects.filter(campaign_id__in=campaign_ids))
        .filter(key_issue_bounds_q(kind))
        .values_list("campaign_id", flat=True)
    )
    return Counter(rows)


def unmerged_by_campaign(*, campaign_ids: list[int]) -> dict[int, int]:
    """Suggestions still waiting for triage (status 已受理: neither merged nor spam)."""
    rows = (
        Suggestion.objects.filter(campaign_id__in=campaign_ids, status=Suggestion.Status.RECEIVED)
        .values("campaign_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["campaign_id"]: r["n"] for r in rows}


# ---------------------------------------------------------------------------------- public
@dataclass
class PublicKeyIssue:
    title: str
    description: str
    suggestion_count: int
    themes: list[tuple[str, str, int]]  # (title, approved summary, count)
    pk: int = 0  # links to the issue's public progress page (rectification)


def public_key_issues(*, evaluated: EvaluatedDepartment) -> list[PublicKeyIssue]:
    """Confirmed key issues with the counts behind them. Theme summaries appear only when
    staff approved them; suggestion text never."""
    themes = Theme.objects.annotate(
        n=Count("suggestions", filter=~Q(suggestions__status=Suggestion.Status.SPAM))
    ).order_by("-n", "title")
    issues = (
        KeyIssue.objects.filter(department=evaluated, status=KeyIssue.Status.CONFIRMED)
        .prefetch_related(Prefetch("themes", queryset=themes))
        .order_by("position", "id")
    )
    result = []
    for issue in issues:
        linked = list(issue.themes.all())
        result.append(
            PublicKeyIssue(
                title=issue.title,
                description=issue.description,
                # `n` is annotated by the Prefetch queryset, which the stubs cannot follow.
                suggestion_count=sum(t.n for t in linked),  # type: ignore[attr-defined]
                themes=[
                    (t.title, t.summary, t.n)  # type: ignore[attr-defined]
                    for t in linked
                    if t.summary_approved
                ],
                pk=issue.pk,
            )
        )
    return result


def public_department_data(*, evaluated: EvaluatedDepartment) -> dict:
    """Everything the public department page shows about suggestions, in four queries."""
    issues = public_key_issues(evaluated=evaluated)
    [funnel] = department_funnels(
        campaign=evaluated.campaign, evaluated=evaluated, key_issues=False
    )
    funnel.key_issues = len(issues)
    return {"issues": issues, "funnel": funnel}


def suggestion_by_receipt(*, receipt: str) -> Suggestion | None:
    receipt = receipt.strip().upper()
    if not RECEIPT_SHAPE.fullmatch(receipt):
        return None  # not a receipt number (and nothing such as a NUL reaches the query)
    return (
        Suggestion.objects.select_related("campaign", "department__department", "theme")
        .prefetch_related(
            Prefetch(
                "theme__key_issues",
                queryset=KeyIssue.objects.filter(status=KeyIssue.Status.CONFIRMED),
            ),
            suggestion_answers_prefetch(),
        )
        .filter(receipt=receipt)
        .first()
    )


def suggestion_answers_prefetch(*, with_staff: bool = False) -> Prefetch:
    """A suggestion's answers, newest version first, for `Suggestion.answer_summary`. Public
    readers (receipt page, deputies, the API) never load who answered."""
    answers = SuggestionAnswer.objects.order_by("-version")
    if with_staff:
        answers = answers.select_related("answered_by")
    else:
        answers = answers.only("id", "suggestion_id", "version", "text", "created_at")
    return Prefetch("answers", queryset=answers)


def deputy_answers(*, deputy, limit: int = 20) -> list[Suggestion]:
    """The deputy's own suggestions that have an answer, newest submission first (their
    workspace): each with `answer_summary`. Two queries however many."""
    return list(
        Suggestion.objects.filter(submitted_by=deputy)
        .filter(Exists(SuggestionAnswer.objects.filter(suggestion=OuterRef("pk"))))
        .select_related("campaign")
        .prefetch_related(suggestion_answers_prefetch())
        .order_by("-created_at", "-id")[:limit]
    )


def answer_recipients(*, suggestion: Suggestion) -> list[str]:
    """Who an answer to `suggestion` reaches besides the receipt page, for the review page:
    never the contact itself."""
    who = []
    author = suggestion.submitted_by
    if author is not None and author.role == Role.DEPUTY and author.is_active:
        who.append(f"提出建议的代表{author.display_name}（站内消息，及其选择的渠道）")
    optin = ContactOptIn.objects.filter(kind=OPT_IN_KIND, object_id=suggestion.pk).first()
    if optin is not None:
        how = "短信" if optin.channel == NotifyChannel.SMS else "电子邮件"
        who.append(f"提交意见建议时要求告知办理进展的群众（{how}，发到其留下的联系方式）")
    return who or ["无人要求通知：只在回执查询页显示"]


def deputy_submissions(*, deputy, campaign: Campaign) -> QuerySet[Suggestion]:
    return (
        Suggestion.objects.filter(submitted_by=deputy, campaign=campaign)
        .select_related("department__department", "theme")
        .prefetch_related(suggestion_answers_prefetch())
        .order_by("-created_at")
    )


def suggestion_by_submission(*, campaign, key: str) -> Suggestion | None:
    """The web suggestion stored for one solved challenge (see challenge_submission_key)."""
    return Suggestion.objects.filter(campaign=campaign, import_key=key).only("receipt").first()


@dataclass
class ThemeLoss:
    """A theme that a merge would take suggestions out of, and what that changes."""

    theme: Theme
    receipts: list[str]
    count: int  # valid (non-spam) suggestions in the theme now
    key_issues: list[KeyIssue]

    @property
    def after(self) -> int:
        return self.count - len(self.receipts)


def merge_losses(*, campaign: Campaign, ids, target: Theme | None) -> list[ThemeLoss]:
    """The themes (with their counts and key issues) that merging `ids` into `target` (None:
    a new theme) would take suggestions out of. Empty when nothing moves."""
    moving = list(
        Suggestion.objects.filter(campaign=campaign, id__in=list(ids), theme__isnull=False)
        .exclude(status=Suggestion.Status.SPAM)
        .exclude(theme=target)
        .order_by("theme_id", "receipt")
        .values_list("theme_id", "receipt")
    )
    if not moving:
        return []
    by_theme: dict[int, list[str]] = {}
    for theme_id, receipt in moving:
        by_theme.setdefault(theme_id, []).append(receipt)
    themes = (
        Theme.objects.filter(pk__in=by_theme)
        .annotate(n=Count("suggestions", filter=~Q(suggestions__status=Suggestion.Status.SPAM)))
        .prefetch_related(
            Prefetch(
                "key_issues",
                queryset=KeyIssue.objects.select_related("department__department").order_by(
                    "position", "id"
                ),
            )
        )
        .order_by("title")
    )
    return [
        ThemeLoss(theme=t, receipts=by_theme[t.pk], count=t.n, key_issues=list(t.key_issues.all()))
        for t in themes
    ]


@dataclass
class KeyIssueImpact:
    issue: KeyIssue
    before: int
    after: int

    @property
    def public(self) -> bool:
        return self.issue.status == KeyIssue.Status.CONFIRMED


def merge_key_issue_impact(
    *, losses: list[ThemeLoss], target: Theme | None
) -> list[KeyIssueImpact]:
    """Per key issue behind a losing theme: its suggestion count (the number the public page
    shows once confirmed) before and after the merge."""
    issues = {i.pk: i for loss in losses for i in loss.key_issues}
    if not issues:
        return []
    before = dict(
        KeyIssue.objects.filter(pk__in=issues)
        .annotate(
            n=Count(
                "themes__suggestions",
                filter=~Q(themes__suggestions__status=Suggestion.Status.SPAM),
            )
        )
        .values_list("pk", "n")
    )
    kept = set(target.key_issues.values_list("pk", flat=True)) if target is not None else set()
    result = []
    for pk, issue in issues.items():
        lost = 0
        if pk not in kept:
            lost = sum(len(x.receipts) for x in losses if pk in {i.pk for i in x.key_issues})
        result.append(KeyIssueImpact(issue=issue, before=before[pk], after=before[pk] - lost))
    return result
