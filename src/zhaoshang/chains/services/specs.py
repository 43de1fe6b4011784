"""Chains in the database ⇄ `ChainSpec`: load, import and export chain files, find a chain, edit its cards and
thresholds (audited)."""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.accounts.types import Actor
from zhaoshang.chains.analysis import spec as spec_io
from zhaoshang.chains.analysis.errors import ChainFileError, ChainFileProblem
from zhaoshang.chains.analysis.gap import Thresholds
from zhaoshang.chains.analysis.spec import ChainSpec
from zhaoshang.chains.models import Chain, ChainLink, ChainNode
from zhaoshang.chains.services.common import ChainServiceError
from zhaoshang.chains.services.thresholds import thresholds_from
from zhaoshang.core import audit


def _card_dict(card: spec_io.Card) -> dict[str, Any]:
    out = {
        "what": card.what,
        "uses": card.uses,
        "leaders_domestic": list(card.leaders_domestic),
        "leaders_foreign": list(card.leaders_foreign),
        "source": card.source,
        "estimate": card.estimate,
    }
    out.update(spec_io._plain(card.extra))
    return {k: v for k, v in out.items() if v not in ("", [], None)} if not card.is_empty() else {}


def _node_values(node: spec_io.NodeSpec) -> dict[str, Any]:
    return {
        "name": node.name,
        "name_en": node.name_en,
        "path": node.path,
        "depth": node.depth,
        "weight": node.weight,
        "abs_weight": node.abs_weight,
        "weight_source": node.weight_source,
        "weight_estimate": node.weight_estimate,
        "key_node": node.key_node,
        "aliases": list(node.aliases),
        "keywords": list(node.keywords),
        "exclude": list(node.exclude),
        "industry_codes": list(node.industry_codes),
        "hs_codes": list(node.hs_codes),
        "card": _card_dict(node.card),
        "extra": spec_io._plain(node.extra),
    }


@transaction.atomic
def load_chain(actor: Actor, spec: ChainSpec) -> Chain:
    """Create or update the chain `spec.slug`, upserting nodes by key, in one transaction (audited).

    Nodes missing from the spec are deleted with their assignments; supply links are replaced.
    The chain's thresholds (`extra["thresholds"]`) are kept when the file does not set them.
    """
    chain = Chain.objects.filter(slug=spec.slug).first()
    extra = spec_io._plain(spec.extra)
    if chain is not None and "thresholds" not in extra and "thresholds" in chain.extra:
        extra["thresholds"] = chain.extra["thresholds"]
    if "thresholds" in extra:
        thresholds_from(extra["thresholds"], spec)  # validate before writing anything
    values = {
        "name": spec.name,
        "name_en": spec.name_en,
        "description": spec.description,
        "source": spec.source,
        "extra": extra,
    }
    clash = Chain.objects.filter(name=spec.name).exclude(slug=spec.slug).first()
    if clash:
        raise ChainServiceError(
            _(
                "A chain named “%(name)s” already exists (identifier %(slug)s); rename it or use the same identifier"
            )
            % {"name": spec.name, "slug": clash.slug}
        )
    try:
        if chain is None:
            chain = audit.create(actor, Chain, slug=spec.slug, **values)
        else:
            audit.update(actor, chain, note="import", **values)
        existing = {n.key: n for n in chain.nodes.all()}
        saved: dict[str, ChainNode] = {}
        for order, (key, node) in enumerate(spec.nodes.items()):
            fields = _node_values(node) | {
                "order": order,
                "parent": saved[node.parent_key] if node.parent_key else None,
            }
            current = existing.get(key)
            if current is None:
                saved[key] = audit.create(actor, ChainNode, chain=chain, key=key, **fields)
            else:
                audit.update(actor, current, note="import", **fields)
                saved[key] = current
        for key in sorted(set(existing) - set(spec.nodes), key=lambda k: -existing[k].depth):
            audit.delete(actor, existing[key], note="removed from chain file")
        old_links = {
            (lk.source.key, lk.target.key): lk for lk in chain.links.select_related("source", "target")
        }
        new_links = {(lk.from_key, lk.to_key): lk for lk in spec.links}
        for pair in set(old_links) - set(new_links):
            audit.delete(actor, old_links[pair], note="removed from chain file")
        for pair, link in new_links.items():
            if pair not in old_links:
                audit.create(
                    actor,
                    ChainLink,
                    chain=chain,
                    source=saved[pair[0]],
                    target=saved[pair[1]],
                    extra=spec_io._plain(link.extra),
                )
    except ValidationError as exc:
        raise ChainServiceError("；".join(exc.messages)) from exc
    return chain


