"""JSON from files and response bodies that may be damaged or hostile.

json.loads raises RecursionError, not a ValueError, on input nested deeper than Python's stack
allows (a few thousand levels), and UnicodeDecodeError on bytes that are not UTF-8: every caller
would have to know both. `parse_json` raises ValueError for all of them, with a reason that says
which, so one bad file or answer is quarantined (or retried) like any other malformed JSON.
"""

from __future__ import annotations

import json
from typing import Any


def parse_json(data: bytes | str) -> Any:
    """The JSON value in `data` (UTF-8, a BOM allowed); ValueError for anything that is not JSON."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        return json.loads(text)
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 ({exc})") from None
    except RecursionError:
        raise ValueError("nested too deeply to read") from None
