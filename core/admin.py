"""Shared bases for every app's Django admin (issue 13).

The admin is a support tool, not a second way to run an evaluation. Every registered model
falls in one of four kinds, named by `admin_kind` on its ModelAdmin (tests/security/
test_admin.py holds the list and fails on a model nobody classified):

- "record": evaluation records (campaigns, suggestions, key issues, plans, progress updates,
  score sheets, hotline batches ...). Read-only for everyone, admins included: no add, no
  change, no delete; every change goes through the app's own pages and services, where the
  rules, guards and audit live. Staff see only their own organizer's rows.
- "reference": data staff legitimately maintain here (departments, districts, towns, users,
  API clients). Editable with the model permissions, but only inside the user's organizer:
  querysets and foreign-key choices are filtered, and a save that would leave the scope is
  refused. Admins see everything.
- "site": site administration (groups, login lockouts, organizers): admins only.
- "site_record": read-only and admins only (the audit trail).

core knows no roles; accounts/admin.py tells it who is an admin and who may maintain data
(`configure`), so the layers stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Q, QuerySet

from core.malformed import whole_number

RECORD = "record"
REFERENCE = "reference"
SITE = "site"
SITE_RECORD = "site_record"
KINDS = (RECORD, REFERENCE, SITE, SITE_RECORD)


@dataclass
class Policy:
    """Who is who, as the accounts app defines it (set once by accounts/admin.py)."""

    is_site_admin: Callable[[Any], bool] = lambda user: bool(user.is_active and user.is_superuser)
    may_maintain: Callable[[Any], bool] = lambda user: False


policy = Policy()


def configure(*, is_site_admin: Callable[[Any], bool], may_maintain: Callable[[Any], bool]) -> None:
    policy.is_site_admin = is_site_admin
    policy.may_maintain = may_maintain


if TYPE_CHECKING:
    # The mixins below are only ever combined with a ModelAdmin; typed as one so mypy sees
    # the super() methods they extend. At runtime they stay plain mixins (same MRO).
    _ModelAdminBase = admin.ModelAdmin[Any]
else:
    _ModelAdminBase = object


def _organizer(user):
    return getattr(user, "organizer", None) if getattr(user, "organizer_id", None) else None


class ScopedMixin(_ModelAdminBase):
    """Filters rows to the user's organizer. Set one of:

    - `organizer_field`: the lookup path to the row's organizer ("campaign__organizer");
    - `district_field` (geography): a district organizer's staff see rows of their district;
      the city's staff see the rows with no district, or every row when `city_sees_all`;
    - `city_wide = True`: rows that belong to the city as a whole (hotline data): admins
      and the city's staff.
    With none set only admins see the rows. Override `scope_q` for anything else."""

    organizer_field: str | None = None
    district_field: str | None = None
    city_sees_all = False
    city_wide = False

    def scope_q(self, user) -> Q | None:
        """The filter for a non-admin user, or None for "nothing"."""
        organizer = _organizer(user)
        if organizer is None:
            return None
        if self.organizer_field:
            return Q(**{self.organizer_field: organizer.pk})
        if self.district_field:
            if organizer.district_id:
                return Q(**{self.district_field: organizer.district_id})
            return Q() if self.city_sees_all else Q(**{f"{self.district_field}__isnull": True})
        if self.city_wide and not organizer.district_id:
            return Q()
        return None

    def scope_queryset(self, request, queryset: QuerySet) -> QuerySet:
        user = request.user
        if policy.is_site_admin(user):
            return queryset
        if not policy.may_maintain(user):
            return queryset.none()
        q = self.scope_q(user)
        return queryset.none() if q is None else queryset.filter(q)

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def in_scope(self, request, obj) -> bool:
        if obj is None or policy.is_site_admin(request.user):
            return True
        if obj.pk is None:
            return False
        model = type(obj)
        return self.scope_queryset(request, model._default_manager.filter(pk=obj.pk)).exists()

    def _allowed(self, request) -> bool:
        user = request.user
        if policy.is_site_admin(user):
            return True
        # Staff with no scope on this model (a district's staff and the city's hotline
        # data, anyone and the admins-only records) do not get it in their menu either.
        return policy.may_maintain(user) and self.scope_q(user) is not None

    def get_list_filter(self, request):
        """Relation filters offer only the values of rows the user may see, so a
        district's filter never names the city's campaigns."""
        filters = super().get_list_filter(request)
        if policy.is_site_admin(request.user):
            return filters
        scoped = []
        for item in filters:
            if isinstance(item, str) and get_fields_from_path(self.model, item)[-1].is_relation:
                item = (item, admin.RelatedOnlyFieldListFilter)
            scoped.append(item)
        return scoped

    def has_module_permission(self, request):
        return self._allowed(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return (
            self._allowed(request)
            and super().has_view_permission(request, obj)
            and self.in_scope(request, obj)
        )


class ViewOnlyMixin:
    """No add, change, delete or bulk action, for anyone."""

    actions: Any = None

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ViewOnlyMixin, ScopedMixin, admin.ModelAdmin):
    """An evaluation record: view only, for everyone; scoped for viewing."""

    admin_kind = RECORD

    def save_model(self, request, obj, form, change):  # a second line behind the above
        raise PermissionDenied("评议记录在后台只读，请在业务页面中办理。")

    def delete_model(self, request, obj):
        raise PermissionDenied("评议记录在后台只读，请在业务页面中办理。")


class ReadOnlyInline(admin.options.InlineModelAdmin):
    """Inline of a read-only record: every field shown, nothing editable."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyTabularInline(ReadOnlyInline, admin.TabularInline):
    pass


