"""The guards campaigns itself puts on stages (other apps add theirs the same way)."""

from .stages import Stage, register_guard


@register_guard(Stage.SUGGESTIONS)
def selection_is_decided(batch) -> list[str]:
    """Suggestion collection starts once the vote result is published: the batch then
    has its evaluated departments and no vote still open or waiting to be published."""
    from .models import VoteSession

    errors = []
    if batch.vote_sessions.exclude(state=VoteSession.State.PUBLISHED).exists():
        errors.append("票决尚未结束或结果尚未公布。")
    if not batch.evaluated.exists():
        errors.append("该批次还没有被评议部门（单位）：请先完成票决并公布结果。")
    return errors
