"""The Jinja2 environment the page templates run in.

Autoescape is off because the output is Markdown, not HTML: record text is
escaped explicitly with ``md_text``/``md_cell`` (see ``escape.py``).  Undefined
names fail loudly; a failure is reported with the template's name and line.
"""

from __future__ import annotations

import re
import traceback
from datetime import date, datetime
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, TemplateError, pass_context

from generator.render import charts
from generator.render.escape import md_cell, md_text, xml_text
from generator.render.i18n import label, signal_sentence, text, warning_sentence
from generator.render.privacy import Masker


class RenderError(Exception):
    """A page template failed; the message names the template and line."""


def make_environment(root: Path, language: str, masker: Masker) -> Environment:
    """Templates in ``root/site_templates`` override the package's defaults, file by file.

    ``md_text``/``md_cell`` also mask mobile numbers and customers' names quoted in free
    text, so a template cannot escape a value without masking it; text about one customer
    names them: ``complaint.description|md_text(complaint.customer)``.
    """
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(root / "site_templates")),
                             PackageLoader("generator", "templates")]),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        # (``about``: the id of the customer the text is about: their complaint, their comment)
        md_text=unfolded(lambda value, about=None: md_text(masker.free_text(_text(value), about))),
        md_cell=unfolded(lambda value, about=None: md_cell(masker.free_text(_text(value), about))),
        xml_text=unfolded(lambda value, about=None: xml_text(masker.free_text(_text(value), about))),
        anchor=anchor, pct=percent, num=number, day=day, signed=signed,
        label=unfolded(lambda value, group: label(language, group, value)),
    )
    env.globals.update(
        t=lambda key, **values: text(language, key, **values),
        signal_sentence=lambda signal: signal_sentence(language, signal, percent, number),
        warning_sentence=lambda problem: warning_sentence(language, problem),
        language=language,
        line_chart=charts.line_chart, bar_chart=charts.bar_chart, quadrant_chart=charts.quadrant_chart,
        Point=charts.Point, Bar=charts.Bar, Dot=charts.Dot,
    )
    return env


def unfolded(build_filter):
    """A filter that depends on this build (its language, its customers' names to mask).

    Jinja runs a filter of constants ('customer_service'|label('role')) once, when it
    compiles the template, and the compiled template is kept in the cache between builds
    (template_cache.py), which a change of language does not invalidate: a filter Jinja
    must pass the context to is never run at compile time."""
    @pass_context
    def run(_context, *args, **kwargs):
        return build_filter(*args, **kwargs)
    return run


def render(env: Environment, template_name: str, context: dict) -> str:
    try:
        return env.get_template(template_name).render(context)
    except TemplateError as failure:
        raise RenderError(f"{_where(failure, template_name)}: {failure.__class__.__name__}: {failure}") from None
    except (TypeError, ValueError, KeyError, AttributeError) as failure:
        raise RenderError(f"{_where(failure, template_name)}: {failure.__class__.__name__}: {failure}") from None


def _where(failure: Exception, template_name: str) -> str:
    """The innermost template frame: Jinja rewrites tracebacks to template lines."""
    lineno = getattr(failure, "lineno", None)
    name = getattr(failure, "filename", None) or getattr(failure, "name", None)
    if lineno and name:
        return f"{name}:{lineno}"
    for frame in reversed(traceback.extract_tb(failure.__traceback__)):
        if frame.filename.endswith(".j2"):
            return f"{Path(frame.filename).name}:{frame.lineno}"
    return template_name


def anchor(value: object) -> str:
    """A record id as an HTML id: only [a-z0-9_-], so it is safe inside an attribute."""
    return re.sub(r"[^a-z0-9_-]+", "-", str(value).lower()).strip("-") or "x"


def _text(value: object) -> str | None:
    # (a str as it is: str() of privacy.Unmasked would drop what it says)
    return value if value is None or isinstance(value, str) else str(value)


def percent(value: float | None, digits: int = 0) -> str:
    """0.873 -> 87%; None (no data) -> an en dash."""
    if value is None:
        return "–"
    return f"{value * 100:.{digits}f}%"


def number(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def signed(value: float | None, digits: int = 1, scale: float = 1.0) -> str:
    if value is None:
        return "–"
    return f"{value * scale:+.{digits}f}"


def day(value: date | datetime | str | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("T", " ")
