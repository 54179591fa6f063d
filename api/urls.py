from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("batches", views.BatchViewSet, basename="batch")
router.register("departments", views.EvaluatedDepartmentViewSet, basename="department")
router.register("votes", views.VoteResultViewSet, basename="vote")
router.register("suggestions", views.SuggestionViewSet, basename="suggestion")
router.register("key-issues", views.KeyIssueViewSet, basename="key-issue")
router.register("score-sheets", views.ScoreSheetViewSet, basename="score-sheet")
router.register("hotline/imports", views.HotlineImportViewSet, basename="hotline-import")
router.register("hotline/records", views.HotlineRecordViewSet, basename="hotline-record")
router.register("hotline/aggregates", views.HotlineAggregateViewSet, basename="hotline-aggregate")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("measures", views.MeasureViewSet, basename="measure")
router.register("progress-updates", views.ProgressUpdateViewSet, basename="progress-update")
router.register("public/campaigns", views.PublicCampaignViewSet, basename="public-campaign")
router.register(
    r"public/campaigns/(?P<slug>[-a-zA-Z0-9_]+)/progress",
    views.PublicProgressViewSet,
    basename="public-progress",
)

urlpatterns = [
    path("v1/", include(router.urls)),
    path(
        "v1/public/campaigns/<slug:slug>/scores/",
        views.PublicScoresView.as_view(),
        name="public-scores",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Split view: the page loads Swagger UI and its initialiser as files (no inline script,
    # so the CSP holds), from drf-spectacular-sidecar's local copy (no CDN).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
