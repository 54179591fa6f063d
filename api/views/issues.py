"""/api/v1/ views of suggestions and key issues."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import SearchFilter

from issues.models import KeyIssue, Suggestion
from issues.selectors import suggestion_answers_prefetch

from .. import filters, serializers
from ..models import Scope
from ..pagination import KeysetPagination
from .base import MatrixViewSet


class SuggestionViewSet(MatrixViewSet):
    """意见建议（工作人员）。不含联系方式。"""

    serializer_class = serializers.SuggestionSerializer
    filterset_class = filters.SuggestionFilter
    object_perm = "issues.view_suggestion"
    matrix = {"read": ("suggestion", "view")}
    scopes = {"read": Scope.SUGGESTIONS_READ}
    search_fields = ["text", "receipt"]
    # Cursor pages on (submitted_on, id), newest first (see api/pagination.py).
    pagination_class = KeysetPagination
    cursor_field = "submitted_on"
    filter_backends = [DjangoFilterBackend, SearchFilter]

    def get_queryset(self):
        return (
            Suggestion.objects.filter(campaign__in=self.campaigns())
            .select_related("campaign", "department__department", "theme")
            .prefetch_related(suggestion_answers_prefetch())
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
