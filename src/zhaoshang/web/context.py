from zhaoshang.web.navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
    items = items_for(user)
    for item in items:
        prefix = item["name"].split(":")[0]
        item["active"] = current == item["name"] or (prefix != "web" and current.startswith(prefix + ":"))
    return {"nav_items": items}
