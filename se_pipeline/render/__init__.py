"""The digest: items chosen from signals as of a day, then Markdown (primary) or HTML."""

from se_pipeline.render.html import render_html
from se_pipeline.render.items import DigestItem, build_digest_items
from se_pipeline.render.markdown import render_markdown

__all__ = ["DigestItem", "build_digest_items", "render_html", "render_markdown"]
