"""共性问题: appeals that describe the same problem in different words, grouped with DBSCAN (scikit-learn).

How (data in: texts; data out: clusters with the reason each text is in its cluster):

1. Features are the character bigrams of each run of Chinese characters / letters ("晚上路灯一直不亮" →
   晚上 上路 路灯 灯一 一直 直不 不亮). Bigrams need no word segmenter, so "路灯不亮" and "路灯坏了不亮" share
   路灯 and 不亮 however a segmenter would cut them.
2. TF-IDF weights; a bigram found in only one text is dropped (it cannot make two texts similar and would only
   dilute the rest), so are generic ones (企业, 希望, 解决, 园区, 门口 …, and in a big corpus any in more than
   ``max_df`` of the texts and more than ``MIN_DF_CAP`` texts).
3. Each text keeps its ``key_terms`` heaviest bigrams — its key terms — and is normalised.
4. Cosine similarity between key-term vectors, computed in row chunks as a sparse product, kept when ≥
   ``threshold`` and the two texts share at least ``min_shared`` key terms (one shared place name is no problem); DBSCAN (metric="precomputed", sparse) groups texts having at least ``min_size`` − 1
   such neighbours, and their neighbours.
5. A cluster's label is the key terms at least half of its texts contain, joined where they overlap (路灯 + 灯不 + 不亮 → 路灯不亮); each
   member's reason is the key terms it shares with the label and its similarity to the cluster's centre.

A member's reason is a code (``REASON_*``) with its terms as parameter; the edge says it in the user's language
(``zhaoshang.service.messages.explanation``; in Chinese the terms joined by 、, as always).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

#: below this many texts no term is too common to keep (a problem raised by 6 % of 600 appeals keeps its terms)
MIN_DF_CAP = 1000
_RUNS = re.compile(r"[\u4e00-\u9fffA-Za-z]+")
GENERIC: frozenset[str] = frozenset(
    "企业 公司 我们 我司 本司 希望 请求 要求 解决 问题 反映 协调 尽快 相关 部门 政府 帮助 目前 现在 一下 "
    "没有 进行 情况 存在 需要 非常 能够 可以 是否 什么 怎么 如何 为何 我们 你们 他们 以及 并且 但是 因为 所以 "
    "已经 一个 这个 那个 谢谢 麻烦 请问 诉求 办理 工作 有限 限公 责任 任公 "
    # boilerplate of 12345 texts: 影响(企业)正常生产经营, 希望相关部门尽快协调解决, 已反映多次, 请跟进
    "影响 响正 正常 常生 生产 产经 经营 望相 关部 门尽 快协 调解 门协 多次 映多 跟进 一下 "
    # where, not what: 园区门口 / 厂区周边 place a problem, they do not make two problems one
    "园区 厂区 门口 周边 附近 区门 区周 区附 一直 已经 好几 几天 很久 多月".split()
)


def bigrams(text: str) -> list[str]:
    out: list[str] = []
    for run in _RUNS.findall(text or ""):
        if run.isascii():
            out.append(run.lower())
            continue
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return [b for b in out if b not in GENERIC]


#: the member holds the key terms most texts of its cluster hold
REASON_COMMON_TERMS = "cluster_member_common_terms"
#: it holds none of them, only some of the heaviest terms of the cluster's centre
REASON_CENTRAL_TERMS = "cluster_member_central_terms"


@dataclass
class Member:
    index: int
    similarity: float  # cosine similarity to the cluster's centre
    shared_terms: list[str]
    reason: str = REASON_COMMON_TERMS

    @property
    def reason_params(self) -> dict[str, list[str]]:
        return {"terms": self.shared_terms}


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


def vectorise(
    texts: Sequence[str], *, max_df: float, counts: Sequence[int] | None = None
) -> tuple[sparse.csr_matrix, list[str]]:
    """TF-IDF (sublinear tf, smooth idf) over the bigrams found in at least two texts and at most ``max_df`` of them.

    ``counts[i]`` says how many times ``texts[i]`` occurs (document frequencies count every occurrence)."""
    vocabulary: dict[str, int] = {}
    indices: list[int] = []
    indptr = [0]
    for text in texts:
        for gram in bigrams(text):
            j = vocabulary.get(gram)
            if j is None:
                j = vocabulary[gram] = len(vocabulary)
            indices.append(j)
        indptr.append(len(indices))
    weights = np.ones(len(texts)) if counts is None else np.asarray(counts, dtype=np.float64)
    n = float(weights.sum())
    data = np.ones(len(indices), dtype=np.float32)
    x = sparse.csr_matrix(
        (data, np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
        shape=(len(texts), len(vocabulary)),
    )
    x.sum_duplicates()
    row_of = np.repeat(np.arange(len(texts)), np.diff(x.indptr))
    df = np.bincount(x.indices, weights=weights[row_of], minlength=x.shape[1])
    cap = max(max_df * n, MIN_DF_CAP)  # generic terms are dropped only where they cost: in big corpora
    keep = np.flatnonzero((df >= 2) & (df <= cap))
    x = x[:, keep].tocsr()
    idf = (np.log((1 + n) / (1 + df[keep])) + 1).astype(np.float32)
    x.data = (1 + np.log(x.data)) * idf[x.indices]
    names = list(vocabulary)
    return x, [names[j] for j in keep]


def cluster_texts(
    texts: Sequence[str],
    *,
    threshold: float = 0.4,
    min_size: int = 3,
    key_terms: int = 12,
    max_df: float = 0.05,
    min_shared: int = 2,
    max_neighbours: int = 200,
    chunk: int = 4000,
) -> list[Cluster]:
    """Clusters of at least ``min_size`` similar texts, largest first (texts in no cluster are left out).

    Texts with the same key terms are clustered once, weighted by how many they are (DBSCAN's ``sample_weight``);
    each point keeps at most ``max_neighbours`` most similar neighbours, enough to decide a core point.
    """
    from sklearn.cluster import DBSCAN
    from sklearn.preprocessing import normalize

    if len(texts) < min_size:
        return []
    unique: dict[str, int] = {}
    position = [unique.setdefault(t or "", len(unique)) for t in texts]
    distinct = list(unique)
    x, vocabulary = vectorise(distinct, max_df=max_df, counts=np.bincount(position, minlength=len(distinct)))
    if x.shape[1] == 0:
        return []
    x = normalize(_keep_top(x, key_terms)).tocsr()
    x.sort_indices()
    # texts with the same key terms are one point, weighted by how many texts it stands for
    groups: dict[bytes, int] = {}
    group_of = np.empty(x.shape[0], dtype=np.int64)
    first_row = []
    for r in range(x.shape[0]):
        key = x.indices[x.indptr[r] : x.indptr[r + 1]].tobytes()
        g = groups.get(key)
        if g is None:
            g = groups[key] = len(first_row)
            first_row.append(r)
        group_of[r] = g
    position = [int(group_of[p]) for p in position]
    x = x[first_row]
    weight = np.bincount(position, minlength=x.shape[0]).astype(np.float64)
    weight[np.diff(x.indptr) == 0] = 0.0  # texts without a key term shared with another text belong nowhere
    n = x.shape[0]
    binary = x.copy()
    binary.data[:] = 1.0
    xt, bt = x.T.tocsr(), binary.T.tocsr()
    keep_per_row = max(max_neighbours, min_size - 1)
    rows, cols, vals = [], [], []
    for start in range(0, n, chunk):
        block = (x[start : start + chunk] @ xt).tocsr()
        shared = (binary[start : start + chunk] @ bt).tocsr()
        block.sort_indices()
        shared.sort_indices()
        ok = (block.data >= threshold) & (shared.data >= min_shared)
        for r in range(block.shape[0]):
            lo, hi = block.indptr[r], block.indptr[r + 1]
            idx = np.flatnonzero(ok[lo:hi]) + lo
            idx = idx[block.indices[idx] != r + start]
            if len(idx) > keep_per_row:
                idx = idx[np.argpartition(-block.data[idx], keep_per_row)[:keep_per_row]]
            if len(idx):
                rows.append(np.full(len(idx), r + start))
                cols.append(block.indices[idx])
                vals.append(np.maximum(1.0 - block.data[idx], 1e-6))
    if rows:
        distances = sparse.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(n, n),
            dtype=np.float64,
        )
    else:  # no two points alike; a point standing for several identical texts may still be a cluster
        distances = sparse.csr_matrix((n, n), dtype=np.float64)
    labels = DBSCAN(eps=1.0 - threshold + 1e-9, min_samples=min_size, metric="precomputed").fit_predict(
        distances, sample_weight=weight
    )
    members_of: dict[int, list[int]] = {}
    for i, u in enumerate(position):
        if labels[u] >= 0 and weight[u] > 0:
            members_of.setdefault(int(labels[u]), []).append(i)

    clusters: list[Cluster] = []
    for label, idx_texts in members_of.items():
        if len(idx_texts) < min_size:
            continue
        idx = np.flatnonzero(labels == label)
        centre = np.asarray(x[idx].multiply(weight[idx][:, None]).sum(axis=0)).ravel() / weight[idx].sum()
        top = [int(i) for i in np.argsort(-centre)[:6] if centre[i] > 0]
        # the label: the key terms most of the cluster's texts contain
        coverage = (
            np.asarray(binary[idx].multiply(weight[idx][:, None]).sum(axis=0)).ravel() / weight[idx].sum()
        )
        common = [int(i) for i in np.argsort(-coverage)[:10] if coverage[i] >= 0.5]
        chosen = [vocabulary[i] for i in common] or [vocabulary[top[0]]]
        norm = float(np.linalg.norm(centre)) or 1.0
        sims = dict(zip(idx.tolist(), np.asarray(x[idx] @ (centre / norm)).ravel().tolist(), strict=True))
        shared_of: dict[int, tuple[list[str], str]] = {}
        for u in idx.tolist():
            own = {vocabulary[j] for j in x[u].indices}
            common_terms = [t for t in chosen if t in own]
            if common_terms:
                shared_of[u] = (_merge_terms(common_terms), REASON_COMMON_TERMS)
            else:
                central = sorted(own & {vocabulary[j] for j in top})[:3]
                shared_of[u] = (_merge_terms(central), REASON_CENTRAL_TERMS)
        members = [Member(i, round(float(sims[position[i]]), 3), *shared_of[position[i]]) for i in idx_texts]
        members.sort(key=lambda m: (-m.similarity, m.index))
        clusters.append(Cluster(label=_label(texts[members[0].index], chosen), terms=chosen, members=members))
    clusters.sort(key=lambda c: (-len(c.members), c.label))
    return clusters


def _label(text: str, terms: list[str]) -> str:
    """The stretch of the cluster's most central text that holds its common terms (路灯不亮), else the terms."""
    found = [(text.find(t), t) for t in terms if text.find(t) >= 0]
    if found:
        start = min(p for p, _t in found)
        end = max(p + len(t) for p, t in found)
        if end - start <= 16:
            return text[start:end]
    return "、".join(_merge_terms(sorted(terms, key=lambda t: text.find(t) % 10_000)))


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
