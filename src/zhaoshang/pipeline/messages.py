"""The English sentences of the pipeline core's codes (registered from ``PipelineConfig.ready()``).

The cores (``pipeline.core.*``) raise Chinese messages with a ``code`` and the values as params; the edge says
them in the user's language through :func:`zhaoshang.core.messages.error_message` / ``issue_message``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ERRORS = {
    # stages: the stage model and its configuration (core/stages.py)
    "stage_unknown": _("Unknown stage “%(stage)s”"),
    "stage_config_empty": _(
        "The stage configuration must be a non-empty list (or a mapping with a stages list)"
    ),
    "stage_config_code_repeated": _("Stage %(stage)s: the stage code repeats"),
    "stage_config_order_repeated": _("Stage %(stage)s: the order %(order)s is the same as “%(other)s”"),
    "stage_config_kind_repeated": _("There can be only one stage of kind %(kind)s; found: %(stages)s"),
    "stage_config_no_main_stage": _("The stage configuration needs at least one pipeline stage (kind: main)"),
    "stage_config_not_a_mapping": _("Stage %(stage)s: must be a mapping"),
    "stage_config_code_missing": _("Stage %(stage)s: the stage code (code) is missing"),
    "stage_config_name_missing": _("Stage %(stage)s: %(key)s is missing or invalid"),
    "stage_config_unknown_keys": _("Stage %(stage)s: unknown settings %(keys)s"),
    "stage_config_order_invalid": _("Stage %(stage)s: order must be a whole number"),
    "stage_config_quiet_days_invalid": _(
        "Stage %(stage)s: max_quiet_days must be a positive whole number or empty"
    ),
    "stage_config_points_invalid": _("Stage %(stage)s: points must be a whole number of at least 0"),
    "stage_config_kind_invalid": _("Stage %(stage)s: kind must be one of %(kinds)s, not “%(kind)s”"),
    "stage_config_requirements_invalid": _("Stage %(stage)s: requirements must be a list or a mapping"),
    "stage_requirement_not_a_mapping": _(
        "Stage %(stage)s, requirement %(requirement)s: must be a mapping with field and label_zh"
    ),
    "stage_requirement_field_missing": _(
        "Stage %(stage)s, requirement %(requirement)s: the field name (field) is missing"
    ),
    "stage_requirement_label_missing": _(
        "Stage %(stage)s, requirement %(requirement)s (%(field)s): the Chinese name (label_zh) is missing"
    ),
    "stage_requirement_alternatives_invalid": _(
        "Stage %(stage)s, requirement %(requirement)s (%(field)s): alternatives must be a list of field names"
    ),
    # stage moves refused (core/stages.py check_transition; the edge raises StageRequirementsMissing)
    "stage_already_current": _("The project is already at the stage “%(stage)s”"),
    "stage_dropped_cannot_hold": _(
        "A project at “%(current)s” can only be resumed to a pipeline stage, not moved to “%(stage)s”"
    ),
    "stage_entry_missing": _("To enter the stage “%(stage)s”, still needed: %(missing)s"),
    "stage_back_needs_reason": _("Going back from “%(current)s” to the stage “%(stage)s” needs a reason"),
    "stage_resume_missing": _(
        "To resume a project at “%(current)s” to the stage “%(stage)s”, still needed: %(missing)s"
    ),
    # carriers, follow-ups, figures (core/carriers.py, core/followup.py, core/units.py)
    "carrier_area_unit_unknown": _("Unknown area unit “%(unit)s”; use m2 (square metres) or mu"),
    "carrier_kind_unknown": _("Unknown carrier kind “%(kind)s”; choose from: %(kinds)s"),
    "callback_days_too_few": _("The callback interval must be at least 1 working day, not %(days)s"),
    "amount_wan_not_a_number": _("The amount (10k CNY) is not a number: %(value)s"),
    # meeting pack and ranking (core/meeting.py, core/ranking.py)
    "period_end_before_start": _("The period's end date %(end)s is earlier than its start date %(start)s"),
    "meeting_project_repeated": _("The project number %(project)s repeats"),
    "meeting_stage_unknown": _("A project stage is wrong: unknown stage “%(stage)s”"),
    "meeting_event_project_unknown": _(
        "A stage change (%(date)s) names a project that does not exist: %(project)s"
    ),
    "ranking_movement_stage_unknown": _(
        "The stage change of project %(project)s on %(date)s is wrong: unknown stage “%(stage)s”"
    ),
    "ranking_stage_unknown": _("The ranking configuration is wrong: unknown stage “%(stage)s”"),
}

# Import findings of the project list import (importing.py) beyond those core.messages already says.
ISSUES = {
    "unknown_stage": _("The stage “%(raw)s” does not exist; choose from: %(choices)s"),
    "stage_requirements": _("To enter the stage “%(stage)s”, still needed: %(missing)s"),
    "not_a_number:negative": _("The value “%(raw)s” of “%(column)s” must not be negative"),
    "not_a_number:not_whole": _("The value “%(raw)s” of “%(column)s” must be a whole number"),
}


# Notifications (the reminder sources of ``pipeline.reminders`` and the hand-overs and extensions of
# ``pipeline.services``), said in each reader's language: see ``zhaoshang.notifications.messages``.
NOTICES = {
    "followup_due": _("Follow-up due today: %(project)s — %(action)s"),
    "followup_overdue": _("Follow-up overdue since %(due)s: %(project)s — %(action)s"),
    "callback_due": _("Callback due %(due)s: %(title)s"),
    "new_registration": _("Newly registered local firm to contact by %(due)s: %(title)s"),
    "item_overdue": _("Coordination item overdue since %(due)s: %(title)s (%(project)s)"),
    "item_due": _("Coordination item due %(due)s: %(title)s (%(project)s)"),
    "project_cold": _("Project going cold (no follow-up since %(since)s): %(project)s"),
    "project_handed_over_to_you": _("%(project)s was handed over to you by %(by)s"),
    "project_handed_over_to_you_by_system": _("%(project)s was handed over to you by the system"),
    "project_handed_over_to_other": _("%(project)s was handed over to %(owner)s"),
    "extension_requested": _("Deadline extension requested for %(title)s: %(old)s → %(new)s"),
    "extension_approved": _("Extension approved for %(title)s: new deadline %(new)s"),
    "extension_rejected": _("Extension rejected for %(title)s: the deadline stays %(old)s"),
}
