"""The national industry classification GB/T 4754-2017 (国民经济行业分类).

Four levels: 门类 (section, a letter A–T) → 大类 (division, 2 digits) → 中类 (group, 3 digits, the division's
2 digits + 1) → 小类 (class, 4 digits, the group's 3 digits + 1). A 大类's 门类 cannot be read from its digits
(01–05 are A, 06–12 are B, …), so it comes from the file (the 门类 column, or the 门类 row above it in the
``代码,名称`` form) or, failing that, from the shipped table of 20 门类 and 97 大类.

中类 rows that a file leaves out
--------------------------------
Like many published tables, the NBS table gives a 中类 its own row only when it has several 小类; a 中类 with a
single 小类 (code ``XXX0``, e.g. ``0170 中草药种植``) appears only inside that 小类's row. In the standard such a
中类 and its only 小类 are the same activity with the same name, so :func:`parse_industry_file` synthesises the
中类 row from its 小类: same name, same 说明. A 中类 without a row but with several 小类 cannot be named and is
an error.

:func:`parse_industry_file` validates every row, collects row-numbered errors in Chinese, and raises one
:class:`IndustryFileError` if any row is bad: it never returns part of a file.
"""

from __future__ import annotations

import csv
import functools
import string
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ._tables import Sheet, cell, find_column, read_sheet
from .errors import IndustryFileError, ReferenceDataError, RowError

BUILTIN_FILE = "gbt4754_2017_sections_divisions.csv"
LEVEL_NAMES = {1: "门类", 2: "大类", 3: "中类", 4: "小类"}
LEVEL_KEYS = {1: "section", 2: "division", 3: "group", 4: "class"}  # the standard's English terms, as params
SECTION_LETTERS = frozenset(string.ascii_uppercase[:20])  # A–T
CODE_WIDTHS = {2: 2, 3: 3, 4: 4}

LEVEL_ALIASES = ("level", "级别", "层级", "行业层级")
SECTION_ALIASES = ("class1_menlei", "门类", "门类代码", "section")
DIVISION_ALIASES = ("class2_dalei", "大类", "大类代码", "division")
GROUP_ALIASES = ("class3_zhonglei", "中类", "中类代码", "group")
CLASS_ALIASES = ("class4_xiaolei", "小类", "小类代码", "class")
NAME_ALIASES = ("name", "类别名称", "名称", "行业名称")
REMARK_ALIASES = ("remark", "说明", "备注", "注释")
CODE_ALIASES = ("code", "代码", "行业代码", "类别代码")


@dataclass(frozen=True, slots=True)
class Industry:
    code: str
    name: str
    level: int  # 1 门类, 2 大类, 3 中类, 4 小类
    parent_code: str | None
    remark: str = ""


def industry_level(code: str) -> int | None:
    """1–4 from the code's shape (``C``, ``39``, ``397``, ``3971``), or None if it has none of them."""
    if len(code) == 1 and code in SECTION_LETTERS:
        return 1
    if code.isascii() and code.isdigit() and len(code) in (2, 3, 4):
        return len(code)
    return None


def _sort_key(item: Industry, section_of: dict[str, str]) -> tuple[str, str]:
    if item.level == 1:
        return (item.code, "")
    return (section_of.get(item.code[:2], "~"), item.code)


@dataclass(slots=True)
class _Row:
    row: int
    code: str
    level: int
    name: str
    remark: str
    section: str  # "" when the row does not say


# --------------------------------------------------------------------------- the shipped 门类 / 大类 table


@functools.cache
def builtin_sections_and_divisions() -> tuple[Industry, ...]:
    """The 20 门类 and 97 大类 of GB/T 4754-2017 shipped with zhaoshang, in the standard's order."""
    text = resources.files("zhaoshang.core.data").joinpath(BUILTIN_FILE).read_text(encoding="utf-8")
    items: list[Industry] = []
    for record in csv.DictReader(text.splitlines()):
        code = record["code"].strip()
        level = industry_level(code)
        if level not in (1, 2):
            raise ReferenceDataError(
                f"{BUILTIN_FILE}：代码「{code}」不是门类或大类",
                code="builtin_industry_level_invalid",
                file=BUILTIN_FILE,
                industry=code,
            )
        items.append(Industry(code, record["name"].strip(), level, record["parent"].strip() or None))
    return tuple(items)


