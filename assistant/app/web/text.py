"""Text from the document base, shown as text.

Documents, their titles and file names come from outside: a ``<img src=http://…>``, a
Markdown image or a link in them must not become an image the browser fetches or a link
a person can click. Every such text goes through ``inert`` before a Markdown component
(the chat, the draft panels) shows it: HTML is escaped, Markdown punctuation is escaped,
and web and e-mail addresses are broken so no renderer turns them into links.
"""

from __future__ import annotations

import html
import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~$<>])")
_ADDRESS = re.compile(r"(?i)(https?|ftp|file|data|javascript|mailto)(:)|(www)(\.)")
_ZWSP = "\u200b"
# « association@apremis.fr »: the renderer's linkify would make it a mailto: link.
_EMAIL = re.compile(r"([\w.+-])@([\w-])")


def inert(text: object) -> str:
    """``text`` as literal characters for a Markdown-and-HTML renderer."""
    value = str(text if text is not None else "")
    value = _ADDRESS.sub(lambda m: (m[1] or m[3]) + _ZWSP + (m[2] or m[4]), value)
    value = _EMAIL.sub(rf"\1@{_ZWSP}\2", value)
    value = _MARKDOWN.sub(r"\\\1", value)
    return html.escape(value, quote=False).replace("\\&lt;", "&lt;").replace("\\&gt;", "&gt;")


def plain(text: object) -> str:
    """``text`` for a component that shows raw text (no Markdown): only addresses broken."""
    value = str(text if text is not None else "")
    return _ADDRESS.sub(lambda m: (m[1] or m[3]) + _ZWSP + (m[2] or m[4]), value)
