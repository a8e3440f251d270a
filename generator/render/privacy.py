"""Masking of customer names, phone numbers and plates (``garage.privacy``).

Applied in the render layer, so every page and the search index (which MkDocs
builds from the pages) only ever see the masked form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from generator.model import Privacy
from generator.plates import canonical_plate
from generator.render.escape import md_text

# Two-character Chinese surnames (复姓): without them 欧阳娜娜 would show as 欧***,
# which hides less of the surname and more of what identifies the family.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 西门 "
    "南宫 独孤 百里 呼延 澹台 公冶 太叔 申屠 闻人 万俟 钟离 宗政 濮阳 淳于 单于 赫连 第五 "
    "拓跋 司空 仲孙 东郭 闾丘 亓官 羊舌 微生 梁丘 左丘 东门 公羊 谷梁 段干 巫马 公西 漆雕 "
    "乐正 壤驷 公良 子车 颛孙 鲜于 司寇 南门 东里 公伯 夹谷 宰父 诸葛 歐陽 司馬 諸葛 "
    "東方 長孫 夏侯 慕容".split()
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Phone numbers as staff type them, on any keyboard: the digits, dashes, spaces and
# brackets of a Chinese input method (１３８－００１３　８０００) are read as their ASCII
# twins, one character for one, so a match's place in the folded text is its place in
# the text as typed.
_FOLD = str.maketrans({**{chr(0xFF10 + digit): str(digit) for digit in range(10)},
                       **dict.fromkeys("－‐‑‒–—―−", "-"), "\u3000": " ", "（": "(", "）": ")", "＋": "+",
                       "／": "/", "．": "."})
# between two groups of a mobile number's digits: nothing, one space, or a - . / with a
# space either side; the groups as people write them (138-0013-8000, 1380-013-8000,
# 138 00 13 80 00, 1381234 5678), never single digits, which are a row of scores
_GAP = r"(?:[ ]?[-./][ ]?|[ ])?"
_MOBILE_GROUPS = "|".join("1[3-9]" + _GAP.join(group) for group in (
    (r"\d", r"\d{4}", r"\d{4}"), (r"\d\d", r"\d{3}", r"\d{4}"), (r"\d", r"\d\d", r"\d\d", r"\d\d", r"\d\d"),
    (r"\d", r"\d{8}"), (r"\d{5}", r"\d{4}")))
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:(?:\+|00)[ ]?86[ ]?[-.]?[ ]?|86[-. ])?"
                     rf"(?:\(1[3-9]\d\)[ ]?[-.]?[ ]?\d{{4}}{_GAP}\d{{4}}|{_MOBILE_GROUPS})(?!\d)")
# a mainland landline with its area code set apart, as staff type one into a note:
# 0755-88881234, (020) 8765 4321, +86 10 6552 9988, 0086-10-65529988, +86 (0)10 6552 9988,
# 010/65521234 (run together, 0123456789 is as likely an order or part number, and is
# masked only when it is a customer's: PhoneSweep)
_LANDLINE = re.compile(r"(?<![0-9A-Za-z.\-])(?:(?:\+|00)?86[-. ]?(?:\(0\)[ ]?|\(?0?)|\(?0)(\d{2,3})"
                       r"(?:\)[-. ]?|[-. /])\d{3,4}[-. ]?(\d{4})(?!\d|\.\d)")


def mask_name(name: str | None) -> str:
    """张伟 -> 张*, 欧阳娜娜 -> 欧阳**, John Smith -> J*** S****."""
    if not name:
        return ""
    name = name.strip()
    if _CJK.match(name):
        keep = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
        return name[:keep] + "*" * (len(name) - keep)
    return " ".join(_mask_word(word) for word in name.split())


def _mask_word(word: str) -> str:
    letters = [char for char in word if char.isalnum()]
    if len(letters) <= 1:
        return word  # an initial such as "J." identifies nobody
    first = True
    masked = []
    for char in word:
        if char.isalnum():
            masked.append(char if first else "*")
            first = False
        else:
            masked.append(char)
    return "".join(masked)


def mask_phone(phone: str | None) -> str:
    """13812345678 -> 138****5678; landlines keep the area code and last 4 digits."""
    if not phone:
        return ""
    phone = phone.strip()
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    if digits.startswith("0") and len(digits) >= 9:
        area = _area_code(phone, digits)
        return area + "-" + "*" * (len(digits) - len(area) - 4) + digits[-4:]
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]


def _area_code(phone: str, digits: str) -> str:
    typed = re.match(r"\s*(0\d{2,3})[\s\-)]", phone)
    if typed:
        return typed.group(1)
    # Beijing 010 and the 02x cities have three-digit codes, the rest four.
    return digits[:3] if digits[1] in "12" else digits[:4]


def mask_plate(plate: str | None) -> str:
    """粤B12345 -> 粤B1***5: province and city letter stay, so a plate is still recognisable."""
    if not plate:
        return ""
    plate = canonical_plate(plate)  # (粤B·12345 would keep its dot in the mask: 粤B·****5)
    if len(plate) <= 4:
        return plate[:1] + "*" * (len(plate) - 1)
    return plate[:3] + "*" * (len(plate) - 4) + plate[-1]


# a number has seven digits or more: a text with fewer is passed over without folding it
_SEVEN_DIGITS = re.compile(r"(?:[0-9\uff10-\uff19][^0-9\uff10-\uff19]*){7}")


def mask_mobiles_in_text(text: str) -> str:
    """Mask mainland mobile and landline numbers wherever they occur in free text."""
    if _SEVEN_DIGITS.search(text) is None:  # (most notes hold no number: ~10,000 texts a large dealer's pages show)
        return text
    folded = text.translate(_FOLD)
    found = [(match.start(), match.end(), _masked_mobile(match.group())) for match in _MOBILE.finditer(folded)]
    if found:
        folded, text = _replaced(folded, found), _replaced(text, found)
    found = [(match.start(), match.end(), f"0{match.group(1)}-****{match.group(2)}")
             for match in _LANDLINE.finditer(folded)]
    return _replaced(text, found) if found else text


def _masked_mobile(typed: str) -> str:
    digits = re.sub(r"\D", "", typed)[-11:]  # (without the country code)
    return f"{digits[:3]}****{digits[-4:]}"


def _replaced(text: str, spans: list[tuple[int, int, str]]) -> str:
    pieces, start = [], 0
    for begin, end, replacement in spans:
        pieces += [text[start:begin], replacement]
        start = end
    pieces.append(text[start:])
    return "".join(pieces)


class NameFinder:
    """Customers' full names wherever free text quotes them as names (a complaint's
    "客户曾婷反映…", a note "回访客户王伟飞"), masked as the customer column masks them.

    The rule, and why (``privacy.mask_names``: a customer's full name never shows):

    - A text about a customer (their complaint and its log, their follow-up's comment, their
      notes: ``owner``) masks that customer's name wherever it stands, even inside a word:
      there the name is almost surely the person, and it is theirs to hide.
    - Any other customer's name, and every name in text about nobody (an action's cause and
      measures), is masked wherever it stands when it has three Chinese characters or more
      (李秀英, 欧阳娜娜: almost never an ordinary word).
    - A two-character Chinese name (a surname and a one-character given name) is often an
      ordinary word: 高峰 "peak", 文明, 平安 (also the insurer), 建国, 金山, 海燕.  Masking it
      wherever it stood turned an action's "早高峰接待人员不足" into "早高*接待人员不足".  Chinese
      has no spaces, so where a word ends cannot be told without a dictionary, and guesses
      from the neighbouring characters are unsafe both ways (客户高峰期 is "the customers'
      peak season", 客户曾婷反映 a customer).  So such a name is masked only where it stands
      *as a name* (``_stands_as_name``): before a title (高峰先生, 高峰师傅); after a word that
      introduces a customer (客户, 车主, 顾客, 回访…) when what follows cannot go on the same
      word (the text's end, punctuation, or a verb a name is followed by: 客户高峰反映, but
      not 客户高峰期); before a phone number, plate or id (高峰 138****5501); or alone in
      its text (a table cell).  Inside a sentence otherwise it is left as typed: the rule
      fails towards masking for names typed as names, towards the words for words.
    - A name in Latin letters is masked only as whole words (Tom, not Tom in Tomorrow).  A
      name of several words (Wang Wei, Li Na, John Smith) in any case and with any spacing
      (WANG Wei, wang  wei); a name of one word only as written (Mark, not mark), since one
      English word may be any word; one of fewer than three letters ("Li") only in its
      owner's text, as too many words are that short.
    - A one-character name (李) is masked nowhere in text: it identifies nobody.

    Why not a regular expression of every name: a large dealer has 20,000 customers, and an
    alternation of them is tried name by name at each character.  Here the places a name can
    start (a character some name starts with) are found in C, and only there the text is
    looked up by the lengths names have, longest first (欧阳娜娜 before 欧阳).
    """

    def __init__(self, names) -> None:
        self.by_length: dict[int, set[str]] = {}
        self.words: dict[int, set[tuple[str, ...]]] = {}  # Latin names by their number of words
        self.first_words: set[str] = set()
        self.one_word: set[str] = set()
        for name in {name.strip() for name in names if name}:  # (20,000 at a large dealer, once per build)
            if _CJK.search(name) or not _LATIN_LETTER.search(name):  # (Chinese; or Cyrillic, Hangul…: as typed)
                if len(name) >= 2:
                    self.by_length.setdefault(len(name), set()).add(name)
                continue
            words = _latin_words(name)
            if len(words) > 1:
                self.words.setdefault(len(words), set()).add(words)
                self.first_words.add(words[0])
            elif len(name) >= 3:  # one letter, or "Li", is in too many words
                self.one_word.add(name)
        self.lengths = sorted(self.by_length, reverse=True)
        self.sizes = sorted(self.words, reverse=True)
        starts = {name[0] for found in self.by_length.values() for name in found}
        self.starts = re.compile("[" + "".join(map(re.escape, sorted(starts))) + "]") if starts else None

    def __call__(self, text: str, owner: str | None = None) -> str:
        """``owner``: the name of the customer the text is about, masked wherever it stands."""
        owner = owner.strip() if owner else None
        if (self.first_words or self.one_word or owner) and _LATIN_LETTER.search(text):
            text = self._latin(text, owner)
        if self.starts is None:
            return text
        pieces, start, resume = [], 0, 0
        for match in self.starts.finditer(text):
            position = match.start()
            if position < resume:
                continue
            for length in self.lengths:
                name = text[position:position + length]
                if name in self.by_length[length] and (
                        length > 2 or name == owner or _stands_as_name(text, position, position + length)):
                    pieces += [text[start:position], mask_name(name)]
                    start = resume = position + length
                    break
        if not pieces:
            return text
        pieces.append(text[start:])
        return "".join(pieces)

    def _latin(self, text: str, owner: str | None) -> str:
        owner_words = _latin_words(owner) if owner and not _CJK.search(owner) and _LATIN_LETTER.search(owner) else ()
        # (most texts hold no name: found by sets in C, without a step a word in Python)
        if self.first_words.isdisjoint(_latin_words(text)) and self.one_word.isdisjoint(_LATIN_WORD.findall(text)) \
                and not owner_words:
            return text
        words = list(_LATIN_WORD.finditer(text))
        folded = [word.group().casefold() for word in words]
        found, index = [], 0
        while index < len(words):
            size = self._names_at(text, words, folded, index, owner, owner_words)
            if size:
                begin, end = words[index].start(), words[index + size - 1].end()
                found.append((begin, end, mask_name(text[begin:end])))
                index += size
            else:
                index += 1
        return _replaced(text, found) if found else text

    def _names_at(self, text: str, words: list, folded: list[str], index: int, owner: str | None,
                  owner_words: tuple) -> int:
        """How many words from ``index`` on are a customer's name (0: none)."""
        if folded[index] in self.first_words:
            for size in self.sizes:
                if index + size <= len(words) and tuple(folded[index:index + size]) in self.words[size] and \
                        _one_name(text, words, index, size):
                    return size
        if owner_words and len(owner_words) > 1 and tuple(folded[index:index + len(owner_words)]) == owner_words \
                and _one_name(text, words, index, len(owner_words)):
            return len(owner_words)
        word = words[index].group()
        return 1 if word in self.one_word or (len(owner_words) == 1 and word == owner) else 0


_CJK_CHARS = "\u3400-\u9fff\uf900-\ufaff"
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")  # (with pinyin's and Vietnamese's accents)
# a word in Latin letters: digits belong to it, so Tom2 is not Tom
_LATIN_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f\u1e00-\u1eff]+")
# what may stand between the words of one name: spaces, or the dot of an initial (J. Smith),
# a hyphen or an apostrophe; not a line break or a comma
_NAME_GAP = re.compile(r"[ \t\u00a0\u3000.'\u2019\u00b7-]{1,3}")


