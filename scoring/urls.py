from django.urls import path

from . import views

app_name = "scoring"

urlpatterns = [
    path("manage/<slug:slug>/hotline/", views.hotline_comparison, name="hotline-comparison"),
    path("manage/<slug:slug>/scoring/", views.manage, name="manage"),
    path("manage/<slug:slug>/scoring/settings/", views.settings_edit, name="settings"),
    path(
        "manage/<slug:slug>/scoring/batches/<int:number>/session/",
        views.session_toggle,
        name="session-toggle",
    ),
    path(
        "manage/<slug:slug>/scoring/batches/<int:number>/vote/toggle/",
        views.vote_toggle,
        name="vote-toggle",
    ),
    path("manage/<slug:slug>/scoring/batches/<int:number>/vote/", views.vote_detail, name="vote"),
    path(
        "manage/<slug:slug>/scoring/batches/<int:number>/surveys/new/",
        views.survey_new,
        name="survey-new",
    ),
    path("manage/<slug:slug>/scoring/surveys/<int:pk>/", views.survey_detail, name="survey"),
    path("manage/<slug:slug>/scoring/surveys/<int:pk>/rates/", views.survey_rates, name="rates"),
    path(
        "manage/<slug:slug>/scoring/sessions/<int:pk>/turnout/",
        views.session_turnout,
        name="turnout",
    ),
    path(
        "manage/<slug:slug>/scoring/sessions/<int:pk>/void/",
        views.session_void,
        name="session-void",
    ),
    path(
        "manage/<slug:slug>/scoring/surveys/<int:pk>/invitations/",
        views.survey_invitations,
        name="invitations",
    ),
    path("manage/<slug:slug>/scoring/sheets/recompute/", views.sheet_recompute, name="recompute"),
    path("manage/<slug:slug>/scoring/sheets/<int:version>/", views.sheet_detail, name="sheet"),
    path(
        "manage/<slug:slug>/scoring/sheets/<int:version>/publish/",
        views.sheet_publish,
        name="publish",
    ),
    path(
        "manage/<slug:slug>/scoring/sheets/<int:version>/export/",
        views.sheet_export,
        name="export",
    ),
    path("manage/<slug:slug>/scoring/research/", views.research_entry, name="research"),
    path("committee/<int:pk>/", views.committee_ballot, name="ballot"),
    path("s/<str:token>/", views.survey_answer, name="answer"),
    path("<slug:slug>/vote/<int:number>/", views.public_vote_page, name="public-vote"),
    path("<slug:slug>/scores/", views.public_scores, name="public-scores"),
    path(
        "<slug:slug>/scores/v<int:version>/",
        views.public_scores_version,
        name="public-scores-version",
    ),
]
