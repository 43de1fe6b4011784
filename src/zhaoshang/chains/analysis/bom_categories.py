"""The BOM categories and the rules that put a BOM line into one, read once from ``chains/data/bom_categories.yaml``.

The tables are data (a cadre or an engineer extends them without touching the code): the categories (chain
nodes) with their group, aliases, keywords, industry and HS codes; the IC functions a part number reveals; the
designator prefixes; the footprint and word hints; the makers whose ``U`` parts are not ICs. :mod:`.bom` applies
them. Every pattern is compiled case-insensitive and ASCII-mode (a Chinese character next to a Latin word is a
word boundary). A table that names an unknown category or group, or a pattern that does not compile, fails when
the module is imported: a broken shipped table must never categorise silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Category", "CategoryTables", "load_tables", "TABLES", "DEFAULT_TABLE"]

DEFAULT_TABLE = Path(__file__).resolve().parent.parent / "data" / "bom_categories.yaml"


@dataclass(frozen=True)
class Category:
    """A chain node for a kind of part. ``key`` is stable ASCII; ``name`` is what the Chinese UI shows."""

    key: str
    name: str
    name_en: str
    group: str
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    industry_codes: tuple[str, ...] = ()
    hs_codes: tuple[str, ...] = ()
    key_node: bool = False


@dataclass(frozen=True)
class CategoryTables:
    groups: dict[str, tuple[str, str]]
    categories: tuple[Category, ...]
    ic_functions: tuple[tuple[str, re.Pattern[str]], ...]
    prefixes: dict[str, str]
    footprint_hints: tuple[tuple[re.Pattern[str], str], ...]
    word_hints: tuple[tuple[re.Pattern[str], str], ...]
    connector_makers: re.Pattern[str]
    battery_holder_makers: re.Pattern[str]


def rx(pattern: str) -> re.Pattern[str]:
    """A table pattern compiled the one way: case-insensitive, ASCII word boundaries (``\\bpcb\\b`` matches 主板PCB)."""
    return re.compile(pattern, re.IGNORECASE | re.ASCII)


def _codes(values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in values or ())


def load_tables(path: str | Path = DEFAULT_TABLE) -> CategoryTables:
    """Read and check a category table; ``ValueError`` names the file and what is wrong."""
    path = Path(path)
    try:
        data = yaml.load(
            path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path.name}: cannot be read ({exc})") from exc
    try:
        groups = {str(k): (str(v["name"]), str(v["name_en"])) for k, v in data["groups"].items()}
        categories = tuple(
            Category(
                str(c["key"]),
                str(c["name"]),
                str(c["name_en"]),
                str(c["group"]),
                tuple(str(a) for a in c.get("aliases") or ()),
                tuple(str(w) for w in c.get("keywords") or ()),
                _codes(c.get("industry_codes")),
                _codes(c.get("hs_codes")),
                bool(c.get("key_node", False)),
            )
            for c in data["categories"]
        )
        keys = [c.key for c in categories]
        tables = CategoryTables(
            groups=groups,
            categories=categories,
            ic_functions=tuple((str(r["category"]), rx(r["pattern"])) for r in data["ic_functions"]),
            prefixes={str(k): str(v) for k, v in data["prefixes"].items()},
            footprint_hints=tuple((rx(r["pattern"]), str(r["category"])) for r in data["footprint_hints"]),
            word_hints=tuple((rx(r["pattern"]), str(r["category"])) for r in data["word_hints"]),
            connector_makers=rx(data["connector_makers"]),
            battery_holder_makers=rx(data["battery_holder_makers"]),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{path.name}: missing or malformed entry ({exc!r})") from exc
    except re.error as exc:
        raise ValueError(f"{path.name}: a pattern does not compile: {exc.pattern!r}: {exc}") from exc
    problems = [f"category {k!r} listed twice" for k in sorted({k for k in keys if keys.count(k) > 1})]
    problems += [
        f"category {c.key!r}: unknown group {c.group!r}" for c in categories if c.group not in groups
    ]
    used = [
        *(("ic_functions", k) for k, _ in tables.ic_functions),
        *(("prefixes", k) for k in tables.prefixes.values()),
        *(("footprint_hints", k) for _, k in tables.footprint_hints),
        *(("word_hints", k) for _, k in tables.word_hints),
    ]
    problems += [f"{table}: unknown category {k!r}" for table, k in used if k not in keys]
    if "other" not in keys:
        problems.append("the category 'other' (the fallback) is missing")
    if problems:
        raise ValueError(f"{path.name}: " + "; ".join(problems))
    return tables


#: The shipped tables, read once when the BOM module is first imported.
TABLES = load_tables()
