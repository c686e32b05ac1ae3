"""A generated province on one PostgreSQL server: many communes, each a commune's history.

    .venv/bin/python benchmarks/province.py --url postgresql+psycopg://user:pw@host:port/db
                                            [--communes 150] [--petitions 500000] [--templates 5]

A few communes (``--templates``) are drawn by the commune generator (benchmarks/history.py: each
its own seed and size, written by ``history.write_in_bulk``, the bulk path of the SQLite history)
into a scratch SQLite file, then copied into the server by «Chuyển dữ liệu» (app.services.transfer,
the product's own copy, counted and hashed). The server then copies them into the remaining
communes itself (``INSERT … SELECT``, ids moved by a span per copy, each copy a commune of its own
name), so 500 000 petitions in 150 communes take minutes, not the hours that writing every row
through the services' listeners one round trip at a time would. Each copy speaks of its own
commune (:class:`Variant`): its own thôn, landmarks, numbers, citizens' given names and name, so
a search across the province finds 150 communes' records, not 30 copies of the same few; the
sentences and the status distributions stay the generator's. The rows that carry words pass
through Python for that (their search_key, sort keys and search_doc rows computed from the new
words, as the program and the triggers would); the others never leave the server. Counters and
sequences are settled once at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import itertools
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DOITHOAI_HOME", tempfile.mkdtemp(prefix="doithoai-province-"))

from sqlalchemy import func, select, update  # noqa: E402

from app.domain.text import (  # noqa: E402
    PETITION_CONTENT_KEY_LENGTH,
    collation_key,
    person_collation_key,
    petitioner_label,
)
from app.services.search import petition_search_key  # noqa: E402
from app.storage.database import Database  # noqa: E402
from app.storage.models import Commune, Organization  # noqa: E402
from benchmarks import history  # noqa: E402

# Bump when the way the province is made changes: the benchmark then rebuilds it.
PROVINCE_VERSION = 2  # 2: each copy a commune of its own words (thôn, places, names, numbers)
YEARS = 20
TEMPLATES = 5  # communes drawn and written by the generator; the others are copies of them

_FIRST = ("An", "Bình", "Cẩm", "Đông", "Hòa", "Hưng", "Lạc", "Long", "Minh", "Nghĩa", "Phú", "Quang",
          "Tân", "Thanh", "Thịnh", "Trung", "Vĩnh", "Xuân", "Yên", "Đức")  # fmt: skip
_SECOND = ("Sơn", "Hà", "Lâm", "Phong", "Thành", "Hải", "Lợi", "Tiến", "Khánh", "Mỹ", "Điền", "Ấp")  # fmt: skip


def commune_names(count: int) -> list[str]:
    """``count`` distinct commune names (Xã Bình Sơn, Xã Đức Lợi …), the same for a given count."""
    pairs = [f"{a} {b}" for a, b in itertools.product(_FIRST, _SECOND) if a != b]
    if count > len(pairs):
        pairs += [f"{name} {n}" for n in range(2, count // len(pairs) + 2) for name in list(pairs)]
    step = 7  # spread over the alphabet rather than all the An … first
    order = sorted(range(len(pairs)), key=lambda i: (i * step) % len(pairs))
    return [f"Xã {pairs[i]}" for i in order[:count]]


def split_petitions(total: int, communes: int) -> list[int]:
    """Petitions per commune: big and small communes (×0.5 … ×1.5), adding up to ``total``."""
    shares = [0.5 + (n * 37 % communes) / max(1, communes - 1) for n in range(communes)]
    return history._split(total, shares)


@contextlib.contextmanager
def _settled_once() -> Iterator[None]:
    """history.write_in_bulk without its final settling, which the province does once at the end."""
    settle = history._settle_counters_and_ids
    history._settle_counters_and_ids = lambda _db: None  # type: ignore[assignment]
    try:
        yield
    finally:
        history._settle_counters_and_ids = settle  # type: ignore[assignment]


def _prepare_commune(db: Database, name: str, code: str) -> None:
    """Each commune is made before it is written and is the sessions' work commune while it is
    (as a commune user's are), so its body, its Nhật ký lines and its own catalogue entries (its
    thôn, its leaders; catalogues are per commune) go into it."""
    from app.storage.models import WORK_COMMUNE_KEY

    with db.transaction() as session:
        commune = Commune(name=name, code=code, active=True)
        session.add(commune)
        session.flush()
        commune_id = commune.id
    db.sessions.configure(info={WORK_COMMUNE_KEY: commune_id})


def _own_commune(db: Database, name: str) -> None:
    """The body just written (the newest) takes the commune's name."""
    db.sessions.configure(info={})
    with db.transaction() as session:
        org_id = session.scalar(select(func.max(Organization.id)))
        session.execute(
            update(Organization)
            .where(Organization.id == org_id)
            .values(name=f"ỦY BAN NHÂN DÂN {name.upper()}", place_name=name.removeprefix("Xã "))
        )


