"""Scoring formulas against shared/spec/scoring.md: the worked example, the edge cases, and
properties checked against an independent exact oracle built on fractions.Fraction."""

import copy
import math
import pickle
import re
from collections import Counter
from dataclasses import replace
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.formulas import (
    DEFAULT_SETTINGS,
    Component,
    DepartmentInputs,
    HotlineCounts,
    InvalidSettings,
    Rating,
    ScoringInputError,
    ScoringSettings,
    SurveyGroup,
    batch_scores,
    committee_component,
    composite,
    department_score,
    hotline_component,
    public_vote_component,
    rank,
    rating_score,
    research_component,
    round2,
    survey_component,
    validate_settings,
)

S, B, X = Rating.SATISFIED, Rating.BASIC, Rating.DISSATISFIED


def dec(*values: str | int) -> list[Decimal]:
    return [Decimal(value) for value in values]


def worked_example(key: str = "A") -> DepartmentInputs:
    return DepartmentInputs(
        key=key,
        research=95,
        hotline=HotlineCounts(
            satisfied=300, basic=60, dissatisfied=40, n_window=500, n_baseline=625
        ),
        survey={SurveyGroup.CITY_DEPUTY: {S: 2, B: 1}, SurveyGroup.PUBLIC: {S: 1, X: 1}},
        public_vote={S: 2, B: 1, X: 1},
        committee=dec(98, 97, 99, 100, 90, 96, 95),
    )


def half_up(value: Fraction) -> Decimal:
    """Oracle: exact half-up rounding to 0.01 of a non-negative rational."""
    return Decimal(math.floor(value * 100 + Fraction(1, 2))) / 100


def hotline(satisfied: int, basic: int, dissatisfied: int, n_window: int, n_baseline: int):
    return hotline_component(satisfied, basic, dissatisfied, n_window, n_baseline, DEFAULT_SETTINGS)


# --- Worked example ---------------------------------------------------------------------------


def test_worked_example_reproduces_every_published_number():
    result = department_score(worked_example(), DEFAULT_SETTINGS)

    assert str(result.research.score) == "95.00"
    assert str(result.hotline.score) == "93.00"
    assert str(result.survey.score) == "68.33"
    assert str(result.public_vote.score) == "65.00"
    assert str(result.committee.score) == "97.00"
    assert str(result.score) == "85.33"
    assert result.composite.raw == Decimal("85.3325")
    assert not result.incomplete and not result.low_sample


def test_worked_example_keeps_the_intermediate_values():
    result = department_score(worked_example(), DEFAULT_SETTINGS)

    hotline_result = result.hotline
    assert (hotline_result.rate, hotline_result.s_score) == (Decimal("0.9"), 90)
    assert (hotline_result.change, hotline_result.t_score) == (Decimal("-0.2"), 100)
    city, public = result.survey.groups
    assert city.group == SurveyGroup.CITY_DEPUTY and public.group == SurveyGroup.PUBLIC
    assert city.mean is not None and round2(city.mean) == Decimal("86.67")
    assert city.mean > Decimal("86.6666666666")  # unrounded, or the mean would be 68.34
    assert public.mean == 50
    assert (result.committee.dropped_high, result.committee.dropped_low) == (100, 90)
    assert result.committee.kept == tuple(dec(98, 97, 99, 96, 95))
    assert result.composite.terms == {
        Component.RESEARCH: Decimal("23.75"),
        Component.HOTLINE: Decimal("18.6"),
        Component.SURVEY: Decimal("17.0825"),
        Component.PUBLIC_VOTE: Decimal("6.5"),
        Component.COMMITTEE: Decimal("19.4"),
    }


def test_worked_example_explanation_shows_how_each_number_was_obtained():
    lines = department_score(worked_example(), DEFAULT_SETTINGS).explain()

    assert "满意率 rate = 360/400 = 0.9，S = 90" in lines
    assert (
        "工单量变化 change = (500-625)/625 = -0.2，T = min(100, max(0, 80 - 100×(-0.2))) = 100"
        in lines
    )
    assert "热线得分 = 0.7×S + 0.3×T = 0.7×90 + 0.3×100 = 93 → 93.00" in lines
    assert "市人大代表：(100×2 + 60×1)/3 = 260/3 = 86.666666…，权重 1" in lines
    assert "加权平均 = (1×86.666666… + 1×50)/(1+1) = 68.333333… → 68.33" in lines
    assert "(100×2 + 60×1 + 0×1)/4 = 260/4 = 65 → 65.00" in lines
    assert "共 7 个评分，达到 7 个，去掉一个最高分 100 和一个最低分 90" in lines
    assert "平均分 = (98+97+99+96+95)/5 = 485/5 = 97 → 97.00" in lines
    assert "综合得分 = 0.25×95 + 0.2×93 + 0.25×68.33 + 0.1×65 + 0.2×97" in lines
    assert "= 23.75 + 18.6 + 17.0825 + 6.5 + 19.4 = 85.3325 → 85.33" in lines


