from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from zhaoshang.notifications.models import Channel


class DigestForm(forms.Form):
    digest_time = forms.TimeField(
        label=_("Daily digest at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Leave empty for no digest."),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of what is sent to me"),
        required=False,
        choices=[("", _("The installation's language")), *settings.LANGUAGES],
        help_text=_(
            "E-mails, daily digests and group-bot messages to your channels are written in this language."
        ),
    )


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Channel.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    target = forms.CharField(
        label=_("Address or webhook URL"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    secret = forms.CharField(
        label=_("Signing secret (DingTalk, Feishu)"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    immediate = forms.BooleanField(
        label=_("Send each notification at once (else only the daily digest)"), required=False
    )


class OrganisationChannelForm(ChannelForm):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    digest_time = forms.TimeField(
        label=_("Daily digest at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
