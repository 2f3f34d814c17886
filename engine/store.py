"""Saved diagnoses: a small database of past results per client, through SQLAlchemy.

This module owns the `diagnoses` table, its schema version and its upgrades, and the privacy
rule of what may be kept. SQLite by default (`data/karte.sqlite`, folder overridable by
`KARTE_DATA_DIR`); any other database by URL (`KARTE_DATABASE_URL`, or
`.streamlit/secrets.toml` `[connections.sql]`, the `st.connection("sql")` convention). Only
portable SQL is used so PostgreSQL works with the same code.

What is kept: client name, date, language, answers, area scores, KPIs, aggregated segment
figures, the plan and its assumptions, and the SHA-256 of the diagnosis's access code (the
prospect's way back to it; `engine.auth`). Any text is accepted: NUL characters are removed and
lone surrogates become U+FFFD (`clean_text`), so SQLite and PostgreSQL store the same thing. Never order rows or anything about the shop's own
customers: `scrub` removes such parts before anything is written.
"""
from __future__ import annotations

import json
import math
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Mapping

import pandas as pd
from sqlalchemy import (Column, DateTime, Index, Integer, MetaData, String, Table, Text,
                        create_engine, delete, event, func, inspect, insert, select, text,
                        update)
from sqlalchemy.engine import URL, Connection, Engine, make_url

from engine.auth import code_digest
from engine.errors import KarteError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
JST = timezone(timedelta(hours=9))  # dates are shown in Japan time; no tz database needed
CLIENT_MAX = 200
SQLITE_BUSY_TIMEOUT_S = 30  # a second session saving waits for the first, it does not fail

# --------------------------------------------------------------------------------------------
# Where the database lives
# --------------------------------------------------------------------------------------------


def resolve_url(env: Mapping[str, str] | None = None, root: Path | None = None) -> str:
    """The database URL: env `KARTE_DATABASE_URL`, else secrets.toml, else SQLite in data/."""
    env = os.environ if env is None else env
    root = PROJECT_ROOT if root is None else Path(root)
    if env.get("KARTE_DATABASE_URL"):
        return env["KARTE_DATABASE_URL"]
    secrets = root / ".streamlit" / "secrets.toml"
    if secrets.is_file():
        with open(secrets, "rb") as fh:
            sql = tomllib.load(fh).get("connections", {}).get("sql", {})
        if sql.get("url"):
            return str(sql["url"])
        if sql.get("dialect"):  # st.connection("sql") also accepts the URL in parts
            drivername = sql["dialect"] + (f"+{sql['driver']}" if sql.get("driver") else "")
            return URL.create(drivername, username=sql.get("username"),
                              password=sql.get("password"), host=sql.get("host"),
                              port=sql.get("port"), database=sql.get("database")
                              ).render_as_string(hide_password=False)
    data_dir = Path(env.get("KARTE_DATA_DIR") or root / "data")
    return f"sqlite:///{data_dir / 'karte.sqlite'}"


