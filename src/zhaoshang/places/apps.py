from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "zhaoshang.places"
    label = "places"
    verbose_name = _("Places and walking access")

    def ready(self) -> None:
        from zhaoshang.api.routes import register_routes

        register_routes(self.name, api_routes)


def api_routes():
    """The `/api/` routes of this app (loaded when the URLconf builds the router)."""
    from zhaoshang.places.api import ROUTES

    return ROUTES
