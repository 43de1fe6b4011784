"""System check: a city's stage list and ranking points are read at start-up, so a mistake stops `check`/`serve`."""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register()
def pipeline_configuration(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from zhaoshang.pipeline import config
    from zhaoshang.pipeline.core.stages import StageError

    try:
        model = config.stage_model()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="pipeline.E001")]
    try:
        for code in config.points() or {}:
            model.get(code)  # the lookup the ranking makes
    except StageError as exc:
        return [checks.Error(f"PIPELINE_POINTS: {exc}", id="pipeline.E002")]
    return []
