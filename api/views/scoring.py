"""/api/v1/ views of score sheets, staff and public."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny

from campaigns.selectors import public_campaign
from core.publiccache import public_page
from scoring.models import ScoreRow, ScoreSheet
from scoring.selectors import published_versions

from .. import filters, serializers
from ..models import Scope
from ..permissions import MatrixPermission
from .base import PUBLIC, MatrixViewSet


class ScoreSheetViewSet(MatrixViewSet):
    """测评结果表（各版本，含未公布的）。"""

    serializer_class = serializers.ScoreSheetSerializer
    filterset_class = filters.ScoreSheetFilter
    object_perm = "scoring.view_scoresheet"
    matrix = {"read": ("scoring", "view")}
    scopes = {"read": Scope.SCORES_READ}
    ordering_fields = ["version", "created_at"]
    ordering = ["campaign", "-version"]

    def get_queryset(self):
        rows = ScoreRow.objects.order_by("rank_campaign", "department_name")
        return (
            ScoreSheet.objects.filter(campaign__in=self.campaigns())
            .select_related("campaign", "corrects")
            .prefetch_related(Prefetch("rows", queryset=rows))
        )


# --- public: only what the public pages show ---------------------------------------------
# Served from the public page cache (core/publiccache.py) like the pages themselves: the list
# is site-wide, the rest keyed by the campaign slug. A cache hit skips the anonymous throttle
# too, which guards the database, and a hit costs no query.
@method_decorator(public_page, name="dispatch")
class PublicScoresView(generics.RetrieveAPIView):
    """公开：已公布的测评结果（与公开测评结果页相同）：现行版本、更正说明和历次公布的版本。
    `?version=N` 读取较早公布的第 N 版。未公布时 404。"""

    serializer_class = serializers.PublicScoreSheetSerializer
    permission_classes = [AllowAny, MatrixPermission]
    authentication_classes: list = []
    matrix = PUBLIC
    public = True

    @extend_schema(
        operation_id="public_scores_retrieve",
        parameters=[OpenApiParameter("version", int, description="已公布的版本号；缺省为现行版本")],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def _versions(self):
        if not hasattr(self, "_published"):
            campaign = public_campaign(slug=self.kwargs["slug"])
            self._published = published_versions(campaign=campaign)
        return self._published

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "versions": self._versions()}

    def get_object(self):
        versions = self._versions()
        wanted = self.request.query_params.get("version")
        sheet = versions[0] if versions else None
        if wanted is not None:
            sheet = next((v for v in versions if str(v.version) == wanted.strip()), None)
        return get_object_or_404(
            ScoreSheet.objects.prefetch_related(
                Prefetch("rows", queryset=ScoreRow.objects.order_by("rank_campaign"))
            ).select_related("campaign", "published_by", "corrects"),
            pk=getattr(sheet, "pk", None),
        )


# --- hotline: systems push ticket files, then poll the batch --------------------------------
