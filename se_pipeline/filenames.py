"""File names from names people write (customers), in any script: transliterated to ASCII, and never
shared: names that would get the same file each get a short hash of their own spelling."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

from slugify import slugify

_MAX = 60  # characters of slug, before the hash


def _hash(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:6]


def file_stems(names: Iterable[str]) -> dict[str, str]:
    """name -> a file name stem, unique among `names` ('日本電気' -> 'ri-ben-dian-qi')."""
    unique = sorted(set(names))
    slugs = {name: slugify(name, max_length=_MAX, word_boundary=True) for name in unique}
    taken = Counter(slugs.values())
    stems = {}
    for name, slug in slugs.items():
        if not slug:  # nothing transliterates (emoji, symbols)
            stems[name] = f"customer-{_hash(name)}"
        elif taken[slug] > 1:  # 'Acme, Inc.' and 'ACME Inc' meet at 'acme-inc'
            stems[name] = f"{slug}-{_hash(name)}"
        else:
            stems[name] = slug
    return stems
