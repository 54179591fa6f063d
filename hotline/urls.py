from django.urls import path

from . import views

app_name = "hotline"

urlpatterns = [
    path("staff/hotline/imports/", views.import_list, name="imports"),
    path("staff/hotline/imports/<int:pk>/", views.import_detail, name="import"),
    path("staff/hotline/imports/<int:pk>/progress/", views.import_progress, name="import-progress"),
    path(
        "staff/hotline/imports/<int:pk>/rejected.<str:fmt>",
        views.import_errors,
        name="import-errors",
    ),
    path("staff/hotline/imports/<int:pk>/aliases/", views.alias_add, name="alias-add"),
    path("staff/hotline/aliases/<int:pk>/undo/", views.alias_undo, name="alias-undo"),
    path("staff/hotline/aliases/<int:pk>/progress/", views.alias_progress, name="alias-progress"),
    path(
        "staff/<slug:slug>/hotline/departments/<slug:department_slug>/",
        views.department_analytics,
        name="department",
    ),
    path(
        "staff/<slug:slug>/hotline/departments/<slug:department_slug>/analytics.xlsx",
        views.department_analytics_export,
        name="department-export",
    ),
    path(
        "staff/<slug:slug>/hotline/departments/<slug:department_slug>/records.<str:fmt>",
        views.department_records_export,
        name="department-records",
    ),
]
