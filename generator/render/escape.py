"""Record text into Markdown and SVG, so that it shows exactly as typed.

The site is Markdown, so Jinja's HTML autoescape does not apply: every value
typed by staff goes through ``md_text``/``md_cell`` (or ``xml_text`` inside an
SVG).  The Markdown output is never passed through a template engine again.
"""

from __future__ import annotations

import re

# Python-Markdown honours a backslash before these (``Markdown.ESCAPED_CHARS``
# plus ``|`` added by the tables extension); a backslash before any other
# character would show, so those get numeric entities instead.
_BACKSLASHED = set("\\`*_{}[]()#+-.!|")
_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
    "~": "&#126;",  # strike-through / sub in pymdownx
    ":": "&#58;",  # javascript:, {: attribute lists, :emoji:
    "^": "&#94;",  # superscript in pymdownx
    "=": "&#61;",  # ==mark== and setext headings
    "$": "&#36;",  # arithmatex, should anyone enable it
    "%": "&#37;",  # {% %} stays text even if someone pastes it into a template
}
_LINE_BREAK = re.compile(r"\r\n|[\r\n\u2028\u2029\x0b\x0c\x85]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _escape_char(char: str) -> str:
    if char in _BACKSLASHED:
        return "\\" + char
    return _ENTITIES.get(char, char)


def md_text(value: object) -> str:
    """Escape a record value for a Markdown paragraph, list item or heading."""
    if value is None:
        return ""
    text = _CONTROL.sub("", str(value)).replace("\t", " ")
    lines = _LINE_BREAK.split(text)
    escaped = ["".join(_escape_char(char) for char in line) for line in lines]
    return "<br>".join(escaped).strip()


def md_cell(value: object) -> str:
    """Escape a record value for a Markdown table cell.

    ``md_text`` already escapes ``|`` and folds line breaks into ``<br>``; an
    empty cell gets a dash so the row keeps its shape.
    """
    escaped = md_text(value)
    return escaped if escaped else "–"


_XML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}


def xml_text(value: object) -> str:
    """Escape text for an SVG element or attribute value."""
    text = _CONTROL.sub("", "" if value is None else str(value))
    return "".join(_XML.get(char, char) for char in text)
