"""`zhaoshang policies match|import|export|push`."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from zhaoshang.accounts.cli import date_option
from zhaoshang.accounts.models import User


def _actor(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"用户「{username}」不存在")
    return user


STATUS_ZH = {"matched": "符合", "nearly": "差一项", "unknown": "数据不足无法判断"}
MARK = {"met": "✓", "not_met": "✗", "unknown": "?"}


class Command(BaseCommand):
    help = "Policies: match a firm, import or export the library, push a clause to its eligible firms (免申即享)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        match = sub.add_parser(
            "match", help="The clauses a firm meets, nearly meets and cannot be judged on."
        )
        match.add_argument("firm", help="credit code or name")
        match.add_argument("--on", help="the day to judge on, YYYY-MM-DD (default today)")
        match.add_argument("--json", action="store_true")
        imp = sub.add_parser("import", help="Import policies and clauses (XLSX, CSV or YAML).")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true")
        imp.add_argument("--errors", help="write the rows with problems to this XLSX (行号, 字段, 原因)")
        imp.add_argument("--user", help="username recorded as the actor")
        imp.add_argument("--json", action="store_true")
        exp = sub.add_parser("export", help="Export the library (XLSX or YAML by suffix).")
        exp.add_argument("-o", "--output", required=True)
        push = sub.add_parser("push", help="Put the firms meeting a clause on its 免申即享 list.")
        push.add_argument("clause", type=int, help="clause id")
        push.add_argument("--user", help="username recorded as the actor")
        push.add_argument("--json", action="store_true")

    def handle(self, *args, verb, **opts):
        from zhaoshang.policies import services

        try:
            getattr(self, "_" + verb)(services, **opts)
        except services.PoliciesError as exc:
            raise CommandError(str(exc)) from None

    def _match(self, services, firm, on, json: bool, **_):
        enterprise = services.find_firm(firm)
        data = services.match_firm_json(enterprise, date_option(on))
        if json:
            self.stdout.write(_dumps(data))
            return
        self.stdout.write(
            f"{data['firm']['name']}（{data['firm']['uscc'] or '无信用代码'}） · {data['as_of']}"
        )
        for status in ("matched", "nearly", "unknown"):
            self.stdout.write(f"\n{STATUS_ZH[status]}：{len(data[status])}")
            for row in data[status]:
                self.stdout.write(f"  {row['policy']} {row['number']} {row['title']}")
                for c in row["conditions"]:
                    detail = f"缺少数据：{c['label']}" if c["status"] == "unknown" else f"取值 {c['value']}"
                    if c["gap"]:
                        detail += f"，差 {c['gap']:g}"
                    self.stdout.write(f"    {MARK[c['status']]} {c['rule']}（{detail}）")

    def _import(self, services, file, dry_run, user, json: bool, errors=None, **_):
        from tqdm import tqdm

        with tqdm(desc="导入政策", unit="项", file=sys.stderr, disable=json) as bar:
            result = services.import_policies(_actor(user), file, dry_run=dry_run, progress=bar.update)
        if json:
            self.stdout.write(_dumps(result.as_dict()))
        else:
            for issue in result.issues:
                self.stderr.write(f"第{issue['row']}行 · {issue['field']} · {issue['reason']}")
            self.stdout.write(
                f"{'（试运行，未写入）' if dry_run else ''}新建政策 {result.policies_created}，更新 {result.policies_updated}，条款 {result.clauses}"
            )
        if errors and result.issues:
            from zhaoshang.tabular import write_xlsx

            write_xlsx(
                errors, ["行号", "字段", "原因"], [[i["row"], i["field"], i["reason"]] for i in result.issues]
            )
        if result.issues:
            raise CommandError(f"{len(result.issues)} 处问题，未导入任何内容")

    def _export(self, services, output, **_):
        from zhaoshang.policies.models import Policy

        path = services.export_policies(Policy.objects.all(), output)
        self.stdout.write(str(path))

    def _push(self, services, clause, user, json: bool, **_):
        from zhaoshang.policies.models import Clause

        found = Clause.objects.select_related("policy").filter(pk=clause).first()
        if found is None:
            raise CommandError(f"条款 {clause} 不存在")
        result = services.push_clause(_actor(user), found)
        self.stdout.write(
            _dumps(result) if json else f"符合条件 {result['eligible']} 家，新加入清单 {result['new']} 家"
        )


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
