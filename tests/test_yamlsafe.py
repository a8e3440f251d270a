"""The YAML reader: values stay text, positions are kept, traps are refused."""

from __future__ import annotations

import pickle
import signal
from contextlib import contextmanager

import pytest

from generator.load.yamlsafe import Limits, Mapping, Sequence, YamlError, parse


def ok(text: str, limits: Limits = Limits()):
    value, errors = parse(text, limits)
    assert errors == []
    return value


def only_error(text: str, limits: Limits = Limits()) -> YamlError:
    value, errors = parse(text, limits)
    assert value is None
    assert len(errors) == 1, errors
    return errors[0]


def where(error: YamlError) -> tuple[int, int, str]:
    return error.line, error.col, error.code


# --- values mean what was typed ---------------------------------------------

def test_every_scalar_stays_the_exact_text_typed():
    text = ("phone: 0755123456\nmobile: +8613812345678\nat: 9:30\nnote: no\nscore: 1e3\n"
            "code: 0x1F\nday: 2026-06-01\nflag: true\nyear: 2026\namount: 860.00\nneg: -1\n")
    assert ok(text) == {
        "phone": "0755123456", "mobile": "+8613812345678", "at": "9:30", "note": "no",
        "score": "1e3", "code": "0x1F", "day": "2026-06-01", "flag": "true", "year": "2026",
        "amount": "860.00", "neg": "-1",
    }


def test_keys_are_always_text():
    assert ok("2026: a\nnull: b\n~: c\ntrue: d\n1.5: e\n") == {
        "2026": "a", "null": "b", "~": "c", "true": "d", "1.5": "e"}


def test_nulls_only_for_empty_and_the_unquoted_null_words():
    value = ok("a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: 'null'\ng: \"~\"\nh: ''\ni: nul\n")
    assert value == {"a": None, "b": None, "c": None, "d": None, "e": None,
                     "f": "null", "g": "~", "h": "", "i": "nul"}


def test_empty_or_comment_only_document_is_none():
    assert parse("") == (None, [])
    assert parse("# only a comment\n\n   \n# another\n") == (None, [])
    assert parse("---\n") == (None, [])
    assert parse("---\n...\n") == (None, [])


def test_cjk_keys_values_and_comments():
    text = "姓名: 张伟   # 客户\n备注: 喜欢周末来店\n车辆:\n  - 粤B12345\n  - 大众 帕萨特 2022\n"
    assert ok(text) == {"姓名": "张伟", "备注": "喜欢周末来店", "车辆": ["粤B12345", "大众 帕萨特 2022"]}


def test_hash_without_space_before_is_text_and_colon_without_space_too():
    assert ok("id: CP#1\nurl: http://x.cn/a#b\nratio: 3:1\n") == {
        "id": "CP#1", "url": "http://x.cn/a#b", "ratio": "3:1"}


def test_crlf_bom_and_lone_cr_are_accepted_by_parse_too():
    assert ok("\ufeffa: 1\r\nb: 2\rc: 3\r\n") == {"a": "1", "b": "2", "c": "3"}


# --- structure --------------------------------------------------------------

def test_block_mappings_and_sequences_nest():
    text = """\
id: CP2026-001
escalation:
  at: 2026-06-03 15:00
  to: SM01
log:
  - at: 2026-06-03 11:00
    by: SA01
  - at: 2026-06-05 11:30
    by: T01
technicians:
- T01
- T02
matrix:
  - - a
    - b
  - - c
empty_entry:
  -
  - x
after: end
"""
    assert ok(text) == {
        "id": "CP2026-001",
        "escalation": {"at": "2026-06-03 15:00", "to": "SM01"},
        "log": [{"at": "2026-06-03 11:00", "by": "SA01"}, {"at": "2026-06-05 11:30", "by": "T01"}],
        "technicians": ["T01", "T02"],
        "matrix": [["a", "b"], ["c"]],
        "empty_entry": [None, "x"],
        "after": "end",
    }


def test_flow_collections_nested_and_spanning_lines():
    text = "technicians: [T01, T02]\ncompensation: {amount: 200.00, kind: 工时费减免}\nnested: [a, [b, {c: d}], {}, []]\n" \
           "long: [one,\n  two three,\n\n  four]\n"
    assert ok(text) == {
        "technicians": ["T01", "T02"],
        "compensation": {"amount": "200.00", "kind": "工时费减免"},
        "nested": ["a", ["b", {"c": "d"}], {}, []],
        "long": ["one", "two three", "four"],
    }