def _sqlite_pragmas(engine: Engine) -> None:
    """WAL (readers never block the writer) and a busy timeout; one writer at a time.

    pysqlite's own transaction handling starts transactions late, so two writers can dead-lock
    on the lock upgrade; we start every transaction ourselves with BEGIN IMMEDIATE instead.
    """
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode = WAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An SQLAlchemy engine; SQLite gets its data folder, WAL mode and a busy timeout."""
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        _sqlite_pragmas(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


# --------------------------------------------------------------------------------------------
# Schema and migrations
# --------------------------------------------------------------------------------------------

# The current shape of the table, used for queries. It is never created from this object:
# the migrations below build it step by step, so an old database and a new one end up equal.
_META = MetaData()
DIAGNOSES = Table(
    "diagnoses", _META,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client", String(CLIENT_MAX), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("lang", String(8), nullable=False),
    Column("answers", Text),
    Column("scores", Text),
    Column("kpis", Text),
    Column("plan", Text),
    # v2
    Column("client_key", String(CLIENT_MAX)),
    Column("segments", Text),
    Column("assumptions", Text),
    Column("data_kpis", Text),
    # v3
    Column("access_key", String(64)),
)
SCHEMA_VERSION = Table("schema_version", _META, Column("version", Integer, nullable=False))
# v4: campaigns with a control group (engine.campaigns). The two groups are lists of keyed
# hashes (HMAC under the installation's secret), never customer keys, names or contacts.
CAMPAIGNS = Table(
    "campaigns", _META,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("campaign_id", String(120), nullable=False, unique=True),
    Column("client", String(CLIENT_MAX), nullable=False),
    Column("client_key", String(CLIENT_MAX), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("campaign_date", String(10), nullable=False),
    Column("lang", String(8), nullable=False),
    Column("definition", Text, nullable=False),
    Column("mailed", Text, nullable=False),
    Column("control", Text, nullable=False),
    Column("access_key", String(64)),
)


def _v1(conn: Connection) -> None:
    """First release: the diagnosis and its plan."""
    meta = MetaData()
    Table("diagnoses", meta,
          Column("id", Integer, primary_key=True, autoincrement=True),
          Column("client", String(CLIENT_MAX), nullable=False),
          Column("created_at", DateTime, nullable=False),
          Column("lang", String(8), nullable=False),
          Column("answers", Text), Column("scores", Text), Column("kpis", Text),
          Column("plan", Text))
    meta.create_all(conn)


def v2_columns_ddl(dialect: Any) -> list[str]:
    """The ALTER TABLE statements of v2 in `dialect`'s types (standard SQL, any database)."""
    return [f"ALTER TABLE diagnoses ADD COLUMN {name} {type_.compile(dialect=dialect)}"
            for name, type_ in (("client_key", String(CLIENT_MAX)), ("segments", Text()),
                                ("assumptions", Text()), ("data_kpis", Text()))]


def _v2(conn: Connection) -> None:
    """Aggregated segment figures, KPIs from the order data, plan assumptions, and a folded
    client key for look-ups (so "ＡＢＣ商店" and "abc商店" are one client)."""
    for statement in v2_columns_ddl(conn.dialect):
        conn.execute(text(statement))
    old = Table("diagnoses", MetaData(), Column("id", Integer), Column("client", String),
                Column("client_key", String))
    for row in conn.execute(select(old.c.id, old.c.client)).all():
        conn.execute(update(old).where(old.c.id == row.id)
                     .values(client_key=client_key(row.client)))
    Index("ix_diagnoses_client_key", DIAGNOSES.c.client_key).create(conn)


def _v3(conn: Connection) -> None:
    """The digest of each diagnosis's access code (older diagnoses have none: consultant only)."""
    conn.execute(text("ALTER TABLE diagnoses ADD COLUMN access_key "
                      + String(64).compile(dialect=conn.dialect)))
    Index("ix_diagnoses_access_key", DIAGNOSES.c.access_key).create(conn)


def _v4(conn: Connection) -> None:
    """Campaigns with a control group: definition, date, the groups as keyed hashes."""
    meta = MetaData()
    table = Table(
        "campaigns", meta,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("campaign_id", String(120), nullable=False, unique=True),
        Column("client", String(CLIENT_MAX), nullable=False),
        Column("client_key", String(CLIENT_MAX), nullable=False),
        Column("created_at", DateTime, nullable=False),
        Column("campaign_date", String(10), nullable=False),
        Column("lang", String(8), nullable=False),
        Column("definition", Text, nullable=False),
        Column("mailed", Text, nullable=False),
        Column("control", Text, nullable=False),
        Column("access_key", String(64)))
    meta.create_all(conn)
    Index("ix_campaigns_client_key", table.c.client_key).create(conn)
    Index("ix_campaigns_access_key", table.c.access_key).create(conn)


# Ordered: MIGRATIONS[i] takes a database from version i to version i + 1.
MIGRATIONS: list[Callable[[Connection], None]] = [_v1, _v2, _v3, _v4]
CURRENT_VERSION = len(MIGRATIONS)


