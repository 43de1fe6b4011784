"""Map the header row of a registry export to canonical field names.

Headers are compared after normalisation: NFKC (full width → half width), lower case, whitespace, ``*`` and
colons removed, brackets of every kind unified. A bracketed unit at the end (``注册资本(万元)``,
``营业收入（单位：元）``) is taken off and kept as a *unit hint* for that field.

Several columns may name the same field. Each field then gets one *primary* column and ordered *alternates*
that fill the field in rows where the primary cell is empty. For the company name the fuller legal name is
preferred: ``企业全称``/``公司全称`` > ``企业名称``/``公司名称``/``单位名称`` > ``工商登记名称``/``工商`` >
``企业名`` > ``名称``/``name``. A generic ``名称`` column next to a fuller name column is taken as the short name
(``short_name``): in real exports it holds brand names such as 畅映文化 beside 长沙市畅映文化传播有限公司.

Columns that match no field are returned in :attr:`HeaderMapping.unknown`, never silently dropped. An explicit
mapping ``{header: field}`` from the user overrides the automatic one (``None`` or ``""`` ignores a column).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from .errors import HeaderMappingError

FIELDS: Final = (
    "uscc",
    "name",
    "short_name",
    "legal_rep",
    "founded",
    "capital",
    "address",
    "scope",
    "description",
    "reg_no",
    "region_code",
    "industry_code",
    "status",
    "company_type",
    "website",
    "employees",
    "revenue",
    "tax",
    "tags",
    "listed",
    "above_scale",
    "park",
)

FIELD_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "uscc": "统一社会信用代码",
        "name": "企业名称",
        "short_name": "企业简称",
        "legal_rep": "法定代表人",
        "founded": "成立日期",
        "capital": "注册资本",
        "address": "地址",
        "scope": "经营范围",
        "description": "企业简介",
        "reg_no": "工商注册号",
        "region_code": "行政区划代码",
        "industry_code": "行业代码",
        "status": "登记状态",
        "company_type": "企业类型",
        "website": "网址",
        "employees": "从业人数",
        "revenue": "营业收入",
        "tax": "纳税额",
        "tags": "标签",
        "listed": "是否上市",
        "above_scale": "规上企业",
        "park": "园区",
    }
)

# Priority of a generic name column ("名称", "name"): demoted to short_name next to a fuller name column.
_GENERIC_NAME: Final = 5

# normalised header → (field, priority); lower priority wins when several columns name the same field.
_SYNONYMS_BY_FIELD: Final[dict[str, dict[str, int]]] = {
    "uscc": {
        "统一社会信用代码": 0,
        "统一信用代码": 0,
        "社会信用代码": 0,
        "统一社会信用代码/注册号": 1,
        "信用代码/注册号": 1,
        "统一代码": 1,
        "信用代码": 1,
        "uscc": 0,
        "creditcode": 0,
        "unifiedsocialcreditcode": 0,
        "socialcreditcode": 0,
    },
    "name": {
        "企业全称": 0,
        "公司全称": 0,
        "企业名称": 1,
        "公司名称": 1,
        "单位名称": 1,
        "市场主体名称": 1,
        "主体名称": 1,
        "工商登记名称": 2,
        "工商注册名称": 2,
        "登记名称": 2,
        "工商名称": 2,
        "工商": 3,
        "企业名": 4,
        "公司名": 4,
        "companyname": 1,
        "enterprisename": 1,
        "legalname": 0,
        "名称": _GENERIC_NAME,
        "name": _GENERIC_NAME,
    },
    "short_name": {"简称": 0, "企业简称": 0, "公司简称": 0, "shortname": 0, "品牌名称": 1, "品牌": 2},
    "legal_rep": {
        "法定代表人": 0,
        "法人代表": 0,
        "法定代表人/负责人": 0,
        "法定代表人姓名": 0,
        "法人": 1,
        "负责人": 2,
        "legalrepresentative": 0,
        "legalrep": 0,
        "legalperson": 1,
    },
    "founded": {
        "成立日期": 0,
        "成立时间": 0,
        "注册日期": 1,
        "注册时间": 1,
        "设立日期": 1,
        "foundingdate": 0,
        "founded": 0,
        "establishmentdate": 0,
        "dateofestablishment": 0,
        "registrationdate": 1,
    },
    "capital": {
        "注册资本": 0,
        "注册资金": 0,
        "注册资本金": 0,
        "registeredcapital": 0,
        "capital": 1,
    },
    "address": {
        "住所": 0,
        "注册地址": 0,
        "住所/经营场所": 0,
        "企业地址": 1,
        "公司地址": 1,
        "地址": 1,
        "经营场所": 2,
        "经营地址": 2,
        "办公地址": 2,
        "通讯地址": 3,
        "registeredaddress": 0,
        "address": 1,
    },
    "scope": {"经营范围": 0, "businessscope": 0, "scope": 1},
    "description": {
        "公司介绍": 0,
        "企业介绍": 0,
        "公司简介": 0,
        "企业简介": 0,
        "简介": 1,
        "介绍": 2,
        "description": 0,
        "companyprofile": 0,
        "profile": 1,
    },
    "reg_no": {
        "工商注册号": 0,
        "注册号": 0,
        "工商注册id": 0,
        "工商注册编号": 0,
        "营业执照注册号": 0,
        "营业执照号": 1,
        "注册编号": 1,
        "registrationnumber": 0,
        "regno": 0,
    },
    "region_code": {
        "行政区划代码": 0,
        "区划代码": 0,
        "所属地区代码": 0,
        "所属区划代码": 0,
        "地区代码": 1,
        "regioncode": 0,
    },
    "industry_code": {
        "国民经济行业代码": 0,
        "国标行业代码": 0,
        "行业代码": 0,
        "所属行业代码": 0,
        "industrycode": 0,
    },
    "status": {"登记状态": 0, "经营状态": 0, "企业状态": 0, "状态": 1, "status": 1},
    "company_type": {
        "企业类型": 0,
        "公司类型": 0,
        "市场主体类型": 0,
        "企业类别": 1,
        "companytype": 0,
        "type": 2,
    },
    "website": {
        "网址": 0,
        "官网": 0,
        "网站": 0,
        "官方网站": 0,
        "公司网址": 0,
        "企业网址": 0,
        "website": 0,
        "url": 1,
        "homepage": 1,
    },
    "employees": {
        "从业人数": 0,
        "员工人数": 0,
        "参保人数": 0,
        "职工人数": 0,
        "员工数": 1,
        "人数": 2,
        "employees": 0,
        "staff": 1,
    },
    "revenue": {"营业收入": 0, "营收": 0, "主营业务收入": 0, "销售收入": 1, "revenue": 0},
    "tax": {"纳税额": 0, "纳税总额": 0, "税收": 0, "实缴税金": 1, "税额": 1, "tax": 0},
    "tags": {"标签": 0, "企业标签": 0, "tags": 0, "tag": 0},
    "listed": {
        "是否上市": 0,
        "上市": 0,
        "上市状态": 0,
        "上市情况": 0,
        "上市公司": 1,
        "listed": 0,
        "islisted": 0,
    },
    "above_scale": {
        "是否规上": 0,
        "是否规上企业": 0,
        "规上企业": 0,
        "是否规模以上": 0,
        "是否规模以上企业": 0,
        "规模以上企业": 0,
        "规上": 1,
        "企业规模": 1,
        "abovescale": 0,
    },
    "park": {
        "园区": 0,
        "所属园区": 0,
        "所在园区": 0,
        "入驻园区": 0,
        "园区名称": 0,
        "所属园区乡镇": 1,
        "park": 0,
    },
}

SYNONYMS: Final[Mapping[str, tuple[str, int]]] = MappingProxyType(
    {h: (f, p) for f, table in _SYNONYMS_BY_FIELD.items() for h, p in table.items()}
)

_OPEN = "([{【〔［（〈《"
_CLOSE = ")]}】〕］）〉》"
_BRACKETS = str.maketrans({**{c: "(" for c in _OPEN}, **{c: ")" for c in _CLOSE}})
_DROP = re.compile(r"[\s*＊:：_\-.·'\"“”]+")
_TRAILING_BRACKET = re.compile(r"\(([^()]*)\)$")
_UNIT = re.compile(r"(?:单位)?(万元|亿元|元|万美元|美元|万人民币|人民币|万|人|个|%|％)$")


@dataclass(frozen=True, slots=True)
class NormalisedHeader:
    key: str
    unit: str | None


def normalise_header(header: object) -> NormalisedHeader:
    """Comparable form of a header and the unit written in it, if any (``注册资本（万元）`` → ``注册资本``, ``万元``)."""
    text = unicodedata.normalize("NFKC", "" if header is None else str(header)).lower().translate(_BRACKETS)
    text = _DROP.sub("", text)
    unit: str | None = None
    m = _TRAILING_BRACKET.search(text)
    if m:
        content = m.group(1)
        um = _UNIT.search(content)
        if um and (content == um.group(0) or content.startswith("单位")):
            unit = um.group(1)
            text = text[: m.start()]
    if unit is None:
        for key in (text, text.replace("(", "").replace(")", ""), _TRAILING_BRACKET.sub("", text)):
            if key in SYNONYMS:
                return NormalisedHeader(key, None)
        # "注册资本万元": a unit glued to a known header
        um = _UNIT.search(text)
        if um and text[: um.start()] in SYNONYMS:
            return NormalisedHeader(text[: um.start()], um.group(1))
        return NormalisedHeader(text.replace("(", "").replace(")", ""), None)
    return NormalisedHeader(text.replace("(", "").replace(")", ""), unit)


@dataclass(frozen=True)
class HeaderNote:
    """One note of a mapping: the Chinese sentence, a ``code`` and its values for the edge to say it in the user's
    language. A column is given as ``[number, header]`` (1-based; the header may be empty), a field by its name."""

    message: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class HeaderMapping:
    """Which column holds which field.

    ``fields`` maps a field to the index (0-based) of its primary column; ``alternates`` to further columns, in
    order, that fill the field in rows where the primary cell is empty. ``unknown`` lists the columns that match
    no field as ``(index, header)``; ``ignored`` those the user chose to ignore. ``unit_hints`` holds units written
    in headers (``{"capital": "万元"}``). ``notes`` explain choices in Chinese, for the import preview;
    ``coded_notes`` are the same notes with their codes and values.
    """

    headers: tuple[str, ...]
    fields: Mapping[str, int]
    alternates: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    unknown: tuple[tuple[int, str], ...] = ()
    ignored: tuple[tuple[int, str], ...] = ()
    unit_hints: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    coded_notes: tuple[HeaderNote, ...] = ()

    @property
    def used_columns(self) -> dict[str, str]:
        """Field → header of its primary column."""
        return {f: self.headers[i] for f, i in self.fields.items()}

    def columns_for(self, name: str) -> tuple[int, ...]:
        """Primary and alternate column indexes of a field, in the order they are tried."""
        primary = self.fields.get(name)
        if primary is None:
            return ()
        return (primary, *self.alternates.get(name, ()))

    def header_of(self, index: int) -> str:
        return self.headers[index] if 0 <= index < len(self.headers) else f"第{index + 1}列"


def _label(headers: Sequence[str], index: int) -> str:
    h = headers[index]
    return f"“{h}”" if h else f"第{index + 1}列（无表头）"


def _column(headers: Sequence[str], index: int) -> list[Any]:
    """A column as a note's parameter: ``[number, header]``."""
    return [index + 1, headers[index]]