def test_flow_nulls_and_quoted_keys():
    assert ok("a: {x: , y, z: ~, 'q k': \"v\"}\nb: [~, null, 'null']\n") == {
        "a": {"x": None, "y": None, "z": None, "q k": "v"}, "b": [None, None, "null"]}


def test_multi_line_plain_values_fold_with_spaces_and_keep_blank_lines_as_breaks():
    text = "comment: the brakes\n  still squeak\n\n  after the visit\nnext: x\n"
    assert ok(text) == {"comment": "the brakes still squeak\nafter the visit", "next": "x"}
    assert ok("- first\n  continued\n- second\n") == ["first continued", "second"]
    assert ok("note:\n  starts on\n  the next line\n") == {"note": "starts on the next line"}


def test_quoted_scalars_escapes_and_folding():
    text = r"""a: 'it''s # not a comment'
b: "tab\there \"q\" \\ \/ \x41\u4e2d\U0001F600 \N\_\L\P\0\a\b\e\f\r\v\ end"
c: 'one
  two

  three'
d: "joined\
  here"
e: "keep \
  space"
"""
    assert ok(text) == {
        "a": "it's # not a comment",
        "b": "tab\there \"q\" \\ / A中\U0001F600 \x85\xa0\u2028\u2029\0\x07\x08\x1b\x0c\r\x0b end",
        "c": "one two\nthree",
        "d": "joinedhere",
        "e": "keep space",
    }


def test_block_scalars_with_chomping_and_indentation_indicator():
    text = """\
clip: |
  line 1
  line 2

strip: |-
  text

keep: |+
  text

folded: >
  one
  two

  three
    indented
  four
explicit: |2
    two extra spaces
  base
last: end
"""
    assert ok(text) == {
        "clip": "line 1\nline 2\n",
        "strip": "text",
        "keep": "text\n\n",
        "folded": "one two\nthree\n  indented\nfour\n",
        "explicit": "  two extra spaces\nbase\n",
        "last": "end",
    }


def test_document_start_and_end_markers_once_are_fine():
    assert ok("---\na: 1\n...\n# trailing comment\n") == {"a": "1"}
    assert ok("--- [a, b]\n") == ["a", "b"]


def test_a_whole_followup_record():
    text = """\
id: F20260603-001
visit: RO20260601-001          # or, for a sales survey: purchase: 粤B12345
at: 2026-06-03 10:15
answers:                       # 1-10, or na for not applicable
  reception_attitude: 9
  parts_fair: na
fixed: yes
comment: 等待时间有点长
"""
    assert ok(text) == {
        "id": "F20260603-001", "visit": "RO20260601-001", "at": "2026-06-03 10:15",
        "answers": {"reception_attitude": "9", "parts_fair": "na"}, "fixed": "yes",
        "comment": "等待时间有点长"}


# --- positions ----------------------------------------------------------------

def test_positions_of_mappings_keys_sequences_and_entries():
    text = "# head\nid: C1\nvehicles:\n  - plate: 粤B1\n    vin: X\n  -   plate: 粤B2\ntags: [a,\n  b]\nm: {k: v}\n"
    value = ok(text)
    assert isinstance(value, Mapping)
    assert (value.line, value.col) == (2, 1)
    assert value.key_pos == {"id": (2, 1), "vehicles": (3, 1), "tags": (7, 1), "m": (9, 1)}
    vehicles = value["vehicles"]
    assert isinstance(vehicles, Sequence)
    assert (vehicles.line, vehicles.col) == (4, 3)
    assert vehicles.item_pos == [(4, 3), (6, 3)]
    assert (vehicles[0].line, vehicles[0].col) == (4, 5)
    assert vehicles[0].key_pos == {"plate": (4, 5), "vin": (5, 5)}
    assert vehicles[1].key_pos == {"plate": (6, 7)}
    assert (value["tags"].line, value["tags"].col) == (7, 7)
    assert value["tags"].item_pos == [(7, 8), (8, 3)]
    assert (value["m"].line, value["m"].col, value["m"].key_pos) == (9, 4, {"k": (9, 5)})


