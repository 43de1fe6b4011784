"""The enterprise registry: one table for local and non-local firms ("local" is a matter of region)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhaoshang.accounts.models import Organisation


class ImportBatch(models.Model):
    """One run of an import: the file, who ran it, its counts and its error report."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        REFUSED = "refused", _("Refused (strict mode)")

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Last sign of life of the run: set when the batch is queued, starts and ends (the rows' progress goes to a
    # file beside the upload, see services.last_heartbeat: the import's one transaction hides row writes).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(max_length=64, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    dry_run = models.BooleanField(_("dry run"), default=False)
    strict = models.BooleanField(_("strict"), default=False)
    rows_total = models.PositiveIntegerField(_("rows in file"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    issues = models.JSONField(_("issues"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    # the code and params of ``message`` (the Chinese sentence as written), so that a page says it in its reader's
    # language (see said_message); empty for a message without a code
    message_code = models.CharField(max_length=64, blank=True)
    message_params = models.JSONField(default=dict, blank=True)

    permission_object = "import_batch"
    scope_fields = ("organisation",)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})" if self.created_at else self.file_name

    def said_message(self) -> str:
        """``message`` in the active language: its code's sentence when it has one, else as stored."""
        return said(self.message, self.message_code, self.message_params)


def said(message: str, code: str, params: dict | None) -> str:
    """A stored message (the Chinese sentence, its code and params) in the active language."""
    from zhaoshang.core.errors import DomainError
    from zhaoshang.core.messages import error_message

    if not code:
        return message
    return error_message(DomainError(message, code=code, **(params or {})))


class Enterprise(models.Model):
    # On SQLite, a migration that alters one of these fields rebuilds the table, which drops the triggers that
    # keep the full-text index (migration 0004) up to date: such a migration must create them again.
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, null=True, blank=True, unique=True
    )
    uscc_raw = models.CharField(_("credit code as written"), max_length=64, blank=True)
    reg_no = models.CharField(_("registration number"), max_length=32, blank=True)
    name = models.CharField(_("name"), max_length=255, db_index=True)
    name_key = models.CharField(_("normalised name"), max_length=255, db_index=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    legal_rep = models.CharField(_("legal representative"), max_length=100, blank=True)
    founded = models.DateField(_("founding date"), null=True, blank=True)
    capital_wan = models.DecimalField(
        _("registered capital (10k)"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    capital_raw = models.CharField(_("capital as written"), max_length=100, blank=True)
    company_type = models.CharField(_("company type"), max_length=100, blank=True)
    status = models.CharField(_("registration status"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    region_code = models.CharField(_("region code"), max_length=6, blank=True, db_index=True)
    industry_code = models.CharField(_("industry code"), max_length=5, blank=True, db_index=True)
    scope = models.TextField(_("business scope"), blank=True)
    description = models.TextField(_("description"), blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue_wan = models.DecimalField(
        _("revenue (10k CNY)"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    tax_wan = models.DecimalField(_("tax (10k CNY)"), max_digits=20, decimal_places=2, null=True, blank=True)
    website = models.CharField(_("website"), max_length=255, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    listed = models.BooleanField(_("listed company"), null=True, blank=True)
    # 规上 (规模以上): above the statistical size threshold; set by import (是否规上), the admin or the API.
    # Nullable with no default, so adding it on SQLite is an ALTER TABLE ADD COLUMN (no table rebuild).
    above_scale = models.BooleanField(_("above-scale firm"), null=True, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="enterprises"
    )
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="enterprises"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # optimistic locking (core.locking): NULL counts as 0, so adding the column to a big table rewrites nothing
    version = models.PositiveIntegerField(_("version"), null=True, blank=True, editable=False)

    permission_object = "enterprise"
    scope_fields = ("organisation",)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["founded"], name="registry_ent_founded"),
            models.Index(fields=["currency", "capital_wan"], name="registry_ent_capital"),
            models.Index(fields=["status"], name="registry_ent_status"),
        ]

    def __str__(self) -> str:
        return self.name


class DuplicateCandidate(models.Model):
    """Two firms that are probably one: found by fuzzy name matching, decided by a person (merge or dismiss)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MERGED = "merged", _("Merged")
        DISMISSED = "dismissed", _("Dismissed")

    first = models.ForeignKey(Enterprise, verbose_name=_("firm"), on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(
        Enterprise, verbose_name=_("probable duplicate"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(_("similarity"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    # the reason's code and values, to say it in the reader's language (see said_reason); empty for older pairs
    reason_code = models.CharField(max_length=64, blank=True)
    reason_params = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField(_("found"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    permission_object = "enterprise"
    scope_fields = ("first__organisation", "second__organisation")

    class Meta:
        verbose_name = _("probable duplicate")
        verbose_name_plural = _("probable duplicates")
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="registry_duplicate_pair_once")
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≈ {self.second_id} ({self.score:.0f})"

    @property
    def said_reason(self) -> str:
        """The reason in the active language (the stored Chinese in Chinese, and for a pair found before reasons
        had codes)."""
        from zhaoshang.registry.messages import note_message

        return note_message(self.reason_code, self.reason_params, self.reason)


class ParkRule(models.Model):
    """A rule that places firms in a park or town: a keyword of their address, or a region code prefix."""

    class Kind(models.TextChoices):
        ADDRESS = "address", _("Address contains")
        REGION = "region", _("Region code starts with")

    park = models.ForeignKey(
        Organisation, verbose_name=_("park or town"), on_delete=models.CASCADE, related_name="park_rules"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    pattern = models.CharField(_("pattern"), max_length=200)
    priority = models.IntegerField(_("priority"), default=0)

    permission_object = "enterprise"
    scope_fields = ("park",)

    class Meta:
        verbose_name = _("park rule")
        verbose_name_plural = _("park rules")
        ordering = ["park", "kind", "-priority", "pattern"]
        constraints = [models.UniqueConstraint(fields=["park", "kind", "pattern"], name="unique_park_rule")]

    def __str__(self) -> str:
        return f"{self.park_id} {self.kind} {self.pattern}"


class FirmPark(models.Model):
    """The park a firm is in: by a rule, by an import's column, or set by hand (a hand-set park is kept)."""

    class Source(models.TextChoices):
        RULE = "rule", _("Rule")
        IMPORT = "import", _("Import")
        MANUAL = "manual", _("Set by hand")

    enterprise = models.OneToOneField(Enterprise, on_delete=models.CASCADE, related_name="park_link")
    park = models.ForeignKey(
        Organisation, verbose_name=_("park or town"), on_delete=models.CASCADE, related_name="park_firms"
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.RULE)
    rule = models.ForeignKey(ParkRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    permission_object = "enterprise"
    scope_fields = ("enterprise__organisation", "park")

    class Meta:
        verbose_name = _("firm's park")
        verbose_name_plural = _("firms' parks")
        indexes = [models.Index(fields=["park", "source"], name="registry_firmpark_park")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} → {self.park_id}"
