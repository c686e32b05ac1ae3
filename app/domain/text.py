"""Vietnamese text: the one module that normalises, folds, sorts and phrases it.

Rules from DOMAIN.md §4:
- every string is stored NFC (the Windows keyboard and PDF pastes give combining marks);
- search keys ignore case, tones, vowel marks and fold đ→d (đ has no decomposition);
- sorting follows the Vietnamese alphabet and CLDR tone order, not code points;
- dates follow Nghị định 30/2020 (pad the day below 10 and only months 1 and 2).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time
from functools import lru_cache

# --- normalisation -------------------------------------------------------------------------

# Characters Word refuses inside w:t: C0 controls except tab/newline/CR, and lone surrogates.
_WORD_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def nfc(value: str | None) -> str:
    """The NFC form of ``value`` (``None`` becomes an empty string)."""
    if not value:
        return ""
    return unicodedata.normalize("NFC", value)


def clean(value: str | None) -> str:
    """NFC with surrounding blanks removed: what every text field stores."""
    return nfc(value).strip()


def clean_optional(value: str | None) -> str | None:
    """Like :func:`clean`, but an empty result is ``None`` (for nullable columns)."""
    cleaned = clean(value)
    return cleaned or None


def word_safe(value: str | None) -> str:
    """Text that Word accepts: NFC, forbidden control characters dropped.

    A vertical tab (``\\x0b``, Word's own manual line break when copy-pasted) becomes a newline
    and a NUL a space rather than vanishing, so words on either side stay apart.
    """
    text = nfc(value).replace("\x0b", "\n").replace("\x0c", "\n").replace("\x00", " ")
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return _WORD_FORBIDDEN.sub("", text)


PROPERTY_LIMIT = 255  # a .docx core property (title, author) holds at most this many characters
# Refused on input: C0 controls other than tab, newline, CR and the page/line breaks that Word
# pastes (\x0b, \x0c: kept, made line breaks on export), DEL-free otherwise; lone surrogates
# (they cannot be encoded, so a commit would fail) and the non-characters U+FFFE/U+FFFF.
_INPUT_FORBIDDEN = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class TextRefused(ValueError):
    """A text that cannot be stored; ``what`` says why in Vietnamese."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def checked(value: str) -> str:
    """The NFC form of text entering the program; TextRefused for characters no file can hold."""
    found = _INPUT_FORBIDDEN.search(value)
    if found:
        char = found.group()
        if "\ud800" <= char <= "\udfff":
            raise TextRefused(
                "có một ký tự hỏng (nửa cặp UTF-16), thường do dán từ tệp lỗi; hãy gõ lại đoạn đó"
            )
        raise TextRefused(
            f"có ký tự điều khiển không hiển thị được (mã U+{ord(char):04X}); hãy xóa rồi gõ lại"
        )
    return unicodedata.normalize("NFC", value)


def property_text(value: str | None, limit: int = PROPERTY_LIMIT) -> str:
    """Word-safe text cut to ``limit`` characters, with … when cut (document properties only)."""
    text = " ".join(word_safe(value).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- folding for search ----------------------------------------------------------------------

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})
_SPACES = re.compile(r"\s+")
_TABLE_LIMIT = 1 << 16  # characters remembered per table (text is Vietnamese: a few hundred)


class _CharTable(dict[int, str]):
    """A ``str.translate`` table that computes a character's mapping on first sight.

    Keys of whole texts are then one C loop over the text instead of Python per character:
    the stored keys of 100 000 petitions, and every autosave of the live minutes, make them.
    """

    def __init__(self, mapping: Callable[[str], str]) -> None:
        super().__init__()
        self._mapping = mapping

    def __missing__(self, code: int) -> str:
        value = self._mapping(chr(code))
        if len(self) < _TABLE_LIMIT:
            self[code] = value
        return value


def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", ch)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(_FOLD_EXTRA).casefold()


