import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.shared_data import SHARED_DATA, require
from zhaoshang.core.models import AuditEntry, Industry, Region
from zhaoshang.core.reference_services import import_industries, load_builtin_industries, load_regions

SHARED = SHARED_DATA / "reference"
INDUSTRY_FILE = SHARED / "industry" / "gbt4754_2017.csv"


@pytest.fixture
def industry_file():
    require(INDUSTRY_FILE)
    return INDUSTRY_FILE


def levels():
    return {level: Industry.objects.filter(level=level).count() for level in (1, 2, 3, 4)}


def test_the_shipped_sections_and_divisions_load(db):
    load_builtin_industries()
    assert levels() == {1: 20, 2: 97, 3: 0, 4: 0}
    assert Industry.objects.get(code="39").parent_id == "C"


def test_the_shared_file_loads_every_group_and_all_1380_classes_and_a_second_import_changes_nothing(
    db, industry_file
):
    load_builtin_industries()
    first = import_industries(None, industry_file)
    assert levels() == {1: 20, 2: 97, 3: 473, 4: 1380}
    assert first.created == 473 + 1380
    # the file's one defective row (a 小类 without its code, line 769) is reported, not silently dropped
    assert len(first.warnings) == 1 and "第 769 行" in first.warnings[0]
    assert Industry.objects.get(code="3971").parent_id == "397"
    assert Industry.objects.get(code="120").name == "其他采矿业"  # a 中类 given only inside its 小类's row
    audit_count = AuditEntry.objects.count()
    second = import_industries(None, industry_file)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 20 + 97 + 473 + 1380)
    assert AuditEntry.objects.count() == audit_count


def test_a_malformed_file_gives_row_numbered_errors_and_loads_nothing(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "level,class1_menlei,class2_dalei,class3_zhonglei,class4_xiaolei,name,remark\n"
        "1,C,,,,制造业,\n"
        "2,C,39,,,计算机、通信和其他电子设备制造业,\n"
        "3,C,39,397,,电子器件制造,\n"
        "4,C,39,397,3971,电子真空器件制造,\n"
        "4,C,39,397,39X3,集成电路制造,\n"
        "4,C,38,397,3974,显示器件制造,\n"
        "4,C,39,397,3975,,\n",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("reference", "import-industries", str(bad), stderr=err)
    messages = err.getvalue()
    assert "第 6 行" in messages and "第 7 行" in messages and "第 8 行" in messages
    assert Industry.objects.count() == 0


def test_the_command_prints_json_counts(db, industry_file):
    out = StringIO()
    call_command("reference", "import-industries", str(industry_file), "--json", stdout=out)
    counts = json.loads(out.getvalue())
    assert counts["created"] == 20 + 97 + 473 + 1380 and counts["updated"] == 0


def test_regions_come_from_the_maintained_package_with_parents_and_coordinates(db):
    summary = load_regions()
    assert summary.created > 3000
    zhuzhou = Region.objects.get(code="430200")
    assert zhuzhou.name == "株洲市" and zhuzhou.parent_id == "430000" and zhuzhou.lat is not None
    assert Region.objects.get(code="320583").name == "昆山市"
    assert Region.objects.get(code="430211").parent_id == "430200"
    again = load_regions()
    assert (again.created, again.updated) == (0, 0)


def test_regions_load_from_the_users_files_in_the_shared_format(db):
    require(SHARED / "regions")
    out = StringIO()
    call_command(
        "reference",
        "import-regions",
        "--provinces",
        str(SHARED / "regions" / "provinces.csv"),
        "--cities",
        str(SHARED / "regions" / "cities.csv"),
        "--areas",
        str(SHARED / "regions" / "areas.csv"),
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue())["created"] > 3000
    assert Region.objects.filter(level="province").count() == 31
    assert Region.objects.get(code="500112").name == "渝北区"
