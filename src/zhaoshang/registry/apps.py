from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "zhaoshang.registry"
    label = "registry"
    verbose_name = _("Enterprise registry")

    def ready(self) -> None:
        from zhaoshang.registry import panels  # noqa: F401 - registers the workbench panel
