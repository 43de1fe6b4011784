from __future__ import annotations

import csv
from pathlib import Path

import pytest
from tests.shared_data import SHARED_DATA, absent

from zhaoshang.chains.analysis.manufacturers import (
    Maker,
    ManufacturerMatcher,
    ManufacturerTableError,
    load_manufacturers,
)

BOM_DIR = SHARED_DATA / "bom"
pytestmark = pytest.mark.skipif(
    absent(BOM_DIR), reason=f"{BOM_DIR} not found: ../shared is not beside the project"
)


@pytest.fixture(scope="module")
def matcher() -> ManufacturerMatcher:
    return ManufacturerMatcher()


def _mnt_manufacturers() -> set[str]:
    names: set[str] = set()
    for path in sorted(BOM_DIR.glob("mnt_reform_*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        column = [cell.strip() for cell in rows[0]].index("Manufacturer")
        names |= {row[column].strip() for row in rows[1:] if len(row) > column and row[column].strip()}
    return names


def test_the_table_holds_well_over_a_hundred_makers_with_unique_keys() -> None:
    makers = load_manufacturers()
    assert len(makers) >= 120
    assert len({maker.key for maker in makers}) == len(makers)
    assert all(maker.key.isascii() and maker.region != "False" for maker in makers)


def test_every_manufacturer_in_the_mnt_boms_is_known(matcher: ManufacturerMatcher) -> None:
    names = _mnt_manufacturers()
    assert len(names) > 40
    assert {name for name in names if matcher.canonical(name) is None} == set()


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Murata", "murata"),
        ("MURATA", "murata"),
        ("Murata Electronics", "murata"),
        ("村田", "murata"),
        ("株式会社村田製作所", "murata"),
        ("TI", "ti"),
        ("Texas Instruments", "ti"),
        ("Texas Instruments Inc.", "ti"),
        ("德州仪器", "ti"),
        ("Taiyo Yuden", "taiyo_yuden"),
        ("taiyo-yuden", "taiyo_yuden"),
        ("ON", "onsemi"),
        ("Diodes, Inc.", "diodes"),
        ("Vishay Dale", "vishay"),
        ("Amphenol FCI", "amphenol"),
        ("C&K", "ck"),
        ("Wurth", "wurth"),
        ("Würth Elektronik", "wurth"),
        ("Yageo Corporation", "yageo"),
        ("Samsung Electro-Mechanics Co., Ltd.", "samsung_em"),
        ("Samsung", "samsung"),
        ("风华高科", "fenghua"),
        ("广东风华高新科技股份有限公司", "fenghua"),
        ("深圳顺络电子", "sunlord"),
        ("UCC", "nippon_chemicon"),
    ],
)
def test_names_as_written_resolve_to_one_maker(matcher: ManufacturerMatcher, written: str, key: str) -> None:
    maker = matcher.canonical(written)
    assert maker is not None and maker.key == key


@pytest.mark.parametrize("written", ["", "  ", "STAR", "Acme Widgets", "Stark", "Tim"])
def test_unknown_names_resolve_to_nothing(matcher: ManufacturerMatcher, written: str) -> None:
    assert matcher.canonical(written) is None


def test_the_display_names_are_chinese_where_one_is_in_use(matcher: ManufacturerMatcher) -> None:
    assert matcher.get("murata").display_name == "村田"
    assert matcher.get("ti").display_name == "德州仪器"
    assert matcher.get("usakro").display_name == "USAKRO"


FIRMS = [
    (1, "广东风华高新科技股份有限公司", "风华高科"),
    (2, "广东风华高新科技股份有限公司昆山分公司", ""),
    (3, "风华酒店管理有限公司", ""),
    (4, "无锡村田电子有限公司", ""),
    (5, "天马微电子股份有限公司", ""),
    (6, "天马轴承集团股份有限公司", ""),
    (7, "STAR Technology (Suzhou) Ltd", ""),
    (8, "上海TI科技有限公司", ""),
    (9, "德州仪器半导体技术(上海)有限公司", ""),
    (10, "ST Microelectronics Shenzhen", ""),
    (11, "深圳市丰巨泰科电子有限公司", ""),
    (12, "成都华光瑞芯微电子股份有限公司", ""),
    (13, "瑞芯微电子股份有限公司", ""),
    (14, "昆山厚声电子工业有限公司", ""),
    (15, "Murata Manufacturing Co., Ltd.", ""),
]


@pytest.mark.parametrize(
    ("key", "firm_ids"),
    [
        ("fenghua", [1, 2]),
        ("murata", [4, 15]),
        ("tianma", [5]),
        ("ti", [9]),
        ("st", [10]),
        ("te", []),
        ("rockchip", [13]),
        ("uniohm", [14]),
    ],
)
def test_registry_firms_are_matched_by_legal_name_or_trade_name(
    matcher: ManufacturerMatcher, key: str, firm_ids: list[int]
) -> None:
    assert matcher.match_registry(matcher.get(key), FIRMS) == firm_ids


def test_short_aliases_never_match_inside_a_word(matcher: ManufacturerMatcher) -> None:
    firms = [
        (1, "Stellar Instruments", ""),
        (2, "BEST Tools", ""),
        (3, "Tianjin TIMES Co", ""),
        (4, "上海ST贸易", ""),
    ]
    assert matcher.match_registry("st", firms) == []
    assert matcher.match_registry("ti", firms) == []


def test_chinese_makers_carry_their_registered_legal_names(matcher: ManufacturerMatcher) -> None:
    assert "广东风华高新科技股份有限公司" in matcher.get("fenghua").legal_names
    assert "深圳顺络电子股份有限公司" in matcher.get("sunlord").legal_names
    assert "潮州三环(集团)股份有限公司" in matcher.get("cctc").legal_names
    assert matcher.get("fenghua").region == "CN"


def test_a_table_where_one_alias_names_two_makers_is_refused() -> None:
    table = [
        {"key": "a", "zh": "甲", "en": "Alpha", "aliases": ["AX"]},
        {"key": "b", "en": "Beta", "aliases": ["ax"]},
    ]
    with pytest.raises(ManufacturerTableError, match="AX|ax"):
        ManufacturerMatcher(table)


def test_a_bare_yaml_boolean_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("- {key: onsemi, en: onsemi, aliases: [ON]}\n", encoding="utf-8")
    with pytest.raises(ManufacturerTableError, match="加引号"):
        load_manufacturers(path)


def test_the_matcher_accepts_maker_objects() -> None:
    matcher = ManufacturerMatcher([Maker(key="x", zh="某某电子", en="Xco", aliases=("XCO Ltd",))])
    found = matcher.canonical("xco ltd")
    assert found is not None and found.key == "x"