def map_headers(
    headers: Sequence[object],
    overrides: Mapping[str, str | None] | None = None,
) -> HeaderMapping:
    """Map a header row to canonical fields (see the module documentation).

    ``overrides`` maps header texts (as in the file, or normalised) to a field name, or to ``None``/``""`` to
    ignore that column. Raises :class:`HeaderMappingError` when an override names an unknown field or a header
    that is not in the file, or when no column can be the company name.
    """
    texts = tuple("" if h is None else str(h).strip() for h in headers)
    normalised = [normalise_header(h) for h in texts]
    notes: list[HeaderNote] = []

    def note(message: str, code: str, **params: Any) -> None:
        notes.append(HeaderNote(message, code, params))

    forced: dict[int, str | None] = {}
    if overrides:
        bad_fields = sorted({str(f) for f in overrides.values() if f and f not in FIELDS})
        if bad_fields:
            raise HeaderMappingError(
                f"列映射中有不存在的字段：{'、'.join(bad_fields)}；可用字段为：{'、'.join(FIELDS)}",
                code="header_mapping_unknown_fields",
                fields=", ".join(bad_fields),
                known=", ".join(FIELDS),
            )
        missing: list[str] = []
        for header, target in overrides.items():
            key = normalise_header(header).key
            hits = [
                i
                for i, (t, n) in enumerate(zip(texts, normalised, strict=True))
                if t == header or n.key == key
            ]
            if not hits:
                missing.append(str(header))
            for i in hits:
                forced[i] = target or None
        if missing:
            raise HeaderMappingError(
                f"列映射中的列在文件中不存在：{'、'.join(missing)}",
                code="header_mapping_columns_missing",
                columns=", ".join(missing),
            )

    candidates: dict[str, list[tuple[int, int, int]]] = {}  # field → [(rank, priority, index)]
    unknown: list[tuple[int, str]] = []
    ignored: list[tuple[int, str]] = []
    unit_hints: dict[str, str] = {}
    for i, norm in enumerate(normalised):
        if i in forced:
            target = forced[i]
            if target is None:
                ignored.append((i, texts[i]))
                continue
            candidates.setdefault(target, []).append((0, 0, i))
            note(
                f"按指定映射，{_label(texts, i)}列作为{FIELD_LABELS[target]}",
                "header_mapped_as_told",
                column=_column(texts, i),
                field=target,
            )
        else:
            hit = SYNONYMS.get(norm.key)
            if hit is None:
                if texts[i]:
                    unknown.append((i, texts[i]))
                else:
                    unknown.append((i, ""))
                continue
            candidates.setdefault(hit[0], []).append((1, hit[1], i))
            target = hit[0]
        if norm.unit and target not in unit_hints:
            unit_hints[target] = norm.unit

    # A generic "名称" beside a fuller name column is the short (brand) name.
    names = sorted(candidates.get("name", []))
    if names and names[0][1] < _GENERIC_NAME:
        generic = [c for c in names if c[0] == 1 and c[1] == _GENERIC_NAME]
        if generic:
            candidates["name"] = [c for c in names if c not in generic]
            candidates.setdefault("short_name", []).extend((2, 0, c[2]) for c in generic)
            best = names[0][2]
            for c in generic:
                note(
                    f"{_label(texts, c[2])}列视为企业简称：文件中另有更完整的{_label(texts, best)}列作为企业名称",
                    "header_generic_name_is_short_name",
                    column=_column(texts, c[2]),
                    name_column=_column(texts, best),
                )

    fields: dict[str, int] = {}
    alternates: dict[str, tuple[int, ...]] = {}
    for target in FIELDS:
        ranked = sorted(candidates.get(target, []))
        if not ranked:
            continue
        fields[target] = ranked[0][2]
        if len(ranked) > 1:
            alternates[target] = tuple(c[2] for c in ranked[1:])
            rest = "、".join(_label(texts, c[2]) for c in ranked[1:])
            why = "（优先使用完整的企业法定名称）" if target == "name" else ""
            note(
                f"{FIELD_LABELS[target]}取自{_label(texts, ranked[0][2])}列{why}；该列为空时依次取{rest}列",
                "header_name_with_alternates" if target == "name" else "header_field_with_alternates",
                column=_column(texts, ranked[0][2]),
                columns=[_column(texts, c[2]) for c in ranked[1:]],
                field=target,
            )
        elif target == "name":
            note(
                f"企业名称取自{_label(texts, ranked[0][2])}列",
                "header_name_from_column",
                column=_column(texts, ranked[0][2]),
            )

    if "name" not in fields:
        shown = "、".join(t or "（空）" for t in texts) or "（无表头）"
        raise HeaderMappingError(
            f"未找到企业名称列。文件表头为：{shown}；请指定哪一列是企业名称（如“企业名称”“公司名称”）",
            code="header_no_name_column",
            headers=", ".join(t or "(empty)" for t in texts) or "(no header)",
        )
    for i, h in unknown:
        if h:
            note(
                f"{_label(texts, i)}列未识别，不会导入",
                "header_column_not_recognised",
                column=_column(texts, i),
            )
        else:
            note(f"第{i + 1}列没有表头，不会导入", "header_column_without_header", number=i + 1)
    return HeaderMapping(
        headers=texts,
        fields=MappingProxyType(fields),
        alternates=MappingProxyType(alternates),
        unknown=tuple(unknown),
        ignored=tuple(ignored),
        unit_hints=MappingProxyType(unit_hints),
        notes=tuple(n.message for n in notes),
        coded_notes=tuple(notes),
    )
