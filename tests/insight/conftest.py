"""Fixtures for the insight tests: generated long tables and a comparison with py-ecomplexity."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
TRADE = SHARED / "trade" / "world_trade_avg_1998_to_2000.csv"
IO_DIR = SHARED / "io"
RESULT = ("rca", "mcp", "diversity", "ubiquity", "eci", "pci", "density", "coi", "cog")


def long_table(n_loc, n_act, *, years=(1995, 1996), seed=0, absent=0.3, integer=False) -> pd.DataFrame:
    """A long (year, origin, hs92, export_val) table with a nested structure, some cells absent."""
    rng = np.random.default_rng(seed)
    frames = []
    for year in years:
        size_loc = rng.lognormal(0, 1.2, n_loc)
        size_act = rng.lognormal(0, 0.8, n_act)
        cap = rng.uniform(0, 1, n_loc)
        cx = rng.uniform(0, 1, n_act)
        x = np.outer(size_loc, size_act) * np.exp(-3 * np.maximum(0, cx[None, :] - cap[:, None]))
        x = x * rng.lognormal(0, 0.7, x.shape)
        x = np.round(x * (5 if integer else 1000))
        x[rng.uniform(size=x.shape) < absent] = 0
        li, ai = np.nonzero(x)
        frames.append(
            pd.DataFrame(
                {
                    "year": year,
                    "origin": [f"c{i:03d}" for i in li],
                    "hs92": [f"{1000 + j}" for j in ai],
                    "export_val": x[li, ai],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def reference(data: pd.DataFrame, **options) -> pd.DataFrame:
    """py-ecomplexity's result for (year, origin, hs92, export_val)."""
    ecomplexity = pytest.importorskip("ecomplexity").ecomplexity
    cols = {"time": "year", "loc": "origin", "prod": "hs92", "val": "export_val"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ecomplexity(data, cols, verbose=False, check_logsupermodularity=False, **options)


def assert_same(
    ref: pd.DataFrame, ours: pd.DataFrame, *, keys=("year", "origin", "hs92"), columns=RESULT, atol=1e-9
):
    """Same rows (by key) and every result column equal within ``atol`` (NaN where py-ecomplexity has NaN)."""
    keys = list(keys)
    ours = ours.copy()
    for k in keys:
        ours[k] = ours[k].astype(ref[k].dtype)
    assert len(ours) == len(ref), (len(ours), len(ref))
    merged = ref.merge(ours, on=keys, how="outer", suffixes=("_ref", "_ours"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    for col in columns:
        a = merged[f"{col}_ref"].to_numpy(dtype=float, na_value=np.nan)
        b = merged[f"{col}_ours"].to_numpy(dtype=float, na_value=np.nan)
        assert np.array_equal(np.isnan(a), np.isnan(b)), f"{col}: NaN in different places"
        diff = np.abs(a - b)[~np.isnan(a)]
        worst = float(diff.max()) if len(diff) else 0.0
        assert worst <= atol, f"{col}: largest difference {worst:.3e}"
    return merged


@pytest.fixture
def trade_table() -> pd.DataFrame:
    if not TRADE.exists():
        pytest.skip(f"{TRADE} not found")
    data = pd.read_csv(TRADE, dtype={"country": str, "product": str})
    return data
