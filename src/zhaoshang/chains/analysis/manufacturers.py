"""Component makers: one name for the many ways a BOM writes it, and which registry firms are that maker.

A BOM says "Murata", "MURATA", "Murata Electronics" or 村田; a city's registry says 无锡村田电子有限公司. The table
in ``chains/data/manufacturers.yaml`` (Chinese and English names, aliases, country/region, registered Chinese
legal entities) ties them together:

* :meth:`ManufacturerMatcher.canonical` turns a name as written into a :class:`Maker` (case-, space- and
  punctuation-insensitive; company suffixes such as "Inc.", "Electronics", 股份有限公司 are ignored);
* :meth:`ManufacturerMatcher.match_registry` says which registry firms are a maker: a firm whose name *is* one
  of the maker's legal names, or contains one of its names. To keep false positives out, short names are held
  to stricter rules:

  - ASCII names of up to three letters ("TI", "ST", "ON", "TE") match only as a separate word written in
    capitals, bounded by spaces, punctuation or the ends of the name — never inside "STAR" or "上海TI科技";
  - longer ASCII names match as whole words ("Murata" in "Murata Manufacturing Co., Ltd.");
  - Chinese names must open the firm's trade name (字号), the part that follows the place name
    (广东 | 风华 | 高新科技股份有限公司), so 泰科电子 does not match 深圳市丰巨泰科电子有限公司; two-character names
    must moreover be followed by an industry word (电子, 科技, 半导体, ...), so 天马 matches 天马微电子股份有限公司
    but not 天马轴承集团股份有限公司;
  - a legal name matches the whole name or its start (a branch: 广东风华高新科技股份有限公司昆山分公司), also
    after a place name, but not inside another name (瑞芯微电子股份有限公司 is not 成都华光瑞芯微电子股份有限公司).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from zhaoshang.core.errors import DomainError

__all__ = ["DEFAULT_TABLE", "Maker", "ManufacturerMatcher", "ManufacturerTableError", "load_manufacturers"]

DEFAULT_TABLE = Path(__file__).resolve().parent.parent / "data" / "manufacturers.yaml"


class ManufacturerTableError(DomainError):
    """The manufacturer table is malformed (missing key, duplicate key, one alias naming two makers)."""


@dataclass(frozen=True)
class Maker:
    key: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    region: str = ""
    legal_names: tuple[str, ...] = ()
    note: str = ""

    @property
    def display_name(self) -> str:
        return self.zh or self.en

    @property
    def names(self) -> tuple[str, ...]:
        """Every name of the maker: display names, aliases and legal names, without blanks or repeats."""
        seen: dict[str, None] = {}
        for name in (self.zh, self.en, *self.aliases, *self.legal_names):
            if name and name.strip():
                seen.setdefault(name.strip(), None)
        return tuple(seen)


def _text(value: Any, field: str, key: str | None = None, index: int = 0) -> str:
    """``field`` of the maker ``key`` (before the key is known: of the ``index``-th maker) as text."""
    if value is None:
        return ""
    if isinstance(value, bool):  # YAML 1.1 reads a bare ON / NO / Y as a boolean
        where = f"制造商{key}的{field}" if key else f"第{index + 1}条制造商的{field}"
        raise ManufacturerTableError(
            f"{where}的值被读成布尔值{value}，请给它加引号",
            code="manufacturer_value_read_as_boolean",
            maker=key or f"#{index + 1}",
            field=field,
            value=value,
        )
    return str(value).strip()


def _as_tuple(value: Any, field: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    values = [value] if isinstance(value, (str, bool)) else list(value)
    return tuple(text for v in values if (text := _text(v, field, key)))


def _maker_from_mapping(entry: Mapping[str, Any], index: int) -> Maker:
    key = _text(entry.get("key"), "key", index=index)
    if not key:
        raise ManufacturerTableError(
            f"第{index + 1}条制造商缺少key", code="manufacturer_key_missing", number=index + 1
        )
    zh = _text(entry.get("zh"), "zh", key)
    en = _text(entry.get("en"), "en", key)
    if not zh and not en:
        raise ManufacturerTableError(
            f"制造商{key}既无中文名也无英文名", code="manufacturer_nameless", maker=key
        )
    return Maker(
        key=key,
        zh=zh,
        en=en,
        aliases=_as_tuple(entry.get("aliases"), "aliases", key),
        region=_text(entry.get("region"), "region", key),
        legal_names=_as_tuple(entry.get("legal_names"), "legal_names", key),
        note=_text(entry.get("note"), "note", key),
    )


def load_manufacturers(path: str | Path | None = None) -> list[Maker]:
    """The makers in a YAML table (the bundled one by default)."""
    with open(path or DEFAULT_TABLE, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or []
    if not isinstance(data, list):
        raise ManufacturerTableError("制造商表应为列表", code="manufacturer_table_not_a_list")
    return [_maker_from_mapping(entry, i) for i, entry in enumerate(data)]


# --------------------------------------------------------------------------------------------------------------
# Normalisation

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ASCII_SUFFIXES = {
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "ltd",
    "limited",
    "llc",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "spa",
    "bv",
    "nv",
    "kk",
    "ab",
    "oy",
    "as",
    "pte",
    "pty",
    "electronics",
    "electronic",
    "semiconductor",
    "semiconductors",
    "technologies",
    "technology",
    "tech",
    "group",
    "holdings",
    "holding",
    "international",
    "intl",
    "manufacturing",
    "mfg",
    "devices",
    "components",
    "industries",
    "industrial",
    "usa",
    "america",
    "europe",
    "asia",
    "china",
    "japan",
    "the",
}
_CJK_SUFFIX = re.compile(r"(股份有限公司|有限责任公司|有限公司|股份公司|集团公司|公司|株式会社|集团|股份)$")
_REGION_NAMES = (
    "中国",
    "中華",
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
    "内蒙古",
    "香港",
    "澳门",
    "台湾",
    "深圳",
    "广州",
    "东莞",
    "佛山",
    "珠海",
    "中山",
    "惠州",
    "江门",
    "肇庆",
    "汕头",
    "潮州",
    "苏州",
    "昆山",
    "无锡",
    "常州",
    "南京",
    "南通",
    "扬州",
    "镇江",
    "泰州",
    "徐州",
    "盐城",
    "杭州",
    "宁波",
    "温州",
    "绍兴",
    "嘉兴",
    "湖州",
    "金华",
    "台州",
    "合肥",
    "芜湖",
    "厦门",
    "福州",
    "泉州",
    "漳州",
    "南昌",
    "济南",
    "青岛",
    "烟台",
    "潍坊",
    "郑州",
    "武汉",
    "长沙",
    "株洲",
    "成都",
    "绵阳",
    "西安",
    "天水",
    "兰州",
    "大连",
    "沈阳",
    "长春",
    "哈尔滨",
    "石家庄",
    "太原",
    "南宁",
    "昆明",
    "贵阳",
    "海口",
    "宁德",
    "洛阳",
    "襄阳",
)
_REGION_PREFIX = re.compile(
    "^(?:" + "|".join(sorted(_REGION_NAMES, key=len, reverse=True)) + r")(?:省|市|自治区|特别行政区)?"
    r"|^[\u4e00-\u9fff]{2,3}?(?:省|市|自治区|区|县)"
)
_INDUSTRY_WORDS = (
    "电子",
    "电器",
    "电气",
    "电机",
    "电声",
    "电容",
    "电池",
    "电路",
    "电源",
    "电工",
    "电连",
    "高新",
    "科技",
    "技术",
    "微电子",
    "半导体",
    "集成电路",
    "光电",
    "光学",
    "精密",
    "集团",
    "股份",
    "控股",
    "实业",
    "工业",
    "制造",
    "新能源",
    "能源",
    "信息",
    "通信",
    "通讯",
    "无线",
    "网络",
    "显示",
    "智能",
    "元件",
    "元器件",
    "芯",
    "微",
    "材料",
    "国际",
    "中国",
    "(",
    "（",
    "产品",
    "贸易",
    "企业",
    "投资",
    "制作所",
    "汽车",
    "计算机",
    "系统",
    "存储",
    "连接",
    "线路",
    "电脑",
    "磁",
)


def _fold(text: str) -> str:
    """Lowercase, full-width to half-width, accents removed (Würth → wurth), & → and."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.lower().replace("&", " and ")


