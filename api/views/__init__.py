"""/api/v1/: HTTP only, one module per domain. Querysets come from the apps' selectors and stay
within the caller's committee (campaigns_for_user); permissions come from the matrix
(MatrixPermission)."""

from .base import MatrixViewSet
from .campaigns import (
    BatchViewSet,
    CampaignViewSet,
    EvaluatedDepartmentViewSet,
    PublicCampaignViewSet,
    VoteResultViewSet,
)
from .hotline import HotlineAggregateViewSet, HotlineImportViewSet, HotlineRecordViewSet
from .issues import KeyIssueViewSet, SuggestionViewSet
from .rectification import (
    MeasureViewSet,
    PlanViewSet,
    ProgressUpdateViewSet,
    PublicProgressViewSet,
    RectificationViewSet,
)
from .scoring import PublicScoresView, ScoreSheetViewSet

__all__ = [
    "MatrixViewSet",
    "CampaignViewSet",
    "BatchViewSet",
    "EvaluatedDepartmentViewSet",
    "VoteResultViewSet",
    "PublicCampaignViewSet",
    "SuggestionViewSet",
    "KeyIssueViewSet",
    "ScoreSheetViewSet",
    "PublicScoresView",
    "HotlineImportViewSet",
    "HotlineRecordViewSet",
    "HotlineAggregateViewSet",
    "RectificationViewSet",
    "PlanViewSet",
    "MeasureViewSet",
    "ProgressUpdateViewSet",
    "PublicProgressViewSet",
]
