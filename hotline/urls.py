from django.urls import path

from . import views

app_name = "hotline"

urlpatterns = [
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import-progress"),
    path(
        "imports/<int:pk>/rejected.<str:fmt>",
        views.import_errors,
        name="import-errors",
    ),
    path("imports/<int:pk>/aliases/", views.alias_add, name="alias-add"),
    path("aliases/<int:pk>/undo/", views.alias_undo, name="alias-undo"),
    path(
        "campaigns/<slug:slug>/departments/<slug:department_slug>/",
        views.department_analytics,
        name="department",
    ),
]
