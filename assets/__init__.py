"""The Dagster layer: thin assets over the se_pipeline library. `se_pipeline_assets.definitions.defs` is the code location."""
