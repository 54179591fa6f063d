import csv
from collections import Counter
from pathlib import Path

import pytest

# Until scikit-learn, scipy and numpy are project dependencies, skip (listed by -ra) rather
# than break collection of the whole suite.
pytest.importorskip("sklearn", reason="issues.similarity needs scikit-learn (and scipy, numpy)")

from issues.similarity import (  # noqa: E402
    MERGE_THRESHOLD,
    SIMILAR_THRESHOLD,
    SimilarityIndex,
    normalize_text,
)

LABELLED = Path(__file__).resolve().parents[1] / "data" / "suggestions_labelled.csv"

HEATING = [
    ("heat-1", "家里暖气不热，室温才十四五度，打电话给热力公司也没人来。"),
    ("heat-2", "暖气一点都不热！屋里只有十五度，给热力公司打电话没人管"),
    ("heat-3", "俺家暖气不热 室温才14度，热力公司电话打不通"),
]
BUS = [
    ("bus-1", "公交车等一趟要半个多小时，班次太少了，建议加密发车。"),
    ("bus-2", "公交班次太少，等车要等半小时，希望增加发车班次"),
]
UNRELATED = [
    ("river", "孝妇河有些河段又黑又臭，夏天味道特别大。"),
    ("reading", "建议在居民区多建一些城市书房，方便市民就近读书。"),
    ("fraud", "老人接到诈骗电话被骗了好几万，希望加强反诈宣传。"),
]


def load_labelled() -> list[tuple[int, str, str]]:
    with LABELLED.open(encoding="utf-8", newline="") as f:
        return [(int(row["id"]), row["theme"], row["text"]) for row in csv.DictReader(f)]


