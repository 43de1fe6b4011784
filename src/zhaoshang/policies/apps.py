from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "zhaoshang.policies"
    label = "policies"
    verbose_name = _("Policies")

    def ready(self) -> None:
        from zhaoshang.policies import panels  # noqa: F401  (registers the workbench panel)