def test_caller_decimal_context_does_not_change_scores():
    with localcontext() as context:
        context.prec = 3
        result = department_score(worked_example(), DEFAULT_SETTINGS)

    assert result.score == Decimal("85.33") and result.composite.raw == Decimal("85.3325")


# --- Hotline ----------------------------------------------------------------------------------


def test_hotline_empty_baseline_counts_as_no_change():
    result = hotline(30, 0, 10, n_window=50, n_baseline=0)

    assert result.change == 0 and result.t_score == 80
    assert result.score == Decimal("76.50")  # 0.7×75 + 0.3×80
    assert "上年同期工单数为 0，工单量变化 change 记为 0，T = 80" in result.explain()


@pytest.mark.parametrize(
    ("n_window", "n_baseline", "t_score"),
    [(100, 100, 80), (80, 100, 100), (130, 100, 50)],
    ids=["flat gives 80", "20% fall gives 100", "30% rise gives 50"],
)
def test_hotline_volume_examples_of_the_spec(n_window, n_baseline, t_score):
    assert hotline(40, 0, 0, n_window, n_baseline).t_score == t_score


def test_hotline_t_is_clamped_at_100_after_a_steep_fall():
    result = hotline(40, 0, 0, n_window=70, n_baseline=100)

    assert result.t_unclamped == 110 and result.t_score == 100
    assert result.score == Decimal("100.00")


def test_hotline_t_is_clamped_at_0_after_a_steep_rise():
    result = hotline(0, 0, 40, n_window=200, n_baseline=100)

    assert result.change == 1 and result.t_unclamped == -20 and result.t_score == 0
    assert result.score == Decimal("0.00")


def test_hotline_without_rated_records_is_missing():
    result = hotline(0, 0, 0, n_window=120, n_baseline=100)

    assert result.missing and result.score is None and result.rate is None
    assert not result.low_sample  # missing already says more than "low sample"
    assert result.explain() == ["12345大数据分析：缺失（评议期内没有已评价的工单）"]


@pytest.mark.parametrize(("rated", "low_sample"), [(29, True), (30, False)])
def test_hotline_low_sample_below_30_rated_records(rated, low_sample):
    result = hotline(rated, 0, 0, n_window=rated + 5, n_baseline=rated + 5)

    assert result.low_sample is low_sample
    assert result.score == Decimal("94.00")  # the value stands either way: 0.7×100 + 0.3×80
    assert any("低样本" in line for line in result.explain()) is low_sample


def test_hotline_rated_records_cannot_exceed_window_records():
    with pytest.raises(ScoringInputError, match="不能多于评议期内工单总数"):
        hotline(300, 60, 40, n_window=399, n_baseline=625)


def test_hotline_rounds_the_exact_value_not_a_28_digit_approximation():
    # S = 6.25, T = 80 - 100×14/21 = 13.333…, 0.7×6.25 + 0.3×13.333… = 8.375 exactly;
    # computing 0.3×13.33333333333333333333333333 in 28 digits gives 8.3749999… -> 8.37.
    result = hotline(2, 0, 30, n_window=35, n_baseline=21)

    assert result.raw == Decimal("8.375") and result.score == Decimal("8.38")
    assert hotline(3, 0, 717, n_window=724, n_baseline=720).score == Decimal("24.13")


# --- Survey, public vote, research ------------------------------------------------------------


def test_survey_ignores_groups_without_ratings():
    result = survey_component(
        {SurveyGroup.CITY_DEPUTY: {S: 2, B: 1}, SurveyGroup.ENTERPRISE: {}}, DEFAULT_SETTINGS
    )

    assert result.score == Decimal("86.67") and result.weight_sum == 1
    assert "企业：没有评价，不计入" in result.explain()


def test_survey_uses_group_weights():
    weights = dict.fromkeys(SurveyGroup, 1) | {SurveyGroup.CITY_DEPUTY: 2}
    settings = ScoringSettings(survey_group_weights=weights)

    result = survey_component(
        {SurveyGroup.CITY_DEPUTY: {S: 2, B: 1}, SurveyGroup.PUBLIC: {S: 1, X: 1}}, settings
    )

    assert result.score == Decimal("74.44")  # (2×260/3 + 50)/3 = 74.444…


