"""Scoring formulas of an evaluation campaign, exactly as `shared/spec/scoring.md` has them.

Pure logic, no Django: the scoring service loads counts and scores from the database, calls
`department_score()` / `batch_scores()` and stores the results with their explanation.
Every user-facing message and explanation line is Chinese; identifiers are English.

Arithmetic is `Decimal` only. Floats are refused with TypeError (0.1 is already wrong before
any formula runs); int and str are converted exactly.

Exactness. The spec rounds half up to 0.01 only at the end of each formula, keeping full
precision before. Decimal cannot hold 260/3 in full, and a chain of 28-digit quotients can
land a hair below a rounding boundary x.xx5 that the exact value sits on. So each formula
is written as ONE quotient N/D of exact sums and products (computed in `_EXACT`, which traps
Inexact instead of rounding silently), and that quotient is truncated, never rounded, to 50
digits before `round2()`. Truncation cannot cross a boundary x.xx5 (the boundary itself has
few digits, so it lies at or below any truncation of a value above it), therefore the
rounded score is the half-up rounding of the exact rational value. Intermediate values kept
for the explanation (rate, S, T, group means) are truncated the same way and shown with "…"
when they do not terminate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import (
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from enum import StrEnum
from functools import cached_property, wraps
from types import MappingProxyType
from typing import ParamSpec, Protocol, TypeVar

from hotline.counts import HotlineCounts

DecimalLike = Decimal | int | str
P = ParamSpec("P")
R = TypeVar("R")
K = TypeVar("K", bound=Hashable)

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

# Sums and products of inputs must be exact. 200 digits hold any real count or weight; the
# Inexact trap turns an absurd input into an error rather than a silently rounded score.
_EXACT = Context(
    prec=200,
    rounding=ROUND_HALF_EVEN,
    traps=[Inexact, InvalidOperation, DivisionByZero, Overflow],
)
# Quotients are truncated, never rounded: see the module docstring for why.
_QUOTIENT = Context(
    prec=50, rounding=ROUND_DOWN, traps=[InvalidOperation, DivisionByZero, Overflow]
)
# Explanations show at most this many decimals of a value that does not terminate.
_SHOWN = Decimal("0.000001")


# --- Vocabulary -------------------------------------------------------------------------------


class Rating(StrEnum):
    SATISFIED = "satisfied"
    BASIC = "basic"
    DISSATISFIED = "dissatisfied"

    @property
    def label(self) -> str:
        return _RATING_LABELS[self]


class Component(StrEnum):
    RESEARCH = "research"
    HOTLINE = "hotline"
    SURVEY = "survey"
    PUBLIC_VOTE = "public_vote"
    COMMITTEE = "committee"

    @property
    def label(self) -> str:
        return _COMPONENT_LABELS[self]


class SurveyGroup(StrEnum):
    CITY_DEPUTY = "city_deputy"
    DISTRICT_DEPUTY = "district_deputy"
    TOWN_DEPUTY = "town_deputy"
    PUBLIC = "public"
    DEPARTMENT = "department"
    DISTRICT_COMMITTEE = "district_committee"
    ENTERPRISE = "enterprise"

    @property
    def label(self) -> str:
        return _GROUP_LABELS[self]


class Quorum(StrEnum):
    """How many of the members on a committee session's roll must score for the committee
    component to count (法定人数)."""

    MAJORITY = "majority"  # strictly more than half of the roll
    TWO_THIRDS = "two_thirds"  # at least two thirds of the roll
    NONE = "none"  # any number of scores counts

    @property
    def label(self) -> str:
        return _QUORUM_LABELS[self]


_QUORUM_LABELS = {
    Quorum.MAJORITY: "超过应到人数的半数",
    Quorum.TWO_THIRDS: "达到应到人数的三分之二",
    Quorum.NONE: "不设法定人数",
}


def quorum_met(present: int, roll: int, rule: str) -> bool:
    """Whether `present` scorers out of a roll of `roll` members make the quorum `rule`."""
    if rule == Quorum.NONE:
        return True
    if rule == Quorum.TWO_THIRDS:
        return present > 0 and 3 * present >= 2 * roll
    return 2 * present > roll


BELOW_QUORUM = "未达法定人数"

_RATING_LABELS = {
    Rating.SATISFIED: "满意",
    Rating.BASIC: "基本满意",
    Rating.DISSATISFIED: "不满意",
}
_COMPONENT_LABELS = {
    Component.RESEARCH: "问题整改成效调研",
    Component.HOTLINE: "12345大数据分析",
    Component.SURVEY: "人大代表及社会各界评价",
    Component.PUBLIC_VOTE: "网上社会投票",
    Component.COMMITTEE: "电子表决测评",
}
_GROUP_LABELS = {
    SurveyGroup.CITY_DEPUTY: "市人大代表",
    SurveyGroup.DISTRICT_DEPUTY: "区县人大代表",
    SurveyGroup.TOWN_DEPUTY: "镇（街道）人大代表",
    SurveyGroup.PUBLIC: "社会公众",
    SurveyGroup.DEPARTMENT: "市直部门",
    SurveyGroup.DISTRICT_COMMITTEE: "区县人大常委会",
    SurveyGroup.ENTERPRISE: "企业",
}


class ScoringInputError(ValueError):
    """An input no formula can score (out of range, unknown key); the message is for users."""


class InvalidSettings(ValueError):
    """Scoring settings that must not be used; `messages` lists every problem found."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__("；".join(self.messages))


