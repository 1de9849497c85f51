"""Settings: one YAML file validated by pydantic.

With no file at all every source is off; `se-pipeline run` without one uses the demo workspace's own
settings file (se_pipeline.demo writes both), so a newcomer sees real output.
Secrets never live here: a source names the environment variable that holds its token.
"""

from __future__ import annotations

import datetime as dt
import os
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import Field, ValidationError, create_model, field_validator

from se_pipeline.sources.feedback import FeedbackSettings
from se_pipeline.envvars import CONFIG_ENV, HOME_ENV
from se_pipeline.errors import ConfigError
from se_pipeline.sources import SOURCES, OffSource, Source, Strict as _Strict
# The source packages' settings models, importable from here as before (explicit re-exports).
from se_pipeline.sources.calls import CallsApi as CallsApi, CallsExport as CallsExport
from se_pipeline.sources.gmail import GmailApi, GmailMbox
from se_pipeline.sources.notion import (
    NotionApi as NotionApi, NotionExport as NotionExport, NotionProperties as NotionProperties,
)
from se_pipeline.sources.slack import SlackApi, SlackExport as SlackExport
from se_pipeline.sources.usage import UsageFile as UsageFile, UsageFiles, UsageHex as UsageHex

DEFAULT_HOME = ".se_pipeline"


class Delivery(_Strict):
    """Where an SE's digest (and weekly coaching report) is sent; nothing unless they opt in."""

    slack_dm: bool = False  # a DM from the sources.slack bot to slack_user_id
    email: bool = False  # a mail from the SE's own Gmail token (sources.gmail, mode api) to their address


class Manager(_Strict):
    """Who reviews a coaching report with a critical score (seed 001), reached the way the rep opted into."""

    name: str
    email: str | None = None
    slack_user_id: str | None = None


class SalesEngineer(_Strict):
    id: str
    name: str
    email: str
    slack_user_id: str | None = None
    gong_user_id: str | None = None
    quota: float | None = None  # bookings target per 90 days, for coaching's quota attainment
    deliver: Delivery = Delivery()
    manager: Manager | None = None


class CustomerConfig(_Strict):
    name: str
    aliases: list[str] = []
    domains: list[str] = []
    workspace_ids: list[str] = []  # product workspace / account ids in the usage data


class LlmSettings(_Strict):
    """An Anthropic- or OpenAI-compatible endpoint that rewrites the rule-based bullets (off unless set)."""

    provider: Literal["anthropic", "openai"]
    base_url: str | None = None  # None: the provider's public API
    model: str
    api_key_env: str  # the environment variable holding the key; the key itself never lives in config
    timeout_seconds: float = Field(default=60.0, gt=0)
    max_signals: int = Field(default=200, gt=0)  # per request


class AnalysisSettings(_Strict):
    competitors: list[str] = []  # added to the names the data gives (there is no built-in list)
    # A competitor's name -> the other spellings it goes by ("DDog"); a name here is configured too.
    competitor_aliases: dict[str, list[str]] = {}
    slow_response_days: int = Field(default=3, ge=1)
    lookback_days: int = Field(default=30, ge=1)  # open items raised this far back are re-checked and shown each run
    llm: LlmSettings | None = None


class EventsSettings(_Strict):
    """The Slack Events API receiver (`se-pipeline serve-events`) and the landing of its events."""

    signing_secret_env: str = "SLACK_SIGNING_SECRET"  # the variable holding the Slack app's signing secret
    max_body_bytes: int = Field(default=1_048_576, gt=0)  # a larger request is refused (413)


_BY_MODE = Field(discriminator="mode")


# sources.<name>: one field per registered source, its modes off and the source package's own
# (se_pipeline.sources); off unless the settings say otherwise.
def _setting(source: Source) -> Any:
    """sources.<name>'s type: one of its modes, told apart by `mode` (off, or the source's own)."""
    variants = (OffSource, *source.modes)
    return Annotated[Union[variants], _BY_MODE]  # noqa: UP007 - a union of a tuple made at run time


if TYPE_CHECKING:
    class Sources(_Strict):
        """For type checkers: a source's settings (the fields are made from the registry at run time)."""

        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...
else:
    Sources = create_model(
        "Sources",
        __base__=_Strict,
        **{source.name: (_setting(source), OffSource()) for source in SOURCES},
    )


