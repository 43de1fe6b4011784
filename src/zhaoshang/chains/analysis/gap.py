"""Gap analysis (缺什么补什么): which nodes of a chain the region's firms cover, strongly, weakly or not at all.

Input: a :class:`ChainSpec` and a table of local firm → node assignments, one row per (firm, node) with

=================  ========================================================  ==========================
column             meaning                                                   when absent / NaN
=================  ========================================================  ==========================
``firm_id``        any hashable id of the firm (required)                    error
``node_key``       the node the firm is assigned to (required)               error
``capital_wan_cny`` registered capital, 万元 (converted to CNY)              unknown
``employees``      head count (参保人数 or reported)                        unknown
``revenue_wan``    annual revenue (营业收入), 万元                           unknown
``chain_slug``     optional; rows of other chains are ignored               all rows are this chain's
``evidence``       optional; the evidence kind (:mod:`.evidence`)            every row counts
=================  ========================================================  ==========================

**Evidence.** Only rows whose ``evidence`` is in :data:`.evidence.COUNTING` (confirmed, supply relation,
product evidence, a deciding industry code) make coverage. Rows with ``code_prior`` (only the industry code
fits) are *candidates to verify*: each node reports their distinct firms in its subtree as ``candidates``, and
they change no status and no completeness. ``evidence_counts`` gives, per node, its own rows by kind.

**Firm strength** — how much one firm counts, in "standard firms". A standard firm has registered capital of
1,000 万元, 100 employees and revenue of 1 亿元 (10,000 万元). For each indicator that is known,
``log2(1 + value / standard)`` (so a standard firm scores 1, one three times as big 2, one 31 times as big 5);
a firm's strength is the mean over its known indicators. A firm with no known indicator counts as one
standard firm (1.0): unknown size is not zero size. Negative values count as unknown.

**Node firms** — a node's firms are the distinct firms assigned to the node or to any node below it (a firm
assigned to two leaves of one branch counts once for the branch). Its strength is the sum of those firms'
strengths.

**Status** (per node, thresholds in :class:`Thresholds`, defaults):

- ``strong`` — at least 3 firms, or strength ≥ 5.0 (one firm ~31× a standard firm on every indicator);
- ``weak`` — at least 1 firm but not strong;
- ``missing`` — no firm.

A parent node is judged the same way on its firms, with one more rule: a parent cannot be ``strong`` while
one of its children is ``missing`` (a branch with a hole in it is weak, however many firms it has).

**Completeness** = Σ over leaves (absolute weight × coverage) / Σ over leaves (absolute weight), with coverage
1.0 for strong, ``weak_coverage`` (default 0.5) for weak, 0 for missing. Firms assigned to inner nodes only
(not specific enough to place on a leaf) count for the inner node's status, not for completeness.

The computation is vectorised: one sort of the (firm, node) pairs, then distinct firms per subtree by the
"subtract at the lowest common ancestor of consecutive nodes" method — no Python loop per firm.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from .errors import AnalysisInputError, ChainAnalysisWarning
from .evidence import COUNTING, EVIDENCE_KINDS
from .spec import ChainSpec

__all__ = [
    "STANDARD_FIRM",
    "GapResult",
    "NodeGap",
    "NodeThreshold",
    "Thresholds",
    "analyse_gaps",
    "compare_regions",
    "firm_strength",
    "priorities",
]

Status = Literal["strong", "weak", "missing"]
STANDARD_FIRM: dict[str, float] = {"capital_wan_cny": 1_000.0, "employees": 100.0, "revenue_wan": 10_000.0}
STATUS_LABELS = {"strong": "强", "weak": "弱", "missing": "缺失"}


@dataclass(frozen=True)
class NodeThreshold:
    """``strong`` when firms ≥ ``strong_firms`` or strength ≥ ``strong_strength``; ``weak`` when firms ≥
    ``weak_firms``; otherwise ``missing``. Use ``math.inf`` to switch one test off."""

    strong_firms: float = 3
    strong_strength: float = 5.0
    weak_firms: float = 1

    def __post_init__(self) -> None:
        if self.weak_firms < 1:
            raise AnalysisInputError(
                "「弱」的最少企业数不能小于 1（没有企业的节点总是缺失）", code="gap_weak_firms_below_one"
            )
        if self.strong_firms < self.weak_firms:
            raise AnalysisInputError(
                f"「强」的最少企业数（{self.strong_firms:g}）不能小于「弱」的最少企业数（{self.weak_firms:g}）",
                code="gap_strong_below_weak",
                strong=f"{self.strong_firms:g}",
                weak=f"{self.weak_firms:g}",
            )

    def status(self, firms: int, strength: float) -> Status:
        if firms >= self.strong_firms or (firms > 0 and strength >= self.strong_strength):
            return "strong"
        if firms >= self.weak_firms:
            return "weak"
        return "missing"


@dataclass(frozen=True)
class Thresholds:
    """Default thresholds, per-node overrides by node key, and the coverage a weak leaf earns."""

    default: NodeThreshold = field(default_factory=NodeThreshold)
    per_node: Mapping[str, NodeThreshold] = field(default_factory=dict)
    weak_coverage: float = 0.5

    def __post_init__(self) -> None:
        if not 0.0 <= self.weak_coverage <= 1.0:
            raise AnalysisInputError(
                f"「弱」节点的覆盖系数应在 0 到 1 之间，实际为 {self.weak_coverage}",
                code="gap_weak_coverage_out_of_range",
                value=self.weak_coverage,
            )

    def for_node(self, key: str) -> NodeThreshold:
        return self.per_node.get(key, self.default)

    def coverage(self, status: Status) -> float:
        return {"strong": 1.0, "weak": self.weak_coverage, "missing": 0.0}[status]


@dataclass(frozen=True)
class NodeGap:
    key: str
    name: str
    path: str
    depth: int
    parent_key: str | None
    status: Status
    local_firms: int  # distinct firms in the node's subtree
    own_firms: int  # firms assigned to this node itself
    strength: float
    key_node: bool
    weight: float  # absolute weight
    is_leaf: bool
    candidates: int = 0  # distinct firms in the subtree that fit only by industry code (待核实候选)
    evidence_counts: Mapping[str, int] = field(default_factory=dict)  # this node's own rows by evidence kind

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class GapResult:
    chain_slug: str
    completeness: float
    nodes: list[NodeGap]  # every node, pre-order
    ignored_rows: int = 0  # rows whose node key is not in the chain

    def node(self, key: str) -> NodeGap:
        for n in self.nodes:
            if n.key == key:
                return n
        raise KeyError(key)

    def to_frame(self) -> pd.DataFrame:
        df = pd.DataFrame([asdict(n) for n in self.nodes])
        return df.set_index("key") if len(df) else df


def firm_strength(capital_wan_cny: Any = None, employees: Any = None, revenue_wan: Any = None) -> np.ndarray:
    """Strength of each firm (arrays or scalars; NaN/None = unknown). See the module docstring."""
    parts = []
    for values, ref in (
        (capital_wan_cny, STANDARD_FIRM["capital_wan_cny"]),
        (employees, STANDARD_FIRM["employees"]),
        (revenue_wan, STANDARD_FIRM["revenue_wan"]),
    ):
        if values is None:
            continue
        a = np.atleast_1d(values)
        if a.dtype.kind not in "fiu":
            a = pd.to_numeric(pd.Series(a), errors="coerce").to_numpy(dtype=float)
        a = a.astype(float, copy=False)
        with np.errstate(invalid="ignore"):
            parts.append(np.log2(1.0 + np.where(a >= 0, a, np.nan) / ref))
    if not parts:
        n = max(
            (np.atleast_1d(v).shape[0] for v in (capital_wan_cny, employees, revenue_wan) if v is not None),
            default=1,
        )
        return np.ones(n)
    total = np.zeros(parts[0].shape[0])
    n_known = np.zeros(parts[0].shape[0])
    for p in parts:
        ok = ~np.isnan(p)
        n_known += ok
        total += np.where(ok, p, 0.0)
    return np.where(n_known > 0, total / np.maximum(n_known, 1), 1.0)


class _Tree:
    """Arrays of a chain's tree: index 0 is a virtual root above the top-level nodes; 1..N pre-order."""

    def __init__(self, spec: ChainSpec) -> None:
        self.keys = list(spec.nodes)
        pos = {k: i + 1 for i, k in enumerate(self.keys)}
        n = len(self.keys) + 1
        self.parent = np.zeros(n, dtype=np.int64)
        self.depth = np.zeros(n, dtype=np.int64)
        for k, node in spec.nodes.items():
            i = pos[k]
            self.parent[i] = pos[node.parent_key] if node.parent_key else 0
            self.depth[i] = node.depth
        self.max_depth = int(self.depth.max()) if n > 1 else 0
        # anc[d, v] = ancestor of v at depth d (valid for d <= depth[v])
        self.anc = np.zeros((self.max_depth + 1, n), dtype=np.int64)
        cur = np.arange(n)
        for d in range(self.max_depth, -1, -1):
            cur = np.where(self.depth[cur] > d, self.parent[cur], cur)  # one step up for nodes at depth d+1
            self.anc[d] = cur
        self.by_depth = [np.flatnonzero(self.depth == d) for d in range(self.max_depth + 1)]
        self.index = pd.Index(self.keys)

    def lca(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        out = np.zeros(len(u), dtype=np.int64)
        du, dv = self.depth[u], self.depth[v]
        for d in range(1, self.max_depth + 1):
            au, av = self.anc[d][u], self.anc[d][v]
            same = (au == av) & (du >= d) & (dv >= d)
            if not same.any():
                break
            out = np.where(same, au, out)
        return out

    def subtree_sum(self, values: np.ndarray) -> np.ndarray:
        total = values.astype(float).copy()
        for d in range(self.max_depth, 0, -1):
            nodes = self.by_depth[d]
            np.add.at(total, self.parent[nodes], total[nodes])
        return total


_REQUIRED = ("firm_id", "node_key")


def _frame(assignments: Any) -> pd.DataFrame:
    if isinstance(assignments, pd.DataFrame):
        return assignments
    if isinstance(assignments, Mapping):
        return pd.DataFrame(dict(assignments))
    return pd.DataFrame(list(assignments))


def analyse_gaps(
    spec: ChainSpec,
    assignments: Any,
    thresholds: Thresholds | None = None,
) -> GapResult:
    """Status of every node of ``spec`` given the region's firm → node assignments (see module docstring).

    ``assignments``: a DataFrame, a mapping of column → array, or an iterable of row dicts.
    """
    thresholds = thresholds or Thresholds()
    df = _frame(assignments)
    missing_cols = [c for c in _REQUIRED if c not in df.columns]
    if missing_cols and len(df):
        raise AnalysisInputError(
            f"企业–节点对应表缺少列：{'、'.join(missing_cols)}",
            code="gap_assignment_columns_missing",
            columns=", ".join(missing_cols),
        )
    for k in thresholds.per_node:
        if k not in spec.nodes:
            raise AnalysisInputError(
                f"阈值设置中的节点「{k}」不在产业链「{spec.name}」中",
                code="gap_threshold_node_unknown",
                node=k,
                chain=spec.name,
            )
    if "chain_slug" in df.columns:
        df = df[df["chain_slug"].to_numpy() == spec.slug]
    tree = _Tree(spec)
    n = len(tree.keys) + 1
    zeros = np.zeros(n)
    firms, strength_total, own_firms = zeros.astype(np.int64), zeros, zeros
    candidates = zeros.astype(np.int64)
    kind_counts: dict[str, np.ndarray] = {}
    ignored = 0
    if len(df) and not missing_cols:
        keys = df["node_key"]
        if isinstance(keys.dtype, pd.CategoricalDtype):
            mapping = tree.index.get_indexer(keys.cat.categories)
            codes = keys.cat.codes.to_numpy()
            t = np.where(codes >= 0, mapping[codes], -1)
        else:
            t = tree.index.get_indexer(keys.to_numpy())
        known = t >= 0
        ignored = int((~known).sum())
        if ignored:
            unknown = pd.unique(keys.to_numpy()[~known])[:5]
            warnings.warn(
                ChainAnalysisWarning(
                    f"{ignored} 行的节点键不在产业链「{spec.name}」中，已忽略（例如：{'、'.join(map(str, unknown))}）",
                    code="gap_node_keys_not_in_chain",
                    rows=ignored,
                    chain=spec.name,
                    examples=", ".join(map(str, unknown)),
                ),
                stacklevel=2,
            )
        firm_codes, _ = pd.factorize(df["firm_id"], use_na_sentinel=True)
        if (firm_codes < 0).any():
            empty = int((firm_codes < 0).sum())
            raise AnalysisInputError(
                f"企业–节点对应表中有 {empty} 行的 firm_id 为空", code="gap_firm_id_empty", rows=empty
            )
        strength = firm_strength(
            *(
                df[c].to_numpy() if c in df.columns else None
                for c in ("capital_wan_cny", "employees", "revenue_wan")
            )
        )
        if strength.shape[0] != len(df):
            strength = np.ones(len(df))
        counting = known
        if "evidence" in df.columns:
            ev = df["evidence"]
            if isinstance(ev.dtype, pd.CategoricalDtype):
                cats = np.asarray(ev.cat.categories, dtype=object)
                cat_counts = np.isin(cats, list(COUNTING))
                ev_codes = ev.cat.codes.to_numpy()
                counts_row = np.where(ev_codes >= 0, cat_counts[ev_codes], False)
                ev_values, ev_index = cats, ev_codes
            else:
                ev_index, ev_values = pd.factorize(ev, use_na_sentinel=True)
                ev_values = np.asarray(ev_values, dtype=object)
                table = np.append(
                    np.isin(ev_values, list(COUNTING)), False
                )  # index -1 (NaN) → the False at the end
                counts_row = table[ev_index]
            counting = known & counts_row
            n_kinds = len(ev_values)
            if n_kinds:
                ok = known & (ev_index >= 0)
                per_kind = np.bincount((t[ok] + 1) * n_kinds + ev_index[ok], minlength=n * n_kinds).reshape(
                    n, n_kinds
                )
                for code, kind in enumerate(ev_values):
                    if kind in EVIDENCE_KINDS:
                        kind_counts[kind] = per_kind[:, code]
            prior = known & ~counts_row
            if prior.any():
                candidates, _, _ = _subtree_firms(
                    tree, n, firm_codes[prior], t[prior], np.ones(int(prior.sum()))
                )
        else:
            kind_counts["product"] = np.bincount(t[known] + 1, minlength=n)
        firms, strength_total, own_firms = _subtree_firms(
            tree, n, firm_codes[counting], t[counting], strength[counting]
        )

    statuses: dict[str, Status] = {}
    for i in range(n - 1, 0, -1):
        k = tree.keys[i - 1]
        st = thresholds.for_node(k).status(int(firms[i]), float(strength_total[i]))
        if st == "strong" and any(statuses[c] == "missing" for c in spec.nodes[k].children):
            st = "weak"
        statuses[k] = st
    nodes: list[NodeGap] = []
    num = den = 0.0
    for i, (k, node) in enumerate(spec.nodes.items(), start=1):
        st = statuses[k]
        nodes.append(
            NodeGap(
                key=k,
                name=node.name,
                path=node.path,
                depth=node.depth,
                parent_key=node.parent_key,
                status=st,
                local_firms=int(firms[i]),
                own_firms=int(own_firms[i]),
                strength=round(float(strength_total[i]), 6),
                key_node=node.key_node,
                weight=node.abs_weight,
                is_leaf=node.is_leaf,
                candidates=int(candidates[i]),
                evidence_counts={k: int(v[i]) for k, v in kind_counts.items() if v[i]},
            )
        )
        if node.is_leaf:
            num += node.abs_weight * thresholds.coverage(st)
            den += node.abs_weight
    completeness = num / den if den > 0 else 0.0
    return GapResult(spec.slug, completeness, nodes, ignored)


def _subtree_firms(
    tree: _Tree, n: int, firm_codes: np.ndarray, t: np.ndarray, strength: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distinct firms per subtree, their strength, firms on the node itself) for rows (firm code, node index
    0-based, strength), duplicates allowed."""
    if not len(firm_codes):
        z = np.zeros(n)
        return z.astype(np.int64), z, z
    f = firm_codes.astype(np.int64)
    t = t.astype(np.int64) + 1
    per_firm = np.zeros(int(f.max()) + 1)
    np.maximum.at(per_firm, f, strength)
    pair = f * n + t
    pair.sort()  # (firm, node pre-order); np.unique would hash first, several times slower here
    pair = pair[np.concatenate(([True], pair[1:] != pair[:-1]))]
    f, t = pair // n, pair % n
    s = per_firm[f]
    own = np.bincount(t, minlength=n).astype(float)
    own_strength = np.bincount(t, weights=s, minlength=n)
    dup: np.ndarray = np.zeros(n)
    dup_strength: np.ndarray = np.zeros(n)
    same = f[1:] == f[:-1]
    if same.any():
        lca = tree.lca(t[:-1][same], t[1:][same])
        dup = np.bincount(lca, minlength=n).astype(float)
        dup_strength = np.bincount(lca, weights=s[1:][same], minlength=n)
    firms = np.rint(tree.subtree_sum(own - dup)).astype(np.int64)
    strength_total = np.maximum(tree.subtree_sum(own_strength - dup_strength), 0.0)
    return firms, strength_total, own


def priorities(
    result: GapResult,
    *,
    statuses: Iterable[Status] = ("missing", "weak"),
    leaves_only: bool = False,
) -> list[NodeGap]:
    """The gaps to work on first: key nodes (关键环节) first, then by absolute weight (largest first), then
    missing before weak, then chain order."""
    wanted = set(statuses)
    order = {"missing": 0, "weak": 1, "strong": 2}
    gaps = [
        (i, n) for i, n in enumerate(result.nodes) if n.status in wanted and (n.is_leaf or not leaves_only)
    ]
    gaps.sort(key=lambda p: (not p[1].key_node, -p[1].weight, order[p[1].status], p[0]))
    return [n for _, n in gaps]


def compare_regions(
    spec: ChainSpec,
    regions: Mapping[str, Any],
    thresholds: Thresholds | None = None,
) -> pd.DataFrame:
    """Regions side by side. Index: node key, chain order. Columns: a MultiIndex — ``("node", …)`` for
    name, path, depth, weight, key_node, is_leaf; ``(region, …)`` for status, local_firms, strength.
    ``frame.attrs["completeness"]`` maps each region to its completeness."""
    if not regions:
        raise AnalysisInputError("至少需要一个地区的数据才能比较", code="gap_compare_no_region")
    base = pd.DataFrame(
        {
            "name": [n.name for n in spec.nodes.values()],
            "path": [n.path for n in spec.nodes.values()],
            "depth": [n.depth for n in spec.nodes.values()],
            "weight": [n.abs_weight for n in spec.nodes.values()],
            "key_node": [n.key_node for n in spec.nodes.values()],
            "is_leaf": [n.is_leaf for n in spec.nodes.values()],
        },
        index=pd.Index(list(spec.nodes), name="node_key"),
    )
    frames = {"node": base}
    completeness: dict[str, float] = {}
    for region, table in regions.items():
        res = analyse_gaps(spec, table, thresholds)
        completeness[region] = res.completeness
        frames[region] = pd.DataFrame(
            {
                "status": [n.status for n in res.nodes],
                "local_firms": [n.local_firms for n in res.nodes],
                "strength": [n.strength for n in res.nodes],
            },
            index=base.index,
        )
    out = pd.concat(frames, axis=1)
    out.attrs["completeness"] = completeness
    return out
