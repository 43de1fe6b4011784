"""Policies (惠企政策) and their clauses with structured conditions, every change versioned; firm
qualifications and R&D figures the conditions read; and the 免申即享 pushes of a clause to its firms.

Writes go through `policies.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhaoshang.accounts.models import Organisation


class Policy(models.Model):
    code = models.CharField(_("document number"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuing body"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    source_url = models.CharField(_("source link"), max_length=500, blank=True)
    source_file = models.FileField(_("source document"), upload_to="policies/", blank=True)
    summary = models.TextField(_("summary"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_demo = models.BooleanField(_("demo"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    permission_object = "policy"
    scope_fields = ()

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["-valid_from", "code"]

    def __str__(self) -> str:
        return self.title

    def in_force(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Clause(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="clauses")
    number = models.CharField(_("article"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text of the clause"))
    benefit = models.CharField(_("benefit"), max_length=200, blank=True)
    amount_wan = models.DecimalField(
        _("amount (10k CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    no_application = models.BooleanField(_("granted without application (免申即享)"), default=False)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    permission_object = "policy"
    scope_fields = ()

    class Meta:
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        ordering = ["policy", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policies_clause_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class PolicyVersion(models.Model):
    """A snapshot of a policy and all its clauses after a change (the version history)."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=255, blank=True)

    permission_object = "policy"
    scope_fields = ()

    class Meta:
        ordering = ["policy", "-version"]
        constraints = [models.UniqueConstraint(fields=["policy", "version"], name="policies_version_once")]

    def __str__(self) -> str:
        return f"{self.policy_id} v{self.version}"


class FirmQualification(models.Model):
    """A qualification of a firm (高新技术企业, 专精特新, 规上 …) with its dates and where it was seen."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.CASCADE, related_name="qualifications"
    )
    tag = models.CharField(_("qualification"), max_length=50)
    obtained = models.DateField(_("obtained"), null=True, blank=True)
    expires = models.DateField(_("expires"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    permission_object = "enterprise"
    scope_fields = ("enterprise__organisation",)

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["enterprise", "tag", "-obtained"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "tag", "obtained"], name="policies_qualification_once"
            )
        ]

    def __str__(self) -> str:
        return self.tag


class FirmRD(models.Model):
    """A firm's R&D spending as a share of revenue for a year (研发投入占比, percent)."""

    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.CASCADE, related_name="rd_figures")
    year = models.PositiveSmallIntegerField(_("year"))
    rd_ratio = models.DecimalField(_("R&D ratio (%)"), max_digits=6, decimal_places=2)
    source = models.CharField(_("source"), max_length=200, blank=True)

    permission_object = "enterprise"
    scope_fields = ("enterprise__organisation",)

    class Meta:
        ordering = ["enterprise", "-year"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="policies_rd_year_once")]

    def __str__(self) -> str:
        return f"{self.year}: {self.rd_ratio}%"


class Push(models.Model):
    """A clause pushed to a firm that meets it (免申即享): who serves it, and notified → applied → paid."""

    class State(models.TextChoices):
        ELIGIBLE = "eligible", _("Eligible")
        NOTIFIED = "notified", _("Notified")
        APPLIED = "applied", _("Applied")
        PAID = "paid", _("Paid")
        DECLINED = "declined", _("Declined")

    clause = models.ForeignKey(
        Clause, verbose_name=_("clause"), on_delete=models.CASCADE, related_name="pushes"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("firm"), on_delete=models.CASCADE, related_name="policy_pushes"
    )
    # The firm's organisation (denormalised for scoping).
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    eligible_on = models.DateField(_("eligible on"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="policy_pushes",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ELIGIBLE)
    notified_on = models.DateField(_("notified on"), null=True, blank=True)
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    amount_wan = models.DecimalField(
        _("amount paid (10k CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    permission_object = "policy_push"
    scope_fields = ("organisation",)

    class Meta:
        verbose_name = _("policy push")
        verbose_name_plural = _("policy pushes")
        ordering = ["clause", "state", "id"]
        constraints = [models.UniqueConstraint(fields=["clause", "enterprise"], name="policies_push_once")]

    def __str__(self) -> str:
        return f"{self.clause} → {self.enterprise}"

    @property
    def days_to_payment(self) -> int | None:
        return (self.paid_on - self.eligible_on).days if self.paid_on else None