def _latin_words(name: str) -> tuple[str, ...]:
    return tuple(_LATIN_WORD.findall(name.casefold()))


def _one_name(text: str, words: list, index: int, size: int) -> bool:
    return all(_NAME_GAP.fullmatch(text, words[at].end(), words[at + 1].start())
               for at in range(index, index + size - 1))


# After a two-character name, what shows it is a name: a title (高峰先生; 总 only where no
# character follows, 王建总, since 高峰总是 is "the peak is always"; not 客户 or 车主, since
# 平安客户 are the insurer's customers and 高峰客户 the peak hour's)
_TITLE = re.compile(rf"先生|女士|小姐|太太|师傅|老师|老板|阿姨|同志|总(?![{_CJK_CHARS}])")
# … or a phone number (masked by then, or not), a plate or an id in brackets, after a space or
# a comma: 高峰 138****5501, 高峰，粤B12345, 高峰（C0046）.  (Not any figure: 高峰 2026-10-08
# or 早高峰 8:00 are times.)
_CONTACT = re.compile(r"[\s,，:：/、]*(?:电话|手机|[（(])?[\s:：]*"
                      rf"(?:1[3-9][0-9](?:[ -]?[0-9*]){{8}}(?![0-9])|0[0-9]{{2,3}}[ -]?[0-9*]{{7,8}}(?![0-9])|"
                      rf"[{_CJK_CHARS}][A-Za-z][ ·-]?[0-9A-Za-z*]{{5,6}}(?![0-9A-Za-z])|[A-Za-z]+[0-9]+[)）])")
