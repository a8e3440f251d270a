"""A licence plate's one written form, which the model holds and every comparison uses.

Staff type the same car as 粤B12345, 粤b 12345, 粤B·12345 (as the plate itself shows it)
or 粤Ｂ１２３４５ (a Chinese input method's full-width letters and digits).  The canonical
form is the plate read through NFKC (full-width to ASCII), with letters upper-case and
spaces, middle dots and hyphens removed: so a visit finds its vehicle, a sales survey
its purchase, and a car listed under two customers is one car, however each was typed.
Nothing else is judged: a foreign or temporary plate is a plate too.
"""

from __future__ import annotations

import re
import unicodedata

# Already canonical: upper-case ASCII letters, digits and Chinese characters (the CJK
# unified ideographs are their own NFKC form) and nothing else.  Nearly every plate of a
# garage's records is written so, and is taken after this one check.
CANONICAL_PLATE = re.compile(r"[0-9A-Z\u4e00-\u9fff]+")
# What separates a plate's parts as people type them: spaces of any width, hyphens and
# dashes, and the middle dots of Chinese and Japanese input methods (·・•‧∙⋅).
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u00b7\u30fb\u2022\u2027\u2219\u22c5]+")


def canonical_plate(text: str) -> str:
    """粤b 12345, 粤B·12345, 粤Ｂ１２３４５ -> 粤B12345; "" when it holds only separators."""
    if CANONICAL_PLATE.fullmatch(text):
        return text
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
