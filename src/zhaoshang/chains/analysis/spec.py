"""Chain specifications: the tree of nodes of one industrial chain, read from YAML or XLSX.

A chain file describes a chain as a tree of nodes (上游 → 原材料 → 铝型材 …) plus supply links between nodes.
Each node's ``weight`` is its share of its PARENT's value; siblings' weights sum to 1 (tolerance 0.01). The
absolute weight of a node is the product of relative weights down its path, so leaves' absolute weights sum
to 1 over the whole chain. When every sibling in a group leaves ``weight`` blank, the group is split equally.

Two formats, one model:

- YAML, nested ``children`` (the format of ``zhaoshang/chains/data/*.yaml``);
- XLSX, for officials who edit in Excel: a flat sheet ``节点`` (one row per node, the tree given by 父节点键),
  a sheet ``链信息`` (two columns 字段/值) and a sheet ``供应关系`` (上游节点键/下游节点键).

YAML → spec → XLSX → spec is lossless (fields this module does not know are kept in ``extra`` and written as
JSON in the column 附加字段). Every load validates and raises one :class:`ChainFileError` listing all problems,
each naming the file, the node key or row number, and the field.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml

from zhaoshang.tabular.safety import (
    WHOLE_SHEET_MAX_CELLS,
    FileRefused,
    LimitedSafeLoader,
    check_spreadsheet,
    read_yaml_text,
    safe_yaml_load,
)

from .errors import ChainFileError, ChainFileProblem

__all__ = [
    "DATA_DIR",
    "Card",
    "ChainSpec",
    "Link",
    "NodeSpec",
    "dump_xlsx",
    "dump_yaml",
    "from_dict",
    "is_chain_file",
    "load_directory",
    "load_xlsx",
    "load_yaml",
    "to_dict",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

WEIGHT_TOLERANCE = 0.01
KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
# GB/T 4754-2017: 门类 is a letter A–T; 大类/中类/小类 are 2/3/4 digits.
INDUSTRY_CODE_RE = re.compile(r"^(?:[A-T]|\d{2,4})$")
HS_CODE_RE = re.compile(r"^\d{2}(?:\.?\d){0,8}$")
LIST_SEPARATORS = re.compile(r"[；;，,、|\n]")
LIST_JOINER = "；"
PATH_SEPARATOR = " / "


@dataclass(frozen=True)
class Card:
    """The explanatory card of a node: what it is, what it is for, who leads it."""

    what: str = ""
    uses: str = ""
    leaders_domestic: tuple[str, ...] = ()
    leaders_foreign: tuple[str, ...] = ()
    source: str = ""
    estimate: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return self == Card()


@dataclass(frozen=True)
class NodeSpec:
    """One node of a chain. ``weight`` is relative to the parent (``None`` when the file left it blank and the
    sibling group is split equally); ``abs_weight`` is the product of relative weights down ``path``."""

    key: str
    name: str
    parent_key: str | None
    depth: int  # 1 for top-level nodes
    path: str  # names from the top, joined by " / "
    weight: float | None
    abs_weight: float
    children: tuple[str, ...] = ()
    name_en: str = ""
    weight_source: str = ""
    weight_estimate: bool = False
    key_node: bool = False
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    industry_codes: tuple[str, ...] = ()
    hs_codes: tuple[str, ...] = ()
    card: Card = field(default_factory=Card)
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass(frozen=True)
class Link:
    """A supply link: node ``from_key`` supplies node ``to_key``."""

    from_key: str
    to_key: str
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChainSpec:
    """A validated chain. ``nodes`` is ordered depth-first (pre-order), parents before children."""

    slug: str
    name: str
    nodes: Mapping[str, NodeSpec]
    links: tuple[Link, ...] = ()
    name_en: str = ""
    description: str = ""
    source: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def roots(self) -> tuple[str, ...]:
        return tuple(k for k, n in self.nodes.items() if n.parent_key is None)

    @property
    def leaves(self) -> tuple[str, ...]:
        return tuple(k for k, n in self.nodes.items() if n.is_leaf)

    def node(self, key: str) -> NodeSpec:
        return self.nodes[key]

    def ancestors(self, key: str) -> tuple[str, ...]:
        """Keys from the parent of ``key`` up to its top-level node."""
        out: list[str] = []
        parent = self.nodes[key].parent_key
        while parent is not None:
            out.append(parent)
            parent = self.nodes[parent].parent_key
        return tuple(out)

    def subtree(self, key: str) -> tuple[str, ...]:
        """``key`` and all its descendants, pre-order."""
        out: list[str] = []
        stack = [key]
        while stack:
            k = stack.pop()
            out.append(k)
            stack.extend(reversed(self.nodes[k].children))
        return tuple(out)


# --------------------------------------------------------------------------------------------------------
# Building and validating


_NODE_FIELDS = (
    "key",
    "name",
    "name_en",
    "weight",
    "weight_source",
    "weight_estimate",
    "key_node",
    "aliases",
    "keywords",
    "exclude",
    "industry_codes",
    "hs_codes",
    "card",
    "children",
)
_CARD_FIELDS = ("what", "uses", "leaders_domestic", "leaders_foreign", "source", "estimate")
_CHAIN_FIELDS = ("slug", "name", "name_en", "description", "source", "nodes", "links")
_LIST_FIELDS = ("aliases", "keywords", "exclude", "industry_codes", "hs_codes")


@dataclass
class _Raw:
    """A node as read from a file, before the tree is checked. ``row`` is the XLSX row, if any; ``line`` the
    YAML line where the node starts, when the file was read by :func:`load_yaml`."""

    data: dict[str, Any]
    parent_key: str | None
    row: int | None
    ordinal: int
    line: int | None = None

    @property
    def at(self) -> int | None:
        """The row or line to show the user."""
        return self.row if self.row is not None else self.line


class _Problems:
    def __init__(self, file: str | None, labels: Mapping[str, str] | None, sheet: str | None = None) -> None:
        self.file = file
        self.labels = labels or {}
        self.sheet = sheet
        self.items: list[ChainFileProblem] = []

    def add(
        self,
        message: str,
        code: str,
        *,
        row: int | None = None,
        key: str | None = None,
        field: str | None = None,
        sheet: str | None = None,
        **params: Any,
    ) -> None:
        """One problem: its Chinese ``message``, and its ``code`` with the values of its sentence (``params``)."""
        label = self.labels.get(field, field) if field else None
        self.items.append(
            ChainFileProblem(
                message,
                file=self.file,
                row=row,
                node_key=key,
                field=label,
                sheet=sheet or self.sheet,
                code=code,
                params=params,
            )
        )


def _plain(extra: Mapping[str, Any]) -> dict[str, Any]:
    """Extra fields as JSON values (dates become ISO text), so YAML and XLSX give the same spec."""
    return json.loads(json.dumps(dict(extra), ensure_ascii=False, default=str)) if extra else {}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _strings(value: Any, fld: str, raw: _Raw, problems: _Problems, where: dict[str, Any]) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        items: list[Any] = LIST_SEPARATORS.split(value) if raw.row is not None else [value]
    elif isinstance(value, list | tuple):
        items = list(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        items = [value]
    else:
        problems.add(
            f"应为文字列表，实际是 {type(value).__name__}",
            "chain_value_not_a_list",
            field=fld,
            type=type(value).__name__,
            **where,
        )
        return ()
    out: list[str] = []
    for item in items:
        if isinstance(item, dict | list):
            problems.add(
                f"列表中的每一项应为文字，实际是 {item!r}",
                "chain_list_item_not_text",
                field=fld,
                item=repr(item),
                **where,
            )
            continue
        text = _text(item)
        if text:
            out.append(text)
    return tuple(out)


def _boolean(value: Any, fld: str, problems: _Problems, where: dict[str, Any]) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in {"是", "true", "yes", "y", "1", "√"}:
        return True
    if text in {"否", "false", "no", "n", "0"}:
        return False
    problems.add(
        f"应为「是」或「否」，实际是「{value}」", "chain_value_not_yes_no", field=fld, value=value, **where
    )
    return False


def _weight(value: Any, problems: _Problems, where: dict[str, Any]) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        problems.add(
            f"权重应为数字，实际是「{value}」",
            "chain_weight_not_a_number",
            field="weight",
            value=value,
            **where,
        )
        return None
    try:
        w = float(value)
    except (TypeError, ValueError):
        problems.add(
            f"权重应为数字，实际是「{value}」",
            "chain_weight_not_a_number",
            field="weight",
            value=value,
            **where,
        )
        return None
    if math.isnan(w) or math.isinf(w):
        problems.add(
            f"权重应为有限数字，实际是「{value}」",
            "chain_weight_not_finite",
            field="weight",
            value=value,
            **where,
        )
        return None
    if w < 0:
        problems.add(
            f"权重不能为负数（{w:g}）", "chain_weight_negative", field="weight", weight=f"{w:g}", **where
        )
        return None
    return w


def _build(
    chain: Mapping[str, Any],
    raws: list[_Raw],
    links: list[tuple[dict[str, Any], int | None]],
    problems: _Problems,
    *,
    link_problems: _Problems | None = None,
    chain_problems: _Problems | None = None,
) -> ChainSpec:
    """Check the tree and every field; build the spec or raise one ChainFileError with all problems."""
    chain_problems = chain_problems or problems
    link_problems = link_problems or problems
    slug = _text(chain.get("slug"))
    name = _text(chain.get("name"))
    if not slug:
        chain_problems.add("缺少链标识", "chain_slug_missing", field="slug")
    elif not KEY_RE.match(slug):
        chain_problems.add(
            f"链标识「{slug}」只能由英文字母、数字、-、_、. 组成",
            "chain_slug_invalid",
            field="slug",
            slug=slug,
        )
    if not name:
        chain_problems.add("缺少链名称", "chain_name_missing", field="name")

    # keys, duplicates
    by_key: dict[str, _Raw] = {}
    keyed: list[_Raw] = []
    for raw in raws:
        key = _text(raw.data.get("key"))
        nm = _text(raw.data.get("name"))
        where: dict[str, Any] = {"row": raw.at, "key": key or None}
        if not key:
            if raw.row is not None:  # a spreadsheet row says where the node is
                problems.add("缺少节点键", "chain_node_key_missing", field="key", row=raw.at)
            elif nm:
                problems.add(
                    f"缺少节点键（名称「{nm}」）",
                    "chain_node_key_missing_named",
                    field="key",
                    row=raw.at,
                    name=nm,
                )
            else:
                problems.add(
                    f"缺少节点键（第 {raw.ordinal} 个节点）",
                    "chain_node_key_missing_nth",
                    field="key",
                    row=raw.at,
                    number=raw.ordinal,
                )
            continue
        if not KEY_RE.match(key):
            problems.add(
                f"节点键「{key}」只能由英文字母、数字、-、_、. 组成",
                "chain_node_key_invalid",
                field="key",
                **where,
            )
        if not nm:
            problems.add("缺少名称", "chain_node_name_missing", field="name", **where)
        if key in by_key:
            first = by_key[key]
            if first.at is not None:
                problems.add(
                    f"节点键重复，与第 {first.at} 行相同",
                    "chain_node_key_repeats_row",
                    field="key",
                    first=first.at,
                    **where,
                )
            else:
                problems.add(
                    f"节点键重复，与第 {first.ordinal} 个节点相同",
                    "chain_node_key_repeats_nth",
                    field="key",
                    number=first.ordinal,
                    **where,
                )
            keyed.append(raw)
            continue
        raw.data["key"] = key
        by_key[key] = raw
        keyed.append(raw)

    # parents, cycles
    for key, raw in by_key.items():
        if raw.parent_key is not None and raw.parent_key not in by_key:
            problems.add(
                f"父节点「{raw.parent_key}」不存在",
                "chain_parent_missing",
                field="parent_key",
                row=raw.at,
                key=key,
                parent=raw.parent_key,
            )
    reported: set[str] = set()
    for key in by_key:
        seen: list[str] = []
        cur: str | None = key
        while cur is not None and cur in by_key and cur not in seen:
            seen.append(cur)
            cur = by_key[cur].parent_key
        if cur is not None and cur in seen:
            cycle = seen[seen.index(cur) :]
            if not reported.intersection(cycle):
                reported.update(cycle)
                first = by_key[cycle[0]]
                text = " → ".join([*cycle, cycle[0]])
                problems.add(
                    f"父节点形成循环：{text}",
                    "chain_parent_cycle",
                    field="parent_key",
                    row=first.at,
                    key=cycle[0],
                    cycle=text,
                )

    # children in file order, only for nodes whose ancestry reaches the top
    def rooted(k: str) -> bool:
        seen: set[str] = set()
        cur: str | None = k
        while cur is not None:
            if cur in seen or cur not in by_key:
                return False
            seen.add(cur)
            cur = by_key[cur].parent_key
        return True

    good = [k for k in by_key if rooted(k)]
    children: dict[str | None, list[str]] = {None: []}
    for k in good:
        children.setdefault(k, [])
    for k in good:
        children[by_key[k].parent_key].append(k)

    # field values
    parsed: dict[str, dict[str, Any]] = {}
    for raw in keyed:
        d = raw.data
        k = _text(d.get("key"))
        where = {"row": raw.at, "key": k}
        p: dict[str, Any] = {
            "name": _text(d.get("name")),
            "name_en": _text(d.get("name_en")),
            "weight": _weight(d.get("weight"), problems, where),
            "weight_source": _text(d.get("weight_source")),
            "weight_estimate": _boolean(d.get("weight_estimate"), "weight_estimate", problems, where),
            "key_node": _boolean(d.get("key_node"), "key_node", problems, where),
        }
        for fld in _LIST_FIELDS:
            p[fld] = _strings(d.get(fld), fld, raw, problems, where)
        for code in p["industry_codes"]:
            if not INDUSTRY_CODE_RE.match(code):
                problems.add(
                    f"行业代码「{code}」格式不对：应为门类字母 A–T，或 2/3/4 位数字（GB/T 4754-2017）",
                    "chain_industry_code_invalid",
                    field="industry_codes",
                    raw=code,
                    **where,
                )
        for code in p["hs_codes"]:
            if not HS_CODE_RE.match(code):
                problems.add(
                    f"HS 编码「{code}」格式不对：应为 2–10 位数字",
                    "chain_hs_code_invalid",
                    field="hs_codes",
                    raw=code,
                    **where,
                )
        card = d.get("card") or {}
        if not isinstance(card, Mapping):
            problems.add("节点卡片应为键值对", "chain_card_not_a_mapping", field="card", **where)
            card = {}
        p["card"] = Card(
            what=_text(card.get("what")),
            uses=_text(card.get("uses")),
            leaders_domestic=_strings(card.get("leaders_domestic"), "leaders_domestic", raw, problems, where),
            leaders_foreign=_strings(card.get("leaders_foreign"), "leaders_foreign", raw, problems, where),
            source=_text(card.get("source")),
            estimate=_boolean(card.get("estimate"), "card_estimate", problems, where),
            extra=_plain({c: v for c, v in card.items() if c not in _CARD_FIELDS}),
        )
        p["extra"] = _plain({c: v for c, v in d.items() if c not in _NODE_FIELDS})
        if by_key.get(k) is raw:
            parsed[k] = p

    # sibling weights
    for parent, kids in children.items():
        if not kids:
            continue
        ws = [parsed[k]["weight"] for k in kids]
        given = [w for w, k in zip(ws, kids, strict=True) if by_key[k].data.get("weight") not in (None, "")]
        pname = f"父节点 {parent}（{parsed[parent]['name']}）" if parent else "顶层节点"
        prow = by_key[parent].at if parent else None
        if given and len(given) < len(kids):
            blank = [k for k in kids if by_key[k].data.get("weight") in (None, "")]
            problems.add(
                f"{pname}下的子节点有的填写了权重、有的没有（未填：{'、'.join(blank)}）",
                "chain_child_weights_partial" if parent else "chain_top_weights_partial",
                field="weight",
                row=prow,
                key=parent,
                parent=parent or "",
                name=parsed[parent]["name"] if parent else "",
                blank=", ".join(blank),
            )
            continue
        if given and all(w is not None for w in ws):
            total = sum(w for w in ws if w is not None)
            if abs(total - 1.0) > WEIGHT_TOLERANCE:
                rows = [by_key[k].at for k in kids]
                at = f"（第 {'、'.join(str(r) for r in rows)} 行）" if rows[0] is not None else ""
                problems.add(
                    f"{pname}下的子节点权重之和为 {total:.4g}{at}，应为 1（允许误差 {WEIGHT_TOLERANCE}）",
                    "chain_child_weights_sum" if parent else "chain_top_weights_sum",
                    field="weight",
                    row=prow,
                    key=parent,
                    parent=parent or "",
                    name=parsed[parent]["name"] if parent else "",
                    total=f"{total:.4g}",
                    tolerance=WEIGHT_TOLERANCE,
                )

    # links
    spec_links: list[Link] = []
    for data, row in links:
        a, b = _text(data.get("from")), _text(data.get("to"))
        ok = True
        for fld, k in (("from", a), ("to", b)):
            if not k:
                link_problems.add("供应关系缺少节点键", "chain_link_key_missing", field=fld, row=row)
                ok = False
            elif k not in by_key:
                link_problems.add(
                    f"供应关系 {a or '？'} → {b or '？'} 引用的节点「{k}」不存在",
                    "chain_link_node_missing",
                    field=fld,
                    row=row,
                    source=a or "?",
                    target=b or "?",
                    node=k,
                )
                ok = False
        if ok:
            spec_links.append(
                Link(a, b, extra=_plain({c: v for c, v in data.items() if c not in ("from", "to")}))
            )

    all_problems: list[ChainFileProblem] = []
    for group in {id(g): g for g in (chain_problems, problems, link_problems)}.values():
        all_problems.extend(group.items)
    if all_problems:
        raise ChainFileError(all_problems, file=problems.file)

    nodes: dict[str, NodeSpec] = {}

    def visit(k: str, parent: str | None, depth: int, path: str, parent_abs: float, share: float) -> None:
        p = parsed[k]
        w = p["weight"]
        abs_w = parent_abs * (w if w is not None else share)
        node_path = f"{path}{PATH_SEPARATOR}{p['name']}" if path else p["name"]
        kids = children.get(k, [])
        nodes[k] = NodeSpec(
            key=k, parent_key=parent, depth=depth, path=node_path, abs_weight=abs_w, children=tuple(kids), **p
        )
        for kid in kids:
            visit(kid, k, depth + 1, node_path, abs_w, 1.0 / len(kids))

    for top in children[None]:
        visit(top, None, 1, "", 1.0, 1.0 / len(children[None]))
    return ChainSpec(
        slug=slug,
        name=name,
        nodes=nodes,
        links=tuple(spec_links),
        name_en=_text(chain.get("name_en")),
        description=_text(chain.get("description")),
        source=_text(chain.get("source")),
        extra=_plain({c: v for c, v in chain.items() if c not in _CHAIN_FIELDS}),
    )


# --------------------------------------------------------------------------------------------------------
# Dicts and YAML


def from_dict(data: Mapping[str, Any], *, file: str | None = None) -> ChainSpec:
    """Build and validate a spec from the nested YAML structure (a dict with ``nodes`` and ``links``)."""
    problems = _Problems(file, None)
    if not isinstance(data, Mapping):
        raise ChainFileError(
            [ChainFileProblem("文件内容应为键值对（slug、name、nodes …）", file=file)],
            file=file,
            code="chain_file_not_a_mapping",
        )
    raws: list[_Raw] = []

    def walk(items: Any, parent: str | None, where: str) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            problems.add(
                f"{where}应为节点列表",
                "chain_children_not_a_list" if parent else "chain_nodes_not_a_list",
                key=parent,
                field="children" if parent else "nodes",
                node=parent or "",
            )
            return
        for item in items:
            if not isinstance(item, Mapping):
                problems.add(
                    f"{where}中的每个节点应为键值对，实际是 {item!r}",
                    "chain_child_not_a_mapping" if parent else "chain_node_not_a_mapping",
                    key=parent,
                    node=parent or "",
                    item=repr(item),
                )
                continue
            raw = _Raw(dict(item), parent, None, len(raws) + 1, getattr(item, "line", None))
            raws.append(raw)
            key = _text(item.get("key"))
            walk(item.get("children"), key or f"#{raw.ordinal}", f"节点 {key} 的 children ")

    walk(data.get("nodes"), None, "nodes ")
    if not data.get("nodes"):
        problems.add("链中没有节点", "chain_no_nodes", field="nodes")
    links_in = data.get("links") or []
    links: list[tuple[dict[str, Any], int | None]] = []
    if not isinstance(links_in, list):
        problems.add("links 应为列表", "chain_links_not_a_list", field="links")
    else:
        for item in links_in:
            if isinstance(item, Mapping):
                links.append((dict(item), getattr(item, "line", None)))
            else:
                problems.add(
                    f"供应关系应为 {{from: …, to: …}}，实际是 {item!r}",
                    "chain_link_not_a_mapping",
                    field="links",
                    item=repr(item),
                )
    return _build(data, raws, links, problems)


def _compact(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in ("", (), [], None, False, {})}


def to_dict(spec: ChainSpec) -> dict[str, Any]:
    """The nested structure that ``from_dict`` reads; default values are left out."""

    def node(k: str) -> dict[str, Any]:
        n = spec.nodes[k]
        card = None
        if not n.card.is_empty():
            card = _compact(
                {
                    "what": n.card.what,
                    "uses": n.card.uses,
                    "leaders_domestic": list(n.card.leaders_domestic),
                    "leaders_foreign": list(n.card.leaders_foreign),
                    "source": n.card.source,
                    "estimate": n.card.estimate,
                }
            ) | dict(n.card.extra)
        out: dict[str, Any] = {"key": n.key, "name": n.name}
        out |= _compact({"name_en": n.name_en})
        if n.weight is not None:
            out["weight"] = n.weight
        out |= _compact(
            {
                "weight_source": n.weight_source,
                "weight_estimate": n.weight_estimate,
                "key_node": n.key_node,
                "aliases": list(n.aliases),
                "keywords": list(n.keywords),
                "exclude": list(n.exclude),
                "industry_codes": list(n.industry_codes),
                "hs_codes": list(n.hs_codes),
                "card": card,
            }
        )
        out |= dict(n.extra)
        if n.children:
            out["children"] = [node(c) for c in n.children]
        return out

    out: dict[str, Any] = {"slug": spec.slug, "name": spec.name}
    out |= _compact({"name_en": spec.name_en, "description": spec.description, "source": spec.source})
    out |= dict(spec.extra)
    out["nodes"] = [node(k) for k in spec.roots]
    if spec.links:
        out["links"] = [{"from": lk.from_key, "to": lk.to_key} | dict(lk.extra) for lk in spec.links]
    return out


def _source_name(src: Any) -> str:
    if isinstance(src, str | Path):
        return Path(src).name
    return Path(str(getattr(src, "name", "<stream>"))).name


class _LineDict(dict):
    """A YAML mapping that remembers the (1-based) line it starts on, so problems can name it."""

    line: int | None = None


class _LineLoader(LimitedSafeLoader):
    """``yaml.SafeLoader`` (with depth and alias-expansion limits) whose mappings are :class:`_LineDict`."""


def _construct_line_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    mapping = _LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_line_mapping)


def load_yaml(path_or_stream: str | Path | IO[str] | IO[bytes]) -> ChainSpec:
    """Read and validate a chain YAML file (a path or an open stream); problems name the line of the node."""
    name = _source_name(path_or_stream)
    try:
        if isinstance(path_or_stream, str | Path):
            data = safe_yaml_load(read_yaml_text(path_or_stream), loader=_LineLoader)
        else:
            data = safe_yaml_load(path_or_stream, loader=_LineLoader)
    except FileRefused as exc:
        raise ChainFileError(
            [ChainFileProblem(str(exc), file=name)], file=name, code=exc.code, **exc.params
        ) from exc
    except UnicodeDecodeError as exc:
        raise ChainFileError(
            [ChainFileProblem("文件不是UTF-8编码的文本", file=name)], file=name, code="chain_file_not_utf8"
        ) from exc
    except RecursionError as exc:
        raise ChainFileError(
            [ChainFileProblem("YAML 嵌套过深", file=name)], file=name, code="chain_yaml_too_deep"
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is None:
            raise ChainFileError(
                [ChainFileProblem(f"YAML 格式错误：{exc}", file=name)],
                file=name,
                code="chain_yaml_invalid",
                error=str(exc),
            ) from exc
        line, column = mark.line + 1, mark.column + 1
        raise ChainFileError(
            [ChainFileProblem(f"YAML 格式错误第 {line} 行第 {column} 列：{exc}", file=name)],
            file=name,
            code="chain_yaml_invalid_at",
            line=line,
            column=column,
            error=str(exc),
        ) from exc
    except OSError as exc:
        raise ChainFileError(
            [ChainFileProblem(f"无法读取文件：{exc}", file=name)],
            file=name,
            code="chain_file_unreadable",
            error=str(exc),
        ) from exc
    return from_dict(data, file=name)


def dump_yaml(spec: ChainSpec) -> str:
    """The spec as YAML text (UTF-8, key order kept, defaults left out)."""
    return yaml.safe_dump(to_dict(spec), allow_unicode=True, sort_keys=False, width=110)


def load_directory(directory: str | Path = DATA_DIR) -> list[ChainSpec]:
    """Every ``*.yaml``/``*.yml`` chain in ``directory`` (default: the chains shipped with zhaoshang)."""
    specs = []
    for p in sorted([*Path(directory).glob("*.yaml"), *Path(directory).glob("*.yml")]):
        if is_chain_file(p):
            specs.append(load_yaml(p))
    return specs


def is_chain_file(path: str | Path) -> bool:
    """Whether a YAML file is a chain (a mapping with ``nodes``), not another table kept beside them."""
    try:
        data = safe_yaml_load(read_yaml_text(path))
    except (
        OSError,
        ValueError,
        yaml.YAMLError,
        RecursionError,
    ):  # FileRefused and UnicodeDecodeError included
        return True  # let load_yaml report the problem
    return isinstance(data, Mapping) and "nodes" in data


# --------------------------------------------------------------------------------------------------------
# XLSX

NODE_SHEET = "节点"
CHAIN_SHEET = "链信息"
LINK_SHEET = "供应关系"

# column header -> internal field; the order is the column order in the sheet
NODE_COLUMNS: dict[str, str] = {
    "层级路径": "path",
    "节点键": "key",
    "父节点键": "parent_key",
    "名称": "name",
    "英文名": "name_en",
    "权重": "weight",
    "权重来源": "weight_source",
    "是否估计": "weight_estimate",
    "关键环节": "key_node",
    "别名": "aliases",
    "关键词": "keywords",
    "排除词": "exclude",
    "行业代码": "industry_codes",
    "HS编码": "hs_codes",
    "是什么": "what",
    "用途": "uses",
    "国内龙头": "leaders_domestic",
    "国外龙头": "leaders_foreign",
    "来源": "source",
    "卡片是否估计": "card_estimate",
    "卡片附加字段": "card_extra",
    "附加字段": "extra",
}
_NODE_LABELS = {v: k for k, v in NODE_COLUMNS.items()}
CHAIN_ROWS: dict[str, str] = {
    "链标识": "slug",
    "名称": "name",
    "英文名": "name_en",
    "说明": "description",
    "来源": "source",
    "附加字段": "extra",
}
_CHAIN_LABELS = {v: k for k, v in CHAIN_ROWS.items()}
LINK_COLUMNS: dict[str, str] = {
    "上游节点键": "from",
    "下游节点键": "to",
    "上游名称": "from_name",
    "下游名称": "to_name",
    "附加字段": "extra",
}
_LINK_LABELS = {v: k for k, v in LINK_COLUMNS.items()}
_REQUIRED_NODE_COLUMNS = ("节点键", "父节点键", "名称", "权重")


def _joined(items: tuple[str, ...], where: str) -> str:
    for item in items:
        if LIST_SEPARATORS.search(item):
            raise ChainFileError(
                [
                    ChainFileProblem(
                        f"「{item}」含有列表分隔符（；,，、|），在 Excel 中无法与相邻项区分", node_key=where
                    )
                ],
                code="chain_item_has_list_separator",
                node=where,
                item=item,
            )
    return LIST_JOINER.join(items)


def _json(value: Mapping[str, Any]) -> str:
    return json.dumps(dict(value), ensure_ascii=False, default=str) if value else ""


def dump_xlsx(spec: ChainSpec, path: str | Path | IO[bytes]) -> None:
    """Write the spec as a workbook with sheets 节点, 链信息, 供应关系 (codes written as text, not numbers)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(path if not isinstance(path, Path) else str(path), {"in_memory": True})
    try:
        bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7"})
        ws = wb.add_worksheet(NODE_SHEET)
        ws.freeze_panes(1, 2)
        for col, header in enumerate(NODE_COLUMNS):
            ws.write_string(0, col, header, bold)
        ws.set_column(0, 0, 40)
        ws.set_column(1, 4, 16)
        for r, n in enumerate(spec.nodes.values(), start=1):
            values: dict[str, Any] = {
                "path": n.path,
                "key": n.key,
                "parent_key": n.parent_key or "",
                "name": n.name,
                "name_en": n.name_en,
                "weight": n.weight,
                "weight_source": n.weight_source,
                "weight_estimate": "是" if n.weight_estimate else "否",
                "key_node": "是" if n.key_node else "否",
                "aliases": _joined(n.aliases, n.key),
                "keywords": _joined(n.keywords, n.key),
                "exclude": _joined(n.exclude, n.key),
                "industry_codes": _joined(n.industry_codes, n.key),
                "hs_codes": _joined(n.hs_codes, n.key),
                "what": n.card.what,
                "uses": n.card.uses,
                "leaders_domestic": _joined(n.card.leaders_domestic, n.key),
                "leaders_foreign": _joined(n.card.leaders_foreign, n.key),
                "source": n.card.source,
                "card_estimate": "是" if n.card.estimate else "否",
                "card_extra": _json(n.card.extra),
                "extra": _json(n.extra),
            }
            for c, fld in enumerate(NODE_COLUMNS.values()):
                v = values[fld]
                if isinstance(v, float):
                    ws.write_number(r, c, v)
                elif v:
                    ws.write_string(r, c, str(v))
        ws = wb.add_worksheet(CHAIN_SHEET)
        ws.write_string(0, 0, "字段", bold)
        ws.write_string(0, 1, "值", bold)
        ws.set_column(0, 0, 12)
        ws.set_column(1, 1, 80)
        chain_values = {
            "slug": spec.slug,
            "name": spec.name,
            "name_en": spec.name_en,
            "description": spec.description,
            "source": spec.source,
            "extra": _json(spec.extra),
        }
        for r, (label, fld) in enumerate(CHAIN_ROWS.items(), start=1):
            ws.write_string(r, 0, label)
            if chain_values[fld]:
                ws.write_string(r, 1, chain_values[fld])
        ws = wb.add_worksheet(LINK_SHEET)
        for col, header in enumerate(LINK_COLUMNS):
            ws.write_string(0, col, header, bold)
        ws.set_column(0, 3, 20)
        for r, lk in enumerate(spec.links, start=1):
            row = [
                lk.from_key,
                lk.to_key,
                spec.nodes[lk.from_key].name,
                spec.nodes[lk.to_key].name,
                _json(lk.extra),
            ]
            for c, v in enumerate(row):
                if v:
                    ws.write_string(r, c, v)
    finally:
        wb.close()


