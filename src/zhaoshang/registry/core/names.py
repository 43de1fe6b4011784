"""Company names: a match key for de-duplication and fuzzy candidates for probable duplicates.

:func:`name_key` turns the many spellings of one legal name into one key:

* NFKC (full-width letters, digits and brackets become half width), lower case;
* brackets of every kind are dropped but their content is kept: ``华为技术（深圳）有限公司`` and
  ``华为技术(深圳)有限公司`` give the same key, while ``(深圳)`` and ``(上海)`` stay different firms;
* punctuation and whitespace are removed;
* the legal form at the end is stripped: 有限责任公司, 股份有限公司, 有限公司, 股份公司, 公司, (有限合伙),
  (普通合伙), and English Co., Ltd., Inc., Corp., Limited, LLC, GmbH …;
* **集团 is kept**: ``XX集团有限公司`` → ``xx集团``. A group's parent and its operating company ``XX有限公司``
  are distinct legal persons with distinct credit codes, so they must not share a key;
* **branches keep their branch word**: ``XX有限公司深圳分公司`` → ``xx深圳分公司``. A branch (分公司, 分行,
  支行, 分店, 分厂, 营业部, 办事处, 分部, 分所, 分中心) is its own registered entity with its own credit code; only
  the legal form inside its name is dropped.

Regions at the start (深圳市…) are kept in the key: 深圳市腾讯 and 上海腾讯 are different firms.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from typing import Final

import numpy as np
from rapidfuzz import fuzz, process

_EN_SUFFIX = re.compile(
    r"(?:[\s,.&]+(?:co|company|corp|corporation|inc|incorporated|ltd|limited|llc|plc|gmbh|pte|pty|ag|sa|bv|lp|llp))+"
    r"[\s.,]*$"
)
_NOT_WORD = re.compile(r"[\W_]+")
# Longest first: the first suffix that matches is stripped.
_CN_SUFFIXES: Final = (
    "有限责任公司",
    "股份有限公司",
    "股份合作公司",
    "有限公司",
    "股份公司",
    "公司",
    "有限合伙",
    "普通合伙",
)
_BRANCH_WORDS: Final = (
    "分公司",
    "分行",
    "支行",
    "分店",
    "分厂",
    "营业部",
    "办事处",
    "分部",
    "分所",
    "分中心",
)
_LEGAL_FORM_INSIDE = re.compile(r"有限责任公司|股份有限公司|有限公司")
# Blocking for fuzzy matching: an administrative prefix at the start of a key (广东省深圳市…, 南山区…).
_REGION_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{2,7}?(?:省|自治区|自治州|市|地区|盟|县|区|旗)){1,3}")

DEFAULT_THRESHOLD: Final = 90.0


def clean_name(name: str) -> str:
    """The name as it should be stored and shown: trimmed, inner runs of whitespace collapsed.

    Half-width brackets between Chinese characters become full width （）, as the registry writes them.
    """
    text = name.strip()
    if " " in text or "\t" in text or "\u3000" in text or "\n" in text:
        text = " ".join(text.split())
    if "(" in text or ")" in text:
        text = re.sub(r"\((?=[\u4e00-\u9fff])", "（", text)
        text = re.sub(r"(?<=[\u4e00-\u9fff])\)", "）", text)
    return text


def name_key(name: str) -> str:
    """Match key of a company name (see the module documentation for the rules)."""
    text = unicodedata.normalize("NFKC", name).lower()
    if text[-1:].isascii():  # English legal forms ("Co., Ltd.") only ever come last
        text = _EN_SUFFIX.sub("", text.strip())
    text = _NOT_WORD.sub("", text)
    if text.endswith(_BRANCH_WORDS):
        return _LEGAL_FORM_INSIDE.sub("", text)
    for suffix in _CN_SUFFIXES:
        if text.endswith(suffix):
            return text[: -len(suffix)] or text
    return text


def _block_keys(key: str) -> tuple[str, ...]:
    """Blocks a key falls into: its first two characters, and the first two after an administrative prefix."""
    first = key[:2]
    core = _REGION_PREFIX.sub("", key)
    core2 = core[:2] if core else first
    return (first,) if core2 == first else (first, "~" + core2)


def fuzzy_candidates(
    names: Sequence[str],
    threshold: float = DEFAULT_THRESHOLD,
    *,
    max_block: int = 4000,
    workers: int = 1,
) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, score)`` with ``i < j`` whose names are probably the same firm, best first.

    Scores are :func:`rapidfuzz.fuzz.ratio` (0–100) between the :func:`name_key` of the names; identical keys
    score 100. To scale to hundreds of thousands of names, names are compared only within *blocks*: all names
    whose key starts with the same two characters, and all names whose key starts with the same two characters
    once an administrative prefix (``深圳市``, ``广东省深圳市南山区``) is removed — so ``深圳市彦泽科技`` and
    ``彦泽科技`` meet. A block larger than ``max_block`` is split further by its next character. Pairs whose
    spelling differs in the first two characters of both forms are therefore not found; that is the price of
    blocking. ``workers`` is passed to :func:`rapidfuzz.process.cdist` (``-1`` = all cores).
    """
    keys = [name_key(n) for n in names]
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        if key:
            for b in _block_keys(key):
                blocks[b].append(i)

    found: dict[tuple[int, int], float] = {}
    pending = list(blocks.items())
    while pending:
        label, members = pending.pop()
        if len(members) < 2:
            continue
        if len(members) > max_block:
            width = len(label.lstrip("~")) + 1
            core = label.startswith("~")
            sub: dict[str, list[int]] = defaultdict(list)
            for i in members:
                k = _REGION_PREFIX.sub("", keys[i]) if core else keys[i]
                sub[("~" if core else "") + (k[:width] if k else keys[i][:width])].append(i)
            if len(sub) == 1 and next(iter(sub)) == label:  # the keys are no longer than the label
                _compare_block(members, keys, threshold, workers, found)
            else:
                pending.extend(sub.items())
            continue
        _compare_block(members, keys, threshold, workers, found)
    return sorted(((i, j, s) for (i, j), s in found.items()), key=lambda t: (-t[2], t[0], t[1]))


def _compare_block(
    members: list[int], keys: list[str], threshold: float, workers: int, found: dict[tuple[int, int], float]
) -> None:
    block_keys = [keys[i] for i in members]
    scores = process.cdist(
        block_keys, block_keys, scorer=fuzz.ratio, score_cutoff=threshold, dtype=np.float32, workers=workers
    )
    rows, cols = np.nonzero(np.triu(scores, k=1) >= threshold)
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        i, j = members[r], members[c]
        if i > j:
            i, j = j, i
        found[(i, j)] = round(float(scores[r, c]), 1)
