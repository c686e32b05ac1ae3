"""The Vietnamese text module: NFC, folding, collation, date phrases, numbers."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import text


def test_nfc_turns_windows_keyboard_input_into_precomposed_text() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hòa")
    assert decomposed != "Nguyễn Thị Hòa"
    assert text.nfc(decomposed) == "Nguyễn Thị Hòa"
    assert text.clean("  " + decomposed + "\n") == "Nguyễn Thị Hòa"


def test_old_and_new_tone_placement_are_kept_but_search_alike() -> None:
    assert text.nfc("hoà") != text.nfc("hòa")  # both NFC, both kept as typed
    assert text.search_key("hoà") == text.search_key("hòa") == "hoa"


@pytest.mark.parametrize(
    ("typed", "key"),
    [("Đặng Văn Lợi", "dang van loi"), ("ĐƯỜNG  LÀNG", "duong lang"), ("Quý IV", "quy iv"), ("", "")],
)
def test_search_key_folds_case_marks_and_d_with_stroke(typed: str, key: str) -> None:
    assert text.search_key(typed) == key
    assert text.search_key(unicodedata.normalize("NFD", typed)) == key


def test_vietnamese_collation_order() -> None:
    expected = ["Anh", "Ánh", "Ăn", "Ấn", "Bình", "Dũng", "Đào"]
    shuffled = ["Đào", "Ấn", "Bình", "Anh", "Dũng", "Ăn", "Ánh"]
    assert sorted(shuffled, key=text.sort_key) == expected
    # Python's own order is wrong, which is why the module exists.
    assert sorted(shuffled) != expected


def test_tone_order_follows_cldr() -> None:
    tones = ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert sorted(reversed(tones), key=text.sort_key) == tones


def test_people_sort_by_given_name_then_middle_then_family() -> None:
    people = ["Trần Văn Bình", "Nguyễn Thị Anh", "Lê Văn Anh", "Đặng Thị Ánh"]
    assert sorted(people, key=text.person_sort_key) == [
        "Nguyễn Thị Anh",
        "Lê Văn Anh",
        "Đặng Thị Ánh",
        "Trần Văn Bình",
    ]


@pytest.mark.parametrize(
    ("day", "phrase"),
    [
        (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (date(2024, 3, 18), "ngày 18 tháng 3 năm 2024"),
        (date(2026, 12, 9), "ngày 09 tháng 12 năm 2026"),
    ],
)
def test_date_phrase_pads_day_and_only_months_one_and_two(day: date, phrase: str) -> None:
    assert text.date_phrase(day) == phrase


def test_draft_date_and_place_line() -> None:
    assert text.date_phrase(None, year=2026) == "ngày    tháng    năm 2026"
    assert text.place_date_line("Lương Phong", date(2024, 3, 18)) == "Lương Phong, ngày 18 tháng 3 năm 2024"


def test_document_number_has_leading_zero_or_gap() -> None:
    assert text.number_line(5, "TB-UBND") == "Số: 05/TB-UBND"
    assert text.number_line(123, "KH-HĐND") == "Số: 123/KH-HĐND"
    assert text.number_line(None, "TB-UBND") == "Số:      /TB-UBND"


def test_word_safe_removes_what_word_forbids() -> None:
    assert text.word_safe("a\x00b\x0bc\x07d") == "a b\ncd"
    assert text.word_safe("x\ud800y") == "x\ufffdy"


def test_sub_item_letters_follow_vietnamese_order() -> None:
    assert [text.sub_item_label(i) for i in range(6)] == ["a)", "b)", "c)", "d)", "đ)", "e)"]


def test_fixed_terms_are_capitalised_but_body_names_kept() -> None:
    assert text.capitalise_fixed_terms("lắng nghe nhân dân và nhà nước") == "lắng nghe Nhân dân và Nhà nước"
    assert text.capitalise_fixed_terms("Ủy ban nhân dân xã") == "Ủy ban nhân dân xã"


def test_short_body_name() -> None:
    assert text.short_body_name("ỦY BAN NHÂN DÂN\nXÃ LƯƠNG PHONG") == "UBND xã Lương Phong"
    assert text.slug("Thông báo kết luận") == "thong-bao-ket-luan"


def test_stored_collation_keys_order_like_sort_key() -> None:
    import random

    from app.domain.text import collation_key, person_collation_key, person_sort_key, sort_key

    rng = random.Random(5)
    letters = "aăâbcdđeêghiklmnoôơpqrstuưvxyfjwzAĂĐÊÔƠƯ 09.,-áàảãạấầẩẫậềểễếệóòỏõọớờởỡợúùủũụứừửữựỳý€ß漢"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(0, 7))) for _ in range(800)]
    names = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 4))) for _ in range(800)]
    assert [sort_key(w) for w in sorted(words, key=collation_key)] == sorted(map(sort_key, words))
    assert [person_sort_key(n) for n in sorted(names, key=person_collation_key)] == sorted(
        map(person_sort_key, names)
    )
    for _ in range(5000):
        a, b = rng.choice(words), rng.choice(words)
        assert (collation_key(a) < collation_key(b)) == (sort_key(a) < sort_key(b))
    # Compact: one code point per letter, ASCII for the Vietnamese alphabet.
    assert collation_key("Đặng").isascii() and len(collation_key("ăn")) == 4  # 2 letters, 2 separators


_VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyfjwzAĂĐÊÔƠƯ 09.,-áàảãạấầẩẫậềểễếệóòỏõọớờởỡợúùủũụứừửữựỳýđð€ßİﬁ漢\t\n"
)
_MIXED = st.text(st.sampled_from(_VIETNAMESE), max_size=90) | st.text(max_size=40)


@settings(max_examples=400, deadline=None)
@given(value=_MIXED, length=st.none() | st.integers(0, 90))
def test_keys_are_what_their_definitions_say(value: str, length: int | None) -> None:
    """The keys are computed a character table at a time; they equal their definitions, written
    here character by character, for any text (decomposed input and foreign scripts included)."""
    for typed in (value, unicodedata.normalize("NFD", value)):
        decomposed = unicodedata.normalize("NFD", typed)
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        folded = stripped.translate(str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})).casefold()
        assert text.search_key(typed) == re.sub(r"\s+", " ", folded).strip()
        cut = unicodedata.normalize("NFC", typed).strip()
        cut = cut if length is None else cut[:length]
        assert text.collation_key(typed, length=length) == text._encode(text.sort_key(cut))
        assert text.person_collation_key(typed) == "\x01".join(
            text._encode(part) for part in text.person_sort_key(typed)
        )
