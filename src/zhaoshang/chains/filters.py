"""One filter definition for the review queue, used by the page and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from zhaoshang.chains.models import Chain, NodeAssignment


class AssignmentFilter(django_filters.FilterSet):
    chain = django_filters.ModelChoiceFilter(
        field_name="node__chain",
        queryset=Chain.objects.all(),
        to_field_name="slug",
        label=_("Chain"),
        empty_label=_("All chains"),
    )
    status = django_filters.ChoiceFilter(
        choices=NodeAssignment.Status.choices, label=_("Status"), empty_label=_("All statuses")
    )
    method = django_filters.ChoiceFilter(
        choices=NodeAssignment.Method.choices, label=_("Method"), empty_label=_("All methods")
    )
    evidence = django_filters.ChoiceFilter(
        choices=NodeAssignment.Evidence.choices, label=_("Evidence"), empty_label=_("All evidence")
    )
    node = django_filters.CharFilter(field_name="node__key", label=_("Node key"))
    q = django_filters.CharFilter(
        field_name="enterprise__name", lookup_expr="icontains", label=_("Firm name")
    )

    class Meta:
        model = NodeAssignment
        fields = ["chain", "node", "status", "method", "evidence", "q"]
