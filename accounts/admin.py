from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Q

from core import admin as core_admin
from core.admin import OrganizerScopedAdmin

from .models import Role, User
from .services import sync_admin_flags


def _is_site_admin(user) -> bool:
    return bool(user.is_active and (user.is_superuser or user.role == Role.ADMIN))


def _may_maintain(user) -> bool:
    """Committee staff maintained their organizer's reference data in /admin/ until issue 17;
    the matrix now refuses them all of /admin/ (django_admin row), and this scoping stays as
    a second line should that row ever open again."""
    return bool(user.is_active and user.role == Role.STAFF)


core_admin.configure(is_site_admin=_is_site_admin, may_maintain=_may_maintain)


def _admin_site_permission(request) -> bool:
    """Admin access follows the role (issue 17), not Django's is_staff flag."""
    return _is_site_admin(request.user)


admin.site.has_permission = _admin_site_permission  # type: ignore[method-assign]

# Fields only an admin may set: they hand out admin access or another role's rights.
ADMIN_ONLY_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(OrganizerScopedAdmin, BaseUserAdmin):
    """Staff maintain the users of their own organizer (never an admin's rights)."""

    organizer_field = "organizer"
    list_display = ("username", "name", "role", "organizer", "department", "state")
    list_filter = ("role", "organizer", "deputy_level", "is_active")
    search_fields = ("username", "name", "phone", "email")
    list_select_related = ("organizer", "department")
    autocomplete_fields = ("department",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("name", "phone", "email")}),
        (
            "角色",
            {"fields": ("role", "organizer", "department", "deputy_level", "district", "town")},
        ),
        # Admin access follows the role: Django's is_staff, is_superuser, groups and
        # permissions are set from it (accounts/services.py), never by hand.
        ("状态", {"fields": ("is_active", "must_change_password")}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        ("角色", {"fields": ("name", "role", "organizer", "department", "deputy_level")}),
    )
    add_form_template = "admin/accounts/user/add_form.html"

    @admin.display(description="状态", ordering="is_active")
    def state(self, obj):
        # In words, as the app's user list says it: Django's ✔/✘ icons read "True"/"False".
        return "启用" if obj.is_active else "已停用"

    def save_model(self, request, obj, form, change):
        sync_admin_flags(obj)
        if not change:
            obj.must_change_password = True  # as for accounts an admin creates in the app
        super().save_model(request, obj, form, change)

    def scope_q(self, user):
        q = super().scope_q(user)
        # An admin account is never staff's to edit, even one that names an organizer.
        return None if q is None else q & Q(is_superuser=False) & ~Q(role=Role.ADMIN)

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if _is_site_admin(request.user):
            return fields
        return fields + tuple(f for f in ADMIN_ONLY_FIELDS if f not in fields)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "organizer" and field and not _is_site_admin(request.user):
            field.queryset = field.queryset.filter(pk=request.user.organizer_id)
        return field

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not _is_site_admin(request.user):
            kwargs["choices"] = [(r.value, r.label) for r in Role if r != Role.ADMIN]
        return super().formfield_for_choice_field(db_field, request, **kwargs)