def read_chain_file(path: str | Path) -> ChainSpec:
    """A validated spec from a YAML or XLSX file (ChainFileError lists every problem, row-numbered)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return spec_io.load_yaml(path)
    if suffix in (".xlsx", ".xlsm"):
        return spec_io.load_xlsx(path)
    raise ChainFileError(
        [ChainFileProblem("只支持 .yaml/.yml 或 .xlsx 文件", file=path.name)],
        file=path.name,
        code="chain_file_type_unsupported",
    )


def import_chain(actor: Actor, path: str | Path) -> Chain:
    return load_chain(actor, read_chain_file(path))


def load_builtin_chains(actor: Actor) -> list[Chain]:
    return [load_chain(actor, spec) for spec in spec_io.load_directory()]


def spec_for(chain: Chain) -> ChainSpec:
    """The stored chain as a validated ChainSpec (what the analytic cores take)."""
    nodes = list(chain.nodes.all().order_by("order"))
    children: dict[int | None, list[ChainNode]] = defaultdict(list)
    for n in nodes:
        children[n.parent_id].append(n)

    def as_dict(n: ChainNode) -> dict[str, Any]:
        out: dict[str, Any] = dict(n.extra or {})
        out |= {
            "key": n.key,
            "name": n.name,
            "name_en": n.name_en,
            "weight_source": n.weight_source,
            "weight_estimate": n.weight_estimate,
            "key_node": n.key_node,
            "aliases": n.aliases,
            "keywords": n.keywords,
            "exclude": n.exclude,
            "industry_codes": n.industry_codes,
            "hs_codes": n.hs_codes,
        }
        if n.weight is not None:
            out["weight"] = n.weight
        if n.card:
            out["card"] = n.card
        if children[n.pk]:
            out["children"] = [as_dict(c) for c in children[n.pk]]
        return out

    data: dict[str, Any] = dict(chain.extra or {})
    data |= {
        "slug": chain.slug,
        "name": chain.name,
        "name_en": chain.name_en,
        "description": chain.description,
        "source": chain.source,
    }
    data["nodes"] = [as_dict(n) for n in children[None]]
    data["links"] = [
        {"from": s, "to": t, **(x or {})}
        for s, t, x in chain.links.values_list("source__key", "target__key", "extra").order_by("pk")
    ]
    return spec_io.from_dict(data, file=chain.slug)


def export_chain(chain: Chain, path: str | Path | None = None, fmt: str | None = None) -> bytes:
    """The chain as YAML or XLSX bytes (written to `path` too when given); the format follows the suffix."""
    fmt = (fmt or (Path(path).suffix.lstrip(".") if path else "yaml")).lower()
    spec = spec_for(chain)
    if fmt in ("yaml", "yml"):
        data = spec_io.dump_yaml(spec).encode("utf-8")
    elif fmt in ("xlsx",):
        buffer = io.BytesIO()
        spec_io.dump_xlsx(spec, buffer)
        data = buffer.getvalue()
    else:
        raise ChainServiceError(_("Unsupported export format: %(format)s (yaml or xlsx)") % {"format": fmt})
    if path:
        Path(path).write_bytes(data)
    return data


def find_chain(name_or_slug: str) -> Chain:
    chain = Chain.objects.filter(slug=name_or_slug).first() or Chain.objects.filter(name=name_or_slug).first()
    if chain is None:
        names = _(", ").join(Chain.objects.values_list("name", flat=True)) or _("(none)")
        raise ChainServiceError(
            _("No chain is named or identified as “%(name)s”; there are: %(names)s")
            % {"name": name_or_slug, "names": names}
        )
    return chain


CARD_FIELDS = ("what", "uses", "leaders_domestic", "leaders_foreign", "source", "estimate")


def update_card(actor: Actor, node: ChainNode, **card: Any) -> ChainNode:
    """Edit a node's knowledge card (audited). List fields accept lists or text separated by 、；,"""
    new = dict(node.card or {})
    for key, value in card.items():
        if key not in CARD_FIELDS:
            raise ChainServiceError(_("A knowledge card has no field “%(field)s”") % {"field": key})
        if key.startswith("leaders_") and isinstance(value, str):
            value = [v.strip() for v in spec_io.LIST_SEPARATORS.split(value) if v.strip()]
        new[key] = value
    audit.update(actor, node, note="card", card={k: v for k, v in new.items() if v not in ("", [], None)})
    return node


@transaction.atomic
def set_thresholds(actor: Actor, chain: Chain, **values: Any) -> Thresholds:
    current = dict((chain.extra or {}).get("thresholds") or {})
    current.update({k: v for k, v in values.items() if v is not None})
    thresholds = thresholds_from(current, spec_for(chain))
    audit.update(actor, chain, note="thresholds", extra={**(chain.extra or {}), "thresholds": current})
    return thresholds