def migrate(engine: Engine) -> int:
    """Create or upgrade the schema to CURRENT_VERSION in one transaction; the new version."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # two app servers starting at once
            conn.execute(text("SELECT pg_advisory_xact_lock(48151623)"))
        if not inspect(conn).has_table("schema_version"):
            SCHEMA_VERSION.create(conn)
            conn.execute(insert(SCHEMA_VERSION).values(version=0))
        version = conn.execute(select(func.max(SCHEMA_VERSION.c.version))).scalar() or 0
        if version > CURRENT_VERSION:
            raise KarteError("history.error.newer_schema", version=version,
                             current=CURRENT_VERSION)
        for step in MIGRATIONS[version:]:
            step(conn)
        if version != CURRENT_VERSION:
            conn.execute(update(SCHEMA_VERSION).values(version=CURRENT_VERSION))
        return CURRENT_VERSION


# --------------------------------------------------------------------------------------------
# Privacy: what may be kept
# --------------------------------------------------------------------------------------------

# Keys that name a customer, a buyer or their contact data. A key like this holding a number is
# a count ("customers": 1234) and is kept; holding text, a list or a table it is personal data.
_PERSONAL_KEY = re.compile(
    r"customer|buyer|member|user_?id|e_?mail|mail_?addr|phone|tel$|^tel|telephone|mobile|"
    r"address|addr$|zip|postal|postcode|first_?name|last_?name|full_?name|kana|birth|"
    r"顧客|会員|購入者|注文者|送付先|お届け|氏名|名前|フリガナ|住所|電話|携帯|メール|郵便|誕生",
    re.IGNORECASE)
# Containers that hold order rows or customer lists whatever their key is called.
_LIST_KEYS = re.compile(r"^(lists?|customer_?lists?|orders?|lines|rows|raw|dormant_?list)$",
                        re.IGNORECASE)
# Tried only where a run of address characters starts: without the look-behind a long text
# with no address took seconds (every position rescanned the run).
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?<!\d)0\d{1,4}-?\d{1,4}-?\d{3,4}(?!\d)")
# An aggregate table has a row per segment, rank or month, not per customer or order.
MAX_AGGREGATE_ROWS = 500

_FIELDS = ("answers", "scores", "kpis", "data_kpis", "segments", "plan", "assumptions")
_ALIASES = {"areas": "scores"}
_META_FIELDS = ("client", "created_at", "lang", "id", "weakest", "diagnosis", "actions",
                "cta", "history", "notes", "comparison")  # parts of a report input not kept
# Aggregated tables of a report input kept beside the segment figures.
_SEGMENT_EXTRAS = ("ranks", "dormant")


@dataclass
class Scrubbed:
    """A record fit to be saved, and the paths of what was removed from it."""

    record: dict[str, Any]
    removed: list[str] = field(default_factory=list)


_SURROGATE = re.compile("[\ud800-\udfff]")
_CAMPAIGN_KEY = re.compile(r"[0-9a-f]{32}")


def clean_text(value: str) -> str:
    """`value` as any database stores it: NUL removed, lone surrogates as U+FFFD."""
    return _SURROGATE.sub("\ufffd", value.replace("\x00", ""))


def _clean(value: Any) -> Any:
    """Every text in a JSON-like value (keys too) through `clean_text`."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _norm_key(key: Any) -> str:
    return unicodedata.normalize("NFKC", str(key)).strip().replace("-", "_").replace(" ", "_")


def _plain(value: Any) -> Any:
    """numpy / pandas scalars and tables as plain JSON values."""
    if isinstance(value, pd.DataFrame):  # a named index (segment, customer_id) is data too
        named = any(n is not None for n in value.index.names)
        return value.reset_index(drop=not named).to_dict(orient="records")
    if isinstance(value, pd.Series):
        if value.index.name is not None:  # e.g. a Series indexed by customer_id
            return _plain(value.reset_index())
        return value.to_dict()
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return value.isoformat()
    if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", 1) == 0:
        return value.item()  # numpy scalar
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        if pd.isna(value) is True:
            return None
    except (TypeError, ValueError):
        pass
    return value


def _personal_text(value: Any) -> bool:
    return isinstance(value, str) and bool(_EMAIL.search(value) or _PHONE.search(value))


