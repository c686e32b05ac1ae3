"""The public version of a document: no personal data of citizens anywhere on the page.

Basis: Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 and Nghị định 356/2025/NĐ-CP (in force since
1 January 2026). A Thông báo kết luận or Báo cáo posted at the commune seat or read on the loa
truyền thanh names no citizen, prints no phone, address or ID number — neither in the petitioner
fields nor inside free text (an opinion, an answer, a task, a conclusion). Names of the dialogue's
petitioners are found tone- and case-insensitively through :func:`app.domain.text.search_key`;
phones and 9/12-digit ID numbers by their shape. A denunciation (tố cáo) keeps nothing that
points to the person, not even the thôn (Luật Tố cáo protects the denouncer).

:func:`public_dialogue` returns the cleaned data and the list of every replacement, so the
export dialog can show the văn thư what was changed before the file is written.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from app.domain import text
from app.domain.rules import PetitionKind
from app.export import phrases
from app.export.data import DialogueData, PetitionData

PHONE_HIDDEN = "(số điện thoại đã lược bỏ)"
ID_HIDDEN = "(số định danh đã lược bỏ)"
ADDRESS_HIDDEN = "(địa chỉ đã lược bỏ)"

_PHONE = re.compile(r"(?<![\d.,])(?:\+84[\s.\-]?|0)\d(?:[\s.\-]?\d){8,9}(?![\d])")
_ID_NUMBER = re.compile(r"(?<![\d.,])(?:\d{12}|\d{9})(?![\d])")
_DIGIT_RUN = re.compile(r"(?<![\d.,])\+?\d(?:[\s.\-]?\d){7,12}(?![\d])")
_HOUSE_NUMBER = re.compile(r"(?i)\bsố nhà\s*\d+[\w/]*")
_WORD = re.compile(r"\w+")
# A text's words fold through one cache: the same few hundred words recur across opinions.
_fold = lru_cache(maxsize=16384)(text.search_key)

# Words before a name that go with it ("hộ ông Lê Văn Hùng"), folded; the longest first.
_HOUSEHOLD_LEADS = (("ho", "gia", "dinh"), ("gia", "dinh", "ong"), ("gia", "dinh", "ba"), ("ho", "ong"),
                    ("ho", "ba"), ("gia", "dinh"), ("ho",))  # fmt: skip
_PERSON_LEADS = (("cong", "dan"), ("cu", "ong"), ("cu", "ba"), ("ong",), ("ba",), ("anh",), ("chi",),
                 ("cu",), ("em",), ("chau",))  # fmt: skip


@dataclass(frozen=True)
class Replacement:
    """One change the public version makes: where, what was there, what is printed instead."""

    where: str
    found: str
    replaced_by: str


def public_person(p: PetitionData) -> str:
    """Who raised a petition, in a public version: ``Một công dân thôn Đông``.

    A group is ``Một nhóm công dân thôn …``; a denunciation is only ``Một công dân``.
    """
    if p.kind is PetitionKind.DENUNCIATION:
        return "Một công dân"
    hamlet = phrases.hamlet_phrase(p.hamlet)
    who = "Một nhóm công dân" if p.is_group else "Một công dân"
    return f"{who} {hamlet}" if hamlet else who


@dataclass(frozen=True)
class _Person:
    words: tuple[str, ...]  # folded words of the full name
    hamlet: str  # "thôn Đông", empty for a denunciation

    def phrase(self, household: bool) -> str:
        who = "một hộ dân" if household else "một công dân"
        return f"{who} {self.hamlet}" if self.hamlet else who


def _people(petitions: Sequence[PetitionData]) -> list[_Person]:
    people: dict[tuple[str, ...], _Person] = {}
    for p in petitions:
        name = text.without_typed_title(p.petitioner_name)
        words = tuple(text.search_words(name))
        if not words:
            continue
        hamlet = "" if p.kind is PetitionKind.DENUNCIATION else phrases.hamlet_phrase(p.hamlet)
        if words not in people or not hamlet:
            people[words] = _Person(words, hamlet)
    # Longer names first, so "Lê Văn Hùng" wins over a shorter "Văn Hùng".
    return sorted(people.values(), key=lambda person: -len(person.words))


@dataclass(frozen=True)
class _Pattern:
    """A run of folded words to find: a name (or its last words after a title) or an address."""

    words: tuple[str, ...]
    person: _Person | None  # None: an address
    need_lead: bool = False  # only after a title: "bà Mai", never "Mai" alone
    capital_only: bool = False  # the given name alone must be written with a capital

    def replacement(self, lead: tuple[str, ...] | None) -> str:
        if self.person is None:
            return ADDRESS_HIDDEN
        return self.person.phrase(lead in _HOUSEHOLD_LEADS)


_LEADS = _HOUSEHOLD_LEADS + _PERSON_LEADS


class _Redactor:
    """Finds every petitioner's name and address in one pass over each text's words.

    Patterns are indexed by their first folded word, so a text is read once whatever the number
    of petitioners (a dialogue of 300 opinions is redacted in well under a second).
    """

    def __init__(self, petitions: Sequence[PetitionData]) -> None:
        patterns: list[_Pattern] = []
        for person in _people(petitions):
            patterns.append(_Pattern(person.words, person))
            if len(person.words) >= 3:
                # "bà Thị Mai" is rare, "bà Mai" is not: a title and the last words of a name.
                patterns.append(_Pattern(person.words[-2:], person, need_lead=True))
            if len(person.words) >= 2:
                patterns.append(_Pattern(person.words[-1:], person, need_lead=True, capital_only=True))
        for p in petitions:
            words = tuple(text.search_words(p.address))
            if len(words) >= 2:
                patterns.append(_Pattern(words, None))
        self.index: dict[str, list[_Pattern]] = {}
        # Longer runs first, so "Lê Văn Hùng" wins over "Hùng"; full names before title-only ones.
        for pattern in sorted(patterns, key=lambda x: (-len(x.words), x.need_lead)):
            self.index.setdefault(pattern.words[0], []).append(pattern)
        self.phones = {re.sub(r"\D", "", p.phone) for p in petitions if len(re.sub(r"\D", "", p.phone)) >= 8}
        self.replacements: list[Replacement] = []

    def clean(self, value: str, where: str) -> str:
        if not text.clean(value):
            return value
        value = self._names(text.nfc(value), where)
        value = self._pattern(value, where, _PHONE, PHONE_HIDDEN)
        if self.phones:
            value = _DIGIT_RUN.sub(lambda m: self._known_phone(m, where), value)
        value = self._pattern(value, where, _ID_NUMBER, ID_HIDDEN)
        value = self._pattern(value, where, _HOUSE_NUMBER, ADDRESS_HIDDEN)
        return value

    def _known_phone(self, match: re.Match[str], where: str) -> str:
        """A petitioner's own number in whatever shape it was typed (``0987 111 222``)."""
        if re.sub(r"\D", "", match.group(0)) not in self.phones:
            return match.group(0)
        self.note(where, match.group(0), PHONE_HIDDEN)
        return PHONE_HIDDEN

    def note(self, where: str, found: str, replaced_by: str) -> None:
        self.replacements.append(Replacement(where, found, replaced_by))

    def _pattern(self, value: str, where: str, pattern: re.Pattern[str], hidden: str) -> str:
        def swap(match: re.Match[str]) -> str:
            self.note(where, match.group(0), hidden)
            return hidden

        return pattern.sub(swap, value)

    def _names(self, value: str, where: str) -> str:
        tokens = list(_WORD.finditer(value))
        folded = [_fold(t.group(0)) for t in tokens]
        out: list[str] = []
        last = 0
        i = 0
        while i < len(tokens):
            found = self._match_at(value, tokens, folded, i)
            if found is None:
                i += 1
                continue
            pattern, lead = found
            start = tokens[i - len(lead)].start() if lead else tokens[i].start()
            end = tokens[i + len(pattern.words) - 1].end()
            if start < last:
                i += 1
                continue
            original = value[start:end]
            new = pattern.replacement(lead)
            if original[:1].isupper() and _at_sentence_start(value, start):
                new = text.upper_first(new)
            self.note(where, original, new)
            out.append(value[last:start])
            out.append(new)
            last = end
            i += len(pattern.words)
        out.append(value[last:])
        return "".join(out)

    def _match_at(
        self, value: str, tokens: Sequence[re.Match[str]], folded: Sequence[str], i: int
    ) -> tuple[_Pattern, tuple[str, ...] | None] | None:
        for pattern in self.index.get(folded[i], ()):
            size = len(pattern.words)
            if tuple(folded[i : i + size]) != pattern.words:
                continue
            if pattern.capital_only and not tokens[i].group(0)[:1].isupper():
                continue
            if not _adjacent(value, tokens[i : i + size]):
                continue
            lead = None
            if pattern.person is not None:
                lead = next((w for w in _LEADS if i >= len(w) and tuple(folded[i - len(w) : i]) == w), None)
                if lead is not None and not _adjacent(value, tokens[i - len(lead) : i + 1]):
                    lead = None
            if pattern.need_lead and lead is None:
                continue
            return pattern, lead
        return None


