"""The `chains` and `classify` commands: JSON alone on stdout, one clear line and a non-zero exit on errors."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.shared_data import SHARED_DATA, absent

from zhaoshang.chains import services
from zhaoshang.chains.models import Chain, ChainNode
from zhaoshang.core.models import AuditEntry

pytestmark = pytest.mark.django_db
BOM_DIR = SHARED_DATA / "bom"
LABELLED = SHARED_DATA / "classify/listed_firms_labeled.csv"
needs_bom_files = pytest.mark.skipif(
    absent(BOM_DIR), reason=f"{BOM_DIR} not found: ../shared is not beside the project"
)
needs_labels = pytest.mark.skipif(not LABELLED.is_file(), reason=f"{LABELLED} not found")


def run(*args) -> str:
    import io

    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_import_and_export_round_trip_a_shipped_chain(tmp_path):
    from zhaoshang.chains.analysis.spec import DATA_DIR, load_xlsx, load_yaml

    shipped = load_yaml(DATA_DIR / "rail-transit-equipment.yaml")
    run("chains", "import", str(DATA_DIR / "rail-transit-equipment.yaml"))
    assert ChainNode.objects.filter(chain__slug="rail-transit-equipment").count() == 75
    run("chains", "export", "轨道交通装备", "-o", str(tmp_path / "rail.xlsx"))
    run("chains", "export", "rail-transit-equipment", "-o", str(tmp_path / "rail.yaml"))
    assert load_yaml(tmp_path / "rail.yaml") == shipped
    assert load_xlsx(tmp_path / "rail.xlsx") == shipped
    # the exported workbook imports back (into an empty database) and exports to the same YAML
    Chain.objects.all().delete()
    assert "75 个节点" in run("chains", "import", str(tmp_path / "rail.xlsx"))
    run("chains", "export", "rail-transit-equipment", "-o", str(tmp_path / "again.yaml"))
    assert (tmp_path / "again.yaml").read_text(encoding="utf-8") == (tmp_path / "rail.yaml").read_text(
        encoding="utf-8"
    )


def import_errors(path) -> list[str]:
    import io

    err = io.StringIO()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("chains", "import", str(path), stdout=io.StringIO(), stderr=err)
    return err.getvalue().splitlines()


def test_a_bad_chain_file_exits_non_zero_names_the_lines_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "slug: x\nname: 坏链\nnodes:\n- key: a\n  name: 甲\n  weight: 2\n- key: a\n  name: 乙\n",
        encoding="utf-8",
    )
    before = AuditEntry.objects.count()
    lines = import_errors(bad)
    assert "bad.yaml 第 7 行 节点 a 字段「key」：节点键重复，与第 4 行相同" in lines
    assert not Chain.objects.exists() and AuditEntry.objects.count() == before


def test_a_bad_xlsx_chain_names_its_rows_on_stderr_and_leaves_the_stored_chain_as_it_was(tmp_path):
    import openpyxl

    from zhaoshang.chains.analysis.spec import DATA_DIR

    run("chains", "import", str(DATA_DIR / "rail-transit-equipment.yaml"))
    run("chains", "export", "rail-transit-equipment", "-o", str(tmp_path / "rail.xlsx"))
    wb = openpyxl.load_workbook(tmp_path / "rail.xlsx")
    ws = wb["节点"]
    header = [c.value for c in ws[1]]
    ws.cell(
        row=3, column=header.index("名称") + 1, value="改过的名字"
    )  # would change a node if it were imported
    ws.cell(row=5, column=header.index("权重") + 1, value="很多")
    ws.cell(row=9, column=header.index("父节点键") + 1, value="no-such-parent")
    wb.save(tmp_path / "bad.xlsx")
    before = AuditEntry.objects.count()
    lines = import_errors(tmp_path / "bad.xlsx")
    assert any("第 5 行" in line and "权重" in line for line in lines)
    assert any("第 9 行" in line and "no-such-parent" in line for line in lines)
    assert AuditEntry.objects.count() == before
    assert not ChainNode.objects.filter(name="改过的名字").exists()


def test_the_three_shipped_chains_load():
    out = run("chains", "load-builtin")
    assert {c.slug: c.nodes.count() for c in Chain.objects.all()} == {
        "rail-transit-equipment": 75,
        "notebook-computer": 61,
        "integrated-circuit": 71,
    }
    assert "轨道交通装备" in out


@needs_bom_files
@pytest.mark.parametrize("board", ["motherboard", "keyboard", "trackball", "trackpad", "oled", "batterypack"])
def test_mnt_reform_boards_decompose_with_lines_and_parts_that_match_the_files(board):
    from zhaoshang.chains.analysis.bom import read_bom

    path = BOM_DIR / f"mnt_reform_{board}.csv"
    data = json.loads(run("chains", "bom", str(path), "--name", f"MNT Reform {board}", "--json"))
    bom = read_bom(path, name=board)
    assert (data["lines"], data["parts"]) == (len(bom.lines), bom.parts)
    assert sum(n["parts"] for n in data["nodes"]) == data["parts"]
    assert {"name", "parts", "manufacturers"} <= set(data["nodes"][0])
    if board == "motherboard":  # 143 lines / 512 parts in the file, of which 17 lines / 20 parts are DNP
        assert (data["lines"], data["parts"]) == (126, 492)
        assert data["dnp"] == {"lines": 17, "parts": 20}
        assert any("DNP" in w and "17行" in w for w in data["warnings"])


def test_a_bad_bom_names_the_row_and_saves_no_chain(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Reference,Quantity,Value\nR1,1,10k\nR2,abc,1k\n", encoding="utf-8")
    import io

    err = io.StringIO()
    with pytest.raises(CommandError, match="BOM 文件有 1 处错误"):
        call_command("chains", "bom", str(bad), "--name", "坏BOM", "--save", stdout=io.StringIO(), stderr=err)
    assert "bad.csv 第3行" in err.getvalue()
    assert not Chain.objects.exists()


@needs_bom_files
def test_the_demo_shows_strong_weak_and_missing_rail_nodes_targets_and_a_local_bom_maker():
    from zhaoshang.demo import build_demo

    build_demo()
    bom = json.loads(
        run(
            "chains",
            "bom",
            str(BOM_DIR / "mnt_reform_keyboard.csv"),
            "--name",
            "键盘",
            "--json",
            "--region",
            "430200",
        )
    )
    local = [f["name"] for m in bom["makers"] for f in m["local_firms"]]
    assert any("株洲" in name for name in local), "no local maker found"
    data = json.loads(run("chains", "gap", "轨道交通装备", "--region", "430200", "--json"))
    assert set(data) >= {"chain", "region", "completeness", "nodes"} and 0 < data["completeness"] < 1
    assert len(data["nodes"]) == 75
    assert {n["status"] for n in data["nodes"]} == {"strong", "weak", "missing"}
    node = data["nodes"][0]
    assert {"path", "status", "local_firms", "key", "weight", "targets"} <= set(node)
    targets = [t for n in data["nodes"] for t in n["targets"]]
    assert targets and all(
        t["target_url"].startswith("/chains/rail-transit-equipment/targets/") for t in targets
    )
    by_slug = json.loads(run("chains", "gap", "rail-transit-equipment", "--region", "430200", "--json"))
    assert by_slug["completeness"] == data["completeness"]


def test_an_unknown_chain_or_region_is_one_clear_error():
    with pytest.raises(CommandError, match="没有名为"):
        run("chains", "gap", "不存在的链", "--region", "430200")
    run("chains", "load-builtin")
    with pytest.raises(CommandError, match="区划"):
        run("chains", "gap", "轨道交通装备", "--region", "999999")


@needs_labels
def test_classify_writes_one_row_per_input_row_in_order(tmp_path):
    frame = pd.read_csv(LABELLED, dtype=str, keep_default_na=False)
    train = frame.iloc[::2].head(300)
    test = frame.iloc[1::2].head(40)
    train.to_csv(tmp_path / "train.csv", index=False)
    test.to_csv(tmp_path / "in.csv", index=False)
    call_command(
        "classify",
        str(tmp_path / "in.csv"),
        "--train",
        str(tmp_path / "train.csv"),
        "--text-column",
        "description",
        "--label-column",
        "cics1",
        "-o",
        str(tmp_path / "out.csv"),
        stderr=__import__("io").StringIO(),
    )
    out = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert list(out["stock_code"]) == list(test["stock_code"])
    assert list(out.columns) == [*test.columns, "predicted", "score", "top3"]
    assert (out["predicted"] == test["cics1"].values).mean() > 0.5


def test_classify_firms_command_places_firms(cast, make_firm, chain):
    make_firm("株洲一", "IGBT模块")
    out = run("chains", "classify-firms")
    assert json.loads(out)["created"] == 1
    assert services.counted_assignments(chain).count() == 1


@needs_bom_files
def test_chains_bom_counts_firms_as_local_to_the_installations_home_region_unless_told_otherwise(settings):
    path = BOM_DIR / "mnt_reform_keyboard.csv"
    settings.HOME_REGION = "320583"  # 昆山市
    data = json.loads(run("chains", "bom", str(path), "--name", "keyboard", "--json"))
    assert data["region"] == "320583"
    named = json.loads(run("chains", "bom", str(path), "--name", "keyboard", "--region", "430200", "--json"))
    assert named["region"] == "430200"


def test_one_region_prefix_rule_serves_the_registry_the_chains_and_the_home_region(settings):
    from zhaoshang.chains.analysis.targets import region_prefix as target_prefix
    from zhaoshang.core.reference.regions import region_prefix
    from zhaoshang.registry.services import home_prefix

    assert [region_prefix(c) for c in ("430000", "430200", "430202", "43", " 4302 ")] == [
        "43",
        "4302",
        "430202",
        "43",
        "4302",
    ]
    assert target_prefix("430200") == "4302"
    settings.HOME_REGION = "440300"
    assert home_prefix() == "4403"
