"""The English sentences of the approvals core's error codes (registered in ``AppConfig.ready()``; the Chinese
ones are the core's own messages, and the catalogue's translations of these)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ERRORS = {
    # zhaoshang.approvals.core.templates
    "approval_template_item_unknown": _("The template “%(template)s” has no item “%(item)s”"),
    "approval_prerequisite_cycle": _("The prerequisites form a cycle: %(cycle)s"),
    "approval_prerequisite_unknown": _(
        "The prerequisite “%(prerequisite)s” of the item “%(item)s” does not exist"
    ),
    "approval_template_empty": _("The template “%(template)s” has no items"),
    "approval_template_codes_repeated": _("The template “%(template)s” repeats item codes: %(codes)s"),
    "approval_limit_negative": _("The legal time limit of the item “%(item)s” cannot be negative"),
    "approval_department_missing": _("The item “%(item)s” has no handling department"),
    "approval_template_malformed": _("The template is not in the right format: %(error)s"),
    # zhaoshang.approvals.core.timeline
    "approval_item_codes_repeated": _("The approval items repeat a code"),
    "approval_item_state_unknown": _("The state “%(state)s” of the item “%(item)s” is unknown"),
    "approval_done_without_date": _("The item “%(item)s” is done but has no date done"),
    "approval_done_before_start": _("The item “%(item)s” is done before its start date"),
}


# Notifications, said in each reader's language (see ``zhaoshang.notifications.messages``): the reminder of
# ``approvals.reminders``, and the escalation notice of ``approvals.core.promises`` (its Chinese is the core's).
NOTICES = {
    "promise_overdue": _("Government promise overdue by %(days)s days: %(promise)s (%(project)s)"),
    "promise_overdue_escalation": _(
        "Government promise “%(title)s” (project: %(project)s, responsible department: %(department)s) is %(days)s days overdue; it was due on %(deadline)s."
    ),
}