class Settings(_Strict):
    home: Path = Path(DEFAULT_HOME)
    database: str | None = None  # a file path or an md: connection string; default <home>/warehouse.duckdb
    timezone: str = "America/New_York"
    start_date: dt.date = dt.date(2026, 10, 1)
    # The last day of data that no longer grows (exports taken once, such as the demo's): commands default to
    # it instead of yesterday, and a first run loads from start_date (files cost no API calls).
    data_until: dt.date | None = None
    company_domains: list[str] = ["example.com"]
    sales_engineers: list[SalesEngineer] = []
    customers: list[CustomerConfig] = []
    terminal_stages: list[str] = ["WIN", "Won", "Closed Won", "Lost", "Closed Lost", "Transferred"]
    sources: Sources = Sources()
    analysis: AnalysisSettings = AnalysisSettings()
    events: EventsSettings = EventsSettings()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as America/New_York)") from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def database_path(self) -> str:
        return self.database or str(self.home / "warehouse.duckdb")

    def enabled_sources(self) -> list[str]:
        return [name for name in Sources.model_fields if not isinstance(getattr(self.sources, name), OffSource)]

    def se(self, se_id: str) -> SalesEngineer:
        for se in self.sales_engineers:
            if se.id == se_id:
                return se
        known = ", ".join(s.id for s in self.sales_engineers) or "none configured"
        raise ConfigError(f"unknown sales engineer {se_id!r} (known: {known})")


def _modes(source: str) -> list[str]:
    """The modes sources.<source> accepts, read from its variants' `mode` literals."""
    field = Sources.model_fields.get(source)
    variants = typing.get_args(field.annotation) if field else ()
    return [mode for variant in variants for mode in typing.get_args(variant.model_fields["mode"].annotation)]


Where = dict[tuple, tuple[str, int, int]]  # a key path -> (file, line, column) of that key (or value)


class _Loader(yaml.SafeLoader):
    """SafeLoader, but dates stay text: pydantic then checks them, and a bad one (2026-13-01) is named
    by its key and place instead of failing inside the YAML parser."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def _read_yaml(text: str, file: Path) -> tuple[Any, Where, Where]:
    """The document, and where each key and each value starts (paths as pydantic's error locations)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    keys: Where = {}
    values: Where = {}

    def place(mark) -> tuple[str, int, int]:
        return (str(file), mark.line + 1, mark.column + 1)

    def walk(node, path: tuple) -> None:
        values[path] = place(node.start_mark)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                keys[path + (key.value,)] = place(key.start_mark)
                walk(value, path + (key.value,))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, path + (index,))

    if node is not None:
        walk(node, ())
    return data, keys, values


def _where(loc: tuple, places: Where, origin: str) -> tuple[str, int, int]:
    """The place of the longest prefix of `loc` that the file has (a missing key: its parent)."""
    for end in range(len(loc), -1, -1):
        if loc[:end] in places:
            return places[loc[:end]]
    return (origin, 0, 0)


def _format_validation_error(error: ValidationError, origin: str, keys: Where, values: Where) -> str:
    """One line per mistake, in the file's order: '<file>:<line>:<col>: <key>: <what is wrong>'."""
    lines: list[tuple[tuple[str, int, int], str]] = []
    for item in error.errors():
        loc = list(item["loc"])
        if len(loc) > 2 and loc[0] == "sources":
            del loc[2]  # the mode tag pydantic inserts for the chosen variant ('api', 'export', …)
        key = ".".join(str(p) for p in loc)
        message = " ".join(item["msg"].split())
        where = _where(tuple(loc), keys if item["type"] == "extra_forbidden" else values, origin)
        if item["type"] == "extra_forbidden":
            message = "unknown key (check the spelling)"
        elif item["type"] in ("union_tag_invalid", "union_tag_not_found"):
            # A source's mode picks its shape: name the choices instead of pydantic's "discriminator" wording.
            ctx = item.get("ctx", {})
            modes = ", ".join(_modes(str(loc[-1])))
            key += ".mode"
            message = f"unknown mode {ctx['tag']!r}" if "tag" in ctx else "missing"
            message += f" (one of: {modes})"
            where = _where(tuple(loc) + ("mode",), values, origin)
        lines.append((where, f"{key or '(top level)'}: {message}"))
    return "\n".join(f"{file}:{line}:{column}: {text}" if line else f"{file}: {text}"
                     for (file, line, column), text in sorted(lines))


