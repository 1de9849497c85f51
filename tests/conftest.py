"""Fixtures several test modules share."""

import logging

import pytest


@pytest.fixture
def cli_log_level():
    """main() sets the se_pipeline logger's level for its run (-q: errors only): put it back afterwards,
    so that later tests still see warnings."""
    logger = logging.getLogger("se_pipeline")
    level = logger.level
    yield
    logger.setLevel(level)
