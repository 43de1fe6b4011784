"""Notification services: create notifications (de-duplicated), queue and send deliveries, digests, read state.

Nothing here runs in a page's request except `notify` (one insert and, for immediate channels, a queued delivery):
sending happens in the worker.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zhaoshang.accounts.models import User
from zhaoshang.accounts.types import Actor
from zhaoshang.core import audit
from zhaoshang.core.errors import DomainError
from zhaoshang.notifications.core import channels as channel_core
from zhaoshang.notifications.messages import Notice
from zhaoshang.notifications.models import Channel, Delivery, Notification, Preference
from zhaoshang.notifications.registry import sources

log = logging.getLogger(__name__)


class NotificationError(DomainError):
    code = "notification_invalid"


def object_key(obj: Any) -> str:
    if obj is None:
        return ""
    return f"{obj._meta.label_lower}:{obj.pk}"


def language_of(user: Any) -> str:
    """The language of what is sent to ``user``: their choice, else the installation's."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def _channel_language(channel: Channel, user: Any = None) -> str:
    """A user's channel speaks its user's language; an organisation's (a group of people), the installation's."""
    if channel.user_id is None:
        return settings.LANGUAGE_CODE
    return language_of(user if user is not None and user.pk == channel.user_id else channel.user)


def _message_fields(text: Notice | str) -> dict[str, Any]:
    """The stored fields of a notification's message: its text in the installation's language and, for a notice,
    its code and parameters (said again in each reader's language)."""
    if isinstance(text, Notice):
        with translation.override(settings.LANGUAGE_CODE):
            return {"text": str(text)[:500], "message_code": text.code, "message_params": text.params}
    return {"text": text[:500]}


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.BASE_URL + url


# --- creating notifications ---------------------------------------------------------------------------------


def notify(
    user: Any, kind: str, obj: Any, text: Notice | str, url: str = "", *, day: dt.date | None = None
) -> Notification | None:
    """One notification for ``user`` about ``obj``; None when the same (kind, object) was already sent today.

    ``text`` is a :class:`~zhaoshang.notifications.messages.Notice` (said in each reader's language) or a plain
    text (stored and shown as it is)."""
    if user is None or not getattr(user, "is_active", False):
        return None
    day = day or timezone.localdate()
    key = object_key(obj)
    if Notification.objects.filter(user=user, kind=kind, object_key=key, day=day).exists():
        return None
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                user=user, kind=kind, object_key=key, day=day, url=url, **_message_fields(text)
            )
    except IntegrityError:  # a concurrent run made it first
        return None
    org_channels = Q(pk__in=[])
    if user.organisation_id:
        ancestors = [int(pk) for pk in user.organisation.path.strip("/").split("/") if pk]
        org_channels = Q(organisation_id__in=ancestors)
    for channel in Channel.objects.filter(Q(user=user) | org_channels, enabled=True, immediate=True):
        _queue(_single(channel, note, _channel_language(channel, user)))
    return note


def _single(channel: Channel, note: Notification, language: str) -> Delivery:
    """One notification to one channel, said in ``language``."""
    with translation.override(language):
        text = note.message
    return Delivery(
        channel=channel, notification=note, subject=_short(text), body=text, url=_absolute(note.url)
    )


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:59] + "…"


def _queue(delivery: Delivery) -> Delivery | None:
    try:
        with transaction.atomic():
            delivery.save()
    except IntegrityError:
        return None
    pk = delivery.pk
    transaction.on_commit(lambda: _enqueue(pk))
    return delivery


def _enqueue(pk: int, delay: int | None = None) -> None:
    from zhaoshang.notifications import tasks

    try:
        if delay:
            tasks.deliver.schedule((pk,), delay=delay)
        else:
            tasks.deliver(pk)
    except Exception:  # the queue being down must never break the caller; the sweeper retries pending ones
        log.exception("could not queue delivery %s", pk)


