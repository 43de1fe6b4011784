from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "zhaoshang.registry"
    label = "registry"
    verbose_name = _("Enterprise registry")

    def ready(self) -> None:
        from zhaoshang.api.routes import register_routes
        from zhaoshang.core import hooks
        from zhaoshang.core.messages import register_messages
        from zhaoshang.registry import messages, panels, parks  # noqa: F401 - panels registers the workbench panel

        hooks.on_firm_import(parks.after_import)
        # the English sentences of the registry core's codes and of the shared readers' (tabular is no app)
        register_messages(
            self.name, errors={**messages.TABULAR_ERRORS, **messages.ERRORS}, issues=messages.ISSUES
        )
        register_routes(self.name, api_routes)


def api_routes():
    """The `/api/` routes of this app (loaded when the URLconf builds the router)."""
    from zhaoshang.registry.api import ROUTES

    return ROUTES
