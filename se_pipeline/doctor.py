"""`se-pipeline doctor`: check every configured source, the sales engineers and the warehouse, and
say what to fix.

Files are read the way a run reads them, for the day a run would load (through the connectors
themselves, so doctor and run never disagree about what is valid). APIs get one cheap read each,
through the connectors' read-only clients. A check that fails never raises: it becomes a Finding.
Findings never carry a secret: the values of the environment variables the settings name are
redacted before they are returned.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import queue
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path

from pydantic import BaseModel

from se_pipeline.config import Settings
from se_pipeline.errors import SePipelineError
from se_pipeline.sources import SOURCE_BY_NAME, Finding, env, fail, ok, warn
from se_pipeline.window import Window

__all__ = ["Finding", "check_sales_engineers", "check_warehouse", "format_finding", "format_findings",
           "format_totals", "run_doctor", "source_width"]

REDACTED = "[redacted]"
_MIN_SECRET_LENGTH = 8  # shorter values would redact ordinary words; real tokens are far longer
MOTHERDUCK_TOKEN_ENVS = ("motherduck_token", "MOTHERDUCK_TOKEN")  # the names DuckDB's MotherDuck extension reads



# ---- the run ------------------------------------------------------------------------------------


PROBE_SECONDS = 6.0  # all checks run at once; one that has not answered by then is reported, not waited for


def run_doctor(
    settings: Settings, on_finding: Callable[[Finding], None] | None = None, deadline: float = PROBE_SECONDS
) -> list[Finding]:
    """Check each enabled source, the sales engineers and the warehouse, all at once.

    `on_finding` gets each finding as its check ends; a check still waiting on the network after
    `deadline` seconds is reported as unreachable and left behind (its thread dies with the process).
    The findings are returned in the checks' order.
    """
    window = Window.for_day(_probe_day(settings), settings.tz)
    checks: list[tuple[str, Callable[[], list[Finding]]]] = [
        (source, partial(_check_source, settings, source, window)) for source in settings.enabled_sources()
    ]
    checks += [
        ("sales_engineers", partial(check_sales_engineers, settings)),
        ("warehouse", partial(check_warehouse, settings)),
    ]
    secrets = _secret_values(settings)
    tell = on_finding or (lambda finding: None)
    found: dict[str, list[Finding]] = {}
    if not settings.enabled_sources():
        found["sources"] = [warn("sources", "every source is off: runs will load nothing", "configure at least one source under sources:")]
        tell(found["sources"][0])
    answers: queue.Queue[tuple[str, list[Finding]]] = queue.Queue()
    for name, check in checks:
        # Daemon threads: a probe stuck on an unreachable host must not keep the command alive.
        threading.Thread(target=lambda n=name, c=check: answers.put((n, _safely(n, c))), name=f"doctor-{name}", daemon=True).start()
    end = time.monotonic() + deadline
    while len(found) < len(checks) + ("sources" in found):
        try:
            name, findings = answers.get(timeout=max(0.0, end - time.monotonic()))
        except queue.Empty:
            break
        found[name] = _redacted(findings, secrets)
        for finding in found[name]:
            tell(finding)
    for name, _ in checks:
        if name not in found:
            found[name] = [fail(name, f"no answer within {deadline:.0f}s", f"check that the host in sources.{name} (base_url) is right and reachable from here (network, proxy, firewall)")]
            tell(found[name][0])
    return [f for name in ["sources", *(n for n, _ in checks)] for f in found.get(name, [])]


def source_width(settings: Settings) -> int:
    """The width of the source column, known before any check ends (so lines printed as they come align)."""
    return max(len(name) for name in [*settings.enabled_sources(), "sales_engineers", "warehouse", "sources"])


def format_finding(finding: Finding, width: int) -> str:
    """A finding's line (and a second, indented, for its fix)."""
    marks = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}
    line = f"{marks[finding.status]}  {finding.source:<{width}}  {finding.what}"
    return line + (f"\n{'':<{width + 6}}  fix: {finding.fix}" if finding.fix else "")


def format_totals(findings: list[Finding]) -> str:
    counts = Counter(f.status for f in findings)
    warnings = f"{counts['warn']} warning" + ("" if counts["warn"] == 1 else "s")
    return f"{counts['fail']} failed, {warnings}, {counts['ok']} ok"


def format_findings(findings: list[Finding]) -> str:
    """One line per finding (a second, indented, for its fix), then the totals."""
    width = max((len(f.source) for f in findings), default=0)
    return "\n".join([*(format_finding(f, width) for f in findings), format_totals(findings)])


def _probe_day(settings: Settings) -> dt.date:
    """The day `se-pipeline run` loads without --date: the files are read for it."""
    from se_pipeline.runtime import default_day

    return default_day(settings)