# Before it, a word that introduces a customer (客户高峰, 车主：高峰, 回访高峰) …
_INTRODUCED = re.compile(r"(?:客户|顾客|客人|车主|姓名|联系人|回访|致电|联系)[\s:：]*$")
# … when what follows ends the name: the text's end, punctuation, a space, or a word that
# follows a name (客户高峰反映, 客户高峰也说), not a character that may go on the word
# (客户高峰期, 客户高峰时段; nor 来, 到, 等, 在, 是: 客户高峰来临, 客户高峰等待, 客户高峰在周六;
# nor 电话: 客户高峰电话多, while 高峰电话 138… is a contact).  At a clause's start, with no
# word before it, only a verb shows a name: 高峰说…, 高峰反映…, not 平安也很重要.
_SAYS = re.compile(r"反映|投诉|表示|来电|来店|到店|进店|要求|认为|希望|询问|咨询|抱怨|不满|同意|确认|拒绝|答应|"
                   r"回复|表扬|提出|说(?![明法服])|称(?![为重号呼赞])")
_AFTER_NAME = re.compile(rf"$|[^{_CJK_CHARS}]|{_SAYS.pattern}|本人|的车|[也还又已再都就对把被给跟和与不没很曾讲问要想让请]")
_WORDY = re.compile(r"\w")