def run_reminders(today: dt.date | None = None) -> Counter:
    """Ask every registered source for today's reminders; returns how many new notifications per kind.

    One query finds what was already sent today, new notifications are inserted in bulk, and deliveries are
    queued only for the few users with a channel set to "at once"."""
    today = today or timezone.localdate()
    made: Counter = Counter()
    sent = set(Notification.objects.filter(day=today).values_list("user_id", "kind", "object_key"))
    fresh: list[Notification] = []
    with translation.override(settings.LANGUAGE_CODE):
        for name, source in sources().items():
            try:
                reminders = list(source(today))
            except Exception:
                log.exception("reminder source %s failed", name)
                continue
            for reminder in reminders:
                user = reminder.user
                if user is None or not getattr(user, "is_active", False):
                    continue
                key = (user.pk, reminder.kind, object_key(reminder.object))
                if key in sent:
                    continue
                sent.add(key)
                fresh.append(
                    Notification(
                        user_id=user.pk,
                        kind=reminder.kind,
                        object_key=key[2],
                        day=today,
                        url=reminder.url,
                        **_message_fields(reminder.text),
                    )
                )
                made[reminder.kind] += 1
    Notification.objects.bulk_create(fresh, batch_size=1000, ignore_conflicts=True)
    _queue_immediate({n.user_id for n in fresh}, today)
    return made


def _queue_immediate(user_ids: set[int], day: dt.date) -> None:
    """Deliveries for today's notifications of users who have a channel set to "at once" (theirs or their
    organisation's), not yet queued."""
    from zhaoshang.accounts.models import Organisation

    if not user_ids:
        return
    org_channels = list(Channel.objects.filter(organisation__isnull=False, enabled=True, immediate=True))
    own = Channel.objects.filter(user_id__in=user_ids, enabled=True, immediate=True)
    by_user: dict[int, list[Channel]] = {}
    for channel in own:
        if channel.user_id is not None:  # always: filtered on the user
            by_user.setdefault(channel.user_id, []).append(channel)
    if org_channels:
        paths = {
            o.pk: o.path
            for o in Organisation.objects.filter(pk__in={c.organisation_id for c in org_channels})
        }
        for uid, path in User.objects.filter(pk__in=user_ids, organisation__isnull=False).values_list(
            "pk", "organisation__path"
        ):
            for channel in org_channels:
                if channel.organisation_id is not None and path.startswith(paths[channel.organisation_id]):
                    by_user.setdefault(uid, []).append(channel)
    if not by_user:
        return
    languages = dict(User.objects.filter(pk__in=by_user).values_list("pk", "language"))
    done = set(
        Delivery.objects.filter(notification__day=day, notification__user_id__in=by_user).values_list(
            "channel_id", "notification_id"
        )
    )
    for note in Notification.objects.filter(day=day, user_id__in=by_user):
        for channel in by_user[note.user_id]:
            if (channel.pk, note.pk) not in done:
                language = (
                    (languages.get(note.user_id) or settings.LANGUAGE_CODE)
                    if channel.user_id
                    else settings.LANGUAGE_CODE
                )
                _queue(_single(channel, note, language))


# --- read state ---------------------------------------------------------------------------------------------


def mark_read(user: Any, notification: Notification) -> None:
    if notification.user_id != user.pk:
        raise NotificationError(_("This notification is not yours."))
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())


