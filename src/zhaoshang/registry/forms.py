from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from zhaoshang.accounts.models import Organisation
from zhaoshang.core.messages import error_message
from zhaoshang.registry.core.headers import FIELDS
from zhaoshang.registry.firms import EDITABLE_FIELDS

ALLOWED_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or Excel)"))
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    source = forms.CharField(
        label=_("Source"),
        max_length=100,
        required=False,
        help_text=_("Where the file came from, e.g. 市场监管局 2025-06 export"),
    )
    mapping = forms.CharField(
        label=_("Column mapping"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "公司全名=name\n备注="}),
        help_text=_("Optional, one per line: header=field (an empty field ignores the column)."),
    )
    strict = forms.BooleanField(label=_("Strict: import nothing if any row is rejected"), required=False)
    dry_run = forms.BooleanField(label=_("Dry run: check only, write nothing"), required=False)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
            if organisations.count() == 1:
                self.fields["organisation"].initial = organisations.first()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("Upload a CSV or Excel file (.csv, .xlsx, .xls, .ods)."))
        limit = getattr(settings, "IMPORT_MAX_UPLOAD_MB", 500)
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": limit})
        return upload

    def clean_mapping(self):
        mapping: dict[str, str | None] = {}
        for line in (self.cleaned_data.get("mapping") or "").splitlines():
            if not line.strip():
                continue
            header, sep, target = line.partition("=")
            target = target.strip()
            if not sep or not header.strip():
                raise forms.ValidationError(_("Write each line as header=field."))
            if target and target not in FIELDS:
                raise forms.ValidationError(
                    _("Unknown field %(field)s; fields are: %(fields)s")
                    % {"field": target, "fields": ", ".join(FIELDS)}
                )
            mapping[header.strip()] = target or None
        return mapping


#: RegistryError code of ``firms.check_firm_fields`` → the form field it is about
_ERROR_FIELD = {
    "name_required": "name",
    "uscc_invalid": "uscc",
    "uscc_taken": "uscc",
    "region_invalid": "region_code",
    "industry_invalid": "industry_code",
}


class EnterpriseEditForm(forms.ModelForm):
    """A firm's own data, edited by hand; the park it is in; the version read (optimistic locking)."""

    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    tags_text = forms.CharField(
        label=_("Tags"), required=False, max_length=500, help_text=_("Separated by 、 or commas")
    )
    park = forms.ModelChoiceField(
        label=_("Park or town"), queryset=Organisation.objects.none(), required=False
    )

    class Meta:
        from zhaoshang.registry.models import Enterprise

        model = Enterprise
        fields = [f for f in EDITABLE_FIELDS if f != "tags"]  # the tags are edited as one text (tags_text)
        widgets = {
            "founded": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "scope": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        from zhaoshang.accounts.scoping import may_act_in, visible
        from zhaoshang.registry.models import FirmPark
        from zhaoshang.registry.parks import PARK_KINDS

        super().__init__(*args, **kwargs)
        self.user = user
        firm = self.instance
        self.fields["version"].initial = firm.version or 0
        self.fields["tags_text"].initial = "、".join(firm.tags or [])
        parks = visible(user, Organisation.objects.filter(kind__in=PARK_KINDS))
        allowed = [p.pk for p in parks if may_act_in(user, "enterprise", "change", p)]  # as on the park page
        self.fields["park"].queryset = Organisation.objects.filter(pk__in=allowed).order_by("name")
        self.current_park = FirmPark.objects.filter(enterprise=firm).values_list("park_id", flat=True).first()
        self.fields["park"].initial = self.current_park
        self.fields["uscc"].required = False
        self.fields["uscc"].validators = []  # checked with the registry's rules in clean()
        self.fields["uscc"].max_length = 64
        self.fields["uscc"].widget.attrs["maxlength"] = 64

    def clean_uscc(self):
        from zhaoshang.registry.core import uscc as uscc_core

        raw = (self.cleaned_data.get("uscc") or "").strip()
        return (uscc_core.normalise(raw) or raw) if raw else None

    def validate_unique(self):  # the credit code's uniqueness is said in the registry's words in clean()
        pass

    def clean(self):
        from zhaoshang.registry.firms import RegistryError, check_firm_fields

        data = super().clean()
        edited = {name: data.get(name) for name in self.changes() if name not in ("park",)}
        try:
            check_firm_fields(edited, firm=self.instance)
        except RegistryError as exc:
            self.add_error(_ERROR_FIELD.get(exc.code), error_message(exc))
        return data

    def _tags(self) -> list[str]:
        import re

        text = self.cleaned_data.get("tags_text") or ""
        return list(dict.fromkeys(t.strip() for t in re.split(r"[、,，;；\s]+", text) if t.strip()))

    def changes(self) -> dict:
        """The edited fields, as ``services.update_enterprise`` takes them (``park`` only when it changed)."""
        out = {name: self.cleaned_data.get(name) for name in self.changed_data if name in self._meta.fields}
        if "tags_text" in self.changed_data:
            out["tags"] = self._tags()
        if "park" in self.changed_data:
            out["park"] = self.cleaned_data.get("park")
        return out