def _stands_as_name(text: str, start: int, end: int) -> bool:
    """Whether the two characters at ``start`` stand as a name rather than in a word."""
    if _TITLE.match(text, end) or _CONTACT.match(text, end):
        return True
    if _INTRODUCED.search(text, max(0, start - 6), start):
        return _AFTER_NAME.match(text, end) is not None
    if start == 0 or not _WORDY.match(text, start - 1):  # a clause's first word: a name when it says something
        if _SAYS.match(text, end):
            return True
    return _WORDY.search(text, 0, start) is None and _WORDY.search(text, end) is None  # alone in its text


# A Chinese plate as staff type one into a note: a province's character, the city's letter,
# then five or six letters and digits, with a space, dot or dash anywhere between them
# (粤B12345, 粤b 12345, 粤B·12345, 粤Ｂ１２３４５ once folded to ASCII, one for one)
_TYPED_PLATE = re.compile(r"[\u4e00-\u9fff][A-Za-z](?:[ \u3000\u00b7\u30fb\u2022\u2027\u2219\u22c5-]?[0-9A-Za-z]){5,6}"
                          r"(?![0-9A-Za-z])")
_FOLD_WIDTH = str.maketrans({chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)})


class PlateFinder:
    """The customers' plates wherever free text quotes them, however they were typed, masked
    as the plate column masks them (with ``privacy.mask_plates``)."""

    def __init__(self, plates) -> None:
        self.known = frozenset(plates)

    def __call__(self, text: str) -> str:
        found = [(match.start(), match.end(), mask_plate(plate))
                 for match in _TYPED_PLATE.finditer(text.translate(_FOLD_WIDTH))
                 if (plate := canonical_plate(text[match.start():match.end()])) in self.known]
        return _replaced(text, found) if found else text


class Unmasked(str):
    """Text the free-text masking passes over: a member of staff as the site names them
    (王强 (SA01)), shown on every page; a customer of the same name, common at a large
    dealer, masked it to 王* wherever the staff member appeared."""


