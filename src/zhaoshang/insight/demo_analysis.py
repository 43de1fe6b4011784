"""Demo of what to attract next: a registry-built complexity for the demo province and one for the cities the
demo firms are in, by chain node, so that 株洲's opportunities link to the rail chain's missing nodes and targets.

Built from the demo registry (示例 firms) through the same service as ``zhaoshang insight snapshot``. A snapshot
that already exists is left as it is (re-running the demo changes nothing; rebuild it on the page or with the
command after changing the registry).
"""

from __future__ import annotations

import logging

from django.conf import settings

from zhaoshang.core.errors import DomainError

log = logging.getLogger(__name__)

#: (name, by, level, region prefix): the demo province's counties × GB/T 4754 classes, and every city × chain node
SNAPSHOTS = (
    ("示例-湖南省-区县×行业小类", "class", "county", "43"),
    ("示例-全国-城市×产业链环节", "node", "city", ""),
)


def build(ctx) -> None:
    from zhaoshang.insight import analysis_services as analysis
    from zhaoshang.insight.models import ComplexitySnapshot

    home = getattr(settings, "HOME_REGION", "430200")
    built = []
    for name, by, level, prefix in SNAPSHOTS:
        snapshot = ComplexitySnapshot.objects.filter(name=name).first()
        if snapshot is None:
            try:
                snapshot = analysis.build_snapshot(
                    ctx.actor, by=by, level=level, region_prefix=prefix, measure="firms", name=name
                )
            except DomainError as exc:  # too few demo firms (the registry step did not run)
                log.warning("demo complexity %s not built: %s", name, exc)
                continue
        built.append(snapshot)
    summary = {s.name: (s.locations, s.activities) for s in built}
    node = next((s for s in built if s.by == "node"), None)
    if node is not None:
        result = analysis.opportunities_for(node, region_code=home, preset="balanced", limit=10)
        rail = result.node_keys.get("rail-transit-equipment", [])
        ctx.extra["insight"] = {"snapshots": summary, "rail_nodes_next": rail[:10]}
        if not rail:
            log.warning("demo opportunities of %s link no rail chain node", home)
    ctx.progress(f"复杂度快照：{summary}")
