"""Benchmark: every clause of the demo policies matched against N synthetic firms (default 1,000,000).

    .venv/bin/python bench/policies_match.py [--firms 1000000]

Prints the time to build the firm table, the time to match all clauses, firms·clauses per second and peak
memory, and the ratio against a baseline run in the same process: the one-firm evaluation
(``conditions.evaluate_clause``) on 20,000 firms, extrapolated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time

import numpy as np
import pandas as pd

from zhaoshang.policies.core import conditions as c
from zhaoshang.policies.core import matching as m
from zhaoshang.policies.demo_data import POLICIES

AS_OF = dt.date(2026, 6, 30)


def synthetic(n: int, seed: int = 13):
    rng = np.random.default_rng(seed)
    regions = np.array(["430202", "430203", "430204", "430211", "430212", "430281", "430104", "440305", ""])
    industries = np.array(["3831", "C3711", "C3714", "3962", "6510", "2665", "3985", "7320", ""])
    firms = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "region_code": regions[rng.integers(0, len(regions), n)],
            "industry_code": industries[rng.integers(0, len(industries), n)],
            "founded": pd.to_datetime("1995-01-01") + pd.to_timedelta(rng.integers(0, 11000, n), unit="D"),
            "capital_wan": np.where(rng.random(n) < 0.1, np.nan, rng.lognormal(6, 1.5, n)),
            "employees": np.where(rng.random(n) < 0.3, np.nan, rng.lognormal(3, 1.2, n).round()),
            "revenue_wan": np.where(rng.random(n) < 0.5, np.nan, rng.lognormal(7, 2, n)),
            "tax_wan": np.where(rng.random(n) < 0.5, np.nan, rng.lognormal(3, 2, n)),
            "rd_ratio": np.where(rng.random(n) < 0.7, np.nan, rng.random(n) * 10),
        }
    )
    k = n // 10
    chain = pd.DataFrame(
        {
            "firm_id": rng.integers(1, n + 1, k),
            "path": np.array(
                [
                    "轨道交通装备/牵引系统",
                    "轨道交通装备/制动系统",
                    "轨道交通装备/转向架",
                    "集成电路/设计",
                    "笔记本电脑/整机",
                ]
            )[rng.integers(0, 5, k)],
        }
    )
    q = n // 20
    quals = pd.DataFrame(
        {
            "firm_id": rng.integers(1, n + 1, q),
            "tag": np.array(["高新技术企业", "专精特新", "规上", "小巨人"])[rng.integers(0, 4, q)],
            "obtained": pd.to_datetime("2022-01-01"),
            "expires": pd.to_datetime("2027-12-31"),
        }
    )
    p = n // 200
    projects = pd.DataFrame(
        {
            "firm_id": rng.integers(1, n + 1, p),
            "stage": np.array(["signed", "registered", "construction", "production"])[rng.integers(0, 4, p)],
            "investment": rng.lognormal(9, 1, p),
        }
    )
    return firms, chain, quals, projects


def clauses() -> list[c.Clause]:
    out = []
    for policy in POLICIES:
        for clause in policy["clauses"]:
            out.append(c.Clause(len(out) + 1, tuple(c.validate_condition(x) for x in clause["conditions"])))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=1_000_000)
    args = parser.parse_args()
    cl = clauses()
    t0 = time.perf_counter()
    frames = synthetic(args.firms)
    t1 = time.perf_counter()
    table = m.FirmTable.from_frames(*frames)
    t2 = time.perf_counter()
    results = m.match_all(cl, table, AS_OF)
    t3 = time.perf_counter()
    matched = sum(r.counts()["matched"] for r in results)
    # baseline: the one-firm evaluation on a sample, extrapolated
    sample = 20_000
    firms = frames[0].head(sample)
    facts = [
        c.FirmFacts(
            id=int(r.id),
            region_code=r.region_code,
            industry_code=r.industry_code,
            founded=r.founded.date(),
            capital_wan=None if np.isnan(r.capital_wan) else r.capital_wan,
            employees=None if np.isnan(r.employees) else r.employees,
            revenue_wan=None if np.isnan(r.revenue_wan) else r.revenue_wan,
            tax_wan=None if np.isnan(r.tax_wan) else r.tax_wan,
            rd_ratio=None if np.isnan(r.rd_ratio) else r.rd_ratio,
        )
        for r in firms.itertuples()
    ]
    t4 = time.perf_counter()
    for f in facts:
        for clause in cl:
            c.evaluate_clause(clause, f, AS_OF)
    t5 = time.perf_counter()
    baseline = (t5 - t4) * args.firms / sample
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"firms: {args.firms:,}  clauses: {len(cl)}  conditions: {sum(len(x.conditions) for x in cl)}")
    print(f"synthetic data: {t1 - t0:.1f} s; firm table: {t2 - t1:.1f} s; match all clauses: {t3 - t2:.1f} s")
    print(
        f"table + match: {t3 - t1:.1f} s (limit 60 s); {args.firms * len(cl) / (t3 - t2):,.0f} firm·clauses/s"
    )
    print(f"matched firm·clause pairs: {matched:,}")
    print(
        f"baseline (one firm at a time, {sample:,} firms extrapolated): {baseline:.0f} s; speed-up x{baseline / (t3 - t2):.0f}"
    )
    print(f"peak memory: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
