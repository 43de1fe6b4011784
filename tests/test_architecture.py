"""The dependency rules of docs/ARCHITECTURE.md, checked on the real import graph (grimp).

1. Analytic cores and the shared foundations import no Django and nothing of ours that does.
2. Packages import only what the table below allows: platform packages never import capabilities, and
   capabilities import each other only along the declared edges, so there is no cycle between apps.
Function-local imports count too: grimp reads every import statement.
"""

from __future__ import annotations

import grimp
import pytest

#: Django-free modules besides every app's ``core`` and ``analysis`` subpackages.
FOUNDATIONS = (
    "zhaoshang.tabular",
    "zhaoshang.core.errors",
    "zhaoshang.core.workdays",
    "zhaoshang.core.reference",
    "zhaoshang.reports",
    # insight's analytic cores (the issue names them insight/complexity.py, ...)
    "zhaoshang.insight.complexity",
    "zhaoshang.insight.lagyears",
    "zhaoshang.insight.io",
    "zhaoshang.insight.opportunities",
    "zhaoshang.insight.tables",
    "zhaoshang.insight.errors",
    "zhaoshang.insight.indicators",
    # places' analytic cores (places/access.py and the readers it stands on)
    "zhaoshang.places.access",
    "zhaoshang.places.osm",
    "zhaoshang.places.categories",
    "zhaoshang.places.coords",
    "zhaoshang.places.parks",
    "zhaoshang.places.poifile",
    "zhaoshang.places.standards",
)

#: Platform packages, each allowed to import the ones listed (and the foundations).
PLATFORM = {
    "env": set(),
    "core": set(),
    "reports": set(),
    "accounts": {"core"},
    "api": {"core", "accounts"},
    "web": {"core", "accounts"},
    "notifications": {"core", "accounts", "web"},
}

#: Capabilities may import the platform and the capabilities listed here.
CAPABILITIES = {
    "registry": set(),
    "chains": {"registry"},
    "pipeline": {"registry", "chains"},
    "insight": {"registry", "chains"},
    "approvals": {"registry", "pipeline"},
    "policies": {"registry", "chains", "pipeline"},
    "service": {"registry"},
    "places": {"pipeline"},
}

#: Edges of the whole program (entry points, settings, the demo builder) may import anything.
ENTRY_POINTS = {"cli", "demo", "urls", "settings", "wsgi", "asgi", "__main__"}


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("zhaoshang", include_external_packages=True)


def _is_foundation(module: str) -> bool:
    parts = module.split(".")
    if any(module == f or module.startswith(f + ".") for f in FOUNDATIONS):
        return True
    return len(parts) >= 3 and parts[1] != "core" and parts[2] in {"core", "analysis"}


def _package(module: str) -> str:
    parts = module.split(".")
    return "cli" if "management" in parts else parts[1]


def test_analytic_cores_and_foundations_import_no_django(graph):
    offenders = []
    for module in sorted(m for m in graph.modules if m.startswith("zhaoshang.") and _is_foundation(m)):
        chain = graph.find_shortest_chain(importer=module, imported="django")
        if chain:
            offenders.append(" → ".join(chain))
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.startswith("zhaoshang.") and not _is_foundation(imported):
                offenders.append(f"{module} → {imported}")
    assert not offenders, "Django-free modules reach Django or the apps:\n" + "\n".join(offenders)


def test_packages_import_only_what_the_architecture_allows(graph):
    known = set(PLATFORM) | set(CAPABILITIES) | ENTRY_POINTS
    offenders = []
    for module in sorted(m for m in graph.modules if m.startswith("zhaoshang.") and not _is_foundation(m)):
        source = _package(module)
        assert source in known, (
            f"{source} is a new package: add it to tests/test_architecture.py and ARCHITECTURE.md"
        )
        if source in ENTRY_POINTS:
            continue
        allowed = PLATFORM.get(source)
        if allowed is None:
            allowed = set(PLATFORM) | CAPABILITIES[source]
        for imported in graph.find_modules_directly_imported_by(module):
            if not imported.startswith("zhaoshang.") or _is_foundation(imported):
                continue
            target = _package(imported)
            if target != source and target not in allowed and imported != "zhaoshang.env":
                offenders.append(f"{module} → {imported}")
    assert not offenders, "imports across the declared layers:\n" + "\n".join(offenders)


def test_the_declared_capability_edges_have_no_cycle():
    seen: dict[str, int] = {}

    def visit(name: str) -> None:
        assert seen.get(name) != 1, f"cycle through {name}"
        if seen.get(name) == 2:
            return
        seen[name] = 1
        for dep in CAPABILITIES[name]:
            visit(dep)
        seen[name] = 2

    for name in CAPABILITIES:
        visit(name)
