"""se-pipeline: a sales engineer's communications, opportunities and usage, turned into a cited daily digest.

This package is plain Python (no Dagster): the Dagster layer in `assets/` calls into it.
"""

# The public modules and packages: each is its own surface (a package's names are in its __all__). `lazy`
# is the packages' helper for lazy re-exports.
__all__ = [
    "analysis", "artifacts", "changes", "cli", "coaching", "competitors", "config", "connectors", "delivery", "demo",
    "doctor", "enablement", "envvars", "errors", "events", "filenames", "history", "interrupt", "lazy", "models",
    "names", "pages", "paths", "processes", "proposals", "query", "readonly", "render", "runtime", "sources", "trials",
    "warehouse", "window",
]
