"""What the distribution installs: `se_pipeline`, with the SQL models of `sql/` inside it as
`se_pipeline/sql`, and the Dagster layer kept in the `assets/` folder under the import name
`se_pipeline_assets` (with its instance config), so it cannot collide with another project's `assets`."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["se_pipeline", "se_pipeline.*"]), "se_pipeline.sql", "se_pipeline_assets"],
    package_dir={"se_pipeline.sql": "sql", "se_pipeline_assets": "assets"},
    package_data={
        "se_pipeline.sql": ["*.sql", "raw/*.sql", "ddl/*.sql"],
        "se_pipeline.render": ["templates/*.j2"],
        "se_pipeline.sources": ["*/*.sql"],  # each source's raw tables' DDL and staging SQL
        "se_pipeline.analysis": ["models/*.json.gz"],  # the intent model (bench/train_intent.py rebuilds it)
        "se_pipeline_assets": ["dagster.yaml"],
    },
    include_package_data=False,
)
