"""Tally of a selection vote (票决) that picks the departments of a batch.

Pure logic, no Django: the service that closes a vote loads the ballots, calls `tally()`
and stores the result. Rules, as the standing committee applies them:

* each member chooses up to `slots` candidates, or abstains with an empty ballot; an empty
  ballot is still a ballot cast, so abstaining makes the majority harder to reach;
* a candidate is selected when it ranks within the top `slots` by votes AND is chosen on
  more than half of the ballots cast (strictly more: exactly half is not enough);
* when candidates with equal votes straddle the last slot, the vote cannot decide between
  them: they are reported as tied, neither selected nor rejected, together with the
  number of slots a run-off among only them has to fill;
* quorum: given the roll (the members entitled to vote, fixed when the vote opened), the
  vote is valid only when more than half of the roll cast a ballot; an invalid vote
  selects nobody and cannot be published.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class TallyResult(Generic[K]):
    votes: dict[K, int]  # every candidate, in candidate order, zero included
    ballots_cast: int
    abstentions: int  # empty ballots, already counted in ballots_cast
    threshold: int  # votes needed: strictly more than half of ballots_cast
    slots: int
    selected: list[K]  # votes desc, then candidate order
    not_selected: list[K]  # same order; excludes the tied candidates
    tied: list[K]  # straddle the last slot: to be settled by a run-off
    runoff_slots: int  # slots the run-off among `tied` must fill; 0 when no tie
    roll: int | None = None  # members entitled to vote; None: quorum not checked
    quorate: bool = True  # more than half of the roll voted

    @property
    def is_decided(self) -> bool:
        return not self.tied

    @property
    def invalid_reason(self) -> str:
        if self.quorate:
            return ""
        return quorum_message(self.ballots_cast, self.roll or 0)


def quorum_met(ballots_cast: int, roll: int) -> bool:
    """Strictly more than half of the roll voted."""
    return 2 * ballots_cast > roll


def quorum_message(ballots_cast: int, roll: int) -> str:
    return (
        f"收回选票 {ballots_cast} 张，未超过应投票人数 {roll} 人的半数，"
        "本轮票决未达法定人数，结果无效，不能公布。"
    )


def tally(
    candidates: Sequence[K],
    ballots: Iterable[Collection[K]],
    slots: int,
    *,
    roll: int | None = None,
) -> TallyResult[K]:
    """Count the ballots; raises ValueError (Chinese message, shown to staff) on bad input.
    With `roll`, a vote where no more than half of the roll voted selects nobody."""
    if slots < 1:
        raise ValueError("应选名额必须至少为1个")
    order: dict[K, int] = {}
    for candidate in candidates:
        if candidate in order:
            raise ValueError(f"候选对象重复：{candidate}")
        order[candidate] = len(order)

    votes: dict[K, int] = dict.fromkeys(candidates, 0)
    ballots_cast = abstentions = 0
    for number, ballot in enumerate(ballots, start=1):
        _validate_ballot(ballot, number=number, known=order, slots=slots)
        ballots_cast += 1
        if not ballot:
            abstentions += 1
        for choice in ballot:
            votes[choice] += 1

    threshold = ballots_cast // 2 + 1
    ranked = sorted(candidates, key=lambda c: (-votes[c], order[c]))
    # With zero ballots the threshold is 1 and nobody has a vote, so nobody qualifies.
    qualified = [c for c in ranked if votes[c] >= threshold]

    quorate = roll is None or quorum_met(ballots_cast, roll)
    if not quorate:
        qualified = []

    selected: list[K]
    tied: list[K] = []
    if len(qualified) <= slots:
        selected = qualified
    else:
        boundary = votes[qualified[slots - 1]]
        if votes[qualified[slots]] == boundary:
            # Equal votes on both sides of the last slot: the vote decides only those above.
            selected = [c for c in qualified if votes[c] > boundary]
            tied = [c for c in qualified if votes[c] == boundary]
        else:
            selected = qualified[:slots]
    decided = set(selected) | set(tied)
    not_selected = [c for c in ranked if c not in decided]

    return TallyResult(
        votes=votes,
        ballots_cast=ballots_cast,
        abstentions=abstentions,
        threshold=threshold,
        slots=slots,
        selected=selected,
        not_selected=not_selected,
        tied=tied,
        runoff_slots=slots - len(selected) if tied else 0,
        roll=roll,
        quorate=quorate,
    )


def _validate_ballot(
    ballot: Collection[K], *, number: int, known: dict[K, int], slots: int
) -> None:
    # A bare string is a Collection of characters: refuse it rather than count letters.
    if isinstance(ballot, str | bytes):
        raise ValueError(f"第{number}张选票格式不正确")
    if len(ballot) > slots:
        raise ValueError(f"第{number}张选票选择了{len(ballot)}个对象，超过应选名额{slots}个")
    seen: set[K] = set()
    for choice in ballot:
        if choice not in known:
            raise ValueError(f"第{number}张选票选择了非候选对象：{choice}")
        if choice in seen:
            raise ValueError(f"第{number}张选票重复选择了：{choice}")
        seen.add(choice)
