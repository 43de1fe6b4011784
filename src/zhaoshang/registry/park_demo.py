"""Demo: park rules for the demo parks (each takes the firms of its district), applied to the demo firms."""

from __future__ import annotations

from typing import Any

# (park organisation code, region code prefix)
PARK_REGIONS = (("zz-hitech", "430211"), ("zz-econ", "430202"), ("zz-liling", "430281"))


def build(ctx: Any) -> None:
    from zhaoshang.registry import parks
    from zhaoshang.registry.models import ParkRule

    for code, region in PARK_REGIONS:
        park = ctx.organisations.get(code)
        if (
            park is not None
            and not ParkRule.objects.filter(park=park, kind="region", pattern=region).exists()
        ):
            parks.add_rule(None, park, kind="region", pattern=region)
    parks.assign_parks()
