"""Similarity of citizen suggestions (意见建议), to help staff merge duplicates into themes.

A campaign collects thousands of suggestions (2,206 for natural resources, 2,350 for housing
in 2020) that staff merge (归并整合) into a few dozen themes. This module proposes the merges;
staff confirm them. Pure logic, no Django: a service loads `(id, text)` pairs, builds a
`SimilarityIndex` and stores what staff accept.

Method, chosen by measurement on tests/data/suggestions_labelled.csv (31 themes of 10-13
paraphrases each plus 42 one-off suggestions; `python bench/suggestion_similarity.py
--compare` prints every number below):

* text: HTML removed, NFKC, case-folded; punctuation, function characters (的 了 是 ...) and
  complaint boilerplate (建议 希望 群众 ...) split the text into segments;
* features: character 1- and 2-grams inside each segment, TF-IDF, cosine similarity.
  Single characters carry much of the topic in Chinese (暖, 燃, 垃 recur across
  paraphrases that share no word): best merge F1 was 0.578 for (1, 2), 0.558 for (1, 1),
  0.531 for (1, 3), 0.446 for (2, 2) and 0.374 for (2, 3); keeping the stop words gave 0.523;
* merges: average-linkage agglomeration, cut where the average similarity between two
  groups falls below the threshold. Connected components of the pairs above a threshold
  chain themes together: F1 0.24 at best (precision 0.02 at 0.10, recall 0.02 at 0.30).
  Average linkage needs the full similarity matrix; at 5,000 suggestions that is 100 MB of
  float32 and about 3 s, once per index (the tree is reused for every threshold). A sparse
  top-k graph counts every pair outside the top k as 0, which caps a theme at a few times
  k members, while real themes collect hundreds of suggestions.

It sees wording only: citizens describing one problem in different words (放学太早没人接 /
课后延时服务) are often missed; on the labelled paraphrases recall is 0.48, precision 0.73.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Hashable, Sequence
from typing import Generic, TypeVar

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer

K = TypeVar("K", bound=Hashable)

NGRAM_RANGE = (1, 2)
# Measured on the labelled set (bench/suggestion_similarity.py). Merge F1 is flat at 0.58
# from 0.05 to 0.07; 0.07 has the best precision of the plateau (0.73 against 0.59) and
# stays away from 0.03, where groups chain across themes (precision 0.35).
MERGE_THRESHOLD = 0.07
# For single pairs (similar_to): best pairwise F1 on the labelled set (0.46: P 0.46, R 0.45).
SIMILAR_THRESHOLD = 0.10

# Characters and words that appear in suggestions on every topic. Removing them and
# splitting there (no n-gram spans the gap) raised merge F1 from 0.52 to 0.58.
FUNCTION_CHARS = "的了是在和也都吗呢吧啊呀嘛着就还很太"
BOILERPLATE_WORDS = (
    "有关部门", "相关部门", "能不能", "老百姓", "我们", "建议", "希望", "政府", "问题",
    "群众", "市民", "部门", "解决",
)  # fmt: skip

_HTML_RE = re.compile(
    r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|</?[a-zA-Z][^>]*>", re.IGNORECASE | re.DOTALL
)
_STOP_RE = re.compile(
    "|".join(re.escape(w) for w in sorted((*BOILERPLATE_WORDS, *FUNCTION_CHARS), key=len)[::-1])
)
# Rows per sparse product when filling the similarity matrix: at N=5,000, blocks of 250-500
# rows took 1.2 s against 1.7 s for one product of all rows, and bound the transient block.
_BLOCK_ROWS = 500


def normalize_text(text: str) -> str:
    """Segments of meaningful characters, separated by single spaces."""
    text = html.unescape(_HTML_RE.sub(" ", text))
    text = unicodedata.normalize("NFKC", text).casefold()
    # Keep letters and digits (Chinese characters are letters); everything else separates.
    text = "".join(c if unicodedata.category(c)[0] in "LN" else " " for c in text)
    return " ".join(_STOP_RE.sub(" ", text).split())


def _char_ngrams(normalized: str) -> list[str]:
    low, high = NGRAM_RANGE
    grams: list[str] = []
    for segment in normalized.split():
        for n in range(low, high + 1):
            grams.extend(segment[i : i + n] for i in range(len(segment) - n + 1))
    return grams


class SimilarityIndex(Generic[K]):
    """TF-IDF index over one batch of suggestions; rebuild it when the batch changes."""

    def __init__(self, items: Sequence[tuple[K, str]]) -> None:
        self._ids: list[K] = []
        self._positions: dict[K, int] = {}
        for key, _ in items:
            if key in self._positions:
                raise ValueError(f"意见建议编号重复：{key}")
            self._positions[key] = len(self._ids)
            self._ids.append(key)
        documents = [normalize_text(text) for _, text in items]
        self._vectorizer: TfidfVectorizer | None = None
        if any(documents):
            self._vectorizer = TfidfVectorizer(
                analyzer=_char_ngrams, sublinear_tf=True, dtype=np.float32
            )
            matrix = self._vectorizer.fit_transform(documents)
        else:
            # Nothing to compare (all texts empty): every vector is zero.
            matrix = sparse.csr_matrix((len(documents), 0), dtype=np.float32)
        # Rows are L2-normalised, so a dot product is the cosine similarity.
        self._matrix: sparse.csr_matrix = sparse.csr_matrix(matrix)
        self._tree: np.ndarray | None = None  # average-linkage tree, does not depend on threshold

    def __len__(self) -> int:
        return len(self._ids)

    def similar_to(
        self, key: K, *, k: int = 10, threshold: float = SIMILAR_THRESHOLD
    ) -> list[tuple[K, float]]:
        """Up to k other suggestions with similarity >= threshold, most similar first."""
        _check_threshold(threshold)
        position = self._positions[key]
        scores = self._scores(self._matrix[position])
        scores[position] = 0.0
        return self._best(scores, k=k, threshold=threshold)

    def similar_to_text(
        self, text: str, *, k: int = 10, threshold: float = SIMILAR_THRESHOLD
    ) -> list[tuple[K, float]]:
        """Like similar_to, for a new suggestion that is not in the index (e.g. on submission)."""
        _check_threshold(threshold)
        if self._vectorizer is None:
            return []
        vector = self._vectorizer.transform([normalize_text(text)])
        return self._best(self._scores(vector), k=k, threshold=threshold)

    def propose_merges(self, *, threshold: float = MERGE_THRESHOLD) -> list[list[K]]:
        """Groups of two or more suggestions whose average pairwise similarity >= threshold.

        Members keep input order; groups come largest first, then by first member.
        """
        _check_threshold(threshold)
        if len(self._ids) < 2:
            return []
        if self._tree is None:
            self._tree = self._average_linkage()
        labels = fcluster(self._tree, t=1.0 - threshold, criterion="distance")
        groups: dict[int, list[K]] = {}
        for key, label in zip(self._ids, labels.tolist(), strict=True):
            groups.setdefault(label, []).append(key)
        merges = [members for members in groups.values() if len(members) > 1]
        merges.sort(key=lambda members: (-len(members), self._positions[members[0]]))
        return merges

    def _scores(self, vector: sparse.csr_matrix) -> np.ndarray:
        # matrix @ vector.T only converts the one-row vector; vector @ matrix.T would convert
        # the whole matrix on every query (3.8 ms against 6 ms at N=5,000).
        return np.asarray((self._matrix @ vector.T).toarray(), dtype=np.float64).ravel()

    def _best(self, scores: np.ndarray, *, k: int, threshold: float) -> list[tuple[K, float]]:
        if k < 1:
            raise ValueError("返回条数必须至少为1")
        # A zero score means no shared n-gram: never "similar", whatever the threshold.
        candidates = np.flatnonzero((scores >= threshold) & (scores > 0))
        # Most similar first; equal scores in input order, so results are reproducible.
        order = candidates[np.lexsort((candidates, -scores[candidates]))][:k]
        return [(self._ids[i], float(scores[i])) for i in order]

    def _average_linkage(self) -> np.ndarray:
        n = len(self._ids)
        distances = np.empty((n, n), dtype=np.float32)
        transposed = self._matrix.T.tocsr()
        for start in range(0, n, _BLOCK_ROWS):
            block = self._matrix[start : start + _BLOCK_ROWS] @ transposed
            distances[start : start + block.shape[0]] = block.toarray()
        np.subtract(1.0, distances, out=distances)
        np.clip(distances, 0.0, 1.0, out=distances)  # float error can make 1 - 1.0000001 < 0
        np.fill_diagonal(distances, 0.0)
        condensed = squareform(distances, checks=False)
        del distances
        return np.asarray(linkage(condensed, method="average"))


def _check_threshold(threshold: float) -> None:
    if not 0.0 < threshold <= 1.0:
        raise ValueError("相似度阈值必须大于0且不超过1")
