"""The learned layer: training the text model on reviewed assignments, loading it for classification."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from zhaoshang.accounts.types import Actor
from zhaoshang.chains.analysis.rules import RuleClassifier
from zhaoshang.chains.models import Chain, ChainNode, NodeAssignment
from zhaoshang.chains.services.common import ChainServiceError, Status, firm_text
from zhaoshang.chains.services.specs import spec_for
from zhaoshang.core import audit
from zhaoshang.core.models import AuditEntry

log = logging.getLogger(__name__)

#: A learned suggestion is stored only when its calibrated probability reaches this.
LEARNED_MIN_SCORE = 0.5
#: Label of the learned layer's "not on any node" class (trained on rejected suggestions).
NONE_LABEL = "__none__"


def model_path() -> Path:
    return Path(settings.VAR_DIR) / "models" / "chains-learned.pkl"


def _label(node: ChainNode | tuple[str, str]) -> str:
    return f"{node[0]}:{node[1]}" if isinstance(node, tuple) else f"{node.chain.slug}:{node.key}"


def rule_evidence(classifier: RuleClassifier):
    def evidence(text: str) -> dict[str, float]:
        return {f"{a.chain_slug}:{a.node_key}": a.score for a in classifier.classify(scope=text)}

    return evidence


def label_documents(chains: Iterable[Chain]) -> tuple[dict[str, str], dict[str, str]]:
    """Per node label: a document (name, aliases, keywords, card) and its parent label."""
    docs: dict[str, str] = {}
    parents: dict[str, str] = {}
    for chain in chains:
        by_id = {}
        for n in chain.nodes.all().order_by("order"):
            by_id[n.pk] = n
            card = n.card or {}
            words = [n.name, *n.aliases, *n.keywords, card.get("what", ""), card.get("uses", "")]
            docs[f"{chain.slug}:{n.key}"] = " ".join(w for w in words if w)
            if n.parent_id:
                parents[f"{chain.slug}:{n.key}"] = f"{chain.slug}:{by_id[n.parent_id].key}"
    return docs, parents


def training_examples() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(confirmed (text, label) pairs, rejected-only (text, NONE_LABEL) pairs) from the review queue."""
    confirmed = []
    firm_ok: set[int] = set()
    for a in (
        NodeAssignment.objects.filter(status=Status.CONFIRMED)
        .select_related("enterprise", "node__chain")
        .order_by("pk")
    ):
        e = a.enterprise
        confirmed.append(
            (firm_text({"name": e.name, "scope": e.scope, "description": e.description}), _label(a.node))
        )
        firm_ok.add(a.enterprise_id)
    rejected = []
    seen: set[int] = set()
    for a in (
        NodeAssignment.objects.filter(status=Status.REJECTED)
        .exclude(enterprise_id__in=firm_ok)
        .select_related("enterprise")
        .order_by("pk")
    ):
        if a.enterprise_id in seen:
            continue
        seen.add(a.enterprise_id)
        e = a.enterprise
        rejected.append(
            (firm_text({"name": e.name, "scope": e.scope, "description": e.description}), NONE_LABEL)
        )
    return confirmed, rejected


@dataclass
class TrainingSummary:
    confirmed: int
    rejected: int
    labels: int
    path: Path


def train_learned_layer(actor: Actor, *, chains: Iterable[Chain] | None = None) -> TrainingSummary:
    """Train the text model on confirmed assignments plus every node's label document; save it under VAR_DIR."""
    from zhaoshang.chains.analysis.learned import TextClassifier

    chains = list(chains) if chains is not None else list(Chain.objects.all())
    if not chains:
        raise ChainServiceError(_("There is no chain yet, so there is nothing to train on"))
    docs, parents = label_documents(chains)
    confirmed, rejected = training_examples()
    if rejected:
        docs[NONE_LABEL] = ""
    classifier = RuleClassifier([spec_for(c) for c in chains])
    model = TextClassifier(label_docs=docs, parents=parents, evidence=rule_evidence(classifier))
    texts = [t for t, _label in rejected]
    labels = [y for _text, y in rejected]
    if not texts:  # docs alone are enough: each document is a pseudo-example of its label
        first = next(iter(docs))
        texts, labels = [docs[first]], [first]
    model.fit(texts, labels, confirmed=confirmed)
    path = model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    model.save(tmp)
    tmp.replace(path)
    summary = TrainingSummary(len(confirmed), len(rejected), len(model.classes_), path)
    if chains:
        audit.record(
            actor,
            AuditEntry.Action.UPDATE,
            chains[0],
            {"learned_model": [None, str(path)]},
            note=f"train: {len(confirmed)} confirmed",
        )
    return summary


def load_learned_model(evidence=None):
    path = model_path()
    if not path.exists():  # checked first: importing the learned layer (scikit-learn) alone takes seconds
        return None
    from zhaoshang.chains.analysis.learned import LearnedError, TextClassifier

    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return TextClassifier.load(path, evidence=evidence)
    except LearnedError as exc:
        log.warning("learned model not used: %s", exc)
        return None
