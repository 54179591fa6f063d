"""The audit trail in the Django admin: readable, filterable and exportable, never editable,
and for admins only (it names every actor of every organizer).

django-auditlog's own admin would still let a superuser delete entries; this one cannot
add, change or delete anything, and offers an Excel export of the filtered list."""

from __future__ import annotations

import json

from auditlog.admin import LogEntryAdmin
from auditlog.filters import ResourceTypeFilter
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from auditlog.render import get_field_verbose_name
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, QueryDict
from django.urls import path, reverse
from django.utils import timezone

from core.admin import OrganizerScopedAdmin, SiteReadOnlyMixin
from core.audit import audited_update
from core.exportjobs import export_respond
from core.exports import Export, export_builder
from core.paginators import BoundedCountPaginator
from core.spreadsheets import Sheet, exported_info

from .models import ApiClient, Scope

EXPORT_HEADERS = ("时间", "操作人", "来源地址", "对象类型", "对象", "动作", "变更（前 → 后）")
ACTIONS = {0: "新建", 1: "修改", 2: "删除", 3: "访问"}
TIMESTAMP = "yyyy-mm-dd hh:mm:ss"

if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


def _changes(entry: LogEntry) -> str:
    if entry.action == LogEntry.Action.ACCESS and isinstance(entry.additional_data, dict):
        # A read that left a trace (core.audit.audit_access): what was read, and the details.
        return "\n".join(f"{key}: {value}" for key, value in entry.additional_data.items())
    changes = entry.changes_dict or {}
    # Fields by their (Chinese) verbose names, as the admin's audit pages show them.
    return "\n".join(
        f"{get_field_verbose_name(entry, field)}: {json.dumps(values[0], ensure_ascii=False)} → "
        f"{json.dumps(values[-1], ensure_ascii=False)}"
        if isinstance(values, list)
        else f"{get_field_verbose_name(entry, field)}: {values}"
        for field, values in changes.items()
    )


def audit_rows(queryset):
    for entry in queryset.select_related("actor", "content_type").iterator(chunk_size=2000):
        yield (
            # Excel has no time zones: local time, as the admin pages show it.
            timezone.localtime(entry.timestamp).replace(tzinfo=None),
            entry.actor.username if entry.actor else SYSTEM_ACTOR,
            entry.remote_addr or "",
            entry.content_type.name if entry.content_type else "",
            entry.object_repr,
            ACTIONS.get(entry.action, str(entry.action)),
            _changes(entry),
        )


SYSTEM_ACTOR = "（系统）"  # an entry no signed-in person caused (a command, a task)


class ObjectTypeFilter(ResourceTypeFilter):
    """auditlog's 对象类型 filter, offering the types by their Chinese names (its own lists the
    model's code name: "user", "keyissue")."""

    def lookups(self, request, model_admin):
        # The audited models (auditlog's registry), not a DISTINCT over every entry: that
        # read the whole trail on each page of the list.
        types = ContentType.objects.get_for_models(*auditlog.get_models()).values()
        return sorted(((t.pk, str(t.name)) for t in types), key=lambda pair: pair[1])


