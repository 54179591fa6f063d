from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("latest/", views.latest, name="latest"),
    path("<slug:slug>/", views.campaign_detail, name="detail"),
    path(
        "<slug:slug>/departments/<slug:department_slug>/",
        views.department_detail,
        name="department",
    ),
    path(
        "<slug:slug>/departments/<slug:department_slug>/statement/",
        views.statement_file,
        name="statement-file",
    ),
]
