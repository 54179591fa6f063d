"""/api/v1/: HTTP only. Querysets come from the apps' selectors and stay within the caller's
committee (campaigns_for_user); permissions come from the matrix (MatrixPermission)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from campaigns.models import Batch, Campaign, EvaluatedDepartment, VoteCandidate, VoteSession
from campaigns.selectors import campaign_overviews, campaigns_for_user, public_campaign
from hotline.forms import ImportUploadForm
from hotline.selectors import batches_for_user as hotline_batches
from hotline.services import import_batch_create
from hotline.tasks import import_batch_task
from issues.models import KeyIssue, Suggestion
from pingyi.uploads import UnsafeUploadError, check_xlsx_archive
from scoring.models import ScoreRow, ScoreSheet
from scoring.selectors import published_sheet

from . import filters, serializers
from .models import Scope
from .permissions import MatrixPermission

PUBLIC = {"read": ("public_page", "view")}


class MatrixViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [MatrixPermission]
    matrix: dict = {}
    scopes: dict = {}

    def campaigns(self):
        return campaigns_for_user(user=self.request.user)


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


class SuggestionViewSet(MatrixViewSet):
    """意见建议（工作人员）。不含联系方式。"""

    serializer_class = serializers.SuggestionSerializer
    filterset_class = filters.SuggestionFilter
    object_perm = "issues.view_suggestion"
    matrix = {"read": ("suggestion", "view")}
    scopes = {"read": Scope.SUGGESTIONS_READ}
    search_fields = ["text", "receipt"]
    ordering_fields = ["submitted_on", "receipt"]
    ordering = ["-submitted_on", "-id"]

    def get_queryset(self):
        return Suggestion.objects.filter(campaign__in=self.campaigns()).select_related(
            "campaign", "department__department", "theme"
        )


class KeyIssueViewSet(MatrixViewSet):
    """重点整改问题。"""

    serializer_class = serializers.KeyIssueSerializer
    filterset_class = filters.KeyIssueFilter
    object_perm = "issues.view_keyissue"
    matrix = {"read": ("key_issue", "view")}
    scopes = {"read": Scope.KEY_ISSUES_READ}
    ordering_fields = ["position", "title"]
    ordering = ["department__campaign", "department__position", "position"]

    def get_queryset(self):
        return KeyIssue.objects.filter(department__campaign__in=self.campaigns()).select_related(
            "department__campaign", "department__department"
        )


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
            .select_related("campaign")
            .prefetch_related(Prefetch("rows", queryset=rows))
        )


# --- public: only what the public pages show ---------------------------------------------
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


class PublicScoresView(generics.RetrieveAPIView):
    """公开：已公布的测评结果（与公开测评结果页相同）。未公布时 404。"""

    serializer_class = serializers.PublicScoreSheetSerializer
    permission_classes = [AllowAny, MatrixPermission]
    authentication_classes: list = []
    matrix = PUBLIC
    public = True

    @extend_schema(operation_id="public_scores_retrieve")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        campaign = public_campaign(slug=self.kwargs["slug"])
        sheet = published_sheet(campaign=campaign)
        return get_object_or_404(
            ScoreSheet.objects.prefetch_related(
                Prefetch("rows", queryset=ScoreRow.objects.order_by("rank_campaign"))
            ).select_related("campaign"),
            pk=getattr(sheet, "pk", None),
        )


# --- hotline: systems push ticket files, then poll the batch --------------------------------
class HotlineImportViewSet(mixins.CreateModelMixin, MatrixViewSet):
    """12345 热线工单导入批次：上传文件（异步导入），查询状态和导入报告。"""

    serializer_class = serializers.HotlineImportSerializer
    matrix = {"read": ("hotline_import", "view"), "write": ("hotline_import", "change")}
    scopes = {"read": Scope.HOTLINE_READ, "write": Scope.HOTLINE_WRITE}
    parser_classes = [MultiPartParser, FormParser]
    filterset_fields = ["state"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return hotline_batches(user=self.request.user)

    @extend_schema(
        request=serializers.HotlineUploadSerializer,
        responses={202: serializers.HotlineImportSerializer},
    )
    def create(self, request, *args, **kwargs):
        # The page's form, so the API has the same size limit and messages.
        data = request.POST.copy()  # fields only: files are not deep-copied
        if not data.get("source"):
            data["source"] = "12345热线"
        form = ImportUploadForm(data, request.FILES)
        if not form.is_valid():
            raise ValidationError({k: [str(e) for e in v] for k, v in form.errors.items()})
        upload = form.cleaned_data["file"]
        try:
            check_xlsx_archive(upload.file)  # refuse a zip bomb before storing it
        except UnsafeUploadError as exc:
            raise ValidationError({"file": [str(exc)]}) from exc
        finally:
            upload.seek(0)
        name = Path(upload.name).name[-120:] or "upload"
        stored = default_storage.save(f"hotline/{uuid.uuid4().hex}/{name}", upload)
        with transaction.atomic():
            batch = import_batch_create(
                source_name=form.cleaned_data["source"],
                path=default_storage.path(stored),
                file_name=name,
                sheet=form.cleaned_data["sheet"],
                actor=request.user,
            )
            transaction.on_commit(lambda: import_batch_task.delay(batch.pk))
        data = self.get_serializer(batch).data
        return Response(data, status=status.HTTP_202_ACCEPTED)
