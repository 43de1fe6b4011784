from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "zhaoshang.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from zhaoshang.notifications import panels, tasks  # noqa: F401  (registers the queue's tasks, the panel)