# --- Numbers ----------------------------------------------------------------------------------


def to_decimal(value: DecimalLike, *, what: str = "数值") -> Decimal:
    """Exact Decimal of an int, str or Decimal; floats and bools are programming errors."""
    # bool is an int subclass: True as a score is a bug, not 1.
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"{what}必须是 Decimal、int 或 str，不能是 {type(value).__name__}")
    try:
        result = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise ScoringInputError(f"{what}不是有效的数字：{value!r}") from None
    if not result.is_finite():
        raise ScoringInputError(f"{what}必须是有限的数字：{value!r}")
    return result


def round2(value: DecimalLike) -> Decimal:
    """Round half up to 0.01 (2.675 -> 2.68, where float arithmetic gives 2.67)."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP, context=_QUOTIENT)


def _quotient(numerator: Decimal | int, denominator: Decimal | int) -> Decimal:
    return _QUOTIENT.divide(Decimal(numerator), Decimal(denominator))


def _exact(func: Callable[P, R]) -> Callable[P, R]:
    """Run in `_EXACT`, whatever decimal context the caller left on the thread."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with localcontext(_EXACT):
            return func(*args, **kwargs)

    return wrapper


def _to_count(value: object, *, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what}必须是整数，不能是 {type(value).__name__}")
    if value < 0:
        raise ScoringInputError(f"{what}不能为负数，当前为 {value}")
    return value


def _in_range(value: Decimal) -> bool:
    return Decimal(0) <= value <= HUNDRED


def _fmt(value: Decimal) -> str:
    """A value as a person checking the sheet by hand would write it: 90, 0.9, 86.666666…"""
    if value == value.to_integral_value():
        return str(int(value))
    shown = value.quantize(_SHOWN, rounding=ROUND_DOWN, context=_QUOTIENT)
    if shown != value:
        return f"{shown:f}…"
    return f"{value.normalize(_QUOTIENT):f}"


def _signed(value: Decimal) -> str:
    return f"({_fmt(value)})" if value < 0 else _fmt(value)


def _label(key: object) -> str:
    # StrEnum members hash and compare like their values, so plain-string keys find labels too.
    for labels in (_COMPONENT_LABELS, _RATING_LABELS, _GROUP_LABELS):
        if key in labels:
            return labels[key]  # type: ignore[index]
    return str(key)


def _refuse_unknown_keys(keys: Iterable[object], vocabulary: type[StrEnum], noun: str) -> None:
    known = set(vocabulary)
    unknown = [str(key) for key in keys if key not in known]
    if unknown:
        raise ScoringInputError(f"未知的{noun}：{'、'.join(unknown)}")


def _rounded(raw: Decimal | None) -> Decimal | None:
    return None if raw is None else round2(raw)


# --- Settings ---------------------------------------------------------------------------------


def _default_weights() -> dict[str, Decimal]:
    return {
        Component.RESEARCH: Decimal("0.25"),
        Component.HOTLINE: Decimal("0.20"),
        Component.SURVEY: Decimal("0.25"),
        Component.PUBLIC_VOTE: Decimal("0.10"),
        Component.COMMITTEE: Decimal("0.20"),
    }


def _default_rating_points() -> dict[str, Decimal]:
    return {Rating.SATISFIED: HUNDRED, Rating.BASIC: Decimal(60), Rating.DISSATISFIED: Decimal(0)}


def _default_group_weights() -> dict[str, Decimal]:
    return dict.fromkeys(SurveyGroup, Decimal(1))


_DECIMAL_FIELDS = {
    "hotline_volume_flat_score": "工单量持平时的 T 值",
    "hotline_change_factor": "工单量变化系数",
    "hotline_s_weight": "满意率（S）的权重",
    "hotline_t_weight": "工单量变化（T）的权重",
}
_MAPPING_FIELDS = ("weights", "rating_points", "survey_group_weights")
_INT_FIELDS = {"trim_threshold": "最少评分个数", "hotline_low_sample_threshold": "低样本阈值"}


