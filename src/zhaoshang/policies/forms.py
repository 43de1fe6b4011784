from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.policies.core import conditions as cond_core
from zhaoshang.policies.messages import condition_message
from zhaoshang.policies.models import Policy, Push

DATE = forms.DateInput(attrs={"type": "date"})


class PolicyForm(forms.Form):
    code = forms.CharField(label=_("Document number"), max_length=60, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    issuer = forms.CharField(label=_("Issuing body"), max_length=100, required=False)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE)
    valid_to = forms.DateField(label=_("Valid until"), required=False, widget=DATE)
    source_url = forms.CharField(label=_("Source link"), max_length=500, required=False)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source_file = forms.FileField(label=_("Source document"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("valid_from") and data.get("valid_to") and data["valid_from"] > data["valid_to"]:
            self.add_error("valid_to", _("The end is before the start."))
        return data


class ClauseForm(forms.Form):
    number = forms.CharField(label=_("Article"), max_length=40, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text of the clause"), widget=forms.Textarea(attrs={"rows": 4}))
    benefit = forms.CharField(label=_("Benefit"), max_length=200, required=False)
    amount_wan = forms.DecimalField(
        label=_("Amount (10k CNY)"), required=False, max_digits=12, decimal_places=2
    )
    no_application = forms.BooleanField(label=_("Granted without application (免申即享)"), required=False)
    conditions = forms.CharField(
        label=_("Conditions, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "e.g. region in 4302 · industry in C38 · chain_node in 轨道交通装备 · firm_age <= 5 · capital >= 1000 · employees 50..500 · revenue >= 2000 · tax >= 100 · rd_ratio >= 3 · qualification any 高新技术企业, 专精特新 · project_investment >= 10000 · project_stage in signed, construction"  # noqa: E501
        ),
    )

    def clean_conditions(self):
        try:
            return cond_core.parse_conditions(self.cleaned_data["conditions"])
        except cond_core.ConditionError as exc:
            raise forms.ValidationError(condition_message(exc)) from None


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (XLSX, CSV or YAML)"))
    dry_run = forms.BooleanField(label=_("Check only (dry run)"), required=False)


class PushRecordForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=Push.State.choices)
    on = forms.DateField(label=_("Date"), required=False, widget=DATE)
    amount_wan = forms.DecimalField(
        label=_("Amount paid (10k CNY)"), required=False, max_digits=12, decimal_places=2
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Officer"), queryset=None)

    def __init__(self, *args, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officers


__all__ = ["PolicyForm", "ClauseForm", "ImportForm", "PushRecordForm", "AssignForm", "Policy"]
