"""The English sentences of the policies core's error codes (registered in ``AppConfig.ready()``; the Chinese
ones are the core's own messages, and the catalogue's translations of these)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.messages import error_message, is_chinese
from zhaoshang.policies.core import conditions as cond_core

ERRORS = {
    # zhaoshang.policies.core.conditions (and .matching)
    "condition_not_a_mapping": _("A condition must be a mapping (kind and parameters)"),
    "condition_kind_unknown": _("Unknown kind of condition “%(kind)s”; available: %(kinds)s"),
    "condition_kind_not_evaluable": _("Unknown kind of condition “%(kind)s”"),
    "condition_bound_not_a_number": _(
        "The %(bound)s of the condition “%(condition)s” is not a number: %(value)s"
    ),
    "condition_bound_missing": _("The condition “%(condition)s” needs a minimum or a maximum"),
    "condition_bounds_reversed": _(
        "The minimum of the condition “%(condition)s” is greater than its maximum"
    ),
    "condition_values_missing": _("The condition “%(condition)s” needs at least one value"),
    "condition_empty": _("Empty condition"),
    "condition_range_syntax": _(
        "Write the condition “%(line)s” as “%(kind)s >= number”, “%(kind)s <= number” or “%(kind)s min..max”"
    ),
    "condition_line_invalid": _("Line %(line)s: %(error)s"),
}


def condition_message(exc: BaseException) -> str:
    """A condition error in the active language; a line's error says the line's own error in it too."""
    params = getattr(exc, "params", None) or {}
    inner = params.get("error")
    if (
        getattr(exc, "code", "") == "condition_line_invalid"
        and isinstance(inner, BaseException)
        and not is_chinese()
    ):
        return gettext("Line %(line)s: %(error)s") % {
            "line": params.get("line"),
            "error": error_message(inner),
        }
    return error_message(exc)


# The kinds and units of conditions, for the rules said in English (the core says them in Chinese).
KIND_LABELS = {
    "region": _("Registered region"),
    "industry": _("Industry of the firm"),
    "chain_node": _("Industrial chain node"),
    "firm_age": _("Years since founding"),
    "capital": _("Registered capital"),
    "employees": _("Employees"),
    "revenue": _("Revenue"),
    "tax": _("Tax paid"),
    "rd_ratio": _("R&D spending share of revenue"),
    "qualification": _("Qualification"),
    "project_investment": _("Planned project investment"),
    "project_stage": _("Project stage"),
}
UNITS = {"年": _("years"), "万元": _("10k CNY"), "人": _("people"), "%": "%"}


def kind_label(kind: str) -> str:
    """A condition kind's name in the active language."""
    if is_chinese():
        return cond_core.KIND_LABELS.get(kind, kind)
    return str(KIND_LABELS.get(kind, kind))


def describe(cond: Mapping[str, Any]) -> str:
    """A condition's rule in the active language: in Chinese the core's own words."""
    if is_chinese():
        return cond_core.describe(cond)
    kind = cond["kind"]
    label = kind_label(kind)
    if kind in cond_core.RANGE_KINDS:
        unit = str(UNITS.get(cond_core.RANGE_KINDS[kind][1], ""))
        lo, hi = cond.get("min"), cond.get("max")
        if lo is not None and hi is not None:
            return gettext("%(label)s between %(min)s and %(max)s %(unit)s") % {
                "label": label,
                "min": f"{lo:g}",
                "max": f"{hi:g}",
                "unit": unit,
            }
        if lo is not None:
            return gettext("%(label)s at least %(min)s %(unit)s") % {
                "label": label,
                "min": f"{lo:g}",
                "unit": unit,
            }
        return gettext("%(label)s at most %(max)s %(unit)s") % {
            "label": label,
            "max": f"{hi:g}",
            "unit": unit,
        }
    values = cond.get("any") or cond.get("in") or []
    if kind == "qualification":
        return gettext("Holds the qualification %(values)s (valid on the day)") % {
            "values": gettext(" or ").join(values)
        }
    return gettext("%(label)s in: %(values)s") % {"label": label, "values": gettext(", ").join(values)}
