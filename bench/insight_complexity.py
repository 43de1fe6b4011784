"""Economic complexity: zhaoshang.insight.complexity against py-ecomplexity 0.5.x, same input, same process.

    .venv/bin/pip install -e '.[bench]'          # installs ecomplexity==0.5.3
    .venv/bin/python bench/insight_complexity.py --locations 2800 --activities 1200

Generates a seeded location × activity table (lognormal sizes, a nested capability structure so that the
presence matrix looks like real export data — about 28 % ones — and 35 % of the cells absent from the long table),
runs ``ecomplexity(...)`` (its default call, log-supermodularity check included, ``verbose=False``; or without the
check with ``--no-logsupermodularity``) and ``complexity_table(...)`` on the same DataFrame, prints both times,
the ratio and the largest absolute difference of every result column.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings

import numpy as np
import pandas as pd


def generate(n_loc: int, n_act: int, *, seed: int = 14, absent: float = 0.35, times=(2020,)) -> pd.DataFrame:
    """A long table (year, county, industry, value) with ``n_loc`` × ``n_act`` cells, ``absent`` of them missing."""
    rng = np.random.default_rng(seed)
    frames = []
    for year in times:
        size_loc = rng.lognormal(0, 1.5, n_loc)
        size_act = rng.lognormal(0, 1.0, n_act)
        capability = rng.uniform(0, 1, n_loc)
        complexity = rng.uniform(0, 1, n_act)
        gap = np.maximum(0, complexity[None, :] - capability[:, None])
        x = np.outer(size_loc, size_act) * np.exp(-4 * gap) * rng.lognormal(0, 1, (n_loc, n_act))
        x = np.round(x * 1000, 0)
        x[rng.uniform(size=x.shape) < absent] = 0
        li, ai = np.nonzero(x)
        frames.append(
            pd.DataFrame(
                {
                    "year": year,
                    "county": np.char.add("L", np.char.zfill(li.astype(str), 5)),
                    "industry": np.char.add("A", np.char.zfill(ai.astype(str), 5)),
                    "value": x[li, ai],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locations", type=int, default=2800)
    parser.add_argument("--activities", type=int, default=1200)
    parser.add_argument("--repeat", type=int, default=3, help="runs of ours (median reported)")
    parser.add_argument("--no-logsupermodularity", action="store_true", help="baseline without its check")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args(argv)

    from zhaoshang.insight.complexity import complexity_table

    data = generate(args.locations, args.activities)
    print(
        f"input: {len(data):,} rows, {args.locations:,} locations × {args.activities:,} activities, 1 time",
        flush=True,
    )
    cols = {"time": "year", "loc": "county", "prod": "industry", "val": "value"}

    ours_times = []
    result = None
    for _ in range(max(1, args.repeat)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = complexity_table(
                data, location="county", activity="industry", value="value", time="year"
            )
        ours_times.append(result.seconds)
    ours = statistics.median(ours_times)
    share = float(result.frame["mcp"].mean())
    print(
        f"zhaoshang.insight.complexity: median {ours:.3f} s of {len(ours_times)} "
        f"(min {min(ours_times):.3f}, max {max(ours_times):.3f}); route {result.methods}; "
        f"{result.rows:,} result rows; presence matrix {share:.1%} ones",
        flush=True,
    )
    if args.skip_baseline:
        return 0
    try:
        from ecomplexity import ecomplexity
    except ImportError:
        print("py-ecomplexity is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    import importlib.metadata

    version = importlib.metadata.version("ecomplexity")
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = ecomplexity(
            data, cols, verbose=False, check_logsupermodularity=not args.no_logsupermodularity
        )
    base = time.perf_counter() - started
    check = "without" if args.no_logsupermodularity else "with"
    print(f"py-ecomplexity {version} ({check} its log-supermodularity check): {base:.3f} s", flush=True)
    print(
        f"ratio: {base / ours:.1f}× faster (baseline / our median); {base / min(ours_times):.1f}× against our best"
    )

    mine = result.frame.astype({"county": str, "industry": str, "year": int})
    merged = reference.merge(mine, on=["year", "county", "industry"], suffixes=("_ref", "_ours"))
    assert len(merged) == len(reference) == len(mine), (len(merged), len(reference), len(mine))
    worst = {}
    for col in ("rca", "mcp", "diversity", "ubiquity", "eci", "pci", "density", "coi", "cog"):
        a = merged[f"{col}_ref"].to_numpy(dtype=float)
        b = merged[f"{col}_ours"].to_numpy(dtype=float)
        worst[col] = float(np.nanmax(np.abs(a - b)))
    print("largest absolute difference: " + ", ".join(f"{k} {v:.1e}" for k, v in worst.items()))
    return 0 if max(worst.values()) <= 1e-9 else 1


if __name__ == "__main__":
    sys.exit(main())
