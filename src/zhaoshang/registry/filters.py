"""One filter definition for the firm list page, its export and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from zhaoshang.registry.search import SORTS, apply_filters, has_selective_filter, ordering, text_condition

YES_NO = (("", _("All")), ("1", _("Yes")), ("0", _("No")))


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="_none")
    region = django_filters.CharFilter(label=_("Region code"), method="_none")
    industry = django_filters.CharFilter(label=_("Industry code"), method="_none")
    status = django_filters.CharFilter(label=_("Registration status"), method="_none")
    tags = django_filters.CharFilter(label=_("Tags"), method="_none")
    capital_min = django_filters.NumberFilter(label=_("Capital from (10k CNY)"), method="_none")
    capital_max = django_filters.NumberFilter(label=_("Capital to (10k CNY)"), method="_none")
    founded_from = django_filters.NumberFilter(label=_("Founded from (year)"), method="_none", min_value=1800, max_value=2200)
    founded_to = django_filters.NumberFilter(label=_("Founded to (year)"), method="_none", min_value=1800, max_value=2200)
    local = django_filters.ChoiceFilter(label=_("Local firm"), choices=YES_NO[1:], empty_label=_("All"), method="_none")
    listed = django_filters.ChoiceFilter(label=_("Listed company"), choices=YES_NO[1:], empty_label=_("All"), method="_none")
    flagged = django_filters.ChoiceFilter(label=_("Needs checking"), choices=YES_NO[1:], empty_label=_("All"), method="_none")
    sort = django_filters.ChoiceFilter(
        label=_("Order"), choices=list(SORTS.items())[1:], empty_label=SORTS["name"], method="_none"
    )

    class Meta:
        fields: list[str] = []

    def _none(self, queryset, name, value):  # every filter is applied at once in filter_queryset
        return queryset

    def filter_queryset(self, queryset):
        data = dict(self.form.cleaned_data)
        sort = data.pop("sort", None)
        for key in ("founded_from", "founded_to"):
            if data.get(key) is not None:
                data[key] = int(data[key])
        condition = text_condition(data.pop("q", "") or "", selective_filter=has_selective_filter(data))
        if condition is not None:
            queryset = queryset.filter(condition)
        return apply_filters(queryset, data).order_by(*ordering(sort))

    @property
    def active(self) -> bool:
        return self.is_bound and any(v not in (None, "") for v in self.form.cleaned_data.values()) if self.form.is_valid() else False