def _read_json(cell: Any, fld: str, problems: _Problems, row: int, key: str | None) -> dict[str, Any]:
    text = _text(cell)
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        problems.add("附加字段应为 JSON 对象", "chain_extra_not_json", row=row, key=key, field=fld)
        return {}
    if not isinstance(value, dict):
        problems.add("附加字段应为 JSON 对象", "chain_extra_not_json", row=row, key=key, field=fld)
        return {}
    return value


def _sheet_rows(wb: Any, name: str) -> list[list[Any]] | None:
    if name not in wb.sheet_names:
        return None
    return wb.get_sheet_by_name(name).to_python(skip_empty_area=False)


def load_xlsx(path: str | Path | IO[bytes]) -> ChainSpec:
    """Read and validate a chain workbook written by :func:`dump_xlsx` (or edited by hand in Excel/WPS).

    Rows are numbered as Excel shows them (the header is row 1). 层级路径 and the name columns of 供应关系
    are for reading only; the tree comes from 父节点键.
    """
    from python_calamine import CalamineWorkbook

    name = _source_name(path)
    try:
        if isinstance(path, str | Path):
            check_spreadsheet(path, max_cells=WHOLE_SHEET_MAX_CELLS)
    except FileRefused as exc:
        raise ChainFileError(
            [ChainFileProblem(str(exc), file=name)], file=name, code=exc.code, **exc.params
        ) from exc
    try:
        if isinstance(path, str | Path):
            wb = CalamineWorkbook.from_path(str(path))
        else:
            wb = CalamineWorkbook.from_filelike(path if not isinstance(path, bytes) else io.BytesIO(path))
    except Exception as exc:  # calamine raises its own types for zip/xml problems
        raise ChainFileError(
            [ChainFileProblem(f"无法读取 Excel 文件：{exc}", file=name)],
            file=name,
            code="chain_excel_unreadable",
            error=str(exc),
        ) from exc

    node_problems = _Problems(name, _NODE_LABELS, NODE_SHEET)
    chain_problems = _Problems(name, _CHAIN_LABELS, CHAIN_SHEET)
    link_problems = _Problems(name, _LINK_LABELS, LINK_SHEET)

    chain: dict[str, Any] = {}
    rows = _sheet_rows(wb, CHAIN_SHEET)
    if rows is None:
        chain_problems.add("缺少工作表「链信息」", "chain_sheet_chain_missing")
    else:
        for r, line in enumerate(rows[1:], start=2):
            if not line or not _text(line[0]):
                continue
            label = _text(line[0])
            fld = CHAIN_ROWS.get(label)
            if fld is None:
                chain_problems.add(f"未知的字段「{label}」", "chain_field_unknown", row=r, label=label)
                continue
            value = line[1] if len(line) > 1 else ""
            if fld == "extra":
                chain |= _read_json(value, "extra", chain_problems, r, None)
            else:
                chain[fld] = _text(value)

    raws: list[_Raw] = []
    rows = _sheet_rows(wb, NODE_SHEET)
    if rows is None:
        node_problems.add("缺少工作表「节点」", "chain_sheet_nodes_missing")
        rows = []
    header = [_text(h) for h in rows[0]] if rows else []
    missing = [h for h in _REQUIRED_NODE_COLUMNS if h not in header]
    if rows and missing:
        node_problems.add(
            f"缺少列：{'、'.join(missing)}", "chain_columns_missing", row=1, columns=", ".join(missing)
        )
    if rows and not missing:
        cols = {NODE_COLUMNS[h]: i for i, h in enumerate(header) if h in NODE_COLUMNS}
        for r, line in enumerate(rows[1:], start=2):
            cells = {fld: (line[i] if i < len(line) else "") for fld, i in cols.items()}
            if all(_text(v) == "" for v in cells.values()):
                continue
            key = _text(cells.get("key")) or None
            data: dict[str, Any] = {
                fld: cells.get(fld, "")
                for fld in (
                    "key",
                    "name",
                    "name_en",
                    "weight",
                    "weight_source",
                    "weight_estimate",
                    "key_node",
                    *_LIST_FIELDS,
                )
            }
            data["card"] = {
                "what": cells.get("what", ""),
                "uses": cells.get("uses", ""),
                "leaders_domestic": cells.get("leaders_domestic", ""),
                "leaders_foreign": cells.get("leaders_foreign", ""),
                "source": cells.get("source", ""),
                "estimate": cells.get("card_estimate", ""),
            } | _read_json(cells.get("card_extra"), "card_extra", node_problems, r, key)
            data |= _read_json(cells.get("extra"), "extra", node_problems, r, key)
            parent = _text(cells.get("parent_key")) or None
            raws.append(_Raw(data, parent, r, len(raws) + 1))
    if not raws and rows is not None:
        node_problems.add("工作表「节点」中没有节点", "chain_sheet_nodes_empty")

    links: list[tuple[dict[str, Any], int | None]] = []
    rows = _sheet_rows(wb, LINK_SHEET) or []
    if rows:
        header = [_text(h) for h in rows[0]]
        cols = {LINK_COLUMNS[h]: i for i, h in enumerate(header) if h in LINK_COLUMNS}
        for r, line in enumerate(rows[1:], start=2):
            cells = {fld: (line[i] if i < len(line) else "") for fld, i in cols.items()}
            if not _text(cells.get("from")) and not _text(cells.get("to")):
                continue
            data = {"from": _text(cells.get("from")), "to": _text(cells.get("to"))}
            data |= _read_json(cells.get("extra"), "extra", link_problems, r, None)
            links.append((data, r))
    return _build(
        chain, raws, links, node_problems, link_problems=link_problems, chain_problems=chain_problems
    )
