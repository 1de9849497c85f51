"""Grouping short feedback texts into themes, and naming them.

TF-IDF over crudely stemmed words and word pairs, reduced by LSA (truncated SVD) so that texts
sharing related words land near each other, then KMeans with k chosen by the best cosine
silhouette. Labels come from a plain-word TF-IDF: the terms used by many members of a theme and
few others. Deterministic (fixed seeds) and fitted on the texts at hand: no model download.
bench/feedback_clustering.py measures it (adjusted Rand index, purity) on labelled sets.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

# Words every piece of sales feedback uses; they would otherwise name every theme.
_FIELD_STOP_WORDS = frozenset(
    """customer customers prospect prospects buyer buyers asked ask asks asking said says
    told keep keeps kept want wants wanted need needs needed really just like think thinks
    team teams deal deals rep reps call calls week weeks us we our they them their also
    still lot lots get got going question questions wondering wonder mentioned raised
    feedback would could should one two many much looks look
    aren doesn don isn wasn won didn couldn wouldn shouldn ve ll re""".split()
)
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | _FIELD_STOP_WORDS)
SEED = 0


@dataclass(frozen=True)
class Clustering:
    labels: np.ndarray  # cluster index per text
    k: int
    silhouette: float  # of the chosen k (0.0 when only one cluster)
    names: list[str]  # readable label per cluster
    terms: list[list[str]]  # distinctive terms per cluster, best first


_TOKEN = r"(?u)\b[a-zA-Z][a-zA-Z0-9+#.-]*[a-zA-Z0-9+#]\b"
_WORDS = TfidfVectorizer(stop_words=STOP_WORDS, token_pattern=_TOKEN).build_analyzer()
LSA_DIMENSIONS = 50
MIN_PAIR_SHARE = 0.4  # a word pair names a theme only when this share of its members use it


def stem(word: str) -> str:
    # Plural and -ing forms are the variation short feedback has most ("alert", "alerts", "alerting").
    for suffix in ("ing", "es", "s"):
        if len(word) > 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _stemmed_terms(text: str) -> list[str]:
    words = [stem(w) for w in _WORDS(text)]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def _tfidf(texts: Sequence[str], **options):
    """A TF-IDF matrix and its vocabulary; words that occur once are dropped when there are enough texts."""
    min_df = 2 if len(texts) >= 20 else 1
    try:
        vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=min_df, **options)
        return vectorizer.fit_transform(texts), list(vectorizer.get_feature_names_out())
    except ValueError:  # nothing left after stop words and min_df: use every word
        vectorizer = TfidfVectorizer(sublinear_tf=True)
        return vectorizer.fit_transform(texts), list(vectorizer.get_feature_names_out())


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length LSA vectors of `texts` (stemmed words and word pairs)."""
    matrix, _ = _tfidf(texts, analyzer=_stemmed_terms)
    dimensions = min(LSA_DIMENSIONS, matrix.shape[0] - 1, matrix.shape[1] - 1)
    if dimensions < 2:
        return normalize(matrix.toarray())
    return normalize(TruncatedSVD(dimensions, random_state=SEED).fit_transform(matrix))


def _candidate_ks(n: int, max_k: int) -> range:
    # Silhouette keeps rising with k on short texts (near-duplicates form tight pairs), so k is also
    # capped by the sqrt(n/2) rule of thumb (+2), and by ~3 items per theme.
    cap = min(max_k, n // 3, math.ceil(math.sqrt(n / 2)) + 2)
    return range(2, max(2, cap) + 1)


def choose_k(matrix, max_k: int = 15) -> tuple[int, float, np.ndarray]:
    """The k in 2..max_k with the best silhouette (cosine), its score and labels."""
    n = matrix.shape[0]
    distinct = len(np.unique(np.round(matrix, 6), axis=0))  # k above this only splits duplicates
    best: tuple[int, float, np.ndarray] | None = None
    for k in _candidate_ks(n, max_k):
        if k > distinct:
            break
        labels = KMeans(n_clusters=k, n_init=10, random_state=SEED).fit_predict(matrix)
        if len(set(labels)) < 2:
            continue
        score = float(
            silhouette_score(matrix, labels, metric="cosine", sample_size=min(n, 2000), random_state=SEED)
        )
        if best is None or score > best[1]:
            best = (k, score, labels)
    if best is None:
        return 1, 0.0, np.zeros(n, dtype=int)
    return best


def distinctive_terms(texts: Sequence[str], labels: np.ndarray, top: int = 4) -> list[list[str]]:
    """Per cluster, the plain words and pairs that most members use and few non-members do."""
    matrix, vocabulary = _tfidf(texts, stop_words=STOP_WORDS, ngram_range=(1, 2), token_pattern=_TOKEN)
    present = (matrix > 0).astype(float)
    result: list[list[str]] = []
    for cluster in range(int(labels.max()) + 1 if len(labels) else 0):
        inside = labels == cluster
        share_in = np.asarray(present[inside].mean(axis=0)).ravel()
        share_out = np.asarray(present[~inside].mean(axis=0)).ravel() if (~inside).any() else 0.0
        order = np.argsort(-(share_in - share_out), kind="stable")
        chosen: list[str] = []
        for index in order:
            term = vocabulary[index]
            if share_in[index] <= 0:
                break
            # Pairs are built after stop words go, so a rare pair may join words far apart in the text.
            if " " in term and share_in[index] < MIN_PAIR_SHARE:
                continue
            # A pair says more than its words: skip words already inside a chosen pair, and
            # replace a chosen word by a pair containing it.
            if any(term in c.split() for c in chosen if " " in c):
                continue
            chosen = [c for c in chosen if not (" " not in c and c in term.split())]
            chosen.append(term)
            if len(chosen) >= top:
                break
        result.append(chosen)
    return result


def phrase(terms: Sequence[str], words: int = 3) -> str:
    """'opentelemetry traces', 'native', 'otlp' -> 'Opentelemetry traces, native and otlp'."""
    parts = list(terms[:words])
    if not parts:
        return "Miscellaneous feedback"
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return text[0].upper() + text[1:]


def cluster_texts(texts: Sequence[str], max_k: int = 15, k: int | None = None) -> Clustering:
    """Group `texts` into themes; `k` fixes the number of themes instead of choosing it."""
    if len(texts) < 4:
        # Too few to compare groupings: all of them are one theme.
        labels = np.zeros(len(texts), dtype=int)
        score = 0.0
        k = 1 if texts else 0
    else:
        vectors = embed(texts)
        if k is None:
            k, score, labels = choose_k(vectors, max_k)
        else:
            labels = KMeans(n_clusters=k, n_init=10, random_state=SEED).fit_predict(vectors)
            score = float(silhouette_score(vectors, labels, metric="cosine")) if len(set(labels)) > 1 else 0.0
    terms = distinctive_terms(texts, labels) if texts else []
    return Clustering(labels, k, score, [phrase(t) for t in terms], terms)
