"""Property tests of the YAML reader.

(a) Any text or bytes: the reader never raises, never hangs, and returns
    either a value or errors.
(b) Differential: random nested data dumped by PyYAML in many styles must
    read back exactly as PyYAML's own BaseLoader reads it (nulls aside).
    This is the evidence that the subset we implement means what YAML means.
"""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load.source import decode
from generator.load.yamlsafe import Limits, Mapping, Sequence, parse

PYYAML_NULLS = ("", "~", "null", "Null", "NULL")

# Characters YAML 1.1 (PyYAML) and 1.2 (us) treat differently are left out:
# U+0085, U+2028 and U+2029 are line breaks only in 1.1.
_PRINTABLE = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="\x85\u2028\u2029\ufeff",
    min_codepoint=0x20, max_codepoint=0x2FFFF,
)
_TRICKY = st.sampled_from([
    "null", "Null", "~", "yes", "no", "true", "0755123456", "9:30", "1e3", "0x1F",
    "2026-06-01", "+8613812345678", "a: b", "a #b", "CP#1", "- x", "'", '"', "''",
    "[a]", "{b}", " lead", "trail ", "  ", "", "多行\n文本", "x\n\ny\n", "\n", "\t",
    "a\\b", "张伟 # 注释", "--- x", "...", "& *", "!tag", "%p", "@", "`", "|", ">",
    "? q", ": c", "a:b", "end\n", "\n\nstart",
])
_TEXT = st.one_of(
    _TRICKY,
    st.text(alphabet=st.one_of(_PRINTABLE, st.sampled_from(" \n:#-'\"\\中文")), max_size=40),
    st.lists(st.sampled_from(["word", "词", " ", "\n", ": ", " #", "'", '"', "\\", "-", "x"]),
             max_size=12).map("".join),
)
_KEY = st.one_of(
    st.sampled_from(["id", "phone", "null", "~", "yes", "2026", "a b", "服务顾问", "'q'", "k:v", "#h"]),
    st.text(alphabet=st.sampled_from("abc 中:#'\"-_"), min_size=1, max_size=12),
)
_DATA = st.recursive(
    _TEXT,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(_KEY, children, max_size=5),
    ),
    max_leaves=25,
)
_STYLE = st.fixed_dictionaries({
    "default_flow_style": st.sampled_from([False, True, None]),
    "default_style": st.sampled_from([None, '"', "'", "|"]),
    "allow_unicode": st.booleans(),
    "width": st.sampled_from([20, 40, 80, 1000]),
    "indent": st.sampled_from([2, 4]),
    "explicit_start": st.booleans(),
})


def _same(ours, theirs) -> bool:
    """Our value equals PyYAML BaseLoader's, where our None may be its null spellings."""
    if ours is None:
        return theirs is None or theirs in PYYAML_NULLS
    if isinstance(ours, dict):
        return (isinstance(ours, Mapping) and isinstance(theirs, dict) and list(ours) == list(theirs)
                and all(_same(ours[key], theirs[key]) for key in ours))
    if isinstance(ours, list):
        return (isinstance(ours, Sequence) and isinstance(theirs, list) and len(ours) == len(theirs)
                and all(_same(a, b) for a, b in zip(ours, theirs)))
    return type(ours) is str and ours == theirs


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_DATA, style=_STYLE)
def test_reads_what_pyyaml_dumped_exactly_as_pyyaml_reads_it(data, style):
    dumped = yaml.safe_dump(data, **style)
    expected = yaml.load(dumped, Loader=yaml.BaseLoader)
    value, errors = parse(dumped)
    assert errors == [], dumped
    assert _same(value, expected), dumped


_YAMLISH = st.lists(
    st.sampled_from([
        "a", "b: ", "- ", "  ", "    ", ":", "'", '"', "[", "]", "{", "}", ",", "#", " #", "\n",
        "\t", "|", ">", "|-", ">+2", "&x", "*x", "!t", "---", "...", "%Y", "? ", "\\", "\\u12",
        "中", "null", "~", "<<: ", "x: y", "  - z", "\n  ", "\n- ", "\n---\n",
    ]),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(_YAMLISH, st.text(max_size=200)))
def test_any_text_gives_a_value_or_errors_and_never_raises(text):
    value, errors = parse(text, Limits(max_depth=8, max_scalar_chars=50))
    assert all(error.code != "yaml-internal" for error in errors), errors
    if errors:
        assert value is None
        assert all(error.line >= 1 and error.col >= 1 for error in errors)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=200))
def test_any_bytes_decode_then_parse_without_raising(data):
    text, problems = decode(data, max_bytes=150)
    if text is None:
        assert len(problems) == 1
        return
    value, errors = parse(text)
    assert all(error.code != "yaml-internal" for error in errors), errors


@settings(max_examples=150, deadline=None)
@given(text=_YAMLISH)
def test_when_pyyaml_agrees_the_text_is_valid_we_read_the_same(text):
    try:
        expected = yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError:
        return
    value, errors = parse(text)
    refused = {"yaml-anchor", "yaml-tag", "yaml-merge-key", "yaml-complex-key", "yaml-directive",
               "duplicate-key", "yaml-multiple-documents"}
    if errors:
        # We are stricter than PyYAML only where YAML features are refused on purpose,
        # or for the few constructs PyYAML accepts that YAML does not (e.g. '{a: b}x').
        assert {error.code for error in errors} <= refused | {"yaml-syntax"}, errors
        return
    assert _same(value, expected), text
