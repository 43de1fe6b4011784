from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "zhaoshang.policies"
    label = "policies"
    verbose_name = _("Policies")

    def ready(self) -> None:
        from zhaoshang.api.routes import register_routes
        from zhaoshang.core import hooks
        from zhaoshang.core.messages import register_messages
        from zhaoshang.policies import messages, panels  # noqa: F401  (panels registers the workbench panel)
        from zhaoshang.policies.services import profile_matches

        register_messages(self.name, errors=messages.ERRORS)

        hooks.add_profile_section(
            hooks.ProfileSection("policies", "policies/_firm_section.html", profile_matches, order=60)
        )
        register_routes(self.name, api_routes)


def api_routes():
    """The `/api/` routes of this app (loaded when the URLconf builds the router)."""
    from zhaoshang.policies.api import ROUTES

    return ROUTES
