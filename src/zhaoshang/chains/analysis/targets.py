"""Target ranking (精准招商): which firms elsewhere to approach for the region's missing and weak nodes.

Candidates are firms outside the region assigned to a gap node (:func:`select_candidates` picks them from a
national assignment table). :func:`rank_targets` scores each on six factors, each in [0, 1]:

==========  ==========================================================  ========================================
factor      input columns (the Django side maps stored fields to these)  score
==========  ==========================================================  ========================================
node        ``node_score`` (classification score, 0–1); optional          the score itself
            ``matched_words`` (str or list) for the explanation
size        ``capital_wan_cny`` (万元), ``employees``, ``revenue_wan``     mean over known indicators of the
            (万元)                                                      firm's percentile among candidates
growth      ``revenue_growth`` (fraction, 0.12 = +12 %), or               (growth + 10 %) / 40 %, clipped:
            ``revenue_wan`` with ``revenue_prev_wan`` (previous year)      −10 % → 0, +30 % → 1
listed      ``listed`` (bool, 是/否, 1/0)                                 1 listed, 0 not listed
distance    ``distance_km``, or ``lat``/``lon`` with ``origin=(lat, lon)``  1 / (1 + km / 300): 0 km → 1,
            (great-circle distance)                                     300 km → 0.5, 1,500 km → 0.17
links       ``leader_links`` (count of known supply relations to local   1 − 0.5^n: 0 → 0, 1 → 0.5, 2 → 0.75
            firms; NaN when none is known), ``local_buyers`` (names)
==========  ==========================================================  ========================================

**A factor without data is unknown, never zero.** The total is the weighted mean over the factors that are
known for that firm (weights re-normalised over them), and ``coverage`` is the share of the total weight
that was known. So a firm whose revenue nobody has is ranked on what is known about it, not as a firm
with no revenue; ``coverage`` tells the user how much the rank rests on. ``min_coverage`` moves firms known
too little about below all others.

Each row gets ``reasons``: Chinese sentences for the factors known for that row only — the words or products
that matched (``matched_words``), size, growth, listing, distance, and the local firms it supplies only when such
a relation is recorded (``local_buyers``). Nothing is said about what is unknown: a sentence true of every row
tells the reader nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from zhaoshang.core.reference.regions import region_prefix as reference_region_prefix

from .errors import AnalysisInputError
from .gap import GapResult

__all__ = ["FACTORS", "Factors", "rank_targets", "region_prefix", "select_candidates"]

FACTORS = ("node", "size", "growth", "listed", "distance", "links")
SIZE_COLUMNS = {"capital_wan_cny": "注册资本", "employees": "员工", "revenue_wan": "营收"}
DISTANCE_HALF_KM = 300.0
GROWTH_FLOOR, GROWTH_SPAN = -0.10, 0.40


@dataclass(frozen=True)
class Factors:
    """Weights of the six factors (any non-negative numbers; they are re-normalised)."""

    node: float = 0.30
    size: float = 0.25
    growth: float = 0.15
    listed: float = 0.10
    distance: float = 0.10
    links: float = 0.10

    def __post_init__(self) -> None:
        for f in fields(self):
            w = getattr(self, f.name)
            if not isinstance(w, int | float) or math.isnan(w) or w < 0:
                raise AnalysisInputError(
                    f"因素权重「{f.name}」应为非负数，实际为 {w!r}",
                    code="target_weight_negative",
                    factor=f.name,
                    value=repr(w),
                )
        if sum(getattr(self, f) for f in FACTORS) <= 0:
            raise AnalysisInputError("因素权重不能全为 0", code="target_weights_all_zero")


def _num(df: pd.DataFrame, col: str) -> pd.Series:
    if col not in df.columns:
        return pd.Series(np.nan, index=df.index, dtype=float)
    s = pd.to_numeric(df[col], errors="coerce").astype(float)
    return s


def _listed(df: pd.DataFrame) -> pd.Series:
    if "listed" not in df.columns:
        return pd.Series(np.nan, index=df.index, dtype=float)
    truth = {
        "是": 1.0,
        "否": 0.0,
        "true": 1.0,
        "false": 0.0,
        "yes": 1.0,
        "no": 0.0,
        "1": 1.0,
        "0": 0.0,
        "已上市": 1.0,
        "未上市": 0.0,
    }

    def one(v: Any) -> float:
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
            return np.nan
        if isinstance(v, bool | np.bool_ | int | np.integer | float):
            return 1.0 if v else 0.0
        return truth.get(str(v).strip().lower(), np.nan)

    return df["listed"].map(one).astype(float)


def _haversine_km(lat: pd.Series, lon: pd.Series, origin: tuple[float, float]) -> pd.Series:
    la1, lo1 = np.radians(origin[0]), np.radians(origin[1])
    la2, lo2 = np.radians(lat.to_numpy(dtype=float)), np.radians(lon.to_numpy(dtype=float))
    a = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return pd.Series(2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0, 1))), index=lat.index)


def _money(wan: float) -> str:
    if wan >= 10_000:
        return f"{wan / 10_000:.1f} 亿元"
    return f"{wan:,.0f} 万元" if wan >= 100 else f"{wan:g} 万元"


#: The reason codes of a target row (``reason_codes``: ``(code, params)`` pairs, JSON-ready) and their Chinese
#: sentences (``reasons``); the edges translate the codes into the user's language.
REASON_CODES = ("product", "node_match", "size", "growth", "listed", "distance", "supplies")


def reason_zh(code: str, params: dict[str, Any]) -> str:
    """The Chinese sentence of one reason code (the ``reasons`` column; commands and the API's text)."""
    if code == "product":
        return f"产品相符：{'、'.join(f'「{w}」' for w in params['words'])}"
    if code == "node_match":
        level = {"high": "高", "medium": "中", "low": "低"}[params["level"]]
        return f"环节匹配度{level}（{params['score']:.2f}）"
    if code == "size":
        parts = [
            f"{SIZE_COLUMNS[c]} {v:,.0f} 人" if c == "employees" else f"{SIZE_COLUMNS[c]} {_money(v)}"
            for c, v in params["parts"]
        ]
        return f"{'、'.join(parts)}，规模居候选前 {params['top']}%"
    if code == "growth":
        g = params["rate"]
        return f"营收增长 {g:.0%}" if g >= 0 else f"营收下降 {-g:.0%}"
    if code == "listed":
        return "上市公司"
    if code == "distance":
        return f"距本地 {params['km']:,.0f} 公里"
    if code == "supplies":
        return f"已向本地企业{'、'.join(f'「{n}」' for n in params['names'])}供货"
    raise AnalysisInputError(f"未知的推荐理由代码：{code}", code="target_reason_unknown", reason=code)


def _words(v: Any) -> list[str]:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return []
    if isinstance(v, str):
        return [w for w in (x.strip() for x in v.replace("，", "；").replace(",", "；").split("；")) if w]
    if isinstance(v, Iterable):
        return [str(w) for w in v if str(w)]
    return [str(v)]


def rank_targets(
    candidates: pd.DataFrame,
    *,
    weights: Factors | None = None,
    origin: tuple[float, float] | None = None,
    min_coverage: float = 0.0,
) -> pd.DataFrame:
    """Score and sort candidates; see the module docstring for columns and formulas.

    Returns the input columns plus ``score_<factor>`` (NaN when unknown), ``total``, ``coverage``, ``rank``
    (1 = best), ``reasons`` (list of Chinese strings) and ``reason_codes`` (the same as ``(code, params)`` pairs,
    see :func:`reason_zh`), best first.
    """
    weights = weights or Factors()
    if not isinstance(candidates, pd.DataFrame):
        raise AnalysisInputError("候选企业应为表格（DataFrame）", code="target_candidates_not_a_frame")
    if "firm_id" not in candidates.columns:
        raise AnalysisInputError("候选企业表缺少列：firm_id", code="target_candidates_without_firm_id")
    df = candidates.copy()
    if len(df) == 0:
        for f in FACTORS:
            df[f"score_{f}"] = pd.Series(dtype=float)
        return df.assign(
            total=pd.Series(dtype=float),
            coverage=pd.Series(dtype=float),
            rank=pd.Series(dtype=int),
            reasons=pd.Series(dtype=object),
            reason_codes=pd.Series(dtype=object),
        )
    scores: dict[str, pd.Series] = {}

    node = _num(df, "node_score")
    if ((node < 0) | (node > 1)).any():
        raise AnalysisInputError("node_score 应在 0 到 1 之间", code="target_node_score_out_of_range")
    scores["node"] = node

    sizes = {c: _num(df, c).where(lambda s: s >= 0) for c in SIZE_COLUMNS}
    pct = [s.rank(pct=True, method="average") for s in sizes.values()]
    size = pd.concat(pct, axis=1).mean(axis=1, skipna=True)
    scores["size"] = size
    size_top = size.rank(ascending=False, method="max") / size.notna().sum()

    if "revenue_growth" in df.columns:
        growth = _num(df, "revenue_growth")
    else:
        prev = _num(df, "revenue_prev_wan")
        growth = (_num(df, "revenue_wan") / prev.where(prev > 0)) - 1.0
    scores["growth"] = ((growth - GROWTH_FLOOR) / GROWTH_SPAN).clip(0, 1)

    scores["listed"] = _listed(df)

    if "distance_km" in df.columns:
        dist = _num(df, "distance_km").where(lambda s: s >= 0)
    elif origin is not None and {"lat", "lon"} <= set(df.columns):
        dist = _haversine_km(_num(df, "lat"), _num(df, "lon"), origin)
    else:
        dist = pd.Series(np.nan, index=df.index, dtype=float)
    scores["distance"] = 1.0 / (1.0 + dist / DISTANCE_HALF_KM)

    links = _num(df, "leader_links").where(lambda s: s >= 0)
    scores["links"] = 1.0 - np.power(0.5, links)

    w = np.array([getattr(weights, f) for f in FACTORS])
    mat = np.column_stack([scores[f].to_numpy(dtype=float) for f in FACTORS])
    known = ~np.isnan(mat)
    known_w = (known * w).sum(axis=1)
    total = np.where(known_w > 0, np.where(known, mat, 0.0) @ w / np.where(known_w > 0, known_w, 1.0), np.nan)
    coverage = known_w / w.sum()
    for f in FACTORS:
        df[f"score_{f}"] = scores[f].to_numpy(dtype=float)
    df["total"] = total
    df["coverage"] = coverage

    words = df["matched_words"].tolist() if "matched_words" in df.columns else [None] * len(df)
    buyers = df["local_buyers"].tolist() if "local_buyers" in df.columns else [None] * len(df)
    reasons: list[list[str]] = []
    reason_codes: list[list[tuple[str, dict[str, Any]]]] = []
    for i in range(len(df)):
        r: list[tuple[str, dict[str, Any]]] = []
        ns = node.iat[i]
        ws = _words(words[i])
        if ws:
            r.append(("product", {"words": ws[:4]}))
        elif not np.isnan(ns):
            level = "high" if ns >= 0.7 else "medium" if ns >= 0.4 else "low"
            r.append(("node_match", {"level": level, "score": round(float(ns), 2)}))
        parts = [[c, float(sizes[c].iat[i])] for c in SIZE_COLUMNS if not np.isnan(sizes[c].iat[i])]
        if parts:
            r.append(("size", {"parts": parts, "top": max(1, math.ceil(100 * float(size_top.iat[i])))}))
        g = growth.iat[i]
        if not np.isnan(g):
            r.append(("growth", {"rate": float(g)}))
        lv = scores["listed"].iat[i]
        if not np.isnan(lv) and lv:
            r.append(("listed", {}))
        d = dist.iat[i]
        if not np.isnan(d):
            r.append(("distance", {"km": float(d)}))
        names = _words(buyers[i])
        if names:
            r.append(("supplies", {"names": names[:3]}))
        reason_codes.append(r)
        reasons.append([reason_zh(code, params) for code, params in r])
    df["reasons"] = reasons
    df["reason_codes"] = reason_codes
    enough = df["coverage"] >= min_coverage
    order = np.lexsort(
        (
            df["firm_id"].astype(str).to_numpy(),
            -df["coverage"].to_numpy(),
            -np.nan_to_num(total, nan=-1.0),
            ~enough.to_numpy(),
        )
    )
    df = df.iloc[order].copy()
    df["rank"] = np.arange(1, len(df) + 1)
    return df


def region_prefix(code: str) -> str:
    """The prefix of GB/T 2260 codes inside a region: 430000 → "43", 430200 → "4302", 430202 → "430202"."""
    code = str(code).strip()
    if not (code.isdigit() and len(code) == 6):
        raise AnalysisInputError(
            f"行政区划代码应为 6 位数字（GB/T 2260），实际为「{code}」",
            code="target_region_code_invalid",
            raw=code,
        )
    return reference_region_prefix(code)


def select_candidates(
    firms: pd.DataFrame,
    gaps: GapResult,
    *,
    home_region: str,
    region_column: str = "region_code",
    statuses: Iterable[str] = ("missing", "weak"),
) -> pd.DataFrame:
    """Rows of ``firms`` (firm → node assignments nationwide, with ``node_key`` and ``region_column``)
    that lie outside ``home_region`` and are assigned to a node whose status is in ``statuses``; adds the
    node's ``gap_status``, ``key_node`` and ``node_path``."""
    for col in ("firm_id", "node_key", region_column):
        if col not in firms.columns:
            raise AnalysisInputError(f"企业表缺少列：{col}", code="target_firms_column_missing", column=col)
    prefix = region_prefix(home_region)
    wanted = {n.key: n for n in gaps.nodes if n.status in set(statuses)}
    regions = firms[region_column].astype(str).str.strip()
    mask = firms["node_key"].isin(list(wanted)) & ~regions.str.startswith(prefix)
    out = firms[mask].copy()
    out["gap_status"] = out["node_key"].map(lambda k: wanted[k].status)
    out["key_node"] = out["node_key"].map(lambda k: wanted[k].key_node)
    out["node_path"] = out["node_key"].map(lambda k: wanted[k].path)
    return out
