"""One filter definition per list, serving both the page and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhaoshang.accounts.models import Organisation
from zhaoshang.pipeline import config
from zhaoshang.pipeline.models import CoordinationItem, FollowUp, Project


class AllYesNoWidget(django_filters.widgets.BooleanWidget):
    """A yes/no filter whose empty choice reads 全部 (all), not 未知 (unknown)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("", _("All")), ("true", _("Yes")), ("false", _("No")))


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=config.stage_choices, empty_label=_("All"))
    organisation = django_filters.ModelChoiceFilter(
        label=_("Team"),
        queryset=Organisation.objects.filter(kind__in=["bureau", "team", "park", "town"]),
        empty_label=_("All"),
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=Project.Source.choices, empty_label=_("All")
    )
    mine = django_filters.BooleanFilter(label=_("Only mine"), method="only_mine", widget=AllYesNoWidget())
    cold = django_filters.BooleanFilter(label=_("Going cold"), method="going_cold", widget=AllYesNoWidget())

    class Meta:
        model = Project
        fields = ["q", "stage", "organisation", "source"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(investor__name__icontains=value))

    def only_mine(self, queryset, name, value):
        return queryset.filter(owner=self.request.user) if value and self.request else queryset

    def going_cold(self, queryset, name, value):
        from zhaoshang.pipeline.services import cold_filter

        return queryset.filter(cold_filter()) if value else queryset


class FollowUpFilter(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project_id")
    since = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    until = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = FollowUp
        fields = ["project", "way", "done"]


class CoordinationItemFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CoordinationItem.Status.choices, empty_label=_("All")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=Organisation.objects.all(), empty_label=_("All")
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="only_overdue", widget=AllYesNoWidget())
    # Only the projects of the items this user sees: no other team's project names in the choices.
    project = django_filters.ModelChoiceFilter(
        label=_("Project"), queryset=Project.objects.none(), empty_label=_("All")
    )

    class Meta:
        model = CoordinationItem
        fields = ["status", "department", "project"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        items = queryset if queryset is not None else CoordinationItem.objects.none()
        self.filters["project"].queryset = Project.objects.filter(pk__in=items.values("project_id")).order_by(
            "name"
        )

    def only_overdue(self, queryset, name, value):
        from zhaoshang.pipeline.services import overdue_items

        return overdue_items(queryset) if value else queryset
