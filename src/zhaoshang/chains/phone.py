"""The chain map on a phone (≤ 480 px): the ECharts tree is too small to read or tap there, so the page also
carries the chain as an expandable list — one ``<details>`` per segment (the top-level nodes: 上游/中游/下游…), its
nodes below it indented by depth, each with its coverage status, counts and an empty slot right under it where the
node's panel opens when tapped (see ``chains/detail.html`` and ``docs/CHAINS.md``).

The CSS shows either the chart (wider screens) or this list (phones); both come from the same gap report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Segment:
    node: Any  # the top-level node (a NodeGap-like object with key, name, status, depth, key_node, counts)
    children: list[Any] = field(default_factory=list)  # every node below it, pre-order

    @property
    def open(self) -> bool:
        """A segment with a missing key node is opened from the start: that is what the office looks for."""
        return any(n.status == "missing" and n.key_node for n in [self.node, *self.children])

    @property
    def gaps(self) -> int:
        return sum(1 for n in [self.node, *self.children] if n.status != "strong" and n.is_leaf)


def segments(nodes: list[Any]) -> list[Segment]:
    """Group the report's nodes (pre-order, each with ``parent_key``) under their top-level node."""
    out: list[Segment] = []
    for n in nodes:
        if n.parent_key is None:
            out.append(Segment(n))
        elif out:
            out[-1].children.append(n)
    return out
