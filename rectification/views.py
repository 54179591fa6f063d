"""HTTP only: parse, check who may, call a service or selector, render.

Liaisons reach an issue only through `key_issue_for_liaison` (their own department, 404
otherwise); staff only through `campaign_for_user` + `key_issue_for_staff`."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from campaigns.selectors import campaign_for_user, campaigns_for_user, public_campaign
from core.confirm import Review, confirmed, review_response
from core.malformed import slug_or_blank, whole_number
from core.messages import validation_error_flash as _error
from core.messages import validation_error_to_form
from core.publiccache import public_page
from core.spreadsheets import exported_info
from core.upload_handlers import upload_limits
from hotline.selectors import key_issue_trend

from . import selectors, services, status
from .exports import ledger_measures, ledger_scope, ledger_xlsx
from .files import KINDS, SNIFF_BYTES, sniff
from .forms import (
    ActionForm,
    EvidenceForm,
    MeasureForm,
    PlanForm,
    ReboundForm,
    ResolveForm,
    ReturnForm,
    UpdateForm,
    VerdictForm,
    WithdrawForm,
)
from .models import Attachment, Measure, Notice, ProgressUpdate, Rebound, Verdict
from .search import clean_query, public_search
from .status import AT_RISK_DAYS, CSS, LABELS

STAFF = (Role.STAFF, Role.ADMIN)


# ---------------------------------------------------------------------------- public
@public_page
def board(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = public_campaign(slug=slug)
    params = {k: request.GET.get(k, "") for k in ("batch", "department", "status")}
    params["department"] = slug_or_blank(params["department"])
    rows = selectors.public_board(
        campaign=campaign,
        today=timezone.localdate(),
        batch=params["batch"],
        department=params["department"],
        state=params["status"],
    )
    departments = [ev for b in campaign.batches.all() for ev in b.evaluated.all()]
    return render(
        request,
        "rectification/board.html",
        {
            "campaign": campaign,
            "rows": rows,
            "counts": [
                (label, CSS[code], sum(r.badge.code == code for r in rows if r.version))
                for code, label in LABELS.items()
            ],
            "params": params,
            "departments": departments,
            "statuses": [*LABELS.items(), ("rebound", "反弹跟踪")],
        },
    )


@require_GET
def search(request: HttpRequest, slug: str) -> HttpResponse:
    """Search the campaign's public key issues, measures and published progress (`?q=`)."""
    campaign = public_campaign(slug=slug)
    query = clean_query(request.GET.get("q", ""))
    hits = public_search(campaign=campaign, query=query) if query else []
    return render(
        request,
        "rectification/search.html",
        {"campaign": campaign, "search_query": query, "hits": hits},
    )


