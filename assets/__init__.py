"""The Dagster layer: thin assets over the se_pipeline library. `assets.definitions.defs` is the code location."""
