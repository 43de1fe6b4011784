from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhaoshang.accounts.models import Organisation, User
from zhaoshang.accounts.scoping import assignable_organisations
from zhaoshang.pipeline import config
from zhaoshang.pipeline.models import Carrier, CoordinationItem, FollowUp, Project

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class ProjectForm(forms.ModelForm):
    investor_name = forms.CharField(label=_("Investor"), max_length=255)
    investor_uscc = forms.CharField(label=_("Investor's credit code"), max_length=64, required=False)

    class Meta:
        model = Project
        fields = [
            "name",
            "organisation",
            "owner",
            "source",
            "nodes",
            "description",
            "planned_investment_wan",
            "expected_output_wan",
            "expected_tax_wan",
            "expected_jobs",
            "need_kind",
            "need_area",
            "need_area_unit",
            "need_floor_load_kn_m2",
            "need_power_kva",
            "need_max_price",
            "need_available_by",
        ]
        widgets = {"need_available_by": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from django.urls import reverse

        from zhaoshang.chains.models import ChainNode

        orgs = assignable_organisations(user)
        if (
            "investor_name" in self.fields
        ):  # picked from the registry as one types (htmx); free text still works
            self.fields["investor_name"].widget.attrs.update(
                {
                    "list": "investor-options",
                    "autocomplete": "off",
                    "hx-get": reverse("pipeline:investor_options"),
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": "#investor-options",
                    "hx-swap": "innerHTML",
                }
            )
        if "nodes" in self.fields:
            self.fields["nodes"].queryset = ChainNode.objects.select_related("chain").order_by(
                "chain__name", "path"
            )
            self.fields["nodes"].label_from_instance = lambda node: f"{node.chain.name} · {node.name}"
            self.fields["nodes"].required = False
        if "organisation" in self.fields:
            self.fields["organisation"].queryset = orgs
            self.fields["organisation"].initial = user.organisation_id
        self.fields["owner"].queryset = User.objects.filter(organisation__in=orgs, is_active=True)
        self.fields["owner"].initial = user.pk


class ProjectEditForm(ProjectForm):
    """A project's own data after it was created: not its investor, organisation or stage (each has its own way)."""

    #: the version read (optimistic locking): a save over someone else's newer edit is refused
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    class Meta(ProjectForm.Meta):
        fields = [f for f in ProjectForm.Meta.fields if f != "organisation"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        del self.fields["investor_name"], self.fields["investor_uscc"]
        self.fields["version"].initial = self.instance.version or 0
        if (
            self.instance.owner_id
        ):  # a present owner the editor could not pick (moved, left) must not block other edits
            owners = self.fields["owner"].queryset
            self.fields["owner"].queryset = (
                owners | User.objects.filter(pk=self.instance.owner_id)
            ).distinct()

    def changes(self) -> dict:
        """The edited fields, as ``services.update_project`` takes them."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "version"}


class AdvanceForm(forms.Form):
    """Moving a project to another stage, with the data the configured stages require.

    Besides the stage and the reason, the form has one optional field per project field that some stage of
    ``PIPELINE_STAGES`` requires (model field's label and form field), so a configured requirement can always be
    filled in where the move is made.
    """

    stage = forms.ChoiceField(label=_("New stage"))
    reason = forms.CharField(
        label=_("Reason (when going back or reactivating)"), required=False, max_length=500
    )

    def __init__(self, *args, project: Project, carriers, **kwargs):
        self.FIELDS = tuple(config.requirement_fields())
        initial = {name: getattr(project, name) for name in self.FIELDS}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["stage"].choices = [c for c in config.stage_choices() if c[0] != project.stage]
        for name in self.FIELDS:
            model_field = Project._meta.get_field(name)
            extra = {"widget": DATE} if isinstance(model_field, models.DateField) else {}
            if isinstance(model_field, models.TextField):
                extra = {"widget": forms.Textarea(attrs={"rows": 2})}
            field = model_field.formfield(required=False, **extra)
            if name == "carrier":
                field.queryset = carriers
            elif name == "owner":
                field.queryset = User.objects.filter(organisation_id=project.organisation_id, is_active=True)
            self.fields[name] = field

    def stage_fields(self) -> dict:
        """Fields the user filled in (blank ones keep the project's value)."""
        return {
            name: self.cleaned_data[name]
            for name in self.FIELDS
            if self.cleaned_data.get(name) not in (None, "")
        }


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["date", "way", "participants", "content", "next_action", "next_due"]
        widgets = {"date": DATE, "next_due": DATE, "content": forms.Textarea(attrs={"rows": 3})}


class CoordinationItemForm(forms.ModelForm):
    class Meta:
        model = CoordinationItem
        fields = ["title", "department", "due", "description"]
        widgets = {"due": DATE, "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Organisation.objects.exclude(kind__in=["city"]).order_by(
            "kind", "name"
        )


class ItemUpdateForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=CoordinationItem.Status.choices)
    due = forms.DateField(label=_("due"), required=False, widget=DATE)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionRequestForm(forms.Form):
    new_due = forms.DateField(label=_("New deadline"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class CarrierForm(forms.ModelForm):
    class Meta:
        model = Carrier
        fields = [
            "organisation",
            "name",
            "kind",
            "location",
            "area",
            "area_unit",
            "floor_load_kn_m2",
            "power_kva",
            "price",
            "available_from",
            "status",
            "note",
        ]
        widgets = {"available_from": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = assignable_organisations(user).filter(kind="park")


class MeetingForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)
    org = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        empty_label=_("Whole city"),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel or CSV file"))
    organisation = forms.ModelChoiceField(label=_("Team"), queryset=Organisation.objects.none())
    dry_run = forms.BooleanField(label=_("Dry run (check only)"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = assignable_organisations(user)
        self.fields["organisation"].initial = user.organisation_id
