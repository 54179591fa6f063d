from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "name", "role", "organizer", "department", "is_active")
    list_filter = ("role", "organizer", "deputy_level", "is_active")
    search_fields = ("username", "name", "email")
    list_select_related = ("organizer", "department")
    autocomplete_fields = ("department",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("name", "email")}),
        (
            "角色",
            {"fields": ("role", "organizer", "department", "deputy_level", "district", "town")},
        ),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        ("角色", {"fields": ("name", "role", "organizer", "department", "deputy_level")}),
    )
