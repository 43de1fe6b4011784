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