def test_survey_with_only_zero_weight_groups_rated_is_missing():
    weights = dict.fromkeys(SurveyGroup, 1) | {SurveyGroup.ENTERPRISE: 0}
    settings = ScoringSettings(survey_group_weights=weights)

    result = survey_component({SurveyGroup.ENTERPRISE: {S: 3}}, settings)

    assert result.missing and result.groups[0].mean == 100
    assert "企业：(100×3)/3 = 300/3 = 100，权重为 0，不计入" in result.explain()


def test_survey_without_any_rating_is_missing():
    assert survey_component({}, DEFAULT_SETTINGS).missing


def test_survey_refuses_unknown_group():
    with pytest.raises(ScoringInputError, match="未知的调查组别：students"):
        survey_component({"students": {S: 1}}, DEFAULT_SETTINGS)


def test_rating_keys_may_be_plain_strings():
    result = rating_score({"satisfied": 1, "basic": 1}, DEFAULT_SETTINGS.rating_points)

    assert result.score == Decimal("80.00")
    with pytest.raises(ScoringInputError, match="未知的评价等级：excellent"):
        rating_score({"excellent": 1}, DEFAULT_SETTINGS.rating_points)


def test_public_vote_without_ballots_is_missing():
    result = public_vote_component({}, DEFAULT_SETTINGS)

    assert result.missing and result.explain() == ["网上社会投票：缺失（没有评价）"]


def test_research_score_is_validated_and_rounded():
    assert research_component(None).missing
    assert research_component("95.555").score == Decimal("95.56")
    assert research_component("95.555").explain()[-1] == "调研组评分 95.555，四舍五入为 95.56"
    for out_of_range in ("-0.01", "100.01"):
        with pytest.raises(ScoringInputError, match="0 到 100"):
            research_component(out_of_range)
    with pytest.raises(ScoringInputError, match="不是有效的数字"):
        research_component("九十五")


# --- Committee --------------------------------------------------------------------------------


def test_committee_six_scores_are_not_trimmed():
    result = committee_component(dec(100, 90, 96, 95, 97, 98), DEFAULT_SETTINGS)

    assert not result.trimmed and result.kept == result.scores
    assert result.score == Decimal("96.00")
    assert "共 6 个评分，少于 7 个，不去掉最高分和最低分" in result.explain()


def test_committee_equal_extremes_drop_one_each():
    result = committee_component(dec(97, 97, 97, 97, 97, 97, 97), DEFAULT_SETTINGS)

    assert result.trimmed and len(result.kept) == 5 and result.score == Decimal("97.00")


def test_committee_without_scores_is_missing():
    assert committee_component([], DEFAULT_SETTINGS).missing


def test_committee_scores_have_at_most_two_decimals_and_stay_in_range():
    assert committee_component(["97.500"], DEFAULT_SETTINGS).score == Decimal("97.50")
    with pytest.raises(ScoringInputError, match="第 2 个评分最多保留两位小数"):
        committee_component(["97", "96.555"], DEFAULT_SETTINGS)
    with pytest.raises(ScoringInputError, match="第 1 个评分必须在 0 到 100 之间"):
        committee_component(["100.5"], DEFAULT_SETTINGS)


# --- Rounding and types -----------------------------------------------------------------------


def test_round2_rounds_half_up_where_float_rounds_down():
    assert round(2.675, 2) == 2.67 and round(1.005, 2) == 1.0  # float: binary 2.67499…
    assert round2("2.675") == Decimal("2.68") and round2("1.005") == Decimal("1.01")
    assert round2("68.3349") == Decimal("68.33")
    assert str(round2(93)) == "93.00"


def test_committee_mean_on_a_half_cent_rounds_up():
    assert round((90.01 + 90.00) / 2, 2) == 90.0  # float lands below 90.005

    assert committee_component(["90.01", "90.00"], DEFAULT_SETTINGS).score == Decimal("90.01")


@pytest.mark.parametrize(
    "call",
    [
        lambda: research_component(95.0),
        lambda: committee_component([97.5], DEFAULT_SETTINGS),
        lambda: composite({Component.RESEARCH: 95.0}, DEFAULT_SETTINGS),
        lambda: ScoringSettings(hotline_s_weight=0.7),
        lambda: ScoringSettings(weights={Component.RESEARCH: 0.25}),
        lambda: rank({"A": 85.33}),
        lambda: round2(2.675),
        lambda: hotline(1.0, 0, 0, 1, 1),
    ],
)
def test_float_inputs_are_refused(call):
    with pytest.raises(TypeError):
        call()