# Per character is the same as per text: NFD decomposes each character on its own (its
# reordering only moves combining marks, which are all removed), and casefold has no context.
_FOLD_TABLE = _CharTable(_fold_char)


def search_key(value: str | None) -> str:
    """An accent- and case-insensitive key: casefold(remove marks(NFD(s))) plus đ→d.

    "hòa" and "hoà", "Đặng" and "dang" all give the same key; blanks collapse to one space.
    """
    folded = (value or "").translate(_FOLD_TABLE)
    return _SPACES.sub(" ", folded).strip()


def search_words(value: str | None) -> list[str]:
    """The folded words of ``value``, punctuation dropped (for similarity and FTS queries)."""
    return re.findall(r"\w+", search_key(value))


# --- collation -------------------------------------------------------------------------------

_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
# Letters outside the Vietnamese alphabet (f, j, w, z in foreign names) slot in after their
# Latin neighbour so they still sort sensibly.
_FOREIGN_RANK = {
    "f": _LETTER_RANK["e"] + 0.5,
    "j": _LETTER_RANK["i"] + 0.5,
    "w": _LETTER_RANK["v"] + 0.5,
    "z": _LETTER_RANK["y"] + 0.5,
}
# Vowel-shape marks that make a separate letter: ă â ê ô ơ ư.
_SHAPE_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
_SHAPED = {
    ("a", "breve"): "ă",
    ("a", "circumflex"): "â",
    ("e", "circumflex"): "ê",
    ("o", "circumflex"): "ô",
    ("o", "horn"): "ơ",
    ("u", "horn"): "ư",
}
# CLDR tone order: none < huyền < hỏi < ngã < sắc < nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

CollationKey = tuple[tuple[float, ...], tuple[int, ...], tuple[int, ...]]


@lru_cache(maxsize=8192)
def _letter_weights(ch: str) -> tuple[float, int, int]:
    """(primary, tone, case) weights of one precomposed character."""
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    case = 1 if base.isupper() else 0
    lower = base.lower()
    tone = 0
    shape = None
    for mark in marks:
        if mark in _TONE_RANK:
            tone = _TONE_RANK[mark]
        elif mark in _SHAPE_MARKS:
            shape = _SHAPE_MARKS[mark]
    letter = _SHAPED.get((lower, shape), lower) if shape else lower
    if letter in _LETTER_RANK:
        return 100 + _LETTER_RANK[letter], tone, case
    if letter in _FOREIGN_RANK:
        return 100 + _FOREIGN_RANK[letter], tone, case
    if letter.isdigit():
        return 50 + int(letter) if letter in "0123456789" else 60, 0, 0
    if letter.isspace():
        return 0, 0, 0
    if letter.isalpha():
        return 200 + ord(letter), tone, case
    return 10, 0, 0  # punctuation sorts before letters and digits


def sort_key(value: str | None) -> CollationKey:
    """A key that sorts Vietnamese text in dictionary order (CLDR ``vi``).

    Letters compare first (a < ă < â … đ after d), then tones letter by letter, then case
    (lower before upper), which is what ``sorted()`` with ``key=sort_key`` needs.
    """
    text = unicodedata.normalize("NFC", value or "").strip()
    weights = [_letter_weights(ch) for ch in text]
    return (tuple(w[0] for w in weights), tuple(w[1] for w in weights), tuple(w[2] for w in weights))


def person_sort_key(full_name: str | None) -> tuple[CollationKey, CollationKey, CollationKey]:
    """Sort people as Vietnamese lists do: by tên (last word), then đệm, then họ."""
    words = clean(full_name).split()
    if not words:
        return sort_key(""), sort_key(""), sort_key("")
    given = words[-1]
    middle = " ".join(words[1:-1])
    family = words[0] if len(words) > 1 else ""
    return sort_key(given), sort_key(middle), sort_key(family)