@dataclass(frozen=True)
class ScoringSettings:
    """Per-campaign scoring settings; defaults are those of scoring.md.

    Values may be given as int or str (forms, JSON) and are stored as Decimal; mappings are
    copied into read-only views, so a settings object cannot change after it was validated.
    Construction does not validate: `validate_settings()` lists every problem for a form,
    and every formula refuses invalid settings with `InvalidSettings`.
    """

    weights: Mapping[str, Decimal] = field(default_factory=_default_weights, hash=False)
    rating_points: Mapping[str, Decimal] = field(default_factory=_default_rating_points, hash=False)
    trim_threshold: int = 7  # from this many committee scores on, drop one highest and lowest
    hotline_volume_flat_score: Decimal = Decimal(80)  # T when volume is unchanged
    hotline_change_factor: Decimal = Decimal(100)  # T points per unit of relative change
    hotline_s_weight: Decimal = Decimal("0.7")
    hotline_t_weight: Decimal = Decimal("0.3")
    hotline_low_sample_threshold: int = 30  # fewer rated records than this: "low sample"
    survey_group_weights: Mapping[str, Decimal] = field(
        default_factory=_default_group_weights, hash=False
    )
    committee_quorum: str = Quorum.MAJORITY  # of the session's roll, see quorum_met()

    def __post_init__(self) -> None:
        for name in _MAPPING_FIELDS:
            converted = {
                key: to_decimal(value, what=f"{_label(key)}的设置")
                for key, value in getattr(self, name).items()
            }
            object.__setattr__(self, name, MappingProxyType(converted))
        for name, label in _DECIMAL_FIELDS.items():
            object.__setattr__(self, name, to_decimal(getattr(self, name), what=label))
        for name, label in _INT_FIELDS.items():
            if isinstance(getattr(self, name), float):
                raise TypeError(f"{label}必须是整数，不能是 float")

    def __reduce__(self) -> tuple[type[ScoringSettings], tuple[object, ...]]:
        # mappingproxy cannot be pickled or deep-copied; rebuild from plain dicts instead.
        values = (getattr(self, f.name) for f in fields(self))
        return type(self), tuple(dict(v) if isinstance(v, Mapping) else v for v in values)

    @cached_property
    def errors(self) -> tuple[str, ...]:
        # Computed once: the object is immutable, and every formula call checks it.
        return tuple(validate_settings(self))

    def validated(self) -> ScoringSettings:
        """This object, or InvalidSettings naming every problem."""
        if self.errors:
            raise InvalidSettings(self.errors)
        return self


DEFAULT_SETTINGS = ScoringSettings()


def _key_errors(mapping: Mapping[str, Decimal], vocabulary: type[StrEnum], noun: str) -> list[str]:
    errors = []
    known = set(vocabulary)
    missing = [member for member in vocabulary if member not in mapping]
    unknown = [key for key in mapping if key not in known]
    if missing:
        errors.append(f"缺少{noun}：{'、'.join(_label(m) for m in missing)}")
    if unknown:
        errors.append(f"未知的{noun}：{'、'.join(str(k) for k in unknown)}")
    return errors


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


@_exact
def validate_settings(settings: ScoringSettings) -> list[str]:
    """Every problem of the settings as a Chinese message; empty when they can be used."""
    errors = _key_errors(settings.weights, Component, "综合得分组成项的权重")
    for key, weight in settings.weights.items():
        if weight < 0:
            errors.append(f"{_label(key)}的权重不能为负数，当前为 {_fmt(weight)}")
    weight_sum = sum(settings.weights.values(), Decimal(0))
    if weight_sum != 1:
        errors.append(f"权重之和必须等于 1，当前为 {_fmt(weight_sum)}")

    points = settings.rating_points
    errors += _key_errors(points, Rating, "评价等级的分值")
    for key, value in points.items():
        if not _in_range(value):
            errors.append(f"“{_label(key)}”的分值必须在 0 到 100 之间，当前为 {_fmt(value)}")
    if all(rating in points for rating in Rating) and not (
        points[Rating.SATISFIED] >= points[Rating.BASIC] >= points[Rating.DISSATISFIED]
    ):
        errors.append("评价分值必须满足 满意 ≥ 基本满意 ≥ 不满意")

    threshold = settings.trim_threshold
    if not _is_count(threshold) or threshold < 3:
        # Below 3, dropping the highest and the lowest could leave no score to average.
        errors.append(
            f"去掉最高分和最低分所需的最少评分个数必须是不小于 3 的整数，当前为 {threshold}"
        )
    flat = settings.hotline_volume_flat_score
    if not _in_range(flat):
        errors.append(f"工单量持平时的 T 值必须在 0 到 100 之间，当前为 {_fmt(flat)}")
    if settings.hotline_change_factor < 0:
        errors.append(f"工单量变化系数不能为负数，当前为 {_fmt(settings.hotline_change_factor)}")
    s_weight, t_weight = settings.hotline_s_weight, settings.hotline_t_weight
    if s_weight < 0 or t_weight < 0:
        errors.append("满意率（S）和工单量变化（T）的权重不能为负数")
    if s_weight + t_weight != 1:
        errors.append(
            f"满意率（S）与工单量变化（T）的权重之和必须等于 1，当前为 {_fmt(s_weight + t_weight)}"
        )
    low_sample = settings.hotline_low_sample_threshold
    if not _is_count(low_sample):
        errors.append(f"低样本阈值必须是非负整数，当前为 {low_sample}")

    group_weights = settings.survey_group_weights
    errors += _key_errors(group_weights, SurveyGroup, "调查组别的权重")
    for key, weight in group_weights.items():
        if weight < 0:
            errors.append(f"{_label(key)}的组别权重不能为负数，当前为 {_fmt(weight)}")
    if all(weight == 0 for weight in group_weights.values()):
        errors.append("调查组别的权重不能全部为 0")
    if settings.committee_quorum not in set(Quorum):
        errors.append(f"未知的法定人数规则：{settings.committee_quorum}")
    return errors


