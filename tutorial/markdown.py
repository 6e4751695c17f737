"""Lesson text: Markdown rendered with markdown-it-py (raw HTML off) and sanitised again with nh3.

Fenced blocks tagged `run` (a terminal line: `kubectl …`, `curl …`) or `load` (a manifest) also get a button that runs the line in the
terminal or loads the manifest into the editor.
"""

from __future__ import annotations

from html import escape
from typing import Any

import nh3
from markdown_it import MarkdownIt

ACTION_LABELS = {"run": "Run", "load": "Load into the editor"}

TAGS = (nh3.ALLOWED_TAGS - {"img", "map", "area"}) | {"button"}
ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items() if tag not in ("img", "map", "area")},
    "a": {"href", "title"},
    "code": {"class"},
    "div": {"class"},
    "button": {"type", "class", "data-payload"},
}
ATTRIBUTE_VALUES = {"button": {"data-action": set(ACTION_LABELS)}}


def _fence(self: Any, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    kind = token.info.strip().split(" ")[0] if token.info else ""
    if kind not in ACTION_LABELS:
        return str(_default_fence(tokens, idx, options, env))
    payload = token.content.rstrip("\n")
    language = "yaml" if kind == "load" else "shell"
    shown = f"$ {payload}" if kind == "run" else payload
    return (f'<div class="snippet snippet-{kind}"><pre><code class="language-{language}">{escape(shown)}</code></pre>'
            f'<button type="button" class="action" data-action="{kind}" data-payload="{escape(payload)}">'
            f"{ACTION_LABELS[kind]}</button></div>\n")


def _parser() -> MarkdownIt:
    md = MarkdownIt("js-default")  # raw HTML off; javascript: and data: links are not made links
    md.add_render_rule("fence", _fence)
    return md


_md = _parser()
_default_fence = MarkdownIt("js-default").renderer.fence


def render(text: str) -> str:
    """Markdown → sanitised HTML, safe to mark safe in a template."""
    return sanitize(_md.render(text or ""))


def render_inline(text: str) -> str:
    return sanitize(_md.renderInline(text or ""))


def sanitize(html: str) -> str:
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, tag_attribute_values=ATTRIBUTE_VALUES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