def pairs(counts) -> int:
    return sum(c * (c - 1) // 2 for c in counts)


def test_labelled_set_has_themes_and_singletons():
    rows = load_labelled()
    themes = Counter(theme for _, theme, _ in rows)

    assert len({i for i, _, _ in rows}) == len(rows)
    assert len({text for _, _, text in rows}) == len(rows)
    assert sum(1 for c in themes.values() if c >= 10) >= 30
    assert sum(1 for c in themes.values() if c == 1) >= 40


def test_near_duplicates_are_merged_and_unrelated_kept_apart():
    index = SimilarityIndex(HEATING + BUS + UNRELATED)

    merges = index.propose_merges()

    assert merges == [["heat-1", "heat-2", "heat-3"], ["bus-1", "bus-2"]]


def test_similar_to_ranks_near_duplicates_first():
    index = SimilarityIndex(HEATING + BUS + UNRELATED)

    similar = index.similar_to("heat-1")

    assert [key for key, _ in similar] == ["heat-2", "heat-3"]
    assert all(score >= SIMILAR_THRESHOLD for _, score in similar)
    assert similar[0][1] >= similar[1][1]


def test_similar_to_respects_k_and_threshold():
    index = SimilarityIndex(HEATING + BUS + UNRELATED)

    assert len(index.similar_to("heat-1", k=1)) == 1
    assert index.similar_to("heat-1", threshold=0.99) == []
    assert "heat-1" not in [key for key, _ in index.similar_to("heat-1", k=100, threshold=1e-9)]


def test_similar_to_text_finds_existing_suggestions_for_a_new_one():
    index = SimilarityIndex(HEATING + BUS + UNRELATED)

    similar = index.similar_to_text("暖气不热，热力公司不管")

    assert {key for key, _ in similar} == {"heat-1", "heat-2", "heat-3"}


def test_html_markup_and_entities_do_not_matter():
    plain = "孩子放学太早，家长没法接，建议开展课后延时服务"
    marked = "<div><p>孩子放学太早&nbsp;家长没法接，<b>建议</b>开展课后延时服务</p></div>"
    index = SimilarityIndex([("plain", plain), ("html", marked), *UNRELATED])

    [(key, score)] = index.similar_to("html", k=1)

    assert key == "plain"
    assert score == pytest.approx(1.0, abs=1e-5)
    assert normalize_text("<script>alert(1)</script>暖气<br/>不热") == "暖气 不热"


def test_full_width_and_case_variants_are_equal():
    assert normalize_text("ＩＣ卡充值网点太少") == normalize_text("ic卡充值网点太少")


@pytest.mark.parametrize("blank", ["", "   \n\t ", "。。。！！！？？……", "<p><br/></p>", "的了吧"])
def test_blank_texts_never_match_nor_merge(blank):
    index = SimilarityIndex([("blank", blank), ("blank-2", blank), *HEATING, *UNRELATED])

    assert index.similar_to("blank", threshold=1e-9) == []
    assert all("blank" not in [key for key, _ in index.similar_to(k)] for k, _ in HEATING)
    assert all("blank" not in group for group in index.propose_merges(threshold=1e-9))


def test_index_of_only_blank_texts_or_a_single_text_works():
    blank = SimilarityIndex([(1, ""), (2, "  "), (3, "？！")])
    single = SimilarityIndex([(1, "暖气不热")])
    empty: SimilarityIndex[int] = SimilarityIndex([])

    assert blank.propose_merges() == [] and blank.similar_to(1) == []
    assert blank.similar_to_text("暖气不热") == []
    assert single.propose_merges() == [] and single.similar_to(1) == []
    assert empty.propose_merges() == [] and len(empty) == 0


def test_identical_texts_score_one():
    index = SimilarityIndex([(1, "路灯坏了没人修"), (2, "路灯坏了没人修"), *UNRELATED])

    assert index.similar_to(1, k=1) == [(2, pytest.approx(1.0, abs=1e-5))]
    assert index.propose_merges() == [[1, 2]]


def test_output_is_deterministic():
    items = [(i, text) for i, _, text in load_labelled()]

    first, second = SimilarityIndex(items), SimilarityIndex(items)

    assert first.propose_merges() == second.propose_merges()
    assert first.similar_to(1) == second.similar_to(1)


def test_merges_on_labelled_set_keep_measured_quality():
    # Measured with bench/suggestion_similarity.py: precision 0.727, recall 0.480.
    rows = load_labelled()
    theme_of = {i: theme for i, theme, _ in rows}
    index = SimilarityIndex([(i, text) for i, _, text in rows])

    merges = index.propose_merges(threshold=MERGE_THRESHOLD)

    proposed = pairs(len(group) for group in merges)
    correct = sum(pairs(Counter(theme_of[i] for i in group).values()) for group in merges)
    relevant = pairs(Counter(theme_of.values()).values())
    assert correct / proposed >= 0.65
    assert correct / relevant >= 0.40
    assert max(len(group) for group in merges) <= 30  # no chaining into one giant group


def test_merge_groups_are_ordered_largest_first_with_members_in_input_order():
    index = SimilarityIndex(BUS + UNRELATED + HEATING[::-1])

    assert index.propose_merges() == [["heat-3", "heat-2", "heat-1"], ["bus-1", "bus-2"]]


def test_lower_threshold_merges_more():
    index = SimilarityIndex([(i, text) for i, _, text in load_labelled()])

    strict, loose = index.propose_merges(threshold=0.2), index.propose_merges(threshold=0.05)

    assert pairs(map(len, strict)) < pairs(map(len, loose))


def test_duplicate_ids_refused():
    with pytest.raises(ValueError, match="意见建议编号重复：7"):
        SimilarityIndex([(7, "暖气不热"), (7, "公交太少")])


def test_unknown_id_raises_key_error():
    index = SimilarityIndex(HEATING)

    with pytest.raises(KeyError):
        index.similar_to("missing")


@pytest.mark.parametrize("threshold", [0.0, -0.1, 1.5])
def test_threshold_outside_range_refused(threshold):
    index = SimilarityIndex(HEATING)

    with pytest.raises(ValueError, match="相似度阈值"):
        index.propose_merges(threshold=threshold)
    with pytest.raises(ValueError, match="相似度阈值"):
        index.similar_to("heat-1", threshold=threshold)


def test_k_below_one_refused():
    index = SimilarityIndex(HEATING)

    with pytest.raises(ValueError, match="返回条数"):
        index.similar_to("heat-1", k=0)
