from django.urls import path

from . import views

app_name = "issues"

STAFF = "staff/<slug:slug>/"

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
    path(
        f"{STAFF}suggestions/<int:pk>/answer/",
        views.suggestion_answer,
        name="suggestion-answer",
    ),
    path(f"{STAFF}suggestions/record/", views.record, name="record"),
    path(f"{STAFF}suggestions/import/", views.import_suggestions, name="import"),
    path(f"{STAFF}suggestions/export.xlsx", views.export_suggestions, name="export"),
    path(
        f"{STAFF}suggestions/export.csv",
        views.export_suggestions,
        {"fmt": "csv"},
        name="export-csv",
    ),
    path(f"{STAFF}suggestions/themes/", views.themes, name="themes"),
    path(f"{STAFF}suggestions/themes/<int:pk>/", views.theme_detail, name="theme"),
    path(f"{STAFF}suggestions/proposals/", views.proposals, name="proposals-unassigned"),
    path(f"{STAFF}suggestions/proposals/<int:department>/", views.proposals, name="proposals"),
    path(f"{STAFF}suggestions/funnel/", views.funnel, name="funnel"),
    path(f"{STAFF}suggestions/funnel.xlsx", views.export_funnel, name="export-funnel"),
    # Key issues: staff and the research group (under the staff prefix for both)
    path(f"{STAFF}key-issues/", views.key_issues, name="key-issues"),
    path(
        f"{STAFF}key-issues/new/<int:department>/",
        views.key_issue_new,
        name="key-issue-new",
    ),
    path(f"{STAFF}key-issues/<int:pk>/", views.key_issue_edit, name="key-issue"),
    path(
        f"{STAFF}key-issues/<int:pk>/confirm/",
        views.key_issue_confirm,
        name="key-issue-confirm",
    ),
]
