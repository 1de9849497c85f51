"""Grouping short feedback texts into themes, and naming them as a person would.

Features: TF-IDF over crudely stemmed words and word pairs, beside TF-IDF over character 3-5-grams
(which catch "SSO" / "SAML SSO" / "single sign-on"-style variation that whole words miss), each
row-normalised and given the same weight. Themes: non-negative matrix factorisation (NMF) of that
matrix, each text going to its strongest topic, with the number of themes chosen by the best
cosine silhouette on the matrix's LSA vectors. Deterministic (fixed seeds) and fitted on the
texts at hand: no model download.

Labels are class-based TF-IDF (c-TF-IDF, as BERTopic names topics): each theme's members are one
document, and a phrase (one to three words) scores its frequency in the theme times
log(1 + average theme size / its frequency across all themes). The label joins the best phrase
with the next best that shares no word with it ("SCIM provisioning and SSO"), and no word is
repeated. Words are compared stemmed; a phrase must be used by a third of the theme's members (and
at least two), so one text's wording cannot name a theme. Each phrase is written as the members
most often write it ("OpenTelemetry", "SCIM"). bench/feedback_clustering.py measures grouping (adjusted Rand index,
purity) and labels (a label shares a word with the theme's true name).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import NMF, TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

# Words every piece of sales feedback uses; they would otherwise name every theme.
_FIELD_STOP_WORDS = frozenset(
    """customer customers prospect prospects buyer buyers asked ask asks asking said says
    told keep keeps kept want wants wanted need needs needed really just like think thinks
    team teams deal deals rep reps call calls week weeks us we our they them their also
    still lot lots get got going question questions wondering wonder mentioned raised
    feedback would could should one two many much looks look came come comes
    aren doesn don isn wasn won didn couldn wouldn shouldn ve ll re""".split()
)
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | _FIELD_STOP_WORDS)
SEED = 0
CHARACTER_WEIGHT = 1.0  # character n-grams weigh as much as words
LABEL_MIN_SHARE = 1 / 3  # of a theme's members that must use a label phrase (and at least two)


@dataclass(frozen=True)
class Clustering:
    labels: np.ndarray  # cluster index per text
    k: int
    silhouette: float  # of the chosen k (0.0 when only one cluster)
    names: list[str]  # readable label per cluster
    terms: list[list[str]]  # distinctive phrases per cluster, best first
    strength: np.ndarray  # per text: how much it belongs to its cluster (0-1), to pick representative quotes


_TOKEN = r"(?u)\b[a-zA-Z][a-zA-Z0-9+#.-]*[a-zA-Z0-9+#]\b"
_WORDS = TfidfVectorizer(stop_words=STOP_WORDS, token_pattern=_TOKEN).build_analyzer()
LSA_DIMENSIONS = 50


def stem(word: str) -> str:
    # Plural and -ing forms are the variation short feedback has most ("alert", "alerts", "alerting").
    for suffix in ("ing", "es", "s"):
        if len(word) > 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _stemmed_terms(text: str) -> list[str]:
    words = [stem(w) for w in _WORDS(text)]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def _tfidf(texts: Sequence[str], **options):
    """A TF-IDF matrix and its vocabulary; terms that occur once are dropped when there are enough texts."""
    min_df = 2 if len(texts) >= 20 else 1
    try:
        vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=min_df, **options)
        return vectorizer.fit_transform(texts), list(vectorizer.get_feature_names_out())
    except ValueError:  # nothing left after stop words and min_df: use every word
        vectorizer = TfidfVectorizer(sublinear_tf=True)
        return vectorizer.fit_transform(texts), list(vectorizer.get_feature_names_out())


def features(texts: Sequence[str]) -> sp.csr_matrix:
    """Row-normalised word (stemmed words and pairs) and character 3-5-gram TF-IDF, side by side."""
    words, _ = _tfidf(texts, analyzer=_stemmed_terms)
    characters, _ = _tfidf(texts, analyzer="char_wb", ngram_range=(3, 5), lowercase=True)
    return sp.hstack([normalize(words), CHARACTER_WEIGHT * normalize(characters)]).tocsr()


def embed(matrix: sp.csr_matrix) -> np.ndarray:
    """Unit-length LSA vectors of the feature matrix (for the silhouette)."""
    dimensions = min(LSA_DIMENSIONS, matrix.shape[0] - 1, matrix.shape[1] - 1)
    if dimensions < 2:
        return normalize(matrix.toarray())
    return normalize(TruncatedSVD(dimensions, random_state=SEED).fit_transform(matrix))


def _candidate_ks(n: int, max_k: int) -> range:
    # Silhouette keeps rising with k on short texts (near-duplicates form tight pairs), so k is also
    # capped by the sqrt(n/2) rule of thumb (+2), and by ~3 items per theme.
    cap = min(max_k, n // 3, math.ceil(math.sqrt(n / 2)) + 2)
    return range(2, max(2, cap) + 1)


def _topics(matrix: sp.csr_matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(cluster per text, strength per text) from an NMF with k topics."""
    weights = NMF(k, init="nndsvd", random_state=SEED, max_iter=400).fit_transform(matrix)
    labels = weights.argmax(axis=1)
    totals = weights.sum(axis=1)
    strength = np.divide(weights.max(axis=1), totals, out=np.zeros(len(labels)), where=totals > 0)
    # Renumber by first appearance so that labels are stable whatever NMF's topic order.
    order = {c: i for i, c in enumerate(dict.fromkeys(labels.tolist()))}
    return np.array([order[c] for c in labels.tolist()], dtype=int), strength


