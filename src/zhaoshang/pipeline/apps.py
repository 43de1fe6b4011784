from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "zhaoshang.pipeline"
    label = "pipeline"
    verbose_name = _("Investment projects")

    def ready(self) -> None:
        # registers the system check, the workbench panels (also by role) and the reminder sources
        from zhaoshang.pipeline import checks, panels, reminders, role_panels  # noqa: F401
