"""The registry's firms: reference data (regions, currencies), lookup and profile data, and the firms other
capabilities name (``ensure_enterprises``). Part of the service API re-exported by :mod:`zhaoshang.registry.services`."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from zhaoshang.accounts.scoping import check_reference, may_act_in, visible
from zhaoshang.accounts.types import Actor
from zhaoshang.core import audit, hooks
from zhaoshang.core.errors import DomainError
from zhaoshang.core.models import AuditEntry
from zhaoshang.core.reference.regions import default_regions, region_prefix
from zhaoshang.registry.core import uscc as uscc_core
from zhaoshang.registry.core.capital import DEFAULT_CNY_RATES, to_cny_wan
from zhaoshang.registry.core.errors import CurrencyError
from zhaoshang.registry.core.names import name_key
from zhaoshang.registry.core.regions import AddressRegionMatcher
from zhaoshang.registry.models import Enterprise

log = logging.getLogger(__name__)


class RegistryError(DomainError):
    """A registry request that cannot be done; ``str()`` is a Chinese sentence for the user."""

    def __init__(self, message: str, code: str = "registry_error") -> None:
        super().__init__(message)
        self.code = code


# --------------------------------------------------------------------------------------------- reference


@functools.cache
def region_matcher() -> AddressRegionMatcher:
    """Address → county code, built once per process from the region table."""
    table = default_regions()
    return AddressRegionMatcher(
        (code, region.name, [a.name for a in table.ancestors(code)]) for code, region in table.items()
    )


def region_name(code: str) -> str:
    if not code:
        return ""
    try:
        return default_regions().name_path(code)
    except (KeyError, ValueError):
        return code


def home_region() -> str:
    """The GB/T 2260 code of the city this installation serves (ZHAOSHANG_HOME_REGION): its firms are local."""
    return settings.HOME_REGION


def home_prefix() -> str:
    """Code prefix of the home region: 2 digits for a province, 4 for a city, 6 for a county."""
    return region_prefix(home_region())


def is_local(region_code: str | None) -> bool:
    if not region_code:
        return False
    try:
        return default_regions().is_within(region_code, home_region())
    except (KeyError, ValueError):
        return region_code.startswith(home_prefix())


def fx_rates() -> dict[str, Decimal]:
    """CNY per unit of each currency: the core's defaults with ``settings.FX_RATES_TO_CNY`` on top."""
    rates = dict(DEFAULT_CNY_RATES)
    for code, rate in (getattr(settings, "FX_RATES_TO_CNY", {}) or {}).items():
        rates[str(code).upper()] = Decimal(str(rate))
    return rates


def capital_in_cny_wan(firm: Enterprise) -> Decimal | None:
    """Registered capital converted into 万元人民币 with the configured rates (None when unknown)."""
    if firm.capital_wan is None or not firm.currency:
        return None
    try:
        return to_cny_wan(Decimal(firm.capital_wan), firm.currency, fx_rates())
    except CurrencyError:
        return None


# --------------------------------------------------------------------------------------------- lookup, profile


def find_enterprise(user: Any, code_or_name: str) -> Enterprise:
    """One firm by credit code, exact name or normalised name; RegistryError when none or several match."""
    text = code_or_name.strip()
    if not text:
        raise RegistryError(_("Give a unified social credit code or a company name"), "empty")
    base = Enterprise.objects.select_related("organisation", "import_batch", "merged_into")
    if user is not None:
        base = visible(user, base)
    code = uscc_core.normalise(text)
    if len(code) == 18:
        found = list(base.filter(uscc=code)[:2]) or list(base.filter(uscc_raw=text)[:2])
        if found:
            return found[0]
    for query in (base.filter(name=text), base.filter(name_key=name_key(text)), base.filter(short_name=text)):
        found = list(query.order_by(models.F("merged_into").asc(nulls_first=True), "id")[:6])
        live = [f for f in found if f.merged_into_id is None] or found
        if len(live) == 1:
            return live[0]
        if len(live) > 1:
            names = _(", ").join(
                _("%(name)s (%(code)s)") % {"name": f.name, "code": f.uscc or _("no code")} for f in live[:5]
            )
            raise RegistryError(
                _("“%(text)s” matches several firms: %(names)s; name one by its unified social credit code")
                % {"text": text, "names": names},
                "ambiguous",
            )
    raise RegistryError(_("The register has no “%(text)s”") % {"text": text}, "not_found")


