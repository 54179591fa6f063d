"""/api/v1/: HTTP only. Querysets come from the apps' selectors and stay within the caller's
committee (campaigns_for_user); permissions come from the matrix (MatrixPermission)."""

from __future__ import annotations

import uuid
from pathlib import Path

from auditlog.context import auditlog_value, set_actor
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.matrix import role_of
from accounts.models import Role
from campaigns.models import Batch, Campaign, EvaluatedDepartment, VoteCandidate, VoteSession
from campaigns.selectors import campaign_overviews, campaigns_for_user, public_campaign
from core.publiccache import public_page
from hotline import selectors as hotline_selectors
from hotline.forms import ImportUploadForm
from hotline.selectors import batches_for_user as hotline_batches
from hotline.services import import_batch_create
from hotline.tasks import import_batch_task
from issues.models import KeyIssue, Suggestion
from rectification import selectors as rectification_selectors
from rectification import services as rectification_services
from scoring.models import ScoreRow, ScoreSheet
from scoring.selectors import published_versions

from . import filters, serializers
from .idempotency import IdempotentMixin
from .models import Scope
from .permissions import MatrixPermission

PUBLIC = {"read": ("public_page", "view")}


class MatrixViewSet(IdempotentMixin, viewsets.ReadOnlyModelViewSet):
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
            .select_related("campaign", "corrects")
            .prefetch_related(Prefetch("rows", queryset=rows))
        )


# --- public: only what the public pages show ---------------------------------------------
# Served from the public page cache (core/publiccache.py) like the pages themselves: the list
# is site-wide, the rest keyed by the campaign slug. A cache hit skips the anonymous throttle
# too, which guards the database, and a hit costs no query.
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
        upload = form.cleaned_data["file"]  # size, type and zip-bomb checks: the form's
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


# --- rectification: plans, measures, progress updates ----------------------------------------
# Liaisons write their own department's (the querysets hold nothing else, so another
# department's object is a 404), staff review; every write goes through
# rectification.services, so versions, review and the history read as on the pages.
def _service(request, call):
    """Run a service as the request's user: DRF authenticates tokens after django-auditlog's
    middleware has run, so the audit entries get their actor and address here."""
    # The middleware's context has the client address (X-Forwarded-For aware) but no actor.
    context = auditlog_value.get({})
    address = context.get("remote_addr", request.META.get("REMOTE_ADDR"))
    try:
        with set_actor(request.user, address, context.get("remote_port")):
            return call()
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ValidationError(exc.message_dict) from exc
        raise ValidationError({"non_field_errors": exc.messages}) from exc


