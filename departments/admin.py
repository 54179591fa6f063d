from django.contrib import admin

from .models import Department, DepartmentAlias, District, Organizer, Town


class TownInline(admin.TabularInline):
    model = Town
    extra = 0


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "position")
    inlines = [TownInline]


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "district")
    list_filter = ("district", "kind")
    search_fields = ("name",)
    list_select_related = ("district",)


class AliasInline(admin.TabularInline):
    model = DepartmentAlias
    extra = 1


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "district")
    list_filter = ("kind", "district")
    search_fields = ("name", "short_name", "aliases__name")
    prepopulated_fields = {"slug": ("short_name",)}
    list_select_related = ("district",)
    inlines = [AliasInline]


@admin.register(Organizer)
class OrganizerAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "district")
