"""Writes for suggestions, themes and key issues: one function per verb, each in a transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from accounts.models import Role
from campaigns.models import Campaign, EvaluatedDepartment
from core import publiccache
from core.audit import audit_access, audited_update
from notifications.services import contact_opt_in

from .importing import DATE_FORMATS, ParsedRow, lookup
from .models import (
    ANSWER_MAX,
    ANSWER_REASON_MAX,
    DEPUTY_SOURCES,
    Channel,
    KeyIssue,
    RejectedPair,
    SourceType,
    Suggestion,
    SuggestionAnswer,
    Tag,
    Theme,
)
from .notify import OPT_IN_KIND, answered_announce, merged_announce

# No 0/O, 1/I/L: citizens read receipts aloud over the phone.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_receipt(*, year: int) -> str:
    """YJ2021-7KQ4M9TX: 31^8 ≈ 8.5e11 per year, so receipts cannot be guessed in bulk."""
    return f"YJ{year}-" + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))


def _create(**fields) -> Suggestion:
    campaign: Campaign = fields["campaign"]
    for _ in range(5):
        try:
            with transaction.atomic():
                return Suggestion.objects.create(receipt=new_receipt(year=campaign.year), **fields)
        except IntegrityError:
            key = fields.get("import_key")
            if key:  # the same submission stored meanwhile (a form sent twice at once)
                earlier = Suggestion.objects.filter(campaign=campaign, import_key=key).first()
                if earlier is not None:
                    return earlier
            continue  # a receipt collision: astronomically rare, try another
    raise RuntimeError("无法生成回执编号")


def _check_department(campaign: Campaign, department: EvaluatedDepartment | None) -> None:
    if department is not None and department.campaign_id != campaign.id:
        raise ValidationError("该部门（单位）不在这次评议中")


@transaction.atomic
def suggestion_submit_public(
    *,
    campaign: Campaign,
    department: EvaluatedDepartment | None,
    source_type: str,
    text: str,
    contact: str = "",
    submission_key: str | None = None,
    notify_me: bool = False,
) -> Suggestion:
    """`submission_key` names the web submission (its solved challenge); it is stored in the
    idempotency column `import_key`, whose unique constraint makes a resent form store one
    suggestion however the two requests interleave. `notify_me`: the submitter asked to hear
    about the suggestion's progress at `contact` (notifications.ContactOptIn)."""
    _check_department(campaign, department)
    if source_type not in (SourceType.PUBLIC, SourceType.ENTERPRISE, SourceType.OTHER):
        raise ValidationError("来源类型无效")
    suggestion = _create(
        campaign=campaign,
        department=department,
        channel=Channel.WEB,
        source_type=source_type,
        text=text.strip(),
        contact=contact.strip(),
        submitted_on=timezone.localdate(),
        import_key=submission_key,
    )
    if notify_me:
        contact_opt_in(kind=OPT_IN_KIND, object_id=suggestion.pk, contact=contact)
    return suggestion


@transaction.atomic
def suggestion_submit_deputy(
    *, campaign: Campaign, department: EvaluatedDepartment | None, text: str, deputy
) -> Suggestion:
    """Level and district come from the deputy's profile, never from the form."""
    if deputy.role != Role.DEPUTY:
        raise ValidationError("只有人大代表可以通过代表工作台提交")
    _check_department(campaign, department)
    return _create(
        campaign=campaign,
        department=department,
        channel=Channel.DEPUTY,
        source_type=DEPUTY_SOURCES[deputy.deputy_level],
        district_id=deputy.district_id,
        text=text.strip(),
        submitted_on=timezone.localdate(),
        submitted_by=deputy,
    )


@transaction.atomic
def suggestion_record(
    *,
    campaign: Campaign,
    department: EvaluatedDepartment | None,
    channel: str,
    source_type: str,
    text: str,
    submitted_on: dt.date,
    contact: str = "",
    district=None,
    actor,
) -> Suggestion:
    """Staff record a suggestion from an offline channel (open letter, opinion box ...)."""
    _check_department(campaign, department)
    return _create(
        campaign=campaign,
        department=department,
        channel=channel,
        source_type=source_type,
        district=district,
        text=text.strip(),
        submitted_on=submitted_on,
        contact=contact.strip(),
        submitted_by=actor,
    )


