from django.contrib import admin

from core.admin import OrganizerScopedAdmin, ReadOnlyTabularInline, SiteAdminOnlyMixin, policy

from .models import Department, DepartmentAlias, District, Organizer, Town


class TownInline(admin.TabularInline):
    model = Town
    extra = 0


@admin.register(District)
class DistrictAdmin(OrganizerScopedAdmin):
    """The city's staff keep the city's geography; a district's staff only their district."""

    district_field = "pk"
    city_sees_all = True
    list_display = ("name", "kind", "position")
    inlines = [TownInline]


@admin.register(Town)
class TownAdmin(OrganizerScopedAdmin):
    district_field = "district"
    city_sees_all = True
    list_display = ("name", "kind", "district")
    list_filter = ("district", "kind")
    search_fields = ("name",)
    list_select_related = ("district",)


class AliasInline(ReadOnlyTabularInline):
    # Aliases decide which department a hotline record counts for (and so its score):
    # they change through the hotline pages, not here.
    model = DepartmentAlias


@admin.register(Department)
class DepartmentAdmin(OrganizerScopedAdmin):
    """City staff keep the city's departments (no district); a district's staff theirs."""

    district_field = "district"
    list_display = ("name", "short_name", "kind", "district")
    list_filter = ("kind", "district")
    search_fields = ("name", "short_name", "aliases__name")
    prepopulated_fields = {"slug": ("short_name",)}
    list_select_related = ("district",)
    inlines = [AliasInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "district" and field and not policy.is_site_admin(request.user):
            organizer = getattr(request.user, "organizer", None)
            if organizer and organizer.district_id:
                field.required = True  # a district's staff cannot make a city department
            else:
                field.queryset = field.queryset.none()  # the city's departments have none
        return field


@admin.register(Organizer)
class OrganizerAdmin(SiteAdminOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "level", "district")