def _norm(text: str) -> str:
    """Only letters, digits and CJK characters, folded: "Diodes, Inc." → "diodesinc"."""
    return re.sub(r"[^0-9a-z\u3400-\u9fff\uf900-\ufaff]+", "", _fold(text))


def _ascii_tokens(text: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", _fold(text))


def _strip_cjk(text: str) -> list[str]:
    """A Chinese firm name and the forms left after dropping region prefixes and the legal-form suffix."""
    forms = []
    name = re.sub(r"[\s]+", "", unicodedata.normalize("NFKC", text))
    name = _CJK_SUFFIX.sub("", name) if len(_CJK_SUFFIX.sub("", name)) >= 2 else name
    forms.append(name)
    while (match := _REGION_PREFIX.match(name)) and len(name) - match.end() >= 2:
        name = name[match.end() :]
        forms.append(name)
    return forms


def _trade_name_starts(name: str) -> list[str]:
    """The name from each place a trade name (字号) can start: the start, and after each region prefix."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
    starts = [text]
    while (match := _REGION_PREFIX.match(text)) and len(text) - match.end() >= 2:
        text = text[match.end() :]
        starts.append(text)
    return starts


# --------------------------------------------------------------------------------------------------------------
# Matcher


class ManufacturerMatcher:
    """Resolve manufacturer names to :class:`Maker` and find makers among registry firms.

    ``aliases_table`` is a list of :class:`Maker`, a list of mappings as in the YAML file, or a path to such a
    file; ``None`` loads the bundled table.
    """

    def __init__(self, aliases_table: Iterable[Maker | Mapping[str, Any]] | str | Path | None = None) -> None:
        if aliases_table is None or isinstance(aliases_table, (str, Path)):
            makers = load_manufacturers(aliases_table)
        else:
            makers = [
                entry if isinstance(entry, Maker) else _maker_from_mapping(entry, i)
                for i, entry in enumerate(aliases_table)
            ]
        self.makers: dict[str, Maker] = {}
        self._index: dict[str, Maker] = {}
        problems: list[str] = []
        for maker in makers:
            if maker.key in self.makers:
                problems.append(f"key重复：{maker.key}")
            self.makers[maker.key] = maker
            for name in (maker.key, *maker.names):
                norm = _norm(name)
                if not norm:
                    continue
                other = self._index.get(norm)
                if other is not None and other.key != maker.key:
                    problems.append(f"别名「{name}」同时属于{other.key}和{maker.key}")
                self._index[norm] = maker
        if problems:
            raise ManufacturerTableError("；".join(problems))

    @classmethod
    def default(cls) -> ManufacturerMatcher:
        return cls(None)

    def __len__(self) -> int:
        return len(self.makers)

    def get(self, key: str) -> Maker:
        return self.makers[key]

    def canonical(self, name_as_written: str) -> Maker | None:
        """The maker a BOM's manufacturer field names, or ``None`` if the table does not know it."""
        if not name_as_written or not name_as_written.strip():
            return None
        norm = _norm(name_as_written)
        if norm in self._index:
            return self._index[norm]
        if _CJK.search(name_as_written):
            for form in _strip_cjk(name_as_written):
                if _norm(form) in self._index:
                    return self._index[_norm(form)]
            found = self._cjk_trade_name(name_as_written)
            if found:
                return found
        tokens = _ascii_tokens(name_as_written)
        while tokens and tokens[-1] in _ASCII_SUFFIXES:
            tokens = tokens[:-1]
            if "".join(tokens) in self._index:
                return self._index["".join(tokens)]
        for end in range(len(tokens) - 1, 0, -1):  # longest leading run of words that names a maker
            candidate = "".join(tokens[:end])
            if len(candidate) >= 3 and candidate in self._index:
                return self._index[candidate]
        return None

    def _cjk_trade_name(self, name: str) -> Maker | None:
        best: tuple[int, Maker] | None = None
        for maker in self.makers.values():
            for alias in maker.names:
                if _CJK.search(alias) and self._cjk_alias_matches(alias, name):
                    if best is None or len(alias) > best[0]:
                        best = (len(alias), maker)
        return best[1] if best else None

    @staticmethod
    def _cjk_alias_matches(alias: str, name: str) -> bool:
        alias = re.sub(r"\s+", "", unicodedata.normalize("NFKC", alias))
        for start in _trade_name_starts(name):
            if start.startswith(alias):
                rest = start[len(alias) :]
                if len(alias) >= 3 or not rest or rest.startswith(_INDUSTRY_WORDS):
                    return True
        return False

    @staticmethod
    def _ascii_alias_matches(alias: str, name: str) -> bool:
        compact = re.sub(r"[^0-9A-Za-z]", "", alias)
        if len(compact) <= 3:
            # Short names: the exact capitals as a separate word; CJK characters do not count as a boundary.
            pattern = (
                r"(?<![0-9A-Za-z\u3400-\u9fff])" + re.escape(alias.upper()) + r"(?![0-9A-Za-z\u3400-\u9fff])"
            )
            return re.search(pattern, unicodedata.normalize("NFKC", name)) is not None
        alias_tokens = _ascii_tokens(alias)
        name_tokens = _ascii_tokens(name)
        n = len(alias_tokens)
        return n > 0 and any(name_tokens[i : i + n] == alias_tokens for i in range(len(name_tokens) - n + 1))

    def match_registry(self, maker: Maker | str, firms: Iterable[tuple[Any, str, str]]) -> list[Any]:
        """The ids of the registry firms that are ``maker`` (a :class:`Maker` or its key), in input order.

        ``firms`` yields ``(firm_id, name, name_key)``; ``name_key`` (the registry's normalised name) is checked
        like the name. A firm matches when its name is one of the maker's legal names, or contains one of the
        maker's names under the rules in the module docstring.
        """
        if isinstance(maker, str):
            maker = self.makers[maker]
        legal = {_norm(name) for name in maker.legal_names}
        cjk_aliases = [name for name in maker.names if _CJK.search(name)]
        ascii_aliases = [name for name in maker.names if not _CJK.search(name)]
        matched: list[Any] = []
        for firm_id, name, name_key in firms:
            texts = [text for text in (name, name_key) if text]
            if (
                any(
                    _norm(start).startswith(legal_name)
                    for text in texts
                    for start in _trade_name_starts(text)
                    for legal_name in legal
                )
                or any(self._cjk_alias_matches(alias, text) for text in texts for alias in cjk_aliases)
                or any(self._ascii_alias_matches(alias, text) for text in texts for alias in ascii_aliases)
            ):
                matched.append(firm_id)
        return matched
