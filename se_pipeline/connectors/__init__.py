"""Connectors: one package per source, each a generator of pages of raw records.

A connector object has `source` (its name), `tables` (the raw tables it writes), `calls`
(API calls made so far) and `extract(window)`, yielding `Rows` and `Quarantined`.
`se_pipeline.sources.build_connector` picks the connector for a source's configured mode.
"""
