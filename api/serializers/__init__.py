"""Output shapes of /api/v1/, one module per domain. Public serializers carry only what public
pages show."""

from .campaigns import (
    BatchSerializer,
    CampaignSerializer,
    EvaluatedDepartmentSerializer,
    PublicBatchSerializer,
    PublicCampaignSerializer,
    PublicDepartmentSerializer,
    VoteCandidateResultSerializer,
    VoteResultSerializer,
)
from .hotline import (
    HotlineAggregateSerializer,
    HotlineImportSerializer,
    HotlineRecordSerializer,
    HotlineUploadSerializer,
)
from .issues import KeyIssueSerializer, SuggestionSerializer
from .rectification import (
    AttachmentSerializer,
    IndicatorValueSerializer,
    MeasureDoneSerializer,
    MeasureSerializer,
    MeasureWithdrawSerializer,
    PlanChangeSerializer,
    PlanSerializer,
    ProgressUpdateCreateSerializer,
    ProgressUpdateReturnSerializer,
    ProgressUpdateSerializer,
    PublicMeasureSerializer,
    PublicProgressSerializer,
    PublicUpdateSerializer,
)
from .scoring import (
    CorrectionChangeSerializer,
    CorrectionNoteSerializer,
    PublicScoreSheetSerializer,
    PublishedVersionSerializer,
    ScoreRowSerializer,
    ScoreSheetSerializer,
)

__all__ = [
    "EvaluatedDepartmentSerializer",
    "BatchSerializer",
    "CampaignSerializer",
    "PublicDepartmentSerializer",
    "PublicBatchSerializer",
    "PublicCampaignSerializer",
    "VoteCandidateResultSerializer",
    "VoteResultSerializer",
    "SuggestionSerializer",
    "KeyIssueSerializer",
    "ScoreRowSerializer",
    "ScoreSheetSerializer",
    "CorrectionChangeSerializer",
    "CorrectionNoteSerializer",
    "PublishedVersionSerializer",
    "PublicScoreSheetSerializer",
    "HotlineImportSerializer",
    "HotlineUploadSerializer",
    "HotlineRecordSerializer",
    "HotlineAggregateSerializer",
    "PlanSerializer",
    "PlanChangeSerializer",
    "MeasureSerializer",
    "MeasureDoneSerializer",
    "MeasureWithdrawSerializer",
    "IndicatorValueSerializer",
    "AttachmentSerializer",
    "ProgressUpdateSerializer",
    "ProgressUpdateCreateSerializer",
    "ProgressUpdateReturnSerializer",
    "PublicMeasureSerializer",
    "PublicUpdateSerializer",
    "PublicProgressSerializer",
]
