"""Approval cases (全程代办), their items, the government's promises at signing, and public tracking codes.

Writes go through `approvals.services`; these classes hold data and invariants only.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhaoshang.accounts.models import Organisation


class ApprovalTemplate(models.Model):
    """The items a project type needs (stored as the core's template dict; the default ships in the code)."""

    project_type = models.CharField(_("project type"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    data = models.JSONField(_("items"), default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    permission_object = "approval_template"
    scope_fields = ()

    class Meta:
        verbose_name = _("approval template")
        verbose_name_plural = _("approval templates")
        ordering = ["project_type"]

    def __str__(self) -> str:
        return self.name


class ApprovalCase(models.Model):
    """The agency case of one signed project: the service team runs every approval for the firm."""

    project = models.OneToOneField(
        "pipeline.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="approval_case"
    )
    project_type = models.CharField(_("project type"), max_length=40, default="industrial")
    template_name = models.CharField(_("template"), max_length=100, blank=True)
    # The project's team (denormalised for scoping) and the service centre running the case.
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    service_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("service team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approval_cases",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approval_cases",
    )
    start = models.DateField(_("start"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(_("demo"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    permission_object = "approval_case"
    scope_fields = ("organisation", "service_organisation")

    class Meta:
        verbose_name = _("approval case")
        verbose_name_plural = _("approval cases")
        ordering = ["-start", "-id"]

    def __str__(self) -> str:
        return str(self.project)


class ApprovalItem(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        NOT_NEEDED = "not_needed", _("Not needed")

    case = models.ForeignKey(ApprovalCase, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("item"), max_length=100)
    order = models.PositiveSmallIntegerField(default=0)
    department = models.ForeignKey(
        Organisation,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approval_items",
    )
    department_name = models.CharField(_("department"), max_length=100)
    limit_days = models.PositiveSmallIntegerField(_("legal time limit (working days)"))
    prerequisites = models.JSONField(_("prerequisites"), default=list, blank=True)
    materials = models.JSONField(_("materials"), default=list, blank=True)
    materials_received = models.JSONField(_("materials received"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PENDING)
    started_on = models.DateField(_("started"), null=True, blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)
    promise = models.BooleanField(_("on a promise (承诺制)"), default=False)
    promise_allowed = models.BooleanField(default=False)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    trips = models.PositiveSmallIntegerField(_("trips by the firm"), default=0)
    stamps = models.PositiveSmallIntegerField(_("stamps collected"), default=0)
    baseline_trips = models.PositiveSmallIntegerField(_("baseline trips"), default=0)
    baseline_stamps = models.PositiveSmallIntegerField(_("baseline stamps"), default=0)
    milestone = models.CharField(max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)

    permission_object = "approval_item"
    scope_fields = ("case__organisation", "case__service_organisation", "department")

    class Meta:
        verbose_name = _("approval item")
        verbose_name_plural = _("approval items")
        ordering = ["case", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="approvals_item_code_once")]
        indexes = [models.Index(fields=["department", "state"], name="approvals_item_dept_state")]

    def __str__(self) -> str:
        return self.name


class Promise(models.Model):
    """What the government promised the investor at signing (政府承诺事项)."""

    class Kind(models.TextChoices):
        LAND = "land", _("Land delivery")
        UTILITIES = "utilities", _("Utilities connected (七通一平)")
        ROAD = "road", _("Road built")
        SUBSIDY = "subsidy", _("Subsidy paid")
        RENT = "rent", _("Rent relief")
        HOUSING = "housing", _("Talent housing")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        FULFILLED = "fulfilled", _("Fulfilled")
        BROKEN = "broken", _("Not kept")

    project = models.ForeignKey(
        "pipeline.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="promises"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Organisation, verbose_name=_("owner department"), on_delete=models.PROTECT, related_name="promises"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("promise"), max_length=300)
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    evidence = models.TextField(_("evidence of fulfilment"), blank=True)
    fulfilled_on = models.DateField(_("fulfilled on"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    permission_object = "promise"
    scope_fields = ("organisation", "department")

    class Meta:
        verbose_name = _("government promise")
        verbose_name_plural = _("government promises")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["state", "deadline"], name="approvals_promise_due")]

    def __str__(self) -> str:
        return self.title


class PromiseEscalation(models.Model):
    """An escalation level already told about a promise (so each level is told once)."""

    promise = models.ForeignKey(Promise, on_delete=models.CASCADE, related_name="escalations")
    level = models.CharField(max_length=20)
    told_on = models.DateField()

    permission_object = "promise"
    scope_fields = ("promise__organisation", "promise__department")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["promise", "level"], name="approvals_escalation_once")]

    def __str__(self) -> str:
        return f"{self.promise_id} {self.level}"


def new_tracking_code() -> str:
    return secrets.token_urlsafe(9)


class TrackingCode(models.Model):
    """The code a firm uses to follow its project's promises on the public page (no login)."""

    project = models.OneToOneField("pipeline.Project", on_delete=models.CASCADE, related_name="tracking")
    code = models.CharField(max_length=32, unique=True, default=new_tracking_code)
    created_at = models.DateTimeField(default=timezone.now)

    permission_object = "promise"
    scope_fields = ("project__organisation",)

    def __str__(self) -> str:
        return self.code
