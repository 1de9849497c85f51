"""What a source package declares: its settings modes, its raw tables and where its connector, probe and
staging SQL are. The registry (se_pipeline.sources) lists one `Source` per package; the raw assets, their
key checks, the `sources:` settings, doctor and the contract views are built from it."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    # A misspelt key is a user mistake worth naming, not something to ignore.
    model_config = ConfigDict(extra="forbid")


class OffSource(Strict):
    """Not read. A config file that leaves a source out turns it off."""

    mode: Literal["off"] = "off"


@dataclass(frozen=True)
class TableSpec:
    """How a raw table is written.

    partitioned: a load deletes the window's rows (by partition_date) and inserts, so a re-run
    replaces rather than duplicates. Otherwise rows are upserted by primary key (dimensions).
    part_column: a load may re-read some parts of a day only (the Slack channels with news): it then
    deletes and inserts only the window's rows of those parts.
    checked: an asset check says no two rows share the key (the table's DDL, <package>/<name>.sql, makes it).
    """

    name: str
    key: tuple[str, ...]
    partitioned: bool = True
    part_column: str | None = None
    checked: bool = True


# The contract views a source's staging SQL maps its raw rows into (<package>/<contract>.sql, a SELECT; a
# view is the union by name of every source's). A view is made once what it reads exists: these from raw
# tables alone, with the raw tables; stg_activity also reads the settings tables and macros (models.prepare).
RAW_CONTRACTS = (
    "stg_opportunities", "stg_opportunity_content",  # the CRM
    "stg_usage", "stg_usage_reads",  # product usage, and the days it was read
    "stg_calls", "stg_call_utterances",  # recorded calls and their transcripts
    "stg_channels", "stg_channel_posts", "stg_people",  # conversations, who posts in them, the people in them
    "stg_mail", "stg_message_files",  # mail's addresses and headers; files and recipients of messages
    "stg_feedback", "stg_win_loss", "stg_onboarding_metrics", "stg_content_inventory",  # enablement inputs
)
CONTRACTS = (*RAW_CONTRACTS, "stg_activity")
_DECLARED = Path(__file__).parent / "contracts"


def declared_sql(contract: str) -> str:
    """A contract's columns and types (sources/contracts/<contract>.sql, a SELECT of no rows): its view has them
    even when no source feeds it."""
    return (_DECLARED / f"{contract}.sql").read_text(encoding="utf-8")


# A read-only query on the warehouse as last written, for a sensor's look (no rows before the first run).
Stored = Callable[[str], list[tuple]]


def not_watched(source: str, files: str) -> str:
    """Why a source's sensor has nothing to watch: it is read from `files` (which files_changed watches)."""
    return f"sources.{source} is not read through the API: nothing for this sensor to watch (files_changed watches {files})"


@dataclass(frozen=True)
class Source:
    """One source package.

    modes: its settings models, one per `mode` besides demo and off (export, api, …).
    connector: the module whose `from_settings(settings)` builds the connector for the configured mode.
    probe: the module whose `probe(settings, config, window)` is doctor's check of a configured mode.
    watcher: the module of its sensor, if it has one (<package>/watch.py).
    daily: loaded by the daily job (a raw asset per source); else by the job that reads it (feedback).
    """

    name: str
    package: str  # the package's import path
    modes: tuple[type[BaseModel], ...]
    tables: tuple[TableSpec, ...]
    daily: bool = True
    export_fix: str = ""  # what to do when the source's files cannot be read (doctor)

    @property
    def folder(self) -> Path:
        return Path(importlib.import_module(self.package).__path__[0])

    @property
    def connector(self) -> str:
        return f"{self.package}.connector"

    @property
    def probe(self) -> str:
        return f"{self.package}.probe"

    @property
    def watcher(self) -> str | None:
        """The module of its sensor (<package>/watch.py), if it has one: `watch(settings, cursor, now, stored)` answers
        what changed since the cursor (or why nothing is watched), every `INTERVAL` seconds; `DESCRIPTION`."""
        return f"{self.package}.watch" if (self.folder / "watch.py").is_file() else None

    def ddl(self, table: str) -> str:
        return (self.folder / f"{table}.sql").read_text(encoding="utf-8")

    @property
    def table_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.tables)

    def staging_sql(self, contract: str) -> str | None:
        """The SELECT mapping this source's raw rows into `contract`, if it feeds it."""
        path = self.folder / f"{contract}.sql"
        return path.read_text(encoding="utf-8") if path.is_file() else None