@admin.register(LogEntry)
class ReadOnlyLogEntryAdmin(SiteReadOnlyMixin, LogEntryAdmin):
    change_list_template = "admin/auditlog_change_list.html"
    # The trail grows without end (bulk imports write an entry per changed row): no
    # COUNT(*) of the whole table on every page (core/paginators.py).
    paginator = BoundedCountPaginator
    show_full_result_count = False
    list_filter = [
        ObjectTypeFilter if f is ResourceTypeFilter else f for f in LogEntryAdmin.list_filter
    ]

    @admin.display(description="操作人")
    def user_url(self, obj):
        # auditlog writes "system", untranslated, for an entry without an actor.
        return super().user_url(obj) if obj.actor_id else SYSTEM_ACTOR

    @admin.display(description="变更")
    def msg_short(self, obj):
        # auditlog's own writes "1 change: role" in English, whatever the language.
        if obj.action in (LogEntry.Action.DELETE, LogEntry.Action.ACCESS):
            return ""
        changes = obj.changes_dict or {}
        # By verbose name, or the Chinese name audit_register maps a reverse relation to in
        # entries written before it left them out; a field since removed shows its code name.
        fields = "、".join(str(get_field_verbose_name(obj, name)) for name in changes)
        return f"{len(changes)} 项：{fields[:60]}{'…' if len(fields) > 60 else ''}"

    @admin.display(description="关联编号")
    def cid_url(self, obj):
        return super().cid_url(obj)  # auditlog's label is English, untranslatable

    def get_urls(self):
        extra = [
            path(
                "export.xlsx",
                self.admin_site.admin_view(self.export_view),
                name="auditlog_logentry_export",
            )
        ]
        return extra + super().get_urls()

    def export_view(self, request):
        """The filtered list as a workbook: at once up to EXPORT_DIRECT_ROWS entries, else
        built in the background (audit_log_export) and the answer is its progress page."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            # As the list itself answers a filter it cannot apply (?batch=1): back to the
            # list with Django's "wrong parameters" flag, not a server error.
            changelist_url = reverse("admin:auditlog_logentry_changelist")
            return HttpResponseRedirect(f"{changelist_url}?{ERROR_FLAG}=1")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return export_respond(
            builder="api.admin.audit_log_export",
            params={"user_id": request.user.pk, "query": request.GET.urlencode(), "stamp": stamp},
            rows=changelist.get_queryset(request).count(),
            user=request.user,
            title="审计日志",
        )


@export_builder
def audit_log_export(*, user_id: int, query: str, stamp: str) -> Export:
    """The audit log filtered as the admin list was (its query string), for the admin who
    asked: the same changelist, rebuilt for them, gives the same rows."""
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/auditlog/logentry/", QueryDict(query))
    request.user = get_user_model().objects.get(pk=user_id)
    log_admin = admin.site._registry[LogEntry]
    if not log_admin.has_view_permission(request):
        raise PermissionDenied
    queryset = log_admin.get_changelist_instance(request).get_queryset(request)
    sheet = Sheet(
        "审计日志",
        EXPORT_HEADERS,
        audit_rows(queryset),
        (20, 0, 0, 0, 40, 0, 60),
        {0: TIMESTAMP},
        landscape=True,
    )
    return Export(f"audit-{stamp}.xlsx", sheets=[sheet], info=exported_info(), title="审计日志")


# --- API clients ----------------------------------------------------------------------------
class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label="权限范围", choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiClient
        fields = ["name", "user", "scopes"]


@admin.register(ApiClient)
class ApiClientAdmin(OrganizerScopedAdmin):
    """Admins create a client (the token is shown once, in the message after saving) and
    revoke it (the action below); a revoked token is refused at once. Staff holding the
    model permissions see only clients acting as a user of their organizer."""

    organizer_field = "user__organizer"
    form = ApiClientForm
    list_display = ("name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    autocomplete_fields = ("user",)
    actions = ["revoke", "reissue"]

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the audit trail keeps naming the client

    def save_model(self, request, obj, form, change):
        key = None
        if not change:
            obj.created_by = request.user
            key = obj.issue_key()
        super().save_model(request, obj, form, change)
        if key:
            messages.warning(request, f"新令牌（只显示这一次，请立即交给对方系统）：{key}")

    @admin.action(description="吊销所选客户端的令牌", permissions=["change"])
    def revoke(self, request, queryset):
        live = queryset.filter(revoked_at=None)
        count = audited_update(live, actor=request.user, revoked_at=timezone.now())
        messages.success(request, f"已吊销 {count} 个令牌。")

    @admin.action(description="为所选客户端重新签发令牌（旧令牌立即失效）", permissions=["change"])
    def reissue(self, request, queryset):
        for client in queryset:
            key = client.issue_key()
            client.revoked_at = None
            client.save(update_fields=["key_prefix", "key_hash", "revoked_at"])
            messages.warning(request, f"{client.name} 的新令牌（只显示这一次）：{key}")
