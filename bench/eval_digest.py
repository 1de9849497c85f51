"""How good the digests are on a hand-labelled week, with Notion read from its export and from the API.

    python bench/eval_digest.py [SCENARIO_DIR] [--mode export|api|both] [--verbose]
                                [--min-owed-recall X] [--min-owed-precision X] [--min-to-know X]
                                [--min-headers X] [--max-violations N] [--max-uncited N]

SCENARIO_DIR is laid out like ../shared/eval/scenario-2 (config.yaml, LABELS.yaml, notion/api/,
…); the default is that folder, or the copy in tests/data/eval-scenario-2 when ../shared is absent.
For each mode the scenario is copied to a temporary folder (the scenario itself is never written)
and run as a user would, `se-pipeline run --date <digest_date> --config config.yaml` (a
subprocess of this interpreter), with the config as written in export mode; in api mode
`sources.notion` is pointed at a fake Notion on 127.0.0.1 that replays notion/api/ (the data
source id is read from the recorded pages). The digests are scored by score_digest.py beside the
scenario's eval folder (its rules, imported, not copied: in export mode with --csv-notion, which
skips the labels only the Notion API can reach). Printed per mode: owed recall and precision,
to-know recall, headers, violations, uncited Todo / Things-to-know bullets, a line per SE, and with
--verbose the misses, violations and uncited bullets. A run that fails prints one line.

Exit status 0: this is a report. With floor options, 1 when a mode is below one (or failed).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from se_pipeline.config import CONFIG_ENV, DEFAULT_HOME, HOME_ENV  # noqa: E402
from tests.fakes.notion_replay import RecordedNotion  # noqa: E402

SHARED_EVAL = ROOT.parent / "shared" / "eval"
VENDORED_EVAL = ROOT / "tests" / "data" / "eval-scenario-2"
SCENARIO = "scenario-2"
MODES = ("export", "api")
RUN_TIMEOUT_SECONDS = 1800
NOTION_TOKEN_ENV = "NOTION_TOKEN"  # as the scenario config's api-mode comment names it

SUMMARY = re.compile(
    r"owed recall (?P<owed_found>\d+)/(?P<owed_total>\d+)=[\d.]+, owed precision (?P<owed_precision>[\d.]+), "
    r"to-know (?P<know_found>\d+)/(?P<know_total>\d+), headers (?P<headers_ok>\d+)/(?P<headers_total>\d+), "
    r"uncertain (?P<uncertain_ok>\d+)/(?P<uncertain_total>\d+), violations (?P<violations>\d+)$"
)
# A Markdown link to a source, or a usage fact's citation of its file (shown as text: file: is never a live link)
LINK = re.compile(r"\]\((?:https?|mailto):[^)\s]+\)|usage data: file:\S+")
OVERFLOW = re.compile(r"^…and \d+ more")  # the section's overflow line: a query, not a bullet


def eval_folder() -> Path:
    """../shared/eval when it exists (the steering repo beside the project), else the vendored copy."""
    return SHARED_EVAL if (SHARED_EVAL / SCENARIO).is_dir() else VENDORED_EVAL


@dataclass
class EvalResult:
    mode: str
    failure: str | None = None  # one line: why there is no score
    owed_found: int = 0
    owed_total: int = 0
    owed_precision: float = 0.0
    know_found: int = 0
    know_total: int = 0
    headers_ok: int = 0
    headers_total: int = 0
    uncertain_ok: int = 0
    uncertain_total: int = 0
    violations: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    per_se: list[str] = field(default_factory=list)
    uncited: list[str] = field(default_factory=list)  # "<se>: <customer>: <bullet>"
    seconds: float = 0.0

    @property
    def owed_recall(self) -> float:
        return self.owed_found / self.owed_total if self.owed_total else 0.0

    @property
    def to_know(self) -> float:
        return self.know_found / self.know_total if self.know_total else 0.0

    @property
    def headers(self) -> float:
        return self.headers_ok / self.headers_total if self.headers_total else 0.0

    def summary(self) -> str:
        if self.failure:
            return f"{self.mode}: {self.failure}"
        return (
            f"{self.mode}: owed recall {self.owed_found}/{self.owed_total} = {self.owed_recall:.2f}, "
            f"owed precision {self.owed_precision:.2f}, to-know {self.know_found}/{self.know_total} = {self.to_know:.2f}, "
            f"headers {self.headers_ok}/{self.headers_total}, uncertain {self.uncertain_ok}/{self.uncertain_total}, "
            f"violations {len(self.violations)}, uncited bullets {len(self.uncited)}"
        )


def evaluate(scenario_dir: Path, mode: str, scorer: Path | None = None) -> EvalResult:
    """Run the pipeline on a copy of `scenario_dir` with Notion in `mode` ("export" or "api") and score it
    with `scorer` (default: score_digest.py of the eval folder holding the scenario, else eval_folder()'s)."""
    scenario_dir = Path(scenario_dir).resolve()
    scorer = scorer or _scorer_beside(scenario_dir)
    started = time.monotonic()
    labels_path = scenario_dir / "LABELS.yaml"
    labels = yaml.safe_load(labels_path.read_text(encoding="utf-8"))
    if mode not in MODES:
        raise ValueError(f"mode {mode!r} is not one of {', '.join(MODES)}")
    with tempfile.TemporaryDirectory(prefix=f"eval-digest-{mode}-") as tmp:
        work = _copy(scenario_dir, Path(tmp) / scenario_dir.name)
        failure = _run_mode(work, mode, str(labels["digest_date"]))
        result = EvalResult(mode, failure=failure)
        if failure is None:
            digests = _home(work / "config.yaml") / "digests" / str(labels["digest_date"])
            _score(result, _load_scorer(scorer), labels_path, digests, csv_notion=mode == "export", n_ses=len(labels["ses"]))
    result.seconds = time.monotonic() - started
    return result


# ---- running -------------------------------------------------------------------------------------


def _copy(scenario_dir: Path, work: Path) -> Path:
    """A writable copy of the scenario, without a home a run inside it may have left."""
    shutil.copytree(scenario_dir, work, ignore=shutil.ignore_patterns(".se_pipeline"))
    for folder, _, files in os.walk(work):  # the shared copy is read-only, and copytree keeps modes
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    return work


def _run_mode(work: Path, mode: str, day: str) -> str | None:
    """The run of `mode` in `work`; None, or why it failed in one line."""
    if mode == "export":
        return _run(work, day, {})
    try:
        notion = RecordedNotion(work / "notion" / "api")
    except (OSError, ValueError, KeyError) as exc:  # no folder, no query pages, unreadable JSON, pages without parent
        return f"cannot replay the recorded Notion API answers in notion/api/: {exc}"
    with notion:
        try:
            _use_notion_api(work / "config.yaml", notion)
        except (OSError, yaml.YAMLError, AttributeError) as exc:
            return f"cannot point config.yaml at the Notion API: {' '.join(str(exc).split())}"
        return _run(work, day, {NOTION_TOKEN_ENV: notion.token})


def _use_notion_api(config_file: Path, notion: RecordedNotion) -> None:
    """Point the config's sources.notion at the replaying fake, by the recorded data source."""
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config.setdefault("sources", {})["notion"] = {
        "mode": "api",
        "token_env": NOTION_TOKEN_ENV,
        "data_source_id": notion.data_source_id,
        "base_url": notion.base_url,
    }
    config_file.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _run(work: Path, day: str, env: dict[str, str]) -> str | None:
    """`se-pipeline run --date day --config config.yaml` in `work`; None, or the failure in one line."""
    # The run makes its own home and Dagster instance there, whatever the caller's environment names.
    child_env = {k: v for k, v in os.environ.items() if k not in (CONFIG_ENV, HOME_ENV, "DAGSTER_HOME")}
    child_env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    command = [sys.executable, "-m", "se_pipeline.cli", "run", "--date", day, "--config", "config.yaml"]
    try:
        done = subprocess.run(command, cwd=work, env={**child_env, **env}, capture_output=True, text=True,
                              timeout=RUN_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return f"run failed: no digest after {RUN_TIMEOUT_SECONDS} s"
    if done.returncode == 0:
        return None
    return f"run failed (exit {done.returncode}): {_last_error(done.stderr)}"


def _last_error(stderr: str) -> str:
    """The CLI's last error ("se-pipeline: …" and its indented lines) as one line; else stderr's last line."""
    lines = stderr.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("se-pipeline:") and not line.startswith("se-pipeline: warning:")]
    if not starts:
        return next((line.strip() for line in reversed(lines) if line.strip()), "no message")
    said = [lines[starts[-1]], *itertools.takewhile(lambda line: line[:1].isspace(), lines[starts[-1] + 1 :])]
    return " ".join(line.strip() for line in said)


def _home(config_file: Path) -> Path:
    home = Path((yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}).get("home") or DEFAULT_HOME)
    return home if home.is_absolute() else config_file.parent / home