@public_page
def issue(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    progress = selectors.public_issue_progress(
        campaign_slug=slug, pk=pk, today=timezone.localdate()
    )
    campaign = progress.issue.department.campaign
    hotline_trend = key_issue_trend(
        department_id=progress.issue.department.department_id,
        categories=progress.issue.hotline_category_list,
        start=campaign.evaluation_start,
        end=campaign.evaluation_end,
    )
    return render(
        request,
        "rectification/issue.html",
        {"p": progress, "campaign": campaign, "hotline_trend": hotline_trend},
    )


def _may_see_unpublished(user, attachment: Attachment) -> bool:
    issue = attachment.update.plan.key_issue
    if user.is_authenticated and user.role == Role.LIAISON:
        return user.department_id == issue.department.department_id
    if user.is_authenticated and user.role in STAFF:
        return campaigns_for_user(user=user).filter(pk=issue.department.campaign_id).exists()
    return False


def attachment_file(request: HttpRequest, pk: int, thumb: bool = False) -> FileResponse:
    """Attachments of published updates are public; others only for the department's
    liaison and the organizer's staff. Anyone else gets 404 (not even that it exists)."""
    att = get_object_or_404(
        Attachment.objects.select_related("update__plan__key_issue__department"), pk=pk
    )
    if att.update.state != ProgressUpdate.State.PUBLISHED and not _may_see_unpublished(
        request.user, att
    ):
        raise Http404("附件不存在或尚未公开")
    stored = att.thumbnail if thumb and att.thumbnail else att.file
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404("附件文件不存在") from exc
    # Served by what the stored bytes are, never by a name: an attachment stored before
    # uploads were sniffed, under "photo.html", still goes out as the image it is.
    kind = sniff(handle.read(SNIFF_BYTES))
    handle.seek(0)
    extension, content_type = KINDS.get(kind or "", ("bin", "application/octet-stream"))
    stem = Path(att.original_name).stem[:100] or "附件"
    inline = kind in ("JPEG", "PNG", "WEBP")
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=not inline,
        filename=f"{stem}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Nothing in an attachment may run as a page of this site (a PDF's script included).
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --------------------------------------------------------------------------- liaison
@role_required(Role.LIAISON)
def liaison_home(request: HttpRequest) -> HttpResponse:
    notices = Notice.objects.filter(recipient=request.user).order_by("-created_at", "-id")[:20]
    today = timezone.localdate()
    # ?show=returned|due: the rows the workspace inbox counts (accounts/workspace_liaison).
    show = request.GET.get("show", "")
    returned = due = None
    if show == "returned":
        returned = selectors.liaison_returned_updates(user=request.user)
    elif show == "due":
        due = [
            (m, status.measure_status(deadline=m.deadline, state=m.state, today=today),
             (m.deadline - today).days)
            for m in selectors.liaison_due_measures(user=request.user, today=today)
        ]  # fmt: skip
    return render(
        request,
        "rectification/liaison_home.html",
        {
            "rows": selectors.liaison_issues(user=request.user, today=today),
            "notices": notices,
            "unread_notices": selectors.unread_notice_count(user=request.user),
            "notices_markable": True,
            "department": request.user.department,
            "show": show,
            "returned": returned,
            "due": due,
            "at_risk_days": AT_RISK_DAYS,
        },
    )


@require_POST
@role_required(Role.LIAISON)
def liaison_notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    # Another user's reminder answers 404: its id says nothing.
    notice = get_object_or_404(Notice, pk=pk, recipient=request.user)
    services.notice_mark_read(notice=notice, actor=request.user)
    messages.success(request, "提醒已标记为已读。")
    return redirect(f"{reverse('rectification:liaison')}#notices")


@require_POST
@role_required(Role.LIAISON)
def liaison_notices_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notices_mark_all_read(actor=request.user)
    messages.success(request, f"已将 {count} 条提醒标记为已读。" if count else "没有未读提醒。")
    return redirect(f"{reverse('rectification:liaison')}#notices")


@role_required(Role.LIAISON)
def liaison_issue(request: HttpRequest, pk: int) -> HttpResponse:
    issue = selectors.key_issue_for_liaison(user=request.user, pk=pk)
    plan = services.plan_get_or_create(key_issue=issue)
    return _liaison_issue_page(request, issue, plan)


def _liaison_issue_page(
    request, issue, plan, *, status: int = 200, failed=None, **bound
) -> HttpResponse:
    """The liaison's page of one key issue. After a failed submit the page is shown again
    (status 400) with the form that failed bound: its error summary takes focus and names
    every field to fix, what was typed is kept, and every other form keeps its state (issue
    19). `bound` replaces a page-wide form (plan, new measure, progress, submit); `failed` is
    (measure id, action, form) for a form in one measure's row: "done", "edit", "withdraw"
    or "delete"."""
    progress = selectors.workspace_issue(issue=issue, today=timezone.localdate())
    measures = list(progress.plan.measures.all())
    reported = selectors.reported_measure_ids(plan=plan)
    removal_allowed = issue.department.batch.stage in services.MEASURE_REMOVAL_STAGES
    failed_pk, failed_action, failed_form = failed or (None, "", None)
    rows = []
    for m in measures:
        # Nothing reported against it yet: deleting it is allowed (see services).
        deletable = (
            m.state == Measure.State.NOT_STARTED
            and m.current_value is None
            and m.pk not in reported
        )
        action = failed_action if m.pk == failed_pk else ""
        forms = {
            "done": EvidenceForm(auto_id=f"ev{m.pk}_%s"),
            "edit": MeasureForm(instance=m, prefix="m", auto_id=f"m{m.pk}_%s"),
            "withdraw": WithdrawForm(auto_id=f"wd{m.pk}_%s"),
        }
        if action:
            forms[action] = failed_form
        shown = {
            "done": m.is_open,
            "edit": m.state != Measure.State.WITHDRAWN,
            "withdraw": removal_allowed and m.is_open and not deletable,
            "delete": False,  # a bare button: its summary stands at the top of the cell
        }
        rows.append(
            {
                "m": m,
                "deletable": deletable,
                "open": action,
                # A refusal whose form is not on the page (the measure changed meanwhile,
                # or a delete) is summarised at the top of the row's actions.
                "loose": failed_form if action and not shown[action] else None,
                **{f"{name}_form": form for name, form in forms.items()},
            }
        )
    return render(
        request,
        "rectification/liaison_issue.html",
        {
            "p": progress,
            "plan": plan,
            "measures": rows,
            "removal_allowed": removal_allowed,
            "campaign": issue.department.campaign,
            "plan_form": PlanForm(initial={"goals": plan.goals, "deadline": plan.deadline}),
            "measure_form": MeasureForm(prefix="m"),
            "update_form": UpdateForm(measures=[m for m in measures if not m.is_withdrawn]),
            "submit_form": None,
            **bound,
        },
        status=status,
    )


def _refused(form, exc: ValidationError):
    """`form`, validated, with the service's refusal added to it (field or summary)."""
    form.is_valid()
    validation_error_to_form(form, exc)
    return form


def _liaison_plan(request, pk):
    issue = selectors.key_issue_for_liaison(user=request.user, pk=pk)
    return issue, services.plan_get_or_create(key_issue=issue)


@require_POST
@role_required(Role.LIAISON)
def liaison_plan(request: HttpRequest, pk: int) -> HttpResponse:
    issue, plan = _liaison_plan(request, pk)
    form = PlanForm(request.POST)
    if not form.is_valid():
        return _liaison_issue_page(request, issue, plan, plan_form=form, status=400)
    services.plan_update(plan=plan, actor=request.user, **form.cleaned_data)
    messages.success(request, "整改目标和完成时限已保存。")
    return redirect("rectification:liaison-issue", pk=issue.pk)


@require_POST
@role_required(Role.LIAISON)
def liaison_measure(request: HttpRequest, pk: int, measure: int | None = None) -> HttpResponse:
    issue, plan = _liaison_plan(request, pk)
    instance = get_object_or_404(Measure, pk=measure, plan=plan) if measure else None
    # An existing measure's form carries its own ids (several forms on one page).
    ids = {"auto_id": f"m{instance.pk}_%s"} if instance else {}
    form = MeasureForm(request.POST, instance=instance, prefix="m", **ids)
    if form.is_valid():
        try:
            services.measure_save(
                plan=plan, actor=request.user, measure=instance, **form.cleaned_data
            )
            messages.success(request, "整改措施已保存。")
            return redirect("rectification:liaison-issue", pk=issue.pk)
        except ValidationError as exc:
            validation_error_to_form(form, exc)
    if instance is None:
        return _liaison_issue_page(request, issue, plan, measure_form=form, status=400)
    return _liaison_issue_page(request, issue, plan, failed=(instance.pk, "edit", form), status=400)


@require_POST
@role_required(Role.LIAISON)
def liaison_measure_done(request: HttpRequest, pk: int, measure: int) -> HttpResponse:
    issue, plan = _liaison_plan(request, pk)
    target = get_object_or_404(Measure, pk=measure, plan=plan)
    form = EvidenceForm(request.POST, auto_id=f"ev{target.pk}_%s")
    if form.is_valid():
        try:
            services.measure_mark_done(
                measure=target, actor=request.user, evidence=form.cleaned_data["evidence"]
            )
            messages.success(request, "已标记为完成，待评议办销号。")
            return redirect("rectification:liaison-issue", pk=issue.pk)
        except ValidationError as exc:
            validation_error_to_form(form, exc)
    return _liaison_issue_page(request, issue, plan, failed=(target.pk, "done", form), status=400)


def _liaison_issue_url(issue) -> str:
    return reverse("rectification:liaison-issue", kwargs={"pk": issue.pk})


@require_POST
@role_required(Role.LIAISON)
def liaison_measure_delete(request: HttpRequest, pk: int, measure: int) -> HttpResponse:
    # Deleting cannot be undone: a review first, the write on the confirmed second POST.
    issue, plan = _liaison_plan(request, pk)
    target = get_object_or_404(Measure, pk=measure, plan=plan)
    payload = {"measure": target.pk, "title": target.title, "state": target.state}
    try:
        services.measure_check_deletable(measure=target)
        if not confirmed(request, action="measure.delete", payload=payload):
            return review_response(
                request,
                action="measure.delete",
                payload=payload,
                review=Review(
                    title=f"删除整改措施：{target.title}",
                    lead=(
                        f"“{issue.title}”的这项整改措施将被删除，删除后不能恢复。"
                        "已公开的承诺版本保持不变；评议办再次公开方案时，变更记录会写明删除了该措施。"
                    ),
                    rows=[
                        ("措施", target.title),
                        (
                            "责任单位 / 责任人",
                            f"{target.responsible_unit} / {target.responsible_person}",
                        ),
                        ("完成时限", f"{target.deadline:%Y-%m-%d}"),
                    ],
                    confirm_label="确认删除",
                    back_url=_liaison_issue_url(issue),
                    back_label="返回，不删除",
                ),
            )
        services.measure_delete(measure=target, actor=request.user)
    except ValidationError as exc:
        form = _refused(ActionForm(request.POST, prefix=f"del{target.pk}"), exc)
        return _liaison_issue_page(
            request, issue, plan, failed=(target.pk, "delete", form), status=400
        )
    messages.success(request, f"整改措施“{target.title}”已删除。")
    return redirect("rectification:liaison-issue", pk=issue.pk)


@require_POST
@role_required(Role.LIAISON)
def liaison_measure_withdraw(request: HttpRequest, pk: int, measure: int) -> HttpResponse:
    # Withdrawing cannot be undone either; a missing reason is refused before the review.
    issue, plan = _liaison_plan(request, pk)
    target = get_object_or_404(Measure, pk=measure, plan=plan)
    form = WithdrawForm(request.POST, auto_id=f"wd{target.pk}_%s")
    if not form.is_valid():
        return _liaison_issue_page(
            request, issue, plan, failed=(target.pk, "withdraw", form), status=400
        )
    reason = form.cleaned_data["reason"].strip()
    payload = {"measure": target.pk, "state": target.state, "reason": reason}
    try:
        services.measure_check_withdrawable(measure=target, reason=reason)
        if not confirmed(request, action="measure.withdraw", payload=payload):
            return review_response(
                request,
                action="measure.withdraw",
                payload=payload,
                review=Review(
                    title=f"撤回整改措施：{target.title}",
                    lead=(
                        f"“{issue.title}”的这项整改措施将标记为已撤回，撤回后不能恢复。"
                        "措施和已公开的进展仍然保留，公开页面显示“已撤回”和撤回理由。"
                    ),
                    rows=[
                        ("措施", target.title),
                        ("当前状态", target.get_state_display()),
                        ("撤回理由", reason),
                    ],
                    fields=[("reason", reason)],
                    confirm_label="确认撤回",
                    back_url=_liaison_issue_url(issue),
                    back_label="返回，不撤回",
                ),
            )
        services.measure_withdraw(measure=target, actor=request.user, reason=reason)
    except ValidationError as exc:
        validation_error_to_form(form, exc)
        return _liaison_issue_page(
            request, issue, plan, failed=(target.pk, "withdraw", form), status=400
        )
    messages.success(request, f"整改措施“{target.title}”已撤回。")
    return redirect("rectification:liaison-issue", pk=issue.pk)


@require_POST
@role_required(Role.LIAISON)
def liaison_submit(request: HttpRequest, pk: int) -> HttpResponse:
    issue, plan = _liaison_plan(request, pk)
    try:
        services.plan_submit(plan=plan, actor=request.user)
    except ValidationError as exc:
        form = _refused(ActionForm(request.POST, prefix="submit"), exc)
        return _liaison_issue_page(request, issue, plan, submit_form=form, status=400)
    messages.success(request, "整改方案已提交评议办审核。")
    return redirect("rectification:liaison-issue", pk=issue.pk)


@upload_limits(per_file=services.attachment_max_bytes, per_request=services.attachments_max_total)
@require_POST
@role_required(Role.LIAISON)
def liaison_update(request: HttpRequest, pk: int) -> HttpResponse:
    issue, plan = _liaison_plan(request, pk)
    form = UpdateForm(
        request.POST, request.FILES, measures=plan.measures.exclude(state=Measure.State.WITHDRAWN)
    )
    if not form.is_valid():
        return _liaison_issue_page(request, issue, plan, update_form=form, status=400)
    try:
        services.update_create(
            plan=plan,
            actor=request.user,
            text=form.cleaned_data["text"],
            percent=form.cleaned_data["percent"],
            values=form.values(),
            files=[(f.name, f) for f in form.cleaned_data["files"]],
            caption=form.cleaned_data["caption"],
        )
    except ValidationError as exc:
        # A refused file, a plan not yet public: listed in the error summary; the text typed
        # is kept (files must be chosen again: browsers never refill a file field).
        form.add_error(None, exc)
        return _liaison_issue_page(request, issue, plan, update_form=form, status=400)
    messages.success(request, "整改进展已报送，评议办审核后公开。")
    return redirect("rectification:liaison-issue", pk=issue.pk)


# ----------------------------------------------------------------------------- staff
@role_required(*STAFF)
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    data = selectors.staff_dashboard(
        campaign=campaign,
        user=request.user,
        today=timezone.localdate(),
        silent_days=settings.RECTIFICATION_SILENT_DAYS,
    )
    return render(
        request,
        "rectification/dashboard.html",
        {
            "campaign": campaign,
            "d": data,
            "silent_days": settings.RECTIFICATION_SILENT_DAYS,
            "batches": campaign.batches.all(),
        },
    )


def _staff_issue(request, slug, pk):
    campaign = campaign_for_user(user=request.user, slug=slug)
    return campaign, selectors.key_issue_for_staff(campaign=campaign, pk=pk)


@role_required(*STAFF)
def staff_issue(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign, issue = _staff_issue(request, slug, pk)
    services.plan_get_or_create(key_issue=issue)
    progress = selectors.workspace_issue(issue=issue, today=timezone.localdate())
    return render(
        request,
        "rectification/staff_issue.html",
        {
            "p": progress,
            "campaign": campaign,
            "measures": list(progress.plan.measures.all()),
            "history": selectors.issue_history(issue=issue),
            "return_form": ReturnForm(),
            "verdict_form": VerdictForm(),
            "rebound_form": ReboundForm(),
            "resolve_form": ResolveForm(),
        },
    )


def _issue_url(campaign, issue) -> str:
    return reverse("rectification:staff-issue", kwargs={"slug": campaign.slug, "pk": issue.pk})


def _staff_action(request, slug, pk, action) -> HttpResponse:
    campaign, issue = _staff_issue(request, slug, pk)
    try:
        done = action(issue)
        if done:
            messages.success(request, done)
    except ValidationError as exc:
        _error(request, exc)
    return redirect("rectification:staff-issue", slug=campaign.slug, pk=issue.pk)


@require_POST
@role_required(*STAFF)
def staff_publish_plan(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def act(issue):
        version = services.plan_publish(plan=issue.plan, actor=request.user)
        return f"已公开第{version.number}版整改承诺。"

    return _staff_action(request, slug, pk, act)


@require_POST
@role_required(*STAFF)
def staff_return_plan(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def act(issue):
        form = ReturnForm(request.POST)
        if not form.is_valid():
            raise ValidationError("退回时请写明理由。")
        services.plan_return(
            plan=issue.plan, actor=request.user, reason=form.cleaned_data["reason"]
        )
        return "整改方案已退回联络员修改。"

    return _staff_action(request, slug, pk, act)


@require_POST
@role_required(*STAFF)
def staff_review_update(request: HttpRequest, slug: str, pk: int, update: int) -> HttpResponse:
    def act(issue):
        target = get_object_or_404(ProgressUpdate, pk=update, plan__key_issue=issue)
        if request.POST.get("decision") == "publish":
            services.update_publish(update=target, actor=request.user)
            return "进展已公开。"
        form = ReturnForm(request.POST)
        if not form.is_valid():
            raise ValidationError("退回时请写明理由。")
        services.update_return(
            update=target, actor=request.user, reason=form.cleaned_data["reason"]
        )
        return "进展已退回联络员。"

    return _staff_action(request, slug, pk, act)


@require_POST
@role_required(*STAFF)
def staff_close_measure(request: HttpRequest, slug: str, pk: int, measure: int) -> HttpResponse:
    # 销号 cannot be undone: review first, write on the confirmed second POST (core.confirm).
    campaign, issue = _staff_issue(request, slug, pk)
    target = get_object_or_404(Measure, pk=measure, plan__key_issue=issue)
    payload = {"measure": target.pk, "state": target.state}
    if target.state == Measure.State.DONE and not confirmed(
        request, action="measure.close", payload=payload
    ):
        return review_response(
            request,
            action="measure.close",
            payload=payload,
            review=Review(
                title=f"销号：{target.title}",
                lead=f"“{issue.title}”的这项整改措施将记为已销号，销号后不能撤销。",
                rows=[
                    ("措施", target.title),
                    ("部门报告的完成情况", target.evidence or "（未填写）"),
                ],
                confirm_label="确认销号",
                back_url=_issue_url(campaign, issue),
                back_label="返回，不执行",
            ),
        )

    def act(issue):
        services.measure_close(measure=target, actor=request.user)
        return "措施已销号。"

    return _staff_action(request, slug, pk, act)


@require_POST
@role_required(*STAFF)
def staff_verdict(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    # A verdict is kept for good (one per round): review it first (core.confirm).
    campaign, issue = _staff_issue(request, slug, pk)
    form = VerdictForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        payload = {"issue": issue.pk, **{k: str(v or "") for k, v in data.items()}}
        if not confirmed(request, action="verdict.record", payload=payload):
            not_satisfied = data["result"] == Verdict.Result.NOT_SATISFIED
            rows = [("评议意见", Verdict.Result(data["result"]).label)]
            if not_satisfied:
                rows.append(("重新整改完成时限", str(data["new_deadline"] or "（未填写）")))
            rows.append(("常委会意见", data["remarks"] or "（无）"))
            return review_response(
                request,
                action="verdict.record",
                payload=payload,
                review=Review(
                    title=f"记录评议意见：{issue.title}",
                    lead=(
                        "不满意的，整改进入下一轮，新的完成时限作为新版整改承诺公开。"
                        if not_satisfied
                        else "满意的，该问题整改评议结束。"
                    )
                    + "评议意见记录后不能撤销。",
                    rows=rows,
                    fields=[(k, "" if v is None else str(v)) for k, v in data.items()],
                    confirm_label="确认记录评议意见",
                    back_url=_issue_url(campaign, issue),
                    back_label="返回，不执行",
                ),
            )

    def act(issue):
        if not form.is_valid():
            raise ValidationError("请选择评议意见。")
        verdict = services.verdict_record(key_issue=issue, actor=request.user, **form.cleaned_data)
        return f"已记录评议意见：{verdict.get_result_display()}。"

    return _staff_action(request, slug, pk, act)


@require_POST
@role_required(*STAFF)
def staff_rebound(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def act(issue):
        form = ReboundForm(request.POST)
        if not form.is_valid():
            raise ValidationError("请写明反弹依据。")
        services.rebound_flag(key_issue=issue, actor=request.user, **form.cleaned_data)
        return "已标记反弹，列入跟踪问效。"

    return _staff_action(request, slug, pk, act)


@require_POST
@role_required(*STAFF)
def staff_resolve(request: HttpRequest, slug: str, pk: int, rebound: int) -> HttpResponse:
    def act(issue):
        target = get_object_or_404(Rebound, pk=rebound, key_issue=issue)
        form = ResolveForm(request.POST)
        if not form.is_valid():
            raise ValidationError("请写明解决情况。")
        services.rebound_resolve(rebound=target, actor=request.user, **form.cleaned_data)
        return "反弹问题已解决。"

    return _staff_action(request, slug, pk, act)


@role_required(*STAFF)
def export_ledger(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    batch = whole_number(request.GET.get("batch"))
    department = slug_or_blank(request.GET.get("department"))
    measures = ledger_measures(campaign=campaign, batch=batch, department=department)
    info = exported_info(ledger_scope(campaign=campaign, batch=batch, department=department))
    data = ledger_xlsx(measures, today=timezone.localdate(), info=info)
    suffix = f"-batch{batch}" if batch is not None else ""
    suffix += f"-{department}" if department else ""
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="ledger-{campaign.slug}{suffix}.xlsx"'
    return response
