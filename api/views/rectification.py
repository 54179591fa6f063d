"""/api/v1/ views of plans, measures, progress updates and public progress."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from campaigns.selectors import public_campaign
from core.publiccache import public_page
from core.upload_handlers import upload_limits
from rectification import selectors as rectification_selectors
from rectification import services as rectification_services

from .. import filters, serializers
from ..idempotency import IdempotentMixin
from ..models import Scope
from ..permissions import MatrixPermission
from .base import PUBLIC, _service


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
        "return_plan": ("rectification", "change"),
        "return_update": ("rectification", "change"),
        "close": ("rectification", "change"),
    }
    scopes = {
        "read": Scope.RECTIFICATION_READ,
        "write": Scope.RECTIFICATION_WRITE,
        "publish": Scope.RECTIFICATION_WRITE,
        "return_plan": Scope.RECTIFICATION_WRITE,
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
        "return_plan": "rectification.review_plan",
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

    @extend_schema(request=serializers.ProgressUpdateReturnSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_plan(self, request, pk=None):
        """工作人员把联络员提交的方案退回修改（写明理由）。"""
        plan = self.get_object()
        data = serializers.ProgressUpdateReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _service(
            request,
            lambda: rectification_services.plan_return(
                plan=plan, actor=request.user, reason=data.validated_data["reason"]
            ),
        )
        return self._reply(plan)


class MeasureViewSet(RectificationViewSet):
    """整改措施（台账）。联络员新增、修改、标记完成；工作人员销号。"""

    serializer_class = serializers.MeasureSerializer
    filterset_class = filters.MeasureFilter
    http_method_names = [*RectificationViewSet.http_method_names, "delete"]
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

    def destroy(self, request, *args, **kwargs):
        """联络员删除误加的措施（尚无任何进展时）；已有进展的只能撤回。"""
        measure = self.get_object()
        _service(
            request,
            lambda: rectification_services.measure_delete(measure=measure, actor=request.user),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=serializers.MeasureWithdrawSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """联络员撤回措施（须写明理由）；措施保留，公开页面显示“已撤回”和理由。"""
        measure = self.get_object()
        data = serializers.MeasureWithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _service(
            request,
            lambda: rectification_services.measure_withdraw(
                measure=measure, actor=request.user, reason=data.validated_data["reason"]
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


@upload_limits(
    per_file=rectification_services.attachment_max_bytes,
    per_request=rectification_services.attachments_max_total,
)
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
                files=[(f.name, f) for f in fields.get("files") or []],
                caption=fields.get("caption", ""),
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
