"""The English sentences of the policies core's error codes (registered in ``AppConfig.ready()``; the Chinese
ones are the core's own messages, and the catalogue's translations of these)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhaoshang.core.messages import error_message, is_chinese

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
