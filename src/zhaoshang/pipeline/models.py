"""Investment projects (招商项目), their stage history, follow-ups, tasks, coordination items and carriers.

Writes go through `pipeline.services`; these classes hold data and invariants only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhaoshang.accounts.models import Organisation

MONEY = {"max_digits": 14, "decimal_places": 2, "null": True, "blank": True}


class Carrier(models.Model):
    """A land parcel, standard factory building or office space offered by a park (载体)."""

    class Kind(models.TextChoices):
        LAND = "land", _("Land parcel")
        FACTORY = "factory", _("Standard factory")
        OFFICE = "office", _("Office space")

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        RESERVED = "reserved", _("Reserved")
        OCCUPIED = "occupied", _("Occupied")

    class AreaUnit(models.TextChoices):
        M2 = "m2", "㎡"
        MU = "mu", _("mu")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("park"), on_delete=models.PROTECT, related_name="carriers"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    location = models.CharField(_("location"), max_length=300, blank=True)
    area = models.DecimalField(_("area"), max_digits=14, decimal_places=2, null=True, blank=True)
    area_unit = models.CharField(_("area unit"), max_length=2, choices=AreaUnit.choices, default=AreaUnit.M2)
    floor_load_kn_m2 = models.DecimalField(
        _("floor load (kN/㎡)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    power_kva = models.DecimalField(
        _("power capacity (kVA)"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2, null=True, blank=True)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.AVAILABLE)
    note = models.TextField(_("note"), blank=True)

    permission_object = "carrier"
    scope_fields = ("organisation",)

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["organisation", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_carrier_name_per_park")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def price_unit(self) -> str:
        """The price's unit by convention of the kind (pipeline.core.carriers.PRICE_UNITS), in the user's language."""
        return str(_("10k CNY/mu") if self.kind == self.Kind.LAND else _("CNY/㎡·month"))


class Project(models.Model):
    """An investment project: an investor (registry firm), the team working it, its stage and its promises."""

    class Source(models.TextChoices):
        TARGET_LIST = "target_list", _("Chain target list")
        VIA_FIRM = "via_firm", _("Referred by a firm")
        CHAIN_LEADER = "chain_leader", _("Recommended by a chain leader firm")
        FAIR = "fair", _("Trade fair")
        WALK_IN = "walk_in", _("Walk-in")
        AGENCY = "agency", _("Agency or intermediary")
        OTHER = "other", _("Other")

    name = models.CharField(_("project name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("responsible team"), on_delete=models.PROTECT, related_name="projects"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_projects",
    )
    investor = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("investor"), on_delete=models.PROTECT, related_name="projects"
    )
    nodes = models.ManyToManyField(
        "chains.ChainNode", verbose_name=_("chain nodes"), blank=True, related_name="projects"
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.OTHER)
    source_ref = models.CharField(_("source reference"), max_length=200, blank=True, db_index=True)
    description = models.TextField(_("description"), blank=True)

    stage = models.CharField(_("stage"), max_length=20, default="lead", db_index=True)
    stage_changed_on = models.DateField(_("stage changed"), null=True, blank=True)

    planned_investment_wan = models.DecimalField(_("planned investment (10k CNY)"), **MONEY)
    expected_output_wan = models.DecimalField(_("expected annual output (10k CNY)"), **MONEY)
    expected_tax_wan = models.DecimalField(_("expected annual tax (10k CNY)"), **MONEY)
    expected_jobs = models.PositiveIntegerField(_("expected jobs"), null=True, blank=True)

    # Fields that stages require (names as in pipeline.core.stages).
    first_contact_date = models.DateField(_("first contact date"), null=True, blank=True)
    visit_date = models.DateField(_("site visit date"), null=True, blank=True)
    signed_date = models.DateField(_("agreement date"), null=True, blank=True)
    signed_amount_wan = models.DecimalField(_("agreement amount (10k CNY)"), **MONEY)
    location = models.CharField(_("location"), max_length=300, blank=True)
    carrier = models.ForeignKey(
        Carrier,
        verbose_name=_("carrier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    registered_uscc = models.CharField(_("registered company credit code"), max_length=18, blank=True)
    construction_start_date = models.DateField(_("construction start date"), null=True, blank=True)
    production_start_date = models.DateField(_("production start date"), null=True, blank=True)
    hold_reason = models.CharField(_("reason for holding"), max_length=500, blank=True)
    drop_reason = models.CharField(_("reason for dropping"), max_length=500, blank=True)

    # What the project needs from a carrier (matched against the carrier library).
    need_kind = models.CharField(
        _("carrier kind needed"), max_length=10, choices=Carrier.Kind.choices, blank=True
    )
    need_area = models.DecimalField(_("area needed"), max_digits=14, decimal_places=2, null=True, blank=True)
    need_area_unit = models.CharField(
        _("area unit"), max_length=2, choices=Carrier.AreaUnit.choices, default=Carrier.AreaUnit.M2
    )
    need_floor_load_kn_m2 = models.DecimalField(
        _("floor load needed (kN/㎡)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    need_power_kva = models.DecimalField(
        _("power needed (kVA)"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    need_max_price = models.DecimalField(
        _("price ceiling"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    need_available_by = models.DateField(_("needed by"), null=True, blank=True)

    last_followup_on = models.DateField(_("last follow-up"), null=True, blank=True)
    # The last follow-up, or the creation date when there is none: the start of the quiet time (going cold).
    quiet_since = models.DateField(_("quiet since"), default=timezone.localdate)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    #: optimistic locking (zhaoshang.core.locking): moved on by every edit
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    permission_object = "project"
    scope_fields = ("organisation",)

    class Meta:
        verbose_name = _("investment project")
        verbose_name_plural = _("investment projects")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "stage"], name="pipeline_project_org_stage"),
            models.Index(fields=["stage", "quiet_since"], name="pipeline_project_cold"),
            models.Index(fields=["owner", "stage"], name="pipeline_project_owner"),
            # an owner's projects by how long they have been quiet: the workbench's "going cold" list reads the
            # oldest first and stops at its length, instead of sorting all of them
            models.Index(fields=["owner", "quiet_since", "id"], name="pipeline_project_owner_quiet"),
        ]

    def __str__(self) -> str:
        return self.name

    def stage_fields(self) -> dict:
        """The values stage requirements are checked against."""
        names = (
            "first_contact_date",
            "visit_date",
            "planned_investment_wan",
            "signed_date",
            "signed_amount_wan",
            "location",
            "registered_uscc",
            "construction_start_date",
            "production_start_date",
            "hold_reason",
            "drop_reason",
            "expected_output_wan",
            "expected_tax_wan",
            "expected_jobs",
            "name",
            "description",
        )
        values = {name: getattr(self, name) for name in names}
        values["carrier_id"] = self.carrier_id
        values["owner_id"] = self.owner_id
        return values


class StageEvent(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_events")
    from_stage = models.CharField(_("from stage"), max_length=20, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=20)
    date = models.DateField(_("date"), db_index=True)
    # The team credited with the move (the project's team at the time).
    team = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    permission_object = "project"
    scope_fields = ("project__organisation",)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_stage or '—'} → {self.to_stage}"


class FollowUp(models.Model):
    """A record of contact with the investor (跟进记录), with the next action and its due date."""

    class Way(models.TextChoices):
        VISIT = "visit", _("Visit")
        CALL = "call", _("Phone call")
        MEETING = "meeting", _("Meeting")
        RECEIVED = "received", _("Received a visit")
        ONLINE = "online", _("Message or video call")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="followups")
    date = models.DateField(_("date"))
    way = models.CharField(_("way"), max_length=10, choices=Way.choices, default=Way.CALL)
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    content = models.TextField(_("content"))
    next_action = models.CharField(_("next action"), max_length=300, blank=True)
    next_due = models.DateField(_("next action due"), null=True, blank=True)
    # The next action was taken (closed by a later follow-up or by hand).
    done = models.BooleanField(_("next action done"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="followups"
    )
    created_at = models.DateTimeField(default=timezone.now)

    permission_object = "followup"
    scope_fields = ("project__organisation",)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["project", "date"], name="pipeline_followup_project"),
            # Open next actions per person (the workbench): a partial index stays small however many follow-ups
            # are recorded, and matches the query's ``NOT done`` (a plain index on ``done`` would not be used).
            models.Index(
                fields=["created_by", "next_due"],
                condition=models.Q(done=False),
                name="pipeline_followup_open_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_way_display()}"


class Task(models.Model):
    """Work the system asks of someone: a callback after first contact (主动回访) or a first-contact service
    visit to a newly registered firm. Not a FollowUp: a task may exist before any project (a new firm), belongs
    to a team as well as a person, and is open until done; a follow-up records what happened."""

    class Kind(models.TextChoices):
        CALLBACK = "callback", _("Callback")
        NEW_REGISTRATION = "new_registration", _("First contact with a newly registered firm")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pipeline_tasks",
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", null=True, blank=True, on_delete=models.CASCADE, related_name="pipeline_tasks"
    )
    due = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    followup = models.ForeignKey(FollowUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    permission_object = "followup"
    scope_fields = ("organisation",)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["organisation", "done_at", "due"], name="pipeline_task_open")]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(kind="new_registration"),
                name="one_new_registration_task",
            )
        ]

    def __str__(self) -> str:
        return self.title


class CoordinationItem(models.Model):
    """A problem blocking a project that another department must solve (需协调事项)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="coordination_items")
    title = models.CharField(_("problem"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    # The project's team (denormalised for scoping) and the department that must act.
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="coordination_items",
    )
    due = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    #: optimistic locking (zhaoshang.core.locking): moved on by every edit
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    permission_object = "coordination_item"
    scope_fields = ("organisation", "department")

    class Meta:
        verbose_name = _("coordination item")
        verbose_name_plural = _("coordination items")
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["status", "due"], name="pipeline_item_due")]

    def __str__(self) -> str:
        return self.title


class ItemEvent(models.Model):
    """The history of a coordination item: created, status changes, new due dates, notes."""

    item = models.ForeignKey(CoordinationItem, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=CoordinationItem.Status.choices)
    due = models.DateField(_("due"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    permission_object = "coordination_item"
    scope_fields = ("item__organisation", "item__department")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.status}"


class ExtensionRequest(models.Model):
    """A department handler asks to move a coordination item's deadline; the item's owner decides.

    The item keeps its due date (and stays overdue) until the request is approved."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    item = models.ForeignKey(CoordinationItem, on_delete=models.CASCADE, related_name="extension_requests")
    old_due = models.DateField(_("current deadline"))
    new_due = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    permission_object = "coordination_item"
    scope_fields = ("item__organisation", "item__department")

    class Meta:
        verbose_name = _("deadline extension request")
        verbose_name_plural = _("deadline extension requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(status="pending"), name="one_pending_extension_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.old_due} → {self.new_due}"
