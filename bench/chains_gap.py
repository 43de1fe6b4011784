"""Benchmark: gap analysis of a 1,000-node chain over 1,000,000 firm → node assignments.

    .venv/bin/python bench/chains_gap.py --nodes 1000 --rows 1000000

Each assignment carries an evidence kind (categorical: 65 % product, 25 % industry code only, 5 % confirmed,
3 % deciding code, 2 % supply relation); only the counting kinds make coverage, the code-only rows are counted
as candidates per node (a second pass of the same method). ``--no-evidence`` measures without the column.

Baseline, in the same process: a pure-Python implementation with dicts and sets (for each counting assignment,
add the firm to the set of the node and of every ancestor), whose node counts are checked against ours.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from zhaoshang.chains.analysis.evidence import COUNTING  # noqa: E402
from zhaoshang.chains.analysis.gap import analyse_gaps, firm_strength  # noqa: E402
from zhaoshang.chains.analysis.spec import ChainSpec, from_dict  # noqa: E402


def synthetic_chain(n_nodes: int, seed: int = 3) -> ChainSpec:
    """A chain of about ``n_nodes`` nodes: 4 top nodes, then 5–10 children per node down to depth 4."""
    rng = np.random.default_rng(seed)
    count = 0

    def level(prefix: str, depth: int, budget: int) -> list[dict]:
        nonlocal count
        k = 4 if depth == 1 else int(rng.integers(5, 11))
        k = max(1, min(k, budget))
        out = []
        for i in range(k):
            count += 1
            node: dict = {"key": f"{prefix}{i}", "name": f"节点{prefix}{i}", "weight": 1.0 / k}
            if depth < 4 and count < n_nodes:
                node["children"] = level(f"{prefix}{i}-", depth + 1, n_nodes - count)
            out.append(node)
        return out

    return from_dict({"slug": "bench", "name": "基准链", "nodes": level("n", 1, n_nodes)})


def assignments(spec: ChainSpec, rows: int, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    leaves = np.array(spec.leaves)
    inner = np.array([k for k in spec.nodes if not spec.nodes[k].is_leaf])
    # 90 % of rows on leaves, 10 % on inner nodes; 400k firm ids, so many firms sit on several nodes
    # drop ~10 % of leaves entirely, so there are gaps
    holes = rng.choice(leaves, len(leaves) // 10, replace=False)
    leaves = leaves[~np.isin(leaves, holes)]
    keys = np.where(rng.random(rows) < 0.9, rng.choice(leaves, rows), rng.choice(inner, rows))
    keep = np.ones(rows, dtype=bool)
    n = int(keep.sum())
    cap = rng.lognormal(6, 1.5, n)
    cap[rng.random(n) < 0.3] = np.nan
    emp = rng.lognormal(3.5, 1.2, n).round()
    emp[rng.random(n) < 0.5] = np.nan
    rev = rng.lognormal(7, 2, n)
    rev[rng.random(n) < 0.7] = np.nan
    kinds = np.array(["product", "code_prior", "confirmed", "code_rule", "supply"])
    evidence = kinds[rng.choice(len(kinds), n, p=[0.65, 0.25, 0.05, 0.03, 0.02])]
    return pd.DataFrame(
        {
            "firm_id": rng.integers(0, 400_000, n),
            "node_key": pd.Categorical(keys[keep]),
            "capital_wan_cny": cap,
            "employees": emp,
            "revenue_wan": rev,
            "evidence": pd.Categorical(evidence),
        }
    )


def python_baseline(spec: ChainSpec, df: pd.DataFrame) -> dict[str, tuple[int, float]]:
    """Distinct firms and strength per node, dicts and sets only (strength per row precomputed)."""
    if "evidence" in df.columns:
        df = df[df["evidence"].astype(str).isin(COUNTING)]
    strength = firm_strength(
        df["capital_wan_cny"].to_numpy(), df["employees"].to_numpy(), df["revenue_wan"].to_numpy()
    )
    per_firm: dict[int, float] = {}
    firms: dict[str, set[int]] = {k: set() for k in spec.nodes}
    up = {k: (k, *spec.ancestors(k)) for k in spec.nodes}
    for firm, key, s in zip(
        df["firm_id"].tolist(), df["node_key"].astype(str).tolist(), strength.tolist(), strict=True
    ):
        if s > per_firm.get(firm, -1.0):
            per_firm[firm] = s
        for k in up[key]:
            firms[k].add(firm)
    return {k: (len(v), sum(per_firm[f] for f in v)) for k, v in firms.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nodes", type=int, default=1000)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-evidence", action="store_true", help="drop the evidence column (every row counts)")
    args = ap.parse_args()

    spec = synthetic_chain(args.nodes)
    df = assignments(spec, args.rows)
    if args.no_evidence:
        df = df.drop(columns=["evidence"])
    depth = max(n.depth for n in spec.nodes.values())
    print(
        f"chain: {len(spec.nodes)} nodes ({len(spec.leaves)} leaves, depth {depth}); "
        f"{len(df):,} assignments of {df['firm_id'].nunique():,} firms"
    )

    analyse_gaps(spec, df.head(1000))  # warm-up
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        res = analyse_gaps(spec, df)
        times.append(time.perf_counter() - t0)
    best, median = min(times), float(np.median(times))
    tracemalloc.start()
    analyse_gaps(spec, df)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"analyse_gaps: best {best * 1000:.0f} ms, median {median * 1000:.0f} ms of {args.repeat} "
        f"= {len(df) / best:,.0f} assignments/s; peak traced memory {peak / 2**20:.0f} MB; "
        f"completeness {res.completeness:.3f}; candidates (code only) on the root nodes "
        f"{sum(n.candidates for n in res.nodes if n.depth == 1):,}"
    )

    t0 = time.perf_counter()
    base = python_baseline(spec, df)
    t_base = time.perf_counter() - t0
    bad = [
        n.key for n in res.nodes if base[n.key][0] != n.local_firms or abs(base[n.key][1] - n.strength) > 1e-3
    ]
    print(
        f"baseline (pure-Python dict/set loop): {t_base:.2f} s; x{t_base / best:.0f} slower; "
        f"node counts and strengths {'agree' if not bad else f'DIFFER on {len(bad)} nodes'}"
    )


if __name__ == "__main__":
    main()
