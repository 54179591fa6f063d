"""The research group's score per department (问题整改成效调研)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from campaigns.models import EvaluatedDepartment

from ..models import ResearchScore
from .history import event_record
from .recompute import recompute_soon


def parse_score(value, *, what: str = "评分") -> Decimal:
    """A score 0-100 with at most two decimals, from a form string or a Decimal."""
    try:
        score = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(f"{what}必须是数字") from None
    if not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
        raise ValidationError(f"{what}必须在 0 到 100 之间")
    if score != score.quantize(Decimal("0.01")):
        raise ValidationError(f"{what}最多保留两位小数")
    return score.quantize(Decimal("0.01"))


@transaction.atomic
def research_score_set(
    *, evaluated: EvaluatedDepartment, score, justification: str, actor
) -> ResearchScore:
    """Enter or change the score; the previous value stays in the history. A refusal names
    every field at fault ("score", "justification") at once, for the page's error summary."""
    errors: dict[str, list[str]] = {}
    try:
        value = parse_score(score, what="调研评分")
    except ValidationError as exc:
        errors["score"] = exc.messages
    justification = (justification or "").strip()
    if not justification:
        errors["justification"] = ["请填写评分理由"]
    if errors:
        raise ValidationError(errors)
    previous = ResearchScore.objects.select_for_update().filter(evaluated=evaluated).first()
    row, _ = ResearchScore.objects.update_or_create(
        evaluated=evaluated,
        defaults={
            "score": value,
            "justification": justification,
            "entered_by": actor,
            "entered_at": timezone.now(),
        },
    )
    event_record(
        campaign=evaluated.campaign,
        actor=actor,
        action="research.set",
        summary=f"{evaluated.department.name} 调研评分 {value}",
        evaluated=evaluated.id,
        before=None if previous is None else str(previous.score),
        after=str(value),
        justification=justification,
    )
    recompute_soon(evaluated.campaign_id)
    return row