def write_province(
    db: Database,
    communes: int,
    petitions: int,
    *,
    seed: int = 1,
    progress: Callable[[str], None] | None = None,
    names: list[str] | None = None,
) -> None:
    """Write ``communes`` communes holding ``petitions`` petitions in all into an empty ``db``."""
    started = time.perf_counter()
    names = names or commune_names(communes)
    written = 0
    with _settled_once():
        for n, (name, count) in enumerate(
            zip(names[:communes], split_petitions(petitions, communes), strict=True)
        ):
            plan = history.make_plan(count, YEARS, seed=seed * 1000 + n)
            _prepare_commune(db, name, f"{n + 1:05d}")
            history.write_in_bulk(db, plan)
            _own_commune(db, name)
            written += plan.petition_count
            if progress:
                spent = time.perf_counter() - started
                left = spent / written * (petitions - written) if written else 0
                progress(
                    f"commune {n + 1}/{communes} ({name}): {written} petitions in {spent:.0f} s,"
                    f" about {left:.0f} s left"
                )
    history._settle_counters_and_ids(db)


# The tables a commune owns, and how a row of each finds its commune's body (``c.org``): directly,
# or through the dialogue, petition or assignment it belongs to. Catalogues, leaders, settings and
# the audit log are the server's, not a commune's, and are not copied.
_BY_DIALOGUE = ("JOIN dialogue o ON o.id = s.dialogue_id", "o.organization_id")
_BY_PETITION = ("JOIN petition o ON o.id = s.petition_id", "o.organization_id")
_OWNED = {
    "commune": ("JOIN organization o ON o.commune_id = s.id", "o.id"),
    "hamlet": ("JOIN organization o ON o.commune_id = s.commune_id", "o.id"),
    "organization": ("", "s.id"),
    "plan": ("", "s.organization_id"),
    "dialogue": ("", "s.organization_id"),
    "dialogue_co_chair": _BY_DIALOGUE,
    "attendee": _BY_DIALOGUE,
    "conclusion": _BY_DIALOGUE,
    "petition": ("", "s.organization_id"),
    "minute_entry": _BY_DIALOGUE,
    "answer": _BY_PETITION,
    "assignment": _BY_PETITION,
    "resolution_update": _BY_PETITION,
    "assignment_support": (
        "JOIN assignment a ON a.id = s.assignment_id JOIN petition o ON o.id = a.petition_id",
        "o.organization_id",
    ),
}


def _clone_sql(table: Any, spans: dict[str, int]) -> str:
    """INSERT … SELECT of ``table``'s rows of each template body ``c.org`` as copy ``c.k``: every id,
    and every reference to a copied table, moved by ``k`` times that table's span of ids."""
    names, values = [], []
    for column in table.columns:
        names.append(f'"{column.name}"')
        target = None
        if column.primary_key and column.name == "id":
            target = table.name
        for fk in column.foreign_keys:
            if fk.column.table.name in _OWNED:
                target = fk.column.table.name
        values.append(
            f's."{column.name}" + c.k * {spans[target]}' if target is not None else f's."{column.name}"'
        )
    # Joins, not IN (subquery): a subquery correlated with c.org ran once per row and copy.
    joins, owner = _OWNED[table.name]
    return (
        f'INSERT INTO "{table.name}" ({", ".join(names)}) SELECT {", ".join(values)}'
        f' FROM "{table.name}" s {joins} JOIN (VALUES {{copies}}) AS c(k, org, commune) ON {owner} = c.org'
    )