# Stored collation keys: the same order as sort_key, as a string that SQLite's BINARY collation
# (memcmp of UTF-8, i.e. code point order) compares correctly, so ORDER BY on an indexed column
# gives Vietnamese order. Each letter weight becomes one code point (ASCII for the Vietnamese
# alphabet, digits, blanks and punctuation); the three levels (letters, tones, case) are joined by
# U+0002, lower than any weight, so a shorter text sorts first exactly as a shorter tuple does;
# the parts of a person's name are joined by U+0001. Tone and case levels drop their trailing
# zeros: when the letters are equal both texts have the same length, so nothing is lost.
_LEVEL_SEPARATOR = "\x02"
_PART_SEPARATOR = "\x01"
_FOREIGN_BASE = 0x1000  # letters outside the table: after every table weight, by code point


def _weight_char(weight: float) -> str:
    if weight >= 200:
        code = _FOREIGN_BASE + int(weight) - 200
        if code >= 0xD800:  # step over the surrogates, which UTF-8 cannot hold
            code = min(code + 0x800, 0x10FFFF)
        return chr(code)
    if weight >= 100:  # the alphabet, with half steps for f, j, w, z: U+0030..U+0069
        return chr(0x30 + int((weight - 100) * 2))
    if weight >= 50:  # digits: U+0023..U+002D
        return chr(0x23 + int(weight - 50))
    return "\x22" if weight else "\x21"  # punctuation, then blanks first


def _level(values: tuple[int, ...]) -> str:
    return "".join(chr(0x30 + v) for v in values).rstrip("0")


def _encode(key: CollationKey) -> str:
    primary, tones, cases = key
    return _LEVEL_SEPARATOR.join(["".join(_weight_char(w) for w in primary), _level(tones), _level(cases)])


# _encode(sort_key(text)) one level at a time, each level one str.translate over the text: a
# character's three weights do not depend on its neighbours (_letter_weights).
_PRIMARY_TABLE = _CharTable(lambda ch: _weight_char(_letter_weights(ch)[0]))
_TONE_TABLE = _CharTable(lambda ch: chr(0x30 + _letter_weights(ch)[1]))
_CASE_TABLE = _CharTable(lambda ch: chr(0x30 + _letter_weights(ch)[2]))


def _encoded(value: str) -> str:
    """``_encode(sort_key(value))``."""
    text = unicodedata.normalize("NFC", value).strip()  # as sort_key does
    return _LEVEL_SEPARATOR.join(
        [
            text.translate(_PRIMARY_TABLE),
            text.translate(_TONE_TABLE).rstrip("0"),
            text.translate(_CASE_TABLE).rstrip("0"),
        ]
    )


def collation_key(value: str | None, *, length: int | None = None) -> str:
    """:func:`sort_key` as a string for a stored, indexed sort column (``ORDER BY`` under BINARY).

    ``collation_key(a) < collation_key(b)`` exactly when ``sort_key(a) < sort_key(b)``.
    ``length`` keys only the first characters (long contents: the order of their openings).
    """
    text = unicodedata.normalize("NFC", value or "").strip()
    if length is not None:
        text = text[:length]
    return _encoded(text)


def person_collation_key(full_name: str | None) -> str:
    """:func:`person_sort_key` as a string: tên, then đệm, then họ."""
    words = clean(full_name).split()
    if not words:
        return _PART_SEPARATOR.join(_encoded("") for _ in range(3))
    parts = (words[-1], " ".join(words[1:-1]), words[0] if len(words) > 1 else "")
    return _PART_SEPARATOR.join(_encoded(part) for part in parts)


PETITION_CONTENT_KEY_LENGTH = 80  # a petition's content sorts by its opening words


GROUP_PETITIONER = "Nhóm công dân"
ANONYMOUS_PETITIONER = "Ẩn danh"