class OrganizerScopedAdmin(ScopedMixin, admin.ModelAdmin):
    """Reference data: editable with the model permissions, inside the user's organizer.

    Foreign-key choices follow the admin of the related model: a related model registered
    with a scoped admin offers only the rows that admin would list."""

    admin_kind = REFERENCE

    def get_changeform_initial_data(self, request):
        """Django fills an add form from the query string (?department=3); a relation given
        as anything but ids ("zz", "²") made its widget's lookup raise a ValueError while
        the page was drawn. Such a value is dropped, the form starts empty there."""
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.is_relation:
                ids = value if isinstance(value, list) else str(value).split(",")
                if not all(whole_number(str(i)) is not None for i in ids):
                    del initial[name]
        return initial

    def has_add_permission(self, request, *args):
        return self._allowed(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return (
            self._allowed(request)
            and super().has_change_permission(request, obj)
            and self.in_scope(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return (
            self._allowed(request)
            and super().has_delete_permission(request, obj)
            and self.in_scope(request, obj)
        )

    def related_choices(self, request, model, queryset: QuerySet) -> QuerySet:
        related = self.admin_site._registry.get(model)
        if isinstance(related, ScopedMixin):
            return related.scope_queryset(request, queryset)
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        # A ModelChoiceField's queryset may be None in the stubs; the admin always sets one.
        if field is not None and hasattr(field, "queryset") and field.queryset is not None:
            field.queryset = self.related_choices(request, db_field.related_model, field.queryset)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        # A ModelChoiceField's queryset may be None in the stubs; the admin always sets one.
        if field is not None and hasattr(field, "queryset") and field.queryset is not None:
            field.queryset = self.related_choices(request, db_field.related_model, field.queryset)
        return field

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # The admin's change view runs in a transaction: refusing here rolls the save back.
        if not self.in_scope(request, obj):
            raise PermissionDenied("只能维护本人大常委会范围内的数据。")


class SiteAdminOnlyMixin(_ModelAdminBase):
    """Site administration: admins only, whatever model permissions a user holds."""

    admin_kind = SITE

    def _site_admin(self, request) -> bool:
        return policy.is_site_admin(request.user)

    def has_module_permission(self, request):
        return self._site_admin(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._site_admin(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._site_admin(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._site_admin(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._site_admin(request) and super().has_delete_permission(request, obj)


class SiteReadOnlyMixin(ViewOnlyMixin, SiteAdminOnlyMixin):
    """Read-only and admins only (the audit trail)."""

    admin_kind = SITE_RECORD


def site_admin_only(
    model, base_admin: type[admin.ModelAdmin], attrs: dict[str, Any] | None = None
) -> None:
    """Re-register a third-party model's admin as admins-only, keeping its behaviour
    (`attrs` overrides some of it, such as a column's English header)."""
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(
        model,
        type(f"SiteOnly{base_admin.__name__}", (SiteAdminOnlyMixin, base_admin), attrs or {}),
    )


def _described(method: Callable, description: str) -> Callable:
    """A third-party admin column `method` under a Chinese header (method itself untouched)."""

    def column(self, obj):
        return method(self, obj)

    return admin.display(description=description)(column)


# Column methods of axes' admins without a description: their headers would read "Status".
AXES_COLUMNS = {"status": "状态"}


# Third-party admins registered before core's admin module is imported (INSTALLED_APPS
# order): groups and axes' login records are the admins' business only.
site_admin_only(Group, GroupAdmin)
for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        _base = type(admin.site._registry[_model])
        _columns = {
            name: _described(getattr(_base, name), header)
            for name, header in AXES_COLUMNS.items()
            if callable(getattr(_base, name, None))
        }
        site_admin_only(_model, _base, _columns)