def _safely(name: str, check: Callable[[], list[Finding]]) -> list[Finding]:
    try:
        return check()
    except SePipelineError as exc:  # the connectors' own messages already say what to fix
        return [fail(name, str(exc), None)]
    except Exception as exc:  # noqa: BLE001 - a doctor that crashes tells the user nothing
        return [fail(name, f"the check itself failed: {type(exc).__name__}: {exc}", "report this as a bug in se-pipeline")]


def _secret_values(settings: Settings) -> set[str]:
    names = [*MOTHERDUCK_TOKEN_ENVS, *_secret_envs(settings.sources)]
    if settings.analysis.llm:
        names.append(settings.analysis.llm.api_key_env)
    values = {os.environ.get(name, "").strip() for name in names}
    return {v for v in values if len(v) >= _MIN_SECRET_LENGTH}


def _secret_envs(model: BaseModel) -> list[str]:
    """The variables a source's settings name for a secret (token_env, secret_env, access_key_env, …), at any depth."""
    names = []
    for field, value in model:
        if isinstance(value, BaseModel):
            names += _secret_envs(value)
        elif isinstance(value, str) and field.endswith(("token_env", "secret_env", "key_env")):
            names.append(value)
    return names


def _redacted(findings: list[Finding], secrets: set[str]) -> list[Finding]:
    def scrub(text: str | None) -> str | None:
        for secret in secrets:
            text = text.replace(secret, REDACTED) if text else text
        return text

    return [f.model_copy(update={"what": scrub(f.what), "fix": scrub(f.fix)}) for f in findings]


# ---- sources ------------------------------------------------------------------------------------


def _check_source(settings: Settings, source: str, window: Window) -> list[Finding]:
    """The source package's probe (se_pipeline/sources/<name>/probe.py) of its configured mode."""
    config = getattr(settings.sources, source)
    return importlib.import_module(SOURCE_BY_NAME[source].probe).probe(settings, config, window)





# ---- sales engineers and the warehouse ----------------------------------------------------------


def check_sales_engineers(settings: Settings) -> list[Finding]:
    """At least one SE, ids unique, and a Slack user id for each when Slack is read."""
    ses = settings.sales_engineers
    if not ses:
        return [fail("sales_engineers", "no sales engineers configured: there is nobody to write a digest for", "list them under sales_engineers: (id, name, email, slack_user_id)")]
    findings = [ok("sales_engineers", f"{len(ses)} configured: {', '.join(se.id for se in ses)}")]
    counts = Counter(se.id for se in ses)
    findings += [
        fail("sales_engineers", f"the id {se_id!r} is used by {n} sales engineers", "give each sales engineer a distinct id")
        for se_id, n in counts.items()
        if n > 1
    ]
    if "slack" in settings.enabled_sources():
        findings += [
            warn(
                "sales_engineers",
                f"{se.id} has no slack_user_id: Slack cannot tell which messages and mentions are theirs",
                f"set slack_user_id for {se.id} (in Slack: their profile → ⋯ → Copy member ID)",
            )
            for se in ses
            if not se.slack_user_id
        ]
    return findings


def check_warehouse(settings: Settings) -> list[Finding]:
    """A local warehouse's folder can be written; a MotherDuck one has a token in the environment."""
    database = settings.database_path
    if database.startswith("md:"):
        shown = database.split("?", 1)[0]  # the query string may carry a token
        if any(env(name) for name in MOTHERDUCK_TOKEN_ENVS):
            return [ok("warehouse", f"MotherDuck database {shown}; a token is set in the environment")]
        if "motherduck_token=" in database:
            return [warn("warehouse", f"the MotherDuck token for {shown} is written in the configuration", "move it to the environment variable motherduck_token and drop it from `database:`")]
        return [fail("warehouse", f"MotherDuck database {shown} needs a token: the environment variable motherduck_token is not set", "export motherduck_token=<an access token from MotherDuck: Settings → Access tokens>")]
    path = Path(database)
    folder = next(p for p in (path.parent, *path.parent.parents) if p.exists())  # the run creates the rest
    fix = f"set `database:` (or `home:`) in the configuration to a writable place, or fix the permissions of {folder}"
    if not folder.is_dir():
        return [fail("warehouse", f"cannot create the warehouse {path}: {folder} is a file, not a folder", fix)]
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return [fail("warehouse", f"cannot write in {folder} ({exc.strerror})", fix)]
    if path.exists() and not os.access(path, os.W_OK):
        return [fail("warehouse", f"the warehouse {path} is read-only", fix)]
    state = "exists" if path.exists() else "will be created"
    return [ok("warehouse", f"{path} {state}; its folder is writable")]
