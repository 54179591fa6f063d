"""/api/v1/ views of campaigns, batches, evaluated departments and selection-vote results."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.decorators import method_decorator
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from campaigns.models import Batch, Campaign, EvaluatedDepartment, VoteCandidate, VoteSession
from campaigns.selectors import campaign_overviews
from core.publiccache import public_page

from .. import filters, serializers
from ..models import Scope
from ..permissions import MatrixPermission
from .base import PUBLIC, MatrixViewSet


class CampaignViewSet(MatrixViewSet):
    """评议活动（本人所属人大常委会）。"""

    serializer_class = serializers.CampaignSerializer
    object_perm = "campaigns.view_campaign"
    matrix = {"read": ("campaign", "view")}
    scopes = {"read": Scope.CAMPAIGNS_READ}
    lookup_field = "slug"
    filterset_fields = ["year"]
    ordering_fields = ["year", "title"]
    ordering = ["-year", "title"]

    def get_queryset(self):
        return self.campaigns()


class BatchViewSet(MatrixViewSet):
    """评议批次。"""

    serializer_class = serializers.BatchSerializer
    filterset_class = filters.BatchFilter
    object_perm = "campaigns.view_batch"
    matrix = {"read": ("campaign", "view")}
    scopes = {"read": Scope.CAMPAIGNS_READ}
    ordering_fields = ["number", "vote_date"]
    ordering = ["campaign", "number"]

    def get_queryset(self):
        return Batch.objects.filter(campaign__in=self.campaigns()).select_related("campaign")


class EvaluatedDepartmentViewSet(MatrixViewSet):
    """被评议部门（单位）。"""

    serializer_class = serializers.EvaluatedDepartmentSerializer
    filterset_class = filters.EvaluatedDepartmentFilter
    object_perm = "campaigns.view_evaluateddepartment"
    matrix = {"read": ("campaign", "view")}
    scopes = {"read": Scope.CAMPAIGNS_READ}
    ordering_fields = ["position", "department__name"]
    ordering = ["batch__number", "position"]

    def get_queryset(self):
        return EvaluatedDepartment.objects.filter(campaign__in=self.campaigns()).select_related(
            "campaign", "batch", "department"
        )


class VoteResultViewSet(MatrixViewSet):
    """票决结果：只有计票结果，不含任何选票。"""

    serializer_class = serializers.VoteResultSerializer
    filterset_class = filters.VoteFilter
    object_perm = "campaigns.view_votesession"
    matrix = {"read": ("selection_vote", "manage")}
    scopes = {"read": Scope.VOTES_READ}
    ordering_fields = ["round", "closed_at"]
    ordering = ["batch__campaign", "batch__number", "round"]

    def get_queryset(self):
        candidates = VoteCandidate.objects.select_related("department", "session").order_by(
            "position"
        )
        return (
            VoteSession.objects.filter(batch__campaign__in=self.campaigns())
            .select_related("batch__campaign")
            .prefetch_related(Prefetch("candidates", queryset=candidates))
        )


@method_decorator(public_page, name="dispatch")
class PublicCampaignViewSet(viewsets.ReadOnlyModelViewSet):
    """公开：评议活动、批次和被评议部门（与公开页面相同）。"""

    serializer_class = serializers.PublicCampaignSerializer
    permission_classes = [AllowAny, MatrixPermission]
    authentication_classes: list = []
    matrix = PUBLIC
    public = True
    lookup_field = "slug"
    filterset_fields = ["year"]
    ordering_fields = ["year"]
    ordering = ["-year", "slug"]

    def get_queryset(self):
        return campaign_overviews(campaigns=Campaign.objects.all())
