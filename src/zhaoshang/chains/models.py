"""Industrial chains: a tree of nodes, and firms placed on nodes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Chain(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.TextField(_("source"), blank=True)
    extra = models.JSONField(default=dict, blank=True)

    permission_object = "chain"
    scope_fields = ()  # shared knowledge: every role that may see chains sees all of them

    class Meta:
        verbose_name = _("industrial chain")
        verbose_name_plural = _("industrial chains")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChainNode(models.Model):
    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="nodes")
    key = models.SlugField(_("key"), max_length=80)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    path = models.CharField(_("path"), max_length=500)
    depth = models.PositiveSmallIntegerField(default=1)
    order = models.PositiveIntegerField(default=0)
    weight = models.FloatField(_("weight (share of parent)"), null=True, blank=True)
    abs_weight = models.FloatField(_("weight (share of chain)"), default=0)
    weight_source = models.CharField(_("weight source"), max_length=255, blank=True)
    weight_estimate = models.BooleanField(_("weight is an estimate"), default=True)
    key_node = models.BooleanField(_("key node"), default=False)
    aliases = models.JSONField(default=list, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    exclude = models.JSONField(default=list, blank=True)
    industry_codes = models.JSONField(default=list, blank=True)
    hs_codes = models.JSONField(default=list, blank=True)
    card = models.JSONField(_("knowledge card"), default=dict, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    permission_object = "chain"
    scope_fields = ()

    class Meta:
        verbose_name = _("chain node")
        verbose_name_plural = _("chain nodes")
        ordering = ["chain", "order"]
        constraints = [models.UniqueConstraint(fields=["chain", "key"], name="unique_node_key_per_chain")]

    def __str__(self) -> str:
        return f"{self.chain.name} / {self.path}"


class ChainLink(models.Model):
    """A supply link: `source` supplies `target` (e.g. IGBT module → traction converter)."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="links")
    source = models.ForeignKey(ChainNode, on_delete=models.CASCADE, related_name="supplies")
    target = models.ForeignKey(ChainNode, on_delete=models.CASCADE, related_name="supplied_by")
    extra = models.JSONField(default=dict, blank=True)

    permission_object = "chain"
    scope_fields = ()

    class Meta:
        verbose_name = _("supply link")
        verbose_name_plural = _("supply links")
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="unique_chain_link")]

    def __str__(self) -> str:
        return f"{self.source.name} → {self.target.name}"


class SupplyLink(models.Model):
    """A known supply relation between two firms (the supplier sells to the customer), optionally for a node.

    It is evidence: the supplier is placed on the node with evidence «supply relation», and a target list may
    name the local customer. Shared knowledge like the registry (who recorded it is kept, not used to hide it).
    """

    supplier = models.ForeignKey("registry.Enterprise", on_delete=models.CASCADE, related_name="supplies_to")
    customer = models.ForeignKey("registry.Enterprise", on_delete=models.CASCADE, related_name="supplied_by")
    node = models.ForeignKey(
        ChainNode, null=True, blank=True, on_delete=models.CASCADE, related_name="supply_links"
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    permission_object = "chain_assignment"
    scope_fields = ()

    class Meta:
        verbose_name = _("supply relation")
        verbose_name_plural = _("supply relations")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "customer", "node"], name="unique_supply_link")
        ]

    def __str__(self) -> str:
        return f"{self.supplier} → {self.customer}"


class NodeAssignment(models.Model):
    """A firm placed on a chain node, by a rule, the learned layer, or a person."""

    class Method(models.TextChoices):
        RULE = "rule", _("Rule")
        LEARNED = "learned", _("Learned")
        MANUAL = "manual", _("Manual")

    class Evidence(models.TextChoices):
        """See chains/analysis/evidence.py: only the first four count as coverage."""

        CONFIRMED = "confirmed", _("Confirmed")
        SUPPLY = "supply", _("Supply relation")
        PRODUCT = "product", _("Product evidence")
        CODE_RULE = "code_rule", _("Deciding industry code")
        CODE_PRIOR = "code_prior", _("Industry code only (to verify)")

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    enterprise = models.ForeignKey(
        "registry.Enterprise", on_delete=models.CASCADE, related_name="node_assignments"
    )
    node = models.ForeignKey(ChainNode, on_delete=models.CASCADE, related_name="assignments")
    method = models.CharField(max_length=10, choices=Method.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUGGESTED)
    score = models.FloatField(default=0)
    evidence = models.CharField(
        _("evidence"), max_length=10, choices=Evidence.choices, default=Evidence.PRODUCT, db_index=True
    )
    reasons = models.JSONField(default=list, blank=True)
    alternatives = models.JSONField(_("alternatives"), default=list, blank=True)  # [[node_id, score], ...]
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    permission_object = "chain_assignment"
    scope_fields = ()  # the registry is shared: every assignment is visible to whoever may see assignments

    class Meta:
        verbose_name = _("node assignment")
        verbose_name_plural = _("node assignments")
        constraints = [models.UniqueConstraint(fields=["enterprise", "node"], name="unique_assignment")]
        indexes = [models.Index(fields=["status", "method"], name="assignment_status_method")]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.node}"


class TargetsSeen(models.Model):
    """The targets a chain-office user had seen on the workbench, so it can say which are new since the last
    visit: ``baseline`` = the target ids known before today's first visit, ``current`` = those shown today."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="+")
    region_code = models.CharField(max_length=12)
    day = models.DateField()
    baseline = models.JSONField(default=list)
    current = models.JSONField(default=list)

    permission_object = "chain"
    scope_fields = ()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "chain", "region_code"], name="unique_targets_seen")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.chain_id} {self.region_code} {self.day}"
