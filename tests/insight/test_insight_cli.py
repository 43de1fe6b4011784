"""`zhaoshang insight complexity FILE ...`: the file in, the long result out, clear one-line errors."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from tests.insight.conftest import assert_same, long_table, reference


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("insight", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


#: The key columns of the trade test table, as every complexity command here names them.
TRADE_KEYS = ("--location", "origin", "--activity", "hs92", "--value", "export_val", "--time", "year")


@pytest.fixture
def table_csv(tmp_path):
    data = long_table(25, 80, years=(2018, 2019), seed=21)
    path = tmp_path / "long.csv"
    data.to_csv(path, index=False)
    return path, data


def test_json_prints_only_the_summary_and_the_csv_equals_py_ecomplexity(table_csv, tmp_path):
    path, data = table_csv
    out_csv = tmp_path / "out.csv"
    stdout, _ = run(
        "complexity",
        path,
        *TRADE_KEYS,
        "-o",
        out_csv,
        "--json",
    )
    summary = json.loads(stdout)
    assert {"rows", "locations", "activities", "times", "compute_seconds"} <= summary.keys()
    assert summary["times"] == 2
    written = pd.read_csv(out_csv, dtype={"origin": str, "hs92": str})
    assert summary["rows"] == len(written)
    assert summary["locations"] == written["origin"].nunique()
    assert summary["activities"] == written["hs92"].nunique()
    assert list(written.columns) == [
        "year",
        "origin",
        "hs92",
        "export_val",
        "rca",
        "mcp",
        "diversity",
        "ubiquity",
        "eci",
        "pci",
        "density",
        "coi",
        "cog",
    ]
    data["hs92"] = data["hs92"].astype(str)
    assert_same(reference(data), written)


def test_numbers_are_written_at_full_precision(table_csv, tmp_path):
    from zhaoshang.insight.complexity import complexity_table
    from zhaoshang.insight.tables import read_long_table

    path, _ = table_csv
    out_csv = tmp_path / "out.csv"
    run(
        "complexity",
        path,
        *TRADE_KEYS,
        "-o",
        out_csv,
    )
    memory = complexity_table(
        read_long_table(path, keys=["year", "origin", "hs92"], value="export_val"),
        location="origin",
        activity="hs92",
        value="export_val",
        time="year",
    ).frame
    written = pd.read_csv(out_csv, dtype=str)
    for col in ("rca", "eci", "pci", "density", "coi", "cog"):
        parsed = np.array([float(v) for v in written[col]])  # Python's float(): correctly rounded
        assert np.array_equal(parsed, memory[col].to_numpy(), equal_nan=True), col


def test_without_a_time_column_there_is_no_time_in_the_output(tmp_path):
    data = long_table(20, 70, years=(2000,), seed=22).drop(columns="year")
    path = tmp_path / "one.csv"
    data.to_csv(path, index=False)
    run(
        "complexity",
        path,
        "--location",
        "origin",
        "--activity",
        "hs92",
        "--value",
        "export_val",
        "-o",
        tmp_path / "o.csv",
    )
    written = pd.read_csv(tmp_path / "o.csv")
    assert list(written.columns[:3]) == ["origin", "hs92", "export_val"]
    assert len(written) == data["origin"].nunique() * data["hs92"].nunique()
    assert written["eci"].notna().all()


def test_a_missing_column_names_the_file_the_header_row_and_the_column(table_csv, tmp_path):
    path, _ = table_csv
    with pytest.raises(CommandError) as caught:
        run(
            "complexity",
            path,
            "--location",
            "country",
            "--activity",
            "hs92",
            "--value",
            "export_val",
            "-o",
            tmp_path / "o.csv",
        )
    message = str(caught.value)
    assert "long.csv" in message and "第1行" in message and "country" in message
    assert "\n" not in message
    assert not (tmp_path / "o.csv").exists()


def test_a_value_that_is_not_a_number_names_its_row_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("origin,hs92,export_val\na,1,3\nb,1,4\nb,2,abc\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run(
            "complexity",
            path,
            "--location",
            "origin",
            "--activity",
            "hs92",
            "--value",
            "export_val",
            "-o",
            tmp_path / "o.csv",
        )
    message = str(caught.value)
    assert "bad.csv" in message and "第4行" in message and "export_val" in message and "abc" in message
    assert not (tmp_path / "o.csv").exists()


def test_an_empty_location_is_refused_with_its_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("origin,hs92,export_val\na,1,3\n,1,4\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第3行.*origin"):
        run(
            "complexity",
            path,
            "--location",
            "origin",
            "--activity",
            "hs92",
            "--value",
            "export_val",
            "-o",
            tmp_path / "o.csv",
        )


def test_xlsx_input_with_chinese_headers_and_thousands_separators(tmp_path):
    import openpyxl

    data = long_table(12, 30, years=(2021,), seed=23)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["年份", "地区", "产业", "产值"])
    for row in data.itertuples(index=False):
        ws.append([row.year, row.origin, row.hs92, f"{row.export_val:,.0f}"])
    path = tmp_path / "表.xlsx"
    wb.save(path)
    stdout, _ = run(
        "complexity",
        path,
        "--location",
        "地区",
        "--activity",
        "产业",
        "--value",
        "产值",
        "--time",
        "年份",
        "-o",
        tmp_path / "o.csv",
        "--json",
    )
    written = pd.read_csv(tmp_path / "o.csv", dtype={"产业": str})
    renamed = written.rename(columns={"年份": "year", "地区": "origin", "产业": "hs92", "产值": "export_val"})
    assert_same(reference(data), renamed)
    assert json.loads(stdout)["rows"] == len(written)


def test_population_file_switches_to_rpop(tmp_path, table_csv):
    path, data = table_csv
    rng = np.random.default_rng(3)
    pop = pd.DataFrame(
        [
            (y, o, int(rng.integers(10_000, 9_000_000)))
            for y in (2018, 2019)
            for o in sorted(data["origin"].unique())
        ],
        columns=["year", "origin", "人口"],
    )
    pop_path = tmp_path / "pop.csv"
    pop.to_csv(pop_path, index=False)
    run(
        "complexity",
        path,
        *TRADE_KEYS,
        "--population",
        pop_path,
        "-o",
        tmp_path / "o.csv",
    )
    written = pd.read_csv(tmp_path / "o.csv", dtype={"hs92": str})
    ref = reference(data, presence_test="rpop", pop=pop.rename(columns={"人口": "population"}))
    assert_same(ref, written, columns=("rca", "rpop", "mcp", "eci", "pci", "density", "coi", "cog"))
