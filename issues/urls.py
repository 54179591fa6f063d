from django.urls import path

from . import views

app_name = "issues"

STAFF = "workspace/staff/<slug:slug>/"

urlpatterns = [
    # Public
    path("<slug:slug>/suggest/", views.public_suggest, name="suggest"),
    path("suggestions/receipt/", views.receipt_lookup, name="receipt"),
    path("suggestions/receipt/<str:receipt>/", views.receipt_detail, name="receipt-detail"),
    path("suggestions/challenge/", views.challenge, name="challenge"),
    # Deputies
    path("workspace/deputy/<slug:slug>/suggest/", views.deputy_suggest, name="deputy-suggest"),
    # Staff
    path(f"{STAFF}suggestions/", views.triage, name="triage"),
    path(f"{STAFF}suggestions/<int:pk>/", views.suggestion_detail, name="suggestion"),
    path(f"{STAFF}suggestions/record/", views.record, name="record"),
    path(f"{STAFF}suggestions/import/", views.import_suggestions, name="import"),
    path(f"{STAFF}suggestions/export.xlsx", views.export_suggestions, name="export"),
    path(f"{STAFF}themes/", views.themes, name="themes"),
    path(f"{STAFF}themes/<int:pk>/", views.theme_detail, name="theme"),
    path(f"{STAFF}proposals/", views.proposals, name="proposals-unassigned"),
    path(f"{STAFF}proposals/<int:department>/", views.proposals, name="proposals"),
    path(f"{STAFF}funnel/", views.funnel, name="funnel"),
    path(f"{STAFF}funnel.xlsx", views.export_funnel, name="export-funnel"),
    # Key issues: staff and the research group
    path("workspace/<slug:slug>/key-issues/", views.key_issues, name="key-issues"),
    path(
        "workspace/<slug:slug>/key-issues/new/<int:department>/",
        views.key_issue_new,
        name="key-issue-new",
    ),
    path("workspace/<slug:slug>/key-issues/<int:pk>/", views.key_issue_edit, name="key-issue"),
    path(
        "workspace/<slug:slug>/key-issues/<int:pk>/confirm/",
        views.key_issue_confirm,
        name="key-issue-confirm",
    ),
]
