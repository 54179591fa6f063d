"""Staff pages of the hotline: upload and follow an import, its report, aliases, and the
analytics of a campaign and of a department. HTTP only: selectors and services do the work."""

import csv
import datetime as dt
import io

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from campaigns.models import EvaluatedDepartment
from campaigns.selectors import campaign_for_user, campaigns_for_user
from core.spreadsheets import (
    INTEGER,
    Sheet,
    exported_info,
    safe_cell,
    safe_text,
    workbook_bytes,
)
from core.upload_handlers import upload_limits

from . import conf, selectors
from .exports import department_analytics_xlsx
from .forms import AliasForm, ImportUploadForm
from .importing.parsing import FileError, map_header, rejected_cells
from .models import AliasChange, ImportBatch, ImportRowError
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


def _header_columns(header: list) -> dict[str, int]:
    """Field → column of a batch's stored header ({} when it no longer maps)."""
    try:
        return map_header(header).columns
    except FileError:
        return {}


def _shown_cells(raw: list, columns: dict[str, int]) -> list:
    """A rejected row's cells with phone numbers masked. They are masked when kept; again
    here for rows kept before typed-in numbers were. A repeated ticket keeps only its number."""
    return rejected_cells(raw, columns) if len(raw) > 1 else raw


@staff_only
def import_errors(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The rejected rows as CSV (UTF-8 with BOM, so Excel opens it) or XLSX."""
    batch = _batch_or_404(request, pk)
    rows = ImportRowError.objects.filter(batch=batch).order_by("row_number")
    # The file's own header after row number and reason: staff fix the rows, delete the
    # first two columns and import the file again.
    header = ["行号", "原因", *(batch.header or ["原始内容"])]
    columns = _header_columns(batch.header or [])
    filename = f"hotline-batch-{batch.pk}-rejected.{fmt}"
    if fmt == "xlsx":
        title = f"{batch.source.name} · 导入批次 {batch.pk} · {batch.file_name}"
        body = workbook_bytes(
            [
                Sheet(
                    "被拒绝的行",
                    header,
                    (
                        [error.row_number, error.reason, *_shown_cells(error.raw, columns)]
                        for error in rows.iterator(chunk_size=2000)
                    ),
                    [0, 30],
                    {0: INTEGER},
                )
            ],
            exported_info(title),
        )
        response = HttpResponse(
            body,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:

        def lines():
            out = io.StringIO()
            writer = csv.writer(out)
            out.write("\ufeff")
            writer.writerow([safe_text(name) for name in header])
            for error in rows.iterator(chunk_size=2000):
                cells = _shown_cells(error.raw, columns)
                writer.writerow([error.row_number, error.reason, *[safe_cell(c) for c in cells]])
                yield out.getvalue()
                out.seek(0)
                out.truncate()
            yield out.getvalue()

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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