def test_cut_records_where_a_comment_cut_a_plain_value_short():
    value = ok("comment: 刹车 #2 还响\nnote: 'quoted # kept'\nplain: a#b\nempty: # nothing\nn:\n  x: y  # z\n")
    assert value == {"comment": "刹车", "note": "quoted # kept", "plain": "a#b", "empty": None, "n": {"x": "y"}}
    assert value.cut == {"comment": 13}
    assert value["n"].cut == {"x": 9}
    assert ok("a: b\n").cut is None


def test_results_pickle_with_their_positions():
    value = ok("a:\n  - b: c  # d\n")
    copy = pickle.loads(pickle.dumps(value))
    assert copy == value and copy.key_pos == {"a": (1, 1)}
    assert copy["a"].item_pos == [(2, 3)] and copy["a"][0].cut == {"b": 11}


# --- refused and malformed input ------------------------------------------------

def test_duplicate_keys_are_all_reported_naming_both_lines():
    value, errors = parse("name: a\nphone: 1\nx:\n  y: 1\n  y: 2\nphone: 2\nz: {k: 1, k: 2}\n")
    assert value is None
    assert [(e.line, e.col, e.code, e.message, e.hint) for e in errors] == [
        (5, 3, "duplicate-key", 'duplicate key "y": first at line 4, again at line 5',
         "remove one of them; YAML keeps only one"),
        (6, 1, "duplicate-key", 'duplicate key "phone": first at line 2, again at line 6',
         "remove one of them; YAML keeps only one"),
        (7, 11, "duplicate-key", 'duplicate key "k": first at line 7, again at line 7',
         "remove one of them; YAML keeps only one"),
    ]


@pytest.mark.parametrize("text, line, col, code", [
    ("a: &x 1\nb: *x\n", 1, 4, "yaml-anchor"),
    ("a: 1\nb: *x\n", 2, 4, "yaml-anchor"),
    ("- &a [1]\n", 1, 3, "yaml-anchor"),
    ("a:\n  <<: {b: 1}\n", 2, 3, "yaml-merge-key"),
    ("a: {<<: x}\n", 1, 5, "yaml-merge-key"),
    ("a: !!str 1\n", 1, 4, "yaml-tag"),
    ("- !x y\n", 1, 3, "yaml-tag"),
    ("%YAML 1.2\n---\na: 1\n", 1, 1, "yaml-directive"),
    ("a: 1\n---\nb: 2\n", 2, 1, "yaml-multiple-documents"),
    ("---\na: 1\n---\n", 3, 1, "yaml-multiple-documents"),
    ("a: 1\n...\nb: 2\n", 3, 1, "yaml-multiple-documents"),
    ("? a\n: b\n", 1, 1, "yaml-complex-key"),
    ("[a, b]: c\n", 1, 1, "yaml-complex-key"),
    ("a:\n\tb: 1\n", 2, 1, "yaml-tab"),
    ("a:\n  \t- b\n", 2, 3, "yaml-tab"),
    ("a: b: c\n", 1, 5, "yaml-syntax"),
    ("a:\n  b: 1\n c: 2\n", 3, 2, "yaml-syntax"),
    ("a: 1\n  b: 2\n", 2, 4, "yaml-syntax"),
    ("a: 'open\nb: 2\n", 1, 4, "yaml-syntax"),
    ('a: "open\n', 1, 4, "yaml-syntax"),
    ("a: [b, c\n\n", 1, 4, "yaml-syntax"),
    ("a: {b: c]\n", 1, 9, "yaml-syntax"),
    ("a: 1\njust text\n", 2, 1, "yaml-syntax"),
    ("- a\nb: 1\n", 2, 1, "yaml-syntax"),
    ("a: - b\n", 1, 4, "yaml-syntax"),
    ('a: "bad \\q"\n', 1, 9, "yaml-syntax"),
    ("a: |x\n  y\n", 1, 5, "yaml-syntax"),
    ("a: 'x' y\n", 1, 8, "yaml-syntax"),
    ("a: [b c, d e f g h, 'x' y]\n", 1, 25, "yaml-syntax"),
    (": no key\n", 1, 1, "yaml-syntax"),
    ("a: @home\n", 1, 4, "yaml-syntax"),
])
def test_refusals_have_a_stable_code_and_position(text, line, col, code):
    assert where(only_error(text)) == (line, col, code)


