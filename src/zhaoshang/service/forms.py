"""Forms of the service desk: the public appeal form, cadre entry and the handling steps."""

from __future__ import annotations

import random
import re

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from zhaoshang.accounts.models import Organisation
from zhaoshang.service.models import Appeal, Category

PHONE = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
MAX_ATTACHMENT_MB = 5
ATTACHMENT_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".doc", ".xls"}
CHALLENGE_SALT = "service.public.challenge"


def new_challenge() -> tuple[str, str]:
    """An offline challenge (no outside service): a sum, with its answer signed into a token."""
    a, b = random.randint(2, 9), random.randint(2, 9)
    return f"{a} + {b} = ?", signing.dumps(a + b, salt=CHALLENGE_SALT)


def clean_phone(value: str) -> str:
    value = re.sub(r"[\s()（）]", "", value or "")
    if not PHONE.match(value):
        raise forms.ValidationError(
            _("Enter a mobile number (11 digits) or a landline such as 0731-12345678.")
        )
    return value


class PublicAppealForm(forms.Form):
    firm = forms.CharField(label=_("Firm name or credit code"), max_length=255)
    contact = forms.CharField(label=_("Contact person"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=32)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(), required=False)
    content = forms.CharField(
        label=_("Your problem"), widget=forms.Textarea(attrs={"rows": 6}), max_length=4000
    )
    attachment = forms.FileField(label=_("Attachment (optional)"), required=False)
    answer = forms.IntegerField(label=_("Answer"))
    token = forms.CharField(widget=forms.HiddenInput)
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
    )
    consent = forms.BooleanField(label=_("I agree that my contact details are used to handle this appeal."))

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return upload
        name = upload.name.lower()
        if not any(name.endswith(ext) for ext in ATTACHMENT_TYPES):
            raise forms.ValidationError(_("Attach a PDF, image, Word or Excel file."))
        if upload.size > MAX_ATTACHMENT_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The attachment is larger than %(mb)s MB.") % {"mb": MAX_ATTACHMENT_MB}
            )
        return upload

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(_("Please try again."))
        try:
            expected = signing.loads(data.get("token", ""), salt=CHALLENGE_SALT, max_age=3600)
        except signing.BadSignature:
            raise forms.ValidationError(_("The check question expired; please answer the new one.")) from None
        if data.get("answer") is not None and data["answer"] != expected:
            self.add_error("answer", _("That is not the right answer."))
        return data


class StatusForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=16)
    phone = forms.CharField(label=_("Phone"), max_length=32)
    message = forms.CharField(
        label=_("Add a message"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean_phone(self):
        return re.sub(r"[\s()（）]", "", self.cleaned_data["phone"])


class CadreAppealForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[
            (c.value, c.label) for c in (Appeal.Channel.CADRE, Appeal.Channel.PHONE, Appeal.Channel.VISIT)
        ],
    )
    firm = forms.CharField(label=_("Firm name"), max_length=255)
    uscc = forms.CharField(label=_("Credit code"), max_length=64, required=False)
    contact = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(), required=False)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 5}))


def departments():
    return Organisation.objects.filter(
        kind__in=[Organisation.Kind.DEPARTMENT, Organisation.Kind.PARK, Organisation.Kind.TOWN]
    ).order_by("name")


class RouteForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Organisation.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments()


class JointForm(forms.Form):
    departments = forms.ModelMultipleChoiceField(
        label=_("Joint departments"), queryset=Organisation.objects.none()
    )
    note = forms.CharField(label=_("Their part"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = departments()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply to the firm"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class CloseForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=Appeal.Result.choices)
    note = forms.CharField(
        label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), choices=Appeal.Satisfaction.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("12345 export (XLSX or CSV)"))
    dry_run = forms.BooleanField(label=_("Dry run (write nothing)"), required=False)


class VisitForm(forms.Form):
    findings = forms.CharField(
        label=_("What the visit found"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    problem = forms.CharField(
        label=_("A problem to handle (becomes an appeal)"), required=False, max_length=2000
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(), required=False)


class DateInput(forms.DateInput):
    input_type = "date"


class ProblemForm(forms.Form):
    """The edit of a structural problem (共性问题); ``version`` is the one read (optimistic locking)."""

    title = forms.CharField(label=_("Problem"), max_length=200)
    owner = forms.ModelChoiceField(
        label=_("Owner (responsible organisation)"), queryset=Organisation.objects.order_by("path")
    )
    decision = forms.ChoiceField(label=_("Decision"))
    decision_text = forms.CharField(
        label=_("What will change"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput)
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    status = forms.ChoiceField(label=_("Status"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        from zhaoshang.service.models import StructuralProblem

        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = StructuralProblem.Decision.choices
        self.fields["status"].choices = StructuralProblem.Status.choices


class DirectoryForm(forms.Form):
    file = forms.FileField(label=_("Directory file (XLSX or CSV)"))


class DepartmentConfirmForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)


class DepartmentMergeForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Merge into"), queryset=Organisation.objects.order_by("path"))
