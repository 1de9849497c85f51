"""Theme clustering quality: adjusted Rand index and purity of se_pipeline.enablement.clustering.

    python bench/feedback_clustering.py [--per-topic 40] [--topics 10] [--seed 0]

Sets: the hand-labelled field feedback in tests/data/feedback/labelled_feedback.csv (9 themes), and
samples of Banking77 (../shared/data/labeled-intent-topic-banking77/test.csv, CC BY 4.0): a few
topics (like a quarter's feedback) and all 77 (far more themes than the k cap allows). For each:
k chosen by silhouette (as the pipeline runs) and k fixed at the true number of themes.
Purity: the share of items whose cluster's majority label is their own.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

from se_pipeline.enablement.clustering import cluster_texts

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "tests" / "data" / "feedback" / "labelled_feedback.csv"
BANKING77 = ROOT.parent / "shared" / "data" / "labeled-intent-topic-banking77" / "test.csv"


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


def measure(name: str, rows: list[tuple[str, str]]) -> None:
    texts, truth = [t for t, _ in rows], [label for _, label in rows]
    true_k = len(set(truth))
    for mode, k in (("k by silhouette", None), ("k = true", true_k)):
        started = time.perf_counter()
        result = cluster_texts(texts, k=k, max_k=15 if k is None else max(15, true_k))
        seconds = time.perf_counter() - started
        print(
            f"{name:<34} {len(texts):>5} items {true_k:>3} themes | {mode:<15} k={result.k:<3} "
            f"ARI={adjusted_rand_score(truth, result.labels):.3f} purity={purity(truth, result.labels):.3f} "
            f"silhouette={result.silhouette:.3f} ({seconds:.1f}s)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-topic", type=int, default=40)
    parser.add_argument("--topics", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    measure("hand-labelled field feedback", read(LABELLED, "text", "label"))
    if not BANKING77.is_file():
        print(f"(Banking77 not found at {BANKING77}: skipped)")
        return
    banking = read(BANKING77, "text", "category")
    measure(f"banking77 {args.topics} topics x {args.per_topic}", sample(banking, args.topics, args.per_topic, args.seed))
    measure("banking77 all 77 topics x 10", sample(banking, 77, 10, args.seed))


if __name__ == "__main__":
    main()