# ------------------------------------------------------------------------------- import
@dataclass
class ImportReport:
    created: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.unchanged + len(self.errors)


def import_key(row: ParsedRow) -> str:
    """The row's 编号 when the sheet has one, else a hash of what makes it this suggestion."""
    if row.number:
        return f"no:{row.number}"[:64]
    basis = "\x1f".join([row.channel, row.source_type, row.text, row.date])
    return "h:" + hashlib.sha256(basis.encode()).hexdigest()[:40]


@transaction.atomic
def suggestions_import(*, campaign: Campaign, rows: Sequence[ParsedRow], actor) -> ImportReport:
    """Insert the valid rows, skip rows imported before, report bad rows by their row number.
    Validation reads names the way people type them (中文 labels or codes)."""
    report = ImportReport()
    channels = lookup(Channel.choices)
    sources = lookup(SourceType.choices)
    evaluated = EvaluatedDepartment.objects.filter(campaign=campaign).select_related("department")
    departments: dict[str, EvaluatedDepartment] = {}
    for ev in evaluated:
        for name in (ev.department.name, ev.department.short_name, ev.department.slug):
            departments[name] = ev
    valid: dict[str, Suggestion] = {}
    for row in rows:
        if row.problem:  # a line or a cell over the limits (core/tables.py)
            report.errors.append((row.line, row.problem))
            continue
        problems = []
        if not row.text:
            problems.append("内容为空")
        channel = channels.get(row.channel or "其他渠道")
        if channel is None:
            problems.append(f"征集渠道“{row.channel}”无法识别")
        source = sources.get(row.source_type or "其他")
        if source is None:
            problems.append(f"来源类型“{row.source_type}”无法识别")
        department = None
        if row.department:
            department = departments.get(row.department)
            if department is None:
                problems.append(f"部门“{row.department}”不在这次评议中")
        submitted_on = None
        for fmt in DATE_FORMATS:
            try:
                submitted_on = dt.datetime.strptime(row.date, fmt).date()
                break
            except ValueError:
                continue
        if submitted_on is None:
            problems.append(f"日期“{row.date}”无法识别（应为 2021-03-05 这样的格式）")
        if problems or channel is None or source is None or submitted_on is None:
            report.errors.append((row.line, "；".join(problems)))
            continue
        key = import_key(row)
        if key in valid:
            report.unchanged += 1  # the same row twice in one file
            continue
        valid[key] = Suggestion(
            campaign=campaign,
            department=department,
            channel=channel,
            source_type=source,
            text=row.text,
            contact=row.contact,
            submitted_on=submitted_on,
            submitted_by=actor,
            import_key=key,
            receipt=new_receipt(year=campaign.year),
        )
    existing = set(
        Suggestion.objects.filter(campaign=campaign, import_key__in=list(valid)).values_list(
            "import_key", flat=True
        )
    )
    new = [s for key, s in valid.items() if key not in existing]
    # ignore_conflicts: a concurrent import of the same file cannot insert a row twice.
    Suggestion.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    publiccache.bump(campaign.slug)  # public suggestion counts (bulk: no signals)
    report.created = len(new)
    report.unchanged += len(existing)
    return report


# ------------------------------------------------------------------------------- triage
def _scoped(campaign: Campaign, ids: Iterable[int]):
    return Suggestion.objects.filter(campaign=campaign, id__in=list(ids))


@transaction.atomic
def suggestions_assign(
    *, campaign: Campaign, ids: Iterable[int], department: EvaluatedDepartment | None, actor
) -> int:
    _check_department(campaign, department)
    publiccache.bump(campaign.slug)
    return audited_update(_scoped(campaign, ids), actor=actor, department=department)


