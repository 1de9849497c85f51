"""The SE's own artefacts (seed 003) drawn from the warehouse: product gaps, competitor mentions,
technical-win / POC criteria, and their customer-facing Markdown reports (redacted, one file per
customer so that no customer's details appear in another's report)."""
