"""Fixtures several test modules share."""

import logging
import os

import pytest


@pytest.fixture
def cli_log_level():
    """main() sets the se_pipeline logger's level for its run (-q: errors only): put it back afterwards,
    so that later tests still see warnings."""
    logger = logging.getLogger("se_pipeline")
    level = logger.level
    yield
    logger.setLevel(level)


@pytest.fixture(autouse=True)
def environment_restored():
    """The CLI exports DAGSTER_HOME and SE_PIPELINE_CONFIG for its run: put the environment back after
    every test, so that no later test (or the runs it starts) finds another test's instance."""
    saved = dict(os.environ)
    yield
    if dict(os.environ) != saved:
        os.environ.clear()
        os.environ.update(saved)