def petitioner_label(name: str, is_anonymous: bool, is_group: bool = False) -> str:
    """Who raised a petition, as every list, sheet and search hit shows it (and sorts by it).

    A group is often entered with its organisation only and no person's name.
    """
    if name:
        return name
    if is_group:
        return GROUP_PETITIONER
    return ANONYMOUS_PETITIONER if is_anonymous else ""


# --- phrases for documents ----------------------------------------------------------------------


def two_digits_day(day: int) -> str:
    return f"{day:02d}"


def month_text(month: int) -> str:
    """Nghị định 30 pads only the months 1 and 2 ("01", "02"); 3–12 stay as they are."""
    return f"{month:02d}" if month < 3 else str(month)


def date_phrase(value: date | None, *, year: int | None = None) -> str:
    """``ngày 05 tháng 01 năm 2026``; with no date, the draft form ``ngày    tháng    năm 2026``."""
    if value is None:
        shown_year = year if year is not None else date.today().year
        return f"ngày    tháng    năm {shown_year}"
    return f"ngày {two_digits_day(value.day)} tháng {month_text(value.month)} năm {value.year}"


def place_date_line(place: str, value: date | None, *, year: int | None = None) -> str:
    """``Lương Phong, ngày 18 tháng 3 năm 2024`` as printed under the tiêu ngữ."""
    return f"{clean(place)}, {date_phrase(value, year=year)}"


def clock_time(value: datetime | time, *, seconds: bool = False) -> str:
    """``08:05``, or ``08:05:09`` with seconds.

    Not ``strftime``: it imports the ``time`` module at each call, and under PySide6 every import
    goes through shiboken's hook, 8× slower; lists format hundreds of these on each paint.
    """
    if seconds:
        return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    return f"{value.hour:02d}:{value.minute:02d}"


def short_date(value: date | None) -> str:
    """``05/3/2026``: the compact form used in tables and in the interface."""
    if value is None:
        return ""
    return f"{value.day:02d}/{month_text(value.month)}/{value.year}"


def document_number(number: int | None) -> str:
    """The running number of a document: leading zero below 10; blank gap when not yet given."""
    if number is None:
        return "     "
    return f"{number:02d}"


def number_line(number: int | None, symbol: str) -> str:
    """``Số: 05/TB-UBND`` or, before the văn thư numbers it, ``Số:      /TB-UBND``."""
    return f"Số: {document_number(number)}/{clean(symbol)}"


def days_phrase(days_left: int) -> str:
    """``còn 3 ngày``, ``đến hạn hôm nay`` or ``quá hạn 12 ngày``."""
    if days_left > 0:
        return f"còn {days_left} ngày"
    if days_left == 0:
        return "đến hạn hôm nay"
    return f"quá hạn {-days_left} ngày"


_ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(number: int) -> str:
    """Roman numerals for section headings (I., II., …) and quarters (Quý IV)."""
    out = []
    for value, letters in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


# Vietnamese order of sub-item letters: a) b) c) d) đ) e) g) h) i) k) …
SUB_ITEM_LETTERS = [
    "a",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "g",
    "h",
    "i",
    "k",
    "l",
    "m",
    "n",
    "o",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "v",
    "x",
    "y",
]


def sub_item_label(index: int) -> str:
    """The label of the ``index``-th (0-based) sub-item: ``a)``, …, ``đ)``, ``e)``."""
    if index < len(SUB_ITEM_LETTERS):
        return f"{SUB_ITEM_LETTERS[index]})"
    return f"{SUB_ITEM_LETTERS[index % len(SUB_ITEM_LETTERS)]}{index // len(SUB_ITEM_LETTERS) + 1})"


_CAPITALISED_PHRASES = [
    (re.compile(r"\bnhân dân\b"), "Nhân dân"),
    (re.compile(r"\bnhà nước\b"), "Nhà nước"),
]


