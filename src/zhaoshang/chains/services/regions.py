"""The region a gap is computed for (a GB/T 2260 code or an organisation standing for its code), and which
firms' region codes lie inside it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from zhaoshang.chains.services.common import ChainServiceError


@dataclass(frozen=True)
class Area:
    """The region a gap is computed for: a GB/T 2260 code, or an organisation (park) standing for its code."""

    code: str
    name: str
    lat: float | None = None
    lng: float | None = None


def region_table():
    from zhaoshang.core.reference.regions import default_regions

    return default_regions()


def resolve_region(code_or_org: str) -> Area:
    from zhaoshang.accounts.models import Organisation

    text = str(code_or_org or "").strip()
    regions = region_table()
    org = None
    if not (len(text) == 6 and text.isdigit()):
        org = Organisation.objects.filter(code=text).first()
        if org is None or not org.region_code:
            raise ChainServiceError(
                _(
                    "“%(text)s” is neither a six-digit region code nor the code of an organisation (park) that has a region code"
                )
                % {"text": text}
            )
        text = org.region_code
    region = regions.get(text)
    if region is None:
        raise ChainServiceError(_("Unknown region code: %(code)s") % {"code": text})
    name = org.name if org else regions.name_path(text).split(" / ")[-1]
    return Area(text, name, region.lat, region.lng)


def within_codes(codes: Iterable[str], area_code: str) -> set[str]:
    regions = region_table()
    inside = set()
    for code in codes:
        if not code:
            continue
        try:
            if regions.is_within(code, area_code):
                inside.add(code)
        except ValueError:
            continue
    return inside


def centroid(code: str) -> tuple[float, float] | None:
    regions = region_table()
    while code:
        region = regions.get(code)
        if region is not None and region.lat is not None:
            return region.lat, region.lng
        code = (
            region.parent_code
            if region is not None
            else (code[:4] + "00" if code[4:] != "00" else code[:2] + "0000" if code[2:4] != "00" else "")
        )
    return None
