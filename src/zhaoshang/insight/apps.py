from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "zhaoshang.insight"
    label = "insight"
    verbose_name = _("Benchmarking and what to attract next")

    def ready(self) -> None:
        from zhaoshang.api.routes import register_routes
        from zhaoshang.core.messages import register_messages
        from zhaoshang.insight import messages

        register_routes(self.name, api_routes)
        register_messages(self.name, errors={**messages.ERRORS, **messages.NOTES}, issues=messages.ISSUES)


def api_routes():
    """The `/api/` routes of this app (loaded when the URLconf builds the router)."""
    from zhaoshang.insight.api import ROUTES

    return ROUTES
