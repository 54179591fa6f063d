import pytest

from campaigns.tally import tally

DEPARTMENTS = ["公安局", "人社局", "自然资源局", "住建局", "交通运输局", "城管局"]


def ballots(*choices: str) -> list[list[str]]:
    # "AB" is a ballot choosing 公安局 and 人社局; "" is an abstention.
    return [[DEPARTMENTS["ABCDEF".index(letter)] for letter in choice] for choice in choices]


def test_majority_selected_within_slots():
    result = tally(DEPARTMENTS, ballots("AB", "AB", "AC", "BC", "A"), slots=2)

    assert result.ballots_cast == 5
    assert result.threshold == 3
    assert result.votes == {
        "公安局": 4,
        "人社局": 3,
        "自然资源局": 2,
        "住建局": 0,
        "交通运输局": 0,
        "城管局": 0,
    }
    assert result.selected == ["公安局", "人社局"]
    assert result.not_selected == ["自然资源局", "住建局", "交通运输局", "城管局"]
    assert result.tied == [] and result.runoff_slots == 0 and result.is_decided


def test_exactly_half_of_ballots_is_not_enough():
    result = tally(DEPARTMENTS, ballots("AB", "AB", "A", "C"), slots=2)

    assert result.threshold == 3
    assert result.votes["人社局"] == 2
    assert result.selected == ["公安局"]
    assert "人社局" in result.not_selected


def test_no_more_than_slots_selected_even_if_all_pass_majority():
    result = tally(DEPARTMENTS, ballots("ABC", "ABC", "ABC", "ABD", "ABD", "ACD", "BCD"), slots=3)

    assert result.selected == ["公安局", "人社局", "自然资源局"]
    assert result.votes["住建局"] == 4 and result.threshold == 4
    assert "住建局" in result.not_selected


def test_abstention_counts_as_ballot_cast():
    # 2 of 3 would be a majority; abstentions raise the bar to 3 of 4.
    result = tally(DEPARTMENTS, ballots("A", "A", "B", ""), slots=1)

    assert result.ballots_cast == 4
    assert result.abstentions == 1
    assert result.threshold == 3
    assert result.selected == []


def test_tie_across_boundary_goes_to_runoff():
    result = tally(DEPARTMENTS, ballots("AB", "AC", "AB", "AC", "BC"), slots=2)

    assert result.votes["公安局"] == 4
    assert result.votes["人社局"] == result.votes["自然资源局"] == 3 == result.threshold
    assert result.selected == ["公安局"]
    assert result.tied == ["人社局", "自然资源局"]
    assert result.runoff_slots == 1
    assert not result.is_decided
    assert not set(result.tied) & set(result.not_selected)


def test_tie_with_no_candidate_above_it_leaves_all_slots_to_runoff():
    result = tally(DEPARTMENTS, ballots("AB", "BC", "CA"), slots=2)

    assert result.selected == []
    assert result.tied == ["公安局", "人社局", "自然资源局"]
    assert result.runoff_slots == 2


def test_tie_entirely_inside_slots_selects_all():
    result = tally(DEPARTMENTS, ballots("ABC", "ABC", "ABC", "D"), slots=3)

    assert result.selected == ["公安局", "人社局", "自然资源局"]
    assert result.tied == [] and result.runoff_slots == 0


def test_tie_below_threshold_is_not_selected_nor_runoff():
    # 自然资源局 and 住建局 tie for the last slot but neither has a majority.
    result = tally(DEPARTMENTS, ballots("AC", "AD", "AC", "BD", "A"), slots=2)

    assert result.threshold == 3
    assert result.selected == ["公安局"]
    assert result.tied == []
    assert result.not_selected[:2] == ["自然资源局", "住建局"]


def test_selected_ordered_by_votes_then_candidate_order():
    by_votes = tally(DEPARTMENTS, ballots("FE", "FE", "F", "F", "E"), slots=2)
    equal_votes = tally(DEPARTMENTS, ballots("FE", "FE", "F", "E", "EF"), slots=2)

    assert by_votes.selected == ["城管局", "交通运输局"]
    assert equal_votes.selected == ["交通运输局", "城管局"]


def test_zero_ballots_selects_nothing():
    result = tally(DEPARTMENTS, [], slots=2)

    assert result.ballots_cast == 0
    assert result.selected == [] and result.tied == []
    assert result.not_selected == DEPARTMENTS


def test_ballots_may_be_any_collection_and_a_generator():
    result = tally(
        DEPARTMENTS, (b for b in [{"公安局"}, ("公安局", "人社局"), frozenset()]), slots=2
    )

    assert result.ballots_cast == 3 and result.abstentions == 1
    assert result.selected == ["公安局"]


@pytest.mark.parametrize(
    ("ballot", "message"),
    [
        (["公安局", "人社局", "住建局"], "第2张选票选择了3个对象，超过应选名额2个"),
        (["公安局", "教育局"], "第2张选票选择了非候选对象：教育局"),
        (["公安局", "公安局"], "第2张选票重复选择了：公安局"),
        ("公安局", "第2张选票格式不正确"),
    ],
)
def test_invalid_ballot_refused(ballot, message):
    with pytest.raises(ValueError, match=message):
        tally(DEPARTMENTS, [["人社局"], ballot], slots=2)


def test_duplicate_candidates_refused():
    with pytest.raises(ValueError, match="候选对象重复：公安局"):
        tally(["公安局", "人社局", "公安局"], [], slots=1)


def test_slots_must_be_positive():
    with pytest.raises(ValueError, match="应选名额"):
        tally(DEPARTMENTS, [], slots=0)