@transaction.atomic
def suggestions_tag(*, campaign: Campaign, ids: Iterable[int], name: str, actor) -> int:
    name = name.strip()
    if not name:
        raise ValidationError("请填写标签")
    tag, _ = Tag.objects.get_or_create(campaign=campaign, name=name[:30])
    through = Suggestion.tags.through
    suggestion_ids = list(_scoped(campaign, ids).values_list("id", flat=True))
    through.objects.bulk_create(
        [through(suggestion_id=i, tag_id=tag.id) for i in suggestion_ids], ignore_conflicts=True
    )
    return len(suggestion_ids)


@transaction.atomic
def suggestions_mark_spam(*, campaign: Campaign, ids: Iterable[int], actor) -> int:
    """Spam leaves its theme, so theme counts only ever count real voices."""
    publiccache.bump(campaign.slug)
    return audited_update(
        _scoped(campaign, ids), actor=actor, status=Suggestion.Status.SPAM, theme=None
    )


@transaction.atomic
def suggestions_restore(*, campaign: Campaign, ids: Iterable[int], actor) -> int:
    spam = _scoped(campaign, ids).filter(status=Suggestion.Status.SPAM)
    publiccache.bump(campaign.slug)
    return audited_update(spam, actor=actor, status=Suggestion.Status.RECEIVED)


@transaction.atomic
def suggestions_merge(
    *,
    campaign: Campaign,
    ids: Iterable[int],
    actor,
    theme: Theme | None = None,
    title: str = "",
    department: EvaluatedDepartment | None = None,
    move_from_themes: bool = False,
) -> Theme:
    """Merge suggestions into an existing theme or a new one. Every original stays a row of
    its own pointing at the theme, so the theme's count is the number of voices behind it.

    A suggestion already in another theme is moved only with `move_from_themes=True`: moving
    it lowers that theme's count, and the public count of any key issue behind it."""
    suggestions = list(
        _scoped(campaign, ids).exclude(status=Suggestion.Status.SPAM).select_for_update()
    )
    if not suggestions:
        raise ValidationError("请至少选择一条有效的意见建议")
    target_id = theme.pk if theme is not None else None
    moving = [s for s in suggestions if s.theme_id is not None and s.theme_id != target_id]
    if moving and not move_from_themes:
        receipts = "、".join(s.receipt for s in moving)
        raise ValidationError(
            f"{receipts}已归入其他主题；移出原主题会改变该主题及其重点整改问题的意见建议数，"
            "请确认后再归并。"
        )
    if theme is None:
        title = title.strip()
        if not title:
            raise ValidationError("请填写归并后的主题")
        if department is None:
            # The department most of the merged suggestions name, if any.
            counts: dict[int, int] = {}
            for s in suggestions:
                if s.department_id:
                    counts[s.department_id] = counts.get(s.department_id, 0) + 1
            if counts:
                department = EvaluatedDepartment.objects.get(pk=max(counts, key=counts.__getitem__))
        _check_department(campaign, department)
        theme = Theme.objects.create(
            campaign=campaign, department=department, title=title[:120], created_by=actor
        )
    elif theme.campaign_id != campaign.id:
        raise ValidationError("该主题不在这次评议中")
    audited_update(
        Suggestion.objects.filter(id__in=[s.id for s in suggestions]),
        actor=actor,
        theme=theme,
        status=Suggestion.Status.MERGED,
    )
    merged_announce(suggestions=suggestions, theme=theme)
    publiccache.bump(campaign.slug)
    return theme


@transaction.atomic
def suggestions_unmerge(*, campaign: Campaign, ids: Iterable[int], actor) -> int:
    merged = _scoped(campaign, ids).filter(status=Suggestion.Status.MERGED)
    publiccache.bump(campaign.slug)
    return audited_update(merged, actor=actor, theme=None, status=Suggestion.Status.RECEIVED)


@transaction.atomic
def merge_proposal_reject(
    *, campaign: Campaign, suggestion_id: int, other_ids: Iterable[int], actor
) -> int:
    ids = set(_scoped(campaign, [suggestion_id, *other_ids]).values_list("id", flat=True))
    if suggestion_id not in ids:
        raise ValidationError("没有找到该意见建议")
    pairs = [
        RejectedPair(
            campaign=campaign,
            first_id=min(suggestion_id, other),
            second_id=max(suggestion_id, other),
            rejected_by=actor,
        )
        for other in ids - {suggestion_id}
    ]
    RejectedPair.objects.bulk_create(pairs, ignore_conflicts=True)
    return len(pairs)