def _num(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def enterprise_as_dict(firm: Enterprise) -> dict[str, Any]:
    """A firm as plain data (the ``firms show --json`` document and the API's detail)."""
    cny = capital_in_cny_wan(firm)
    return {
        "id": firm.pk,
        "uscc": firm.uscc,
        "uscc_raw": firm.uscc_raw,
        "reg_no": firm.reg_no,
        "name": firm.name,
        "short_name": firm.short_name,
        "legal_rep": firm.legal_rep,
        "founded": firm.founded.isoformat() if firm.founded else None,
        "registered_capital_wan": _num(firm.capital_wan),
        "currency": firm.currency or None,
        "registered_capital_cny_wan": _num(cny.quantize(Decimal("0.0001"))) if cny is not None else None,
        "capital_raw": firm.capital_raw,
        "company_type": firm.company_type,
        "status": firm.status,
        "address": firm.address,
        "region_code": firm.region_code or None,
        "region": region_name(firm.region_code),
        "local": is_local(firm.region_code),
        "industry_code": firm.industry_code or None,
        "scope": firm.scope,
        "description": firm.description,
        "employees": firm.employees,
        "revenue_wan": _num(firm.revenue_wan),
        "tax_wan": _num(firm.tax_wan),
        "website": firm.website,
        "tags": list(firm.tags or []),
        "listed": firm.listed,
        "above_scale": firm.above_scale,
        "flags": list(firm.flags or []),
        "source": firm.source,
        "import_batch": firm.import_batch_id,
        "organisation": firm.organisation.code if firm.organisation_id else None,
        "merged_into": firm.merged_into_id,
        "created_at": firm.created_at.isoformat() if firm.created_at else None,
        "updated_at": firm.updated_at.isoformat() if firm.updated_at else None,
        "version": firm.version or 0,
    }


def history_of(firm: Enterprise) -> models.QuerySet[AuditEntry]:
    """The firm's audit entries, including those of the records merged into it."""
    ids = [
        str(firm.pk),
        *(str(pk) for pk in Enterprise.objects.filter(merged_into=firm).values_list("pk", flat=True)),
    ]
    return AuditEntry.objects.filter(model="registry.enterprise", object_id__in=ids).order_by("-at", "-id")


# ------------------------------------------------------------------- firms named by other capabilities (additive)

NEEDS_REVIEW_FLAG = {
    "code": "needs_review",
    "column": "",
    "raw": "",
    "message": "由其他业务（如企业诉求）自动建档，请核实",
}


def ensure_enterprises(
    actor: Actor, items: Iterable[tuple[str, str]], organisation: Any, *, source: str
) -> dict[tuple[str, str], Enterprise]:
    """The registry firm for each (name, credit code) pair: matched by a valid code, then by name; an unknown firm
    is created flagged ``needs_review`` (never a silent duplicate). Bulk: one lookup per chunk, one audit entry per
    created firm. Returns {(name, code as given): firm}; a pair with neither name nor code is left out.
    """
    pairs = {(str(n or "").strip(), str(c or "").strip()) for n, c in items}
    pairs.discard(("", ""))
    codes = {p: uscc_core.normalise(p[1]) for p in pairs}
    codes = {p: c for p, c in codes.items() if c and uscc_core.is_valid(c)}
    keys = {p: name_key(p[0]) for p in pairs if p[0]}
    by_code: dict[str, Enterprise] = {}
    by_key: dict[str, Enterprise] = {}
    code_list, key_list = sorted(set(codes.values())), sorted({k for k in keys.values() if k})
    for i in range(0, len(code_list), 500):
        for known in Enterprise.objects.filter(uscc__in=code_list[i : i + 500], merged_into__isnull=True):
            if known.uscc:  # always: matched on a code
                by_code[known.uscc] = known
    for i in range(0, len(key_list), 500):
        for known in Enterprise.objects.filter(
            name_key__in=key_list[i : i + 500], merged_into__isnull=True
        ).order_by("id"):
            by_key.setdefault(known.name_key, known)
    found: dict[tuple[str, str], Enterprise] = {}
    new: dict[str, Enterprise] = {}  # by code or name key, so one unknown firm is created once
    for pair in sorted(pairs):
        code, key = codes.get(pair), keys.get(pair, "")
        firm = (by_code.get(code) if code else None) or (by_key.get(key) if key else None)
        if firm is None:
            ident = code or f"k:{key}"
            firm = new.get(ident) or (new.get(f"k:{key}") if key else None)
            if firm is None:
                firm = Enterprise(
                    name=pair[0] or code or "",
                    name_key=key or (code or "").lower(),
                    uscc=code,
                    uscc_raw=pair[1][:64],
                    organisation=organisation,
                    source=source[:100],
                    flags=[NEEDS_REVIEW_FLAG],
                )
            new[ident] = firm
            if key:
                new.setdefault(f"k:{key}", firm)
        found[pair] = firm
    created = list({id(f): f for f in new.values()}.values())
    if created:
        from zhaoshang.registry.importing import _RowWriter

        writer = _RowWriter(organisation_id=organisation.pk, batch_id=None, source=source[:100])
        fields = ("name", "name_key", "uscc", "uscc_raw")
        for i in range(0, len(created), 2000):
            writer.insert(
                [
                    writer.row({f: getattr(firm, f) for f in fields}, [NEEDS_REVIEW_FLAG])
                    for firm in created[i : i + 2000]
                ]
            )
        ids: dict[tuple[str, str | None], int] = {}
        created_keys = sorted({f.name_key for f in created})
        for i in range(0, len(created_keys), 500):
            ids.update(
                {
                    (k, c): pk
                    for pk, k, c in Enterprise.objects.filter(
                        name_key__in=created_keys[i : i + 500], source=source[:100]
                    ).values_list("pk", "name_key", "uscc")
                }
            )
        for firm in created:
            firm.pk = ids.get((firm.name_key, firm.uscc))
            firm._state.adding = False
        AuditEntry.objects.bulk_create(
            [
                audit.entry(
                    actor,
                    AuditEntry.Action.CREATE,
                    f,
                    {"name": [None, f.name], "uscc": [None, f.uscc]},
                    note=source,
                )
                for f in created
            ],
            batch_size=1000,
        )
    return found


def ensure_enterprise(
    actor: Actor, *, name: str, uscc: str = "", organisation: Any, source: str
) -> Enterprise | None:
    """One firm by code then name, created flagged for review when unknown (see `ensure_enterprises`)."""
    return ensure_enterprises(actor, [(name, uscc)], organisation, source=source).get(
        (name.strip(), uscc.strip())
    )


# --------------------------------------------------------------------------------------------- editing a firm by hand

#: The firm's own fields an edit form (or ``PATCH /api/enterprises/<id>/``) may change.
EDITABLE_FIELDS = (
    "name",
    "short_name",
    "uscc",
    "legal_rep",
    "founded",
    "capital_wan",
    "currency",
    "company_type",
    "status",
    "address",
    "region_code",
    "industry_code",
    "scope",
    "description",
    "employees",
    "revenue_wan",
    "tax_wan",
    "website",
    "tags",
    "listed",
    "above_scale",
)
_UNSET: Any = object()


def check_firm_fields(fields: dict[str, Any], *, firm: Enterprise | None = None) -> dict[str, Any]:
    """The edited values made canonical, or RegistryError naming the field and the reason (in Chinese).

    Name: required (its normalised key follows it). Credit code: 18 characters with the GB 32100-2015 check
    character, and no other firm may hold it (an empty code clears it). Region: a 6-digit GB/T 2260 code the
    region table knows. Industry: a GB/T 4754 section letter or 2–4 digits. Amounts and counts not negative."""
    out = dict(fields)
    if "name" in out:
        name = " ".join(str(out["name"] or "").split())
        if not name:
            raise RegistryError(_("The company name must not be empty"), "name_required")
        out["name"] = name
        out["name_key"] = name_key(name)
    if "uscc" in out:
        raw = str(out["uscc"] or "").strip()
        if not raw:
            out["uscc"] = None
        else:
            code = uscc_core.normalise(raw)
            if len(code) != 18:
                raise RegistryError(
                    _("The unified social credit code “%(raw)s” must have 18 characters (it has %(length)s)")
                    % {"raw": raw, "length": len(code)},
                    "uscc_invalid",
                )
            if not uscc_core.is_valid(code):
                raise RegistryError(
                    _("The unified social credit code “%(raw)s” has a wrong check digit; please check it")
                    % {"raw": raw},
                    "uscc_invalid",
                )
            holders = Enterprise.objects.filter(uscc=code)
            if firm is not None and firm.pk is not None:
                holders = holders.exclude(pk=firm.pk)
            holder = holders.first()
            if holder is not None:
                raise RegistryError(
                    _(
                        "The unified social credit code “%(code)s” already belongs to another firm of the register: %(name)s (#%(id)s); if it is the same firm, merge them"
                    )
                    % {"code": code, "name": holder.name, "id": holder.pk},
                    "uscc_taken",
                )
            out["uscc"] = code
            out.setdefault("uscc_raw", raw[:64])
    if out.get("region_code"):
        code = str(out["region_code"]).strip()
        if not (len(code) == 6 and code.isdigit() and code in default_regions()):
            raise RegistryError(
                _("The region code “%(code)s” is not a valid six-digit region code") % {"code": code},
                "region_invalid",
            )
        out["region_code"] = code
    if out.get("industry_code"):
        code = str(out["industry_code"]).strip().upper()
        if not ((len(code) == 1 and "A" <= code <= "T") or (2 <= len(code) <= 4 and code.isdigit())):
            raise RegistryError(
                _(
                    "The industry code “%(code)s” is not a national industry classification (GB/T 4754) code (a section letter or 2–4 digits)"
                )
                % {"code": code},
                "industry_invalid",
            )
        out["industry_code"] = code
    if out.get("currency"):
        out["currency"] = str(out["currency"]).strip().upper()[:3]
    for name in ("capital_wan", "revenue_wan", "tax_wan", "employees"):
        value = out.get(name)
        if value is not None and value < 0:
            label = Enterprise._meta.get_field(name).verbose_name  # type: ignore[union-attr]  # a column, not a relation
            raise RegistryError(_("%(field)s must not be negative") % {"field": label}, "negative")
    for name, value in list(out.items()):
        if value is None and name != "uscc":
            field = Enterprise._meta.get_field(name)
            if not field.null:
                out[name] = [] if name == "tags" else ""
    return out


@transaction.atomic
def update_enterprise(
    actor: Actor,
    firm: Enterprise,
    *,
    expected_version: int | None = None,
    park: Any = _UNSET,
    **fields: Any,
) -> dict[str, list[Any]]:
    """Change a firm's own data by hand (the edit form, ``PATCH /api/enterprises/<id>/``); returns what changed.

    Only a user who may change the firm (``enterprise`` change, org-scoped) may edit it; ``park`` (a park or town,
    or None to remove it) must be one the user may see. ``expected_version``: the version the editor read — when
    the firm changed since (another edit, an import), :class:`~zhaoshang.core.locking.StaleEdit` ("已被他人修改",
    with the other changes) and nothing is written. Every saved edit is audited, moves the version on, and the
    firms-changed hooks see the firm (the chains app places it again)."""
    from zhaoshang.core.locking import claim_version

    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    if actor is not None and not visible(actor, Enterprise.objects.filter(pk=firm.pk), "change").exists():
        raise PermissionDenied(_("You may not change this firm"))
    if firm.merged_into_id:
        raise RegistryError(
            _("This firm was merged into another firm; change the firm it was merged into"), "merged"
        )
    values = check_firm_fields(fields, firm=firm)
    if "uscc" in values and values["uscc"] and "uscc_raw" not in fields:
        values["uscc_raw"] = values["uscc"]
    new_park = park
    if park is not _UNSET:
        from zhaoshang.registry.models import FirmPark

        check_reference(actor, park, field="园区")
        if park is not None and actor is not None and not may_act_in(actor, "enterprise", "change", park):
            raise RegistryError(
                _("You may not put a firm in a park or town you do not manage"), "park_not_yours"
            )  # as on the park page
        current = FirmPark.objects.filter(enterprise=firm).values_list("park_id", flat=True).first()
        if getattr(park, "pk", None) == current:
            new_park = _UNSET
    changes = audit.diff(firm, values)
    if not changes and new_park is _UNSET:
        return {}
    claim_version(firm, expected_version)
    changed = audit.update(actor, firm, note="手工修改", **{k: values[k] for k in changes}) if changes else {}
    if new_park is not _UNSET:
        from zhaoshang.registry import parks

        before = FirmPark.objects.filter(enterprise=firm).values_list("park__name", flat=True).first()
        parks.set_park(actor, firm, new_park)
        changed["park"] = [before, getattr(new_park, "name", None)]
        if not changes:  # the version moved on: say so in the firm's own history
            audit.record(actor, AuditEntry.Action.UPDATE, firm, {"park": changed["park"]}, note="手工修改")
    if changes:
        hooks.run_firms_changed(actor, [firm.pk])
    return changed
