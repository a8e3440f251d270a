"""Record text shows exactly as typed: checked by running Python-Markdown on the escaped text."""

from __future__ import annotations

from html.parser import HTMLParser

import markdown
import pytest

from generator.render.escape import md_cell, md_text, xml_text
from generator.site.config import markdown_extensions

HOSTILE = [
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "{: onclick=alert(1)}",
    "a | b | c",
    "{{ x }} and {% if %}",
    "**bold** _it_ `code` # head",
    "1. not a list",
    "- not a list",
    "> not a quote",
    "<img src=x onerror=alert(1)>",
    "&amp; &lt; stays literal",
    "张伟 说：“太贵了” 100% ~~strike~~ ==mark== ^sup^",
    "back\\slash \\* and !![image](http://evil.example/x.png)",
    "<https://evil.example/>",
    "javascript:alert(1)",
]


class _Collector(HTMLParser):
    """The text a browser would show, and every tag and attribute it would create."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        if tag == "br":
            self.text.append("\n")

    def handle_data(self, data):
        self.text.append(data)


def _shown(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def _render(text: str) -> str:
    """Python-Markdown with the extensions the site's MkDocs configuration enables."""
    extensions = markdown_extensions("en")
    names = [entry if isinstance(entry, str) else next(iter(entry)) for entry in extensions]
    configs = {name: value for entry in extensions if isinstance(entry, dict)
               for name, value in entry.items()}
    return markdown.markdown(text, extensions=names, extension_configs=configs)


@pytest.mark.parametrize("typed", HOSTILE)
def test_md_text_shows_the_text_as_typed_and_nothing_else(typed):
    shown = _shown(_render(md_text(typed)))
    assert "".join(shown.text) == typed
    assert [tag for tag, _ in shown.tags] == ["p"]


@pytest.mark.parametrize("typed", HOSTILE)
def test_md_cell_keeps_the_table_shape(typed):
    table = f"| a | b |\n|---|---|\n| {md_cell(typed)} | end |\n"
    shown = _shown(_render(table))
    cells = [tag for tag, _ in shown.tags if tag == "td"]
    assert len(cells) == 2
    assert typed + "\nend" in "".join(shown.text)
    assert {tag for tag, _ in shown.tags} <= {"table", "thead", "tbody", "tr", "th", "td"}


def test_line_breaks_become_br_and_stay_in_one_paragraph():
    typed = "first line\nsecond line\r\nthird"
    html = _render(md_text(typed))
    assert html == "<p>first line<br>second line<br>third</p>"


def test_line_breaks_in_a_cell_do_not_break_the_row():
    table = f"| a | b |\n|---|---|\n| {md_cell('one|two' + chr(10) + '- three')} | end |\n"
    shown = _shown(_render(table))
    assert [tag for tag, _ in shown.tags].count("td") == 2
    assert "one|two\n- three" in "".join(shown.text)


def test_empty_cell_is_a_dash():
    assert md_cell(None) == "–"
    assert md_cell("") == "–"


def test_xml_text_escapes_markup_and_quotes():
    assert xml_text('<b a="1">&\'') == "&lt;b a=&quot;1&quot;&gt;&amp;&#39;"