# --- Composite --------------------------------------------------------------------------------


def test_incomplete_department_names_the_missing_components():
    inputs = DepartmentInputs(
        key="B",
        survey={SurveyGroup.PUBLIC: {S: 1}},
        public_vote={S: 1},
        committee=dec(90),
    )

    result = department_score(inputs, DEFAULT_SETTINGS)

    assert result.incomplete and result.score is None
    assert result.missing == (Component.RESEARCH, Component.HOTLINE)
    assert "缺少 问题整改成效调研、12345大数据分析，无法计算综合得分" in result.explain()


def test_missing_component_with_zero_weight_does_not_block():
    weights = {
        Component.RESEARCH: "0.35",
        Component.HOTLINE: "0.20",
        Component.SURVEY: "0.25",
        Component.PUBLIC_VOTE: "0",
        Component.COMMITTEE: "0.20",
    }
    settings = ScoringSettings(weights=weights)
    inputs = replace(worked_example(), public_vote={})

    result = department_score(inputs, settings)

    assert not result.incomplete and result.composite.ignored == (Component.PUBLIC_VOTE,)
    assert result.composite.raw == Decimal("88.3325")  # 0.35×95 + 0.2×93 + 0.25×68.33 + 0.2×97
    assert "网上社会投票缺失，但权重为 0，不影响综合得分" in result.explain()


def test_composite_uses_the_rounded_component_scores_it_is_given():
    with pytest.raises(ScoringInputError, match="最多两位小数"):
        composite({Component.SURVEY: Decimal("68.3333")}, DEFAULT_SETTINGS)


def test_composite_refuses_unknown_component():
    with pytest.raises(ScoringInputError, match="未知的组成项：interview"):
        composite({"interview": 90}, DEFAULT_SETTINGS)


# --- Settings ---------------------------------------------------------------------------------


def test_default_settings_are_valid():
    assert validate_settings(DEFAULT_SETTINGS) == []
    assert DEFAULT_SETTINGS.validated() is DEFAULT_SETTINGS


def test_weights_not_summing_to_one_are_refused_with_a_clear_message():
    weights = dict(DEFAULT_SETTINGS.weights) | {Component.PUBLIC_VOTE: Decimal("0.05")}
    settings = ScoringSettings(weights=weights)

    assert validate_settings(settings) == ["权重之和必须等于 1，当前为 0.95"]
    with pytest.raises(InvalidSettings) as raised:
        department_score(worked_example(), settings)
    assert raised.value.messages == ["权重之和必须等于 1，当前为 0.95"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {
                "weights": {
                    "research": "-0.1",
                    "hotline": "0.3",
                    "survey": "0.35",
                    "public_vote": "0.25",
                    "committee": "0.2",
                }
            },
            "问题整改成效调研的权重不能为负数，当前为 -0.1",
        ),
        (
            {"weights": {"research": 1}},
            "缺少综合得分组成项的权重：12345大数据分析、人大代表及社会各界评价、网上社会投票、电子表决测评",
        ),
        ({"rating_points": {S: 120, B: 60, X: 0}}, "“满意”的分值必须在 0 到 100 之间，当前为 120"),
        ({"rating_points": {S: 50, B: 60, X: 0}}, "评价分值必须满足 满意 ≥ 基本满意 ≥ 不满意"),
        (
            {"trim_threshold": 2},
            "去掉最高分和最低分所需的最少评分个数必须是不小于 3 的整数，当前为 2",
        ),
        (
            {"hotline_s_weight": "0.6"},
            "满意率（S）与工单量变化（T）的权重之和必须等于 1，当前为 0.9",
        ),
        ({"hotline_volume_flat_score": 120}, "工单量持平时的 T 值必须在 0 到 100 之间，当前为 120"),
        ({"hotline_low_sample_threshold": -1}, "低样本阈值必须是非负整数，当前为 -1"),
        ({"survey_group_weights": dict.fromkeys(SurveyGroup, 0)}, "调查组别的权重不能全部为 0"),
        (
            {"survey_group_weights": dict.fromkeys(SurveyGroup, 1) | {"students": 1}},
            "未知的调查组别的权重：students",
        ),
    ],
)
def test_invalid_settings_are_refused_with_a_message(changes, message):
    settings = ScoringSettings(**changes)

    assert message in validate_settings(settings)
    with pytest.raises(InvalidSettings, match=re.escape(message)):
        settings.validated()


