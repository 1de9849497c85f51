"""The schedules ask for the right partitions: a morning's digest covers yesterday, Monday's coaching the week that ended."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dagster import DagsterInstance, build_schedule_context

from se_pipeline_assets.definitions import build_definitions
from se_pipeline.config import Settings

TZ = ZoneInfo("America/New_York")  # the default settings' time zone


@pytest.fixture(scope="module")
def repository():
    return build_definitions(Settings(timezone=str(TZ))).get_repository_def()


def partitions_asked(repository, schedule: str, at: dt.datetime) -> list[str | None]:
    context = build_schedule_context(scheduled_execution_time=at, instance=DagsterInstance.ephemeral(), repository_def=repository)
    return [r.partition_key for r in repository.get_schedule_def(schedule).evaluate_tick(context).run_requests]


@pytest.mark.parametrize(
    ("morning", "day"),
    [(dt.datetime(2026, 11, 23, 6, 0, tzinfo=TZ), "2026-11-22"),
     # The night the clocks go back has 25 hours; the digest still covers that one calendar day.
     (dt.datetime(2026, 11, 2, 6, 0, tzinfo=TZ), "2026-11-01")],
)
def test_the_morning_digest_covers_yesterday(repository, morning, day):
    assert partitions_asked(repository, "daily_digest_schedule", morning) == [day]


def test_monday_coaching_covers_the_week_that_ended(repository):
    assert partitions_asked(repository, "weekly_coaching_schedule", dt.datetime(2026, 11, 23, 7, 0, tzinfo=TZ)) == ["2026-11-16"]


def test_the_definitions_follow_the_settings_they_are_given_not_the_environment(monkeypatch, tmp_path):
    """Two settings objects in one process (as the CLI and a test may build): each Definitions keeps its own
    days, time zone and home, whatever $SE_PIPELINE_CONFIG says."""
    monkeypatch.setenv("SE_PIPELINE_CONFIG", str(tmp_path / "absent.yaml"))  # read by no one
    vienna = build_definitions(Settings(home=tmp_path / "v", timezone="Europe/Vienna", start_date=dt.date(2025, 3, 3)))
    lima = build_definitions(Settings(home=tmp_path / "l", timezone="America/Lima", start_date=dt.date(2026, 2, 2)))
    for defs, first, zone in ((vienna, "2025-03-03", "Europe/Vienna"), (lima, "2026-02-02", "America/Lima")):
        repository = defs.get_repository_def()
        daily = repository.get_job("daily_digest").partitions_def
        assert daily.get_first_partition_key() == first and daily.timezone == zone
        assert repository.get_schedule_def("daily_digest_schedule").execution_timezone == zone
        weekly = repository.get_job("weekly_coaching").partitions_def
        assert weekly.timezone == zone and dt.date.fromisoformat(weekly.get_first_partition_key()).weekday() == 0
    assert vienna.resources["settings"].home == tmp_path / "v" and lima.resources["settings"].home == tmp_path / "l"
