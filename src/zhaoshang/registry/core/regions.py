"""Find the region (GB/T 2260 code) named in a Chinese address, without any built-in data.

The Django side builds an :class:`AddressRegionMatcher` from its region table and passes it to the row validator
as ``region_lookup``. Matching is longest-match over all region names with an Aho-Corasick automaton
(pyahocorasick), so ``深圳市南山区西丽街道…`` → ``440305`` costs a few microseconds per address.

County names repeat across the country (南山区 is in 深圳 and in 鹤岗). A county is chosen when its name appears
and, among counties of the same name, the one whose parent names (city, province) also appear wins; if several
remain equally likely, ``within`` (e.g. the region prefix of the firm's credit code) decides, otherwise no county
is returned and the matcher falls back to the most specific city or province that is unambiguous.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

import ahocorasick

# Names that are placeholders in the official tables rather than places.
_NOT_PLACES: Final = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "直辖县"})


def _level(code: str) -> int:
    """0 = province, 1 = prefecture-level city, 2 = county."""
    if code.endswith("0000"):
        return 0
    if code.endswith("00"):
        return 1
    return 2


class AddressRegionMatcher:
    """Most specific region named in an address.

    ``regions`` are ``(code, name, parent_names)`` with 6-digit codes, e.g. ``("440305", "南山区", ("广东省",
    "深圳市"))``; provinces and cities may be given too (``("440300", "深圳市", ("广东省",))``). Instances are
    callables ``address -> code | None``, the shape the row validator expects for ``region_lookup``.
    """

    def __init__(self, regions: Iterable[tuple[str, str, Sequence[str]]]) -> None:
        self._parents: dict[str, frozenset[str]] = {}
        by_name: dict[str, list[str]] = {}
        for code, name, parents in regions:
            code = str(code).strip()
            name = str(name).strip()
            if len(code) != 6 or not code.isdigit() or not name or name in _NOT_PLACES:
                continue
            by_name.setdefault(name, []).append(code)
            self._parents[code] = frozenset(p for p in parents if p and p not in _NOT_PLACES)
        self._automaton = ahocorasick.Automaton()
        for name, codes in by_name.items():
            self._automaton.add_word(name, (name, tuple(dict.fromkeys(codes))))
        self._empty = not by_name
        if not self._empty:
            self._automaton.make_automaton()

    def __call__(self, address: str) -> str | None:
        return self.match(address)

    def match(self, address: str, *, within: str | None = None) -> str | None:
        """Code of the most specific region the address names; ``within`` is a code prefix to prefer."""
        if self._empty or not address:
            return None
        found = list(self._automaton.iter_long(address))
        if not found:
            return None
        named = {name for _, (name, _) in found}
        best: list[tuple[int, int, int, str]] = []  # (-level, -context, position, code)
        for end, (name, codes) in found:
            for code in codes:
                context = len(self._parents.get(code, frozenset()) & named)
                if within and code.startswith(within):
                    context += 10
                best.append((-_level(code), -context, end - len(name), code))
        best.sort()
        for level in (-2, -1, 0):
            tier = [b for b in best if b[0] == level]
            if not tier:
                continue
            top = tier[0]
            # the earliest, best-supported name wins; one name shared by several regions is ambiguous
            rivals = {b[3] for b in tier if b[1] == top[1] and b[2] == top[2]}
            if len(rivals) == 1:
                return top[3]
            # several equally likely regions of this level: try a less specific level that is unambiguous
        return None


# --------------------------------------------------------------------------------------------- names typed in a filter

_SUFFIXES: Final = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "新区",
    "林区",
    "盟",
    "旗",
    "省",
    "市",
    "区",
    "县",
)


def short_region_name(name: str) -> str:
    """``株洲市`` → ``株洲``, ``芦淞区`` → ``芦淞``; a name that would be left with one character is kept whole."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


class AmbiguousRegionName(ValueError):
    """A region name that several regions carry; ``choices`` are ``(code, name path)``."""

    code = "region_ambiguous"

    def __init__(self, text: str, choices: Sequence[tuple[str, str]]) -> None:
        self.text = text
        self.choices = list(choices)
        listed = "、".join(f"{path}（{code}）" for code, path in self.choices[:8])
        more = "等" if len(self.choices) > 8 else ""
        super().__init__(
            f"地区“{text}”有{len(self.choices)}处同名：{listed}{more}，请写上级地名或填写行政区划代码"
        )


class UnknownRegionName(ValueError):
    code = "region_unknown"

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(f"找不到地区“{text}”，请填写地区名称（如 株洲市、芦淞区）或 6 位行政区划代码")


class RegionNameIndex:
    """A region typed by name (株洲, 株洲市, 芦淞区, 湖南省株洲市芦淞区) → its code.

    ``regions`` are ``(code, name, parent_names)`` as for :class:`AddressRegionMatcher`. A name is matched whole,
    then without its suffix (市, 区, 县, 省 …); a name several regions carry raises :class:`AmbiguousRegionName`
    unless the text also names a parent that decides (长春市朝阳区). Codes are left to the caller.
    """

    def __init__(self, regions: Iterable[tuple[str, str, Sequence[str]]]) -> None:
        self._full: dict[str, list[str]] = {}
        self._short: dict[str, list[str]] = {}
        self._paths: dict[str, tuple[str, ...]] = {}
        regions = list(regions)
        for code, name, parents in regions:
            if len(code) != 6 or not code.isdigit() or not name or name in _NOT_PLACES:
                continue
            self._paths[code] = (*[p for p in parents if p and p not in _NOT_PLACES], name)
            self._full.setdefault(name, []).append(code)
            self._short.setdefault(short_region_name(name), []).append(code)
        self._matcher = AddressRegionMatcher(regions)

    def path(self, code: str) -> str:
        return " / ".join(self._paths.get(code, (code,)))

    def _candidates(self, text: str) -> list[str]:
        return self._full.get(text) or self._short.get(text) or self._short.get(short_region_name(text)) or []

    def resolve(self, text: str) -> str:
        text = "".join(text.split())
        if not text:
            raise UnknownRegionName(text)
        codes = self._candidates(text)
        if len(codes) == 1:
            return codes[0]
        if not codes:  # a path such as 湖南省株洲市芦淞区: the most specific region the text names
            found = self._matcher.match(text)
            if found is None:
                raise UnknownRegionName(text)
            return found
        # 朝阳区 is in 北京 and in 长春: prefer the code whose parents the text also names, else ask
        named = [c for c in codes if any(p in text for p in self._paths[c][:-1])]
        if len(named) == 1:
            return named[0]
        # a city and a county of one name (吉林市 in 吉林省): the broader one when the text names no level
        levels = sorted({_level(c) for c in codes})
        top = [c for c in codes if _level(c) == levels[0]]
        if len(top) == 1 and len(levels) > 1 and text not in self._full:
            return top[0]
        raise AmbiguousRegionName(text, sorted((c, self.path(c)) for c in codes))