def _adjacent(value: str, tokens: Sequence[re.Match[str]]) -> bool:
    """Tokens separated by blanks only (``hộ ông Hùng``, not ``hộ. Ông Hùng``)."""
    return all(not value[a.end() : b.start()].strip() for a, b in itertools.pairwise(tokens))


def _at_sentence_start(value: str, index: int) -> bool:
    before = value[:index].rstrip()
    return not before or before[-1] in ".!?:;\n("


def public_dialogue(dialogue: DialogueData) -> tuple[DialogueData, list[Replacement]]:
    """The dialogue as a public version may print it, and what was replaced, in document order."""
    petitions = dialogue.petitions
    redactor = _Redactor(petitions)
    cleaned: list[PetitionData] = []
    for n, p in enumerate(petitions, 1):
        label = f"Ý kiến {n}"
        who = public_person(p)
        if text.clean(p.petitioner_name):
            redactor.note(f"{label}: người nêu", text.clean(p.petitioner_name), who)
        for value, what in ((p.phone, "điện thoại"), (p.address, "địa chỉ")):
            if text.clean(value):
                redactor.note(f"{label}: {what}", text.clean(value), "(không in)")
        cleaned.append(
            replace(
                p,
                petitioner_name="",
                phone="",
                address="",
                petitioner_org="" if p.kind is PetitionKind.DENUNCIATION else p.petitioner_org,
                hamlet="" if p.kind is PetitionKind.DENUNCIATION else p.hamlet,
                content=redactor.clean(p.content, f"{label}: nội dung"),
                summary=redactor.clean(p.summary, f"{label}: tóm tắt"),
                answers=tuple(
                    replace(a, content=redactor.clean(a.content, f"{label}: trả lời")) for a in p.answers
                ),
                assignments=tuple(
                    replace(a, task=redactor.clean(a.task, f"{label}: nhiệm vụ")) for a in p.assignments
                ),
                updates=tuple(
                    replace(u, result=redactor.clean(u.result, f"{label}: kết quả")) for u in p.updates
                ),
            )
        )
    public = replace(
        dialogue,
        petitions=tuple(cleaned),
        assessment=redactor.clean(dialogue.assessment, "Đánh giá chung"),
        conclusions=tuple(redactor.clean(c, f"Kết luận {n}") for n, c in enumerate(dialogue.conclusions, 1)),
        entries=(),  # the minutes are never published
    )
    return public, redactor.replacements