def _require_valid(settings: ScoringSettings) -> None:
    if not isinstance(settings, ScoringSettings):
        raise TypeError(f"settings 必须是 ScoringSettings，不能是 {type(settings).__name__}")
    settings.validated()


# --- Results ----------------------------------------------------------------------------------


class ComponentResult(Protocol):
    @property
    def score(self) -> Decimal | None: ...

    def explain(self) -> list[str]: ...


def _headline(title: str, score: Decimal | None, missing_reason: str = "") -> str:
    return f"{title}：{score:f}" if score is not None else f"{title}：缺失（{missing_reason}）"


@dataclass(frozen=True)
class RatingScore:
    """Mean points of a set of ratings: a survey group or the public vote."""

    label: str
    counts: dict[Rating, int]  # all three ratings, zero included
    points: dict[Rating, Decimal]
    total: int
    points_sum: Decimal
    raw: Decimal | None  # points_sum / total, unrounded (truncated to 50 digits)
    score: Decimal | None  # raw rounded; None when there is no rating

    @property
    def missing(self) -> bool:
        return self.score is None

    def formula(self) -> str:
        """The sum as written by hand, e.g. (100×2 + 60×1)/3 = 260/3 = 86.666666…"""
        assert self.raw is not None
        terms = " + ".join(
            f"{_fmt(self.points[rating])}×{count}" for rating, count in self.counts.items() if count
        )
        return f"({terms})/{self.total} = {_fmt(self.points_sum)}/{self.total} = {_fmt(self.raw)}"

    def explain(self) -> list[str]:
        if self.score is None:
            return [_headline(self.label, None, "没有评价")]
        return [_headline(self.label, self.score), f"{self.formula()} → {self.score:f}"]


@dataclass(frozen=True)
class ResearchResult:
    entered: Decimal | None  # as the research group entered it
    score: Decimal | None

    @property
    def missing(self) -> bool:
        return self.score is None

    def explain(self) -> list[str]:
        title = Component.RESEARCH.label
        if self.entered is None or self.score is None:
            return [_headline(title, None, "调研组尚未评分")]
        line = f"调研组评分 {_fmt(self.entered)}"
        if self.entered != self.score:
            line += f"，四舍五入为 {self.score:f}"
        return [_headline(title, self.score), line]


@dataclass(frozen=True)
class HotlineResult:
    satisfied: int
    basic: int
    dissatisfied: int
    rated: int  # satisfied + basic + dissatisfied; unrated records do not count
    n_window: int  # every record of the window, rated or not
    n_baseline: int
    rate: Decimal | None  # None when nothing was rated
    s_score: Decimal | None  # S = 100 × rate
    change: Decimal  # 0 when the baseline is empty
    t_unclamped: Decimal  # flat - factor × change, before clamping to 0..100
    t_score: Decimal  # T
    raw: Decimal | None  # s_weight × S + t_weight × T, unrounded
    score: Decimal | None
    low_sample: bool  # rated, but fewer than low_sample_threshold records; never when missing
    low_sample_threshold: int
    s_weight: Decimal
    t_weight: Decimal
    volume_flat_score: Decimal
    change_factor: Decimal

    @property
    def missing(self) -> bool:
        return self.score is None

    def explain(self) -> list[str]:
        title = Component.HOTLINE.label
        if self.rate is None or self.s_score is None or self.raw is None:
            return [_headline(title, None, "评议期内没有已评价的工单")]
        headline = _headline(title, self.score)
        lines = [
            headline + ("（低样本）" if self.low_sample else ""),
            f"评议期内工单 {self.n_window} 件，其中已评价 {self.rated} 件（满意 "
            f"{self.satisfied}，基本满意 {self.basic}，不满意 {self.dissatisfied}）；"
            f"上年同期工单 {self.n_baseline} 件",
            f"满意率 rate = {self.satisfied + self.basic}/{self.rated} = {_fmt(self.rate)}，"
            f"S = {_fmt(self.s_score)}",
        ]
        if self.n_baseline == 0:
            lines.append(f"上年同期工单数为 0，工单量变化 change 记为 0，T = {_fmt(self.t_score)}")
        else:
            lines.append(
                f"工单量变化 change = ({self.n_window}-{self.n_baseline})/{self.n_baseline}"
                f" = {_fmt(self.change)}，T = min(100, max(0, {_fmt(self.volume_flat_score)}"
                f" - {_fmt(self.change_factor)}×{_signed(self.change)})) = {_fmt(self.t_score)}"
            )
        lines.append(
            f"热线得分 = {_fmt(self.s_weight)}×S + {_fmt(self.t_weight)}×T = "
            f"{_fmt(self.s_weight)}×{_fmt(self.s_score)} + {_fmt(self.t_weight)}×"
            f"{_fmt(self.t_score)} = {_fmt(self.raw)} → {self.score:f}"
        )
        if self.low_sample:
            lines.append(
                f"已评价工单仅 {self.rated} 件，少于 {self.low_sample_threshold} 件："
                "样本量小，满意率仅供参考（低样本）"
            )
        return lines