def choose_k(matrix: sp.csr_matrix, vectors: np.ndarray, max_k: int = 15) -> tuple[int, float, np.ndarray, np.ndarray]:
    """The k in 2..max_k whose themes have the best silhouette (cosine): k, score, labels, strength."""
    n = matrix.shape[0]
    distinct = len(np.unique(np.round(vectors, 6), axis=0))  # k above this only splits duplicates
    best: tuple[int, float, np.ndarray, np.ndarray] | None = None
    for k in _candidate_ks(n, max_k):
        if k > distinct:
            break
        labels, strength = _topics(matrix, k)
        if len(set(labels.tolist())) < 2:
            continue
        score = float(silhouette_score(vectors, labels, metric="cosine", sample_size=min(n, 2000), random_state=SEED))
        if best is None or score > best[1]:
            best = (len(set(labels.tolist())), score, labels, strength)
    if best is None:
        return 1, 0.0, np.zeros(n, dtype=int), np.ones(n)
    return best


_ORIGINAL = re.compile(_TOKEN)
_STOP = frozenset(STOP_WORDS)


_BREAK = re.compile(r"[^\w\s+#.'-]|\.\s")  # punctuation that ends a phrase (not the dot inside "logz.io")


def _phrases(text: str) -> list[tuple[str, str]]:
    """(stemmed, as written) for each one to three content words that stand together in `text`
    (a stop word or punctuation between two words keeps them out of one phrase)."""
    found = []
    for chunk in _BREAK.split(text):
        run: list[str] = []
        for word in [*_ORIGINAL.findall(chunk), ""]:
            if word and word.lower() not in _STOP:
                run.append(word)
                continue
            for n in (1, 2, 3):
                for i in range(len(run) - n + 1):
                    part = run[i:i + n]
                    found.append((" ".join(stem(w.lower()) for w in part), " ".join(part)))
            run = []
    return found


def distinctive_terms(texts: Sequence[str], labels: np.ndarray, top: int = 4) -> list[list[str]]:
    """Per cluster, its best phrases by c-TF-IDF (as its members most often write them), none
    repeating a word of a better one."""
    if not len(labels):
        return []
    clusters = int(labels.max()) + 1
    phrases = [_phrases(t) for t in texts]
    written: dict[str, Counter] = {}
    for found in phrases:
        for key, original in found:
            written.setdefault(key, Counter())[original] += 1
    try:
        vectorizer = CountVectorizer(analyzer=lambda i: [key for key, _ in phrases[int(i)]], binary=True)
        presence = vectorizer.fit_transform([str(i) for i in range(len(texts))])
    except ValueError:  # only stop words
        return [[] for _ in range(clusters)]
    vocabulary = vectorizer.get_feature_names_out()
    members = np.zeros((clusters, len(texts)))
    members[labels, np.arange(len(texts))] = 1
    per_class = np.asarray(presence.T @ members.T).T  # members of each cluster using each phrase
    sizes = members.sum(axis=1)
    average = presence.sum() / clusters
    idf = np.log(1 + average / np.maximum(per_class.sum(axis=0), 1))
    # A longer phrase says more than its words when it is used nearly as often.
    length_bonus = np.array([1 + 0.25 * (len(v.split()) - 1) for v in vocabulary])
    result = []
    for cluster in range(clusters):
        # A third of the members (at least two); a mixed theme, by what two say; else, by what one says.
        need = next((n for n in (max(2, math.ceil(LABEL_MIN_SHARE * sizes[cluster])), 2, 1)
                     if (per_class[cluster] >= n).any()), 1)
        scores = per_class[cluster] / max(sizes[cluster], 1) * idf * length_bonus
        chosen: list[str] = []
        used: set[str] = set()
        for index in np.argsort(-scores, kind="stable"):
            if per_class[cluster, index] < need or scores[index] <= 0:
                continue
            index = _longest(index, vocabulary, per_class[cluster], need)
            stems = vocabulary[index].split()
            if set(stems) & used or len(set(stems)) < len(stems):  # no word twice, in the label or in a phrase
                continue
            chosen.append(written[vocabulary[index]].most_common(1)[0][0])
            used |= set(stems)
            if len(chosen) >= top:
                break
        result.append(chosen)
    return result


def _longest(index: int, vocabulary: np.ndarray, counts: np.ndarray, need: int) -> int:
    """The most used longer phrase holding this one ("demo environment" for "demo"), when enough
    members use it to name the theme: a person names the thing, not its first word."""
    words = f" {vocabulary[index]} "
    longer = [i for i in np.flatnonzero(counts >= need) if words in f" {vocabulary[i]} " and i != index]
    return int(max(longer, key=lambda i: (counts[i], len(vocabulary[i])))) if longer else index


def phrase(terms: Sequence[str], parts: int = 2) -> str:
    """'SCIM provisioning', 'SSO' -> 'SCIM provisioning and SSO'."""
    chosen = list(terms[:parts])
    if not chosen:
        return "Miscellaneous feedback"
    text = " and ".join(chosen)
    return text[0].upper() + text[1:]


def cluster_texts(texts: Sequence[str], max_k: int = 15, k: int | None = None) -> Clustering:
    """Group `texts` into themes; `k` fixes the number of themes instead of choosing it."""
    if len(texts) < 4:
        # Too few to compare groupings: all of them are one theme.
        labels = np.zeros(len(texts), dtype=int)
        strength = np.ones(len(texts))
        score = 0.0
        k = 1 if texts else 0
    else:
        matrix = features(texts)
        vectors = embed(matrix)
        if k is None:
            k, score, labels, strength = choose_k(matrix, vectors, max_k)
        else:
            labels, strength = _topics(matrix, k)
            k = len(set(labels.tolist()))
            score = float(silhouette_score(vectors, labels, metric="cosine")) if k > 1 else 0.0
    terms = distinctive_terms(texts, labels) if texts else []
    return Clustering(labels, k, score, [phrase(t) for t in terms], terms, strength)
