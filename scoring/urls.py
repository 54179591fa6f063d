from django.urls import path

from . import views

app_name = "scoring"

urlpatterns = [
    path("staff/<slug:slug>/hotline/", views.hotline_comparison, name="hotline-comparison"),
    path("staff/<slug:slug>/scoring/", views.manage, name="manage"),
    path("staff/<slug:slug>/scoring/settings/", views.settings_edit, name="settings"),
    path(
        "staff/<slug:slug>/scoring/batches/<int:number>/session/",
        views.session_toggle,
        name="session-toggle",
    ),
    path(
        "staff/<slug:slug>/scoring/batches/<int:number>/vote/toggle/",
        views.vote_toggle,
        name="vote-toggle",
    ),
    path("staff/<slug:slug>/scoring/batches/<int:number>/vote/", views.vote_detail, name="vote"),
    path(
        "staff/<slug:slug>/scoring/batches/<int:number>/surveys/new/",
        views.survey_new,
        name="survey-new",
    ),
    path("staff/<slug:slug>/scoring/surveys/<int:pk>/", views.survey_detail, name="survey"),
    path("staff/<slug:slug>/scoring/surveys/<int:pk>/rates/", views.survey_rates, name="rates"),
    path(
        "staff/<slug:slug>/scoring/sessions/<int:pk>/turnout/",
        views.session_turnout,
        name="turnout",
    ),
    path(
        "staff/<slug:slug>/scoring/sessions/<int:pk>/void/",
        views.session_void,
        name="session-void",
    ),
    path(
        "staff/<slug:slug>/scoring/surveys/<int:pk>/invitations/",
        views.survey_invitations,
        name="invitations",
    ),
    path("staff/<slug:slug>/scoring/sheets/recompute/", views.sheet_recompute, name="recompute"),
    path("staff/<slug:slug>/scoring/sheets/<int:version>/", views.sheet_detail, name="sheet"),
    path(
        "staff/<slug:slug>/scoring/sheets/<int:version>/publish/",
        views.sheet_publish,
        name="publish",
    ),
    path(
        "staff/<slug:slug>/scoring/sheets/<int:version>/export/",
        views.sheet_export,
        name="export",
    ),
    path("workspace/research/<slug:slug>/scoring/", views.research_entry, name="research"),
    path("workspace/member/scoring/<int:pk>/", views.committee_ballot, name="ballot"),
    path("s/<str:token>/", views.survey_answer, name="answer"),
    path("<slug:slug>/vote/<int:number>/", views.public_vote_page, name="public-vote"),
    path("<slug:slug>/scores/", views.public_scores, name="public-scores"),
    path(
        "<slug:slug>/scores/v<int:version>/",
        views.public_scores_version,
        name="public-scores-version",
    ),
]