# ---- scoring -------------------------------------------------------------------------------------


def _scorer_beside(scenario_dir: Path) -> Path:
    beside = scenario_dir.parent / "score_digest.py"
    return beside if beside.is_file() else eval_folder() / "score_digest.py"


def _load_scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_digest", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _score(result: EvalResult, scorer: ModuleType, labels: Path, digests: Path, *, csv_notion: bool, n_ses: int) -> None:
    """Fill `result` from the scorer's own report (its main() reads sys.argv and prints)."""
    if not digests.is_dir():
        result.failure = f"the run wrote no digests in {digests}"
        return
    argv, out = sys.argv, io.StringIO()
    sys.argv = [str(scorer.__file__), str(labels), str(digests), "--verbose", *(["--csv-notion"] if csv_notion else [])]
    try:
        with contextlib.redirect_stdout(out):
            scorer.main()
    finally:
        sys.argv = argv
    # --verbose output: the per-label detail, a blank line, misses then violations, a line per SE, the summary.
    lines = out.getvalue().splitlines()
    tail = lines[lines.index("") + 1 :] if "" in lines else lines
    match = SUMMARY.match(tail[-1]) if tail else None
    if match is None or len(tail) < n_ses + 1:
        result.failure = f"the scorer's summary was not understood: {tail[-1] if tail else '(no output)'}"
        return
    counts = match.groupdict()
    for name in ("owed_found", "owed_total", "know_found", "know_total", "headers_ok", "headers_total", "uncertain_ok", "uncertain_total"):
        setattr(result, name, int(counts[name]))
    result.owed_precision = float(counts["owed_precision"])
    found = tail[: -(n_ses + 1)]
    n_violations = int(counts["violations"])
    result.misses = found[: len(found) - n_violations]
    result.violations = found[len(found) - n_violations :]
    result.uncited = _uncited(scorer, digests)
    result.per_se = [
        f"{line}, uncited {sum(u.startswith(line.split(':')[0] + ': ') for u in result.uncited)}"
        for line in tail[-(n_ses + 1) : -1]
    ]


