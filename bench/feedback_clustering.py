"""Theme clustering quality: adjusted Rand index, purity and labels of se_pipeline.enablement.clustering.

    python bench/feedback_clustering.py [--per-topic 40] [--topics 10] [--seed 0]

Sets: the hand-labelled field feedback in tests/data/feedback/labelled_feedback.csv (9 themes), and
samples of Banking77 (../shared/data/labeled-intent-topic-banking77/test.csv, CC BY 4.0): a few
topics (like a quarter's feedback) and all 77 (far more themes than the k cap allows). For each:
k chosen by silhouette (as the pipeline runs) and k fixed at the true number of themes.
Purity: the share of items whose cluster's majority label is their own.
Labels: the share of themes whose label shares a content word (stemmed) with the true name of the
theme's majority label: for the hand-labelled set the names below, written from the items before
any label was generated; for Banking77 its category ("card_payment_fee_charged").
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

from se_pipeline.enablement.clustering import STOP_WORDS, cluster_texts, stem

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "tests" / "data" / "feedback" / "labelled_feedback.csv"
BANKING77 = ROOT.parent / "shared" / "data" / "labeled-intent-topic-banking77" / "test.csv"


# What a person would call each hand-labelled theme.
TRUE_NAMES = {
    "opentelemetry": "OpenTelemetry and OTLP support",
    "pricing": "Pricing and cost predictability",
    "competition": "Competitor comparisons and migrations",
    "residency": "Data residency, security and compliance",
    "sso": "SSO, SCIM and access control",
    "alerts": "Alert noise and routing",
    "kubernetes": "Kubernetes agent install",
    "retention": "Log retention and archiving",
    "demo_env": "Demo environment reliability",
}
LABEL_TARGET = 0.8


def _root(word: str) -> str:
    word = stem(word)  # the pipeline's stemmer, and the short words and -ed forms it leaves
    for suffix in ("ed", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _content(text: str) -> set[str]:
    return {_root(w) for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP_WORDS}


def label_check(truth: list[str], labels: np.ndarray, names: list[str]) -> float:
    """The share of themes whose label shares a content word with its majority label's true name."""
    hits = 0
    for cluster, name in enumerate(names):
        members = [t for t, c in zip(truth, labels) if c == cluster]
        majority = Counter(members).most_common(1)[0][0]
        hits += bool(_content(name) & _content(TRUE_NAMES.get(majority, majority.replace("_", " "))))
    return hits / len(names)


def purity(truth: list[str], labels: np.ndarray) -> float:
    total = 0
    for cluster in set(labels.tolist()):
        members = [t for t, c in zip(truth, labels) if c == cluster]
        total += Counter(members).most_common(1)[0][1]
    return total / len(truth)


def read(path: Path, text: str, label: str) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [(row[text], row[label]) for row in csv.DictReader(handle)]


def sample(rows: list[tuple[str, str]], topics: int, per_topic: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    by_label: dict[str, list[str]] = {}
    for text, label in rows:
        by_label.setdefault(label, []).append(text)
    chosen = sorted(by_label) if topics >= len(by_label) else sorted(rng.sample(sorted(by_label), topics))
    return [(t, label) for label in chosen for t in rng.sample(by_label[label], min(per_topic, len(by_label[label])))]


def measure(name: str, rows: list[tuple[str, str]], verbose: bool = False) -> None:
    texts, truth = [t for t, _ in rows], [label for _, label in rows]
    true_k = len(set(truth))
    for mode, k in (("k by silhouette", None), ("k = true", true_k)):
        started = time.perf_counter()
        result = cluster_texts(texts, k=k, max_k=15 if k is None else max(15, true_k))
        seconds = time.perf_counter() - started
        print(
            f"{name:<34} {len(texts):>5} items {true_k:>3} themes | {mode:<15} k={result.k:<3} "
            f"ARI={adjusted_rand_score(truth, result.labels):.3f} purity={purity(truth, result.labels):.3f} "
            f"labels={label_check(truth, result.labels, result.names):.2f} (target {LABEL_TARGET:.2f}) "
            f"silhouette={result.silhouette:.3f} ({seconds:.1f}s)"
        )
        if verbose:
            for cluster, label in enumerate(result.names):
                members = Counter(t for t, c in zip(truth, result.labels) if c == cluster)
                print(f"    {label!r:<50} {dict(members.most_common(3))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-topic", type=int, default=40)
    parser.add_argument("--topics", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verbose", action="store_true", help="print each theme's label and its members' true labels")
    args = parser.parse_args()
    measure("hand-labelled field feedback", read(LABELLED, "text", "label"), args.verbose)
    if not BANKING77.is_file():
        print(f"(Banking77 not found at {BANKING77}: skipped)")
        return
    banking = read(BANKING77, "text", "category")
    measure(f"banking77 {args.topics} topics x {args.per_topic}", sample(banking, args.topics, args.per_topic, args.seed))
    measure("banking77 all 77 topics x 10", sample(banking, 77, 10, args.seed))


if __name__ == "__main__":
    main()
