from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from zhaoshang.accounts.models import Organisation
from zhaoshang.registry.core.headers import FIELDS

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