def _scrub(value: Any, path: str, removed: list[str]) -> Any:
    value = _plain(value)
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            sub = f"{path}.{key}" if path else str(key)
            item = _plain(item)
            name = _norm_key(key)
            counted = isinstance(item, (int, float)) and not isinstance(item, bool)
            if (_PERSONAL_KEY.search(name) and not counted and item is not None) \
                    or (_LIST_KEYS.match(name) and isinstance(item, (list, dict))):
                removed.append(sub)
                continue
            out[str(key)] = _scrub(item, sub, removed)
        return out
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_AGGREGATE_ROWS:
            removed.append(path)
            return None
        items = []
        for i, item in enumerate(value):
            before = len(removed)
            clean = _scrub(item, f"{path}[{i}]", removed)
            if isinstance(item, dict) or isinstance(_plain(item), dict):
                if len(removed) > before:  # a row that named a customer: drop the whole table
                    del removed[before:]
                    removed.append(path)
                    return None
            items.append(clean)
        return items
    if _personal_text(value):
        removed.append(path)
        return None
    return value


def scrub(record: Mapping[str, Any]) -> Scrubbed:
    """The savable part of `record`: known fields only, no customer lists or contact data.

    `record` may carry the diagnosis result under "diagnosis" (the `Diagnosis.to_json()`
    shape) or its parts at the top level ("areas"/"scores", "kpis", "actions"). "plan" is the
    plan's estimate rows; both are kept in the plan column as {"actions", "estimates"}.
    """
    merged: dict[str, Any] = {}
    removed: list[str] = []
    diagnosis = record.get("diagnosis") or {}
    for key, value in diagnosis.items():  # "weakest" etc. are derived, not kept
        if _ALIASES.get(key, key) in _FIELDS and key != "plan":
            merged[_ALIASES.get(key, key)] = value
    for key, value in record.items():
        if _ALIASES.get(key, key) in _FIELDS and key != "plan":
            merged[_ALIASES.get(key, key)] = value
        elif key not in _META_FIELDS + _SEGMENT_EXTRAS and key != "plan":
            removed.append(str(key))  # unknown top-level keys (and "lists") are not kept
    extras = {k: record[k] for k in _SEGMENT_EXTRAS if record.get(k) is not None}
    if extras:
        merged["segments"] = {**_plain(merged.get("segments") or {}), **extras}
    actions = record.get("actions", diagnosis.get("actions"))
    estimates = record.get("plan")
    if actions is not None or estimates is not None:
        merged["plan"] = {"actions": actions, "estimates": estimates}
    clean = {name: _clean(_scrub(merged.get(name), name, removed)) for name in _FIELDS}
    client = clean_text(str(record.get("client") or "")).strip()
    if not client:
        raise KarteError("history.error.no_client")
    clean["client"] = client[:CLIENT_MAX]
    clean["lang"] = clean_text(str(record.get("lang") or "ja"))[:8]
    clean["created_at"] = _parse_when(record.get("created_at"))
    return Scrubbed(clean, removed)


def _parse_when(value: Any) -> datetime:
    """Naive Japan time: given (datetime or ISO text) or now."""
    if value is None or value == "":
        return datetime.now(JST).replace(tzinfo=None, microsecond=0)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as exc:
            raise KarteError("history.error.bad_date", value=value) from exc
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.astimezone(JST).replace(tzinfo=None)
    return value


def client_key(name: str) -> str:
    """The client name as matched: width-folded, case-folded, inner spaces collapsed."""
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    return " ".join(folded.split())[:CLIENT_MAX]


# --------------------------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """One saved diagnosis in a list: enough to choose which to open or compare."""

    id: int
    client: str
    created_at: datetime
    lang: str
    scores: dict[str, float | None]  # area id -> score

    @property
    def mean_score(self) -> float | None:
        values = [v for v in self.scores.values() if isinstance(v, (int, float))]
        return round(sum(values) / len(values), 1) if values else None


