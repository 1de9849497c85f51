"""se-pipeline: a sales engineer's communications, opportunities and usage, turned into a cited daily digest.

This package is plain Python (no Dagster): the Dagster layer in `assets/` calls into it.
"""
