from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "zhaoshang.pipeline"
    label = "pipeline"
    verbose_name = _("Investment projects")

    def ready(self) -> None:
        from zhaoshang.core import hooks
        from zhaoshang.pipeline import checks, panels  # noqa: F401  (registers the system check and workbench panels)
        from zhaoshang.pipeline.services import create_new_registration_tasks

        hooks.on_firm_import(create_new_registration_tasks)