@dataclass(frozen=True)
class SurveyGroupResult:
    group: SurveyGroup
    weight: Decimal
    ratings: RatingScore

    @property
    def mean(self) -> Decimal | None:
        # Unrounded on purpose: the spec rounds the survey mean, not the group scores
        # (rounding the groups first would turn the worked example's 68.33 into 68.34).
        return self.ratings.raw

    @property
    def counted(self) -> bool:
        return self.ratings.total > 0 and self.weight > 0


@dataclass(frozen=True)
class SurveyResult:
    groups: tuple[SurveyGroupResult, ...]  # groups present in the input, in SurveyGroup order
    weight_sum: Decimal  # over the counted groups: rated and with a non-zero weight
    raw: Decimal | None
    score: Decimal | None

    @property
    def missing(self) -> bool:
        return self.score is None

    def explain(self) -> list[str]:
        title = Component.SURVEY.label
        lines = [_headline(title, self.score, "没有任何组别的有效评价")]
        for group in self.groups:
            if group.ratings.total == 0:
                lines.append(f"{group.group.label}：没有评价，不计入")
            elif group.weight == 0:
                lines.append(f"{group.group.label}：{group.ratings.formula()}，权重为 0，不计入")
            else:
                lines.append(
                    f"{group.group.label}：{group.ratings.formula()}，权重 {_fmt(group.weight)}"
                )
        if self.raw is not None and self.score is not None:
            counted = [group for group in self.groups if group.counted]
            terms = " + ".join(
                f"{_fmt(g.weight)}×{_fmt(g.mean)}" for g in counted if g.mean is not None
            )
            weights = "+".join(_fmt(g.weight) for g in counted)
            lines.append(f"加权平均 = ({terms})/({weights}) = {_fmt(self.raw)} → {self.score:f}")
        return lines


@dataclass(frozen=True)
class CommitteeResult:
    scores: tuple[Decimal, ...]  # as given
    trim_threshold: int
    dropped_high: Decimal | None  # None when fewer than trim_threshold scores
    dropped_low: Decimal | None
    kept: tuple[Decimal, ...]  # input order, one highest and one lowest removed when trimmed
    kept_sum: Decimal
    raw: Decimal | None
    score: Decimal | None
    # Positions in `scores` of the dropped lowest and highest score: two distinct positions
    # even when the values are equal (seven equal scores still strike two of them).
    dropped_positions: tuple[int, ...] = ()
    roll: int | None = None  # members on the session's roll; None when not known
    quorum: str = Quorum.NONE
    below_quorum: bool = False  # scored, but by too few members of the roll to count

    @property
    def trimmed(self) -> bool:
        return self.dropped_high is not None

    @property
    def missing(self) -> bool:
        return self.score is None

    @property
    def missing_reason(self) -> str:
        return BELOW_QUORUM if self.below_quorum else "没有评分"

    def explain(self) -> list[str]:
        title = Component.COMMITTEE.label
        if self.below_quorum:
            return [
                _headline(title, None, BELOW_QUORUM),
                f"应到 {self.roll} 人，实际评分 {len(self.scores)} 人，"
                f"法定人数为{Quorum(self.quorum).label}，本项不计分",
            ]
        if self.raw is None or self.score is None:
            return [_headline(title, None, "没有评分")]
        count = len(self.scores)
        if self.dropped_high is not None and self.dropped_low is not None:
            rule = (
                f"共 {count} 个评分，达到 {self.trim_threshold} 个，去掉一个最高分 "
                f"{_fmt(self.dropped_high)} 和一个最低分 {_fmt(self.dropped_low)}"
            )
        else:
            rule = f"共 {count} 个评分，少于 {self.trim_threshold} 个，不去掉最高分和最低分"
        kept = "+".join(_fmt(score) for score in self.kept)
        return [
            _headline(title, self.score),
            rule,
            f"平均分 = ({kept})/{len(self.kept)} = {_fmt(self.kept_sum)}/{len(self.kept)}"
            f" = {_fmt(self.raw)} → {self.score:f}",
        ]


@dataclass(frozen=True)
class CompositeResult:
    components: dict[Component, Decimal | None]  # all five, rounded scores
    weights: dict[Component, Decimal]
    terms: dict[Component, Decimal]  # weight × score of every present component
    missing: tuple[Component, ...]  # absent with a non-zero weight: these block the composite
    ignored: tuple[Component, ...]  # absent with weight 0: they do not block
    raw: Decimal | None  # sum of the terms, exact (e.g. 85.3325)
    score: Decimal | None  # None while incomplete

    @property
    def incomplete(self) -> bool:
        return bool(self.missing)

    def explain(self) -> list[str]:
        title = "综合得分"
        lines = [f"{title}：{self.score:f}" if self.score is not None else f"{title}：不完整"]
        for component in self.ignored:
            lines.append(f"{component.label}缺失，但权重为 0，不影响综合得分")
        if self.raw is None:
            names = "、".join(component.label for component in self.missing)
            lines.append(f"缺少 {names}，无法计算综合得分")
            return lines
        products = " + ".join(
            f"{_fmt(self.weights[c])}×{_fmt(value)}"
            for c, value in self.components.items()
            if value is not None
        )
        sums = " + ".join(_fmt(term) for term in self.terms.values())
        lines.append(f"{title} = {products}")
        lines.append(f"= {sums} = {_fmt(self.raw)} → {self.score:f}")
        return lines


