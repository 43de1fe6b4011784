from __future__ import annotations

from pathlib import Path

import pytest
from tests.shared_data import SHARED_DATA, absent

from zhaoshang.chains.analysis.bom import CATEGORIES, BomLine, categorise, read_bom, summary

BOM_DIR = SHARED_DATA / "bom"
pytestmark = pytest.mark.skipif(
    absent(BOM_DIR), reason=f"{BOM_DIR} not found: ../shared is not beside the project"
)


@pytest.fixture(scope="module")
def motherboard_lines() -> dict[str, BomLine]:
    """The motherboard's counted lines by their first designator."""
    bom = read_bom(BOM_DIR / "mnt_reform_motherboard.csv", name="mb")
    return {line.references[0]: line for line in bom.lines}


def test_every_motherboard_capacitor_lands_in_capacitors(motherboard_lines: dict[str, BomLine]) -> None:
    capacitors = [line for ref, line in motherboard_lines.items() if ref.startswith("C")]
    assert len(capacitors) == 17
    assert {line.category for line in capacitors} == {"capacitor"}
    nodes = {
        node["name"]: node["parts"]
        for node in summary(read_bom(BOM_DIR / "mnt_reform_motherboard.csv", name="mb"))["nodes"]
    }
    assert nodes["电容"] == sum(line.quantity for line in capacitors)


def test_resistors_and_ferrite_beads_land_in_their_categories(motherboard_lines: dict[str, BomLine]) -> None:
    for ref, line in motherboard_lines.items():
        if ref.startswith("R"):
            assert line.category == "resistor", ref
        if ref.startswith(("FB", "L")):
            assert line.category == "inductor", ref


@pytest.mark.parametrize(
    ("reference", "category"),
    [
        ("U12", "ic_power"),  # LM2677 buck regulator
        ("U16", "ic_power"),  # TPS2561 power switch
        ("U13", "ic_power"),  # TLV62568 buck
        ("U2", "ic_power"),  # LTC4020 charger
        ("U18", "ic_mcu"),  # LPC11U24
        ("U9", "ic_interface"),  # TUSB8041 USB hub
        ("U8", "ic_interface"),  # TXS0108 level shifter
        ("U10", "ic_display"),  # SN65DSI86 MIPI-DSI to eDP bridge
        ("U3", "ic_audio"),  # WM8960 codec
        ("U5", "ic_clock"),  # PCF8523 RTC
        ("U1", "soc_module"),  # Nitrogen8M SoM
        ("U11", "connector"),  # a Molex connector on a U designator
        ("Y1", "crystal"),
        ("D11", "led"),
        ("D1", "diode"),
        ("Q11", "transistor"),
        ("J4", "connector"),
        ("SW3", "switch"),
        ("F2", "fuse"),
        ("BT1", "battery"),
        ("H22", "mounting_hole"),
    ],
)
def test_known_motherboard_parts_land_in_the_expected_category(
    motherboard_lines: dict[str, BomLine], reference: str, category: str
) -> None:
    assert motherboard_lines[reference].category == category


def test_a_tps_regulator_is_named_power_management_in_chinese(tmp_path: Path) -> None:
    bom = read_bom(BOM_DIR / "mnt_reform_keyboard.csv", name="kbd")
    tps = next(line for line in bom.lines if line.value == "TPS61185")
    assert CATEGORIES[tps.category].name == "集成电路-电源管理"


@pytest.mark.parametrize(
    ("part_number", "category"),
    [
        ("W25Q128JVSIQ", "ic_memory"),
        ("MT41K256M16TW-107", "ic_memory"),
        ("K4B4G1646E", "ic_memory"),
        ("STM32F103C8T6", "ic_mcu"),
        ("ATSAMD21G18A", "ic_mcu"),
        ("KSZ9031RNX", "ic_ethernet"),
        ("RTL8211F", "ic_ethernet"),
        ("TXB0108PWR", "ic_interface"),
        ("74LVC1T45GW", "ic_interface"),
        ("USB2514B", "ic_interface"),
        ("ADS1115IDGSR", "ic_analog"),
        ("LM358DR", "ic_analog"),
        ("AP2112K-3.3", "ic_power"),
        ("MP2315GJ", "ic_power"),
        ("ESP32-WROOM-32E", "wireless_module"),
        ("AP6256", "wireless_module"),
        ("RK3588", "soc_module"),
        ("SN74LVC1G08DBVR", "ic_logic"),
        ("XYZ123", "ic_other"),
    ],
)
def test_ics_are_grouped_by_the_function_their_part_number_reveals(part_number: str, category: str) -> None:
    line = BomLine(row=2, references=("U1",), quantity=1, part_number=part_number)
    assert categorise(line) == category


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("贴片电容", "capacitor"),
        ("贴片电阻 10K", "resistor"),
        ("功率电感", "inductor"),
        ("磁珠", "inductor"),
        ("无源晶振 24MHz", "crystal"),
        ("肖特基二极管", "diode"),
        ("MOS管", "transistor"),
        ("FPC连接器", "connector"),
        ("轻触开关", "switch"),
        ("自恢复保险丝", "fuse"),
        ("锂电池", "battery"),
        ("主板PCB", "pcb"),
        ("M2螺丝", "mechanical"),
        ("单片机", "ic_mcu"),
        ("电源管理芯片", "ic_power"),
        ("显示屏", "display"),
        ("神秘零件", "other"),
    ],
)
def test_generic_lines_without_designators_are_categorised_by_their_words(name: str, category: str) -> None:
    assert categorise(BomLine(row=2, references=(), quantity=1, name=name)) == category


def test_an_unknown_written_category_becomes_its_own_node(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("物料名称,分类,数量\n神秘零件,光学镜片,2\n贴片电容,电容,3\n", encoding="utf-8")
    bom = read_bom(path, name="g")
    assert bom.lines[0].category.startswith("custom_") and bom.lines[0].category.isascii()
    assert {node["name"]: node["parts"] for node in summary(bom)["nodes"]} == {"光学镜片": 2, "电容": 3}
