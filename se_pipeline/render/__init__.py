"""The digest: items chosen from signals as of a day, then Markdown (primary) or HTML."""

from se_pipeline.render.html import render_html
from se_pipeline.render.items import DigestItem, build_digest_items, day_inputs
from se_pipeline.render.markdown import render_markdown
from se_pipeline.render.publish import digest_path, load_items, publish_digests
from se_pipeline.render.ranking import FACT_WEIGHT
from se_pipeline.render.rows import DigestSignal

__all__ = ["FACT_WEIGHT", "DigestItem", "DigestSignal", "build_digest_items", "day_inputs", "digest_path", "load_items",
           "publish_digests", "render_html", "render_markdown"]
