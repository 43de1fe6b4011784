"""Notifications: what the system tells a person (in-app), where else it goes (channels) and what was sent.

Writes go through `notifications.services`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhaoshang.accounts.models import Organisation
from zhaoshang.notifications.messages import say


class Notification(models.Model):
    """One reminder or event for one user, shown in the notification centre (the bell)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40)
    # The object it is about ("app_label.model:pk"): one reminder per object, kind and user a day.
    object_key = models.CharField(max_length=100, blank=True)
    day = models.DateField(_("day"), default=timezone.localdate)
    # In the installation's language when it was made; shown only when the message code cannot say it.
    text = models.CharField(_("text"), max_length=500)
    # What it says, in the reader's language at display time (`notifications.messages`).
    message_code = models.CharField(max_length=60, blank=True)
    message_params = models.JSONField(default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "object_key", "day"], name="one_notification_per_object_day"
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notifications_unread")]

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        """What it says in the active language (the stored text for a row without a message code)."""
        return say(self.message_code, self.message_params, self.text)


class Preference(models.Model):
    """A user's choices: when the daily digest goes out (None: no digest)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    digest_time = models.TimeField(_("daily digest at"), null=True, blank=True, default=dt.time(8, 30))

    class Meta:
        verbose_name = _("notification preference")

    def __str__(self) -> str:
        return f"{self.user_id} {self.digest_time}"


class Channel(models.Model):
    """Where notifications go besides the bell: a user's e-mail, or a group bot of a user or an organisation.

    ``target`` (address or webhook URL) and ``secret`` are credentials for bots: never logged, never shown in full.
    """

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WECOM = "wecom", _("WeCom group bot")
        DINGTALK = "dingtalk", _("DingTalk group bot")
        FEISHU = "feishu", _("Feishu group bot")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notification_channels",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notification_channels",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    target = models.CharField(_("address or webhook URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    # Each notification at once, or only in the daily digest.
    immediate = models.BooleanField(_("send each notification at once"), default=False)
    # For an organisation's channel: when its daily digest goes out.
    digest_time = models.TimeField(_("daily digest at"), null=True, blank=True, default=dt.time(8, 30))
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    permission_object = "notification_channel"
    scope_fields = ("organisation",)

    class Meta:
        verbose_name = _("notification channel")
        verbose_name_plural = _("notification channels")
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, organisation__isnull=True)
                | models.Q(user__isnull=True, organisation__isnull=False),
                name="channel_belongs_to_user_or_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}".strip()

    def __repr__(self) -> str:  # the target and secret stay out of logs and tracebacks
        return f"<Channel {self.pk} {self.kind}>"

    @property
    def shown_target(self) -> str:
        from zhaoshang.notifications.core.channels import mask

        return self.target if self.kind == self.Kind.EMAIL else mask(self.target)


class Delivery(models.Model):
    """One message to one channel: a single notification or a daily digest; queued, retried, recorded."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Digest deliveries: the day they summarise (one per channel a day).
    digest_day = models.DateField(null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    url = models.CharField(max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "notification"],
                condition=models.Q(notification__isnull=False),
                name="one_delivery_per_notification_channel",
            ),
            models.UniqueConstraint(
                fields=["channel", "digest_day"],
                condition=models.Q(digest_day__isnull=False),
                name="one_digest_per_channel_day",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notifications_delivery_due")]

    def __str__(self) -> str:
        return self.subject
