"""Configuration mistakes are named by key and file; no file means every source is off."""

import pytest

from se_pipeline.competitors import configured_aliases, configured_competitors
from se_pipeline.config import OffSource, SlackExport, load_settings
from se_pipeline.errors import ConfigError


def write(tmp_path, text: str):
    path = tmp_path / "se-pipeline.yaml"
    path.write_text(text)
    return path


def test_no_file_means_every_source_is_off(monkeypatch, tmp_path):
    monkeypatch.delenv("SE_PIPELINE_CONFIG", raising=False)
    monkeypatch.setenv("SE_PIPELINE_HOME", str(tmp_path / "home"))
    settings = load_settings()
    assert settings.enabled_sources() == []
    assert settings.database_path == str(tmp_path / "home" / "warehouse.duckdb")


def test_misspelt_keys_and_bad_values_are_named_with_the_file(tmp_path):
    path = write(tmp_path, "timezon: UTC\nsources:\n  slack: {mode: api, tokn_env: X}\n  gmail: {mode: mbox, paths: 3}\n")
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    message = str(error.value)
    assert str(path) in message
    assert "timezon: unknown key" in message
    assert "sources.slack.tokn_env: unknown key" in message
    assert "sources.gmail.paths:" in message


def test_unknown_time_zone_and_mode_are_explained(tmp_path):
    path = write(tmp_path, "timezone: Mars/Olympus\nsources:\n  notion: {mode: carrier-pigeon}\n")
    message = str(pytest.raises(ConfigError, load_settings, path).value)
    assert "timezone:" in message and "Mars/Olympus" in message
    assert "sources.notion" in message


def test_sources_left_out_of_a_file_are_off_and_paths_are_relative_to_it(tmp_path):
    settings = load_settings(write(tmp_path, "sources:\n  slack: {mode: export, path: exports/slack.zip}\n"))
    assert isinstance(settings.sources.slack, SlackExport)
    assert settings.sources.slack.path == tmp_path / "exports" / "slack.zip"
    assert isinstance(settings.sources.gmail, OffSource)
    assert settings.enabled_sources() == ["slack"]


def test_missing_file_and_broken_yaml_are_errors_not_tracebacks(tmp_path):
    assert "not found" in str(pytest.raises(ConfigError, load_settings, tmp_path / "nope.yaml").value)
    broken = write(tmp_path, "sources: [unclosed\n")
    assert "not valid YAML" in str(pytest.raises(ConfigError, load_settings, broken).value)


def test_run_refuses_days_outside_the_partitions_with_a_reason(tmp_path, capsys, monkeypatch):
    from se_pipeline.cli import main

    monkeypatch.setenv("SE_PIPELINE_CONFIG", "")  # main() exports --config; restored after the test

    config = write(tmp_path, f"home: {tmp_path / 'home'}\nstart_date: 2026-09-28\nsources:\n  usage: {{mode: file, path: u.csv}}\n")
    assert main(["--config", str(config), "run", "--date", "2026-09-01"]) == 2
    assert "before start_date 2026-09-28" in capsys.readouterr().err
    assert main(["--config", str(config), "run", "--date", "2999-01-01"]) == 2
    assert "in the future" in capsys.readouterr().err


@pytest.mark.parametrize(
    "ids", ["database_id: 0123456789abcdef0123456789abcdef, data_source_id: 7f3c9a2e5b1d4e8f9a0b1c2d3e4f5a6b", ""]
)
def test_notion_api_needs_exactly_one_of_database_and_data_source_id(tmp_path, ids):
    path = write(tmp_path, f"sources:\n  notion: {{mode: api, {ids}}}\n")
    message = str(pytest.raises(ConfigError, load_settings, path).value)
    assert "sources.notion: needs exactly one of database_id" in message and "data_source_id" in message


def test_notion_api_by_data_source_id(tmp_path):
    path = write(tmp_path, "sources:\n  notion: {mode: api, data_source_id: 7f3c9a2e5b1d4e8f9a0b1c2d3e4f5a6b}\n")
    notion = load_settings(path).sources.notion
    assert (notion.data_source_id, notion.database_id) == ("7f3c9a2e5b1d4e8f9a0b1c2d3e4f5a6b", None)


@pytest.mark.parametrize(
    "text, line",
    [
        ("start_date: 2026-13-01\n", "se-pipeline.yaml:1:13: start_date: Input should be a valid date or datetime, month value is outside expected range of 1-12"),
        ("timezone: UTC\nstart_date: 2026-02-30\n", "se-pipeline.yaml:2:13: start_date: Input should be a valid date or datetime, day value is outside expected range"),
        ("sales_engineers:\n  - {id: sam, name: Sam Roe}\n", "se-pipeline.yaml:2:5: sales_engineers.0.email: Field required"),
        ("analysis:\n  slow_response_days: 0\n", "se-pipeline.yaml:2:23: analysis.slow_response_days: Input should be greater than or equal to 1"),
        ("sources:\n  slack:\n    mode: export\n    paht: x\n", "se-pipeline.yaml:4:5: sources.slack.paht: unknown key (check the spelling)"),
    ],
)
def test_each_settings_error_is_one_line_with_file_line_column_and_key(tmp_path, capsys, monkeypatch, text, line):
    from se_pipeline.cli import main

    monkeypatch.setenv("SE_PIPELINE_CONFIG", "")
    config = write(tmp_path, text)
    assert main(["--config", str(config), "query", "SELECT 1"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert any(l.endswith(line) and l.removeprefix("se-pipeline: ").startswith(str(tmp_path)) for l in err.splitlines()), err


def test_several_settings_errors_are_one_line_each_in_the_files_order(tmp_path):
    path = write(tmp_path, "sources:\n  gmail: {mode: mbox, paths: 3}\ntimezon: UTC\nstart_date: 2026-13-01\n")
    lines = str(pytest.raises(ConfigError, load_settings, path).value).splitlines()
    assert [l.split(": ", 2)[1] for l in lines] == ["sources.gmail.paths", "timezon", "start_date"]
    assert [l.split(":")[1:3] for l in lines] == [["2", "30"], ["3", "1"], ["4", "13"]]


def test_competitor_aliases_are_configured_names_and_an_unknown_key_still_fails(tmp_path):
    settings = load_settings(write(tmp_path, "analysis:\n  competitors: [Vexa Cloud]\n  competitor_aliases: {Quillmetrics: [QM]}\n"))
    assert configured_competitors(settings) == ("Vexa Cloud", "Quillmetrics")
    assert configured_aliases(settings) == (("QM", "Quillmetrics"),)
    with pytest.raises(ConfigError, match="analysis.competitor_alias: unknown key"):
        load_settings(write(tmp_path, "analysis:\n  competitor_alias: {Quillmetrics: [QM]}\n"))
