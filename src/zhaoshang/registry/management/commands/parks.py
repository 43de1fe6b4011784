"""`zhaoshang parks assign|rule-add`: place firms in parks by the rules; add a rule."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from zhaoshang.accounts.models import Organisation
from zhaoshang.registry import parks


class Command(BaseCommand):
    help = "Which park a firm is in: apply the rules (assign) or add a rule (rule-add PARK_CODE --address/--region)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        assign = sub.add_parser("assign", help="apply every park's rules to the firms not placed by hand")
        assign.add_argument("--json", action="store_true")
        add = sub.add_parser("rule-add", help="add a rule to a park or town (by its organisation code)")
        add.add_argument("park")
        group = add.add_mutually_exclusive_group(required=True)
        group.add_argument("--address", help="a keyword of the address, e.g. 栗雨工业园")
        group.add_argument("--region", help="a region code prefix, e.g. 430211")
        add.add_argument("--priority", type=int, default=0)

    def handle(self, *args, **options):
        if options["verb"] == "assign":
            counts = parks.assign_parks()
            self.stdout.write(
                json.dumps(counts) if options["json"] else " ".join(f"{k}: {v}" for k, v in counts.items())
            )
            return
        park = Organisation.objects.filter(code=options["park"]).first()
        if park is None:
            raise CommandError(f"no organisation with code {options['park']}")
        kind, pattern = (
            ("address", options["address"]) if options["address"] else ("region", options["region"])
        )
        try:
            parks.add_rule(None, park, kind=kind, pattern=pattern, priority=options["priority"])
        except parks.ParkError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(" ".join(f"{k}: {v}" for k, v in parks.assign_parks().items()))
