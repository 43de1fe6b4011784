"""A chain's gap thresholds as stored in `Chain.extra["thresholds"]`, read and validated."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from zhaoshang.chains.analysis.errors import AnalysisInputError
from zhaoshang.chains.analysis.gap import NodeThreshold, Thresholds
from zhaoshang.chains.analysis.spec import ChainSpec
from zhaoshang.chains.models import Chain
from zhaoshang.chains.services.common import ChainServiceError
from zhaoshang.core.messages import error_message


def thresholds_from(data: Any, spec: ChainSpec | None = None) -> Thresholds:
    """Thresholds from `Chain.extra["thresholds"]`: {strong_firms, strong_strength, weak_firms, weak_coverage, per_node: {key: {...}}}."""
    if not data:
        return Thresholds()
    if not isinstance(data, dict):
        raise ChainServiceError(_("The threshold settings should be a mapping of names to values"))

    def one(d: dict[str, Any], base: NodeThreshold) -> NodeThreshold:
        try:
            return NodeThreshold(
                strong_firms=float(d.get("strong_firms", base.strong_firms)),
                strong_strength=float(d.get("strong_strength", base.strong_strength)),
                weak_firms=float(d.get("weak_firms", base.weak_firms)),
            )
        except (TypeError, ValueError) as exc:
            raise ChainServiceError(
                _("The threshold settings are wrong: %(error)s") % {"error": error_message(exc)}
            ) from exc

    try:
        default = one(data, NodeThreshold())
        per_node = {k: one(v or {}, default) for k, v in (data.get("per_node") or {}).items()}
        if spec is not None:
            unknown = [k for k in per_node if k not in spec.nodes]
            if unknown:
                raise ChainServiceError(
                    _("Nodes of the threshold settings that are not in the chain: %(nodes)s")
                    % {"nodes": _(", ").join(unknown)}
                )
        return Thresholds(
            default=default, per_node=per_node, weak_coverage=float(data.get("weak_coverage", 0.5))
        )
    except AnalysisInputError as exc:
        raise ChainServiceError(exc.message, code=exc.code, **exc.params) from exc


def thresholds_for(chain: Chain) -> Thresholds:
    return thresholds_from((chain.extra or {}).get("thresholds"))