def _builtin_section_of() -> dict[str, str]:
    return {i.code: i.parent_code for i in builtin_sections_and_divisions() if i.level == 2 and i.parent_code}


# --------------------------------------------------------------------------- reading rows


def _normalise(raw: str, level: int) -> str:
    """Upper-case a 门类 letter; give back the leading zeros Excel drops from a digit column (``111`` → ``0111``)."""
    if level == 1:
        return raw.upper()
    width = CODE_WIDTHS[level]
    if raw.isascii() and raw.isdigit() and len(raw) < width:
        return raw.zfill(width)
    return raw


def _rows_from_columns(sheet: Sheet, errors: list[RowError]) -> list[_Row]:
    """Rows of the hierarchical form: one column per level (level,class1_menlei,…,name,remark)."""
    columns = [
        find_column(sheet.header, *a)
        for a in (SECTION_ALIASES, DIVISION_ALIASES, GROUP_ALIASES, CLASS_ALIASES)
    ]
    level_col = find_column(sheet.header, *LEVEL_ALIASES)
    name_col = find_column(sheet.header, *NAME_ALIASES)
    remark_col = find_column(sheet.header, *REMARK_ALIASES)
    if name_col is None:
        errors.append(
            RowError(sheet.file, 1, "表头", "缺少列：类别名称（name）", "industry_name_column_missing")
        )
        return []
    rows: list[_Row] = []
    for number, cells in sheet.rows:

        def err(field: str, message: str, code: str, number: int = number, **params: object) -> None:
            errors.append(RowError(sheet.file, number, field, message, code, params))

        codes = [_normalise(cell(cells, col), lvl) for lvl, col in enumerate(columns, start=1)]
        filled = [lvl for lvl, c in enumerate(codes, start=1) if c]
        if not filled:
            err("代码", "门类、大类、中类、小类都为空", "industry_codes_empty")
            continue
        level = max(filled)
        code = codes[level - 1]
        bad = [lvl for lvl in filled if industry_level(codes[lvl - 1]) != lvl]
        if bad:
            for lvl in bad:
                shape = "A–T 中的一个大写字母" if lvl == 1 else f"{CODE_WIDTHS[lvl]} 位数字"
                message = f"{LEVEL_NAMES[lvl]}代码「{codes[lvl - 1]}」格式不对，应为{shape}"
                if lvl == 1:
                    err(LEVEL_NAMES[lvl], message, "industry_section_code_shape", raw=codes[lvl - 1])
                else:
                    raw, key, width = codes[lvl - 1], LEVEL_KEYS[lvl], CODE_WIDTHS[lvl]
                    err(LEVEL_NAMES[lvl], message, "industry_code_width", raw=raw, level=key, width=width)
            continue
        declared = cell(cells, level_col)
        if declared and declared != str(level):
            message = f"级别为「{declared}」，但填写到了{LEVEL_NAMES[level]}（{code}），应为 {level}"
            key = LEVEL_KEYS[level]
            err(
                "级别",
                message,
                "industry_level_mismatch",
                raw=declared,
                level=key,
                industry=code,
                expected=level,
            )
            continue
        mismatched = False
        for lvl in range(2, level):
            given = codes[lvl - 1]
            if given and code[: CODE_WIDTHS[lvl]] != given:
                err(
                    LEVEL_NAMES[lvl],
                    f"{LEVEL_NAMES[level]} {code} 的前 {CODE_WIDTHS[lvl]} 位应为所属{LEVEL_NAMES[lvl]}，"
                    f"但{LEVEL_NAMES[lvl]}列为「{given}」",
                    "industry_parent_prefix_mismatch",
                    raw=given,
                    level=LEVEL_KEYS[level],
                    industry=code,
                    width=CODE_WIDTHS[lvl],
                    parent=LEVEL_KEYS[lvl],
                )
                mismatched = True
        if mismatched:
            continue
        name = cell(cells, name_col)
        if not name:
            err(
                "类别名称",
                f"{LEVEL_NAMES[level]} {code} 没有名称",
                "industry_name_missing",
                level=LEVEL_KEYS[level],
                industry=code,
            )
            continue
        rows.append(_Row(number, code, level, name, cell(cells, remark_col), codes[0] if level > 1 else ""))
    return rows


