"""/api/v1/ views of suggestions and key issues."""

from __future__ import annotations

from issues.models import KeyIssue, Suggestion

from .. import filters, serializers
from ..models import Scope
from .base import MatrixViewSet


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
