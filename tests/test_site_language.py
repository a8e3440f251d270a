"""A Chinese site shows no English, an English one no Chinese, but for what staff typed.

The sample garage (``csi demo --profile sample``), with a few records added so that
the validator gives a warning of every kind, is built in Chinese; every page's
visible text (text, the title, aria-label, placeholder and alt attributes, the
charts' SVG text and tooltips) is then read for English words.  What may be
English is listed: text staff typed into the records (ids, plates, names,
comments are the garage's own and stay as typed), and names Chinese readers use
as they are (CSI, Excel, YAML ...).  Anything else is a string that bypassed
``generator/render/i18n.py``, and fails the test with its page and context.
The same holds for ``csi stats`` and ``csi due`` in Chinese, and the other way
round for the English site.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser

import pytest

from generator import model
from generator.desk.due import format_text as due_text
from generator.desk.due import worklist
from generator.problems import WARNING_CODES
from generator.render.i18n import LABELS
from generator.render.text import format_text as stats_text
from generator.site import build_site
from generator.stats.periods import parse_period
from generator.stats.report import build_report
from generator.validate import load_records, load_sequentially, schema
from tests.conftest import regenerate_sample

AS_OF = date(2026, 10, 8)

# Names, units and notations a Chinese service manager reads as they are.
PROPER = {
    "CSI",  # the index's own name (y axis of its chart)
    "p",  # "p < 0.05", statistical notation in the significance note
    "Q",  # 2026-Q3, the period as `--period` takes it and Chinese business writes it
    "Ctrl", "P",  # "Ctrl+P", the print shortcut on the monthly report
    "git",  # "未纳入 git" in the provenance line
    # the user guide: file formats and programs by name
    "YAML", "CSV", "Excel", "DMS", "GBK", "UTF", "README",
}

# Records added to the sample so that each warning code (and each wording of one) is on
# the quality page: a do-not-call customer phoned, a plate typed loosely, a lost customer
# back, a technician as service advisor, a complaint on another customer's visit, cut by
# '#', reopened and past its promise, an action done but in progress, an empty and an
# unknown answer, a folder csi does not read and a file Notepad named .txt.
EXTRA = {
    "records/customers/9999-language.yaml": """\
- id: C9001
  name: 冯文
  phone: 13800009001
  do_not_call: true
  vehicles: [{plate: 粤b 90001}]
- id: C9002
  name: 郝静
  vehicles: [{plate: 粤B90002}]
  lost: {date: 2026-03-01, cause: moved}
""",
    "records/visits/9999-language.yaml": """\
- {id: RO9001, customer: C9001, vehicle: 粤B90001, type: repair, check_in: 2026-09-20 09:00,
   handed_over: 2026-09-20 17:00, service_advisor: T01}
- {id: RO9002, customer: C9002, vehicle: 粤B90002, type: maintenance, check_in: 2026-09-10 09:00,
   handed_over: 2026-09-10 12:00, service_advisor: SA01}
""",
    "records/followups/9999-language.yaml": """\
- id: F9001
  visit: RO9001
  at: 2026-09-21 10:00
  channel: phone
  by: CS01
  outcome: reached
  survey: service
  answers: {reception_attitude: , no_such_item: 9}
""",
    "records/complaints/9999-language.yaml": """\
- id: CP9001
  received: 2026-09-25 10:00
  channel: phone
  customer: C9001
  visit: RO9002
  category: noise
  severity: low
  description: 异响 # 未写完
  owner: SA01
  status: open
  promised: 2026-09-28
  resolved: 2026-09-26 10:00
""",
    "records/actions/9999-language.yaml": """\
- {id: A9001, kind: improve, title: 缩短等待, owner: SM01, due: 2026-09-30, status: in_progress,
   done: 2026-09-15, survey: service, item: waiting_care}
""",
    "records/notes/a.yaml": "[]\n",
    "records/customers/9998-notepad.yaml.txt": "[]\n",
}

_WORD = re.compile(r"[A-Za-z]+")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
# script and style are not shown; code is what one types (commands, YAML keys in the guide)
_HIDDEN = {"script", "style", "code"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Visible(HTMLParser):
    """The texts a reader sees (or hears from a screen reader) on a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.texts += [value for name, value in attrs if name in _SHOWN_ATTRIBUTES and value]
        if tag not in _VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.texts += [value for name, value in attrs if name in _SHOWN_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data):
        if data.strip() and not _HIDDEN.intersection(self.open):
            self.texts.append(data)


