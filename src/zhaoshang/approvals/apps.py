from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "zhaoshang.approvals"
    label = "approvals"
    verbose_name = _("Approval agency")

    def ready(self) -> None:
        from zhaoshang.approvals import panels  # noqa: F401  (registers the workbench panels)
        from zhaoshang.approvals.services import promise_meeting_items
        from zhaoshang.core import hooks

        hooks.add_meeting_items(promise_meeting_items)
