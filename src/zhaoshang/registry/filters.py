"""One filter definition for the firm list page, its export and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.registry.search import SORTS, SearchPlan, apply_filters, ordering, plan_search, resolve_region

YES_NO = (("", _("All")), ("1", _("Yes")), ("0", _("No")))


class RegionField(forms.CharField):
    """A region as typed: a code (430200), a code prefix (4302) or a name (株洲, 株洲市, 芦淞区) → a code."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return resolve_region(value)
        except (
            ValueError
        ) as error:  # AmbiguousRegionName / UnknownRegionName: a Chinese sentence naming the choices
            raise forms.ValidationError(str(error), code=getattr(error, "code", "invalid")) from None


class RegionFilter(django_filters.CharFilter):
    field_class = RegionField


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="_none")
    region = RegionFilter(label=_("Region (name or code)"), method="_none")
    industry = django_filters.CharFilter(label=_("Industry code"), method="_none")
    status = django_filters.CharFilter(label=_("Registration status"), method="_none")
    tags = django_filters.CharFilter(label=_("Tags"), method="_none")
    capital_min = django_filters.NumberFilter(label=_("Capital from (10k CNY)"), method="_none")
    capital_max = django_filters.NumberFilter(label=_("Capital to (10k CNY)"), method="_none")
    founded_from = django_filters.NumberFilter(
        label=_("Founded from (year)"), method="_none", min_value=1800, max_value=2200
    )
    founded_to = django_filters.NumberFilter(
        label=_("Founded to (year)"), method="_none", min_value=1800, max_value=2200
    )
    local = django_filters.ChoiceFilter(
        label=_("Local firm"), choices=YES_NO[1:], empty_label=_("All"), method="_none"
    )
    listed = django_filters.ChoiceFilter(
        label=_("Listed company"), choices=YES_NO[1:], empty_label=_("All"), method="_none"
    )
    flagged = django_filters.ChoiceFilter(
        label=_("Needs checking"), choices=YES_NO[1:], empty_label=_("All"), method="_none"
    )
    sort = django_filters.ChoiceFilter(
        label=_("Order"), choices=list(SORTS.items())[1:], empty_label=SORTS["relevance"], method="_none"
    )

    class Meta:
        fields: list[str] = []

    #: Set by filter_queryset: the query, the order and how the search is answered (for the page by key).
    query: str = ""
    sort_key: str | None = None
    plan: SearchPlan | None = None
    base = None

    def _none(self, queryset, name, value):  # every filter is applied at once in filter_queryset
        return queryset

    def filter_queryset(self, queryset):
        data = dict(self.form.cleaned_data)
        self.sort_key = data.pop("sort", None) or None
        for key in ("founded_from", "founded_to"):
            if data.get(key) is not None:
                data[key] = int(data[key])
        self.query = data.pop("q", "") or ""
        self.plan = plan_search(self.query, data)
        self.base = apply_filters(queryset, data)  # before the text condition (see search.page_of)
        queryset = self.base if self.plan.condition is None else self.base.filter(self.plan.condition)
        return queryset.order_by(*ordering(self.sort_key, self.query))

    @property
    def active(self) -> bool:
        return (
            self.is_bound and any(v not in (None, "") for v in self.form.cleaned_data.values())
            if self.form.is_valid()
            else False
        )