class RectificationViewSet(
    IdempotentMixin, mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    permission_classes = [MatrixPermission]
    http_method_names = ["get", "post", "patch", "head", "options"]
    matrix = {
        "read": ("rectification_api", "read"),
        "write": ("rectification_api", "report"),
        # staff review actions (publish, return, close) name their own row
        "publish": ("rectification", "change"),
        "return_update": ("rectification", "change"),
        "close": ("rectification", "change"),
    }
    scopes = {
        "read": Scope.RECTIFICATION_READ,
        "write": Scope.RECTIFICATION_WRITE,
        "publish": Scope.RECTIFICATION_WRITE,
        "return_update": Scope.RECTIFICATION_WRITE,
        "close": Scope.RECTIFICATION_WRITE,
    }

    def _reply(self, obj, code=status.HTTP_200_OK):
        obj = self.get_queryset().get(pk=obj.pk)  # re-read with the list's joins
        return Response(self.get_serializer(obj).data, status=code)


class PlanViewSet(RectificationViewSet):
    """整改方案。联络员编制本部门的方案并提交审核；工作人员公开（生成新的承诺版本）。"""

    serializer_class = serializers.PlanSerializer
    filterset_class = filters.PlanFilter
    object_perm = "rectification.view_plan"
    object_perms = {
        "write": "rectification.report_plan",
        "publish": "rectification.review_plan",
    }
    ordering_fields = ["updated_at", "deadline"]
    ordering = ["key_issue__department__campaign", "key_issue__department__position", "id"]

    def get_queryset(self):
        return rectification_selectors.plans_with_context(user=self.request.user)

    def create(self, request, *args, **kwargs):
        """Open (or fetch) the plan of a confirmed key issue of one's own department."""
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        issue = rectification_selectors.key_issue_for_liaison(
            user=request.user, pk=data.validated_data["key_issue_id"]
        )
        plan = _service(request, lambda: rectification_services.plan_get_or_create(key_issue=issue))
        change = {k: v for k, v in data.validated_data.items() if k in ("goals", "deadline")}
        if change:
            self._change(plan, change)
        return self._reply(plan, status.HTTP_201_CREATED)

    @extend_schema(request=serializers.PlanChangeSerializer)
    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        data = serializers.PlanChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self._change(plan, data.validated_data)
        return self._reply(plan)

    def _change(self, plan, change):
        goals = change.get("goals", plan.goals)
        deadline = change.get("deadline", plan.deadline)
        _service(
            self.request,
            lambda: rectification_services.plan_update(
                plan=plan, actor=self.request.user, goals=goals, deadline=deadline
            ),
        )

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """联络员提交审核。"""
        plan = self.get_object()
        _service(request, lambda: rectification_services.plan_submit(plan=plan, actor=request.user))
        return self._reply(plan)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """工作人员公开联络员提交的方案，生成新的公开承诺版本。"""
        plan = self.get_object()
        _service(
            request, lambda: rectification_services.plan_publish(plan=plan, actor=request.user)
        )
        return self._reply(plan)


class MeasureViewSet(RectificationViewSet):
    """整改措施（台账）。联络员新增、修改、标记完成；工作人员销号。"""

    serializer_class = serializers.MeasureSerializer
    filterset_class = filters.MeasureFilter
    object_perm = "rectification.view_measure"
    object_perms = {
        "write": "rectification.report_measure",
        "close": "rectification.review_measure",
    }
    ordering_fields = ["deadline", "position"]
    ordering = ["plan", "position", "id"]

    def get_queryset(self):
        return rectification_selectors.measures_for_user(user=self.request.user)

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        plan = get_object_or_404(
            rectification_selectors.plans_for_user(user=request.user), pk=fields.pop("plan_id")
        )
        if not request.user.has_perm("rectification.report_plan", plan):
            raise PermissionDenied("只有本部门联络员可以填写整改措施。")
        measure = _service(
            request,
            lambda: rectification_services.measure_save(plan=plan, actor=request.user, **fields),
        )
        return self._reply(measure, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        measure = self.get_object()
        data = self.get_serializer(measure, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k != "plan_id"}
        _service(
            request,
            lambda: rectification_services.measure_save(
                plan=measure.plan, actor=request.user, measure=measure, **fields
            ),
        )
        return self._reply(measure)

    @extend_schema(request=serializers.MeasureDoneSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        """联络员标记完成（须写明完成情况和佐证）。"""
        measure = self.get_object()
        data = serializers.MeasureDoneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _service(
            request,
            lambda: rectification_services.measure_mark_done(
                measure=measure, actor=request.user, evidence=data.validated_data["evidence"]
            ),
        )
        return self._reply(measure)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """工作人员销号（部门已标记完成的措施）。"""
        measure = self.get_object()
        _service(
            request,
            lambda: rectification_services.measure_close(measure=measure, actor=request.user),
        )
        return self._reply(measure)


class ProgressUpdateViewSet(
    IdempotentMixin, mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    """整改进展。联络员报送（可附图片或 PDF），工作人员审核后公开或退回。"""

    permission_classes = [MatrixPermission]
    http_method_names = ["get", "post", "head", "options"]
    matrix = RectificationViewSet.matrix
    scopes = RectificationViewSet.scopes
    serializer_class = serializers.ProgressUpdateSerializer
    filterset_class = filters.ProgressUpdateFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    object_perm = "rectification.view_progressupdate"
    object_perms = {
        "publish": "rectification.review_progressupdate",
        "return_update": "rectification.review_progressupdate",
    }
    ordering_fields = ["created_at", "published_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return rectification_selectors.updates_for_user(user=self.request.user)

    _reply = RectificationViewSet._reply

    @extend_schema(
        request={
            "application/json": serializers.ProgressUpdateCreateSerializer,
            "multipart/form-data": serializers.ProgressUpdateCreateSerializer,
        },
        responses={201: serializers.ProgressUpdateSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = serializers.ProgressUpdateCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        plan = get_object_or_404(
            rectification_selectors.plans_for_user(user=request.user), pk=fields["plan"]
        )
        if not request.user.has_perm("rectification.report_plan", plan):
            raise PermissionDenied("只有本部门联络员可以报送整改进展。")
        update = _service(
            request,
            lambda: rectification_services.update_create(
                plan=plan,
                actor=request.user,
                text=fields["text"],
                percent=fields["percent"],
                values=fields.get("values") or {},
                files=[(f.name, f.read()) for f in fields.get("files") or []],
            ),
        )
        return self._reply(update, status.HTTP_201_CREATED)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """工作人员公开待审核的进展。"""
        update = self.get_object()
        _service(
            request,
            lambda: rectification_services.update_publish(update=update, actor=request.user),
        )
        return self._reply(update)

    @extend_schema(request=serializers.ProgressUpdateReturnSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_update(self, request, pk=None):
        """工作人员退回待审核的进展（写明理由）。"""
        update = self.get_object()
        data = serializers.ProgressUpdateReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _service(
            request,
            lambda: rectification_services.update_return(
                update=update, actor=request.user, reason=data.validated_data["reason"]
            ),
        )
        return self._reply(update)


@extend_schema_view(
    list=extend_schema(operation_id="public_progress_list"),
    retrieve=extend_schema(
        operation_id="public_progress_retrieve",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    ),
)
@method_decorator(public_page, name="dispatch")
class PublicProgressViewSet(viewsets.ReadOnlyModelViewSet):
    """公开：已公开整改承诺的重点整改问题、台账和已公开的进展（与公开整改进展页相同）。"""

    lookup_value_regex = r"\d+"
    serializer_class = serializers.PublicProgressSerializer
    permission_classes = [AllowAny, MatrixPermission]
    authentication_classes: list = []
    matrix = PUBLIC
    public = True
    filter_backends: list = []

    def get_queryset(self):
        campaign = public_campaign(slug=self.kwargs["slug"])
        return rectification_selectors.public_progress_issues(campaign=campaign)

    def get_serializer(self, instance=None, *args, **kwargs):
        today = timezone.localdate()
        if isinstance(instance, list | QuerySet):
            instance = [
                rectification_selectors.issue_progress(issue=i, today=today) for i in instance
            ]
        elif instance is not None:
            instance = rectification_selectors.issue_progress(issue=instance, today=today)
        return super().get_serializer(instance, *args, **kwargs)


# --- hotline: tickets (staff) and the monthly aggregates --------------------------------------
def _hotline_departments(user):
    """The departments a user's committee evaluates; None for admins (every department)."""
    if role_of(user) == Role.ADMIN:
        return None
    evaluated = EvaluatedDepartment.objects.filter(campaign__in=campaigns_for_user(user=user))
    return evaluated.values("department_id")


class HotlineRecordViewSet(MatrixViewSet):
    """12345 热线工单明细（工作人员）。不含来电号码（系统不保存）；来电人标识为密钥散列。"""

    serializer_class = serializers.HotlineRecordSerializer
    filterset_class = filters.HotlineRecordFilter
    object_perm = "hotline.view_hotlinerecord"
    matrix = {"read": ("hotline_records", "view")}
    scopes = {"read": Scope.HOTLINE_RECORDS_READ}
    search_fields = ["ticket_no"]
    ordering_fields = ["received_at", "id"]
    ordering = ["-received_at", "-id"]

    def get_queryset(self):
        departments = _hotline_departments(self.request.user)
        return hotline_selectors.records_for_departments(department_ids=departments)


class HotlineAggregateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """热线统计：每个部门每月的工单量、满意、基本满意、不满意和满意率（来自月度汇总表）。"""

    permission_classes = [MatrixPermission]
    serializer_class = serializers.HotlineAggregateSerializer
    filterset_class = filters.HotlineAggregateFilter
    matrix = {"read": ("hotline_analytics", "view")}
    scopes = {"read": Scope.HOTLINE_READ}
    ordering_fields = ["month", "total"]
    ordering = ["month", "department__name"]

    def get_queryset(self):
        departments = _hotline_departments(self.request.user)
        return hotline_selectors.monthly_totals(department_ids=departments)