@dataclass(frozen=True)
class Masker:
    """The garage's privacy settings as functions the templates call; ``names``: the
    customers' full names, masked in free text too (with ``privacy.mask_names``);
    ``customers``: their names by id, for text about one of them."""

    privacy: Privacy
    names: NameFinder | None = field(default=None, compare=False)
    plates: PlateFinder | None = field(default=None, compare=False)  # with privacy.mask_plates
    customers: Mapping[str, str] = field(default_factory=dict, compare=False)

    def name(self, value: str | None) -> str:
        return mask_name(value) if self.privacy.mask_names else (value or "")

    def phone(self, value: str | None) -> str:
        return mask_phone(value) if self.privacy.mask_phones else (value or "")

    def plate(self, value: str | None) -> str:
        return mask_plate(value) if self.privacy.mask_plates else (value or "")

    def free_text(self, value: str | None, about: str | None = None) -> str:
        """Free text may quote a customer's number, name or plate: mask them there too.

        ``about``: the id of the customer the text is about (their complaint, their comment),
        whose name is masked there wherever it stands (``NameFinder``)."""
        if value is None:
            return ""
        if isinstance(value, Unmasked):
            return value
        if self.privacy.mask_phones:
            value = mask_mobiles_in_text(value)
        if self.plates is not None and self.privacy.mask_plates:
            value = self.plates(value)
        if self.names is None or not self.privacy.mask_names:
            return value
        return self.names(value, self.customers.get(about) if about else None)


# Characters a phone number is typed with; runs of them are where a number can hide.
_DIALLED = re.compile(r"[0-9+\-(). ]{7,}")
# The same in Markdown, where md_text has put a backslash before + - ( ) .
_DIALLED_ESCAPED = re.compile(r"(?:[0-9 ]|\\?[+\-().]){7,}")


def _escaped_stars(masked: str) -> str:
    return masked.replace("*", "\\*")


class PhoneSweep:
    """Every customer's number, as typed, masked wherever it appears in a page.

    Why not ``str.replace`` per customer: a large dealer has 20,000 customers
    and pages of half a megabyte, and that is seconds a page.  A number made
    only of digits, spaces and ``+-().`` can only sit inside a run of those
    characters, so each page is scanned once for such runs and only they are
    looked up; numbers typed with anything else (rare) are replaced directly.
    """

    def __init__(self, phones: list[str]) -> None:
        self.typed: dict[int, set[str]] = {}
        self.unusual: list[str] = []
        for phone in phones:
            digits = re.sub(r"\D", "", phone)
            if len(digits) < 7:
                continue  # too short to identify anyone, and too likely to match other figures
            # the digits alone too: a garage whose system numbers customers by their phone
            # shows 075588881234 as the id of the customer whose phone is 0755-88881234
            for form in {phone, digits}:
                if _DIALLED.fullmatch(form):
                    self.typed.setdefault(len(form), set()).add(form)
                else:
                    self.unusual.append(form)
        self.lengths = sorted(self.typed, reverse=True)  # longest first: a number inside a longer one

    def __call__(self, text: str) -> str:
        if self.lengths:
            text = _DIALLED_ESCAPED.sub(self._mask_escaped_run, text)
        for phone in self.unusual:
            if phone in text:
                text = text.replace(phone, _escaped_stars(mask_phone(phone)))
        return text

    def _mask_escaped_run(self, match: re.Match) -> str:
        """A run as the page has it: 0755-88881234 is 0755\\-88881234 in Markdown, which is
        not the number as typed; the run is looked up without the backslashes and, when a
        number in it was masked, escaped again."""
        run = match.group()
        if "\\" not in run:
            # (a run holds no *: every one in the result is a mask's, which two numbers in a
            # paragraph would otherwise turn into bold)
            return _escaped_stars(self._mask_run(run))
        typed = run.replace("\\", "")
        masked = self._mask_run(typed)
        if masked == typed:
            return run
        core = masked.strip(" ")  # (md_text trims; the spaces around the number stay)
        before = masked[:len(masked) - len(masked.lstrip(" "))]
        return before + md_text(core) + masked[len(before) + len(core):]

    def _mask_run(self, run: str) -> str:
        pieces, start, position = [], 0, 0
        while position < len(run):
            for length in self.lengths:
                if run[position:position + length] in self.typed[length]:
                    pieces.append(run[start:position])
                    pieces.append(mask_phone(run[position:position + length]))
                    position += length
                    start = position
                    break
            else:
                position += 1
        pieces.append(run[start:])
        return "".join(pieces)
