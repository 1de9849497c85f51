"""What the distribution installs: `se_pipeline`, and the Dagster layer kept in the `assets/` folder
under the import name `se_pipeline_assets`, so it cannot collide with another project's `assets`."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["se_pipeline", "se_pipeline.*"]), "se_pipeline_assets"],
    package_dir={"se_pipeline_assets": "assets"},
)
