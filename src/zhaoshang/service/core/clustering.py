"""共性问题: appeals that describe the same problem in different words, grouped with DBSCAN (scikit-learn).

How (data in: texts; data out: clusters with the reason each text is in its cluster):

1. Features are the character bigrams of each run of Chinese characters / letters ("晚上路灯一直不亮" →
   晚上 上路 路灯 灯一 一直 直不 不亮). Bigrams need no word segmenter, so "路灯不亮" and "路灯坏了不亮" share
   路灯 and 不亮 however a segmenter would cut them.
2. TF-IDF weights; a bigram found in only one text is dropped (it cannot make two texts similar and would only
   dilute the rest), so are generic ones (企业, 希望, 解决 … and any in more than ``max_df`` of the texts).
3. Each text keeps its ``key_terms`` heaviest bigrams — its key terms — and is normalised.
4. Cosine similarity between key-term vectors, computed in row chunks as a sparse product, kept when ≥
   ``threshold``; DBSCAN (metric="precomputed", sparse) groups texts having at least ``min_size`` − 1
   such neighbours, and their neighbours.
5. A cluster's label is its heaviest key terms joined where they overlap (路灯 + 灯不 + 不亮 → 路灯不亮); each
   member's reason is the key terms it shares with the label and its similarity to the cluster's centre.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

_RUNS = re.compile(r"[\u4e00-\u9fffA-Za-z]+")
GENERIC: frozenset[str] = frozenset(
    "企业 公司 我们 我司 本司 希望 请求 要求 解决 问题 反映 协调 尽快 相关 部门 政府 帮助 目前 现在 一下 "
    "没有 进行 情况 存在 需要 非常 能够 可以 是否 什么 怎么 如何 为何 我们 你们 他们 以及 并且 但是 因为 所以 "
    "已经 一个 这个 那个 谢谢 麻烦 请问 诉求 办理 工作 有限 限公 责任 任公".split()
)


def bigrams(text: str) -> list[str]:
    out: list[str] = []
    for run in _RUNS.findall(text or ""):
        if run.isascii():
            out.append(run.lower())
            continue
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return [b for b in out if b not in GENERIC]


@dataclass
class Member:
    index: int
    similarity: float  # cosine similarity to the cluster's centre
    shared_terms: list[str]


@dataclass
class Cluster:
    label: str
    terms: list[str]
    members: list[Member] = field(default_factory=list)


def _merge_terms(terms: Sequence[str]) -> list[str]:
    """Join bigrams that overlap by one character into phrases: 路灯, 灯不, 不亮 → 路灯不亮."""
    phrases = list(terms)
    merged = True
    while merged:
        merged = False
        for i, a in enumerate(phrases):
            for j, b in enumerate(phrases):
                if i != j and a[-1:] == b[:1] and not a.isascii() and not b.isascii():
                    phrases[i] = a + b[1:]
                    del phrases[j]
                    merged = True
                    break
            if merged:
                break
    return phrases


def cluster_texts(
    texts: Sequence[str],
    *,
    threshold: float = 0.4,
    min_size: int = 3,
    key_terms: int = 12,
    max_df: float = 0.05,
    chunk: int = 4000,
) -> list[Cluster]:
    """Clusters of at least ``min_size`` similar texts, largest first (texts in no cluster are left out)."""
    from sklearn.cluster import DBSCAN
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    n = len(texts)
    if n < min_size:
        return []
    vectorizer = TfidfVectorizer(
        analyzer=bigrams,
        min_df=2,
        max_df=max_df if n >= 200 else 1.0,
        sublinear_tf=True,
        norm=None,
        dtype=np.float32,
    )
    try:
        x = vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # no bigram shared by two texts
        return []
    x = _keep_top(x, key_terms)
    x = normalize(x)
    vocabulary = vectorizer.get_feature_names_out()

    rows, cols, vals = [], [], []
    xt = x.T.tocsc()
    for start in range(0, n, chunk):
        block = (x[start : start + chunk] @ xt).tocoo()
        keep = (block.data >= threshold) & (block.row + start != block.col)
        rows.append(block.row[keep] + start)
        cols.append(block.col[keep])
        vals.append(np.maximum(1.0 - block.data[keep], 1e-6))
    distances = sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n), dtype=np.float64
    )
    labels = DBSCAN(eps=1.0 - threshold + 1e-9, min_samples=min_size, metric="precomputed").fit_predict(
        distances
    )

    clusters: list[Cluster] = []
    for label in np.unique(labels):
        if label < 0:
            continue
        idx = np.flatnonzero(labels == label)
        if len(idx) < min_size:
            continue
        centre = np.asarray(x[idx].mean(axis=0)).ravel()
        top = [int(i) for i in np.argsort(-centre)[:6] if centre[i] > 0]
        # the label: terms carrying most of the centre's weight, in the order of a representative text
        weight = centre[top]
        chosen = [vocabulary[i] for i, w in zip(top, weight, strict=True) if w >= weight[0] * 0.5][:4]
        norm = float(np.linalg.norm(centre)) or 1.0
        sims = np.asarray(x[idx] @ (centre / norm)).ravel()
        members = []
        chosen_set = set(chosen)
        for i, sim in zip(idx, sims, strict=True):
            row = x[int(i)]
            own = {vocabulary[j] for j in row.indices}
            shared = [t for t in chosen if t in own] or sorted(own & {vocabulary[j] for j in top})[:3]
            members.append(Member(int(i), round(float(sim), 3), _merge_terms(shared)))
        members.sort(key=lambda m: -m.similarity)
        phrases = _merge_terms(sorted(chosen_set, key=lambda t: texts[members[0].index].find(t) % 10_000))
        clusters.append(Cluster(label="、".join(phrases), terms=chosen, members=members))
    clusters.sort(key=lambda c: (-len(c.members), c.label))
    return clusters


def _keep_top(x: sparse.csr_matrix, k: int) -> sparse.csr_matrix:
    """Each row keeps its k largest values (its key terms)."""
    x = x.tocsr()
    indptr, data = x.indptr, x.data
    lengths = np.diff(indptr)
    if lengths.max(initial=0) <= k:
        return x
    mask = np.ones_like(data, dtype=bool)
    for r in np.flatnonzero(lengths > k):
        lo, hi = indptr[r], indptr[r + 1]
        order = np.argsort(-data[lo:hi])
        mask[lo + order[k:]] = False
    x = x.copy()
    x.data = np.where(mask, x.data, 0)
    x.eliminate_zeros()
    return x
