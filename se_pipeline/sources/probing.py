"""What a source's probe (doctor's check of it) reports, and the checks every source shares."""

from __future__ import annotations

import os
from collections import Counter
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from se_pipeline.connectors import Connector, is_env_name
from se_pipeline.errors import ConfigError, SourceError
from se_pipeline.sources import SOURCE_BY_NAME, build_connector
from se_pipeline.pages import Quarantined, Rows
from se_pipeline.window import Window

if TYPE_CHECKING:
    from se_pipeline.config import Settings

Status = Literal["ok", "warn", "fail"]


class Finding(BaseModel):
    """One thing doctor checked: `what` it found and, unless ok, how to `fix` it."""

    source: str  # a source name, "sales_engineers", "warehouse" or "sources"
    status: Status
    what: str
    fix: str | None = None


def ok(source: str, what: str) -> Finding:
    return Finding(source=source, status="ok", what=what)


def warn(source: str, what: str, fix: str) -> Finding:
    return Finding(source=source, status="warn", what=what, fix=fix)


def fail(source: str, what: str, fix: str | None) -> Finding:
    return Finding(source=source, status="fail", what=what, fix=fix)


def unreachable(source: str, service: str, url: str, exc: Exception, setting: str = "base_url") -> Finding:
    """The service did not answer at `url` (sources.<source>.<setting>): the network or the address."""
    return fail(source, f"cannot reach {service} at {url}: {exc}", f"check sources.{source}.{setting} and the network (proxy, firewall)")


def env(name: str) -> str | None:
    return os.environ.get(name, "").strip() or None


def missing_env(source: str, names: list[str], holds: str, setting: str) -> Finding:
    if not all(is_env_name(name) for name in names):
        # Most likely the secret itself was pasted where its variable's name belongs: never echo it.
        return fail(
            source,
            f"{setting} should name an environment variable, but holds something else (the secret itself?)",
            f"put the secret ({holds}) in an environment variable and write that variable's name in {setting}; "
            "if the secret was in the configuration file, revoke it and make a new one",
        )
    listed = " and ".join(names)
    return fail(
        source,
        f"the environment variable{'s' if len(names) > 1 else ''} {listed} {'are' if len(names) > 1 else 'is'} not set",
        f"export {listed} ({holds}), or name another variable in {setting}",
    )


def dry_run(settings: Settings, source: str, window: Window, connector: Connector | None = None) -> Finding:
    """Read the source's files as a run would for `window`, with `connector` if given (nothing is stored)."""
    config = getattr(settings.sources, source)
    where = getattr(config, "path", None) or f"the sources.{source} files"
    rows: Counter[str] = Counter()
    bad: list[Quarantined] = []
    try:
        for item in (connector or build_connector(settings, source)).extract(window):
            if isinstance(item, Rows):
                rows[item.table] += len(item.rows)
            elif isinstance(item, Quarantined):
                bad.append(item)
    except (ConfigError, SourceError) as exc:
        return fail(source, str(exc), SOURCE_BY_NAME[source].export_fix or None)
    read = ", ".join(f"{n} {table}" for table, n in rows.items()) or "no rows"
    if bad:
        return warn(
            source,
            f"{where}: read for {window}: {read}; {len(bad)} record(s) cannot be parsed, e.g. {bad[0].key}: {bad[0].reason}",
            "correct or re-export those records; until then they are quarantined and skipped",
        )
    return ok(source, f"{where}: read for {window}: {read}")
