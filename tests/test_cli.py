"""The command off its straight path: help and version, weeks and ranges refused before any work,
one home and instance from any working directory, Ctrl-C, --customer across SEs, -q and -v."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import yaml
from dagster import DagsterInstance, DagsterRunStatus

from se_pipeline.cli import build_parser, main as cli, report_week, ui_command
from se_pipeline.config import CONFIG_ENV, load_settings
from se_pipeline.errors import SePipelineError

SE_PIPELINE = [sys.executable, "-m", "se_pipeline.cli"]


@pytest.fixture
def clean_env(monkeypatch):
    """main() exports SE_PIPELINE_CONFIG and DAGSTER_HOME: restore them afterwards."""
    monkeypatch.setenv(CONFIG_ENV, "")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("SE_PIPELINE_HOME", raising=False)


def settings_file(tmp_path: Path, start: dt.date) -> Path:
    path = tmp_path / "cfg.yaml"
    path.write_text(
        f"home: {tmp_path / 'home'}\ntimezone: UTC\nstart_date: {start}\n"
        "sales_engineers: [{id: sam, name: Sam Roe, email: sam@ours.example}]\n"
        f"sources:\n  usage: {{mode: file, path: {tmp_path / 'usage.csv'}}}\n"
    )
    (tmp_path / "usage.csv").write_text("customer,date,metric,value\n")
    return path


# ---- help, version, options ----------------------------------------------------------------------


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as done:
        cli(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.startswith("se-pipeline 0.")
    with pytest.raises(SystemExit):
        cli(["--help"])
    out = capsys.readouterr().out
    assert all(command in out for command in ("run", "backfill", "query", "digest", "reports", "doctor", "ui", "env"))


def test_every_option_has_help_and_every_date_says_its_format():
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, type(parser._subparsers._group_actions[0])))
    for name, command in commands.choices.items():
        for action in command._actions:
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"
            if action.dest in ("date", "start", "end", "week"):
                assert action.metavar == "YYYY-MM-DD", f"{name} {action.dest}"


def test_help_imports_nothing_heavy():
    """--help and --version answer at once because pandas, pydantic and Dagster are not imported for them."""
    probe = "import sys\nfrom se_pipeline.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n" \
            "print(sorted(m for m in ('pandas', 'pydantic', 'dagster', 'duckdb', 'numpy') if m in sys.modules))"
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert shown.stdout.splitlines()[-1] == "[]"


def test_verbose_and_quiet_are_accepted_before_and_after_the_command():
    parser = build_parser()
    assert parser.parse_args(["-v", "query", "SELECT 1"]).verbose == 1
    assert parser.parse_args(["query", "-vv", "SELECT 1"]).verbose == 2
    assert parser.parse_args(["query", "-q", "SELECT 1"]).quiet is True
    assert parser.parse_args(["ui", "--port", "3123"]).port == 3123
    with pytest.raises(SystemExit):
        parser.parse_args(["ui", "--port", "99999"])


# ---- weeks and ranges ------------------------------------------------------------------------------


def test_reports_default_to_the_last_complete_week_on_any_day(tmp_path, clean_env):
    today = dt.datetime.now(dt.timezone.utc).date()
    settings = load_settings(settings_file(tmp_path, today - dt.timedelta(days=60)))
    monday = report_week(settings, None)
    assert monday.weekday() == 0 and monday + dt.timedelta(days=6) < today <= monday + dt.timedelta(days=13)


def test_an_incomplete_or_too_early_week_is_refused_in_one_line(tmp_path, capsys, clean_env):
    today = dt.datetime.now(dt.timezone.utc).date()
    config = settings_file(tmp_path, today - dt.timedelta(days=30))
    for week, words in [(today, "reports cover complete weeks"), (today - dt.timedelta(days=90), "before the first week")]:
        assert cli(["--config", str(config), "reports", "--week", week.isoformat()]) == 2
        err = capsys.readouterr().err
        assert words in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    fresh = load_settings(settings_file(tmp_path, today))
    with pytest.raises(SePipelineError, match="no complete week since start_date"):
        report_week(fresh, None)


@pytest.mark.parametrize("start, end, words", [(-40, -5, "before start_date"), (-5, 3, "in the future")])
def test_backfill_checks_the_whole_range_before_any_work(tmp_path, capsys, clean_env, start, end, words):
    today = dt.datetime.now(dt.timezone.utc).date()
    config = settings_file(tmp_path, today - dt.timedelta(days=30))
    days = [(today + dt.timedelta(days=n)).isoformat() for n in (start, end)]
    assert cli(["--config", str(config), "backfill", "--start", days[0], "--end", days[1], "--days-per-run", "1"]) == 2
    assert words in capsys.readouterr().err
    assert not (tmp_path / "home" / "warehouse.duckdb").exists() and not (tmp_path / "home" / "dagster").exists()


# ---- one home and instance, from anywhere ----------------------------------------------------------


def test_the_ui_runs_on_the_cli_home_and_instance_from_any_directory(tmp_path, monkeypatch, clean_env):
    config = settings_file(tmp_path, dt.date(2026, 1, 5))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv(CONFIG_ENV, str(config))
    argv, env = ui_command(load_settings(), 3123)
    assert argv[1:] == ["dev", "-m", "se_pipeline_assets.definitions", "-a", "defs", "-p", "3123"]
    assert env["SE_PIPELINE_HOME"] == str(tmp_path / "home") and env[CONFIG_ENV] == str(config)
    instance = Path(env["DAGSTER_HOME"])
    assert instance == tmp_path / "home" / "dagster"
    assert yaml.safe_load((instance / "dagster.yaml").read_text())["concurrency"]["pools"]["default_limit"] == 1


def test_an_existing_dagster_home_is_honoured_and_said(tmp_path, monkeypatch, capsys, clean_env):
    config = settings_file(tmp_path, dt.date(2026, 1, 5))
    mine = tmp_path / "my-dagster"
    mine.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(mine))
    assert cli(["--config", str(config), "env"]) == 0
    assert f"export DAGSTER_HOME={mine}" in capsys.readouterr().out
    assert cli(["--config", str(config), "backfill", "--start", "2025-01-01", "--end", "2025-01-02"]) == 2
    capsys.readouterr()
    from se_pipeline_assets.runner import pool_limit_note

    assert "does not limit the warehouse pool" in pool_limit_note(mine)


def test_dagster_commands_under_se_pipeline_env_share_the_home_from_another_directory(tmp_path):
    """The README's `dagster asset materialize` line, run from elsewhere after eval "$(se-pipeline env)"."""
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir(), elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "SE_PIPELINE_HOME", CONFIG_ENV)}
    bin_dir = Path(sys.executable).parent
    script = (
        f'cd {project} && eval "$({bin_dir / "se-pipeline"} env)" && cd {elsewhere} && '
        f"{bin_dir / 'dagster'} asset materialize -m se_pipeline_assets.definitions -a defs "
        "--select raw_usage,raw_usage_reads --partition 2026-10-05"
    )
    done = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    home = project / ".se_pipeline"
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw_usage WHERE partition_date = '2026-10-05'").fetchall()[0][0] > 0
    with DagsterInstance.from_config(str(home / "dagster")) as instance:  # the run is in the project's instance
        assert [r.dagster_run.status for r in instance.get_run_records()] == [DagsterRunStatus.SUCCESS]
    assert not (elsewhere / ".se_pipeline").exists()