# --- Components -------------------------------------------------------------------------------


def _rating_counts(counts: Mapping[str, int]) -> dict[Rating, int]:
    _refuse_unknown_keys(counts, Rating, "评价等级")
    return {
        rating: _to_count(counts.get(rating, 0), what=f"“{rating.label}”的数量")
        for rating in Rating
    }


@_exact
def rating_score(
    counts: Mapping[str, int], points: Mapping[str, DecimalLike], *, label: str = "评价得分"
) -> RatingScore:
    """Mean points of the ratings given; score None when there is none."""
    clean_counts = _rating_counts(counts)
    clean_points: dict[Rating, Decimal] = {}
    for rating in Rating:
        if rating not in points:
            raise ScoringInputError(f"缺少“{rating.label}”的分值")
        value = to_decimal(points[rating], what=f"“{rating.label}”的分值")
        if not _in_range(value):
            raise ScoringInputError(f"“{rating.label}”的分值必须在 0 到 100 之间")
        clean_points[rating] = value
    total = sum(clean_counts.values())
    points_sum = sum((clean_points[r] * n for r, n in clean_counts.items()), Decimal(0))
    raw = _quotient(points_sum, total) if total else None
    return RatingScore(
        label=label,
        counts=clean_counts,
        points=clean_points,
        total=total,
        points_sum=points_sum,
        raw=raw,
        score=_rounded(raw),
    )


@_exact
def research_component(score: DecimalLike | None) -> ResearchResult:
    """The research group's score, 0..100; None (not entered yet) makes the component missing."""
    if score is None:
        return ResearchResult(entered=None, score=None)
    entered = to_decimal(score, what="调研评分")
    if not _in_range(entered):
        raise ScoringInputError(f"调研评分必须在 0 到 100 之间，当前为 {_fmt(entered)}")
    return ResearchResult(entered=entered, score=round2(entered))


@_exact
def hotline_component(
    satisfied: int,
    basic: int,
    dissatisfied: int,
    n_window: int,
    n_baseline: int,
    settings: ScoringSettings,
) -> HotlineResult:
    """12345 component from the window's rating counts and the record volumes of both windows."""
    _require_valid(settings)
    satisfied = _to_count(satisfied, what="满意工单数")
    basic = _to_count(basic, what="基本满意工单数")
    dissatisfied = _to_count(dissatisfied, what="不满意工单数")
    n_window = _to_count(n_window, what="评议期内工单总数")
    n_baseline = _to_count(n_baseline, what="上年同期工单总数")
    rated = satisfied + basic + dissatisfied
    if rated > n_window:
        raise ScoringInputError(f"已评价工单数（{rated}）不能多于评议期内工单总数（{n_window}）")
    flat, factor = settings.hotline_volume_flat_score, settings.hotline_change_factor
    s_weight, t_weight = settings.hotline_s_weight, settings.hotline_t_weight

    # T as the exact fraction t_num / t_den, so that the score below stays one quotient.
    if n_baseline == 0:
        change = Decimal(0)
        t_unclamped_num, t_den = flat, 1
    else:
        change = _quotient(n_window - n_baseline, n_baseline)
        t_unclamped_num, t_den = flat * n_baseline - factor * (n_window - n_baseline), n_baseline
    t_num = min(HUNDRED * t_den, max(Decimal(0), t_unclamped_num))

    rate = s_score = raw = None
    if rated:
        positive = satisfied + basic
        rate = _quotient(positive, rated)
        s_score = _quotient(HUNDRED * positive, rated)
        # s_weight × 100·positive/rated + t_weight × t_num/t_den over a common denominator.
        numerator = s_weight * HUNDRED * positive * t_den + t_weight * t_num * rated
        raw = _quotient(numerator, rated * t_den)
    threshold = settings.hotline_low_sample_threshold
    return HotlineResult(
        satisfied=satisfied,
        basic=basic,
        dissatisfied=dissatisfied,
        rated=rated,
        n_window=n_window,
        n_baseline=n_baseline,
        rate=rate,
        s_score=s_score,
        change=change,
        t_unclamped=_quotient(t_unclamped_num, t_den),
        t_score=_quotient(t_num, t_den),
        raw=raw,
        score=_rounded(raw),
        low_sample=0 < rated < threshold,
        low_sample_threshold=threshold,
        s_weight=s_weight,
        t_weight=t_weight,
        volume_flat_score=flat,
        change_factor=factor,
    )


