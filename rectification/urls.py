from django.urls import path

from core.publiccache import public_page

from . import views
from .feeds import PublishedUpdatesFeed

app_name = "rectification"

LIAISON = "workspace/liaison/rectification/"
STAFF = "staff/<slug:slug>/rectification/"

urlpatterns = [
    # Public
    path("<slug:slug>/progress/", views.board, name="board"),
    path("<slug:slug>/progress/feed/", public_page(PublishedUpdatesFeed()), name="feed"),
    path("<slug:slug>/progress/<int:pk>/", views.issue, name="issue"),
    path("<slug:slug>/search/", views.search, name="search"),
    path("rectification/files/<int:pk>/", views.attachment_file, name="file"),
    path(
        "rectification/files/<int:pk>/thumb/",
        views.attachment_file,
        {"thumb": True},
        name="thumb",
    ),
    # Department liaisons
    path(LIAISON, views.liaison_home, name="liaison"),
    path(f"{LIAISON}<int:pk>/", views.liaison_issue, name="liaison-issue"),
    path(f"{LIAISON}<int:pk>/plan/", views.liaison_plan, name="liaison-plan"),
    path(f"{LIAISON}<int:pk>/measures/", views.liaison_measure, name="liaison-measure-new"),
    path(
        f"{LIAISON}<int:pk>/measures/<int:measure>/",
        views.liaison_measure,
        name="liaison-measure",
    ),
    path(
        f"{LIAISON}<int:pk>/measures/<int:measure>/done/",
        views.liaison_measure_done,
        name="liaison-measure-done",
    ),
    path(
        f"{LIAISON}<int:pk>/measures/<int:measure>/delete/",
        views.liaison_measure_delete,
        name="liaison-measure-delete",
    ),
    path(
        f"{LIAISON}<int:pk>/measures/<int:measure>/withdraw/",
        views.liaison_measure_withdraw,
        name="liaison-measure-withdraw",
    ),
    path(f"{LIAISON}notices/<int:pk>/read/", views.liaison_notice_read, name="liaison-notice-read"),
    path(
        f"{LIAISON}notices/read-all/",
        views.liaison_notices_read_all,
        name="liaison-notices-read-all",
    ),
    path(f"{LIAISON}<int:pk>/submit/", views.liaison_submit, name="liaison-submit"),
    path(f"{LIAISON}<int:pk>/updates/", views.liaison_update, name="liaison-update"),
    # Staff
    path(STAFF, views.dashboard, name="dashboard"),
    path(f"{STAFF}ledger.xlsx", views.export_ledger, name="ledger"),
    path(f"{STAFF}<int:pk>/", views.staff_issue, name="staff-issue"),
    path(f"{STAFF}<int:pk>/publish/", views.staff_publish_plan, name="staff-publish"),
    path(f"{STAFF}<int:pk>/return/", views.staff_return_plan, name="staff-return"),
    path(
        f"{STAFF}<int:pk>/updates/<int:update>/",
        views.staff_review_update,
        name="staff-review",
    ),
    path(
        f"{STAFF}<int:pk>/measures/<int:measure>/close/",
        views.staff_close_measure,
        name="staff-close",
    ),
    path(f"{STAFF}<int:pk>/verdict/", views.staff_verdict, name="staff-verdict"),
    path(f"{STAFF}<int:pk>/rebound/", views.staff_rebound, name="staff-rebound"),
    path(
        f"{STAFF}<int:pk>/rebound/<int:rebound>/resolve/",
        views.staff_resolve,
        name="staff-resolve",
    ),
]
