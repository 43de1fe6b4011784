from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    name = "zhaoshang.chains"
    label = "chains"
    verbose_name = _("Industrial chains")

    def ready(self) -> None:
        from zhaoshang.api.routes import register_routes
        from zhaoshang.chains import (
            messages,
            panels,  # noqa: F401 - registers the workbench panel
            workbench,  # noqa: F401 - the chain office's "what needs me today"
        )
        from zhaoshang.chains.services import classify_arrivals, positions_for
        from zhaoshang.core import hooks
        from zhaoshang.core.messages import register_messages

        register_messages(self.name, errors=messages.ERRORS, issues=messages.ISSUES)

        hooks.add_profile_section(
            hooks.ProfileSection(
                "positions", "chains/_enterprise_positions.html", lambda firm, user: positions_for(firm)
            )
        )
        hooks.on_firms_changed(
            classify_arrivals
        )  # firms imported or entered are placed on chain nodes at once
        register_routes(self.name, api_routes)


def api_routes():
    """The `/api/` routes of this app (loaded when the URLconf builds the router)."""
    from zhaoshang.chains.api import ROUTES

    return ROUTES