def _dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def _loads(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def _area_scores(areas: Any) -> dict[str, float | None]:
    if isinstance(areas, dict):  # {"area": score} is accepted too
        return {str(k): (v.get("score") if isinstance(v, dict) else v) for k, v in areas.items()}
    return {str(a.get("id")): a.get("score") for a in areas or [] if isinstance(a, dict)}


def _area_labels(areas: Any) -> dict[str, str]:
    if not isinstance(areas, list):
        return {}
    return {str(a.get("id")): str(a.get("label") or a.get("id")) for a in areas
            if isinstance(a, dict)}


def _number(value: Any) -> float | None:
    """A KPI as a number: plain numbers, or {"value": n} as the diagnosis may give."""
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


class Store:
    """Saved diagnoses in one database. Thread-safe; several processes may share a file."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or resolve_url()
        self.engine = make_engine(self.url)
        self.version = migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # -- writing -----------------------------------------------------------------------------
    def save(self, record: Mapping[str, Any], strict: bool = False,
             access_code: str | None = None) -> int:
        """Save a diagnosis; its new id. Customer data is removed (or refused when strict).

        `access_code` (from `engine.auth.new_access_code`) lets whoever holds it open this one
        diagnosis (`find_by_code`); only its digest is written.
        """
        scrubbed = scrub(record)
        if strict and scrubbed.removed:
            raise KarteError("history.error.personal_data", paths=", ".join(scrubbed.removed))
        rec = scrubbed.record
        values = {name: _dumps(rec[name]) for name in _FIELDS}
        values.update(client=rec["client"], client_key=client_key(rec["client"]),
                      lang=rec["lang"], created_at=rec["created_at"],
                      access_key=code_digest(access_code) if access_code else None)
        with self.engine.begin() as conn:
            result = conn.execute(insert(DIAGNOSES).values(**values))
            return int(result.inserted_primary_key[0])

    def delete(self, id: int) -> bool:
        """Delete one diagnosis; False when there was none with that id."""
        with self.engine.begin() as conn:
            return conn.execute(delete(DIAGNOSES).where(DIAGNOSES.c.id == int(id))).rowcount > 0

    # -- reading -----------------------------------------------------------------------------
    def find_by_code(self, code: str) -> int | None:
        """The id of the diagnosis whose access code is `code`; None when no diagnosis has it."""
        code = clean_text(str(code or "")).strip()
        if not code or len(code) > 200:
            return None
        query = select(DIAGNOSES.c.id).where(DIAGNOSES.c.access_key == code_digest(code))
        with self.engine.begin() as conn:
            found = conn.execute(query).first()
        return None if found is None else int(found.id)

    def get(self, id: int) -> dict[str, Any]:
        """The saved diagnosis as a dict (areas, kpis, plan, ...); KarteError if unknown."""
        with self.engine.begin() as conn:
            row = conn.execute(select(DIAGNOSES).where(DIAGNOSES.c.id == int(id))).first()
        if row is None:
            raise KarteError("history.error.not_found", id=id)
        out = {"id": row.id, "client": row.client, "created_at": row.created_at,
               "lang": row.lang}
        for name in _FIELDS:
            out[name] = _loads(getattr(row, name))
        out["areas"] = out["scores"] or []
        plan = out["plan"]
        if isinstance(plan, list):  # version 1 kept the action list only
            plan = {"actions": plan, "estimates": None}
        plan = plan or {}
        out["actions"], out["plan"] = plan.get("actions") or [], plan.get("estimates")
        return out

    def report_input(self, id: int) -> dict[str, Any]:
        """A saved diagnosis in the input shape of `engine.report` (html / xlsx render), with
        the client's scores over time up to that diagnosis."""
        rec = self.get(id)
        hist = self.history(rec["client"])
        hist = hist.loc[hist["created_at"] <= pd.Timestamp(rec["created_at"])]
        segments = dict(rec["segments"] or {})
        return {"client": rec["client"], "created_at": rec["created_at"],
                "history": hist.reset_index(drop=True),
                "diagnosis": {"areas": rec["areas"], "kpis": rec["kpis"] or {},
                              "actions": rec["actions"]},
                "data_kpis": rec["data_kpis"], "segments": segments,
                "ranks": segments.pop("ranks", None), "dormant": segments.pop("dormant", None),
                "plan": rec["plan"], "assumptions": rec["assumptions"]}

    def list(self, client: str | None = None) -> list[Summary]:
        """Saved diagnoses, newest first; only one client's when `client` is given."""
        query = select(DIAGNOSES.c.id, DIAGNOSES.c.client, DIAGNOSES.c.created_at,
                       DIAGNOSES.c.lang, DIAGNOSES.c.scores)
        if client is not None:
            query = query.where(DIAGNOSES.c.client_key == client_key(client))
        query = query.order_by(DIAGNOSES.c.created_at.desc(), DIAGNOSES.c.id.desc())
        with self.engine.begin() as conn:
            rows = conn.execute(query).all()
        return [Summary(r.id, r.client, r.created_at, r.lang, _area_scores(_loads(r.scores)))
                for r in rows]

    def clients(self) -> list[str]:
        """Client names with at least one diagnosis (latest spelling of each), sorted."""
        latest: dict[str, str] = {}
        for summary in reversed(self.list()):  # oldest first, so the newest spelling wins
            latest[client_key(summary.client)] = summary.client
        return sorted(latest.values(), key=client_key)

    def compare(self, id_a: int, id_b: int) -> dict[str, Any]:
        """Score and KPI deltas (b − a) of two diagnoses of the same client."""
        a, b = self.get(id_a), self.get(id_b)
        if client_key(a["client"]) != client_key(b["client"]):
            raise KarteError("history.error.different_clients", a=a["client"], b=b["client"])
        sa, sb = _area_scores(a["scores"]), _area_scores(b["scores"])
        labels = {**_area_labels(a["scores"]), **_area_labels(b["scores"])}
        scores = []
        for area in list(dict.fromkeys([*sa, *sb])):
            va, vb = _number(sa.get(area)), _number(sb.get(area))
            scores.append({"area": area, "label": labels.get(area, area), "a": va, "b": vb,
                           "delta": None if va is None or vb is None else round(vb - va, 4)})
        kpis = []
        for column, prefix in (("kpis", ""), ("data_kpis", "data.")):
            ka, kb = a[column] or {}, b[column] or {}
            for kpi in list(dict.fromkeys([*ka, *kb])):
                va, vb = _number(ka.get(kpi)), _number(kb.get(kpi))
                if va is None and vb is None:
                    continue  # not a number on either side (a text or a table)
                kpis.append({"kpi": prefix + str(kpi), "a": va, "b": vb,
                             "delta": None if va is None or vb is None else round(vb - va, 6)})
        return {"client": b["client"],
                "a": {"id": a["id"], "created_at": a["created_at"]},
                "b": {"id": b["id"], "created_at": b["created_at"]},
                "scores": scores, "kpis": kpis}

    def history(self, client: str) -> pd.DataFrame:
        """Scores over time, one row per diagnosis and area (long format, for a line chart)."""
        rows = []
        query = (select(DIAGNOSES.c.id, DIAGNOSES.c.created_at, DIAGNOSES.c.scores)
                 .where(DIAGNOSES.c.client_key == client_key(client))
                 .order_by(DIAGNOSES.c.created_at, DIAGNOSES.c.id))
        with self.engine.begin() as conn:
            found = conn.execute(query).all()
        for r in found:
            areas = _loads(r.scores)
            labels = _area_labels(areas)
            for area, score in _area_scores(areas).items():
                rows.append({"id": r.id, "created_at": r.created_at, "area": area,
                             "label": labels.get(area, area), "score": _number(score)})
        frame = pd.DataFrame(rows, columns=["id", "created_at", "area", "label", "score"])
        frame["created_at"] = pd.to_datetime(frame["created_at"])
        frame["score"] = frame["score"].astype("float64")
        return frame

    # -- campaigns (engine.campaigns) -----------------------------------------------------------
    def save_campaign(self, campaign: Mapping[str, Any], access_code: str | None = None,
                      lang: str = "ja") -> int:
        """Save a campaign (`engine.campaigns.Campaign.to_json()`); its row id.

        The definition must hold no personal data (refused otherwise, like a strict diagnosis
        save); the groups must be keyed hashes (32 hex characters each): a list of e-mails or
        member ids is refused, never stored."""
        record = dict(campaign)
        groups = {}
        for name in ("mailed", "control"):
            keys = [str(k) for k in record.pop(name, None) or []]
            if any(not _CAMPAIGN_KEY.fullmatch(k) for k in keys):
                raise KarteError("campaign.error.not_hashed")
            groups[name] = keys
        campaign_id = clean_text(str(record.pop("id", "") or ""))[:120]
        if not campaign_id:
            raise KarteError("campaign.error.not_found", id="")
        removed: list[str] = []
        definition = _clean(_scrub(record, "", removed))
        if removed:
            raise KarteError("history.error.personal_data", paths=", ".join(removed))
        client = clean_text(str(record.get("client") or "")).strip()[:CLIENT_MAX]
        if not client:
            raise KarteError("history.error.no_client")
        definition["client"], definition["id"] = client, campaign_id
        definition["mailed_size"] = len(groups["mailed"])
        definition["control_size"] = len(groups["control"])
        values = dict(campaign_id=campaign_id, client=client,
                      client_key=client_key(client), created_at=_parse_when(None),
                      campaign_date=str(record.get("date") or "")[:10],
                      lang=clean_text(str(lang))[:8], definition=_dumps(definition),
                      mailed=_dumps(groups["mailed"]), control=_dumps(groups["control"]),
                      access_key=code_digest(access_code) if access_code else None)
        with self.engine.begin() as conn:
            if conn.execute(select(CAMPAIGNS.c.id).where(
                    CAMPAIGNS.c.campaign_id == values["campaign_id"])).first() is not None:
                raise KarteError("campaign.error.exists", id=values["campaign_id"])
            result = conn.execute(insert(CAMPAIGNS).values(**values))
            return int(result.inserted_primary_key[0])

    def get_campaign(self, id: int) -> dict[str, Any]:
        """A saved campaign in the shape of `Campaign.to_json()` plus row id and created_at."""
        with self.engine.begin() as conn:
            row = conn.execute(select(CAMPAIGNS).where(CAMPAIGNS.c.id == int(id))).first()
        if row is None:
            raise KarteError("campaign.error.not_found", id=id)
        out = _loads(row.definition)
        out.update(row_id=row.id, client=row.client, created_at=row.created_at,
                   mailed=_loads(row.mailed), control=_loads(row.control))
        return out

    def find_campaign_by_code(self, code: str) -> int | None:
        """The row id of the campaign whose access code is `code`."""
        code = clean_text(str(code or "")).strip()
        if not code or len(code) > 200:
            return None
        with self.engine.begin() as conn:
            found = conn.execute(select(CAMPAIGNS.c.id).where(
                CAMPAIGNS.c.access_key == code_digest(code))).first()
        return None if found is None else int(found.id)

    def list_campaigns(self, client: str | None = None,
                       ids: "list[int] | None" = None) -> list[dict[str, Any]]:
        """Saved campaigns (without their key lists), newest first; one client's or the
        given row ids only when asked."""
        query = select(CAMPAIGNS.c.id, CAMPAIGNS.c.client, CAMPAIGNS.c.created_at,
                       CAMPAIGNS.c.campaign_date, CAMPAIGNS.c.definition)
        if client is not None:
            query = query.where(CAMPAIGNS.c.client_key == client_key(client))
        if ids is not None:
            query = query.where(CAMPAIGNS.c.id.in_([int(i) for i in ids]))
        query = query.order_by(CAMPAIGNS.c.campaign_date.desc(), CAMPAIGNS.c.id.desc())
        with self.engine.begin() as conn:
            rows = conn.execute(query).all()
        out = []
        for r in rows:
            item = _loads(r.definition)
            item.update(row_id=r.id, client=r.client, created_at=r.created_at)
            out.append(item)
        return out

    def delete_campaign(self, id: int) -> bool:
        with self.engine.begin() as conn:
            return conn.execute(delete(CAMPAIGNS).where(CAMPAIGNS.c.id == int(id))).rowcount > 0
