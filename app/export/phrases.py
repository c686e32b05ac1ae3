"""Small Vietnamese phrases the documents share (names of bodies in a sentence, people, times).

They sit beside :mod:`app.domain.text` rather than in it because they are document wording:
how a body, a petitioner or a meeting time is written inside a sentence of an exported text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from app.domain import text
from app.domain.text import upper_first

# Words after which a body's name is a place name and keeps its capitals ("xã Lương Phong").
_LEVEL_WORDS = ("xã", "phường", "thị trấn", "đặc khu", "tỉnh", "thành phố", "huyện", "quận", "thị xã")
_VOWELS = set("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")
_HAMLET_WORDS = ("thôn", "tổ dân phố", "xóm", "bản", "ấp", "khu phố", "khu", "buôn", "làng", "tổ")


def _is_acronym(word: str) -> bool:
    """``UBND``, ``HĐND``, ``MTTQ``: upper-case words with no vowel keep their capitals."""
    if len(word) < 2 or not word.isupper():
        return False
    return not any(ch in _VOWELS for ch in text.search_key(word).upper())


def body_name_in_text(name: str) -> str:
    """How an upper-case body name reads inside a sentence.

    ``ỦY BAN NHÂN DÂN\\nXÃ LƯƠNG PHONG`` → ``Ủy ban nhân dân xã Lương Phong``. Words after the
    administrative level (xã, phường, tỉnh …) are a place name and get capitals; acronyms stay.
    """
    words = text.clean(text.word_safe(name).replace("\n", " ")).split()
    if not words:
        return ""
    if not any(w.isupper() for w in words if len(w) > 1):
        return " ".join(words)  # already typed in sentence case
    out: list[str] = []
    in_place_name = False
    lower_words = [w.lower() for w in words]
    i = 0
    while i < len(words):
        word = words[i]
        if _is_acronym(word):
            out.append(word)
            i += 1
            continue
        if in_place_name:
            out.append(word[:1].upper() + word[1:].lower())
            i += 1
            continue
        matched = next(
            (lvl for lvl in _LEVEL_WORDS if lower_words[i : i + len(lvl.split())] == lvl.split()), None
        )
        if matched is not None:
            out.extend(matched.split())
            i += len(matched.split())
            in_place_name = True
            continue
        out.append(word.lower())
        i += 1
    return upper_first(" ".join(out))


def level_of(name: str) -> str:
    """The administrative level in a body's name: ``xã`` from ``ỦY BAN NHÂN DÂN\nXÃ LƯƠNG PHONG``.

    Longer levels first ("thị xã" before "xã", "thành phố" before "phố"); empty when none is named.
    """
    words = text.clean(text.word_safe(name).replace("\n", " ")).lower().split()
    for i in range(len(words)):
        for level in sorted(_LEVEL_WORDS, key=lambda lvl: -len(lvl.split())):
            if words[i : i + len(level.split())] == level.split():
                return level
    return ""


def short_body_in_text(name_in_text: str) -> str:
    """``Ủy ban nhân dân xã`` from ``Ủy ban nhân dân xã Lương Phong``: the body named again.

    A sentence names the body in full once; after that, published documents drop the place name.
    """
    words = name_in_text.split()
    lower = [w.lower() for w in words]
    for i in range(len(words)):
        for level in sorted(_LEVEL_WORDS, key=lambda lvl: -len(lvl.split())):
            size = len(level.split())
            if lower[i : i + size] == level.split() and i + size < len(words):
                return " ".join(words[: i + size])
    return name_in_text


def in_sentence_title(title: str) -> str:
    """A meeting's name inside a sentence: ``Hội nghị …`` keeps its capital (a named event);
    ``Tiếp xúc, đối thoại …`` becomes ``buổi tiếp xúc, đối thoại …``, never ``Dự Tiếp xúc``."""
    title = text.clean(title)
    if not title or text.search_key(title).startswith("hoi nghi"):
        return title
    return "buổi " + lower_first(title) if title[:1].isupper() else title


def lower_first(value: str) -> str:
    """The first letter lower case unless the first word is an acronym or a name (``GPMB``)."""
    value = value.strip()
    if not value:
        return value
    first = value.split()[0]
    if _is_acronym(first) or (len(first) > 1 and first[1:2].isupper()):
        return value
    return value[:1].lower() + value[1:]


def hamlet_phrase(hamlet: str) -> str:
    """``thôn Đông`` from ``Đông`` or ``Thôn Đông``; ``tổ dân phố 3`` stays as it is."""
    name = text.clean(hamlet)
    if not name:
        return ""
    key = name.lower()
    for word in _HAMLET_WORDS:
        if key.startswith(word + " "):
            return word + name[len(word) :]
    return f"thôn {name}"


def time_phrase(moment: datetime | None) -> str:
    """``08 giờ 30 phút`` (blank for a draft)."""
    if moment is None:
        return "…… giờ …… phút"
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút"


def clock(moment: datetime | None) -> str:
    """``08 giờ 30`` for timestamps of the minutes."""
    if moment is None:
        return ""
    return f"{moment.hour:02d} giờ {moment.minute:02d}"


def join_list(items: Sequence[str]) -> str:
    """``A, B và C``."""
    kept = [text.clean(i) for i in items if text.clean(i)]
    if len(kept) <= 1:
        return "".join(kept)
    return ", ".join(kept[:-1]) + " và " + kept[-1]


def document_reference(kind_label: str, number: int | None, symbol: str, issued_on: date | None) -> str:
    """``Kế hoạch số 12/KH-UBND ngày 05 tháng 01 năm 2026`` (without a number: ``Kế hoạch``)."""
    parts = [kind_label]
    if number is not None:
        parts.append(f"số {text.document_number(number)}/{text.clean(symbol)}")
    if issued_on is not None:
        parts.append(text.date_phrase(issued_on))
    return " ".join(parts)


_SPACES = re.compile(r"[ \t]+")
_SPACE_BEFORE_PUNCT = re.compile(r" +([,.;:)])")


def tidy(value: str) -> str:
    """Collapse the double spaces that empty placeholders leave, and spaces before punctuation."""
    lines = []
    for line in value.split("\n"):
        line = _SPACE_BEFORE_PUNCT.sub(r"\1", _SPACES.sub(" ", line)).strip()
        line = line.replace(",,", ",").replace(", ,", ",")
        lines.append(upper_first(line))
    return "\n".join(lines)