@_exact
def survey_component(
    group_counts: Mapping[str, Mapping[str, int]], settings: ScoringSettings
) -> SurveyResult:
    """Weighted mean of the group scores over the groups with at least one rating."""
    _require_valid(settings)
    _refuse_unknown_keys(group_counts, SurveyGroup, "调查组别")
    groups = tuple(
        SurveyGroupResult(
            group=group,
            weight=settings.survey_group_weights[group],
            ratings=rating_score(group_counts[group], settings.rating_points, label=group.label),
        )
        for group in SurveyGroup
        if group in group_counts
    )
    # A rated group of weight 0 contributes nothing; if only such groups were rated there is
    # no weighted mean to take, so the component is missing rather than a division by zero.
    counted = [group for group in groups if group.counted]
    weight_sum = sum((group.weight for group in counted), Decimal(0))
    raw = None
    if counted:
        # Σ w·P/n over the least common multiple of the group sizes: one exact quotient even
        # when a group mean such as 260/3 does not terminate.
        common = math.lcm(*(group.ratings.total for group in counted))
        numerator = sum(
            (g.weight * g.ratings.points_sum * (common // g.ratings.total) for g in counted),
            Decimal(0),
        )
        raw = _quotient(numerator, weight_sum * common)
    return SurveyResult(
        groups=groups,
        weight_sum=weight_sum,
        raw=raw,
        score=_rounded(raw),
    )


def public_vote_component(counts: Mapping[str, int], settings: ScoringSettings) -> RatingScore:
    """Rating score of the valid public ballots, counted per rating."""
    _require_valid(settings)
    return rating_score(counts, settings.rating_points, label=Component.PUBLIC_VOTE.label)


@_exact
def committee_component(
    scores: Sequence[DecimalLike], settings: ScoringSettings, *, roll: int | None = None
) -> CommitteeResult:
    """Mean of the members' scores; from trim_threshold scores on, minus one highest and lowest.

    With `roll` (the number of members on the session's roll) the scores count only when
    enough members scored (settings.committee_quorum); otherwise the component is missing."""
    _require_valid(settings)
    if isinstance(scores, str | bytes):
        raise TypeError("scores 必须是评分的序列，不能是字符串")
    values = tuple(
        to_decimal(score, what=f"第 {number} 个评分") for number, score in enumerate(scores, 1)
    )
    for number, value in enumerate(values, 1):
        if not _in_range(value):
            raise ScoringInputError(f"第 {number} 个评分必须在 0 到 100 之间，当前为 {_fmt(value)}")
        if value % CENT != 0:
            raise ScoringInputError(f"第 {number} 个评分最多保留两位小数，当前为 {_fmt(value)}")
    threshold = settings.trim_threshold
    if roll is not None:
        roll = _to_count(roll, what="应到人数")
    quorum = settings.committee_quorum if roll is not None else Quorum.NONE
    below_quorum = bool(values) and not quorum_met(len(values), roll or 0, quorum)
    kept = list(values)
    dropped_high = dropped_low = None
    positions: tuple[int, ...] = ()
    if len(values) >= threshold:
        # Remove one instance each, so equal extremes (97, 97, ...) still drop exactly two.
        dropped_high, dropped_low = max(values), min(values)
        low_at = values.index(dropped_low)
        high_at = max(i for i, v in enumerate(values) if v == dropped_high and i != low_at)
        positions = (low_at, high_at)
        kept = [v for i, v in enumerate(values) if i not in positions]
    kept_sum = sum(kept, Decimal(0))
    raw = _quotient(kept_sum, len(kept)) if kept and not below_quorum else None
    return CommitteeResult(
        scores=values,
        trim_threshold=threshold,
        dropped_high=dropped_high,
        dropped_low=dropped_low,
        kept=tuple(kept),
        kept_sum=kept_sum,
        raw=raw,
        score=_rounded(raw),
        dropped_positions=positions,
        roll=roll,
        quorum=quorum,
        below_quorum=below_quorum,
    )


# --- Composite and ranking --------------------------------------------------------------------


@_exact
def composite(
    components: Mapping[str, DecimalLike | None], settings: ScoringSettings
) -> CompositeResult:
    """Weighted sum of the ROUNDED component scores, so a printed sheet checks by hand.

    A key left out counts as missing. A missing component blocks the composite only when
    its weight is not zero.
    """
    _require_valid(settings)
    _refuse_unknown_keys(components, Component, "组成项")
    values: dict[Component, Decimal | None] = {}
    for component in Component:
        given = components.get(component)
        if given is None:
            values[component] = None
            continue
        value = to_decimal(given, what=component.label)
        if not _in_range(value) or value % CENT != 0:
            raise ScoringInputError(
                f"{component.label}必须是 0 到 100 之间、最多两位小数的得分，当前为 {_fmt(value)}"
            )
        values[component] = value
    weights = {component: settings.weights[component] for component in Component}
    absent = [component for component in Component if values[component] is None]
    missing = tuple(component for component in absent if weights[component] != 0)
    terms = {c: weights[c] * value for c, value in values.items() if value is not None}
    raw = None if missing else sum(terms.values(), Decimal(0))
    return CompositeResult(
        components=values,
        weights=weights,
        terms=terms,
        missing=missing,
        ignored=tuple(component for component in absent if weights[component] == 0),
        raw=raw,
        score=_rounded(raw),
    )


def rank(values: Mapping[K, DecimalLike | None]) -> dict[K, int | None]:
    """Competition ranking, highest first: 1, 2, 2, 4. None (incomplete) gets no rank."""
    present = {key: to_decimal(value) for key, value in values.items() if value is not None}
    first_position: dict[Decimal, int] = {}
    for position, value in enumerate(sorted(present.values(), reverse=True), 1):
        # Equal values share the position of the first of them (85.3 and 85.30 are equal).
        first_position.setdefault(value, position)
    return {key: first_position[present[key]] if key in present else None for key in values}


# --- A department and a batch -----------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentInputs:
    """Everything one department is scored on; anything left out counts as missing."""

    key: Hashable  # the department's id, used for ranking
    research: DecimalLike | None = None
    hotline: HotlineCounts = field(default_factory=HotlineCounts)
    survey: Mapping[str, Mapping[str, int]] = field(default_factory=dict)  # group -> counts
    public_vote: Mapping[str, int] = field(default_factory=dict)  # rating -> ballots
    committee: Sequence[DecimalLike] = ()
    committee_roll: int | None = None  # members on the roll; None: no quorum is checked


@dataclass(frozen=True)
class DepartmentScore:
    key: Hashable
    research: ResearchResult
    hotline: HotlineResult
    survey: SurveyResult
    public_vote: RatingScore
    committee: CommitteeResult
    composite: CompositeResult
    rank: int | None = None  # set by batch_scores(); None while incomplete

    @property
    def score(self) -> Decimal | None:
        return self.composite.score

    @property
    def incomplete(self) -> bool:
        return self.composite.incomplete

    @property
    def missing(self) -> tuple[Component, ...]:
        return self.composite.missing

    @property
    def low_sample(self) -> bool:
        return self.hotline.low_sample

    @property
    def results(self) -> dict[Component, ComponentResult]:
        return {
            Component.RESEARCH: self.research,
            Component.HOTLINE: self.hotline,
            Component.SURVEY: self.survey,
            Component.PUBLIC_VOTE: self.public_vote,
            Component.COMMITTEE: self.committee,
        }

    def missing_reasons(self) -> dict[Component, str]:
        """Why each component without a score has none (shown next to its "—")."""
        reasons = {
            Component.RESEARCH: "调研组尚未评分",
            Component.HOTLINE: "评议期内没有已评价的工单",
            Component.SURVEY: "没有有效评价",
            Component.PUBLIC_VOTE: "没有有效投票",
            Component.COMMITTEE: self.committee.missing_reason,
        }
        return {c: reasons[c] for c, r in self.results.items() if r.score is None}

    def explain(self) -> list[str]:
        lines = [line for result in self.results.values() for line in result.explain()]
        lines += self.composite.explain()
        if self.rank is not None:
            lines.append(f"排名：第 {self.rank} 名")
        return lines


def hotline_component_of(counts: HotlineCounts, settings: ScoringSettings) -> HotlineResult:
    """The hotline component of one department's counts (as hotline's selectors give them)."""
    return hotline_component(
        counts.satisfied,
        counts.basic,
        counts.dissatisfied,
        counts.n_window,
        counts.n_baseline,
        settings,
    )


def department_score(inputs: DepartmentInputs, settings: ScoringSettings) -> DepartmentScore:
    """All five components and the composite of one department (rank left unset)."""
    _require_valid(settings)
    research = research_component(inputs.research)
    hotline = hotline_component_of(inputs.hotline, settings)
    survey = survey_component(inputs.survey, settings)
    public_vote = public_vote_component(inputs.public_vote, settings)
    committee = committee_component(inputs.committee, settings, roll=inputs.committee_roll)
    scores: dict[str, Decimal | None] = {
        Component.RESEARCH: research.score,
        Component.HOTLINE: hotline.score,
        Component.SURVEY: survey.score,
        Component.PUBLIC_VOTE: public_vote.score,
        Component.COMMITTEE: committee.score,
    }
    return DepartmentScore(
        key=inputs.key,
        research=research,
        hotline=hotline,
        survey=survey,
        public_vote=public_vote,
        committee=committee,
        composite=composite(scores, settings),
    )


def batch_scores(
    inputs: Sequence[DepartmentInputs], settings: ScoringSettings
) -> list[DepartmentScore]:
    """Scores of several departments, in input order, ranked among themselves.

    Pass every department of the campaign to rank across the campaign.
    """
    _require_valid(settings)
    seen: set[Hashable] = set()
    for item in inputs:
        if item.key in seen:
            raise ScoringInputError(f"部门重复：{item.key}")
        seen.add(item.key)
    scores = [department_score(item, settings) for item in inputs]
    ranks = rank({score.key: score.score for score in scores})
    return [replace(score, rank=ranks[score.key]) for score in scores]
