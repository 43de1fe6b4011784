from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "zhaoshang.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from zhaoshang.accounts import messages
        from zhaoshang.core.messages import register_messages

        register_messages(self.name, errors=messages.ERRORS)
