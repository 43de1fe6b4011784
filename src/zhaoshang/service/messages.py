"""English sentences of the codes the service desk's analytic core (``service/core``) raises, registered from
``ServiceConfig.ready()``; the Chinese of each is the core's own sentence (catalogue of this app)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# zhaoshang.service.core.values: a 12345 cell that cannot be read (params: value)
ERRORS = {
    "appeal_excel_serial_invalid": _("“%(value)s” is not a valid Excel date"),
    "appeal_value_not_a_date": _("“%(value)s” is not a date"),
    "appeal_datetime_nonexistent": _("The date-time “%(value)s” does not exist"),
    "appeal_datetime_unreadable": _(
        "The date-time “%(value)s” could not be read; write it like “2024-01-05 09:30”"
    ),
    "appeal_result_unreadable": _(
        "Solved “%(value)s” could not be read (write 是/否/已解决/未解决/部分解决, or yes/no/partly)"
    ),
    "appeal_satisfaction_unreadable": _(
        "The satisfaction “%(value)s” could not be read (write 满意/基本满意/不满意/未评价)"
    ),
    "appeal_limit_unreadable": _(
        "The time limit “%(value)s” could not be read (write a number of days such as “5个工作日”, or a due date)"
    ),
}

# The same in an import's findings: code value_unreadable, the error's code as the kind (params: kind, value).
ISSUES = {
    "value_unreadable:appeal_excel_serial_invalid": _(
        "Row %(row)s, %(column)s: “%(value)s” is not a valid Excel date"
    ),
    "value_unreadable:appeal_value_not_a_date": _("Row %(row)s, %(column)s: “%(value)s” is not a date"),
    "value_unreadable:appeal_datetime_nonexistent": _(
        "Row %(row)s, %(column)s: the date-time “%(value)s” does not exist"
    ),
    "value_unreadable:appeal_datetime_unreadable": _(
        "Row %(row)s, %(column)s: the date-time “%(value)s” could not be read; write it like “2024-01-05 09:30”"
    ),
    "value_unreadable:appeal_result_unreadable": _(
        "Row %(row)s, %(column)s: solved “%(value)s” could not be read (write 是/否/已解决/未解决/部分解决, or yes/no/partly)"
    ),
    "value_unreadable:appeal_satisfaction_unreadable": _(
        "Row %(row)s, %(column)s: the satisfaction “%(value)s” could not be read (write 满意/基本满意/不满意/未评价)"
    ),
    "value_unreadable:appeal_limit_unreadable": _(
        "Row %(row)s, %(column)s: the time limit “%(value)s” could not be read (write a number of days such as “5个工作日”, or a due date)"
    ),
}

# zhaoshang.service.core.clustering: why an appeal is in its recurring problem (params: terms, a list). In Chinese
# the sentence is the terms alone, as the page always showed them.
EXPLANATIONS = {
    "cluster_member_common_terms": _("has the group's common terms %(terms)s"),
    "cluster_member_central_terms": _("shares key terms of the group's centre %(terms)s"),
}


def explanation(code: str, params: Mapping[str, Any]) -> str:
    """A clustering reason (code and params) in the active language; the terms alone for an unknown code."""
    terms = gettext(", ").join(params.get("terms") or ())
    entry = EXPLANATIONS.get(code)
    return str(entry) % {**params, "terms": terms} if entry is not None else terms


# Notifications of ``service.reminders`` (an appeal's escalation steps by level, new visits), said in each reader's
# language: see ``zhaoshang.notifications.messages``.
NOTICES = {
    "appeal_due_soon": _("Appeal due %(due)s: %(appeal)s"),
    "appeal_overdue": _("Appeal overdue since %(due)s: %(appeal)s"),
    "appeal_overdue_again": _("Appeal overdue twice its limit (due %(due)s): %(appeal)s"),
    "visits_planned": _("%(n)d visits planned for you"),
}
