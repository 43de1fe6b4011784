"""`zhaoshang chains import|export|list|bom|gap|assignments|classify-firms|train`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from zhaoshang.chains import bom_services, documents, services
from zhaoshang.chains.analysis.bom import BomError
from zhaoshang.chains.analysis.errors import ChainAnalysisError, ChainFileError
from zhaoshang.chains.analysis.learned import LearnedError
from zhaoshang.chains.models import Chain


class Command(BaseCommand):
    help = (
        "Industrial chains: import/export chain files, BOM decomposition, gap analysis, firm classification."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        imp = sub.add_parser("import", help="import or update a chain from YAML or XLSX")
        imp.add_argument("file")
        imp.add_argument("--json", action="store_true")
        exp = sub.add_parser("export", help="export a chain to YAML or XLSX (by the file's suffix)")
        exp.add_argument("chain", help="name or slug")
        exp.add_argument("-o", "--output", required=True)
        lst = sub.add_parser("list", help="list the chains")
        lst.add_argument("--json", action="store_true")
        sub.add_parser("load-builtin", help="load the three chains shipped with zhaoshang")
        bom = sub.add_parser(
            "bom", help="decompose a product BOM (CSV/XLSX) into a chain and find local part makers"
        )
        bom.add_argument("file")
        bom.add_argument("--name", required=True, help="product name")
        bom.add_argument(
            "--region",
            default=None,
            help="region whose firms count as local (code or park); default ZHAOSHANG_HOME_REGION",
        )
        bom.add_argument("--save", action="store_true", help="store the chain built from the BOM")
        bom.add_argument("--json", action="store_true")
        gap = sub.add_parser("gap", help="gap analysis of a chain for a region")
        gap.add_argument("chain", help="name or slug")
        gap.add_argument("--region", required=True, help="GB/T 2260 code or an organisation (park) code")
        gap.add_argument("--json", action="store_true")
        asg = sub.add_parser(
            "assignments", help="export the firms on a chain's nodes with their evidence (XLSX)"
        )
        asg.add_argument("chain", help="name or slug")
        asg.add_argument("--region", required=True, help="GB/T 2260 code or an organisation (park) code")
        asg.add_argument("-o", "--output", required=True)
        cls = sub.add_parser(
            "classify-firms", help="place the registry's firms on chain nodes (rules, then the learned layer)"
        )
        cls.add_argument("--chain", action="append", help="only these chains (name or slug)")
        sub.add_parser("train", help="train the learned layer on confirmed assignments")

    def handle(self, *args, verb, **options):
        try:
            getattr(self, "do_" + verb.replace("-", "_"))(**options)
        except ChainFileError as exc:
            for problem in exc.problems[:200]:
                self.stderr.write(str(problem))
            raise CommandError(f"产业链文件有 {len(exc.problems)} 处错误，未导入任何数据") from None
        except BomError as exc:
            for issue in exc.issues[:200]:
                self.stderr.write(str(issue))
            raise CommandError(f"BOM 文件有 {len(exc.issues)} 处错误") from None
        except (services.ChainServiceError, ChainAnalysisError, LearnedError) as exc:
            raise CommandError(str(exc)) from None
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件：{exc.filename}") from None

    def _json(self, data) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))

    def do_import(self, file, json=False, **_):
        chain = services.import_chain(None, file)
        if json:
            self._json({"slug": chain.slug, "name": chain.name, "nodes": chain.nodes.count()})
        else:
            self.stdout.write(f"已导入产业链「{chain.name}」（{chain.slug}），{chain.nodes.count()} 个节点")

    def do_export(self, chain, output, **_):
        found = services.find_chain(chain)
        services.export_chain(found, output)
        self.stderr.write(f"已导出「{found.name}」到 {output}")

    def do_list(self, json=False, **_):
        rows = [{"slug": c.slug, "name": c.name, "nodes": c.nodes.count()} for c in Chain.objects.all()]
        if json:
            self._json(rows)
        for row in rows if not json else []:
            self.stdout.write(f"{row['slug']}\t{row['name']}\t{row['nodes']} 个节点")

    def do_load_builtin(self, **_):
        for chain in services.load_builtin_chains(None):
            self.stdout.write(f"{chain.slug}\t{chain.name}\t{chain.nodes.count()} 个节点")

    def do_bom(self, file, name, region, save=False, json=False, **_):
        result = bom_services.decompose_bom(None, file, name=name, region_code=region, save=save)
        if json:
            self._json(result)
            return
        self.stdout.write(f"{name}：{result['lines']} 行，{result['parts']} 件，{len(result['nodes'])} 类")
        for node in result["nodes"]:
            self.stdout.write(f"  {node['name']}\t{node['parts']} 件\t{'、'.join(node['manufacturers'])}")
        for maker in result["makers"]:
            if maker["local_firms"]:
                names = "、".join(f["name"] for f in maker["local_firms"])
                self.stdout.write(f"本地制造商：{maker['as_written']} → {names}")
        for warning in result["warnings"]:
            self.stderr.write(f"提示：{warning}")

    def do_gap(self, chain, region, json=False, **_):
        found = services.find_chain(chain)
        report = services.gap_for_region(found, region)
        data = services.gap_json(report)
        if json:
            self._json(data)
            return
        self.stdout.write(
            f"{found.name} · {report.area.name}（{report.area.code}）完整度 {report.completeness:.0%}"
        )
        with translation.override(settings.LANGUAGE_CODE):  # the status words in the installation's language
            status_words = {k: documents.status_word(k) for k in ("strong", "weak", "missing")}
        for node in data["nodes"]:
            mark = "★" if node["key_node"] else " "
            self.stdout.write(
                f"{'  ' * (node['depth'] - 1)}{mark}{node['name']}\t{status_words[node['status']]}\t{node['local_firms']} 家有证据\t待核实 {node['candidates']}\t目标 {node['targets_total']}"
            )

    def do_assignments(self, chain, region, output, **_):
        found = services.find_chain(chain)
        report = services.gap_for_region(found, region)
        with translation.override(settings.LANGUAGE_CODE):  # a command writes the installation's language
            Path(output).write_bytes(documents.assignments_xlsx(report))
        self.stdout.write(f"已导出 {output}")

    def do_classify_firms(self, chain=None, **_):
        from tqdm import tqdm

        chains = [services.find_chain(c) for c in chain] if chain else None
        bar = tqdm(total=0, unit="家", file=sys.stderr, disable=None)

        def progress(done, total):
            bar.total = total
            bar.n = done
            bar.refresh()

        counts = services.classify_enterprises(None, chains=chains, progress=progress)
        bar.close()
        self.stdout.write(json_line(counts.as_dict()))

    def do_train(self, **_):
        summary = services.train_learned_layer(None)
        self.stdout.write(
            f"已训练：{summary.confirmed} 条确认、{summary.rejected} 条否定，{summary.labels} 个类别 → {summary.path}"
        )


def json_line(data) -> str:
    return json.dumps(data, ensure_ascii=False)