# --- each copy a commune of its own words --------------------------------------------------------
# A copy's rows are its template's, moved by spans; the rows that carry words (petitions, minutes,
# answers, results, conclusions, plans, dialogues, thôn) are rewritten on the way through Python:
# the commune's own thôn, its own place names and numbers, its citizens' own given names, its own
# name where the template said «Lương Phong». Their derived columns (search_key, stored sort
# keys, search_doc) are then what the program and the server's triggers compute from those words.

_SYLLABLES = ("An", "Bắc", "Cao", "Châu", "Đại", "Đình", "Đoàn", "Gia", "Hà", "Hạ", "Hậu", "Hòa", "Hồng",
              "Hưng", "Khê", "Kim", "Lạc", "Lai", "Liên", "Long", "Mai", "Minh", "Mỹ", "Nam", "Ngọc",
              "Nhân", "Phú", "Phúc", "Phương", "Quế", "Sơn", "Tân", "Thạch", "Thái", "Thanh", "Thọ",
              "Thượng", "Tiên", "Trà", "Trung", "Tường", "Vạn", "Văn", "Vân", "Vĩnh", "Xuân", "Yên",
              "Đồng", "Ninh", "Lũng", "Nà", "Bản", "Khuổi", "Pác")  # fmt: skip
_LANDMARKS = ("Máng", "Chùa", "Đồng", "Mả Ngựa", "Giữa")  # the template's own: cầu Máng, xóm Chùa …
_LANDMARK_POOL = ("Đá", "Gạo", "Quán", "Đình", "Miếu", "Trại", "Vực", "Bến", "Cống", "Đầm", "Gò Me",
                  "Ao Sen", "Bờ Tre", "Cây Đa", "Ba Gò", "Đìa", "Ngòi", "Rộc", "Trũng", "Cửa Ải", "Vườn Cam",
                  "Đồng Cói", "Gò Chè", "Núi Voi", "Ông Tố", "Cồn", "Bãi Ngô")  # fmt: skip
# A commune's own turns of phrase: each copy says each of these its own way (the first is the
# generator's), so a copy's sentences are seldom its template's word for word.
_WORDINGS = (
    ("Hiện nay", "Hiện tại", "Thời gian gần đây", "Mấy năm nay"),
    ("Từ đầu năm đến nay", "Từ đầu năm tới nay", "Mấy tháng nay"),
    ("Thời gian qua", "Thời gian vừa qua", "Lâu nay"),
    ("đề nghị xã", "kính đề nghị xã", "đề nghị chính quyền xã", "kiến nghị xã"),
    ("quan tâm giải quyết sớm", "sớm quan tâm giải quyết", "quan tâm giải quyết dứt điểm"),
    ("có biện pháp khắc phục", "sớm có biện pháp khắc phục", "có giải pháp khắc phục"),
    ("bà con", "người dân", "các hộ dân"),
    (
        "Mong lãnh đạo xã quan tâm, chỉ đạo.",
        "Rất mong lãnh đạo xã quan tâm, chỉ đạo.",
        "Đề nghị lãnh đạo xã quan tâm.",
    ),
    (
        "Bà con rất mong được trả lời thỏa đáng.",
        "Nhân dân mong sớm được trả lời.",
        "Bà con mong được trả lời cụ thể.",
    ),
    (
        "Đây là ý kiến chung của cả chi hội.",
        "Đây là ý kiến của nhiều hội viên.",
        "Đây là ý kiến chung của bà con trong xóm.",
    ),
    ("gây bức xúc trong Nhân dân", "gây bức xúc cho bà con", "khiến người dân bức xúc"),
    ("ảnh hưởng đến", "ảnh hưởng tới", "làm ảnh hưởng đến"),
    ("chưa được giải quyết", "vẫn chưa được giải quyết", "chưa được xử lý"),
)
_TEXT_TABLES = ("hamlet", "plan", "dialogue", "petition", "minute_entry", "answer", "resolution_update", "conclusion")  # fmt: skip
_KEEP = {"answer": {"answerer_name"}, "minute_entry": {"speaker"}, "petition": {"petitioner_name"}}
_DERIVED = {"search_key", "sort_key", "title_sort", "petitioner_sort", "content_sort", "lead_unit_sort"}
_TEMPLATE_PLACE = history.ORGANIZATION.place_name


