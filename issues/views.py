"""HTTP for suggestions and key issues: parse, check permission, call a service or selector.

Permissions, all on the server:
- public form, receipt lookup: anyone (rate-limited, honeypot, proof of work);
- deputy form: deputies only, level and district from their profile;
- triage, import, themes, funnel, exports: staff (and admins), scoped to their organizer
  through campaigns.selectors.campaign_for_user (404 outside it);
- key issues: researchers and staff propose and edit; only staff confirm."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from accounts.models import Role
from accounts.permissions import role_required
from campaigns.models import EvaluatedDepartment
from campaigns.selectors import campaign_for_user, public_window
from campaigns.selectors import public_campaign as get_public_campaign
from campaigns.stages import Stage
from core.confirm import Review, confirmed, review_response
from core.exportjobs import export_respond
from core.malformed import whole_number
from core.messages import validation_error_flash
from core.spreadsheets import exported_info

from . import services
from .challenge import challenge_new, challenge_submission_key, challenge_verify
from .exports import funnel_xlsx
from .filters import PER_PAGE_CHOICES, KeyIssueBoardFilter, per_page
from .forms import (
    ContactExportForm,
    DeputySuggestionForm,
    ImportForm,
    KeyIssueForm,
    PublicSuggestionForm,
    RecordForm,
    SuggestionAnswerForm,
    ThemeForm,
    TriageFilterForm,
)
from .importing import ImportFileError, read_rows
from .models import KeyIssue, Suggestion, Tag, Theme
from .selectors import (
    answer_recipients,
    department_funnels,
    deputy_submissions,
    evaluated_departments,
    key_issue_page,
    merge_key_issue_impact,
    merge_losses,
    merge_proposals,
    similar_suggestions,
    suggestion_answers_prefetch,
    suggestion_by_receipt,
    suggestion_by_submission,
    suggestion_triage,
    themes_of_campaign,
    with_key_issue_counts,
)

STAFF = (Role.STAFF, Role.ADMIN)
KEY_ISSUE_EDITORS = (Role.STAFF, Role.ADMIN, Role.RESEARCHER)
# The research group reads the themes (and the suggestions behind them) it builds key issues
# from; only staff change them.
THEME_READERS = KEY_ISSUE_EDITORS
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rate_limited(request: HttpRequest, exception) -> HttpResponse:
    return render(request, "issues/rate_limited.html", status=429)


def _limited(request: HttpRequest, group: str, rates) -> bool:
    return any(
        is_ratelimited(request, group=f"{group}:{rate}", key="ip", rate=rate, increment=True)
        for rate in rates
    )


# -------------------------------------------------------------------------------- public
@require_GET
@never_cache
def challenge(request: HttpRequest) -> JsonResponse:
    """A fresh proof-of-work challenge for the widget (static/vendor/altcha)."""
    if _limited(request, "challenge", ["60/m"]):
        return JsonResponse({"error": "too many requests"}, status=429)
    return JsonResponse(challenge_new())


def _closed(request: HttpRequest, campaign, window, *, action: str) -> HttpResponse:
    """The page shown instead of a public form outside its stage: when it was or will be
    open. A POST is refused with 403 so nothing outside the window is ever accepted."""
    return render(
        request,
        "campaigns/public_closed.html",
        {"campaign": campaign, "window": window, "action": action},
        status=403 if request.method == "POST" else 200,
    )


def public_suggest(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_public_campaign(slug=slug)
    window = public_window(campaign=campaign, stage=Stage.SUGGESTIONS, today=timezone.localdate())
    campaign.suggestion_window = window  # the header links the form while it is open
    if not window.is_open:
        return _closed(request, campaign, window, action="提出意见建议")
    form = PublicSuggestionForm(request.POST or None, campaign=campaign)
    if request.method == "POST":
        # Every attempt counts, accepted or not, so a script cannot probe the form freely.
        if _limited(request, "suggest", settings.SUGGESTION_RATE_LIMITS):
            return rate_limited(request, None)
        if request.POST.get("website"):
            # The honeypot was filled: a bot. Refuse without saying which field gave it away.
            form.add_error(None, "提交未被接受，请刷新页面后重试。")
            return render(
                request,
                "issues/public_suggest.html",
                {"campaign": campaign, "form": form},
                status=400,
            )
        payload = request.POST.get("altcha", "")
        # A second POST of the same solved challenge (a double click, a resent form) is the
        # same submission: show its receipt instead of refusing or storing it twice.
        key = challenge_submission_key(payload)
        earlier = suggestion_by_submission(campaign=campaign, key=key) if key else None
        if earlier is not None:
            return redirect("issues:receipt-detail", receipt=earlier.receipt)
        # The fields are checked even when the challenge fails, so one submit names every
        # problem (the error summary lists them all, the ALTCHA box last).
        form_valid = form.is_valid()
        if not challenge_verify(payload):
            altcha_error = "请先完成“我不是机器人”验证（浏览器需启用 JavaScript）。"
            return render(
                request,
                "issues/public_suggest.html",
                {
                    "campaign": campaign,
                    "form": form,
                    "altcha_error": altcha_error,
                    "altcha_summary": [("altcha-field", f"防刷验证：{altcha_error}")],
                },
                status=400,
            )
        if form_valid:
            suggestion = services.suggestion_submit_public(
                campaign=campaign,
                department=form.cleaned_data["department"],
                source_type=form.cleaned_data["source_type"],
                text=form.cleaned_data["text"],
                contact=form.cleaned_data["contact"],
                submission_key=key,
                notify_me=form.cleaned_data["notify"],
            )
            # Post/redirect/get: reloading the receipt page never re-sends the form.
            return redirect("issues:receipt-detail", receipt=suggestion.receipt)
    return render(request, "issues/public_suggest.html", {"campaign": campaign, "form": form})


@never_cache
def receipt_lookup(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("receipt", "").strip()[:30]
    suggestion = None
    if number:
        if _limited(request, "receipt", ["30/m"]):
            return rate_limited(request, None)
        suggestion = suggestion_by_receipt(receipt=number)
    return render(
        request,
        "issues/receipt.html",
        {"number": number, "suggestion": suggestion, "searched": bool(number)},
    )


@require_GET
@never_cache
def receipt_detail(request: HttpRequest, receipt: str) -> HttpResponse:
    """The receipt at its own address, where the public form redirects after a submission.
    Receipt numbers are random (YJ2021-7KQ4M9TX), and the page shows only the status, never
    the text or the contact, like the lookup."""
    if _limited(request, "receipt", ["30/m"]):
        return rate_limited(request, None)
    suggestion = suggestion_by_receipt(receipt=receipt[:30])
    if suggestion is None:
        raise Http404("没有找到该回执编号")
    return render(
        request,
        "issues/public_thanks.html",
        {"campaign": suggestion.campaign, "suggestion": suggestion},
    )


# -------------------------------------------------------------------------------- deputy
@role_required(Role.DEPUTY)
def deputy_suggest(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_public_campaign(slug=slug)
    form = DeputySuggestionForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        suggestion = services.suggestion_submit_deputy(
            campaign=campaign,
            department=form.cleaned_data["department"],
            text=form.cleaned_data["text"],
            deputy=request.user,
        )
        messages.success(request, f"已提交，回执编号 {suggestion.receipt}。")
        return redirect("issues:deputy-suggest", slug=campaign.slug)
    return render(
        request,
        "issues/deputy_suggest.html",
        {
            "campaign": campaign,
            "form": form,
            "mine": deputy_submissions(deputy=request.user, campaign=campaign),
        },
    )


# --------------------------------------------------------------------------------- staff
def _ids(request: HttpRequest) -> list[int]:
    return [i for i in map(whole_number, request.POST.getlist("ids")) if i is not None]


@role_required(*STAFF)
def triage(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    departments = list(evaluated_departments(campaign=campaign))
    tags = list(Tag.objects.filter(campaign=campaign))
    if request.method == "POST":
        return _bulk_action(request, campaign, departments)
    filters = TriageFilterForm(
        request.GET or None, campaign=campaign, departments=departments, tags=tags
    )
    data = filters.cleaned_data if filters.is_valid() else {}
    suggestions = suggestion_triage(campaign=campaign, filters=data)
    size = per_page(request.GET.get("per_page"))
    page = Paginator(suggestions, size).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    theme = None
    if data.get("theme"):
        theme = Theme.objects.filter(campaign=campaign, pk=data["theme"]).first()
    return render(
        request,
        "issues/triage.html",
        {
            "campaign": campaign,
            "filters": filters,
            "page": page,
            "query": urlencode(query),
            "per_page": size,
            "per_page_choices": PER_PAGE_CHOICES,
            "departments": departments,
            "filter_theme": theme,
            "themes": Theme.objects.filter(campaign=campaign).only("id", "title").order_by("title"),
            "contact_form": ContactExportForm(auto_id="contact-export-%s"),
        },
    )


def _bulk_action(request, campaign, departments) -> HttpResponse:
    ids, action = _ids(request), request.POST.get("action")
    back = request.POST.get("next", "")
    # A path of this site only: redirect() takes anything else ("²") for a view name to
    # reverse, a NoReverseMatch (found by the malformed-input walk).
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        back = reverse("issues:triage", args=[campaign.slug])
    if not ids:
        messages.warning(request, "请先勾选意见建议。")
        return redirect(back)
    by_id = {str(ev.id): ev for ev in departments}
    try:
        if action == "assign":
            department = by_id.get(request.POST.get("target_department", ""))
            n = services.suggestions_assign(
                campaign=campaign, ids=ids, department=department, actor=request.user
            )
            messages.success(request, f"已为 {n} 条意见建议分派部门。")
        elif action == "tag":
            n = services.suggestions_tag(
                campaign=campaign,
                ids=ids,
                name=request.POST.get("tag_name", ""),
                actor=request.user,
            )
            messages.success(request, f"已为 {n} 条意见建议加标签。")
        elif action == "spam":
            n = services.suggestions_mark_spam(campaign=campaign, ids=ids, actor=request.user)
            messages.success(request, f"已将 {n} 条标记为无效信息。")
        elif action == "restore":
            n = services.suggestions_restore(campaign=campaign, ids=ids, actor=request.user)
            messages.success(request, f"已恢复 {n} 条。")
        elif action == "unmerge":
            n = services.suggestions_unmerge(campaign=campaign, ids=ids, actor=request.user)
            messages.success(request, f"已将 {n} 条移出主题。")
        elif action in ("merge", "merge_new"):
            theme = None
            theme_id = whole_number(request.POST.get("theme"))
            if action == "merge" and theme_id is not None:
                theme = get_object_or_404(Theme, campaign=campaign, pk=theme_id)
            losses = merge_losses(campaign=campaign, ids=ids, target=theme)
            move = False
            if losses:
                # Moving suggestions out of a theme changes its count and the public count
                # of the key issues behind it: never silently (core.confirm review).
                payload = {
                    "action": action,
                    "ids": sorted(ids),
                    "theme": theme.pk if theme else None,
                    "title": request.POST.get("title", ""),
                    "moving": sorted(r for loss in losses for r in loss.receipts),
                }
                if not confirmed(request, action="suggestions.merge", payload=payload):
                    return _merge_review(request, campaign, ids, theme, losses, payload, back)
                move = True
            theme = services.suggestions_merge(
                campaign=campaign,
                ids=ids,
                theme=theme,
                title=request.POST.get("title", ""),
                actor=request.user,
                move_from_themes=move,
            )
            messages.success(
                request,
                f"已归并到主题“{theme.title}”。如有误，可在意见建议页面或主题页面移出主题。",
            )
            if request.POST.get("then") == "theme":
                return redirect("issues:theme", slug=campaign.slug, pk=theme.pk)
        elif action == "reject":
            anchor = whole_number(request.POST.get("anchor")) or 0
            n = services.merge_proposal_reject(
                campaign=campaign, suggestion_id=anchor, other_ids=ids, actor=request.user
            )
            messages.success(request, f"已否决 {n} 条相似建议，今后不再推荐。")
        else:
            messages.error(request, "未知操作。")
    except ValidationError as exc:
        validation_error_flash(request, exc)
    return redirect(back)


def _merge_review(request, campaign, ids, theme, losses, payload, back) -> HttpResponse:
    """The review of a merge that moves suggestions out of other themes: which themes and
    key issues lose how many, the safe choice (leave them where they are) first."""
    moving = {r for loss in losses for r in loss.receipts}
    impacts = merge_key_issue_impact(losses=losses, target=theme)
    warnings = [
        f"{'、'.join(loss.receipts)}将移出主题“{loss.theme.title}”："
        f"该主题的意见建议由 {loss.count} 条变为 {loss.after} 条。"
        for loss in losses
    ]
    for impact in impacts:
        where = "公开页面显示的" if impact.public else ""
        state = impact.issue.get_status_display()
        warnings.append(
            f"重点整改问题“{impact.issue.title}”（{impact.issue.department.department.name}，"
            f"{state}）{where}意见建议数由 {impact.before} 条变为 {impact.after} 条。"
        )
    keep = list(
        Suggestion.objects.filter(campaign=campaign, id__in=ids)
        .exclude(receipt__in=moving)
        .values_list("id", flat=True)
    )
    base = [
        (k, v)
        for k in ("action", "theme", "title", "next", "then", "anchor")
        for v in request.POST.getlist(k)
    ]
    alternatives = []
    if keep:
        alternatives.append(
            (f"只归并未归入其他主题的 {len(keep)} 条（推荐）", [*base, *[("ids", i) for i in keep]])
        )
    target = f"主题“{theme.title}”" if theme else f"新主题“{payload['title']}”"
    return review_response(
        request,
        action="suggestions.merge",
        payload=payload,
        review=Review(
            title=f"归并到{target}会移动已归入其他主题的意见建议",
            lead="归并不会删除原件，可以再移出主题；但移动期间各主题和重点整改问题的数字随之改变。",
            warnings=warnings,
            fields=[*base, *[("ids", i) for i in ids]],
            confirm_label=f"移出原主题并归并全部 {len(ids)} 条",
            back_url=back,
            back_label="取消，不归并",
            irreversible=False,
            alternatives=alternatives,
        ),
    )


def _staff_suggestion(campaign, pk: int) -> Suggestion:
    return get_object_or_404(
        Suggestion.objects.select_related(
            "campaign", "department__department", "theme", "district", "submitted_by"
        ).prefetch_related("tags", suggestion_answers_prefetch(with_staff=True)),
        campaign=campaign,
        pk=pk,
    )


def _detail_page(
    request: HttpRequest,
    campaign,
    suggestion: Suggestion,
    *,
    answer_form: SuggestionAnswerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    answers = list(suggestion.answers.all())  # newest version first
    if answer_form is None:
        # A correction starts from the current text: most corrections change a detail.
        initial = {"text": answers[0].text} if answers else None
        answer_form = SuggestionAnswerForm(correcting=bool(answers), initial=initial)
    return render(
        request,
        "issues/suggestion_detail.html",
        {
            "campaign": campaign,
            "suggestion": suggestion,
            "similar": similar_suggestions(suggestion=suggestion),
            "themes": Theme.objects.filter(campaign=campaign).only("id", "title").order_by("title"),
            "answers": answers,
            "answer_form": answer_form,
            "next_version": (answers[0].version if answers else 0) + 1,
        },
        status=status,
    )


@role_required(*STAFF)
def suggestion_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    return _detail_page(request, campaign, _staff_suggestion(campaign, pk))


@require_POST
@role_required(*STAFF)
def suggestion_answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """办理答复 / 更正答复. The answer goes public on the receipt page and out to the deputy
    and the opted-in public, and is never withdrawn: a review first (core.confirm), the
    write on the confirmed second POST. Errors come back on the detail page, per field."""
    campaign = campaign_for_user(user=request.user, slug=slug)
    suggestion = _staff_suggestion(campaign, pk)
    answers = list(suggestion.answers.all())
    form = SuggestionAnswerForm(request.POST, correcting=bool(answers))
    # The version the staff member saw: an answer stored since then is not corrected blind.
    seen = whole_number(request.POST.get("version"))
    if not form.is_valid():
        return _detail_page(request, campaign, suggestion, answer_form=form, status=400)
    text, reason = form.cleaned_data["text"], form.cleaned_data.get("reason", "")
    try:
        version = services.suggestion_answer_check(suggestion=suggestion, text=text, reason=reason)
        if seen != version:
            raise ValidationError("这条意见建议的答复刚被他人更新，请查看最新答复后再提交。")
    except ValidationError as exc:
        form.add_error(None, exc)
        return _detail_page(request, campaign, suggestion, answer_form=form, status=400)
    payload = {"suggestion": suggestion.pk, "version": version, "text": text, "reason": reason}
    if not confirmed(request, action="suggestion.answer", payload=payload):
        return _answer_review(request, campaign, suggestion, answers, payload)
    try:
        services.suggestion_answer(
            suggestion=suggestion, text=text, reason=reason, actor=request.user, version=version
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        suggestion = _staff_suggestion(campaign, pk)  # with the answer stored meanwhile
        return _detail_page(request, campaign, suggestion, answer_form=form, status=400)
    messages.success(
        request,
        f"已发出{'更正后的答复' if version > 1 else '办理答复'}，回执查询页同时显示。",
    )
    return redirect("issues:suggestion", slug=campaign.slug, pk=suggestion.pk)


def _answer_review(request, campaign, suggestion, answers, payload) -> HttpResponse:
    correcting = payload["version"] > 1
    rows = [("回执编号", suggestion.receipt)]
    if correcting:
        rows += [("当前答复", answers[0].text), ("更正理由", payload["reason"])]
    rows += [
        ("更正后的答复" if correcting else "答复内容", payload["text"]),
        ("将告知", "；".join(answer_recipients(suggestion=suggestion))),
    ]
    back = reverse("issues:suggestion", args=[campaign.slug, suggestion.pk])
    return review_response(
        request,
        action="suggestion.answer",
        payload=payload,
        review=Review(
            title=f"{'更正' if correcting else '发出'} {suggestion.receipt} 的办理答复",
            lead=(
                "答复在回执查询页公开（不显示答复人），并通知提出人。发出后不能撤回或修改，"
                "如有错误只能提交更正答复并说明理由，提出人会再次收到通知。"
            ),
            rows=rows,
            fields=[
                ("text", payload["text"]),
                ("reason", payload["reason"]),
                ("version", str(payload["version"])),
            ],
            confirm_label="确认发出更正答复" if correcting else "确认发出答复",
            back_url=back,
            back_label="返回修改，不发出",
        ),
    )


@role_required(*STAFF)
def record(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    form = RecordForm(
        request.POST or None, campaign=campaign, initial={"submitted_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        suggestion = services.suggestion_record(
            campaign=campaign, actor=request.user, **form.cleaned_data
        )
        messages.success(request, f"已录入，回执编号 {suggestion.receipt}。")
        return redirect("issues:record", slug=campaign.slug)
    return render(request, "issues/record.html", {"campaign": campaign, "form": form})


@role_required(*STAFF)
def import_suggestions(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    report, file_error = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = read_rows(upload.name, upload)  # read in bounded pieces, never whole
        except ImportFileError as exc:
            file_error = str(exc)
        else:
            report = services.suggestions_import(campaign=campaign, rows=rows, actor=request.user)
    return render(
        request,
        "issues/import.html",
        {"campaign": campaign, "form": form, "report": report, "file_error": file_error},
        status=400 if file_error or form.errors else 200,
    )


@role_required(*THEME_READERS)
def themes(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    return render(
        request,
        "issues/themes.html",
        {
            "campaign": campaign,
            "themes": themes_of_campaign(campaign=campaign),
            "departments": evaluated_departments(campaign=campaign),
        },
    )


@role_required(*THEME_READERS)
def theme_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    can_edit = request.user.role in STAFF
    if request.method == "POST" and not can_edit:
        raise PermissionDenied("调研组只能查看归并主题，修改由评议办进行。")
    theme = get_object_or_404(
        Theme.objects.select_related("department__department"), campaign=campaign, pk=pk
    )
    form = ThemeForm(request.POST or None, instance=theme, campaign=campaign)
    if request.method == "POST" and request.POST.get("action") == "link":
        issue = get_object_or_404(
            KeyIssue,
            department__campaign=campaign,
            pk=whole_number(request.POST.get("key_issue")) or 0,
        )
        services.key_issue_link_theme(key_issue=issue, theme=theme, actor=request.user)
        messages.success(request, f"已关联到重点整改问题“{issue.title}”。")
        return redirect("issues:theme", slug=slug, pk=pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.theme_update(theme=theme, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "主题已保存。")
            return redirect("issues:theme", slug=slug, pk=pk)
    issues = (
        KeyIssue.objects.filter(department__campaign=campaign)
        .select_related("department__department")
        .order_by("department__batch__number", "department__position", "position")
    )
    return render(
        request,
        "issues/theme_detail.html",
        {
            "campaign": campaign,
            "theme": theme,
            "form": form,
            "members": theme.suggestions.select_related("department__department").order_by(
                "-submitted_on", "-id"
            ),
            "linked": theme.key_issues.select_related("department__department"),
            "key_issues": issues,
            "can_edit": can_edit,
        },
    )


@role_required(*STAFF)
def proposals(request: HttpRequest, slug: str, department: int | None = None) -> HttpResponse:
    """Automatic merge proposals for a whole department (or the unassigned suggestions)."""
    campaign = campaign_for_user(user=request.user, slug=slug)
    evaluated = None
    if department:
        evaluated = get_object_or_404(
            EvaluatedDepartment.objects.select_related("department"),
            campaign=campaign,
            pk=department,
        )
    groups = merge_proposals(campaign=campaign, department=evaluated)
    return render(
        request,
        "issues/proposals.html",
        {
            "campaign": campaign,
            "evaluated": evaluated,
            "groups": groups[:40],
            "group_count": len(groups),
            "departments": evaluated_departments(campaign=campaign),
        },
    )


@role_required(*STAFF)
def funnel(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    rows = department_funnels(campaign=campaign)
    return render(request, "issues/funnel.html", {"campaign": campaign, "rows": rows})


# -------------------------------------------------------------------------------- exports
def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(*STAFF)
def export_suggestions(request: HttpRequest, slug: str, fmt: str = "xlsx") -> HttpResponse:
    """The triage list (its filters in the query string) as a workbook or CSV. GET: without
    the citizens' contact details. POST with 包含联系方式 ticked: with them, audited. More
    than EXPORT_DIRECT_ROWS rows: built in the background, the answer is its progress page."""
    campaign = campaign_for_user(user=request.user, slug=slug)
    departments = list(evaluated_departments(campaign=campaign))
    filters = TriageFilterForm(
        request.GET or None,
        campaign=campaign,
        departments=departments,
        tags=Tag.objects.filter(campaign=campaign),
    )
    data = filters.cleaned_data if filters.is_valid() else {}
    asked = ContactExportForm(request.POST) if request.method == "POST" else None
    include_contact = bool(asked and asked.is_valid())
    params = {
        "campaign_id": campaign.pk,
        "query": request.GET.urlencode(),
        "fmt": fmt,
        "user_id": request.user.pk,
        "include_contact": include_contact,
        "reason": asked.cleaned_data["reason"] if asked is not None and include_contact else "",
    }
    return export_respond(
        builder="issues.exports.suggestions_export",
        params=params,
        rows=suggestion_triage(campaign=campaign, filters=data).count(),
        user=request.user,
        title=f"{campaign.title} · 意见建议" + ("（含联系方式）" if include_contact else ""),
    )


@role_required(*STAFF)
def export_funnel(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    body = funnel_xlsx(department_funnels(campaign=campaign), info=exported_info(campaign.title))
    return _xlsx(body, f"funnel-{campaign.slug}.xlsx")


# ----------------------------------------------------------------------------- key issues
@role_required(*KEY_ISSUE_EDITORS)
def key_issues(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    departments = list(evaluated_departments(campaign=campaign))
    filters = KeyIssueBoardFilter(
        request.GET or None,
        queryset=with_key_issue_counts(evaluated_departments(campaign=campaign)),
        departments=departments,
    )
    board = key_issue_page(departments=filters.qs, issues=filters.shown_issues())
    size = per_page(request.GET.get("per_page"))
    page = Paginator(board, size).get_page(request.GET.get("page"))
    for ev in page:
        ev.in_bounds = campaign.key_issues_min <= ev.n_confirmed <= campaign.key_issues_max
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "issues/key_issues.html",
        {
            "campaign": campaign,
            "filters": filters,
            "page": page,
            "per_page": size,
            "per_page_choices": PER_PAGE_CHOICES,
            "query": urlencode(query),
            "filtered": any(k != "per_page" for k in query),
            "can_confirm": request.user.role in STAFF,
        },
    )


def _department_themes(campaign, evaluated):
    return themes_of_campaign(campaign=campaign).filter(department=evaluated)


@role_required(*KEY_ISSUE_EDITORS)
def key_issue_new(request: HttpRequest, slug: str, department: int) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    evaluated = get_object_or_404(
        EvaluatedDepartment.objects.select_related("department"), campaign=campaign, pk=department
    )
    form = KeyIssueForm(request.POST or None, themes=_department_themes(campaign, evaluated))
    if request.method == "POST" and form.is_valid():
        try:
            services.key_issue_propose(
                department=evaluated, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已提出重点整改问题，待评议办确定。")
            return redirect("issues:key-issues", slug=slug)
    return render(
        request,
        "issues/key_issue_form.html",
        {"campaign": campaign, "evaluated": evaluated, "form": form},
    )


@role_required(*KEY_ISSUE_EDITORS)
def key_issue_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    issue = get_object_or_404(
        KeyIssue.objects.select_related("department__department"),
        department__campaign=campaign,
        pk=pk,
    )
    form = KeyIssueForm(
        request.POST or None, instance=issue, themes=_department_themes(campaign, issue.department)
    )
    if request.method == "POST" and form.is_valid():
        services.key_issue_update(key_issue=issue, actor=request.user, **form.cleaned_data)
        messages.success(request, "已保存。")
        return redirect("issues:key-issues", slug=slug)
    return render(
        request,
        "issues/key_issue_form.html",
        {"campaign": campaign, "evaluated": issue.department, "form": form, "issue": issue},
    )


@require_POST
@role_required(*STAFF)
def key_issue_confirm(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    issue = get_object_or_404(KeyIssue, department__campaign=campaign, pk=pk)
    try:
        with transaction.atomic():
            if request.POST.get("action") == "withdraw":
                services.key_issue_withdraw(key_issue=issue, actor=request.user)
                messages.success(request, f"已撤回“{issue.title}”。")
            else:
                services.key_issue_confirm(key_issue=issue, actor=request.user)
                messages.success(request, f"已确定“{issue.title}”。")
    except ValidationError as exc:
        validation_error_flash(request, exc)
    return redirect("issues:key-issues", slug=slug)
