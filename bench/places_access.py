"""Walking access for every node: zhaoshang.places.access against pandana, in the same process.

    .venv/bin/python bench/places_access.py                      # 300×300 grid, 5,000 POIs, pandana baseline
    .venv/bin/python bench/places_access.py --side 1000 --pois 50000 --no-pandana   # the 1,000,000-node network

The network is a square grid (``--side`` × ``--side`` nodes, ``--spacing`` metres apart, every node jittered
by up to a fifth of the spacing; lengths are rounded to whole metres, see ``grid``). POIs are placed on random nodes in the 13 categories. Both tools get the same nodes, edges and
lengths, and the POIs as node ids (no snapping on either side).

zhaoshang: build the CSR graph + ``all_node_counts`` (5/10/15 minutes at 80 m/min = 400/800/1,200 m) for all
categories at once. pandana: ``Network(...)`` (contraction hierarchies) + ``precompute(1200)`` + one
``aggregate(limit, type="sum", decay="flat")`` per category and limit. Counts are compared node by node.
numba compiles the kernels once per installation (cached on disk); the first-run compile time is printed
separately and not counted.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from zhaoshang.places import access  # noqa: E402
from zhaoshang.places.categories import CODES  # noqa: E402


def grid(side: int, spacing: float, seed: int):
    rng = np.random.default_rng(seed)
    n = side * side
    idx = np.arange(n).reshape(side, side)
    x = (idx % side).ravel() * spacing + rng.uniform(-spacing / 5, spacing / 5, n)
    y = (idx // side).ravel() * spacing + rng.uniform(-spacing / 5, spacing / 5, n)
    u = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    v = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    # Whole metres: pandana truncates every length to whole millimetres (DISTANCEMULTFACT = 1000 in its
    # C++ core), which moves POIs lying within a millimetre of a limit; with whole metres both tools see the
    # same lengths, and many POIs lie exactly on a limit (both count them: distance ≤ limit).
    w = np.maximum(1.0, np.round(np.hypot(x[u] - x[v], y[u] - y[v])))
    # lon/lat only matter for snapping, which neither side does here; keep them plausible.
    lon = 113.0 + x / 98_000
    lat = 27.8 + y / 111_000
    return x, y, lon, lat, u, v, w


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--side", type=int, default=300)
    parser.add_argument("--spacing", type=float, default=50.0, help="metres between grid nodes")
    parser.add_argument("--pois", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--no-pandana", action="store_true", help="skip the pandana baseline")
    args = parser.parse_args()

    n_cat = len(CODES)
    x, y, lon, lat, u, v, w = grid(args.side, args.spacing, args.seed)
    rng = np.random.default_rng(args.seed + 1)
    poi_nodes = rng.integers(0, x.size, args.pois)
    poi_cats = rng.integers(0, n_cat, args.pois)
    limits = access.limits_for()
    print(
        f"network: {args.side}×{args.side} grid = {x.size:,} nodes, {u.size:,} edges, spacing {args.spacing:g} m"
    )
    print(f"POIs: {args.pois:,} in {n_cat} categories; limits {limits.tolist()} m (5/10/15 min at 80 m/min)")

    t = time.perf_counter()
    access.warm_up()
    print(f"numba compile / cache load (once per process): {time.perf_counter() - t:.2f} s")

    t0 = time.perf_counter()
    c0 = time.process_time()
    graph = access.build_graph(lon, lat, u, v, w)
    t1 = time.perf_counter()
    ours = access.all_node_counts(graph, poi_nodes, poi_cats, n_cat, limits)
    t2 = time.perf_counter()
    ours_total = t2 - t0
    ours_cpu = time.process_time() - c0
    print(
        f"zhaoshang: build {t1 - t0:.2f} s + all-node counts {t2 - t1:.2f} s = {ours_total:.2f} s "
        f"({x.size / ours_total:,.0f} nodes/s); CPU time {ours_cpu:.2f} s (all threads); peak RSS so far {peak_rss_mb():.0f} MB"
    )
    print(f"  mean POIs within 15 min of a node: {ours[:, -1, :].sum(axis=1).mean():.1f}")

    if args.no_pandana:
        return
    import pandana
    import pandas as pd

    t0 = time.perf_counter()
    nodes = pd.Index(np.arange(x.size))
    net = pandana.Network(
        pd.Series(x, index=nodes),
        pd.Series(y, index=nodes),
        pd.Series(u),
        pd.Series(v),
        pd.DataFrame({"length": w}),
        twoway=True,
    )
    t1 = time.perf_counter()
    net.precompute(float(limits[-1]))
    t2 = time.perf_counter()
    theirs = np.zeros_like(ours)
    for c in range(n_cat):
        mask = poi_cats == c
        net.set(pd.Series(poi_nodes[mask]), variable=pd.Series(np.ones(int(mask.sum()))), name=CODES[c])
        for b, limit in enumerate(limits):
            result = net.aggregate(float(limit), type="sum", decay="flat", name=CODES[c])
            theirs[:, b, c] = np.rint(result.reindex(nodes).to_numpy()).astype(np.int32)
    t3 = time.perf_counter()
    pandana_total = t3 - t0
    print(
        f"pandana {pandana.__version__}: build {t1 - t0:.2f} s + precompute {t2 - t1:.2f} s + aggregate "
        f"{t3 - t2:.2f} s = {pandana_total:.2f} s"
    )
    differing = int(np.any(ours != theirs, axis=(1, 2)).sum())
    print(f"equal counts: {'yes' if differing == 0 else 'NO'} ({differing} of {x.size:,} nodes differ)")
    print(
        f"ratio: zhaoshang is {pandana_total / ours_total:.1f}× faster than pandana (build + precompute + aggregate)"
    )
    print(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