@transaction.atomic
def theme_update(
    *,
    theme: Theme,
    title: str,
    summary: str,
    summary_approved: bool,
    is_focus: bool,
    department: EvaluatedDepartment | None,
    actor,
) -> Theme:
    _check_department(theme.campaign, department)
    if summary_approved and not summary.strip():
        raise ValidationError("审核公开前请先填写公开摘要")
    theme.title, theme.summary = title.strip()[:120], summary.strip()
    theme.summary_approved, theme.is_focus, theme.department = (
        summary_approved,
        is_focus,
        department,
    )
    theme.save(update_fields=["title", "summary", "summary_approved", "is_focus", "department"])
    return theme


# ------------------------------------------------------------------------------- answers
def suggestion_answer_next_version(*, suggestion: Suggestion) -> int:
    latest = SuggestionAnswer.objects.filter(suggestion=suggestion).aggregate(v=Max("version"))
    return (latest["v"] or 0) + 1


def suggestion_answer_check(*, suggestion: Suggestion, text: str, reason: str = "") -> int:
    """Refuse what cannot be answered (per field, for the form), before the review page;
    returns the version the answer would get."""
    if suggestion.status == Suggestion.Status.SPAM:
        raise ValidationError("无效信息不能答复；如属误判，请先恢复这条意见建议。")
    version = suggestion_answer_next_version(suggestion=suggestion)
    errors: dict[str, list[str]] = {}
    text, reason = text.strip(), reason.strip()
    if not text:
        errors["text"] = ["请填写答复内容。"]
    elif len(text) > ANSWER_MAX:
        errors["text"] = [f"答复内容不能超过 {ANSWER_MAX} 字（现有 {len(text)} 字）。"]
    if version > 1 and not reason:
        errors["reason"] = ["更正答复须说明更正了什么、为什么更正。"]
    elif len(reason) > ANSWER_REASON_MAX:
        errors["reason"] = [f"更正理由不能超过 {ANSWER_REASON_MAX} 字（现有 {len(reason)} 字）。"]
    if errors:
        raise ValidationError(errors)
    return version


@transaction.atomic
def suggestion_answer(
    *, suggestion: Suggestion, text: str, reason: str = "", actor, version: int | None = None
) -> SuggestionAnswer:
    """Answer a suggestion (办理答复), or correct its answer: a new version, never an edit.
    `version`, when given, is the version the staff member reviewed: an answer stored by
    someone else meanwhile makes it stale, and the act is refused rather than correcting an
    answer they never read. The deputy and the opted-in public hear of it on commit."""
    locked = (
        Suggestion.objects.select_for_update()
        .select_related("campaign")
        .get(pk=suggestion.pk)  # one answer at a time per suggestion: versions 1, 2, 3 ...
    )
    next_version = suggestion_answer_check(suggestion=locked, text=text, reason=reason)
    if version is not None and version != next_version:
        raise ValidationError("这条意见建议的答复刚被他人更新，请查看最新答复后再提交。")
    answer = SuggestionAnswer.objects.create(
        suggestion=locked,
        version=next_version,
        text=text.strip(),
        reason=reason.strip() if next_version > 1 else "",
        answered_by=actor,
    )
    answered_announce(suggestion=locked, answer=answer)
    return answer


# ---------------------------------------------------------------------------- key issues
def _confirmed_count(department: EvaluatedDepartment, *, excluding: int | None = None) -> int:
    qs = KeyIssue.objects.filter(department=department, status=KeyIssue.Status.CONFIRMED)
    if excluding:
        qs = qs.exclude(pk=excluding)
    return qs.count()


def _check_themes(department: EvaluatedDepartment, themes: Iterable[Theme]) -> list[Theme]:
    themes = list(themes)
    if any(t.campaign_id != department.campaign_id for t in themes):
        raise ValidationError("来源主题必须属于这次评议")
    return themes