def _rows_from_codes(sheet: Sheet, errors: list[RowError]) -> list[_Row]:
    """Rows of the ``代码,名称[,说明]`` form; the level follows from the code's shape."""
    code_col = find_column(sheet.header, *CODE_ALIASES)
    name_col = find_column(sheet.header, *NAME_ALIASES)
    remark_col = find_column(sheet.header, *REMARK_ALIASES)
    if code_col is None or name_col is None:
        errors.append(
            RowError(
                sheet.file,
                1,
                "表头",
                "缺少列：需要 门类/大类/中类/小类 各列，或 代码、名称 两列",
                "industry_columns_missing",
            )
        )
        return []
    builtin = _builtin_section_of()
    rows: list[_Row] = []
    current_section = ""
    for number, cells in sheet.rows:
        raw = cell(cells, code_col)
        code = raw.upper() if len(raw) == 1 else raw
        level = industry_level(code)
        if level is None:
            errors.append(
                RowError(
                    sheet.file,
                    number,
                    "代码",
                    f"代码「{raw}」格式不对，应为门类字母 A–T 或 2、3、4 位数字",
                    "industry_code_shape",
                    {"raw": raw},
                )
            )
            continue
        name = cell(cells, name_col)
        if not name:
            message = f"{LEVEL_NAMES[level]} {code} 没有名称"
            params = {"level": LEVEL_KEYS[level], "industry": code}
            errors.append(RowError(sheet.file, number, "名称", message, "industry_name_missing", params))
            continue
        if level == 1:
            current_section = code
            section = ""
        else:
            section = current_section or builtin.get(code[:2], "")
        rows.append(_Row(number, code, level, name, cell(cells, remark_col), section))
    return rows


# --------------------------------------------------------------------------- assembling the tree


def _assemble(
    file: str, rows: list[_Row], errors: list[RowError], warnings: list[RowError] | None = None
) -> list[Industry]:
    first: dict[str, _Row] = {}
    for row in rows:
        seen = first.get(row.code)
        if seen is None:
            first[row.code] = row
        elif seen.name != row.name and row.level == 3 and warnings is not None:
            # A second 中类 row under another name is a 小类 row whose own code was lost (the shared
            # NBS-style table writes 3741 飞机制造 this way): it names no code we could load, so it is
            # skipped and reported rather than refusing the whole standard.
            warnings.append(
                RowError(
                    file,
                    row.row,
                    LEVEL_NAMES[row.level],
                    f"中类 {row.code} 已在第 {seen.row} 行以名称「{seen.name}」出现；此行「{row.name}」"
                    "疑为缺少小类代码的小类行，已跳过",
                    "industry_group_row_skipped",
                    {"industry": row.code, "first": seen.row, "known": seen.name, "name": row.name},
                )
            )
        elif seen.name != row.name:
            errors.append(
                RowError(
                    file,
                    row.row,
                    LEVEL_NAMES[row.level],
                    f"代码 {row.code} 已在第 {seen.row} 行以名称「{seen.name}」出现，此处为「{row.name}」",
                    "industry_name_conflict",
                    {"industry": row.code, "first": seen.row, "known": seen.name, "name": row.name},
                )
            )

    # Each 大类's 门类: from its own row, checked against every row below it that names one.
    section_of: dict[str, str] = {}
    for row in rows:
        if row.level == 2 and row.section and first[row.code] is row:
            section_of[row.code] = row.section
    builtin = _builtin_section_of()
    for row in rows:
        if row.level < 2 or not row.section:
            continue
        division = row.code[:2]
        expected = section_of.get(division)
        if expected is None:
            section_of[division] = row.section
        elif expected != row.section:
            errors.append(
                RowError(
                    file,
                    row.row,
                    "门类",
                    f"大类 {division} 属于门类 {expected}，此处写作 {row.section}",
                    "industry_section_mismatch",
                    {"division": division, "section": expected, "raw": row.section},
                )
            )
    for division in {r.code[:2] for r in rows if r.level >= 2} - section_of.keys():
        if division in builtin:
            section_of[division] = builtin[division]

    # Parents must exist; a 中类 with no row of its own is synthesised from its only 小类.
    classes_of: dict[str, list[_Row]] = {}
    for row in first.values():
        if row.level == 4:
            classes_of.setdefault(row.code[:3], []).append(row)
    synthesised: dict[str, _Row] = {}
    for group, members in classes_of.items():
        if group in first:
            continue
        if len(members) == 1:
            only = members[0]
            synthesised[group] = _Row(only.row, group, 3, only.name, only.remark, only.section)
        else:
            listed = "、".join(m.code for m in members)
            errors.append(
                RowError(
                    file,
                    members[0].row,
                    "中类",
                    f"中类 {group} 没有单独的一行，且下有多个小类（{listed}），无法确定中类名称",
                    "industry_group_name_unknown",
                    {"industry": group, "classes": ", ".join(m.code for m in members)},
                )
            )
    known = set(first) | set(synthesised)
    for row in first.values():
        if row.level == 2:
            section = section_of.get(row.code)
            if not section:
                message = f"无法确定大类 {row.code} 所属的门类"
                params = {"industry": row.code}
                errors.append(RowError(file, row.row, "门类", message, "industry_section_unknown", params))
            elif section not in known:
                message = f"上级门类 {section} 不在文件中"
                params = {"industry": section}
                errors.append(
                    RowError(file, row.row, "门类", message, "industry_section_not_in_file", params)
                )
        elif row.level >= 3 and row.code[:2] not in known:
            message = f"上级大类 {row.code[:2]} 不在文件中"
            params = {"industry": row.code[:2]}
            errors.append(RowError(file, row.row, "大类", message, "industry_division_not_in_file", params))
    if errors:
        return []

    items: list[Industry] = []
    for row in [*first.values(), *synthesised.values()]:
        parent = {1: None, 2: section_of.get(row.code), 3: row.code[:2], 4: row.code[:3]}[row.level]
        items.append(Industry(row.code, row.name, row.level, parent, row.remark))
    items.sort(key=lambda i: _sort_key(i, section_of))
    return items


