"""The instance `se-pipeline` runs write to (se_pipeline_assets.instance): what they record is what the UI and the
daemon read through Dagster's default storage, and a dagster.yaml that chooses its own storage is used as it is."""

from __future__ import annotations

import shutil

from dagster import (
    AssetCheckResult,
    AssetKey,
    DagsterEventType,
    DagsterInstance,
    DagsterRunStatus,
    MaterializeResult,
    asset,
    asset_check,
    materialize,
)

from se_pipeline_assets.instance import open_instance
from se_pipeline_assets.runner import INSTANCE_CONFIG


@asset
def counted() -> MaterializeResult:
    return MaterializeResult(metadata={"rows": 3})


@asset_check(asset=counted)
def counted_has_rows() -> AssetCheckResult:
    return AssetCheckResult(passed=True)


def _home(tmp_path, monkeypatch, config: str | None = None):
    home = tmp_path / "dagster"
    home.mkdir()
    shutil.copyfile(INSTANCE_CONFIG, home / "dagster.yaml")
    if config is not None:
        (home / "dagster.yaml").write_text(config)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def test_what_a_run_records_is_read_by_dagsters_default_storage(tmp_path, monkeypatch):
    _home(tmp_path, monkeypatch)
    with open_instance() as instance:
        first = materialize([counted, counted_has_rows], instance=instance)
        second = materialize([counted, counted_has_rows], instance=instance)
    assert first.success and second.success

    with DagsterInstance.get() as ui:  # as the UI and the daemon open it
        assert [r.run_id for r in ui.get_runs()] == [second.run_id, first.run_id]
        assert all(r.status == DagsterRunStatus.SUCCESS for r in ui.get_runs())
        latest = ui.get_latest_materialization_event(AssetKey("counted"))
        assert latest is not None and latest.run_id == second.run_id
        assert latest.asset_materialization.metadata["rows"].value == 3
        assert len(ui.all_logs(first.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION)) == 1
        check = ui.event_log_storage.get_latest_asset_check_execution_by_key([counted_has_rows.check_key])
        assert check[counted_has_rows.check_key].run_id == second.run_id
        # The pool slots a run claims are in the same tables: none is left held.
        assert ui.event_log_storage.get_concurrency_run_ids() == set()


def test_an_instance_configured_with_its_own_storage_is_used_as_configured(tmp_path, monkeypatch):
    other = tmp_path / "elsewhere"
    _home(tmp_path, monkeypatch, f"storage:\n  sqlite:\n    base_dir: {other}\n")
    with open_instance() as instance:
        result = materialize([counted], instance=instance)
    assert result.success
    assert (other / "history" / "runs.db").exists()
    assert not (tmp_path / "dagster" / "history").exists()
