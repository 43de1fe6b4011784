from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "zhaoshang.approvals"
    label = "approvals"
    verbose_name = _("Approval agency")

    def ready(self) -> None:
        from zhaoshang.api.routes import register_routes
        from zhaoshang.approvals import messages, panels, reminders  # noqa: F401  (registers the workbench panels, reminders)
        from zhaoshang.approvals.services import promise_meeting_items
        from zhaoshang.core import hooks
        from zhaoshang.core.messages import register_messages
        from zhaoshang.notifications.messages import register_notices

        hooks.add_meeting_items(promise_meeting_items)
        register_messages(self.name, errors=messages.ERRORS)
        register_notices(self.name, messages.NOTICES)
        register_routes(self.name, api_routes)


def api_routes():
    """The `/api/` routes of this app (loaded when the URLconf builds the router)."""
    from zhaoshang.approvals.api import ROUTES

    return ROUTES