def parse_industry_file(path: str | Path) -> list[Industry]:
    """Strict form: any doubtful row is an error (see :func:`parse_industry_file_with_warnings`)."""
    items, _warnings = _parse(path, lenient=False)
    return items


def parse_industry_file_with_warnings(path: str | Path) -> tuple[list[Industry], list[RowError]]:
    """Like :func:`parse_industry_file`, but a repeated 中类 code under another name is skipped with a
    warning instead of refusing the file — the form the importer uses."""
    return _parse(path, lenient=True)


def _parse(path: str | Path, *, lenient: bool) -> tuple[list[Industry], list[RowError]]:
    """Every 门类, 大类, 中类 and 小类 of a GB/T 4754 table in CSV or Excel, parents before children.

    Accepted layouts: the NBS-style ``level,class1_menlei,class2_dalei,class3_zhonglei,class4_xiaolei,name,
    remark``; the same with Chinese headers ``门类,大类,中类,小类,类别名称,说明`` (``级别`` optional); or
    ``代码,名称[,说明]`` where the level follows from the code's shape. Missing 中类 rows are synthesised
    (see the module notes). Raises :class:`IndustryFileError` listing every bad row, and then returns nothing.
    """
    sheet = read_sheet(path)
    errors: list[RowError] = []
    hierarchical = any(
        find_column(sheet.header, *aliases) is not None
        for aliases in (SECTION_ALIASES, DIVISION_ALIASES, GROUP_ALIASES, CLASS_ALIASES)
    )
    rows = _rows_from_columns(sheet, errors) if hierarchical else _rows_from_codes(sheet, errors)
    if not rows and not errors:
        errors.append(RowError(sheet.file, 1, "表头", "文件中没有任何行业数据", "industry_file_empty"))
    warnings: list[RowError] = []
    items = _assemble(sheet.file, rows, errors, warnings if lenient else None)
    if errors:
        raise IndustryFileError(sorted(errors, key=lambda e: e.row))
    return items, warnings


def count_by_level(items: Sequence[Industry]) -> dict[str, int]:
    """``{"门类": 20, "大类": 97, "中类": …, "小类": …}``."""
    counts = {name: 0 for name in LEVEL_NAMES.values()}
    for item in items:
        counts[LEVEL_NAMES[item.level]] += 1
    return counts
