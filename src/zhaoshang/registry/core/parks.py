"""Which park (or town) a firm is in, by rules on its address and region. Plain Python, no Django.

A rule is ``(park_id, kind, pattern, priority)``: kind ``address`` matches when the pattern occurs in the firm's
address, kind ``region`` when the firm's region code starts with the pattern. Address rules are more specific and
win over region rules; among rules of one kind, the higher priority wins, then the longer pattern, then the lower
park id (stable). No rule matching: None.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

KINDS = ("address", "region")


@dataclass(frozen=True)
class ParkRule:
    park_id: int
    kind: str
    pattern: str
    priority: int = 0


def match_park(address: str, region_code: str, rules: Iterable[ParkRule]) -> ParkRule | None:
    """The rule that places a firm with this address and region code, or None."""
    address = address or ""
    region_code = region_code or ""
    best: tuple | None = None
    found: ParkRule | None = None
    for rule in rules:
        pattern = rule.pattern.strip()
        if not pattern:
            continue
        if rule.kind == "address":
            hit, specificity = pattern in address, 1
        elif rule.kind == "region":
            hit, specificity = region_code.startswith(pattern), 0
        else:
            raise ValueError(f"unknown park rule kind {rule.kind!r}")
        if not hit:
            continue
        key = (specificity, rule.priority, len(pattern), -rule.park_id)
        if best is None or key > best:
            best, found = key, rule
    return found
