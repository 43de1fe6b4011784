"""`zhaoshang firms import|show|search|export|duplicates` — the enterprise registry on the command line.

    zhaoshang firms import FILE [--dry-run] [--strict] [--errors OUT.xlsx] [--json] [--org CODE] [--user NAME]
                                [--map 表头=field ...] [--source TEXT]
    zhaoshang firms show CODE_OR_NAME [--json]

With ``--json`` standard output carries one JSON object and nothing else; progress and logs go to standard
error. The exit status is 0 unless the file cannot be read or ``--strict`` refused it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from zhaoshang.accounts.models import Organisation, User
from zhaoshang.core.errors import DomainError
from zhaoshang.registry.core.headers import FIELDS
from zhaoshang.registry.search import SORTS

SORT_KEYS = list(SORTS)


def _org(code: str | None) -> Organisation:
    if code:
        org = Organisation.objects.filter(code=code).first()
        if org is None:
            raise CommandError(f"组织代码“{code}”不存在")
        return org
    roots = list(Organisation.objects.filter(parent__isnull=True)[:2])
    if len(roots) != 1:
        raise CommandError("请用 --org 指定企业名录所属的组织（组织代码）")
    return roots[0]


def _actor(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"用户“{username}”不存在")
    return user


def _mapping(items: list[str] | None) -> dict[str, str | None] | None:
    if not items:
        return None
    mapping: dict[str, str | None] = {}
    for item in items:
        header, sep, target = item.partition("=")
        if not sep or not header.strip():
            raise CommandError(
                f"列映射“{item}”应写成 表头=字段（字段留空表示忽略该列）；字段可为：{'、'.join(FIELDS)}"
            )
        mapping[header.strip()] = target.strip() or None
    return mapping


class Command(BaseCommand):
    help = "Enterprise registry: import an export file, show one firm, search, export, find duplicates."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        imp = sub.add_parser("import", help="Import a registry export (CSV, XLSX, XLS, ODS).")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
        imp.add_argument("--strict", action="store_true", help="land nothing if any row is rejected")
        imp.add_argument(
            "--errors", metavar="OUT.xlsx", help="write the error report (行号/列/原始值/问题/级别)"
        )
        imp.add_argument("--json", action="store_true", help="print only one JSON object with the counts")
        imp.add_argument(
            "--org", help="code of the organisation the firms belong to (default: the root organisation)"
        )
        imp.add_argument("--user", help="username recorded as the actor (default: the system)")
        imp.add_argument(
            "--map", action="append", metavar="表头=field", help="explicit column mapping; repeatable"
        )
        imp.add_argument("--source", help="where the file came from (default: its name)")

        show = sub.add_parser("show", help="Show one firm by credit code or name.")
        show.add_argument("code_or_name")
        show.add_argument("--json", action="store_true")

        search = sub.add_parser("search", help="Full-text search with filters.")
        search.add_argument("query", nargs="?", default="")
        search.add_argument("--region", help="region name (株洲, 株洲市, 芦淞区) or code")
        search.add_argument("--industry")
        search.add_argument("--status")
        search.add_argument("--tags")
        search.add_argument("--capital-min", type=float)
        search.add_argument("--capital-max", type=float)
        search.add_argument("--local", choices=["yes", "no"])
        search.add_argument("--limit", type=int, default=20)
        search.add_argument(
            "--sort",
            choices=SORT_KEYS,
            help="relevance (default: by relevance with a query, newest first without), name, capital, founded, founded_asc, recent",
        )
        search.add_argument("--json", action="store_true")

        export = sub.add_parser("export", help="Export the (filtered) list to XLSX.")
        export.add_argument("output")
        export.add_argument("--query", default="")
        export.add_argument("--region", help="region name (株洲, 株洲市, 芦淞区) or code")
        export.add_argument("--local", choices=["yes", "no"])
        export.add_argument("--sort", choices=SORT_KEYS, help="the rows' order, as --sort of firms search")

        dup = sub.add_parser("duplicates", help="Find probable duplicates and add them to the review list.")
        dup.add_argument("--threshold", type=float, default=90.0)
        dup.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        return getattr(self, "_" + options["verb"])(options)

    # ------------------------------------------------------------------------------------------ import
    def _import(self, options: dict[str, Any]) -> None:
        from tqdm import tqdm

        from zhaoshang.registry.services import import_enterprises, write_issue_report

        path = Path(options["file"])
        organisation = _org(options["org"])
        actor = _actor(options["user"])
        bar = tqdm(total=0, unit="行", file=sys.stderr, disable=None, desc=path.name, leave=False)

        def progress(done: int, total: int) -> None:
            if done < bar.n:  # the second stage: the new and changed firms are placed on chain nodes
                bar.reset(total)
                bar.set_description("归入产业链节点")
            if bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        try:
            result = import_enterprises(
                actor,
                path,
                organisation,
                dry_run=options["dry_run"],
                strict=options["strict"],
                mapping=_mapping(options["map"]),
                progress=progress,
                source=options["source"],
            )
        except (DomainError, OSError) as exc:
            raise CommandError(str(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "没有导入权限") from None
        finally:
            bar.close()
        if options["errors"]:
            write_issue_report(result.issues, options["errors"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self._print_result(result, options)
        if result.refused:
            raise CommandError(result.message)

    def _print_result(self, result, options) -> None:
        c = result.counts
        err = self.stderr
        for note in result.mapping.get("notes", []):
            err.write(f"· {note}")
        mode = "（试运行，未写入）" if result.dry_run else ""
        self.stdout.write(
            f"{result.file_name}{mode}：读取{c['read']}行，新增{c['created']}，更新{c['updated']}，"
            f"未变{c['unchanged']}，拒绝{c['rejected']}，待核实{c['flagged']}"
        )
        if result.batch is not None and result.batch.pk:
            self.stdout.write(f"导入批次 #{result.batch.pk}")
        shown = [i for i in result.issues if i["severity"] != "info"][:20]
        for issue in shown:
            where = f"第{issue['row']}行" + (f"“{issue['column']}”" if issue["column"] else "")
            self.stdout.write(f"  {where}：{issue['message']}")
        rest = sum(1 for i in result.issues if i["severity"] != "info") - len(shown)
        if rest > 0:
            hint = (
                f"，完整清单见 {options['errors']}"
                if options["errors"]
                else "，用 --errors 文件.xlsx 导出完整清单"
            )
            self.stdout.write(f"  ……另有{rest}条{hint}")

    # ------------------------------------------------------------------------------------------ show
    def _show(self, options: dict[str, Any]) -> None:
        from zhaoshang.registry.services import RegistryError, enterprise_as_dict, find_enterprise

        try:
            firm = find_enterprise(None, options["code_or_name"])
        except RegistryError as exc:
            raise CommandError(str(exc)) from None
        data = enterprise_as_dict(firm)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        labels = {
            "uscc": "统一社会信用代码",
            "name": "企业名称",
            "short_name": "简称",
            "legal_rep": "法定代表人",
            "founded": "成立日期",
            "capital_raw": "注册资本",
            "company_type": "企业类型",
            "status": "登记状态",
            "address": "地址",
            "region": "所在地区",
            "industry_code": "行业代码",
            "scope": "经营范围",
            "source": "来源",
        }
        for key, label in labels.items():
            value = data.get(key)
            if value not in (None, "", []):
                self.stdout.write(f"{label}：{value}")
        if data["registered_capital_wan"] is not None:
            self.stdout.write(f"注册资本（万）：{data['registered_capital_wan']} {data['currency']}")
        for flag in data["flags"]:
            self.stdout.write(f"待核实：{flag['message']}")

    # ------------------------------------------------------------------------------------------ search
    def _filters(self, options: dict[str, Any]) -> dict[str, Any]:
        local = options.get("local")
        return {
            "region": options.get("region"),
            "industry": options.get("industry"),
            "status": options.get("status"),
            "tags": options.get("tags"),
            "capital_min": options.get("capital_min"),
            "capital_max": options.get("capital_max"),
            "local": None if local is None else local == "yes",
        }

    def _search(self, options: dict[str, Any]) -> None:
        from zhaoshang.registry.search import search_page
        from zhaoshang.registry.services import enterprise_as_dict

        try:
            page = search_page(
                None,
                options["query"],
                self._filters(options),
                sort=options.get("sort"),
                size=options["limit"],
            )
        except ValueError as error:  # a region name of several places or of none: one line, exit 1
            raise CommandError(str(error)) from None
        firms = page.rows
        if options["json"]:
            self.stdout.write(json.dumps([enterprise_as_dict(f) for f in firms], ensure_ascii=False))
            return
        for firm in firms:
            self.stdout.write(f"{firm.uscc or '—':18}  {firm.name}  {firm.region_code}")

    def _export(self, options: dict[str, Any]) -> None:
        from zhaoshang.registry.services import export_enterprises_xlsx, search_enterprises

        try:
            qs = search_enterprises(None, options["query"], self._filters(options), sort=options.get("sort"))
            qs.exists()  # a region name of several places or of none fails here, before the file is written
        except ValueError as error:
            raise CommandError(str(error)) from None
        n = export_enterprises_xlsx(qs, options["output"])
        self.stdout.write(f"已导出{n}家企业到 {options['output']}")

    def _duplicates(self, options: dict[str, Any]) -> None:
        from zhaoshang.registry.services import detect_duplicates

        n = detect_duplicates(None, threshold=options["threshold"])
        if options["json"]:
            self.stdout.write(json.dumps({"new_pairs": n}))
        else:
            self.stdout.write(f"新发现疑似重复企业{n}对，请在“疑似重复”页面核实")
