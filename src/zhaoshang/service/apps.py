from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "zhaoshang.service"
    label = "service"
    verbose_name = _("Enterprise service")

    def ready(self) -> None:
        from zhaoshang.service import panels  # noqa: F401 - registers the workbench panels
