"""The pipeline's configuration, read from settings with the cores' defaults.

- ``PIPELINE_STAGES``: the stage list (see ``pipeline.core.stages.load_stage_model``; also sets quiet days
  and points per stage). Default: ``DEFAULT_STAGES_CONFIG``.
- ``PIPELINE_POINTS``: ``{stage code: points}`` overriding the stages' points for the ranking.
- ``PIPELINE_CALLBACK_WORKING_DAYS``: working days from first contact to the automatic callback (default 3).
- ``PIPELINE_NEW_FIRM_DAYS``: a firm founded this many days before an import counts as newly registered (30).
- ``PIPELINE_MEETING_MAX_ROWS``: rows per detail table of the meeting pack, on screen and in the files (200;
  0: all). The totals and key figures always count every row.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from zhaoshang.core.workdays import WorkdayCalendar
from zhaoshang.pipeline.core.followup import DEFAULT_CALLBACK_WORKING_DAYS
from zhaoshang.pipeline.core.stages import DEFAULT_STAGE_MODEL, StageModel, load_stage_model

# Project fields a stage may require (``carrier_id``/``owner_id`` are the foreign keys' names in the core).
REQUIRABLE_FIELDS = (
    "first_contact_date",
    "visit_date",
    "planned_investment_wan",
    "signed_date",
    "signed_amount_wan",
    "location",
    "carrier_id",
    "registered_uscc",
    "construction_start_date",
    "production_start_date",
    "hold_reason",
    "drop_reason",
    "expected_output_wan",
    "expected_tax_wan",
    "expected_jobs",
    "description",
    "owner_id",
)


# The last configured stage list and its model: the setting is a list (unhashable) that rarely changes, so the
# cache is one entry, checked by identity.
_LOADED: tuple[object, StageModel] | None = None


def stage_model() -> StageModel:
    global _LOADED
    raw = getattr(settings, "PIPELINE_STAGES", None)
    if not raw:
        return DEFAULT_STAGE_MODEL
    if _LOADED is None or _LOADED[0] is not raw:
        _LOADED = (raw, _load(raw))
    return _LOADED[1]


def _load(raw) -> StageModel:
    try:
        model = load_stage_model(raw)
    except ValueError as exc:
        from zhaoshang.core.messages import error_message

        raise ImproperlyConfigured(f"PIPELINE_STAGES: {error_message(exc)}") from None
    unknown = sorted(
        {name for s in model.stages for r in s.requirements for name in (r.field, *r.alternatives)}
        - set(REQUIRABLE_FIELDS)
    )
    if unknown:
        from zhaoshang.core.messages import is_chinese

        separator = "、" if is_chinese() else ", "
        raise ImproperlyConfigured(
            _(
                "PIPELINE_STAGES: fields required by stages are not project fields: %(fields)s (available: %(available)s)"
            )
            % {"fields": separator.join(unknown), "available": separator.join(REQUIRABLE_FIELDS)}
        )
    return model


def requirement_fields() -> list[str]:
    """Every project field some stage requires (in the order of the stages), as form / model field names."""
    out: list[str] = []
    for stage in sorted(stage_model().stages, key=lambda s: (s.kind != "main", s.order)):
        for req in stage.requirements:
            for name in (req.field, *req.alternatives):
                name = name.removesuffix("_id")
                if name not in out:
                    out.append(name)
    return out


def points() -> dict[str, int] | None:
    return getattr(settings, "PIPELINE_POINTS", None) or None


# The evidence a stage needs before it earns ranking points: stage code → project field (a date must not be in the
# future). Override with PIPELINE_EVIDENCE ({stage: field}) in the city's YAML (key ``evidence``).
DEFAULT_EVIDENCE = {
    "signed": "signed_date",
    "registered": "registered_uscc",
    "construction": "construction_start_date",
    "production": "production_start_date",
}


def evidence_fields() -> dict[str, str]:
    raw = getattr(settings, "PIPELINE_EVIDENCE", None) or DEFAULT_EVIDENCE
    model = stage_model()
    found = {}
    for stage, name in raw.items():
        if stage not in model or name.removesuffix("_id") not in {
            f.removesuffix("_id") for f in REQUIRABLE_FIELDS
        }:
            raise ImproperlyConfigured(
                _("PIPELINE_EVIDENCE: “%(entry)s” is not a stage and a project field")
                % {"entry": f"{stage}: {name}"}
            )
        found[stage] = name
    return found


def meeting_period() -> str:
    """The meeting pack's default period: "month" (the last full month up to today) or "quarter"."""
    value = getattr(settings, "PIPELINE_MEETING_PERIOD", "month")
    if value not in ("month", "quarter"):
        raise ImproperlyConfigured(_("PIPELINE_MEETING_PERIOD: month or quarter"))
    return value


def callback_days() -> int:
    return int(getattr(settings, "PIPELINE_CALLBACK_WORKING_DAYS", DEFAULT_CALLBACK_WORKING_DAYS))


def new_firm_days() -> int:
    return int(getattr(settings, "PIPELINE_NEW_FIRM_DAYS", 30))


def meeting_max_rows() -> int | None:
    """Rows per detail table of the meeting pack (the totals count every row); 0 or None: no limit."""
    return int(getattr(settings, "PIPELINE_MEETING_MAX_ROWS", 200)) or None


def calendar() -> WorkdayCalendar:
    """The installation's one working-day calendar (official schedule + imported overrides)."""
    from zhaoshang.core.calendar import get_calendar

    return get_calendar()


def _localised(stage) -> str:
    """The stage's name in the active language (the configured English name, else the Chinese one)."""
    from django.utils.translation import get_language

    language = (get_language() or settings.LANGUAGE_CODE).lower()
    return stage.name_en if language.startswith("en") and stage.name_en else stage.name_zh


def stage_choices() -> list[tuple[str, str]]:
    model = stage_model()
    return [(s.code, _localised(s)) for s in sorted(model.stages, key=lambda s: s.order)]


def stage_name(code: str) -> str:
    model = stage_model()
    return _localised(model.get(code)) if code in model else code
