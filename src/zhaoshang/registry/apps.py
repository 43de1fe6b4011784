from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "zhaoshang.registry"
    label = "registry"
    verbose_name = _("Enterprise registry")

    def ready(self) -> None:
        from zhaoshang.api.routes import register_routes
        from zhaoshang.core import hooks
        from zhaoshang.registry import panels, parks  # noqa: F401 - registers the workbench panel

        hooks.on_firm_import(parks.after_import)
        register_routes(self.name, api_routes)


def api_routes():
    """The `/api/` routes of this app (loaded when the URLconf builds the router)."""
    from zhaoshang.registry.api import ROUTES

    return ROUTES
