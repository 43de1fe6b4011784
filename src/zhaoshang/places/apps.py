from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "zhaoshang.places"
    label = "places"
    verbose_name = _("Places and walking access")

    def ready(self) -> None:
        from zhaoshang.api.routes import register_routes
        from zhaoshang.core.messages import register_messages
        from zhaoshang.places import messages

        register_routes(self.name, api_routes)
        register_messages(self.name, errors=messages.ERRORS, issues=messages.ISSUES)


def api_routes():
    """The `/api/` routes of this app (loaded when the URLconf builds the router)."""
    from zhaoshang.places.api import ROUTES

    return ROUTES
