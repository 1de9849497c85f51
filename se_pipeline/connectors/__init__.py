"""Connectors: one package per source, each a generator of pages of raw records.

A connector object has `source` (its name), `tables` (the raw tables it writes), `calls`
(API calls made so far) and `extract(window)`, yielding `Rows` and `Quarantined`.
`se_pipeline.sources.build_connector` picks the connector for a source's configured mode.
"""

from typing import TYPE_CHECKING

from se_pipeline.connectors.base import Connector, check_env_name, env_secret, is_env_name
from se_pipeline.connectors.jsonfile import UnreadableItem, parse_json, parse_json_items
from se_pipeline.lazy import lazy_exports

if TYPE_CHECKING:  # http.py imports httpx: on first use only
    from se_pipeline.connectors.http import GuardedHttp, json_object

if not TYPE_CHECKING:  # type checkers read the imports under TYPE_CHECKING
    __getattr__ = lazy_exports(__name__, {"http": ("GuardedHttp", "json_object")})

__all__ = ["Connector", "GuardedHttp", "UnreadableItem", "check_env_name", "env_secret", "is_env_name", "json_object",
           "parse_json", "parse_json_items"]