def _format_yaml_error(error: yaml.YAMLError, file: Path) -> str:
    """'<file>:<line>:<column>: not valid YAML: <problem>', one line, where the parser gave up."""
    mark = getattr(error, "problem_mark", None)
    where = f"{file}:{mark.line + 1}:{mark.column + 1}" if mark else str(file)
    problem = getattr(error, "problem", None) or str(error)
    hint = " (YAML indents with spaces, not tabs)" if "\\t" in problem else ""
    return f"{where}: not valid YAML: {problem}{hint}"


def load_settings(path: str | Path | None = None) -> Settings:
    """Read settings from `path`, else $SE_PIPELINE_CONFIG, else defaults (every source off).

    Relative paths inside the file are taken relative to the file's folder.
    """
    path = path or os.environ.get(CONFIG_ENV)
    data: dict[str, Any] = {}
    origin = "defaults"
    keys: Where = {}
    values: Where = {}
    base = Path.cwd()
    if path:
        file = Path(path)
        origin = str(file)
        if not file.is_file():
            raise ConfigError(f"configuration file not found: {file}")
        try:
            data, keys, values = _read_yaml(file.read_text(encoding="utf-8"), file)
            data = {} if data is None else data
        except UnicodeDecodeError:
            raise ConfigError(f"{file} is not UTF-8 text: is it the settings YAML?") from None
        except yaml.YAMLError as exc:
            raise ConfigError(_format_yaml_error(exc, file)) from None
        if not isinstance(data, dict):
            raise ConfigError(f"{file}: the top level must be a mapping of keys to values")
        base = file.resolve().parent
        # Sources the file does not mention are off.
        sources = data.setdefault("sources", {}) if isinstance(data.get("sources", {}), dict) else data.get("sources")
        if isinstance(sources, dict):
            for name in Sources.model_fields:
                sources.setdefault(name, {"mode": "off"})
    if os.environ.get(HOME_ENV):
        # Given in the shell: relative to where the command runs, not to the settings file.
        data["home"] = str(Path(os.environ[HOME_ENV]).absolute())
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_validation_error(exc, origin, keys, values)) from None
    _check_delivery(settings, origin, keys)
    return _resolve_paths(settings, base)


def _check_delivery(settings: Settings, origin: str, keys: Where) -> None:
    """An SE who opts into a delivery the settings cannot make is told now, not at 06:00."""
    problems = []
    gmail = settings.sources.gmail
    for index, se in enumerate(settings.sales_engineers):
        key = ("sales_engineers", index, "deliver")
        if se.deliver.slack_dm and not (se.slack_user_id and isinstance(settings.sources.slack, SlackApi)):
            problems.append((key + ("slack_dm",), "a Slack DM needs the SE's slack_user_id and sources.slack in mode api "
                             "(its bot token, with the chat:write scope, sends the DM)"))
        mailbox = isinstance(gmail, GmailApi) and (se.id in gmail.token_files or gmail.service_account_file_env)
        if se.deliver.email and not mailbox:
            problems.append((key + ("email",), "an email needs sources.gmail in mode api with this SE's token "
                             "(token_files, or a service account) and the gmail.send scope"))
    if problems:
        lines = []
        for loc, message in problems:
            file, line, column = _where(loc, keys, origin)
            where = f"{file}:{line}:{column}: " if line else f"{file}: "
            lines.append(f"{where}{'.'.join(map(str, loc))}: {message}")
        raise ConfigError("\n".join(lines))


def _resolve_paths(settings: Settings, base: Path) -> Settings:
    def fix(p: Path) -> Path:
        return p if p.is_absolute() else base / p

    settings.home = fix(settings.home)
    src = settings.sources
    for name in Sources.model_fields:
        source = getattr(src, name)
        if isinstance(getattr(source, "path", None), Path):  # a folder or file (usage's is a DuckDB glob or URL: below)
            source.path = fix(source.path)
    if isinstance(src.gmail, GmailMbox):
        src.gmail.paths = {k: fix(v) for k, v in src.gmail.paths.items()}
    if isinstance(src.gmail, GmailApi):
        src.gmail.token_files = {k: fix(v) for k, v in src.gmail.token_files.items()}
    if isinstance(src.feedback, FeedbackSettings):
        src.feedback = src.feedback.resolved(base)
    if isinstance(src.usage, UsageFiles) and not Path(src.usage.path).is_absolute() and "://" not in src.usage.path:
        src.usage.path = str(base / src.usage.path)
    return settings
