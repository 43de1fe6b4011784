"""Product BOM decomposition (Kunshan's method): read the BOM, build a chain, find which part makers are local."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from zhaoshang.accounts.types import Actor
from zhaoshang.chains import services
from zhaoshang.chains.analysis.bom import bom_to_chain, read_bom, summary
from zhaoshang.chains.analysis.manufacturers import ManufacturerMatcher
from zhaoshang.chains.analysis.spec import from_dict


def _firms():
    from zhaoshang.registry.models import Enterprise

    return Enterprise.objects.filter(merged_into__isnull=True)


def match_makers(
    names: list[str], region_code: str, matcher: ManufacturerMatcher | None = None
) -> list[dict[str, Any]]:
    """For each manufacturer as written: the maker it names and the registry firms that are that maker,
    split into local (inside `region_code`) and elsewhere."""
    matcher = matcher or ManufacturerMatcher.default()
    area = services.resolve_region(region_code)
    firms = list(_firms().values_list("pk", "name", "name_key", "region_code"))
    by_id = {f[0]: f for f in firms}
    inside = services.within_codes({f[3] for f in firms}, area.code)
    cache: dict[str, list[int]] = {}
    out = []
    for written in sorted(set(names)):
        maker = matcher.canonical(written)
        row: dict[str, Any] = {"as_written": written, "maker": None, "local_firms": [], "other_firms": []}
        if maker is not None:
            row["maker"] = {"key": maker.key, "name": maker.display_name, "region": maker.region}
            if maker.key not in cache:
                cache[maker.key] = matcher.match_registry(maker, ((f[0], f[1], f[2]) for f in firms))
            for pk in cache[maker.key]:
                f = by_id[pk]
                entry = {"id": pk, "name": f[1], "region_code": f[3]}
                (row["local_firms"] if f[3] in inside else row["other_firms"]).append(entry)
        out.append(row)
    return out


def decompose_bom(
    actor: Actor, path: str | Path, *, name: str, region_code: str | None = None, save: bool = False
) -> dict[str, Any]:
    """`lines`, `parts`, `nodes` ({name, parts, manufacturers}; parts add up to `parts`), `dnp`, `warnings`,
    `notes` (the warnings with their codes and params, for the edge to say them), `makers` (each maker with local and other registry firms) and `chain` (the slug, when saved)."""
    region_code = region_code or settings.HOME_REGION  # the installation's city unless another is named
    bom = read_bom(path, name=name)
    result = summary(bom)
    result["notes"] = [{"code": n.code, "params": dict(n.params), "message": n.message} for n in bom.notes]
    makers = sorted({line.manufacturer.strip() for line in bom.lines if line.manufacturer.strip()})
    result["makers"] = match_makers(makers, region_code)
    result["region"] = region_code
    spec = from_dict(bom_to_chain(bom), file=Path(path).name)
    result["chain"] = {"slug": spec.slug, "name": spec.name, "nodes": len(spec.nodes), "saved": False}
    if save:
        services.load_chain(actor, spec)
        result["chain"]["saved"] = True
    return result