def test_settings_store_decimals_and_cannot_be_changed():
    settings = ScoringSettings(hotline_s_weight="0.6", hotline_t_weight=Decimal("0.4"))

    assert settings.hotline_s_weight == Decimal("0.6")
    assert isinstance(settings.hotline_s_weight, Decimal)
    with pytest.raises(TypeError):
        settings.weights[Component.RESEARCH] = Decimal(1)  # type: ignore[index]


def test_settings_survive_pickle_and_deepcopy():
    settings = ScoringSettings(trim_threshold=5, survey_group_weights=dict.fromkeys(SurveyGroup, 2))

    assert pickle.loads(pickle.dumps(settings)) == settings  # noqa: S301 (bytes we just made)
    assert copy.deepcopy(settings) == settings


# --- Ranking ----------------------------------------------------------------------------------


def test_equal_composites_share_a_rank():
    ranks = rank(
        {
            "A": Decimal("90.10"),
            "B": Decimal("85.3"),
            "C": Decimal("85.30"),
            "D": Decimal("80"),
            "E": None,
        }
    )

    assert ranks == {"A": 1, "B": 2, "C": 2, "D": 4, "E": None}


def test_batch_scores_ranks_complete_departments_only():
    lower = replace(worked_example("B"), research=90)
    incomplete = DepartmentInputs(key="C", research=99)

    scores = batch_scores(
        [worked_example("A"), lower, worked_example("D"), incomplete], DEFAULT_SETTINGS
    )

    assert [(s.key, str(s.score), s.rank) for s in scores] == [
        ("A", "85.33", 1),
        ("B", "84.08", 3),  # 85.33 - 0.25×5
        ("D", "85.33", 1),
        ("C", "None", None),
    ]
    assert scores[0].explain()[-1] == "排名：第 1 名"


def test_batch_refuses_duplicate_departments():
    with pytest.raises(ScoringInputError, match="部门重复：A"):
        batch_scores([worked_example("A"), worked_example("A")], DEFAULT_SETTINGS)


# --- Properties -------------------------------------------------------------------------------

cents = st.integers(0, 10_000).map(lambda n: Decimal(n) / 100)  # 0.00 .. 100.00
rating_counts = st.fixed_dictionaries({rating: st.integers(0, 40) for rating in Rating})


@st.composite
def valid_settings(draw: st.DrawFn) -> ScoringSettings:
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=4, max_size=4)))
    parts = [high - low for low, high in zip([0, *cuts], [*cuts, 100], strict=True)]
    points = sorted(draw(st.lists(cents, min_size=3, max_size=3)), reverse=True)
    s_tenths = draw(st.integers(0, 10))
    group_weights = draw(st.lists(st.integers(0, 3), min_size=7, max_size=7).filter(any))
    return ScoringSettings(
        weights={c: Decimal(p) / 100 for c, p in zip(Component, parts, strict=True)},
        rating_points=dict(zip(Rating, points, strict=True)),
        trim_threshold=draw(st.integers(3, 10)),
        hotline_volume_flat_score=draw(st.integers(0, 100)),
        hotline_change_factor=draw(st.integers(0, 300)),
        hotline_s_weight=Decimal(s_tenths) / 10,
        hotline_t_weight=Decimal(10 - s_tenths) / 10,
        hotline_low_sample_threshold=draw(st.integers(0, 50)),
        survey_group_weights=dict(zip(SurveyGroup, group_weights, strict=True)),
    )


@st.composite
def hotline_counts(draw: st.DrawFn) -> HotlineCounts:
    satisfied, basic, dissatisfied, unrated = (draw(st.integers(0, 60)) for _ in range(4))
    return HotlineCounts(
        satisfied=satisfied,
        basic=basic,
        dissatisfied=dissatisfied,
        n_window=satisfied + basic + dissatisfied + unrated,
        n_baseline=draw(st.integers(0, 300)),
    )


department_inputs = st.builds(
    DepartmentInputs,
    key=st.just("D"),
    research=st.none() | cents,
    hotline=hotline_counts(),
    survey=st.dictionaries(st.sampled_from(list(SurveyGroup)), rating_counts, max_size=7),
    public_vote=rating_counts,
    committee=st.lists(cents, max_size=12),
)


