"""Pages of notifications: everyone's messages and preferences (/workspace/notifications/),
staff's group robots and delivery log (/staff/notifications/)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from core.messages import form_errors_flash, validation_error_flash

from . import selectors, services
from .forms import QuietHoursForm, RobotForm
from .models import Channel, Delivery, Message

EVERYONE = tuple(r.value for r in Role)
STAFF = (Role.STAFF, Role.ADMIN)


@require_GET
@role_required(*EVERYONE)
def message_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.messages_for(user=request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/messages.html",
        {"page": page, "unread": selectors.unread_count(user=request.user)},
    )


@require_POST
@role_required(*EVERYONE)
def message_read(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message, pk=pk, recipient=request.user)
    services.message_mark_read(message=message, actor=request.user)
    if message.url and request.POST.get("open"):
        return redirect(message.url)
    return redirect("notifications:messages")


@require_POST
@role_required(*EVERYONE)
def messages_read_all(request: HttpRequest) -> HttpResponse:
    count = services.messages_mark_all_read(actor=request.user)
    messages.success(request, f"已将 {count} 条消息标为已读。")
    return redirect("notifications:messages")


CHANNEL_CHOICES = [(c.value, c.label) for c in Channel]


@role_required(*EVERYONE)
def preferences(request: HttpRequest) -> HttpResponse:
    rows = selectors.preference_rows(user=request.user)
    quiet = selectors.quiet_hours_for(user=request.user)
    initial = {"start": quiet.start, "end": quiet.end} if quiet else {}
    form = QuietHoursForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            choices = {
                row.event.code: (
                    request.POST.getlist(f"ch-{row.event.code}"),
                    request.POST.get(f"digest-{row.event.code}") == "1",
                )
                for row in rows
            }
            try:
                services.preferences_save(
                    user=request.user,
                    choices=choices,
                    quiet_start=form.cleaned_data["start"],
                    quiet_end=form.cleaned_data["end"],
                )
            except ValidationError as exc:
                validation_error_flash(request, exc)
            else:
                messages.success(request, "通知设置已保存。")
                return redirect("notifications:preferences")
        else:
            form_errors_flash(request, form)
    user = request.user
    reach = {
        Channel.SMS: user.phone,
        Channel.EMAIL: user.email,
        Channel.WECOM: services.robot_for(user, Channel.WECOM),
        Channel.DINGTALK: services.robot_for(user, Channel.DINGTALK),
    }
    return render(
        request,
        "notifications/preferences.html",
        {
            "rows": rows,
            "channels": CHANNEL_CHOICES,
            "form": form,
            "reach": {k: bool(v) for k, v in reach.items()},
            "phone": user.phone,
            "email": user.email,
        },
    )


@role_required(*STAFF)
def robots(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    robot = get_object_or_404(selectors.robots_for(user=request.user), pk=pk) if pk else None
    form = RobotForm(request.POST or None, instance=robot)
    if request.method == "POST":
        if form.is_valid():
            obj = form.save(commit=False)
            if obj.organizer_id is None:
                if request.user.organizer_id is None:
                    messages.error(request, "您的账号未关联人大常委会，不能配置群机器人。")
                    return redirect("notifications:robots")
                obj.organizer_id = request.user.organizer_id
            try:
                services.robot_save(robot=obj, actor=request.user)
            except ValidationError as exc:
                validation_error_flash(request, exc)
            else:
                messages.success(request, f"群机器人“{obj.name}”已保存。")
                return redirect("notifications:robots")
        else:
            form_errors_flash(request, form)
    return render(
        request,
        "notifications/robots.html",
        {"robots": selectors.robots_for(user=request.user), "form": form, "editing": robot},
    )


@require_POST
@role_required(*STAFF)
def robot_delete(request: HttpRequest, pk: int) -> HttpResponse:
    robot = get_object_or_404(selectors.robots_for(user=request.user), pk=pk)
    try:
        services.robot_delete(robot=robot, actor=request.user)
    except ValidationError as exc:
        validation_error_flash(request, exc)
    else:
        messages.success(request, "群机器人已删除。")
    return redirect("notifications:robots")


@require_GET
@role_required(*STAFF)
def delivery_log(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    channel = request.GET.get("channel", "")
    rows = selectors.delivery_log(user=request.user, state=state, channel=channel)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/log.html",
        {
            "page": page,
            "states": Delivery.State.choices,
            "channels": CHANNEL_CHOICES,
            "state": state,
            "channel": channel,
        },
    )
