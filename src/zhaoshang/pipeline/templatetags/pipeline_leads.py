"""``{% load pipeline_leads %}{% lead_button chain_slug node_key enterprise_id %}``: the one-click "make this
target a lead" button for the chains target list. Renders nothing for users who may not add projects."""

from __future__ import annotations

from django import template

from zhaoshang.accounts.scoping import can

register = template.Library()


@register.inclusion_tag("pipeline/_lead_button.html", takes_context=True)
def lead_button(context, chain: str, node: str, enterprise: int, next_url: str = ""):
    request = context.get("request")
    user = getattr(request, "user", None)
    allowed = bool(user and user.is_authenticated and user.organisation_id and can(user, "project", "add"))
    if not next_url and request is not None:
        # In an htmx fragment (the chain map's node panel) the page the user sees is the one to come back to.
        next_url = request.headers.get("HX-Current-URL") or request.get_full_path()
    return {
        "show": allowed,
        "chain": chain,
        "node": node,
        "enterprise": enterprise,
        "csrf_token": context.get("csrf_token"),
        "next": next_url,
    }