def _hamlet_suffix(name: str) -> str:
    """«Ngọc Lũ» of «Thôn Ngọc Lũ» or «Tổ dân phố Ngọc Lũ»."""
    for prefix in ("Thôn ", "Tổ dân phố "):
        if name.startswith(prefix):
            return name.removeprefix(prefix).strip()
    return ""


class Variant:
    """The words of copy ``k``: a map of the template's names to the commune's own."""

    def __init__(self, k: int, place: str, hamlets: list[str]) -> None:
        from benchmarks import words

        rng = random.Random(k * 7919 + 1)
        self.k = k
        suffixes = sorted({_hamlet_suffix(name) for name in hamlets} - {""})
        used: set[str] = set(suffixes)
        fresh = []
        for suffix in suffixes:
            while True:
                words_in = len(suffix.split())
                pick = " ".join(rng.sample(_SYLLABLES, 2 if words_in > 1 or rng.random() < 0.7 else 1))
                if pick not in used:
                    used.add(pick)
                    fresh.append(pick)
                    break
        self.hamlet = dict(zip(suffixes, fresh, strict=True))
        landmarks = rng.sample(_LANDMARK_POOL, len(_LANDMARKS))
        self.phrase = {f"{kind} {old}": f"{kind} {new}" for old, new in zip(_LANDMARKS, landmarks, strict=True) for kind in ("cầu", "xóm", "chợ", "đồng")}  # fmt: skip
        self.phrase["kênh N2"] = f"kênh N{rng.randint(1, 9)}"
        self.phrase["ngõ số 5"] = f"ngõ số {rng.randint(1, 40)}"
        self.phrase[_TEMPLATE_PLACE] = place
        for choices in _WORDINGS:
            self.phrase[choices[0]] = rng.choice(choices)
        given: dict[str, str] = {}
        for pool in (words.FEMALE_GIVEN, words.MALE_GIVEN):
            shuffled = list(pool)
            rng.shuffle(shuffled)
            given.update(zip(pool, shuffled, strict=True))
        self.given = given
        self.number_shift = rng.randint(1, 250)
        alternatives = sorted(self.hamlet, key=len, reverse=True)
        self._hamlet_re = re.compile(
            r"(?:(?<=[Tt]hôn )|(?<=phố ))(" + "|".join(map(re.escape, alternatives)) + r")\b"
        )
        self._phrase_re = re.compile(r"\b(" + "|".join(map(re.escape, sorted(self.phrase, key=len, reverse=True))) + r")\b")  # fmt: skip
        self._cluster_re = re.compile(r"(?<=cụm )(.*)$")

    def text(self, value: str | None) -> str | None:
        if not value:
            return value
        value = self._hamlet_re.sub(lambda m: self.hamlet[m.group(1)], value)
        value = self._phrase_re.sub(lambda m: self.phrase[m.group(1)], value)
        if "cụm " in value:  # a dialogue's title: «… – cụm Đông, Trung, Ngọc Lũ»
            value = self._cluster_re.sub(
                lambda m: ", ".join(self.hamlet.get(s, s) for s in m.group(1).split(", ")), value
            )
        return value

    def person(self, name: str | None) -> str | None:
        """A citizen's name: the commune's own given name (family and middle names kept)."""
        if not name:
            return name
        family_middle, _space, given = name.rpartition(" ")
        return f"{family_middle} {self.given.get(given, given)}" if family_middle else name

    def speaker(self, value: str | None) -> str | None:
        # «Name (Thôn X)» is a citizen; «Name, Chủ tịch UBND xã» or a bare name is a leader (kept).
        if not value or not value.endswith(")") or " (" not in value:
            return value
        name, _space, rest = value.partition(" (")
        return f"{self.person(name)} ({self.text(rest)}"

    def reply_number(self, value: str | None) -> str | None:
        if not value:
            return value
        number, slash, rest = value.partition("/")
        if not slash or not number.isdigit():
            return value
        return f"{(int(number) + self.number_shift) % 300 + 1:0{len(number)}d}/{rest}"


