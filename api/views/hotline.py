"""/api/v1/ views of hotline imports, records and aggregates."""

from __future__ import annotations

from django.db import transaction
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.matrix import role_of
from accounts.models import Role
from campaigns.models import EvaluatedDepartment
from campaigns.selectors import campaigns_for_user
from core.upload_handlers import upload_limits
from hotline import conf as hotline_conf
from hotline import selectors as hotline_selectors
from hotline.forms import ImportUploadForm
from hotline.selectors import batches_for_user as hotline_batches
from hotline.services import import_batch_upload
from hotline.tasks import import_batch_task

from .. import filters, serializers
from ..models import Scope
from ..pagination import KeysetPagination
from ..permissions import MatrixPermission
from .base import MatrixViewSet


@upload_limits(per_file=hotline_conf.upload_max_bytes)
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
        with transaction.atomic():
            batch = import_batch_upload(
                upload=form.cleaned_data["file"],  # size, type and zip-bomb checks: the form's
                source_name=form.cleaned_data["source"],
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
    # Cursor pages on (received_at, id), newest first (see api/pagination.py): no COUNT(*),
    # no OFFSET. No ?search= (a substring match reads every record): ?ticket_no= is exact.
    pagination_class = KeysetPagination
    cursor_field = "received_at"
    filter_backends = [DjangoFilterBackend]

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
