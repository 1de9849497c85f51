"""The key a customer's (or a person's) name is matched by, here and in SQL (sql/macros.sql name_key)."""

from __future__ import annotations

import re

__all__ = ["name_key"]

_NOT_LETTER_OR_DIGIT = re.compile(r"[^a-z0-9]")


def name_key(name: str | None) -> str:
    """Lower-case letters and digits only: 'Acme Corp.' and 'acme-corp' share the key 'acmecorp'."""
    return _NOT_LETTER_OR_DIGIT.sub("", (name or "").lower())
