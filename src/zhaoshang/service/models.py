"""The service desk: appeals (诉求) from every channel, their history, categories, visits and structural problems.

Writes go through `service.services`; these classes hold data and invariants only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhaoshang.accounts.models import Organisation


class Category(models.Model):
    """A node of the configurable category tree (用地, 用工, 融资 …) with its default department and limits."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    department = models.ForeignKey(
        Organisation,
        verbose_name=_("default department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    response_days = models.PositiveSmallIntegerField(_("response limit (working days)"), default=1)
    handling_days = models.PositiveSmallIntegerField(_("handling limit (working days)"), default=5)
    urgent_handling_days = models.PositiveSmallIntegerField(
        _("handling limit when urgent (working days)"), default=2
    )
    order = models.PositiveSmallIntegerField(default=0)

    permission_object = "reference"
    scope_fields = ()

    class Meta:
        verbose_name = _("appeal category")
        verbose_name_plural = _("appeal categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Appeal(models.Model):
    """A firm's 诉求, owned by the organisation that first received it (首接负责) until accepted elsewhere."""

    class Channel(models.TextChoices):
        PUBLIC = "public", _("Public form")
        CADRE = "cadre", _("Entered by a cadre")
        PHONE = "phone", _("Phone call")
        VISIT = "visit", _("Visit")
        HOTLINE = "hotline", _("12345 import")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ASSIGNED = "assigned", _("Assigned")
        ACCEPTED = "accepted", _("Being handled")
        WAITING = "waiting", _("Waiting for the firm")
        CLOSED = "closed", _("Closed")

    class Result(models.TextChoices):
        SOLVED = "solved", _("Solved")
        PARTLY = "partly", _("Partly solved")
        UNSOLVED = "unsolved", _("Not solved")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASIC = "basic", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")
        UNRATED = "unrated", _("Not rated")

    ticket = models.CharField(_("12345 ticket number"), max_length=64, null=True, blank=True, unique=True)
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, db_index=True)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("firm"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals",
    )
    firm_name = models.CharField(_("firm name"), max_length=255, blank=True)
    firm_uscc = models.CharField(_("credit code"), max_length=64, blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, db_index=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL
    )
    category_text = models.CharField(_("category as written"), max_length=100, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    title = models.CharField(_("title"), max_length=200, blank=True)
    content = models.TextField(_("content"), blank=True)

    receiving_org = models.ForeignKey(
        Organisation,
        verbose_name=_("first receiver"),
        on_delete=models.PROTECT,
        related_name="appeals_received",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    department = models.ForeignKey(
        Organisation,
        verbose_name=_("lead department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals_handled",
    )
    department_text = models.CharField(_("department as written"), max_length=200, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The organisation the firm belongs to in the registry: service officers see their firms' appeals.
    firm_org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )

    received_at = models.DateTimeField(_("received"))
    received_date = models.DateField(_("date received"), db_index=True)
    response_days = models.PositiveSmallIntegerField(_("response limit (working days)"), default=1)
    handling_days = models.PositiveSmallIntegerField(
        _("handling limit (working days)"), null=True, blank=True
    )
    response_due = models.DateField(_("respond by"))
    handling_due = models.DateField(_("close by"), db_index=True)
    paused_since = models.DateField(_("paused since"), null=True, blank=True)

    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    responded_in_time = models.BooleanField(default=False)
    reply = models.TextField(_("reply to the firm"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_on_time = models.BooleanField(default=False)
    days_to_close = models.PositiveIntegerField(null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    result_note = models.TextField(_("result explanation"), blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    flags = models.JSONField(_("flags"), default=list, blank=True)
    personal_data_erased = models.BooleanField(default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    permission_object = "appeal"
    scope_fields = ("receiving_org", "department", "firm_org")

    # optimistic locking (core.locking) of the actions taken on the appeal's page: NULL counts as 0
    version = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["handling_due", "id"]
        indexes = [
            # covers the rates dashboard: one index range scan by date, no table look-up
            models.Index(
                fields=[
                    "received_date",
                    "department",
                    "category",
                    "channel",
                    "status",
                    "result",
                    "responded_in_time",
                    "closed_on_time",
                    "satisfaction",
                    "reopen_count",
                    "days_to_close",
                    "first_response_at",
                ],
                name="service_appeal_rates_cover",
            ),
        ]

    def __str__(self) -> str:
        return self.ticket or self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class Attachment(models.Model):
    """A file sent with an appeal (size and type limited by the form)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="service/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)

    permission_object = "appeal"
    scope_fields = ("appeal__receiving_org", "appeal__department", "appeal__firm_org")

    def __str__(self) -> str:
        return str(self.name)


class JointHandling(models.Model):
    """A department that handles part of an appeal with the lead department (协办)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="joint")
    department = models.ForeignKey(
        Organisation, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("their part"), blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    permission_object = "appeal"
    scope_fields = ("department", "appeal__receiving_org", "appeal__department")

    class Meta:
        verbose_name = _("joint handling")
        verbose_name_plural = _("joint handling")
        constraints = [models.UniqueConstraint(fields=["appeal", "department"], name="service_joint_once")]

    def __str__(self) -> str:
        return str(f"{self.appeal_id} + {self.department_id}")


class AppealEvent(models.Model):
    """One step in an appeal's life: received, assigned, transferred, sent back, paused, replied, closed, rated …"""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        ASSIGNED = "assigned", _("Assigned")
        ACCEPTED = "accepted", _("Accepted")
        TRANSFERRED = "transferred", _("Transferred")
        SENT_BACK = "sent_back", _("Sent back")
        JOINT = "joint", _("Joint handling")
        PAUSED = "paused", _("Paused")
        RESUMED = "resumed", _("Resumed")
        REPLIED = "replied", _("Replied")
        FIRM_MESSAGE = "firm_message", _("Message from the firm")
        CLOSED = "closed", _("Closed")
        RATED = "rated", _("Satisfaction recorded")
        REOPENED = "reopened", _("Reopened")
        ESCALATED = "escalated", _("Escalated")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_org = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    level = models.CharField(max_length=20, blank=True)  # escalation step
    text = models.TextField(blank=True)

    permission_object = "appeal"
    scope_fields = ("appeal__receiving_org", "appeal__department", "appeal__firm_org")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["appeal", "kind", "level"], name="service_event_step")]

    def __str__(self) -> str:
        return str(f"{self.appeal_id} {self.kind}")


class DepartmentReview(models.Model):
    """A department organisation created from an unknown 承办单位, waiting for an administrator to confirm it."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="service_review")
    name_as_written = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when an administrator found the department to be another name of an existing one: imports route there.
    merged_into = models.ForeignKey(
        Organisation,
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    permission_object = "organisation"
    scope_fields = ("organisation",)

    def __str__(self) -> str:
        return str(self.name_as_written)


class PublicThrottle(models.Model):
    """Submissions of the public form per IP and per phone, for rate limiting (kept a day)."""

    key = models.CharField(max_length=80, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return str(self.key)


class Visit(models.Model):
    """A planned or done 走访 of a firm by a service officer."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("firm"), on_delete=models.CASCADE, related_name="service_visits"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    planned_for = models.DateField(_("planned for"))
    plan = models.CharField(_("plan"), max_length=100, blank=True)
    # The automatic plan this visit belongs to (``above_scale:2026Q4:<firm>``, ``landed:<project>``): one visit per
    # key and firm, so re-running the planner changes nothing. Empty for visits planned by hand.
    plan_key = models.CharField(max_length=80, blank=True, default="")
    done_on = models.DateField(_("visited on"), null=True, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    is_demo = models.BooleanField(default=False)

    permission_object = "appeal"
    scope_fields = ("organisation", "enterprise__organisation")

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["planned_for", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "plan_key"], condition=~Q(plan_key=""), name="service_visit_plan_once"
            )
        ]

    def __str__(self) -> str:
        return str(f"{self.enterprise_id} {self.planned_for}")


class StructuralProblem(models.Model):
    """A recurring problem (共性问题) raised for a structural fix: owner, decision, deadline, outcome."""

    class Decision(models.TextChoices):
        POLICY = "policy", _("Policy")
        FACILITY = "facility", _("Facility")
        RULE = "rule", _("Rule change")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DECIDED = "decided", _("Decided")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    title = models.CharField(_("problem"), max_length=200)
    terms = models.JSONField(default=list, blank=True)
    appeals = models.ManyToManyField(Appeal, related_name="structural_problems", blank=True)
    owner = models.ForeignKey(
        Organisation, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.OTHER
    )
    decision_text = models.TextField(_("what will change"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, null=True)
    # optimistic locking (core.locking): NULL counts as 0
    version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    is_demo = models.BooleanField(default=False)

    permission_object = "appeal"
    scope_fields = ("owner",)

    class Meta:
        verbose_name = _("structural problem")
        verbose_name_plural = _("structural problems")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.DONE, self.Status.DROPPED)


class ImportRun(models.Model):
    """A 12345 import started from the web: its saved file, progress, counts and row-numbered issues.

    The import runs in a background thread in one transaction; while it runs, its progress is kept in the process
    (``importing.live_progress``), since the transaction hides row writes from other connections. A run whose thread
    died with the server (not live, no sign of life for the grace period) is *interrupted* and can be re-run over its
    saved file: the import is idempotent by 工单编号, so a re-run is always safe.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("receiving organisation"), on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=200)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    issues = models.JSONField(default=list, blank=True)
    issue_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    permission_object = "appeal"
    scope_fields = ("organisation",)

    class Meta:
        verbose_name = _("12345 import")
        verbose_name_plural = _("12345 imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(f"#{self.pk} {self.file_name}")
