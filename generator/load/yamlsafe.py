"""A safe, fast, position-keeping reader for the YAML subset records use.

Why not PyYAML: staff type YAML by hand and a value must mean what they typed,
so every scalar comes back as text (``str``) or ``None`` and the validator
converts it by the field's declared type (PyYAML turns ``0755123456`` into a
number and ``9:30`` into 570).  Duplicate keys are reported instead of
silently keeping the last one, and anchors, tags, merge keys and several
documents are refused, so a file cannot mean more than it shows.

How: the text is read line by line.  Most record lines are
``<indent>key: plain value`` or ``<indent>- plain value``; one precompiled
regex match recognises those and the loop in ``_Parser.run`` handles them
with a few local-variable updates.  The commonest of them, another key of the
mapping being filled, with an identifier for its key and a value the regex
would take whole, is recognised with string methods alone, before the regex
(which costs more than everything else done for such a line); likewise a
one-line ``[a, b]`` of letters and digits skips the general flow reader.  Everything else (quotes, flow
collections, block scalars, continuation lines, errors) goes to the slower,
careful path in the other methods.  Nesting is kept on an explicit stack and
checked against ``Limits.max_depth`` before every push, so no input can make
the reader recurse, hang or allocate more than a small multiple of its size.

Semantics follow YAML 1.2 for this subset; on every input PyYAML also
accepts, the result equals ``yaml.load(text, Loader=yaml.BaseLoader)`` except
that unquoted empty values and ``~``/``null``/``Null``/``NULL`` give ``None``.
Known, deliberate differences where PyYAML refuses and we accept: tabs inside
a plain value (``a<TAB>b``), and U+0085/U+2028/U+2029, which are ordinary
characters here (YAML 1.2) but line breaks to PyYAML (YAML 1.1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType


class Mapping(dict):
    """A YAML mapping that remembers where its keys were typed."""

    __slots__ = ("line", "col", "key_pos", "cut")


class Sequence(list):
    """A YAML sequence that remembers where its entries were typed."""

    __slots__ = ("line", "col", "item_pos")


@dataclass(frozen=True)
class YamlError:
    line: int
    col: int
    code: str
    message: str
    hint: str


@dataclass
class Limits:
    max_depth: int = 50  # nesting of mappings/sequences
    max_scalar_chars: int = 100_000


_NULL_WORDS = frozenset(("~", "null", "Null", "NULL"))

# One plain key or value on a fast line: starts with a character that cannot
# begin anything else, never contains ": " or " #", never ends with a space.
# The quantifiers are possessive so a failed match costs one pass, not a
# backtracking search.
_FAST_KEY = r"""[^ \t\-?:,\[\]{}#&*!|>'"%@`<][^ \t:]*+(?:(?::(?=[^ \t])| +(?=[^ \t#:]))[^ \t:]*+)*+"""
_FAST_VALUE = r"""[^ \t\-?:,\[\]{}#&*!|>'"%@`][^ \t:]*+(?:(?::(?=[^ \t])| +(?=[^ \t#]))[^ \t:]*+)*+"""
# groups: 1 indent, 2 dash, 3 spaces after the dash, 4 key, 5 value after the
# key, 6 value of a bare list entry, 7 comment
_FAST_LINE = re.compile(
    r"( *)(?:(-)( +))?(?:(" + _FAST_KEY + r"):(?: +(" + _FAST_VALUE + r"))?|("
    + _FAST_VALUE + r"))(?: +(#.*)?)?"
)
# Where a plain scalar in block context stops: ": " (a key) or " #" (a comment).
_PLAIN_STOP = re.compile(r":(?=[ \t]|$)|[ \t]#")
# One line's worth of a plain scalar inside [ ] or { }.
_FLOW_WORD = r"(?:[^ \t:,\[\]{}]|:(?=[^ \t,\[\]{}]))"
_FLOW_PLAIN = re.compile(_FLOW_WORD + r"++(?:[ \t]++(?!#)" + _FLOW_WORD + r"++)*+")
_BLANKS = re.compile(r"[ \t]*")
_DOUBLE_RUN = re.compile(r'[^"\\]*')
_HEX = re.compile(r"[0-9A-Fa-f]+")

_ESCAPES = MappingProxyType({
    "0": "\0", "a": "\x07", "b": "\x08", "t": "\t", "\t": "\t", "n": "\n",
    "v": "\x0b", "f": "\x0c", "r": "\r", "e": "\x1b", " ": " ", '"': '"',
    "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
})
_HEX_ESCAPE_WIDTH = MappingProxyType({"x": 2, "u": 4, "U": 8})

# flow collection states
_EXPECT_ENTRY, _AFTER_ENTRY, _AFTER_KEY, _EXPECT_VALUE = range(4)

_QUOTE_HINT = "put the whole value in quotes"
_ANCHOR_HINT = ("write the value out in full where it is needed; if the '&' or '*' "
                "is part of the text, put the whole value in quotes")


class _Stop(Exception):
    """Unwinds the parser at the first syntax error (caught in ``parse``)."""

    def __init__(self, error: YamlError):
        super().__init__(error.message)
        self.error = error


def parse(text: str, limits: Limits = Limits()) -> tuple[object | None, list[YamlError]]:
    """Read one YAML document; return (value, []) or (None, errors)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    parser = _Parser(text, limits)
    try:
        value = parser.run()
    except _Stop as stop:
        return None, parser.duplicates + [stop.error]
    except Exception as exc:  # a bug here must not cost the user a traceback
        return None, parser.duplicates + [YamlError(
            0, 0, "yaml-internal", f"the YAML reader failed on this file ({type(exc).__name__})",
            "please report this file to the csi maintainers")]
    if parser.duplicates:
        return None, parser.duplicates
    return value, []


def _new_mapping(line: int, col: int) -> Mapping:
    mapping = Mapping()
    mapping.line, mapping.col, mapping.key_pos, mapping.cut = line, col, {}, None
    return mapping


def _new_sequence(line: int, col: int) -> Sequence:
    sequence = Sequence()
    sequence.line, sequence.col, sequence.item_pos = line, col, []
    return sequence


def _is_marker(line: str) -> bool:
    """A document marker: '---' or '...' at column 0, alone or before a blank."""
    return line.startswith(("---", "...")) and (len(line) == 3 or line[3] in " \t")


def _blank_after(line: str, col: int) -> bool:
    """Is ``line[col]`` the end of the line or a space/tab?"""
    return col >= len(line) or line[col] in " \t"


def _is_plain_value(value: str) -> bool:
    """Would ``_FAST_VALUE`` (with nothing after it) take all of ``value``, as it is?

    For the shortcut in ``_Parser.run``: it starts with a letter or digit, and
    has no tab, no ': ' or ' #', and no ':' or space at the end.
    """
    return value[:1].isalnum() and value[-1] not in " :" and "\t" not in value \
        and ": " not in value and " #" not in value


def _dedent(stack: list[tuple], n: int) -> bool:
    """Close the collections indented deeper than ``n`` if one of the open ones is at ``n``.

    Otherwise leave the stack alone: the careful path explains the misalignment.
    """
    k = len(stack) - 2
    while stack[k][1] > n:
        k -= 1
    if stack[k][1] != n:
        return False
    del stack[k + 1:]
    return True


def _open_child(stack: list[tuple], pending: object, i: int, n: int, is_map: bool) -> tuple:
    """Open a block mapping or sequence at line ``i``, column ``n``, as the value of ``pending``."""
    child = _new_mapping(i + 1, n + 1) if is_map else _new_sequence(i + 1, n + 1)
    stack[-1][0][pending] = child
    frame = (child, n, is_map, child.key_pos if is_map else child.item_pos)
    stack.append(frame)
    return frame


def _note_cut(mapping: Mapping, key: str, col: int) -> None:
    """Remember that the value of ``key`` stops at a ' #' comment (column ``col``)."""
    if mapping.cut is None:
        mapping.cut = {}
    mapping.cut[key] = col


def _flow_words(line: str, col: int, max_chars: int) -> list[str] | None:
    """The entries of a one-line '[a, b]' at ``col`` when each is letters and digits only, else None.

    None too when an entry is longer than ``max_chars``: the careful path explains that.
    """
    close = line.find("]", col)
    if line[col] != "[" or close < 0:
        return None
    words = line[col + 1:close].split(", ")
    return words if all(word.isalnum() and len(word) <= max_chars for word in words) else None


def _word_sequence(words: list[str], i: int, col: int) -> Sequence:
    sequence = _new_sequence(i + 1, col + 1)
    c = col + 2  # 1-based column of the first entry
    for word in words:
        sequence.item_pos.append((i + 1, c))
        sequence.append(None if word in _NULL_WORDS else word)
        c += len(word) + 2
    return sequence


def _preview(text: str) -> str:
    return text if len(text) <= 30 else text[:27] + "..."


class _Parser:
    """The state of one parse: an explicit stack of open block collections.

    A stack frame is ``(node, indent, is_map, positions)``; the bottom frame is
    a one-element list holding the document's value, at indent -1.
    ``pending`` is the key (or list index) of the top collection whose value
    has not been typed yet; ``cont`` is the raw text of a plain scalar that the
    next, more indented line may continue.
    """

    def __init__(self, text: str, limits: Limits):
        self.lines = text.split("\n")
        self.max_depth = limits.max_depth
        self.max_chars = limits.max_scalar_chars
        self.root: list = [None]
        self.stack: list[tuple] = [(self.root, -1, False, None)]
        self.pending: object = 0
        self.cont: str | None = None
        self.cont_i = -1
        self.duplicates: list[YamlError] = []
        self.started = False

    # --- errors ---------------------------------------------------------------

    def _fail(self, i: int, col: int, code: str, message: str, hint: str):
        raise _Stop(YamlError(i + 1, col + 1, code, message, hint))

    def _fail_syntax(self, i: int, col: int, message: str, hint: str):
        self._fail(i, col, "yaml-syntax", message, hint)

    def _fail_indent(self, i: int, col: int, popped: bool):
        if self.stack[-1][1] == -1 and self.pending is None and not popped:
            self._fail_syntax(i, col, "more content after the end of the document's value",
                              "a records file holds one mapping or one list: check the "
                              "indentation of this line and the line above it")
        if popped:
            self._fail_syntax(i, col, "this line does not line up with the lines above it",
                              "indent it exactly like the other keys or '- ' entries "
                              "of the block it belongs to")
        self._fail_syntax(i, col, "this line is indented more than the line above it",
                          "remove the extra spaces: only the lines under a 'key:' with "
                          "nothing after the ':' (or under a lone '-') are indented deeper")

    def _check_length(self, text: str, i: int, col: int):
        if len(text) > self.max_chars:
            self._fail(i, col, "yaml-value-too-long",
                       f"this value is {len(text):,} characters long, more than the "
                       f"limit of {self.max_chars:,}",
                       "shorten it; long texts belong in a separate document, not a record")

    def _check_depth(self, i: int, col: int, open_levels: int):
        if open_levels >= self.max_depth:
            self._fail(i, col, "yaml-too-deep",
                       f"the data is nested more than {self.max_depth} levels deep",
                       "flatten it: records never need this much nesting "
                       "(check for runaway indentation or brackets)")

    # --- the fast loop --------------------------------------------------------

    def run(self) -> object | None:
        lines, stack, nulls = self.lines, self.stack, _NULL_WORDS
        fast, max_chars, max_depth = _FAST_LINE.fullmatch, self.max_chars, self.max_depth
        top, top_indent, top_is_map, pos = stack[-1]
        pending, cont, cont_i, resume = self.pending, None, -1, 0
        for i, line in enumerate(lines):
            if i < resume or not line:
                continue
            # the commonest line, '<indent>key: value' in the mapping being
            # filled, without the regex: an identifier for the key, and a value
            # the regex would take whole (see _is_plain_value)
            body = line.lstrip(" ")
            key, colon, key_value = body.partition(": ")
            if colon and key.isidentifier() and (key_value.isalnum() or _is_plain_value(key_value)) \
                    and len(line) - len(body) == top_indent and top_is_map and key not in top \
                    and len(line) <= max_chars:
                pos[key] = (i + 1, top_indent + 1)
                top[key] = None if key_value in nulls else key_value
                pending, cont, cont_i = None, key_value, i
                continue
            match = fast(line) if len(line) <= max_chars else None
            if match is not None:
                indent, dash, dash_blank, key, key_value, entry_value, comment = match.groups()
                n = len(indent)
                if n < top_indent and _dedent(stack, n):
                    top, top_indent, top_is_map, pos = stack[-1]
                    pending = cont = None
                if n > top_indent and pending is not None and len(stack) <= max_depth \
                        and (dash is not None or key is not None):
                    top, top_indent, top_is_map, pos = _open_child(stack, pending, i, n, dash is None)
                    pending = None
                if n == top_indent:
                    if dash is not None and not top_is_map and (key is None or len(stack) <= max_depth):
                        pos.append((i + 1, n + 1))
                        pending = None
                        if key is None:
                            top.append(None if entry_value in nulls else entry_value)
                            cont, cont_i = (entry_value, i) if comment is None else (None, i)
                            continue
                        n += 1 + len(dash_blank)
                        pending = len(top)
                        top.append(None)
                        top, top_indent, top_is_map, pos = _open_child(stack, pending, i, n, True)
                        pending = dash = None
                    if dash is None and top_is_map and key is not None and key not in top:
                        pos[key] = (i + 1, n + 1)
                        if key_value is None:
                            top[key] = None
                            pending, cont = key, None
                            continue
                        top[key] = None if key_value in nulls else key_value
                        pending = None
                        if comment is None:
                            cont, cont_i = key_value, i
                        else:
                            cont = _note_cut(top, key, match.start(7) + 1)  # None: a cut value ends here
                        continue
            resume, top, top_indent, top_is_map, pos, pending, cont, cont_i = self._careful(i, pending, cont, cont_i)
        return self.root[0]

    def _careful(self, i: int, pending: object, cont: str | None, cont_i: int) -> tuple:
        """Line ``i`` through the careful path; return the next line to read and the loop's state."""
        self.pending, self.cont, self.cont_i = pending, cont, cont_i
        resume = self._slow_line(i)
        return (resume, *self.stack[-1], self.pending, self.cont, self.cont_i)

    # --- the careful path: one block-context line -----------------------------

    def _slow_line(self, i: int) -> int:
        """Handle line ``i`` (and whatever lines it opens); return the next line."""
        line = self.lines[i]
        stripped = line.strip(" \t")
        if not stripped:
            return i + 1
        n = len(line) - len(line.lstrip(" "))
        if line[n] == "\t" and stripped[0] != "#":
            self._fail(i, n, "yaml-tab", "a tab is used to indent this line",
                       "indent with spaces only (set your editor to insert spaces for Tab)")
        if stripped[0] == "#":
            self.cont = None
            return i + 1
        if n == 0 and (line[0] == "%" or _is_marker(line)):
            return self._document_marker(i)
        if self.cont is not None and n > self.stack[-1][1]:
            return self._continue_plain(i, n)
        self.cont = None
        return self._block_line(i, n)

    def _document_marker(self, i: int) -> int:
        line = self.lines[i]
        if line[0] == "%":
            self._fail(i, 0, "yaml-directive", f"directives like '{_preview(line.split()[0])}' are not allowed",
                       "remove this line; records need no YAML directives")
        rest = line[3:].strip(" \t")
        if line.startswith("---"):
            if self.started or len(self.stack) > 1 or self.pending is None:
                self._multiple_documents(i)
            self.started = True
            if rest and rest[0] != "#":  # '--- value': the document's value starts on this line
                return self._block_line(i, _BLANKS.match(line, 3).end())
            return i + 1
        if rest and rest[0] != "#":
            self._fail_syntax(i, 4, "content on the same line as '...'",
                              "put '...' on a line of its own, or remove it")
        for k in range(i + 1, len(self.lines)):
            stripped = self.lines[k].strip(" \t")
            if stripped and stripped[0] != "#":
                self._multiple_documents(k)
        return len(self.lines)

    def _multiple_documents(self, i: int):
        self._fail(i, 0, "yaml-multiple-documents",
                   "this file holds more than one YAML document (a second '---', or content after '...')",
                   "keep one document per file: remove the '---' or '...' line, or split the file")

    def _continue_plain(self, i: int, n: int) -> int:
        """Fold line ``i`` into the plain scalar that ended the last content line."""
        line = self.lines[i]
        stop = _PLAIN_STOP.search(line, n)
        if stop is not None and stop.group()[0] == ":":
            self._fail_syntax(i, stop.start(), "a ': ' inside a value that continues from the line above",
                              "if this line is a new key, indent it like the other keys; "
                              "if it is text, put the whole value in quotes")
        text = line[n:len(line) if stop is None else stop.start()].rstrip(" \t")
        blank_lines = i - self.cont_i - 1
        raw = self.cont + ("\n" * blank_lines if blank_lines else " ") + text
        self._check_length(raw, i, n)
        node = self.stack[-1][0]
        node[next(reversed(node)) if isinstance(node, dict) else len(node) - 1] = raw
        self.cont, self.cont_i = (raw if stop is None else None), i
        return i + 1

    def _pop_to(self, n: int) -> bool:
        """Close the block collections indented deeper than column ``n``."""
        stack, popped = self.stack, False
        while stack[-1][1] > n:
            stack.pop()
            popped = True
        if popped:
            self.pending = None
        return popped

    def _block_line(self, i: int, n: int) -> int:
        line = self.lines[i]
        popped = self._pop_to(n)
        col, first = n, True
        while line.startswith("-", col) and _blank_after(line, col + 1):
            self._open_entry(i, col, first, popped)
            first = False
            col = _BLANKS.match(line, col + 1).end()
            if col == len(line) or line[col] == "#":
                return i + 1  # the entry's value follows on the next lines, or it stays empty
        return self._body(i, col, first, popped)

    def _open_entry(self, i: int, col: int, first: bool, popped: bool):
        """A '- ' at ``col``: add an entry to the list there, opening it if needed."""
        node, indent, is_map, _ = self.stack[-1]
        if first and indent == col and not is_map:
            sequence = node
        else:
            if first and indent == col and self.pending is None:
                self._fail_syntax(i, col, "a '- ' list entry among 'key: value' lines",
                                  "indent the list under a key that has nothing after its ':', "
                                  "or turn this line into 'key: value'")
            if first and self.pending is None:
                self._fail_indent(i, col, popped)
            sequence = _new_sequence(i + 1, col + 1)
            self._push(sequence, i, col, False, sequence.item_pos)
        sequence.item_pos.append((i + 1, col + 1))
        sequence.append(None)
        self.pending = len(sequence) - 1

    def _push(self, node, i: int, col: int, is_map: bool, positions):
        self._check_depth(i, col, len(self.stack) - 1)
        self.stack[-1][0][self.pending] = node
        self.pending = None
        self.stack.append((node, col, is_map, positions))

    def _body(self, i: int, col: int, first: bool, popped: bool) -> int:
        """What follows the indentation and any '- ': a key or a value."""
        line = self.lines[i]
        ch = line[col]
        if ch in "'\"":
            value, j, end = self._quoted(i, col)
            after = _BLANKS.match(self.lines[j], end).end()
            if j == i and line.startswith(":", after) and _blank_after(line, after + 1):
                return self._key_line(i, col, value, after + 1, first, popped)
            self._expect_line_end(j, end, "the closing quote")
            self._check_value_slot(i, col, first, popped)
            self._fill(value)
            return j + 1
        if ch in "[{":
            self._check_value_slot(i, col, first, popped)
            value, j, end = self._flow(i, col)
            after = _BLANKS.match(self.lines[j], end).end()
            if self.lines[j].startswith(":", after):
                self._fail(i, col, "yaml-complex-key", "a list or mapping in brackets is used as a key",
                           "keys must be plain text: write 'key: value'")
            self._expect_line_end(j, end, f"the closing '{self.lines[j][end - 1]}'")
            self._fill(value)
            return j + 1
        if ch in "|>":
            self._check_value_slot(i, col, first, popped)
            value, j = self._block_scalar(i, col, self.stack[-1][1])
            self._fill(value)
            return j
        self._refuse_indicator(i, col)
        stop = _PLAIN_STOP.search(line, col)
        if stop is not None and stop.group()[0] == ":":
            key = line[col:stop.start()].rstrip(" \t")
            if key == "<<":
                self._fail(i, col, "yaml-merge-key", "merge keys ('<<') are not allowed",
                           "write the keys out in full in this mapping")
            return self._key_line(i, col, key, stop.end(), first, popped)
        text = line[col:len(line) if stop is None else stop.start()].rstrip(" \t")
        self._check_length(text, i, col)
        self._check_value_slot(i, col, first, popped)
        self._fill(None if text in _NULL_WORDS else text)
        self.cont, self.cont_i = (text if stop is None else None), i
        return i + 1

    def _refuse_indicator(self, i: int, col: int):
        """Refuse what may not start a plain value at ``line[col]``."""
        line = self.lines[i]
        ch = line[col]
        if ch == "&":
            self._fail(i, col, "yaml-anchor", "anchors ('&name') are not allowed", _ANCHOR_HINT)
        if ch == "*":
            self._fail(i, col, "yaml-anchor", "aliases ('*name') are not allowed", _ANCHOR_HINT)
        if ch == "!":
            self._fail(i, col, "yaml-tag", "tags (like '!x' or '!!str') are not allowed",
                       "remove the tag: every value is read as text anyway; if the '!' "
                       "is part of the text, put the whole value in quotes")
        if ch == "?" and _blank_after(line, col + 1):
            self._fail(i, col, "yaml-complex-key", "complex keys ('? ') are not supported",
                       "write the key as plain text followed by ':'")
        if ch == ":" and _blank_after(line, col + 1):
            self._fail_syntax(i, col, "a ':' with no key before it",
                              "type the key before the ':', e.g. 'phone: 13812345678'")
        if ch in "%@`,]}":
            self._fail_syntax(i, col, f"a value cannot start with '{ch}'", _QUOTE_HINT
                              + f", e.g. \"{_preview(line[col:].rstrip())}\"")
        if ch == "-" and _blank_after(line, col + 1):
            self._fail_syntax(i, col, "a '- ' list entry cannot start on the same line as its key",
                              "put each '- entry' on its own line, indented under the key")

    def _expect_line_end(self, j: int, end: int, what: str):
        line = self.lines[j]
        after = _BLANKS.match(line, end).end()
        if after < len(line) and (line[after] != "#" or after == end):
            self._fail_syntax(j, after, f"unexpected text after {what}: '{_preview(line[after:])}'",
                              "remove it, or move it inside the quotes/brackets; "
                              "a comment needs a space before its '#'")

    def _check_value_slot(self, i: int, col: int, first: bool, popped: bool):
        """A value at ``col`` must complete a key or '- ' typed just before it."""
        if not first:
            return
        _, indent, is_map, _ = self.stack[-1]
        if indent < col and self.pending is not None:
            return
        if indent == col and is_map:
            if "：" in self.lines[i]:  # a Chinese keyboard's colon, which YAML does not read as one
                self._fail_syntax(i, col, "expected 'key: value' here, but this line has no ': ' (its '：' "
                                  "is the Chinese full-width colon)",
                                  "type the colon with the keyboard in English mode, followed by a space: "
                                  "key: value")
            self._fail_syntax(i, col, "expected 'key: value' here, but this line has no ': '",
                              "add ': ' after the key (a space after the colon), or indent "
                              "the text deeper if it continues the value above")
        if indent == col:
            self._fail_syntax(i, col, "expected a list entry '- ...' here",
                              "start the line with '- ', like the entries above it")
        self._fail_indent(i, col, popped)

    def _fill(self, value):
        self.stack[-1][0][self.pending] = value
        self.pending = None

    def _key_line(self, i: int, col: int, key: str, after: int, first: bool, popped: bool) -> int:
        mapping = self._mapping_for_key(i, col, first, popped)
        self._check_length(key, i, col)
        self._add_key(mapping, key, i, col)
        return self._inline_value(i, after, mapping, key)

    def _add_key(self, mapping: Mapping, key: str, i: int, col: int) -> None:
        """Enter a key (block or flow) with its position; a repeated key is collected as an error."""
        if key in mapping:
            self.duplicates.append(YamlError(
                i + 1, col + 1, "duplicate-key",
                f'duplicate key "{key}": first at line {mapping.key_pos[key][0]}, again at line {i + 1}',
                "remove one of them; YAML keeps only one"))
        else:
            mapping.key_pos[key] = (i + 1, col + 1)
        mapping[key] = None

    def _mapping_for_key(self, i: int, col: int, first: bool, popped: bool) -> Mapping:
        stack = self.stack
        node, indent, is_map, _ = stack[-1]
        if first and indent == col:
            if not is_map:
                below = stack[-2]
                if below[1] != col or not below[2]:
                    self._fail_syntax(i, col, "expected a list entry '- ...' here, but found 'key: value'",
                                      "start the line with '- ', or indent it like the keys "
                                      "of the entry above")
                stack.pop()  # the list written at its key's indentation ends here
                node = below[0]
            self.pending = None
            return node
        if first and (indent > col or self.pending is None):
            self._fail_indent(i, col, popped)
        mapping = _new_mapping(i + 1, col + 1)
        self._push(mapping, i, col, True, mapping.key_pos)
        return mapping

    def _inline_value(self, i: int, col: int, mapping: Mapping, key: str) -> int:
        """The value typed after 'key:' on line ``i`` (from ``col``)."""
        line = self.lines[i]
        col = _BLANKS.match(line, col).end()
        if col == len(line) or line[col] == "#":
            self.pending = key
            return i + 1
        ch = line[col]
        if ch in "'\"":
            mapping[key], j, end = self._quoted(i, col)
            self._expect_line_end(j, end, "the closing quote")
            return j + 1
        if ch in "[{":
            mapping[key], j, end = self._flow(i, col)
            self._expect_line_end(j, end, f"the closing '{self.lines[j][end - 1]}'")
            return j + 1
        if ch in "|>":
            mapping[key], j = self._block_scalar(i, col, self.stack[-1][1])
            return j
        self._refuse_indicator(i, col)
        stop = _PLAIN_STOP.search(line, col)
        if stop is not None and stop.group()[0] == ":":
            self._fail_syntax(i, stop.start(), "a second ': ' on this line",
                              f"{_QUOTE_HINT}, e.g. {key}: \"{_preview(line[col:].rstrip())}\"")
        text = line[col:len(line) if stop is None else stop.start()].rstrip(" \t")
        self._check_length(text, i, col)
        mapping[key] = None if text in _NULL_WORDS else text
        if stop is None:
            self.cont, self.cont_i = text, i
        else:
            if mapping.cut is None:
                mapping.cut = {}
            mapping.cut[key] = stop.end()
        return i + 1

    # --- quoted scalars -------------------------------------------------------

    def _quoted(self, j: int, col: int) -> tuple[str, int, int]:
        """Read a quoted scalar opening at (j, col); return it and where it ends."""
        lines, start = self.lines, (j, col)
        double = lines[j][col] == '"'
        chunks: list[str] = []
        c, folded_chars = col + 1, 0
        while True:
            line = lines[j]
            end = _DOUBLE_RUN.match(line, c).end() if double else line.find("'", c)
            if 0 <= end < len(line):
                chunks.append(line[c:end])
                if not double and line.startswith("'", end + 1):
                    chunks.append("'")
                    c = end + 2
                    continue
                if not double or line[end] == '"':
                    text = "".join(chunks)
                    self._check_length(text, *start)
                    return text, j, end + 1
                if end + 1 < len(line):
                    c = self._escape(line, end, chunks, j)
                    continue
                j, c, blank_lines = self._next_text_line(j, start)  # escaped line break
                chunks.append("\n" * blank_lines)
                continue
            chunks.append(line[c:].rstrip(" \t"))
            folded_chars += len(line) - c + 1
            if folded_chars > self.max_chars:  # stop early on a runaway quote
                self._check_length("".join(chunks), *start)
            j, c, blank_lines = self._next_text_line(j, start)
            chunks.append("\n" * blank_lines if blank_lines else " ")

    def _next_text_line(self, j: int, start: tuple[int, int]) -> tuple[int, int, int]:
        """Skip to the next non-blank line of a quoted scalar; count blank lines."""
        lines, blank_lines = self.lines, 0
        while True:
            j += 1
            if j >= len(lines):
                quote = lines[start[0]][start[1]]
                self._fail_syntax(*start, f"the quoted text starting here is never closed (no closing {quote})",
                                  f"add the closing {quote} at the end of the text"
                                  + (" (write \\\" for a quote inside it)" if quote == '"'
                                     else " (write '' for a quote inside it)"))
            line = lines[j]
            if _is_marker(line):
                self._fail_syntax(j, 0, f"a '{line[:3]}' line inside the quoted text that starts "
                                        f"at line {start[0] + 1}",
                                  "close the quotes before this line")
            c = _BLANKS.match(line).end()
            if c < len(line):
                return j, c, blank_lines
            blank_lines += 1

    def _escape(self, line: str, at: int, chunks: list[str], j: int) -> int:
        """Decode the escape at ``line[at] == '\\\\'``; return the column after it."""
        ch = line[at + 1]
        if ch in _ESCAPES:
            chunks.append(_ESCAPES[ch])
            return at + 2
        width = _HEX_ESCAPE_WIDTH.get(ch)
        if width is not None:
            digits = line[at + 2:at + 2 + width]
            if len(digits) == width and _HEX.fullmatch(digits) and int(digits, 16) <= 0x10FFFF:
                code, end = int(digits, 16), at + 2 + width
                if 0xD800 <= code <= 0xDFFF:
                    return self._surrogate_pair(line, at, code, end, chunks, j)
                chunks.append(chr(code))
                return end
            self._fail_syntax(j, at, f"'\\{ch}' must be followed by {width} hexadecimal digits",
                              "fix the escape, or use single quotes where '\\' is ordinary text")
        self._fail_syntax(j, at, f"unknown escape '\\{ch}' in double-quoted text",
                          "write \\\\ for a backslash, or use single quotes where '\\' is ordinary text")

    def _surrogate_pair(self, line: str, at: int, high: int, end: int, chunks: list[str], j: int) -> int:
        """An emoji escaped as JSON writes it, "\\ud83d\\ude00": the two halves joined into one
        character. Half of one alone is no character: no page, export or JSON could hold it."""
        low = line[end + 2:end + 6] if line.startswith("\\u", end) else ""
        if high <= 0xDBFF and len(low) == 4 and _HEX.fullmatch(low) and 0xDC00 <= int(low, 16) <= 0xDFFF:
            chunks.append(chr(0x10000 + ((high - 0xD800) << 10) + (int(low, 16) - 0xDC00)))
            return end + 6
        self._fail_syntax(j, at, f"'{line[at:end]}' is half of a character (a UTF-16 surrogate), which text "
                                 "cannot hold on its own",
                          "write the character itself, or both halves as JSON does, e.g. \\ud83d\\ude00")

    # --- block scalars (| and >) ----------------------------------------------

    def _block_header(self, i: int, col: int) -> tuple[bool | None, int | None]:
        """Chomping (False strip, None clip, True keep) and indentation indicator."""
        line = self.lines[i]
        chomping = increment = None
        c = col + 1
        while c < len(line) and line[c] in "+-0123456789":
            ch = line[c]
            if ch in "+-" and chomping is None:
                chomping = ch == "+"
            elif ch in "123456789" and increment is None:
                increment = int(ch)
            else:
                self._fail_syntax(i, c, f"unexpected '{ch}' after '{line[col]}'",
                                  f"after '{line[col]}' only one of '-'/'+' and one digit 1-9 may follow")
            c += 1
        rest = line[c:]
        if rest.strip(" \t") and (not rest[:1].isspace() or rest.strip(" \t")[0] != "#"):
            self._fail_syntax(i, c, f"text after '{line[col:c]}' on the same line",
                              f"start the text on the next line, indented; only a comment may follow '{line[col]}'")
        return chomping, increment

    def _block_breaks(self, j: int, indent: int) -> tuple[int, int, int]:
        """From the start of line ``j`` skip lines blank up to ``indent``."""
        lines, last, breaks = self.lines, len(self.lines) - 1, 0
        while True:
            line = lines[j]
            spaces = min(indent, len(line) - len(line.lstrip(" ")))
            if spaces == len(line) and j < last:
                breaks += 1
                j += 1
                continue
            return j, spaces, breaks

    def _block_scalar(self, i: int, col: int, parent_indent: int) -> tuple[str, int]:
        """Read a '|' or '>' scalar whose header is at (i, col); return it and the next line."""
        lines, last = self.lines, len(self.lines) - 1
        chomping, increment = self._block_header(i, col)
        folded = lines[i][col] == ">"
        min_indent = max(parent_indent + 1, 1)
        if increment is not None:
            indent = min_indent + increment - 1
            j, at, breaks = self._block_breaks(i + 1, indent) if i < last else (last, len(lines[last]), 0)
        else:
            j, at, breaks, indent = self._block_indentation(i, min_indent)
        chunks: list[str] = []
        line_break, total = "", 0
        while at == indent and not (j == last and at == len(lines[j])):
            chunks.append("\n" * breaks)
            line = lines[j]
            leading_non_space = line[at] not in " \t"
            chunks.append(line[at:])
            total += len(line) - at + breaks
            if total > self.max_chars:
                self._check_length("".join(chunks), i, col)
            if j == last:
                line_break, j, at, breaks = "", last, len(line), 0
                break
            line_break = "\n"
            j, at, breaks = self._block_breaks(j + 1, indent)
            if at != indent or (j == last and at == len(lines[j])):
                break
            if folded and leading_non_space and lines[j][at] not in " \t":
                if not breaks:
                    chunks.append(" ")
            else:
                chunks.append(line_break)
        if chomping is not False:
            chunks.append(line_break)
        if chomping is True:
            chunks.append("\n" * breaks)
        text = "".join(chunks)
        self._check_length(text, i, col)
        return text, (j if at < len(lines[j]) or j < last else last + 1)

    def _block_indentation(self, i: int, min_indent: int) -> tuple[int, int, int, int]:
        """Find a block scalar's indentation from its first non-blank line."""
        lines, last = self.lines, len(self.lines) - 1
        if i == last:
            return last, len(lines[last]), 0, min_indent
        j, breaks, max_indent = i + 1, 0, 0
        while True:
            line = lines[j]
            spaces = len(line) - len(line.lstrip(" "))
            max_indent = max(max_indent, spaces)
            if spaces == len(line) and j < last:
                breaks += 1
                j += 1
                continue
            return j, spaces, breaks, max(min_indent, max_indent)

    # --- flow collections ([ ] and { }) ---------------------------------------

    def _flow(self, i: int, col: int) -> tuple[object, int, int]:
        """Read a flow collection opening at (i, col), iteratively."""
        lines, base = self.lines, len(self.stack) - 1
        words = _flow_words(lines[i], col, self.max_chars)
        if words is not None:  # '[T01, T02]': what the loop below would make of it, quicker
            self._check_depth(i, col, base)
            return _word_sequence(words, i, col), i, col + len(", ".join(words)) + 2  # the column after ']'
        frames: list[list] = []  # [node, is_map, state, key]
        root = self._flow_open(frames, None, i, col, base)
        j, c = i, col + 1
        while True:
            j, c = self._flow_next(j, c, frames)
            line = lines[j]
            ch = line[c]
            frame = frames[-1]
            node, is_map, state = frame[0], frame[1], frame[2]
            if ch in "]}":
                opener, closer = ("{", "}") if is_map else ("[", "]")
                if ch != closer:
                    self._fail_syntax(j, c, f"'{ch}' does not match the '{opener}' "
                                            f"opened at line {node.line}, column {node.col}",
                                      f"close it with '{closer}'")
                frames.pop()
                if not frames:
                    return root, j, c + 1
                c += 1
            elif ch == ",":
                if state == _EXPECT_ENTRY:
                    self._fail_syntax(j, c, "an empty entry: ',' with nothing before it",
                                      "remove the extra ','")
                frame[2] = _EXPECT_ENTRY
                c += 1
            elif ch == ":" and state == _AFTER_KEY:
                frame[2] = _EXPECT_VALUE
                c += 1
            elif state in (_AFTER_ENTRY, _AFTER_KEY):
                self._flow_missing_comma(j, c, is_map, ch)
            elif ch in "[{":
                if is_map and state == _EXPECT_ENTRY:
                    self._fail(j, c, "yaml-complex-key", "a list or mapping in brackets is used as a key",
                               "keys must be plain text")
                self._flow_open(frames, frame, j, c, base)
                c += 1
            else:
                j, c = self._flow_scalar(frame, j, c)

    def _flow_open(self, frames: list, parent: list | None, j: int, c: int, base: int):
        self._check_depth(j, c, base + len(frames))
        is_map = self.lines[j][c] == "{"
        node = _new_mapping(j + 1, c + 1) if is_map else _new_sequence(j + 1, c + 1)
        if parent is not None:
            self._flow_store(parent, node, j, c)
        frames.append([node, is_map, _EXPECT_ENTRY, None])
        return node

    def _flow_store(self, frame: list, value, j: int, c: int):
        """Put a value into the innermost flow collection."""
        node = frame[0]
        if frame[1]:
            node[frame[3]] = value
        else:
            node.item_pos.append((j + 1, c + 1))
            node.append(value)
        frame[2] = _AFTER_ENTRY

    def _flow_missing_comma(self, j: int, c: int, is_map: bool, ch: str):
        if ch == ":" and not is_map:
            self._fail_syntax(j, c, "a 'key: value' pair inside [ ] is not supported",
                              "write it as a mapping in braces: [{key: value}]")
        if ch == ":":
            self._fail_syntax(j, c, "a second ':' in one entry", _QUOTE_HINT)
        self._fail_syntax(j, c, "missing ',' between two entries",
                          f"separate the entries with ',' ({_QUOTE_HINT.replace('the whole value', 'text')} "
                          "if it contains ', ' or ': ')")

    def _flow_next(self, j: int, c: int, frames: list) -> tuple[int, int]:
        """Skip blanks, line ends and comments inside [ ] or { }."""
        lines = self.lines
        while True:
            line = lines[j]
            c = _BLANKS.match(line, c).end()
            if c < len(line) and line[c] != "#":
                return j, c
            j, c = j + 1, 0
            opened = frames[-1][0]
            opener, closer = ("{", "}") if frames[-1][1] else ("[", "]")
            if j >= len(lines):
                self._fail_syntax(opened.line - 1, opened.col - 1, f"the '{opener}' opened here is never closed",
                                  f"add the missing '{closer}'")
            if _is_marker(lines[j]):
                self._fail_syntax(j, 0, f"a '{lines[j][:3]}' line before the '{opener}' opened at line "
                                        f"{opened.line} is closed",
                                  f"add the missing '{closer}' before this line")

    def _flow_scalar(self, frame: list, j: int, c: int) -> tuple[int, int]:
        """Read a scalar inside [ ] or { } and store it as entry, key or value."""
        line = self.lines[j]
        ch = line[c]
        if ch in "'\"":
            text, j2, end = self._quoted(j, c)
            value = text
        else:
            self._refuse_flow_indicator(j, c)
            text, j2, end = self._flow_plain(j, c)
            value = None if text in _NULL_WORDS else text
        if frame[1] and frame[2] == _EXPECT_ENTRY:
            self._flow_key(frame, text, j, c, j2, ch in "'\"")
        else:
            self._flow_store(frame, value, j, c)
        return j2, end

    def _flow_key(self, frame: list, key: str, j: int, c: int, j_end: int, quoted: bool):
        if j_end != j:
            self._fail_syntax(j, c, "a key that spans several lines",
                              "keep each key on one line")
        if key == "<<" and not quoted:
            self._fail(j, c, "yaml-merge-key", "merge keys ('<<') are not allowed",
                       "write the keys out in full in this mapping")
        self._check_length(key, j, c)
        mapping = frame[0]
        self._add_key(mapping, key, j, c)
        frame[2], frame[3] = _AFTER_KEY, key

    def _refuse_flow_indicator(self, j: int, c: int):
        line = self.lines[j]
        ch = line[c]
        if ch in "|>":
            self._fail_syntax(j, c, f"a '{ch}' block of text cannot be used inside [ ] or {{ }}",
                              f"{_QUOTE_HINT}, or move it out of the brackets")
        if ch == "?":
            self._fail(j, c, "yaml-complex-key", "complex keys ('?') are not supported",
                       "write the key as plain text followed by ':'")
        if ch == "-" and (c + 1 >= len(line) or line[c + 1] in " \t"):
            self._fail_syntax(j, c, "a '- ' list entry cannot be used inside [ ] or { }",
                              "separate the entries with ',' instead")
        if ch == ":":
            self._fail_syntax(j, c, "a ':' with no key before it", _QUOTE_HINT)
        self._refuse_indicator(j, c)

    def _flow_plain(self, j: int, c: int) -> tuple[str, int, int]:
        """A plain scalar inside brackets, folded over lines; return it and its end."""
        lines, start_line = self.lines, j
        text = _FLOW_PLAIN.match(lines[j], c).group()
        parts, end = [text], c + len(text)
        while _BLANKS.match(lines[j], end).end() == len(lines[j]) and j + 1 < len(lines):
            k, blank_lines = j + 1, 0
            while k < len(lines) and not lines[k].strip(" \t"):
                k, blank_lines = k + 1, blank_lines + 1
            if k >= len(lines) or _is_marker(lines[k]):
                break
            start = _BLANKS.match(lines[k]).end()
            more = _FLOW_PLAIN.match(lines[k], start)
            if more is None or lines[k][start] == "#":
                break
            more = more.group()
            parts.append("\n" * blank_lines if blank_lines else " ")
            parts.append(more)
            j, end = k, start + len(more)
        text = "".join(parts)
        self._check_length(text, start_line, c)
        return text, j, end