@transaction.atomic
def key_issue_propose(
    *,
    department: EvaluatedDepartment,
    title: str,
    description: str = "",
    hotline_categories: str = "",
    themes: Iterable[Theme] = (),
    actor,
) -> KeyIssue:
    themes = _check_themes(department, themes)
    title = title.strip()
    if not title:
        raise ValidationError("请填写问题")
    if KeyIssue.objects.filter(department=department, title=title).exists():
        raise ValidationError("该部门已有同名的重点整改问题")
    position = KeyIssue.objects.filter(department=department).count() + 1
    issue = KeyIssue.objects.create(
        department=department,
        title=title[:120],
        description=description.strip(),
        hotline_categories=hotline_categories.strip(),
        position=position,
        proposed_by=actor,
    )
    issue.themes.set(themes)
    return issue


@transaction.atomic
def key_issue_update(
    *,
    key_issue: KeyIssue,
    title: str,
    description: str,
    hotline_categories: str,
    themes: Iterable[Theme],
    actor,
) -> KeyIssue:
    themes = _check_themes(key_issue.department, themes)
    key_issue.title, key_issue.description = title.strip()[:120], description.strip()
    key_issue.hotline_categories = hotline_categories.strip()
    key_issue.save(update_fields=["title", "description", "hotline_categories"])
    key_issue.themes.set(themes)
    return key_issue


@transaction.atomic
def key_issue_link_theme(*, key_issue: KeyIssue, theme: Theme, actor) -> KeyIssue:
    _check_themes(key_issue.department, [theme])
    key_issue.themes.add(theme)
    return key_issue


@transaction.atomic
def key_issue_confirm(*, key_issue: KeyIssue, actor) -> KeyIssue:
    """Staff confirm a proposal. The upper bound is checked here; the lower bound can only be
    judged when the stage ends (the stage guard in apps.py)."""
    department = (
        EvaluatedDepartment.objects.select_for_update()
        .select_related("campaign", "department")
        .get(pk=key_issue.department_id)
    )
    if key_issue.status == KeyIssue.Status.CONFIRMED:
        return key_issue
    limit = department.campaign.key_issues_max
    if _confirmed_count(department) >= limit:
        raise ValidationError(
            f"{department.department.short_name}已确定 {limit} 个重点整改问题，达到上限，"
            f"请先撤回一个再确定。"
        )
    key_issue.status = KeyIssue.Status.CONFIRMED
    key_issue.confirmed_by, key_issue.confirmed_at = actor, timezone.now()
    key_issue.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    return key_issue


@transaction.atomic
def key_issue_withdraw(*, key_issue: KeyIssue, actor) -> KeyIssue:
    key_issue.status = KeyIssue.Status.PROPOSED
    key_issue.confirmed_by, key_issue.confirmed_at = None, None
    key_issue.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    return key_issue


def key_issue_bound_errors(batch) -> list[str]:
    """The stage guard: every department of the batch within the campaign's bounds."""
    campaign = batch.campaign
    low, high = campaign.key_issues_min, campaign.key_issues_max
    rows = (
        EvaluatedDepartment.objects.filter(batch=batch)
        .select_related("department")
        .annotate(n=Count("key_issues", filter=Q(key_issues__status=KeyIssue.Status.CONFIRMED)))
        .order_by("position", "department__name")
    )
    return [
        f"{ev.department.name}已确定重点整改问题 {ev.n} 个，应为 {low}–{high} 个。"
        for ev in rows
        if not low <= ev.n <= high
    ]


def suggestion_contacts_exported(
    *, campaign: Campaign, actor, rows: int, reason: str = "", filters: str = ""
):
    """Record that `actor` exported `rows` suggestions of `campaign` with the citizens'
    contact details (an "accessed" audit entry: who, when, from where, how many, why)."""
    return audit_access(
        actor=actor,
        target=campaign,
        what="导出意见建议（含联系方式）",
        details={"条数": rows, "理由": reason or "（未填写）", "筛选条件": filters or "（全部）"},
    )
