"""A generated province on one PostgreSQL server: many communes, each a commune's history.

    .venv/bin/python benchmarks/province.py --url postgresql+psycopg://user:pw@host:port/db
                                            [--communes 150] [--petitions 500000] [--templates 5]

A few communes (``--templates``) are drawn by the commune generator (benchmarks/history.py: each
its own seed and size, written by ``history.write_in_bulk``, the bulk path of the SQLite history)
into a scratch SQLite file, then copied into the server by «Chuyển dữ liệu» (app.services.transfer,
the product's own copy, counted and hashed). The server then copies them into the remaining
communes itself (``INSERT … SELECT``, ids moved by a span per copy, each copy a commune of its own
name), so 500 000 petitions in 150 communes take minutes, not the hours that writing every row
through the services' listeners one round trip at a time would. The copies repeat their
template's texts: the word and status distributions are the generator's, the volumes a
province's. Counters and sequences are settled once at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
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

from app.storage.database import Database  # noqa: E402
from app.storage.models import Commune, Organization  # noqa: E402
from benchmarks import history  # noqa: E402

# Bump when the way the province is made changes: the benchmark then rebuilds it.
PROVINCE_VERSION = 1
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


def _own_commune(db: Database, name: str, code: str) -> None:
    """The body just written (the newest) moves into a new commune named ``name``."""
    place = name.removeprefix("Xã ")
    with db.transaction() as session:
        org_id = session.scalar(select(func.max(Organization.id)))
        commune = Commune(name=name, code=code, active=True)
        session.add(commune)
        session.flush()
        old = session.scalar(select(Organization.commune_id).where(Organization.id == org_id))
        session.execute(
            update(Organization)
            .where(Organization.id == org_id)
            .values(commune_id=commune.id, name=f"ỦY BAN NHÂN DÂN {name.upper()}", place_name=place)
        )
        # The very first body founded a commune of its own (models._organization_commune): now empty.
        if old is not None:
            still = session.scalar(select(func.count()).where(Organization.commune_id == old))
            if not still:
                session.execute(Commune.__table__.delete().where(Commune.id == old))


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
            history.write_in_bulk(db, plan)
            _own_commune(db, name, f"{n + 1:05d}")
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


def _search_doc_sources() -> tuple[dict[str, int], int]:
    """(table → its kind code in ``search_doc``, the rowid shift), as revision 0010 made them."""
    import importlib.util

    path = ROOT / "app" / "storage" / "migrations" / "versions" / "0010_server.py"
    spec = importlib.util.spec_from_file_location("doithoai_revision_0010", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {table: code for table, (code, _body, _where) in module.SOURCES.items()}, int(module.SHIFT)


def _clone_search_sql(table: str, code: int, shift: int, span: int) -> str:
    """The copies' ``search_doc`` rows: the template row's folded body under the copy's rowid.

    What the row triggers would compute (the copies' texts are the template's), without running
    the fold (``doithoai_fold``, about a millisecond a row) a million times.
    """
    joins, owner = _OWNED[table]
    return (
        f"INSERT INTO search_doc (rowid, body) SELECT d.rowid + c.k * {span}, d.body"
        f' FROM "{table}" s {joins} JOIN (VALUES {{copies}}) AS c(k, org, commune) ON {owner} = c.org'
        f" JOIN search_doc d ON d.rowid = {code}::bigint * {shift} + s.id"
    )


def clone_communes(
    db: Database, names: list[str], *, progress: Callable[[str], None] | None = None, batch: int = 10
) -> None:
    """Fill the server database up to ``len(names)`` communes by copying the communes it holds.

    Copy ``k`` of template ``t`` is the template's plans, dialogues, minutes, petitions and what
    followed them, every row with its ids moved by ``k`` spans, in a commune of its own; written by
    the server itself (``INSERT … SELECT``), so the rows never travel through Python.
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
    tables = [t for t in Base.metadata.sorted_tables if t.name in _OWNED]
    statements = [_clone_sql(table, spans) for table in tables]
    codes, shift = _search_doc_sources()
    statements += [
        _clone_search_sql(table, code, shift, spans[table])
        for table, code in codes.items()
        if table in _OWNED
    ]
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
            # No row triggers (search_doc is copied above instead) and no foreign-key checks (every
            # reference points into the same copy, by construction); needs a superuser, as the
            # benchmarks' server has.
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            for statement in statements:
                conn.exec_driver_sql(statement.replace("{copies}", rows))
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
