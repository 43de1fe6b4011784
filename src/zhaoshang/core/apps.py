from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhaoshang.core"
    label = "core"
    verbose_name = _("Core: audit log and reference data")

    def ready(self) -> None:
        from zhaoshang.core import core_messages
        from zhaoshang.core.messages import register_messages

        register_messages(self.name, errors=core_messages.ERRORS, issues=core_messages.ISSUES)
        register_messages("zhaoshang.reports", errors=core_messages.REPORT_ERRORS)