def visible_texts(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    return parser.texts


def _typed_values(kind: schema.Kind, record: object) -> list[str]:
    """What staff typed into a record's text, id, reference and plate fields, nested ones too."""
    found = []
    for entry in kind.fields:
        value = getattr(record, entry.attribute, None)
        if value is None:
            continue
        if entry.type in (schema.TEXT, schema.LINE, schema.ID, schema.REF, schema.PLATE):
            found.append(str(value))
        elif entry.type == schema.OBJECT:
            found += _typed_values(entry.of, value)
        elif entry.type == schema.LIST and isinstance(entry.of, schema.Kind):
            for inner in value:
                found += _typed_values(entry.of, inner)
        elif entry.type == schema.LIST:
            found += [str(inner) for inner in value]
    return found


def typed_by_staff(records: model.Records) -> list[str]:
    """Every text of the garage's own: records, staff, the garage's name."""
    found = [records.garage.name] + [text for member in records.garage.staff for text in (member.id, member.name)]
    for kind in schema.RECORD_KINDS.values():
        for record in getattr(records, kind.folder):
            found += _typed_values(kind, record)
    return found


def identifiers(records: model.Records, problems: list) -> set[str]:
    """Words of what the quality page names as typed in the files: paths, YAML keys, item ids."""
    keys = {entry.name for kind in (*schema.RECORD_KINDS.values(), schema.VEHICLE, schema.LOST, schema.LOG_ENTRY)
            for entry in kind.fields}
    ids = {questionnaire.id for questionnaire in records.questionnaires.values()}
    ids |= {item.id for questionnaire in records.questionnaires.values() for item in questionnaire.items()}
    # what to do names the settings file and the answer "not applicable" as they are typed; a
    # warning's facts are the values it names, some as typed (a plate written loosely)
    texts = ["garage.yaml", "na"] + [problem.path for problem in problems] + sorted(keys | ids) + [
        value for problem in problems for _, value in getattr(problem, "facts", ())]
    return {word for text in texts for word in _WORD.findall(text)}


def english_words(texts: list[str], allowed: set[str]) -> list[tuple[str, str]]:
    """(word, the text it is in) for each English word of ``texts`` not in ``allowed``."""
    return list(dict.fromkeys((word, text.strip()[:120]) for text in texts for word in _WORD.findall(text)
                              if word not in allowed))


@pytest.fixture(scope="module")
def garage(tmp_path_factory):
    root = regenerate_sample(tmp_path_factory.mktemp("language"))
    for name, content in EXTRA.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content, encoding="utf-8")
    loaded = load_records(root, AS_OF, load_sequentially)
    assert loaded.errors == []
    assert loaded.records.garage.language == "zh"
    report = build_report(loaded.records, parse_period("2026-Q3"), AS_OF)
    return root, loaded.records, report, [problem for problem in loaded.problems if not problem.is_error]


@pytest.fixture(scope="module")
def zh_site(garage):
    root, records, report, warnings = garage
    site = root / "site"
    build_site(root, site, records, report, warnings, AS_OF, None, cache=False)
    return {path.relative_to(site).as_posix(): path.read_text(encoding="utf-8") for path in site.rglob("*.html")}


def test_the_garage_gives_a_warning_of_every_kind_and_wording(garage):
    *_, warnings = garage
    assert {problem.code for problem in warnings} == WARNING_CODES
    wordings = {problem.wording or problem.code for problem in warnings}
    assert wordings == set(LABELS["warning_message"])


def test_each_warnings_english_wording_is_the_validators_message(garage):
    """The English side of "warning_message" says what `csi validate` says, word for word."""
    *_, warnings = garage
    for problem in warnings:
        english = LABELS["warning_message"][problem.wording or problem.code][0]
        assert english.format(**dict(problem.facts)) == problem.message


def test_every_page_of_a_chinese_site_is_in_chinese(garage, zh_site):
    _, records, _, warnings = garage
    typed = {word for text in typed_by_staff(records) for word in _WORD.findall(text)}
    allowed = PROPER | typed
    assert {"index.html", "quality.html", "guide.html", "monthly/index.html", "404.html"} <= zh_site.keys()
    assert len(zh_site) >= 15  # and the monthly reports
    found = {}
    for page, html in sorted(zh_site.items()):
        texts = visible_texts(html)
        assert texts, page
        # the quality page points at what is typed in the files: their paths, keys and item ids
        here = allowed | identifiers(records, warnings) if page == "quality.html" else allowed
        leaks = english_words(texts, here)
        if leaks:
            found[page] = leaks[:10]
    assert found == {}


def test_the_scan_finds_english_on_a_chinese_page():
    """The check above can fail: a heading link's English title, English in an SVG chart."""
    html = ('<h2 id="x">统计期<a class="headerlink" href="#x" title="Permanent link">¶</a></h2>'
            '<svg><text>满意率</text><title>Share by month</title></svg><td>▲ +4 pp</td>'
            '<pre><code>csi due --format csv</code></pre><script>var a = "hidden";</script>')
    assert [word for word, _ in english_words(visible_texts(html), PROPER)] == [
        "Permanent", "link", "Share", "by", "month", "pp"]


def test_csi_stats_in_chinese_names_only_items_and_staff_by_their_ids(garage):
    _, records, report, _ = garage
    ids = {item.id for questionnaire in records.questionnaires.values() for item in questionnaire.items()}
    ids |= {member.id for member in records.garage.staff}
    allowed = PROPER | {word for text in ids for word in _WORD.findall(text)}
    assert english_words(stats_text(report, "zh").splitlines(), allowed) == []


def test_csi_due_in_chinese_is_in_chinese_but_for_what_staff_typed(garage):
    _, records, _, _ = garage
    typed = {word for text in typed_by_staff(records) for word in _WORD.findall(text)}
    shown = due_text(worklist(records, AS_OF), AS_OF, "zh")
    assert "逾期回访" in shown
    assert english_words(shown.splitlines(), PROPER | typed) == []


def test_an_english_site_shows_chinese_only_where_staff_typed_it(garage, tmp_path):
    root, records, report, warnings = garage
    english = replace(records, garage=replace(records.garage, language="en"))
    report = build_report(english, parse_period("2026-Q3"), AS_OF)
    site = tmp_path / "site"
    # (no monthly pages: they are the same template as in the Chinese site, and take a second)
    build_site(root, site, english, report, warnings, AS_OF, None, monthly=[], cache=False)
    typed = {char for text in typed_by_staff(records) for char in _CJK.findall(text)}
    found = {}
    for path in sorted(site.rglob("*.html")):
        chars = {char for text in visible_texts(path.read_text(encoding="utf-8")) for char in _CJK.findall(text)}
        if chars - typed:
            found[path.name] = "".join(sorted(chars - typed))
    assert found == {}
