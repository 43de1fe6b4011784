from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.accounts.models import Organisation, User
from zhaoshang.approvals.models import ApprovalItem, Promise

DATE = forms.DateInput(attrs={"type": "date"})


class OpenCaseForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Signed project"), queryset=None)
    project_type = forms.ChoiceField(label=_("Project type"), choices=())
    agent = forms.ModelChoiceField(label=_("Agent"), queryset=None, required=False)

    def __init__(self, *args, projects=None, types=(), agents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project_type"].choices = types
        self.fields["agent"].queryset = agents if agents is not None else User.objects.none()


class ItemForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=ApprovalItem.State.choices)
    started_on = forms.DateField(label=_("Started"), required=False, widget=DATE)
    done_on = forms.DateField(label=_("Done"), required=False, widget=DATE)
    add_trips = forms.IntegerField(
        label=_("Trips the firm made"), min_value=0, max_value=99, required=False, initial=0
    )
    add_stamps = forms.IntegerField(
        label=_("Stamps collected"), min_value=0, max_value=999, required=False, initial=0
    )
    promise = forms.BooleanField(label=_("On a promise (承诺制)"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    materials_received = forms.MultipleChoiceField(
        label=_("Materials received"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, materials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["materials_received"].choices = [(m, m) for m in materials]
        if not materials:
            del self.fields["materials_received"]


class PromiseForm(forms.Form):
    title = forms.CharField(label=_("Promise"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=Promise.Kind.choices)
    department = forms.ModelChoiceField(
        label=_("Owner department"), queryset=Organisation.objects.filter(kind="department")
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)


class PromiseUpdateForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=Promise.State.choices)
    evidence = forms.CharField(
        label=_("Evidence of fulfilment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    fulfilled_on = forms.DateField(label=_("Fulfilled on"), required=False, widget=DATE)