# ---- Ctrl-C ----------------------------------------------------------------------------------------


def test_ctrl_c_stops_the_run_says_interrupted_and_the_same_command_resumes(tmp_path):
    env = {**{k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", CONFIG_ENV)},
           "SE_PIPELINE_HOME": str(tmp_path / "home")}
    command = [*SE_PIPELINE, "run", "--date", "2026-10-03"]  # an early day: the first run loads only 10-01..10-03
    run = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    warehouse = tmp_path / "home" / "warehouse.duckdb"
    deadline = time.monotonic() + 120
    while not warehouse.exists() and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the first step has committed: the run is under way
    run.send_signal(signal.SIGINT)
    out, err = run.communicate(timeout=120)
    assert run.returncode == 130, err
    assert "stopping after the current step" in err and "interrupted" in err
    assert "Traceback" not in err and "digest for" not in out
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "digest for alice" in again.stdout


def test_quiet_prints_results_only_and_verbose_shows_the_steps_logs(tmp_path, capsys, clean_env):
    config = settings_file(tmp_path, dt.date(2026, 10, 1))  # inside the code location's partitions
    (tmp_path / "usage.csv").write_text("customer,date,metric,value\nNorthwind Labs,2026-10-02,events,5\n")
    assert cli(["--config", str(config), "run", "-q", "--date", "2026-10-02"]) == 0
    out, err = capsys.readouterr()
    assert "digest for sam" in out and "first run" not in err and "INFO" not in err
    assert cli(["--config", str(config), "-v", "run", "--date", "2026-10-03"]) == 0
    err = capsys.readouterr().err
    assert "INFO" in err and "raw_usage" in err  # Dagster's step logs and ours


def test_a_changed_model_fails_in_one_line_and_full_refresh_rebuilds_it(tmp_path, capsys, clean_env):
    config = settings_file(tmp_path, dt.date(2026, 10, 1))
    (tmp_path / "usage.csv").write_text("customer,date,metric,value\nws-9,2026-10-01,events,5\nws-9,2026-10-02,events,7\n")
    assert cli(["--config", str(config), "run", "-q", "--date", "2026-10-02"]) == 0
    warehouse = str(tmp_path / "home" / "warehouse.duckdb")
    with duckdb.connect(warehouse) as con:  # the table as an older sql/usage.sql made it
        con.execute("ALTER TABLE usage ADD COLUMN retired_column VARCHAR")
    capsys.readouterr()

    assert cli(["--config", str(config), "run", "-q", "--date", "2026-10-03"]) == 2
    err = capsys.readouterr().err
    assert "usage" in err and "-retired_column" in err and "--full-refresh usage" in err and "Traceback" not in err
    with duckdb.connect(warehouse) as con:
        assert con.execute("SELECT usage_date, value FROM usage ORDER BY 1").fetchall() == [
            (dt.date(2026, 10, 1), 5.0), (dt.date(2026, 10, 2), 7.0)]  # its history kept

    def rebuilt() -> None:
        with duckdb.connect(warehouse) as con:
            assert "retired_column" not in {c for (c, *_) in con.execute("DESCRIBE usage").fetchall()}
            assert con.execute("SELECT usage_date, value FROM usage ORDER BY 1").fetchall() == [
                (dt.date(2026, 10, 1), 5.0), (dt.date(2026, 10, 2), 7.0)]  # every raw day, not only the run's

    assert cli(["--config", str(config), "run", "-q", "--date", "2026-10-03", "--full-refresh", "usage"]) == 0
    rebuilt()
    with duckdb.connect(warehouse) as con:
        con.execute("ALTER TABLE usage ADD COLUMN retired_column VARCHAR")
    assert cli(["--config", str(config), "backfill", "-q", "--start", "2026-10-03", "--end", "2026-10-03",
                "--full-refresh"]) == 0
    rebuilt()


def test_full_refresh_names_only_models(tmp_path, capsys, clean_env):
    config = settings_file(tmp_path, dt.date(2026, 10, 1))
    assert cli(["--config", str(config), "backfill", "--start", "2026-10-01", "--end", "2026-10-02",
                "--full-refresh", "usage", "signals"]) == 2
    assert "--full-refresh: no SQL model named signals" in capsys.readouterr().err