def mark_all_read(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def mark_unread(user: Any, notification: Notification) -> None:
    if notification.user_id != user.pk:
        raise NotificationError(_("This notification is not yours."))
    Notification.objects.filter(pk=notification.pk).update(read_at=None)


# --- preferences and channels -------------------------------------------------------------------------------


def preference_for(user: Any) -> Preference:
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def set_digest_time(user: Any, digest_time: dt.time | None) -> Preference:
    pref, _created = Preference.objects.get_or_create(user=user)
    if pref.digest_time != digest_time:
        audit.update(user, pref, digest_time=digest_time)
    return pref


def _validate_target(kind: str, target: str) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import EmailValidator, URLValidator

    target = target.strip()
    try:
        if kind == Channel.Kind.EMAIL:
            EmailValidator()(target)
        else:
            URLValidator(schemes=["http", "https"])(target)
    except ValidationError:
        raise NotificationError(
            _("Enter a valid e-mail address.")
            if kind == Channel.Kind.EMAIL
            else _("Enter the bot's webhook URL."),
            code="channel_target_invalid",
        ) from None
    return target


@transaction.atomic
def add_channel(
    actor: Actor,
    *,
    kind: str,
    target: str,
    secret: str = "",
    name: str = "",
    immediate: bool = False,
    user: Any = None,
    organisation: Any = None,
    digest_time: dt.time | None = dt.time(8, 30),
) -> Channel:
    """A channel of a user (their own) or of an organisation. The audit entry never holds the target or secret."""
    if kind not in Channel.Kind.values:
        raise NotificationError(_("Unknown channel kind."), code="channel_kind_invalid")
    if (user is None) == (organisation is None):
        raise NotificationError(_("A channel belongs to a user or to an organisation."))
    target = _validate_target(kind, target)
    channel = Channel(
        kind=kind,
        target=target,
        secret=secret.strip(),
        name=name.strip(),
        immediate=immediate,
        user=user,
        organisation=organisation,
        digest_time=digest_time,
    )
    channel.full_clean()
    channel.save()
    audit.record(
        actor,
        "create",
        channel,
        {
            "kind": [None, kind],
            "owner": [None, f"user:{user.pk}" if user else f"organisation:{organisation.pk}"],
            "immediate": [None, immediate],
            "target": [None, "***"],
            "secret": [None, "***" if secret else ""],
        },
    )
    return channel


@transaction.atomic
def remove_channel(actor: Actor, channel: Channel) -> None:
    audit.record(actor, "delete", channel, {"kind": [channel.kind, None]})
    channel.delete()


def send_test(actor: Actor, channel: Channel) -> Delivery | None:
    """Queue a test message to the channel (the result appears in its delivery list), in the channel's language."""
    stamp = timezone.localtime()
    with translation.override(_channel_language(channel)):
        return _queue(
            Delivery(
                channel=channel,
                subject=_("zhaoshang: test message"),
                body=_("This channel works. Sent at %(time)s.") % {"time": stamp.strftime("%Y-%m-%d %H:%M")},
                url=settings.BASE_URL + "/",
            )
        )


# --- sending ------------------------------------------------------------------------------------------------


def _send(channel: Channel, delivery: Delivery) -> None:
    if channel.kind == Channel.Kind.EMAIL:
        body = delivery.body + (f"\n\n{delivery.url}" if delivery.url else "")
        try:
            with get_connection(fail_silently=False) as connection:
                EmailMessage(
                    delivery.subject,
                    body,
                    settings.DEFAULT_FROM_EMAIL,
                    [channel.target],
                    connection=connection,
                ).send()
        except (
            Exception
        ) as exc:  # smtplib / socket errors: record the kind and the server's code, not credentials
            code = getattr(exc, "smtp_code", "")
            raise channel_core.DeliveryFailed(f"SMTP {type(exc).__name__} {code}".strip()) from None
        return
    message = channel_core.Message(title=delivery.subject, text=delivery.body, url=delivery.url)
    request = channel_core.build_request(channel.kind, channel.target, message, secret=channel.secret)
    channel_core.post(request, channel.kind)


def deliver(delivery_id: int) -> Delivery | None:
    """Send one pending delivery; on failure record the reason and schedule a retry with back-off."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update().select_related("channel").filter(pk=delivery_id).first()
        )
        if delivery is None or delivery.status != Delivery.Status.PENDING:
            return delivery
        delivery.attempts += 1
        delivery.next_attempt_at = None
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    channel = delivery.channel
    try:
        if not channel.enabled:
            raise channel_core.DeliveryFailed("channel disabled", permanent=True)
        _send(channel, delivery)
    except channel_core.DeliveryFailed as exc:
        delivery.reason = exc.reason[:300]
        if exc.permanent or delivery.attempts >= channel_core.MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
            delivery.save(update_fields=["reason", "status"])
        else:
            wait = channel_core.backoff_seconds(delivery.attempts)
            delivery.next_attempt_at = timezone.now() + dt.timedelta(seconds=wait)
            delivery.save(update_fields=["reason", "next_attempt_at"])
            _enqueue(delivery.pk, delay=wait)
        log.warning("delivery %s (%s) failed: %s", delivery.pk, channel.kind, delivery.reason)
        return delivery
    delivery.status = Delivery.Status.SENT
    delivery.sent_at = timezone.now()
    delivery.reason = ""
    delivery.save(update_fields=["status", "sent_at", "reason"])
    return delivery


def retry_due(now: dt.datetime | None = None) -> int:
    """Queue pending deliveries whose retry time has come (or that were never picked up): the queue may have lost
    them in a restart; `deliver` skips any that another worker already sent."""
    now = now or timezone.now()
    stale = now - dt.timedelta(minutes=10)
    due = Delivery.objects.filter(status=Delivery.Status.PENDING).filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lte=stale)
    )
    ids = list(due.values_list("pk", flat=True)[:500])
    for pk in ids:
        _enqueue(pk)
    return len(ids)


# --- digests ------------------------------------------------------------------------------------------------


def _digest_body(notes: list[Notification]) -> str:
    lines = [f"· {n.message}" + (f"  {_absolute(n.url)}" if n.url else "") for n in notes[:50]]
    if len(notes) > 50:
        lines.append(_("… and %(count)d more") % {"count": len(notes) - 50})
    return "\n".join(lines)


def send_digests(now: dt.datetime | None = None) -> int:
    """Queue today's digest on every channel whose digest time has passed: a user's non-immediate channels at the
    user's chosen time, an organisation's channels at the channel's time. One digest per channel a day; nothing
    is sent on a day without unread notifications."""
    now = timezone.localtime(now or timezone.now())
    today, clock = now.date(), now.time()
    queued = 0
    done_today = Delivery.objects.filter(digest_day=today).values("channel_id")
    channels = (
        Channel.objects.filter(enabled=True).exclude(pk__in=done_today).select_related("user", "organisation")
    )
    prefs = {
        p.user_id: p.digest_time for p in Preference.objects.filter(user__notification_channels__isnull=False)
    }
    for channel in channels:
        if channel.user_id:
            if channel.immediate:
                continue
            at = prefs.get(channel.user_id, dt.time(8, 30))
            notes = Notification.objects.filter(user_id=channel.user_id, read_at__isnull=True, day__lte=today)
        else:
            organisation = channel.organisation
            if organisation is None:  # never: a channel belongs to a user or an organisation (constraint)
                continue
            at = channel.digest_time
            members = User.objects.filter(organisation__path__startswith=organisation.path, is_active=True)
            notes = Notification.objects.filter(user__in=members, day=today).select_related("user")
        if at is None or clock < at:
            continue
        picked = list(notes.order_by("created_at", "id")[:51])
        if not picked:
            continue
        with translation.override(_channel_language(channel)):  # said in the reader's language
            if channel.organisation is None:
                heading = _("Your reminders for %(day)s") % {"day": today.isoformat()}
                body = _digest_body(picked)
            else:
                heading = _("%(organisation)s: reminders for %(day)s") % {
                    "organisation": channel.organisation.name,
                    "day": today.isoformat(),
                }
                body = "\n".join(
                    "· " + _("%(person)s: %(text)s") % {"person": n.user.display_name, "text": n.message}
                    for n in picked[:50]
                )
        if _queue(
            Delivery(
                channel=channel,
                digest_day=today,
                subject=heading,
                body=body,
                url=settings.BASE_URL + "/notifications/",
            )
        ):
            queued += 1
    return queued
