"""Errors a user can act on. The CLI prints their message; it never shows a traceback for them."""


class SePipelineError(Exception):
    """Base for mistakes in configuration, input or environment that the user can fix."""


class ConfigError(SePipelineError):
    """The configuration file, or a value in it, is wrong; the message names the key and the file."""


class SourceError(SePipelineError):
    """A source could not be read (bad credentials, missing scope, unreachable, broken export)."""


class WriteRefusedError(SePipelineError):
    """A connector tried to call a method that writes to a source system; ingestion is read-only."""