def capitalise_fixed_terms(value: str) -> str:
    """Write ``Nhân dân`` and ``Nhà nước`` with capitals, as the decree's style requires.

    Only the all-lowercase spelling is rewritten, so "ủy ban nhân dân" (a body's name) stays as typed
    when it is part of an upper-case or proper name; callers pass body text, not names.
    """
    text = nfc(value)
    # Names of bodies keep their own case: "Ủy ban nhân dân" is a proper name.
    protected = re.compile(r"(?i)(ủy ban|uỷ ban|hội đồng) nhân dân")
    parts: list[str] = []
    last = 0
    for match in protected.finditer(text):
        parts.append(_capitalise_plain(text[last : match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(_capitalise_plain(text[last:]))
    return "".join(parts)


def _capitalise_plain(text: str) -> str:
    for pattern, replacement in _CAPITALISED_PHRASES:
        text = pattern.sub(replacement, text)
    return text


def slug(value: str) -> str:
    """An ASCII file-name part: ``Thông báo kết luận`` → ``thong-bao-ket-luan``."""
    return re.sub(r"[^a-z0-9]+", "-", search_key(value)).strip("-")


_BODY_ABBREVIATIONS = (
    ("ỦY BAN NHÂN DÂN", "UBND"),
    ("UỶ BAN NHÂN DÂN", "UBND"),
    ("HỘI ĐỒNG NHÂN DÂN", "HĐND"),
    ("ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM", "UBMTTQ Việt Nam"),
)
_UNIT_WORDS = ("xã", "phường", "thị trấn", "đặc khu", "thành phố", "huyện", "tỉnh", "thị xã", "quận")


def upper_first(value: str) -> str:
    """``đã trả lời`` → ``Đã trả lời``: the first letter upper case, the rest as typed."""
    value = value.lstrip()
    return value[:1].upper() + value[1:]


def title_case(value: str) -> str:
    """``LƯƠNG PHONG`` → ``Lương Phong`` (each word capitalised, NFC kept)."""
    return " ".join(word[:1].upper() + word[1:].lower() for word in clean(value).split())


def short_body_name(name: str) -> str:
    """``UBND xã Lương Phong`` from ``ỦY BAN NHÂN DÂN XÃ LƯƠNG PHONG`` (for titles in running text)."""
    text = " ".join(clean(name).split())
    upper = text.upper()
    for long, short in _BODY_ABBREVIATIONS:
        if upper.startswith(long):
            rest = title_case(text[len(long) :])
            for unit in _UNIT_WORDS:
                if rest.lower().startswith(unit + " "):
                    rest = unit + rest[len(unit) :]
                    break
            return f"{short} {rest}".strip()
    return text


def duration_phrase(days: int) -> str:
    """How long a matter has lasted: ``12 ngày``, ``5 tháng``, ``2 năm 3 tháng`` (months of 30 days)."""
    days = max(days, 0)
    if days < 60:
        return f"{days} ngày"
    years, rest = divmod(days, 365)
    months = rest // 30
    if not years:
        return f"{months} tháng"
    return f"{years} năm {months} tháng" if months else f"{years} năm"


# --- people in documents -------------------------------------------------------------------------


class AddressForm(enum.StrEnum):
    """How a petitioner is addressed in a document: Ông, Bà, or by name only.

    ``NONE`` is for a group, an organisation or an anonymous person: "Ông/bà" is never printed.
    """

    MR = "ong"
    MRS = "ba"
    NONE = "none"

    @property
    def label(self) -> str:
        return {"ong": "Ông", "ba": "Bà", "none": ""}[self.value]

    @property
    def pronoun(self) -> str:
        """The third-person word a summary uses for the petitioner (``ông``, ``bà``)."""
        return {"ong": "ông", "ba": "bà", "none": ""}[self.value]


# A name that begins with one of these words names a group or a body, not a person.
# Compared in lower case with tones: "Tô Văn Ba" and "Đoàn Văn Hậu" are people.
_GROUP_WORDS = (
    "nhóm", "các hộ", "hộ kinh doanh", "tập thể", "hợp tác xã", "htx", "công ty", "doanh nghiệp",
    "ban", "chi hội", "hội", "tổ dân phố", "tổ hợp tác", "đoàn thanh niên", "chi bộ", "đại diện",
    "cộng đồng", "thôn", "ủy ban", "uỷ ban", "ubnd", "mặt trận", "nhân dân", "bà con", "cử tri",
    "một công dân", "một nhóm", "một hộ", "người dân", "công dân",
)  # fmt: skip
_TYPED_TITLE = re.compile(r"^(ông|bà|cụ ông|cụ bà)\s+", re.IGNORECASE)


def names_a_group(name: str | None) -> bool:
    """``Nhóm hộ kinh doanh chợ xã``, ``Hội Nông dân thôn Đông``: not one person."""
    key = " ".join(clean(name).lower().split())
    return any(key == w or key.startswith(w + " ") for w in _GROUP_WORDS)


def suggest_address_form(
    name: str | None, *, is_group: bool = False, is_anonymous: bool = False
) -> AddressForm:
    """The form of address a name suggests: ``Thị`` as a middle name (or a typed ``Bà``) → Bà.

    A group, an organisation, an anonymous person or a blank name get none. Only a suggestion:
    the secretary changes it with one key in the live minutes.
    """
    cleaned = clean(name)
    if is_group or is_anonymous or not cleaned or names_a_group(cleaned):
        return AddressForm.NONE
    typed = _TYPED_TITLE.match(cleaned)
    if typed:
        return AddressForm.MRS if search_key(typed.group(1)).endswith("ba") else AddressForm.MR
    words = [search_key(w) for w in cleaned.split()]
    if "thi" in words[1:-1] or (len(words) == 2 and words[1] == "thi"):
        return AddressForm.MRS
    return AddressForm.MR


def without_typed_title(name: str | None) -> str:
    """``Lê Văn Hùng`` from ``ông Lê Văn Hùng``: the form of address is printed by the document."""
    cleaned = clean(name)
    return (
        _TYPED_TITLE.sub("", cleaned) if _TYPED_TITLE.match(cleaned) and len(cleaned.split()) > 2 else cleaned
    )


# First-person openings a citizen's words start with, and how a summary says them.
_FIRST_PERSON = re.compile(
    r"\b(chúng tôi|chúng em|chúng cháu|tôi|em|cháu|mình)\b(?!\s+(?:trai|gái)\b)", re.IGNORECASE
)
_OWN_PRONOUNS = {"tôi", "chúng tôi", "mình"}


def third_person(value: str | None, pronoun: str) -> str:
    """A citizen's words rewritten in the third person for a Thông báo.

    ``Gia đình tôi bị …`` → ``Gia đình ông bị …``; ``Mẹ tôi 82 tuổi`` → ``Mẹ bà 82 tuổi``;
    ``Tôi đề nghị …`` → ``Ông đề nghị …``. Only ``tôi``/``chúng tôi``/``mình`` are rewritten
    everywhere; ``em``/``cháu`` only at the very start, where they cannot be a relative.
    """
    cleaned = clean(value)
    if not cleaned:
        return cleaned
    pronoun = pronoun or "công dân"

    def swap(match: re.Match[str]) -> str:
        word = match.group(1)
        key = word.lower()
        if key not in _OWN_PRONOUNS and match.start() != 0:
            return word
        if key.startswith("chúng") and pronoun in ("ông", "bà"):
            replacement = "gia đình " + pronoun if match.start() else pronoun
        else:
            replacement = pronoun
        return (
            upper_first(replacement)
            if word[:1].isupper() and _sentence_start(cleaned, match.start())
            else replacement
        )

    return upper_first(_FIRST_PERSON.sub(swap, cleaned))


def _sentence_start(value: str, index: int) -> bool:
    before = value[:index].rstrip()
    return not before or before[-1] in ".!?:"
