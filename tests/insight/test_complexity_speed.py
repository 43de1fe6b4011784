"""The fast paths of the complexity core (two threads, blocks of rows, integer keys) equal py-ecomplexity too,
and `insight complexity` reads real-looking files: GBK with Chinese headers, codes with leading zeros, gaps."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from tests.insight.conftest import assert_same, long_table, reference

from zhaoshang.insight import complexity as cx
from zhaoshang.insight.complexity import complexity_table

pytest.importorskip("ecomplexity")


def ours(data, **options):
    return complexity_table(
        data, location="origin", activity="hs92", value="export_val", time="year", **options
    )


@pytest.fixture
def small_blocks_and_threads(monkeypatch):
    """Every matrix takes the two-thread route, and rows are converted a few at a time (several blocks)."""
    monkeypatch.setattr(cx, "THREADED_CELLS", 0)
    monkeypatch.setattr(cx, "_ROW_BLOCK_BYTES", 8 * 37)
    monkeypatch.setattr(cx, "_cores", lambda: 2)


@pytest.mark.parametrize("seed", [31, 32])
def test_the_two_thread_route_in_blocks_equals_py_ecomplexity(small_blocks_and_threads, seed):
    rng = np.random.default_rng(seed)
    data = long_table(int(rng.integers(40, 90)), int(rng.integers(60, 130)), years=(2001, 2002), seed=seed)
    result = ours(data)
    assert result.methods == ["dense", "dense"]
    assert_same(reference(data), result.frame)


def test_the_two_thread_route_with_asymmetric_proximity_and_rpop(small_blocks_and_threads):
    data = long_table(30, 75, years=(2005, 2006), seed=33)
    assert_same(reference(data, asymmetric=True), ours(data, proximity_kind="asymmetric").frame)
    rng = np.random.default_rng(33)
    pop = pd.DataFrame(
        [
            (y, o, float(rng.integers(1_000, 9_000_000)))
            for y in (2005, 2006)
            for o in sorted(data["origin"].unique())
        ],
        columns=["year", "origin", "population"],
    )
    assert_same(
        reference(data, presence_test="rpop", pop=pop),
        ours(data, population=pop).frame,
        columns=(*cx.RESULT_COLUMNS, "rpop"),
    )


def test_the_two_thread_route_on_the_world_trade_table(small_blocks_and_threads, trade_table):
    data = trade_table.assign(year=2000).rename(
        columns={"country": "origin", "product": "hs92", "value": "export_val"}
    )
    assert_same(reference(data), ours(data).frame)


def test_one_core_gives_the_same_numbers_as_two(monkeypatch):
    data = long_table(60, 110, years=(2010,), seed=34)
    monkeypatch.setattr(cx, "THREADED_CELLS", 0)
    monkeypatch.setattr(cx, "_cores", lambda: 2)
    two = ours(data).frame
    monkeypatch.setattr(cx, "_cores", lambda: 1)
    one = ours(data).frame
    for col in ("rca", "eci", "pci", "density", "coi", "cog"):
        assert np.allclose(one[col], two[col], rtol=0, atol=1e-13), col


def test_integer_years_out_of_order_and_far_apart_are_coded_in_sorted_order():
    data = long_table(15, 40, years=(2019, 1995, 2003), seed=35)
    data = data.sample(frac=1.0, random_state=1).reset_index(drop=True)
    result = ours(data).frame
    assert list(result["year"].cat.categories) == [1995, 2003, 2019]
    assert result["year"].is_monotonic_increasing
    assert_same(reference(data), result)
    codes, uniques = cx._factorize(pd.Series([5, 5, 5]))
    assert list(codes) == [0, 0, 0] and list(uniques) == [5]
    codes, uniques = cx._factorize(pd.Series([7, -2, 10**12, 7]))  # too wide a range: hashing
    assert list(uniques) == [-2, 7, 10**12] and list(codes) == [1, 0, 2, 1]


def test_a_repeated_key_is_found_in_a_table_of_several_times():
    data = long_table(10, 30, years=(2000, 2001), seed=36)
    assert not cx._has_repeats(np.array([0, 5, 3]), 6)
    assert cx._has_repeats(np.array([0, 5, 3, 5]), 6)
    dup = pd.concat([data, data.iloc[[len(data) - 1]]], ignore_index=True)
    with pytest.warns(UserWarning, match="重复"):
        result = ours(dup).frame
    assert_same(reference(data), result)


# --------------------------------------------------------------------------------------------- the command


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("insight", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_gbk_csv_with_chinese_headers_leading_zero_codes_and_empty_values(tmp_path):
    data = long_table(18, 45, years=(2021,), seed=37)
    data["origin"] = ["0" + o[1:] + "01" for o in data["origin"]]  # 0xx01: county codes with a leading zero
    data["hs92"] = ["00" + h for h in data["hs92"]]  # 001000 ...
    data.loc[[3, 40], "export_val"] = np.nan  # empty cells: missing, count as 0
    frame = data.rename(
        columns={"year": "年份", "origin": "区县代码", "hs92": "行业代码", "export_val": "产值（万元）"}
    )
    path = tmp_path / "区县产值.csv"
    frame.to_csv(path, index=False, encoding="gbk")
    out_csv = tmp_path / "结果.csv"
    stdout, _ = run(
        "complexity",
        path,
        "--location",
        "区县代码",
        "--activity",
        "行业代码",
        "--value",
        "产值（万元）",
        "--time",
        "年份",
        "-o",
        out_csv,
        "--json",
    )
    summary = json.loads(stdout)
    written = pd.read_csv(out_csv, dtype={"区县代码": str, "行业代码": str})
    assert written["区县代码"].str.startswith("0").all() and written["行业代码"].str.startswith("00").all()
    assert list(written.columns) == [
        "年份",
        "区县代码",
        "行业代码",
        "产值（万元）",
        *cx.RESULT_COLUMNS,
    ]
    renamed = written.rename(
        columns={"年份": "year", "区县代码": "origin", "行业代码": "hs92", "产值（万元）": "export_val"}
    )
    assert_same(reference(data), renamed)
    missing = renamed.merge(data.loc[[3, 40], ["origin", "hs92"]], on=["origin", "hs92"])
    assert len(missing) == 2 and missing["export_val"].isna().all() and missing["rca"].isna().all()
    assert summary["rows"] == len(written) and summary["times"] == 1
    assert summary["compute_cpu_seconds"] > 0 and summary["compute_seconds"] > 0


def test_a_bad_number_in_a_chinese_file_names_the_row_and_the_column(tmp_path):
    path = tmp_path / "产值.csv"
    path.write_text("区县,行业,产值\n430102,0011,12\n430103,0011,1２x\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run(
            "complexity",
            path,
            "--location",
            "区县",
            "--activity",
            "行业",
            "--value",
            "产值",
            "-o",
            tmp_path / "o.csv",
        )
    message = str(caught.value)
    assert "产值.csv" in message and "第3行" in message and "产值" in message and "Traceback" not in message
    assert not (tmp_path / "o.csv").exists()


def test_blas_threads_are_restored_and_request_threads_take_the_plain_route(monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    if cx._BLAS_CONTROL is None:
        pytest.skip("threadpoolctl unavailable")
    monkeypatch.setattr(cx, "THREADED_CELLS", 0)
    monkeypatch.setattr(cx, "_cores", lambda: 2)

    def blas_threads():
        return [lib["num_threads"] for lib in cx._BLAS_CONTROL.info() if lib["user_api"] == "blas"]

    before = blas_threads()
    data = long_table(40, 90, years=(2000, 2001), seed=38)
    used = []
    real = cx._one_blas_thread

    def counting():
        used.append(True)
        return real()

    monkeypatch.setattr(cx, "_one_blas_thread", counting)
    main = ours(data).frame  # the main thread: two threads, BLAS held to one, then given back
    assert used and blas_threads() == before
    used.clear()
    with ThreadPoolExecutor(3) as pool:  # side by side in other threads: BLAS untouched
        results = list(pool.map(lambda _: ours(data).frame, range(3)))
    assert not used and blas_threads() == before and cx._BLAS_USERS == 0
    for frame in results:
        for col in ("eci", "pci", "density", "coi", "cog"):
            assert np.allclose(frame[col], main[col], rtol=0, atol=1e-13), col


def test_the_command_reads_more_rows_than_an_import_unless_the_environment_sets_the_limit(
    tmp_path, monkeypatch
):
    import os

    from zhaoshang.insight import services

    data = long_table(6, 10, years=(2000,), seed=39, absent=0.0)
    path = tmp_path / "long.csv"
    data.drop(columns="year").to_csv(path, index=False)
    args = ("complexity", path, "--location", "origin", "--activity", "hs92", "--value", "export_val")
    monkeypatch.delenv("ZHAOSHANG_IMPORT_MAX_ROWS", raising=False)
    monkeypatch.setattr(services, "COMPLEXITY_MAX_ROWS", 20)  # the command's own limit applies (60 rows here)
    with pytest.raises(CommandError, match="超过20行"):
        run(*args, "-o", tmp_path / "a.csv")
    assert "ZHAOSHANG_IMPORT_MAX_ROWS" not in os.environ
    monkeypatch.setattr(services, "COMPLEXITY_MAX_ROWS", 1_000)
    run(*args, "-o", tmp_path / "b.csv")
    assert len(pd.read_csv(tmp_path / "b.csv")) == 60
    monkeypatch.setenv("ZHAOSHANG_IMPORT_MAX_ROWS", "30")  # set by the operator: it holds
    with pytest.raises(CommandError, match="超过30行"):
        run(*args, "-o", tmp_path / "c.csv")


def test_categorical_keys_out_of_order_and_with_a_missing_key_keep_their_small_codes():
    column = pd.Series(pd.Categorical(["b", "a", None, "c", "a"], categories=["c", "a", "b"]))
    codes, uniques = cx._factorize(column)
    assert list(uniques) == ["a", "b", "c"] and list(codes) == [1, 0, -1, 2, 0]
    assert codes.dtype == np.int8
    data = long_table(20, 50, years=(2000,), seed=40)
    shuffled = data.astype({"origin": "category", "hs92": "category"})
    shuffled["hs92"] = shuffled["hs92"].cat.reorder_categories(
        sorted(shuffled["hs92"].cat.categories, reverse=True)
    )
    shuffled.loc[7, "origin"] = None  # a row without its location is left out
    assert_same(reference(data.drop(index=7)), ours(shuffled).frame)


def test_numpys_huge_page_advice_is_given_back_after_a_computation():
    toggle = pytest.importorskip("numpy._core.multiarray")._set_madvise_hugepage
    seen = []
    real = cx._complexity_table

    def spy(*args, **kwargs):
        seen.append(toggle(False))  # reads the setting in force during the computation (and keeps it off)
        return real(*args, **kwargs)

    data = long_table(8, 20, years=(2000,), seed=41)
    before = toggle(True)
    try:
        import unittest.mock

        with unittest.mock.patch.object(cx, "_complexity_table", spy):
            ours(data)
        assert seen == [False]  # off while computing
        assert toggle(True) is True  # given back
    finally:
        toggle(before)
