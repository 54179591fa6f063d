"""Staff pages of the hotline: upload and follow an import, its report, aliases, and the
analytics of a campaign and of a department. HTTP only: selectors and services do the work."""

import datetime as dt

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from campaigns.models import EvaluatedDepartment
from campaigns.selectors import campaign_for_user, campaigns_for_user
from core.exportjobs import export_respond
from core.spreadsheets import (
    exported_info,
)
from core.upload_handlers import upload_limits

from . import conf, selectors
from .exports import department_analytics_xlsx, department_records
from .forms import AliasForm, ImportUploadForm
from .models import AliasChange, ImportBatch
from .services import (
    AliasError,
    department_alias_add,
    department_alias_undo,
    import_batch_upload,
)
from .tasks import import_batch_task

staff_only = role_required(Role.STAFF, Role.ADMIN)


@upload_limits(per_file=conf.upload_max_bytes)
@staff_only
def import_list(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            batch = import_batch_upload(
                upload=form.cleaned_data["file"],
                source_name=form.cleaned_data["source"],
                sheet=form.cleaned_data["sheet"],
                actor=request.user,
            )
            transaction.on_commit(lambda: import_batch_task.delay(batch.pk))
        return redirect("hotline:import", pk=batch.pk)
    batches = list(selectors.batches_for_user(user=request.user)[:50])
    campaigns = campaigns_for_user(user=request.user)
    alias_changes = selectors.alias_changes_for_user(user=request.user)[:20]
    # ?unmatched=1: every name still matching no department (the staff inbox's count), with
    # the alias form; the alias applies to all tickets, whichever import brought the name.
    unmatched = None
    if request.GET.get("unmatched") == "1":
        unmatched = list(selectors.unmatched_names_for_user(user=request.user))
    return render(
        request,
        "hotline/import_list.html",
        {
            "form": form,
            "batches": batches,
            "campaigns": campaigns,
            "alias_changes": alias_changes,
            "alias_change": _alias_change_shown(request),
            "unmatched": unmatched,
            "alias_form": AliasForm(departments=selectors.departments_for_user(user=request.user))
            if unmatched
            else None,
        },
    )


def _batch_or_404(request: HttpRequest, pk: int) -> ImportBatch:
    """A batch of the user's committee (admins: any); another committee's is a 404."""
    return get_object_or_404(selectors.batches_for_user(user=request.user), pk=pk)


def _progress_context(batch: ImportBatch, user) -> dict:
    end = batch.finished_at or timezone.now()
    elapsed = (end - batch.started_at).total_seconds() if batch.started_at else 0
    percent = 100 if batch.finished else (
        min(99, int(100 * batch.done / batch.total)) if batch.total else 0
    )  # fmt: skip
    return {
        "batch": batch,
        "elapsed": f"{int(elapsed // 60)} 分 {int(elapsed % 60)} 秒",
        "percent": percent,
        "unmatched": selectors.unmatched_status(batch) if batch.finished else [],
        "alias_form": AliasForm(departments=selectors.departments_for_user(user=user)),
        "error_preview": list(batch.row_errors.all()[:20]) if batch.finished else [],
    }


@staff_only
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    context = _progress_context(batch, request.user)
    context["alias_change"] = _alias_change_shown(request)
    return render(request, "hotline/import_detail.html", context)


@staff_only
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress card alone, polled by htmx every second until the batch is finished."""
    batch = _batch_or_404(request, pk)
    return render(request, "hotline/_import_progress.html", _progress_context(batch, request.user))


@staff_only
def import_errors(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The rejected rows as CSV (UTF-8 with BOM, so Excel opens it) or XLSX: at once up to
    EXPORT_DIRECT_ROWS rows, else built in the background (the answer is its progress page)."""
    if fmt not in ("xlsx", "csv"):
        raise Http404("只能导出 xlsx 或 csv")
    batch = _batch_or_404(request, pk)
    return export_respond(
        builder="hotline.exports.rejected_rows_export",
        params={"batch_id": batch.pk, "fmt": fmt},
        rows=batch.row_errors.count(),
        user=request.user,
        title=f"导入批次 {batch.pk} · {batch.file_name} · 被拒绝的行",
    )


def _alias_change_shown(request: HttpRequest) -> AliasChange | None:
    """The alias change named by ?alias=<id> (just added or undone), if the user sees it."""
    pk = request.GET.get("alias", "")
    if not pk.isdigit():
        return None
    return selectors.alias_changes_for_user(user=request.user).filter(pk=int(pk)).first()


@staff_only
@require_POST
def alias_add(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    form = AliasForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择要归入的部门。")
        return redirect("hotline:import", pk=batch.pk)
    department = form.cleaned_data["department"]
    try:
        change = department_alias_add(
            department=department, name=form.cleaned_data["name"], actor=request.user
        )
    except AliasError as exc:
        messages.error(request, str(exc))
        return redirect("hotline:import", pk=batch.pk)
    # The re-match runs in the background (a Celery job): the page answers at once and
    # shows its progress.
    messages.success(
        request,
        f"已将“{change.name}”设为{department.short_name}的别名，正在后台重新匹配工单。",
    )
    return redirect(f"{reverse('hotline:import', args=[batch.pk])}?alias={change.pk}")


@staff_only
@require_POST
def alias_undo(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(
        selectors.alias_changes_for_user(user=request.user),
        pk=pk,
        action=AliasChange.Action.ADD,
    )
    try:
        undo = department_alias_undo(change=change, actor=request.user)
    except AliasError as exc:
        messages.error(request, str(exc))
        return redirect("hotline:imports")
    messages.success(
        request,
        f"已撤销“{change.name}”（{change.department.short_name}）的别名，"
        "正在后台恢复工单原来的匹配并重新计算统计。",
    )
    return redirect(f"{reverse('hotline:imports')}?alias={undo.pk}")


@staff_only
def alias_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress card of an alias re-match alone, polled by htmx until it is done."""
    change = get_object_or_404(selectors.alias_changes_for_user(user=request.user), pk=pk)
    return render(request, "hotline/_alias_progress.html", {"change": change})


@staff_only
def department_analytics(request: HttpRequest, slug: str, department_slug: str) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    evaluated = get_object_or_404(
        EvaluatedDepartment.objects.select_related("department", "batch"),
        campaign=campaign,
        department__slug=department_slug,
    )
    context = department_panel(
        department_id=evaluated.department_id,
        start=campaign.evaluation_start,
        end=campaign.evaluation_end,
    )
    context.update({"campaign": campaign, "department": evaluated.department})
    return render(request, "hotline/department_analytics.html", context)


@staff_only
def department_analytics_export(
    request: HttpRequest, slug: str, department_slug: str
) -> HttpResponse:
    """The department's analytics page as a workbook (hotline/exports.py)."""
    campaign = campaign_for_user(user=request.user, slug=slug)
    evaluated = get_object_or_404(
        EvaluatedDepartment.objects.select_related("department"),
        campaign=campaign,
        department__slug=department_slug,
    )
    start, end = campaign.evaluation_start, campaign.evaluation_end
    info = exported_info(
        f"{campaign.title} · {evaluated.department.name} · 12345热线",
        frozen=f"评价期 {start:%Y-%m-%d} 至 {end:%Y-%m-%d}",
    )
    body = department_analytics_xlsx(
        department_id=evaluated.department_id, start=start, end=end, info=info
    )
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"hotline-{campaign.slug}-{evaluated.department.slug}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_only
def department_records_export(
    request: HttpRequest, slug: str, department_slug: str, fmt: str
) -> HttpResponse:
    """The department's tickets of the evaluation period as .xlsx or .csv: at once up to
    EXPORT_DIRECT_ROWS rows, else built in the background (the answer is its progress page)."""
    if fmt not in ("xlsx", "csv"):
        raise Http404("只能导出 xlsx 或 csv")
    campaign = campaign_for_user(user=request.user, slug=slug)
    evaluated = get_object_or_404(
        EvaluatedDepartment.objects.select_related("department"),
        campaign=campaign,
        department__slug=department_slug,
    )
    records = department_records(
        department_id=evaluated.department_id,
        start=campaign.evaluation_start,
        end=campaign.evaluation_end,
    )
    return export_respond(
        builder="hotline.exports.department_records_export",
        params={"evaluated_id": evaluated.pk, "fmt": fmt},
        rows=records.count(),
        user=request.user,
        title=f"{campaign.title} · {evaluated.department.name} · 12345热线工单",
    )


def department_panel(*, department_id: int, start: dt.date, end: dt.date) -> dict:
    """Figures and chart data of one department's window (also used by the public page)."""
    monthly = selectors.department_monthly(department_id=department_id, start=start, end=end)
    categories = selectors.department_top_categories(
        department_id=department_id, start=start, end=end, limit=8
    )
    districts = selectors.department_districts(department_id=department_id, start=start, end=end)
    return {
        "summary": selectors.department_summary(department_id=department_id, start=start, end=end),
        "monthly": monthly,
        "categories": categories,
        "districts": districts,
        "start": start,
        "end": end,
        "chart_monthly": selectors.chart_data_monthly(monthly),
        "chart_categories": {
            "labels": [c["name"] for c in categories],
            "values": [c["total"] for c in categories],
        },
        "chart_districts": {
            "labels": [d["name"] for d in districts],
            "values": [d["total"] for d in districts],
        },
    }