def _fold_translation() -> dict[int, str]:
    """``doithoai_fold`` (revision 0010: ``lower(translate(value, from, to))``) as Python's."""
    sources, targets = _revision_0010().fold_table()
    return str.maketrans(sources, targets)


def _search_doc_sources() -> tuple[dict[str, tuple[int, list[str], str | None]], int]:
    """(table → (its kind code in ``search_doc``, the columns its body joins, the column that must
    be NULL for a row to be indexed)), and the rowid shift, as revision 0010 made them."""
    module = _revision_0010()
    sources = {}
    for table, (code, body, condition) in module.SOURCES.items():
        columns = re.findall(r"coalesce\(\{r\}\.(\w+), ''\)", body)
        null = re.fullmatch(r"\{r\}\.(\w+) IS NULL", condition) if condition else None
        assert condition == "" or null is not None, condition
        sources[table] = (code, columns, null.group(1) if null else None)
    return sources, int(module.SHIFT)


@functools.cache
def _revision_0010() -> Any:
    import importlib.util

    path = ROOT / "app" / "storage" / "migrations" / "versions" / "0010_server.py"
    spec = importlib.util.spec_from_file_location("doithoai_revision_0010", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _TextCopier:
    """The Python half of the copy: the rows that carry words, rewritten per copy and sent by COPY."""

    def __init__(self, connection: Any, spans: dict[str, int], orgs: list[int]) -> None:
        from app.storage.models import Base

        self.spans = spans
        self.fold = _fold_translation()
        self.docs, self.shift = _search_doc_sources()
        self.tables = [t for t in Base.metadata.sorted_tables if t.name in _TEXT_TABLES]
        assert self.tables[0].name == "hamlet"  # petitions look their thôn up
        self.rows: dict[tuple[str, int], list[tuple[str | None, ...]]] = {}
        self.hamlet_names: dict[int, list[str]] = {}
        for table in self.tables:
            joins, owner = _OWNED[table.name]
            names = ", ".join(f's."{c.name}"::text' for c in table.columns)
            for org in orgs:
                self.rows[table.name, org] = [
                    tuple(row)
                    for row in connection.exec_driver_sql(
                        f'SELECT {names} FROM "{table.name}" s {joins} WHERE {owner} = %s ORDER BY s.id',
                        (org,),
                    )
                ]
        for org in orgs:
            name = [c.name for c in self._table("hamlet").columns].index("name")
            self.hamlet_names[org] = [row[name] or "" for row in self.rows["hamlet", org]]

    def _table(self, name: str) -> Any:
        return next(t for t in self.tables if t.name == name)

    def _shifts(self, table: Any) -> list[tuple[int, str]]:
        shifts = []
        for i, column in enumerate(table.columns):
            target = table.name if column.primary_key and column.name == "id" else None
            for fk in column.foreign_keys:
                if fk.column.table.name in _OWNED:
                    target = fk.column.table.name
            if target is not None:
                shifts.append((i, target))
        return shifts

    def copy(self, connection: Any, copies: list[tuple[int, int, int]], places: dict[int, str]) -> None:
        """Write copies ``(k, template body, template commune)``, each with its commune's words."""
        from sqlalchemy import Enum, String

        raw = connection.connection.driver_connection
        folded: list[tuple[int, str]] = []
        with raw.cursor() as cursor:
            variants = {k: Variant(k, places[k], self.hamlet_names[org]) for k, org, _c in copies}
            hamlet_of: dict[str, str] = {}
            for table in self.tables:
                columns = [c.name for c in table.columns]
                at = {name: i for i, name in enumerate(columns)}
                keep = _KEEP.get(table.name, set()) | _DERIVED | {"reply_number"}
                texts = [
                    i
                    for i, c in enumerate(table.columns)
                    if isinstance(c.type, String) and not isinstance(c.type, Enum) and c.name not in keep
                ]
                shifts = self._shifts(table)
                doc = self.docs.get(table.name)
                quoted = ", ".join(f'"{c}"' for c in columns)
                with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as out:
                    for k, org, _commune in copies:
                        v = variants[k]
                        moves = [(i, k * self.spans[target]) for i, target in shifts]
                        for template_row in self.rows[table.name, org]:
                            row = list(template_row)
                            for i, by in moves:
                                if row[i] is not None:
                                    row[i] = str(int(row[i]) + by)
                            for i in texts:
                                row[i] = v.text(row[i])
                            _derive(table.name, row, at, v, hamlet_of)
                            out.write_row(row)
                            if doc is not None:
                                code, parts, null = doc
                                if null is None or row[at[null]] is None:
                                    body = " ".join(row[at[p]] or "" for p in parts)
                                    folded.append((code * self.shift + int(row[at["id"]] or 0), body.translate(self.fold).lower()))  # fmt: skip
            cursor.execute("CREATE TEMP TABLE province_fold (rowid bigint, folded text) ON COMMIT DROP")
            with cursor.copy("COPY province_fold (rowid, folded) FROM STDIN") as out:
                for pair in folded:
                    out.write_row(pair)
            # to_tsvector over the text doithoai_fold gives (the check in tests/app/test_province.py).
            cursor.execute(
                "INSERT INTO search_doc (rowid, body) SELECT rowid, to_tsvector('simple'::regconfig, folded)"
                " FROM province_fold"
            )


def _derive(
    name: str, row: list[str | None], at: dict[str, int], v: Variant, hamlet_of: dict[str | None, str]
) -> None:
    """The columns the program derives from a row's words, from the copy's words."""
    if name == "hamlet":
        row[at["sort_key"]] = collation_key(row[at["name"]])
        hamlet_of[row[at["id"]]] = row[at["name"]] or ""
    elif name in ("plan", "dialogue"):
        row[at["title_sort"]] = collation_key(row[at["title"]])
    elif name == "minute_entry":
        row[at["speaker"]] = v.speaker(row[at["speaker"]])
    elif name == "resolution_update":
        row[at["reply_number"]] = v.reply_number(row[at["reply_number"]])
    elif name == "petition":
        person = v.person(row[at["petitioner_name"]]) or ""
        row[at["petitioner_name"]] = person
        content = row[at["content"]] or ""
        anonymous, group = row[at["is_anonymous"]] == "true", row[at["is_group"]] == "true"
        row[at["petitioner_sort"]] = person_collation_key(petitioner_label(person, anonymous, group))
        row[at["content_sort"]] = collation_key(content, length=PETITION_CONTENT_KEY_LENGTH)
        hamlet_id = row[at["hamlet_id"]]
        hamlet = hamlet_of.get(hamlet_id, "") if hamlet_id is not None else row[at["hamlet_text"]] or ""
        row[at["search_key"]] = petition_search_key(person, hamlet, content)


def clone_communes(
    db: Database, names: list[str], *, progress: Callable[[str], None] | None = None, batch: int = 10
) -> None:
    """Fill the server database up to ``len(names)`` communes by copying the communes it holds.

    Copy ``k`` of template ``t`` is the template's plans, dialogues, minutes, petitions and what
    followed them, every row with its ids moved by ``k`` spans, in a commune of its own; the rows
    without words written by the server itself (``INSERT … SELECT``), those with words rewritten
    in the copy's own (:class:`Variant`) and sent by ``COPY``.
    """
    from app.storage.models import Base

    assert db.on_server
    with db.reading() as session:
        templates = session.execute(
            select(Organization.id, Organization.commune_id).order_by(Organization.id)
        ).all()
        spans = {
            name: int(session.scalar(select(func.max(Base.metadata.tables[name].c.id))) or 0)
            for name in _OWNED
            if "id" in Base.metadata.tables[name].c
        }
        texts = _TextCopier(session.connection(), spans, [org for org, _commune in templates])
    tables = [t for t in Base.metadata.sorted_tables if t.name in _OWNED and t.name not in _TEXT_TABLES]
    statements = [_clone_sql(table, spans) for table in tables]
    wanted = len(names) - len(templates)
    started = time.perf_counter()
    for first in range(1, wanted + 1, batch):
        copies = [
            (k, *templates[(k - 1) % len(templates)])
            for k in range(first, min(wanted, first + batch - 1) + 1)
        ]
        rows = ", ".join(f"({k}, {org}, {commune})" for k, org, commune in copies)
        with db.transaction() as session:
            conn = session.connection()
            # No row triggers (search_doc is written by the text copy) and no foreign-key checks (every
            # reference points into the same copy, by construction); needs a superuser, as the
            # benchmarks' server has.
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            for statement in statements:
                conn.exec_driver_sql(statement.replace("{copies}", rows))
            texts.copy(
                conn, copies, {k: names[len(templates) + k - 1].removeprefix("Xã ") for k, _o, _c in copies}
            )
            for k, org, commune in copies:
                name = names[len(templates) + k - 1]
                conn.execute(
                    update(Commune)
                    .where(Commune.id == commune + k * spans["commune"])
                    .values(name=name, code=f"{len(templates) + k:05d}")
                )
                conn.execute(
                    update(Organization)
                    .where(Organization.id == org + k * spans["organization"])
                    .values(name=f"ỦY BAN NHÂN DÂN {name.upper()}", place_name=name.removeprefix("Xã "))
                )
        if progress:
            done = copies[-1][0]
            spent = time.perf_counter() - started
            progress(
                f"copied {len(templates) + done}/{len(names)} communes in {spent:.0f} s, about {spent / done * (wanted - done):.0f} s left"
            )


def build_province(
    url: str,
    communes: int,
    petitions: int,
    *,
    templates: int = TEMPLATES,
    seed: int = 1,
    progress: Callable[[str], None] | None = None,
) -> None:
    """The province in the empty server database ``url``: ``templates`` communes generated
    (history.write_in_bulk into a local scratch file, then «Chuyển dữ liệu» into the server, the
    product's own copy and check), the rest copied from them on the server."""
    from sqlalchemy import create_engine

    from app.services import transfer

    say = progress or (lambda _line: None)
    templates = min(templates, communes)
    per_template = petitions * templates // communes
    names = commune_names(communes)
    with tempfile.TemporaryDirectory(prefix="doithoai-province-") as tmp:
        scratch = Path(tmp) / "templates.sqlite"
        local = history.open_database(scratch)
        try:
            write_province(local, templates, per_template, seed=seed, progress=say, names=names)
        finally:
            local.close()
        db = Database.open_url(url)
        try:
            source = create_engine(f"sqlite:///{scratch}")
            try:
                started = time.perf_counter()
                transfer.transfer(source, db.engine)
                say(
                    f"{templates} communes copied to the server and checked in {time.perf_counter() - started:.0f} s"
                )
            finally:
                source.dispose()
            clone_communes(db, names, progress=say)
            history._settle_counters_and_ids(db)
        finally:
            db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="an empty PostgreSQL database")
    parser.add_argument("--communes", type=int, default=150)
    parser.add_argument("--petitions", type=int, default=500_000)
    parser.add_argument("--templates", type=int, default=TEMPLATES)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    build_province(
        args.url, args.communes, args.petitions, templates=args.templates, seed=args.seed, progress=print
    )
    print(f"{args.petitions} petitions in {args.communes} communes in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
