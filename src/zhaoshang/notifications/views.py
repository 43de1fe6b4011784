"""The notification centre (the bell), the user's notification settings and organisations' channels."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.accounts.models import Organisation
from zhaoshang.accounts.scoping import get_for_user, require, visible
from zhaoshang.accounts.services import set_language
from zhaoshang.notifications import services
from zhaoshang.notifications.forms import ChannelForm, DigestForm, LanguageForm, OrganisationChannelForm
from zhaoshang.notifications.models import Channel, Delivery, Notification


def _own(request, pk) -> Notification:
    return get_object_or_404(Notification, pk=pk, user=request.user)


def centre(request):
    show = request.GET.get("show", "unread")
    notes = Notification.objects.filter(user=request.user)
    if show == "unread":
        notes = notes.filter(read_at__isnull=True)
    page = Paginator(notes.order_by("-day", "-created_at", "-id"), 50).get_page(request.GET.get("page"))
    return TemplateResponse(request, "notifications/centre.html", {"page": page, "show": show})


def open_notification(request, pk):
    """Mark read and go to the object (only a local link)."""
    note = _own(request, pk)
    services.mark_read(request.user, note)
    target = note.url if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts=None) else None
    return redirect(target or "notifications:centre")


@require_POST
def toggle_read(request, pk):
    note = _own(request, pk)
    if note.read_at is None:
        services.mark_read(request.user, note)
    else:
        services.mark_unread(request.user, note)
    return redirect(
        request.POST.get("next")
        if url_has_allowed_host_and_scheme(request.POST.get("next"), allowed_hosts=None)
        else "notifications:centre"
    )


@require_POST
def read_all(request):
    count = services.mark_all_read(request.user)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("notifications:centre")


def settings_view(request):
    user = request.user
    pref = services.preference_for(user)
    digest_form = DigestForm(initial={"digest_time": pref.digest_time})
    language_form = LanguageForm(initial={"language": user.language})
    channel_form = ChannelForm()
    status = 200
    if request.method == "POST":
        if request.POST.get("form") == "digest":
            digest_form = DigestForm(request.POST)
            if digest_form.is_valid():
                services.set_digest_time(user, digest_form.cleaned_data["digest_time"])
                messages.success(request, _("Saved."))
                return redirect("notifications:settings")
        elif request.POST.get("form") == "language":
            language_form = LanguageForm(request.POST)
            if language_form.is_valid():
                set_language(user, user, language_form.cleaned_data["language"])
                messages.success(request, _("Saved."))
                return redirect("notifications:settings")
        else:
            channel_form = ChannelForm(request.POST)
            if channel_form.is_valid():
                try:
                    services.add_channel(user, user=user, **channel_form.cleaned_data)
                except services.NotificationError as exc:
                    channel_form.add_error("target", str(exc))
                else:
                    messages.success(request, _("Channel added."))
                    return redirect("notifications:settings")
        status = 400
    channels = list(Channel.objects.filter(user=user))
    deliveries = Delivery.objects.filter(channel__user=user).select_related("channel")[:20]
    return TemplateResponse(
        request,
        "notifications/settings.html",
        {
            "digest_form": digest_form,
            "language_form": language_form,
            "channel_form": channel_form,
            "channels": channels,
            "deliveries": deliveries,
        },
        status=status,
    )


def _channel_for(request, pk) -> Channel:
    """The user's own channel, or an organisation's channel the user may change (404 otherwise)."""
    channel = Channel.objects.filter(pk=pk, user=request.user).first()
    if channel is None:
        channel = get_for_user(request.user, Channel.objects.filter(organisation__isnull=False), pk, "change")
    return channel


@require_POST
def channel_delete(request, pk):
    channel = _channel_for(request, pk)
    back = "notifications:settings" if channel.user_id else "notifications:channels"
    services.remove_channel(request.user, channel)
    messages.success(request, _("Channel removed."))
    return redirect(back)


@require_POST
def channel_test(request, pk):
    channel = _channel_for(request, pk)
    services.send_test(request.user, channel)
    messages.success(request, _("Test message queued; its result appears below."))
    return redirect("notifications:settings" if channel.user_id else "notifications:channels")


def organisation_channels(request):
    require(request.user, "notification_channel", "view")
    organisations = Organisation.objects.all()
    form = OrganisationChannelForm(request.POST or None, organisations=organisations)
    status = 200
    if request.method == "POST":
        require(request.user, "notification_channel", "add")
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.add_channel(request.user, **data)
            except services.NotificationError as exc:
                form.add_error("target", str(exc))
            else:
                messages.success(request, _("Channel added."))
                return redirect("notifications:channels")
        status = 400
    channels = visible(
        request.user, Channel.objects.filter(organisation__isnull=False).select_related("organisation")
    )
    deliveries = Delivery.objects.filter(channel__in=channels).select_related(
        "channel", "channel__organisation"
    )[:30]
    return TemplateResponse(
        request,
        "notifications/channels.html",
        {"form": form, "channels": channels, "deliveries": deliveries},
        status=status,
    )
