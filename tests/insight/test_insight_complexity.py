"""The complexity core equals py-ecomplexity 0.5.x to 1e-9 (it runs here, on the same input)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.insight.conftest import assert_same, long_table, reference

from zhaoshang.insight import complexity as cx
from zhaoshang.insight.complexity import ComplexityError, complexity_matrix, complexity_table

pytest.importorskip("ecomplexity")


def ours(data, **options):
    return complexity_table(
        data, location="origin", activity="hs92", value="export_val", time="year", **options
    ).frame


def test_equals_py_ecomplexity_on_its_own_sample_size_two_years_ten_countries_thirty_products():
    data = long_table(10, 30, years=(1995, 1996), seed=1)
    assert_same(reference(data), ours(data))


@pytest.mark.parametrize("seed", [2, 3, 4])
def test_equals_py_ecomplexity_on_generated_tables_of_several_shapes(seed):
    rng = np.random.default_rng(seed)
    n_loc, n_act = int(rng.integers(20, 120)), int(rng.integers(70, 160))
    data = long_table(n_loc, n_act, years=(2001, 2002, 2003), seed=seed)
    assert_same(reference(data), ours(data))


def test_equals_py_ecomplexity_when_the_activities_outnumber_the_locations_and_when_they_do_not():
    wide = long_table(15, 200, years=(2010,), seed=5)
    tall = long_table(200, 15, years=(2010,), seed=6)
    assert_same(reference(wide), ours(wide))
    assert_same(reference(tall), ours(tall))


def test_ties_at_the_threshold_give_the_same_presence_as_py_ecomplexity():
    # a location whose exports are the world's totals has an RCA of exactly 1 everywhere (a tie at the threshold),
    # and small integer values give many equal cells
    data = long_table(30, 80, years=(2000,), seed=7, integer=True, absent=0.2)
    totals = data.groupby("hs92", as_index=False)["export_val"].sum()
    world = totals.assign(year=2000, origin="world-like")[["year", "origin", "hs92", "export_val"]]
    data = pd.concat([data, world], ignore_index=True)
    result = ours(data)
    assert_same(reference(data), result)
    tied = result[result["origin"] == "world-like"]
    assert (tied["rca"] == 1.0).all() and (tied["mcp"] == 1).all()


def test_locations_and_activities_whose_values_sum_to_zero_are_dropped_and_keep_their_rows_empty():
    data = long_table(25, 90, years=(1999,), seed=8)
    zeros = pd.DataFrame(
        {
            "year": 1999,
            "origin": ["zz-empty"] * 3 + ["c000", "c001"],
            "hs92": ["1000", "1001", "1002", "0000", "0000"],
            "export_val": 0.0,
        }
    )
    data = pd.concat([data, zeros], ignore_index=True)
    ref = reference(data)
    result = ours(data)
    assert_same(ref, result)
    empty = result[result["origin"] == "zz-empty"]
    assert len(empty) == 3 and empty["eci"].isna().all() and empty["mcp"].isna().all()
    assert result[result["hs92"] == "0000"]["pci"].isna().all()


def test_a_single_time_equals_py_ecomplexity_and_works_without_a_time_column():
    data = long_table(40, 100, years=(2020,), seed=9)
    ref = reference(data)
    assert_same(ref, ours(data))
    no_time = complexity_table(
        data.drop(columns="year"), location="origin", activity="hs92", value="export_val"
    ).frame
    no_time["year"] = 2020
    assert_same(ref, no_time)


def test_rpop_with_population_equals_py_ecomplexity():
    data = long_table(12, 30, years=(1995, 1996), seed=10)
    rng = np.random.default_rng(10)
    origins = sorted(data["origin"].unique())
    pop = pd.DataFrame(
        [(y, o, float(rng.integers(1_000, 90_000_000))) for y in (1995, 1996) for o in origins],
        columns=["year", "origin", "population"],
    )
    ref = reference(data, presence_test="rpop", pop=pop)
    result = ours(data, population=pop)
    assert "rpop" in result.columns
    assert_same(ref, result, columns=(*cx.RESULT_COLUMNS, "rpop"))


@pytest.mark.parametrize("kind", ["asymmetric", "continuous"])
def test_asymmetric_and_continuous_proximity_equal_py_ecomplexity(kind):
    data = long_table(30, 70, years=(2005, 2006), seed=11)
    options = {"asymmetric": True} if kind == "asymmetric" else {"continuous": True}
    assert_same(reference(data, **options), ours(data, proximity_kind=kind))


@pytest.mark.parametrize("threshold", [0.5, 2.0])
def test_other_rca_thresholds_equal_py_ecomplexity_including_zero_diversity(threshold):
    data = long_table(30, 80, years=(2011, 2012), seed=12)
    assert_same(reference(data, rca_mcp_threshold=threshold), ours(data, rca_threshold=threshold))


def test_one_location_with_zero_diversity_gives_nan_eci_as_py_ecomplexity_does_unless_asked_otherwise():
    x = np.array([[5.0, 1, 1, 0], [1, 5, 1, 1], [1, 1, 5, 1], [1, 1, 1, 5], [1, 1, 1, 1]]) * 10
    x[4] = x.sum(axis=0) / 10  # proportional to the world: RCA < 3 everywhere
    compat = complexity_matrix(x, rca_threshold=1.5)
    assert (compat.diversity == 0).sum() == 1
    assert np.isnan(compat.eci).all()
    plain = complexity_matrix(x, rca_threshold=1.5, ecomplexity_compat=False)
    assert np.isnan(plain.eci[compat.diversity == 0]).all()


def test_the_sparse_route_gives_the_dense_routes_numbers():
    data = long_table(150, 120, years=(2015,), seed=13)
    dense = ours(data, sparse=False)
    sparse = ours(data, sparse=True)
    for col in ("eci", "pci", "density", "coi", "cog"):
        assert np.allclose(dense[col], sparse[col], atol=1e-12, rtol=0), col


def test_the_world_trade_table_equals_py_ecomplexity(trade_table):
    data = trade_table.assign(year=2000).rename(
        columns={"country": "origin", "product": "hs92", "value": "export_val"}
    )
    assert_same(reference(data), ours(data))


def test_repeated_keys_keep_the_first_row_as_py_ecomplexity():
    data = long_table(20, 70, years=(2000,), seed=14)
    dup = data.iloc[[3]].assign(export_val=data.iloc[3]["export_val"] * 50)
    with pytest.warns(UserWarning):
        result = ours(pd.concat([data, dup], ignore_index=True))
    assert_same(reference(data), result)


def test_the_eigenvector_is_the_one_of_the_second_largest_eigenvalue_of_mpp():
    rng = np.random.default_rng(15)
    m = (rng.uniform(size=(60, 90)) < 0.3).astype(float)
    m = m[m.sum(1) > 0][:, m[m.sum(1) > 0].sum(0) > 0]
    d, u = m.sum(1), m.sum(0)
    kp, kc = cx._second_eigenvector(m, d, u)
    mpp = (m / u).T @ (m / d[:, None])
    vals = np.sort(np.real(np.linalg.eigvals(mpp)))
    assert np.allclose(mpp @ kp, vals[-2] * kp, atol=1e-12)
    assert np.isclose(np.linalg.norm(kp), 1.0)
    assert np.allclose(kc, (m / d[:, None]) @ kp)


def test_bad_arguments_are_refused_with_a_domain_error():
    data = long_table(5, 10, years=(2000,), seed=16)
    with pytest.raises(ComplexityError, match="缺少列"):
        complexity_table(data, location="nope", activity="hs92", value="export_val")
    with pytest.raises(ComplexityError, match="人口"):
        complexity_table(data, location="origin", activity="hs92", value="export_val", presence_test="rpop")
    with pytest.raises(ComplexityError):
        complexity_matrix(np.ones((3, 3)), proximity_kind="weird")


def test_a_missing_value_counts_as_zero_and_keeps_an_empty_rca_as_py_ecomplexity():
    data = long_table(20, 60, years=(2000,), seed=3)
    data.loc[5, "export_val"] = np.nan
    result = ours(data)
    assert_same(reference(data), result)
    cell = result[(result["origin"] == data.loc[5, "origin"]) & (result["hs92"] == data.loc[5, "hs92"])]
    assert cell["rca"].isna().all() and (cell["mcp"] == 0).all()
