from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "zhaoshang.service"
    label = "service"
    verbose_name = _("Enterprise service")

    def ready(self) -> None:
        from zhaoshang.api.routes import register_routes
        from zhaoshang.core import hooks
        from zhaoshang.core.messages import register_messages
        from zhaoshang.notifications.messages import register_notices
        from zhaoshang.service import messages, panels, reminders  # noqa: F401 - registers the workbench panels, reminders
        from zhaoshang.service.services import appeals_of_firm

        hooks.add_profile_section(
            hooks.ProfileSection("appeals", "service/_firm_appeals.html", appeals_of_firm, order=50)
        )
        register_routes(self.name, api_routes)
        register_messages(self.name, errors=messages.ERRORS, issues=messages.ISSUES)
        register_notices(self.name, messages.NOTICES)


def api_routes():
    """The `/api/` routes of this app (loaded when the URLconf builds the router)."""
    from zhaoshang.service.api import ROUTES

    return ROUTES
