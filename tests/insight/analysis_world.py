"""A small world for the what-to-attract-next tests: a mini rail chain and firms placed on it in five cities."""

from __future__ import annotations

import itertools

MINI = {
    "slug": "mini-rail",
    "name": "迷你轨交链",
    "nodes": [
        {
            "key": "up",
            "name": "上游",
            "weight": 0.4,
            "children": [
                {
                    "key": "igbt",
                    "name": "IGBT模块",
                    "weight": 0.5,
                    "key_node": True,
                    "industry_codes": ["3972"],
                },
                {"key": "bearing", "name": "轴承", "weight": 0.5, "industry_codes": ["3451"]},
            ],
        },
        {
            "key": "mid",
            "name": "中游",
            "weight": 0.6,
            "children": [
                {
                    "key": "traction",
                    "name": "牵引变流器",
                    "weight": 0.6,
                    "key_node": True,
                    "industry_codes": ["3824"],
                },
                {"key": "brake", "name": "制动系统", "weight": 0.4, "industry_codes": ["3716"]},
            ],
        },
    ],
}
_seq = itertools.count(1)

# (region, node key, industry code, firms): 株洲 (home, 4302) has traction and brake, lacks IGBT (a missing key
# node); the cities that have traction mostly have IGBT too, so IGBT is close to what 株洲 does.
PLACEMENTS = [
    ("430211", "traction", "3824", 3),
    ("430202", "brake", "3716", 3),
    ("430104", "traction", "3824", 2),
    ("430104", "igbt", "3972", 3),
    ("320505", "traction", "3824", 2),
    ("320505", "igbt", "3972", 4),
    ("320505", "bearing", "3451", 1),
    ("440305", "igbt", "3972", 2),
    ("440305", "bearing", "3451", 5),
    ("310115", "bearing", "3451", 4),
    ("310115", "brake", "3716", 1),
]


def build_world(cast):
    """The mini chain and firms placed on its nodes in five cities (see PLACEMENTS); returns the chain."""
    from zhaoshang.chains.analysis.spec import from_dict
    from zhaoshang.chains.models import ChainNode
    from zhaoshang.chains.services import assign_node, load_chain
    from zhaoshang.core import audit
    from zhaoshang.registry.models import Enterprise

    chain = load_chain(cast.admin, from_dict(MINI))
    nodes = {n.key: n for n in ChainNode.objects.filter(chain=chain)}
    for region, key, code, count in PLACEMENTS:
        for _ in range(count):
            n = next(_seq)
            firm = audit.create(
                cast.admin,
                Enterprise,
                name=f"企业{n}（{nodes[key].name}）",
                name_key=f"firm-{n}",
                region_code=region,
                industry_code=code,
                organisation=cast.park if region.startswith("4302") else cast.other_park,
            )
            assign_node(cast.admin, firm, nodes[key])
    return chain