@given(inputs=department_inputs, settings=valid_settings())
def test_composite_stays_within_0_and_100_for_any_valid_inputs(inputs, settings):
    result = department_score(inputs, settings)

    for component in result.results.values():
        assert component.score is None or 0 <= component.score <= 100
    expected_missing = tuple(
        c for c, v in result.composite.components.items() if v is None and settings.weights[c]
    )
    assert result.missing == expected_missing
    if result.score is not None:
        assert 0 <= result.score <= 100
        exact = sum(
            Fraction(settings.weights[c]) * Fraction(v)
            for c, v in result.composite.components.items()
            if v is not None
        )
        assert result.score == half_up(exact)


@given(counts=hotline_counts(), settings=valid_settings())
def test_hotline_score_is_the_exact_rational_rounded_half_up(counts, settings):
    result = hotline_component(
        counts.satisfied,
        counts.basic,
        counts.dissatisfied,
        counts.n_window,
        counts.n_baseline,
        settings,
    )

    rated = counts.satisfied + counts.basic + counts.dissatisfied
    if rated == 0:
        assert result.score is None
        return
    change = (
        Fraction(counts.n_window - counts.n_baseline, counts.n_baseline)
        if counts.n_baseline
        else Fraction(0)
    )
    flat, factor = settings.hotline_volume_flat_score, settings.hotline_change_factor
    t = min(Fraction(100), max(Fraction(0), Fraction(flat) - Fraction(factor) * change))
    s = Fraction(100 * (counts.satisfied + counts.basic), rated)
    exact = Fraction(settings.hotline_s_weight) * s + Fraction(settings.hotline_t_weight) * t
    assert result.score == half_up(exact)
    assert result.low_sample == (rated < settings.hotline_low_sample_threshold)


@given(
    groups=st.dictionaries(st.sampled_from(list(SurveyGroup)), rating_counts, max_size=7),
    settings=valid_settings(),
)
def test_survey_score_is_the_exact_weighted_mean_rounded_half_up(groups, settings):
    result = survey_component(groups, settings)

    points = settings.rating_points
    means = {
        group: Fraction(sum(points[r] * n for r, n in counts.items())) / sum(counts.values())
        for group, counts in groups.items()
        if sum(counts.values()) and settings.survey_group_weights[group]
    }
    if not means:
        assert result.score is None
        return
    weights = {group: Fraction(settings.survey_group_weights[group]) for group in means}
    exact = sum(weights[g] * means[g] for g in means) / sum(weights.values())
    assert result.score == half_up(exact)


@given(data=st.data(), scores=st.lists(cents, min_size=1, max_size=15))
def test_permuting_committee_scores_changes_nothing(data, scores):
    shuffled = data.draw(st.permutations(scores))

    original = committee_component(scores, DEFAULT_SETTINGS)
    permuted = committee_component(shuffled, DEFAULT_SETTINGS)

    assert (permuted.raw, permuted.score) == (original.raw, original.score)
    assert (permuted.dropped_high, permuted.dropped_low) == (
        original.dropped_high,
        original.dropped_low,
    )
    assert sorted(permuted.kept) == sorted(original.kept)


@given(data=st.data(), ballots=st.lists(st.sampled_from(list(Rating)), max_size=60))
def test_permuting_ballots_changes_nothing(data, ballots):
    shuffled = data.draw(st.permutations(ballots))

    original = public_vote_component(Counter(ballots), DEFAULT_SETTINGS)
    permuted = public_vote_component(Counter(shuffled), DEFAULT_SETTINGS)

    assert permuted == original
    if ballots:
        points = DEFAULT_SETTINGS.rating_points
        exact = Fraction(sum(points[b] for b in ballots)) / len(ballots)
        assert original.score == half_up(exact)


@given(scores=st.lists(cents, min_size=1, max_size=15), threshold=st.integers(3, 10))
def test_trimming_applies_only_from_the_threshold_on(scores, threshold):
    result = committee_component(scores, ScoringSettings(trim_threshold=threshold))

    if len(scores) >= threshold:
        assert result.trimmed
        assert (result.dropped_high, result.dropped_low) == (max(scores), min(scores))
        assert sorted(result.kept) == sorted(scores)[1:-1]
    else:
        assert not result.trimmed and result.kept == tuple(scores)
    exact = Fraction(sum(result.kept)) / len(result.kept)
    assert result.score == half_up(exact)


@given(st.integers(0, 10**8).map(lambda n: Decimal(n) / 10**6))
def test_round2_matches_exact_half_up(value):
    assert round2(value) == half_up(Fraction(value))
