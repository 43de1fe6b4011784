"""Input-output: the NBS tables read, direct and Leontief requirements against a hand-computed table, leakage."""

from __future__ import annotations

import numpy as np
import pytest
from tests.insight.conftest import IO_DIR

from zhaoshang.insight.errors import InputFileError
from zhaoshang.insight.io import (
    direct_requirements,
    location_quotients,
    read_io_table,
    requirements,
    total_requirements,
)

SMALL = (
    ",Code,Description,DescriptionInChinese,01,02,TIU,TFU,GO\n"
    "0,01,Parts,零部件,10,20,30,70,100\n"
    "1,02,Machines,整机,30,40,70,130,200\n"
    "2,TII,Total intermediate input,中间投入合计,40,60,,,\n"
    "3,TVA,Total value-added,增加值合计,60,140,,,\n"
    "4,TI,Total inputs,总投入,100,200,,,\n"
)


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "small.csv"
    path.write_text(SMALL, encoding="utf-8")
    return read_io_table(path)


def test_direct_requirements_of_a_hand_computed_table(small):
    assert small.codes == ["01", "02"] and small.names == ["零部件", "整机"]
    assert np.allclose(direct_requirements(small), [[0.1, 0.1], [0.3, 0.2]])


def test_total_requirements_are_the_leontief_inverse_computed_by_hand(small):
    # I - A = [[0.9, -0.1], [-0.3, 0.8]], det = 0.69
    expected = np.array([[0.8, 0.1], [0.3, 0.9]]) / 0.69
    assert np.allclose(total_requirements(direct_requirements(small)), expected)


def test_leakage_is_the_direct_requirement_the_region_cannot_supply(small):
    # the region has half the national share of parts (LQ 0.5) and twice that of machines (LQ 2 → supplies all)
    rows = requirements(small, "02", location_quotients={"01": 0.5, "02": 2.0})
    by_code = {r.code: r for r in rows}
    assert by_code["01"].leakage == pytest.approx(0.05)  # 0.1 × (1 − 0.5)
    assert by_code["02"].leakage == pytest.approx(0.0)
    assert by_code["01"].total_leakage == pytest.approx(0.1 / 0.69 * 0.5)
    assert rows[0].code == "01"  # the largest leakage first: the supplier industry to attract


def test_location_quotients_from_regional_and_national_counts():
    lq = location_quotients({"01": 10, "02": 30}, {"01": 100, "02": 100})
    assert lq == pytest.approx({"01": 0.5, "02": 1.5})


@pytest.mark.parametrize(
    ("name", "sectors", "noncompetitive"),
    [("china_2017_149.csv", 149, False), ("china_2020_153.csv", 153, False), ("china_2020_42.csv", 42, True)],
)
def test_the_nbs_tables_are_read_with_their_sector_counts(name, sectors, noncompetitive):
    path = IO_DIR / name
    if not path.exists():
        pytest.skip(f"{path} not found")
    table = read_io_table(path)
    assert table.size == sectors
    assert (table.imported is not None) is noncompetitive
    a = direct_requirements(table)
    assert (a >= -1e-12).all() or noncompetitive  # flows are non-negative (net of rounding)
    assert (a.sum(axis=0) < 1).all()  # every sector adds value
    total = total_requirements(a)
    assert (np.diag(total) >= 1 - 1e-9).all()
    # intermediate inputs + value added = total input, as the table states
    if table.value_added is not None:
        assert np.allclose(table.flows.sum(axis=0) + table.value_added, table.output, rtol=1e-6)


def test_a_table_without_sector_codes_is_refused_clearly(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="Code"):
        read_io_table(path)


def test_a_non_numeric_flow_names_its_row_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(SMALL.replace("0,01,Parts,零部件,10,20", "0,01,Parts,零部件,10,abc"), encoding="utf-8")
    with pytest.raises(InputFileError, match="第2行.*02"):
        read_io_table(path)


@pytest.mark.django_db
def test_io_import_and_requirements_commands(small, tmp_path):
    import io
    import json

    from django.core.management import call_command

    from zhaoshang.core.models import AuditEntry

    path = tmp_path / "china_2099_2.csv"
    path.write_text(SMALL, encoding="utf-8")
    out = io.StringIO()
    call_command("insight", "io", "import", str(path), "--json", stdout=out, stderr=io.StringIO())
    summary = json.loads(out.getvalue())
    assert summary == {"name": "2099-2", "year": 2099, "sectors": 2, "imports_separated": False}
    call_command(
        "insight", "io", "import", str(path), stdout=io.StringIO(), stderr=io.StringIO()
    )  # idempotent
    assert AuditEntry.objects.filter(model__icontains="inputoutputtable").count() == 2
    lq = tmp_path / "lq.csv"
    lq.write_text("code,lq\n01,0.5\n02,2\n", encoding="utf-8")
    out = io.StringIO()
    call_command(
        "insight",
        "io",
        "requirements",
        "2099-2",
        "--sector",
        "整机",
        "--lq",
        str(lq),
        "--json",
        stdout=out,
        stderr=io.StringIO(),
    )
    rows = json.loads(out.getvalue())["requirements"]
    assert rows[0]["code"] == "01" and rows[0]["leakage"] == pytest.approx(0.05)


def test_the_shipped_mapping_covers_the_42_sectors_and_every_division_once():
    from zhaoshang.insight.io import load_sector_mapping

    mapping = load_sector_mapping()
    assert sorted(mapping) == [f"{i:02d}" for i in range(1, 43)]
    divisions = [d for ds in mapping.values() for d in ds]
    assert len(divisions) == len(set(divisions)) == 97  # the 97 divisions 01–97, each in one sector


def test_an_edited_mapping_with_a_division_twice_is_refused_with_its_row(tmp_path):
    from zhaoshang.insight.io import load_sector_mapping

    path = tmp_path / "m.csv"
    path.write_text("io_code,gbt4754_divisions\n01,01 02\n02,02\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="第3行"):
        load_sector_mapping(path)


@pytest.mark.django_db
def test_location_quotients_from_the_registry_through_the_mapping(cast):
    from decimal import Decimal

    from zhaoshang.insight.services import registry_location_quotients
    from zhaoshang.registry.models import Enterprise

    def firm(n, region, industry):
        Enterprise.objects.create(
            name=f"企业{n}",
            name_key=f"企业{n}",
            organisation=cast.park,
            region_code=region,
            industry_code=industry,
            capital_wan=Decimal(1),
        )

    for n, (region, industry) in enumerate(
        [
            ("430211", "3711"),
            ("430211", "3712"),
            ("430211", "3911"),
            ("320583", "3911"),
            ("320583", "3911"),
            ("320583", "3911"),
        ]
    ):
        firm(n, region, industry)
    lq = registry_location_quotients("4302")
    # 株洲: 2 of 3 firms in transport equipment (division 37 → sector 18); everywhere 2 of 6
    assert lq["18"] == pytest.approx((2 / 3) / (2 / 6))
    assert lq["20"] == pytest.approx((1 / 3) / (4 / 6))