def _uncited(scorer: ModuleType, digests: Path) -> list[str]:
    """Todo and Things-to-know bullets without a link, as "<se>: <customer>: <bullet>"."""
    found = []
    for path in sorted(digests.rglob("*.md")):
        for customer, part in scorer.parse(path).items():
            if customer == "__closing__":
                continue
            found += [f"{path.stem}: {customer}: {b}" for b in part["todo"] + part["things"]
                      if not LINK.search(b) and not OVERFLOW.match(b)]
    return found


# ---- the report ----------------------------------------------------------------------------------


@dataclass
class Floors:
    owed_recall: float | None = None
    owed_precision: float | None = None
    to_know: float | None = None
    headers: float | None = None
    violations: int | None = None
    uncited: int | None = None

    def given(self) -> bool:
        return any(v is not None for v in vars(self).values())

    def broken(self, result: EvalResult) -> list[str]:
        """What `result` falls short of (a failed run falls short of any floor)."""
        if result.failure:
            return ["the run failed"] if self.given() else []
        low = [
            f"{name} {value:.3f} < {floor:.3f}"
            for name, value, floor in (
                ("owed recall", result.owed_recall, self.owed_recall),
                ("owed precision", result.owed_precision, self.owed_precision),
                ("to-know", result.to_know, self.to_know),
                ("headers", result.headers, self.headers),
            )
            if floor is not None and value < floor
        ]
        high = [
            f"{name} {value} > {ceiling}"
            for name, value, ceiling in (("violations", len(result.violations), self.violations), ("uncited", len(result.uncited), self.uncited))
            if ceiling is not None and value > ceiling
        ]
        return low + high


def report(result: EvalResult, verbose: bool) -> list[str]:
    lines = [f"{result.summary()}   ({result.seconds:.0f} s)"]
    if result.failure:
        return lines
    lines += [f"  {line}" for line in result.per_se]
    if verbose:
        lines += [f"  miss: {line}" for line in result.misses]
        lines += [f"  violation: {line}" for line in result.violations]
        lines += [f"  uncited: {line}" for line in result.uncited]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="?", type=Path, help=f"a labelled week (default: {eval_folder() / SCENARIO})")
    parser.add_argument("--mode", choices=[*MODES, "both"], default="both", help="how Notion is read (default: both)")
    parser.add_argument("--verbose", action="store_true", help="also list the misses, violations and uncited bullets")
    parser.add_argument("--min-owed-recall", type=float)
    parser.add_argument("--min-owed-precision", type=float)
    parser.add_argument("--min-to-know", type=float, help="to-know recall")
    parser.add_argument("--min-headers", type=float, help="share of right headers")
    parser.add_argument("--max-violations", type=int)
    parser.add_argument("--max-uncited", type=int)
    args = parser.parse_args(argv)
    scenario = args.scenario or eval_folder() / SCENARIO
    if not (scenario / "LABELS.yaml").is_file() or not (scenario / "config.yaml").is_file():
        print(f"eval_digest: {scenario} has no LABELS.yaml and config.yaml: is it a labelled week?", file=sys.stderr)
        return 2
    floors = Floors(args.min_owed_recall, args.min_owed_precision, args.min_to_know, args.min_headers,
                    args.max_violations, args.max_uncited)
    print(f"scenario {scenario} (scorer {_scorer_beside(scenario.resolve())})")
    below = []
    for mode in MODES if args.mode == "both" else (args.mode,):
        result = evaluate(scenario, mode)
        print("\n".join(report(result, args.verbose)), flush=True)
        below += [f"{mode}: {what}" for what in floors.broken(result)]
    for line in below:
        print(f"below the floor: {line}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