def test_messages_and_hints_speak_plainly():
    error = only_error("a:\n\tb: 1\n")
    assert (error.message, error.hint) == (
        "a tab is used to indent this line",
        "indent with spaces only (set your editor to insert spaces for Tab)")
    error = only_error("note: 12: 30\n")
    assert (error.message, error.hint) == (
        "a second ': ' on this line", 'put the whole value in quotes, e.g. note: "12: 30"')
    error = only_error("a: [b, c\n")
    assert (error.message, error.hint) == ("the '[' opened here is never closed", "add the missing ']'")
    error = only_error("a: 'x\n")
    assert (error.message, error.hint) == (
        "the quoted text starting here is never closed (no closing ')",
        "add the closing ' at the end of the text (write '' for a quote inside it)")
    error = only_error("a: 1\nb\n")
    assert (error.message, error.hint) == (
        "expected 'key: value' here, but this line has no ': '",
        "add ': ' after the key (a space after the colon), or indent the text deeper "
        "if it continues the value above")
    assert only_error("a: *x\n").message == "aliases ('*name') are not allowed"


@contextmanager
def must_not_hang(seconds: int = 10):
    """Fails a test that hangs (an alias bomb, runaway recursion) instead of timing it."""
    def stop(signum, frame):
        raise AssertionError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_an_alias_bomb_is_refused_at_the_first_anchor():
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"{chr(98 + k)}: &{chr(98 + k)} [{', '.join(['*' + chr(97 + k)] * 9)}]" for k in range(8)]
    with must_not_hang():
        error = only_error("\n".join(lines) + "\n")
    assert where(error) == (1, 4, "yaml-anchor")


def test_thirty_thousand_open_brackets_are_refused():
    with must_not_hang():
        error = only_error("[" * 30_000)
    assert where(error) == (1, 51, "yaml-too-deep")
    assert error.message == "the data is nested more than 50 levels deep"


def test_deep_block_nesting_is_refused_without_recursion():
    text = "".join(" " * depth + f"k{depth}:\n" for depth in range(2_000))
    with must_not_hang():
        assert where(only_error(text)) == (51, 51, "yaml-too-deep")
        assert where(only_error("- " * 25_000 + "x")) == (1, 101, "yaml-too-deep")


def test_depth_limit_is_exact():
    limits = Limits(max_depth=3)
    assert ok("a:\n  b:\n    c: x\n", limits) == {"a": {"b": {"c": "x"}}}
    assert ok("a: [[x]]\n", limits) == {"a": [["x"]]}
    assert where(only_error("a:\n  b:\n    c:\n      d: x\n", limits)) == (4, 7, "yaml-too-deep")
    assert where(only_error("a: [[[x]]]\n", limits)) == (1, 6, "yaml-too-deep")


@pytest.mark.parametrize("text, line, col", [
    ("a: " + "x" * 11 + "\n", 1, 4),
    ("- '" + "x" * 11 + "'\n", 1, 3),
    ("a: |\n  " + "x" * 11 + "\n", 1, 4),
    ("a: [" + "x" * 11 + "]\n", 1, 5),
    ("a: xxxxxx\n  yyyyyy\n", 2, 3),
    ("k" * 11 + ": v\n", 1, 1),
])
def test_values_longer_than_the_limit_are_refused(text, line, col):
    error = only_error(text, Limits(max_scalar_chars=10))
    assert where(error) == (line, col, "yaml-value-too-long")
    assert ok("a: " + "x" * 10 + "\n", Limits(max_scalar_chars=10)) == {"a": "x" * 10}


def test_a_runaway_quote_stops_at_the_length_limit():
    error = only_error("a: '" + "word\n" * 50_000, Limits(max_scalar_chars=1000))
    assert where(error) == (1, 4, "yaml-value-too-long")


def test_an_emoji_escaped_in_two_halves_is_one_character_and_half_of_one_an_error():
    # JSON writes 😀 as "\ud83d\ude00"; the halves passed validation apart, and every page,
    # export and JSON of them failed with UnicodeEncodeError (exit 3)
    assert parse('a: "\\ud83d\\ude00 好评"\n') == ({"a": "😀 好评"}, [])
    for typed, half in [('a: "x \\ud83d y"\n', "\\ud83d"), ('a: "\\ude00"\n', "\\ude00"),
                        ('a: "\\U0000D83D"\n', "\\U0000D83D")]:
        tree, errors = parse(typed)
        assert tree is None
        assert [(error.line, error.code, error.message) for error in errors] == [
            (1, "yaml-syntax", f"'{half}' is half of a character (a UTF-16 surrogate), which text cannot hold "
                               "on its own")]
