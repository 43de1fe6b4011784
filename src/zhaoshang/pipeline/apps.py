from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "zhaoshang.pipeline"
    label = "pipeline"
    verbose_name = _("Investment projects")

    def ready(self) -> None:
        from zhaoshang.api.routes import register_routes
        from zhaoshang.core import hooks
        from zhaoshang.core.messages import register_messages
        from zhaoshang.notifications.messages import register_notices

        # registers the system check, the workbench panels (also by role) and the reminder sources
        from zhaoshang.pipeline import checks, messages, panels, reminders, role_panels  # noqa: F401
        from zhaoshang.pipeline.landing import landed_firms
        from zhaoshang.pipeline.services import create_new_registration_tasks

        hooks.on_firm_import(create_new_registration_tasks)
        hooks.add_landed_firms(landed_firms)  # the service desk's first-month visits
        register_routes(self.name, api_routes)
        register_messages(self.name, errors=messages.ERRORS, issues=messages.ISSUES)
        register_notices(self.name, messages.NOTICES)


def api_routes():
    """The `/api/` routes of this app (loaded when the URLconf builds the router)."""
    from zhaoshang.pipeline.api import ROUTES

    return ROUTES
