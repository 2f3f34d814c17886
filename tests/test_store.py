"""Saved diagnoses: round trip, upgrade from the previous schema, concurrency, privacy."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from engine.errors import KarteError
from engine.store import CURRENT_VERSION, Store, client_key, resolve_url, scrub

ROOT = Path(__file__).resolve().parent.parent


def _areas(**scores: float) -> list[dict]:
    return [{"id": k, "label": k.upper(), "score": v, "level": "x", "confidence": 1.0,
             "reason": "r"} for k, v in scores.items()]


def _record(client: str = "山田商店", when: str | None = None, **scores: float) -> dict:
    return {"client": client, "created_at": when, "lang": "ja",
            "answers": {"q1": 120_000_000, "q2": 40, "q8": None},
            "areas": _areas(**(scores or {"retention": 40, "acquisition": 70})),
            "kpis": {"ltv_cpa_ratio": 1.5, "own_site_share": 0.4, "note": "text"},
            "segments": {"cpm": [{"segment": "初回客", "count": 120, "revenue": 600_000},
                                 {"segment": "優良客", "count": 8, "revenue": 900_000}]},
            "plan": [{"step": "A", "title": "ランク分け", "roi": 2.5}],
            "assumptions": {"dm_cost": 150, "gross_margin": 0.6}}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'karte.sqlite'}")
    yield s
    s.close()


# ---- round trip -----------------------------------------------------------------------------

def test_a_saved_diagnosis_comes_back_as_it_was_saved(store: Store) -> None:
    rec = _record(when="2026-08-01T10:00:00")
    new_id = store.save(rec)
    got = store.get(new_id)
    assert got["client"] == "山田商店"
    assert got["created_at"] == datetime(2026, 8, 1, 10, 0)
    for name in ("answers", "kpis", "segments", "plan", "assumptions"):
        assert got[name] == rec[name]
    assert got["areas"] == rec["areas"]
    assert got["answers"]["q8"] is None  # 「わからない」 survives as null


def test_the_diagnosis_result_can_be_passed_whole(store: Store) -> None:
    diagnosis = {"areas": _areas(retention=30), "weakest": ["retention"],
                 "kpis": {"ltv": 9000}, "actions": [{"step": "C", "title": "t"}]}
    got = store.get(store.save({"client": "c", "diagnosis": diagnosis,
                                "data_kpis": {"repeat_rate": 0.25}}))
    assert got["areas"] == diagnosis["areas"]
    assert got["actions"] == diagnosis["actions"]
    assert got["plan"] is None  # no estimates were given
    assert got["data_kpis"] == {"repeat_rate": 0.25}


def test_list_is_newest_first_and_filters_by_client_ignoring_width_and_case(store: Store) -> None:
    a = store.save(_record("ＡＢＣ商店", "2026-01-01T09:00:00"))
    b = store.save(_record("abc商店", "2026-04-01T09:00:00"))
    store.save(_record("other", "2026-03-01T09:00:00"))
    assert [s.id for s in store.list(client="Abc商店")] == [b, a]
    assert len(store.list()) == 3
    assert store.clients() == ["abc商店", "other"]  # the latest spelling names the client
    assert store.list()[0].scores == {"retention": 40, "acquisition": 70}


def test_delete_removes_only_that_diagnosis(store: Store) -> None:
    a, b = store.save(_record()), store.save(_record())
    assert store.delete(a) is True
    assert store.delete(a) is False
    assert [s.id for s in store.list()] == [b]
    with pytest.raises(KarteError) as err:
        store.get(a)
    assert err.value.key == "history.error.not_found"


def test_a_client_name_is_required(store: Store) -> None:
    with pytest.raises(KarteError) as err:
        store.save({"client": "  ", "answers": {}})
    assert err.value.key == "history.error.no_client"
    assert "client" in err.value.message("en").lower()


def test_a_report_input_can_be_saved_as_it_is_without_its_lists(store: Store) -> None:
    from report_fixtures import FORMULA, hostile_input

    inp = hostile_input()
    new_id = store.save({**inp, "answers": {"q1": 1}, "lang": "ja"})
    back = store.report_input(new_id)
    assert back["ranks"] == {"basic": 3, "premium": 1, "ambassador": None}
    assert back["dormant"] == inp["dormant"]
    assert back["diagnosis"]["actions"] == inp["diagnosis"]["actions"]
    raw = " ".join(str(v) for v in sqlite3.connect(store.engine.url.database).execute(
        "SELECT * FROM diagnoses").fetchone())
    assert "+81-3-1234" not in raw          # the chosen customer list stayed out
    assert FORMULA in raw                    # the texts are kept as typed (escaped on output)


def test_a_saved_diagnosis_renders_as_a_report(store: Store) -> None:
    from engine.report import html, xlsx

    rec = _record("<b>店</b>")
    rec["actions"] = [{"step": "D", "title": "お礼状", "top": True}]
    inp = store.report_input(store.save(rec))
    assert inp["diagnosis"]["actions"] == rec["actions"]
    assert inp["plan"] == rec["plan"] and inp["segments"] == rec["segments"]
    doc = html.render(inp, "ja")
    assert "&lt;b&gt;店&lt;/b&gt;" in doc and "お礼状" in doc and "初回客" in doc
    assert xlsx.render(inp, "ja")[:2] == b"PK"
    assert 'id="history"' not in doc  # a single diagnosis is not a trend


def test_the_report_of_a_later_diagnosis_shows_the_trend_up_to_it(store: Store) -> None:
    first = store.save(_record(when="2026-01-01T00:00:00", retention=30))
    second = store.save(_record(when="2026-04-01T00:00:00", retention=50))
    store.save(_record(when="2026-07-01T00:00:00", retention=70))
    assert store.report_input(first)["history"]["score"].tolist() == [30.0]
    hist = store.report_input(second)["history"]
    assert hist.loc[hist["area"] == "retention", "score"].tolist() == [30.0, 50.0]


# ---- compare and history --------------------------------------------------------------------

def test_compare_gives_score_and_kpi_deltas(store: Store) -> None:
    a = store.save(_record(when="2026-01-10T00:00:00", retention=40, acquisition=70))
    rec_b = _record(when="2026-04-10T00:00:00", retention=55, acquisition=65)
    rec_b["kpis"] = {"ltv_cpa_ratio": 2.0, "own_site_share": {"value": 0.5}, "note": "x"}
    b = store.save(rec_b)
    cmp = store.compare(a, b)
    scores = {r["area"]: r for r in cmp["scores"]}
    assert scores["retention"]["delta"] == 15
    assert scores["acquisition"]["delta"] == -5
    assert scores["retention"]["label"] == "RETENTION"
    kpis = {r["kpi"]: r for r in cmp["kpis"]}
    assert kpis["ltv_cpa_ratio"]["delta"] == pytest.approx(0.5)
    assert kpis["own_site_share"]["delta"] == pytest.approx(0.1)
    assert "note" not in kpis  # text is not a number to subtract


def test_an_area_missing_on_one_side_has_no_delta(store: Store) -> None:
    a = store.save(_record(retention=40))
    b = store.save(_record(retention=50, fan_building=20))
    rows = {r["area"]: r for r in store.compare(a, b)["scores"]}
    assert rows["fan_building"] == {"area": "fan_building", "label": "FAN_BUILDING",
                                    "a": None, "b": 20.0, "delta": None}


def test_compare_refuses_two_clients(store: Store) -> None:
    a, b = store.save(_record("A社")), store.save(_record("B社"))
    with pytest.raises(KarteError) as err:
        store.compare(a, b)
    assert err.value.key == "history.error.different_clients"


def test_history_is_scores_over_time_in_date_order(store: Store) -> None:
    store.save(_record(when="2026-07-01T00:00:00", retention=60))
    store.save(_record(when="2026-01-01T00:00:00", retention=30))
    store.save(_record("someone else", retention=99))
    hist = store.history("山田商店")
    assert list(hist.columns) == ["id", "created_at", "area", "label", "score"]
    assert hist["score"].tolist() == [30.0, 60.0]
    assert hist["created_at"].is_monotonic_increasing
    assert store.history("nobody").empty


# ---- privacy -------------------------------------------------------------------------------

def test_customer_lists_and_order_rows_are_never_saved(store: Store) -> None:
    rec = _record()
    rec["customers"] = pd.DataFrame({"customer_id": ["c1", "c2"], "m": [1, 2]})
    rec["orders"] = [{"order_id": "1", "revenue": 100}]
    rec["segments"]["dormant_list"] = [{"r": 1, "f": 2}]
    rec["segments"]["top"] = pd.DataFrame({"顧客ID": ["A1"], "金額": [5000]})
    rec["segments"]["customers"] = 128  # a count is an aggregate: kept
    rec["answers"]["q10"] = "お礼状 contact: taro@example.jp"
    new_id = store.save(rec)
    got = store.get(new_id)
    raw = sqlite3.connect(store.engine.url.database).execute(
        "SELECT * FROM diagnoses WHERE id = ?", (new_id,)).fetchone()
    dump = " ".join(str(v) for v in raw)
    for secret in ("c1", "A1", "taro@example.jp", "order_id", "dormant_list"):
        assert secret not in dump
    assert got["segments"]["customers"] == 128
    assert got["segments"]["cpm"] == rec["segments"]["cpm"]
    assert got["answers"]["q10"] is None


def test_scrub_names_what_it_removed_and_strict_save_refuses() -> None:
    rec = {"client": "x", "segments": {"cpm": [{"segment": "a", "count": 1}],
                                       "rows": [{"email": "a@b.jp"}]},
           "kpis": {"buyer_phone": "090-1234-5678"}, "unknown": 1}
    out = scrub(rec)
    assert sorted(out.removed) == ["kpis.buyer_phone", "segments.rows", "unknown"]
    assert out.record["segments"] == {"cpm": [{"segment": "a", "count": 1}]}


def test_strict_save_refuses_personal_data(store: Store) -> None:
    with pytest.raises(KarteError) as err:
        store.save({"client": "x", "segments": {"list": [{"customer_id": "c9"}]}}, strict=True)
    assert err.value.key == "history.error.personal_data"
    assert store.list() == []


def test_tables_indexed_by_customer_are_dropped_and_by_segment_kept() -> None:
    per_customer = pd.DataFrame({"R": [1, 5], "segment": ["a", "b"]},
                                index=pd.Index(["c1", "c2"], name="customer_id"))
    per_segment = pd.DataFrame({"customers": [3, 1], "revenue": [9000.0, 100.0]},
                               index=pd.Index(["new", "loyal"], name="segment"))
    out = scrub({"client": "x", "segments": {"scores": per_customer, "cpm": per_segment}})
    assert out.removed == ["segments.scores"]
    assert out.record["segments"]["cpm"] == [
        {"segment": "new", "customers": 3, "revenue": 9000.0},
        {"segment": "loyal", "customers": 1, "revenue": 100.0}]


def test_a_table_with_a_customer_column_is_dropped_whole() -> None:
    table = [{"segment": "a", "count": 1}, {"segment": "b", "count": 2, "customer": "山田太郎"}]
    out = scrub({"client": "x", "segments": {"by_segment": table}})
    assert out.record["segments"] == {"by_segment": None}
    assert out.removed == ["segments.by_segment"]


# ---- schema upgrade ------------------------------------------------------------------------

V1_SQL = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) VALUES (1);
CREATE TABLE diagnoses (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    client VARCHAR(200) NOT NULL,
    created_at DATETIME NOT NULL,
    lang VARCHAR(8) NOT NULL,
    answers TEXT, scores TEXT, kpis TEXT, plan TEXT);
INSERT INTO diagnoses (client, created_at, lang, answers, scores, kpis, plan) VALUES
  ('ＡＢＣ商店', '2025-10-01 09:30:00.000000', 'ja', '{"q1": 5000000}',
   '[{"id": "retention", "label": "リピート", "score": 35}]', '{"ltv": 8000}',
   '[{"step": "A", "title": "ランク分け"}]'),
  ('ＡＢＣ商店', '2026-01-01 09:30:00.000000', 'en', '{"q1": 6000000}',
   '[{"id": "retention", "label": "Repeat", "score": 45}]', '{"ltv": 9000}', '[]');
"""


def test_a_version_1_database_is_upgraded_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as raw:
        raw.executescript(V1_SQL)
    store = Store(f"sqlite:///{path}")
    try:
        assert store.version == CURRENT_VERSION == 4
        with sqlite3.connect(path) as raw:
            assert raw.execute("SELECT version FROM schema_version").fetchall() == [(4,)]
        old = store.get(1)
        assert old["answers"] == {"q1": 5000000}
        assert old["created_at"] == datetime(2025, 10, 1, 9, 30)
        assert old["segments"] is None and old["assumptions"] is None
        assert old["actions"] == [{"step": "A", "title": "ランク分け"}]  # v1 plan = actions
        # the new client key was filled in for the old rows
        assert [s.id for s in store.list(client="abc商店")] == [2, 1]
        assert store.compare(1, 2)["scores"][0]["delta"] == 10
        new_id = store.save(_record("abc商店"))
        assert new_id == 3 and store.get(3)["segments"] is not None
    finally:
        store.close()
    reopened = Store(f"sqlite:///{path}")  # opening again is a no-op
    assert len(reopened.list()) == 3
    reopened.close()


def test_a_database_from_a_newer_app_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    with sqlite3.connect(path) as raw:
        raw.executescript("CREATE TABLE schema_version (version INTEGER NOT NULL);"
                          "INSERT INTO schema_version VALUES (99);")
    with pytest.raises(KarteError) as err:
        Store(f"sqlite:///{path}")
    assert err.value.key == "history.error.newer_schema"


# ---- concurrency ---------------------------------------------------------------------------

def test_sessions_saving_at_once_in_threads_lose_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    stores = [Store(url) for _ in range(4)]  # one per "session"
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(stores))

    def work(i: int, s: Store) -> None:
        try:
            barrier.wait()
            for n in range(15):
                s.save(_record(f"client{i}", retention=n))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i, s)) for i, s in enumerate(stores)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    check = Store(url)
    assert len(check.list()) == 60
    for i in range(4):
        assert sorted(s.scores["retention"] for s in check.list(f"client{i}")) == list(range(15))
    for s in [*stores, check]:
        s.close()


def test_one_store_shared_by_threads_loses_nothing(store: Store) -> None:
    # the app keeps one Store per server process (st.cache_resource) for every session
    def work(i: int) -> None:
        for n in range(10):
            store.save({"client": f"s{i}", "areas": [{"id": "a", "score": n}]})
            store.list(f"s{i}")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(5)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert [len(store.list(f"s{i}")) for i in range(5)] == [10] * 5


def test_two_processes_writing_the_same_file_lose_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    script = textwrap.dedent(f"""
        import sys
        from engine.store import Store
        s = Store({url!r})
        for n in range(25):
            s.save({{"client": "p" + sys.argv[1], "areas": [{{"id": "a", "score": n}}]}})
    """)
    # both processes create the schema at the same moment, too
    procs = [subprocess.Popen([sys.executable, "-c", script, str(i)], cwd=ROOT,
                              stderr=subprocess.PIPE) for i in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err.decode()
    store = Store(url)
    assert len(store.list("p0")) == len(store.list("p1")) == 25
    ids = [s.id for s in store.list()]
    assert len(set(ids)) == 50
    store.close()


# ---- configuration -------------------------------------------------------------------------

def test_the_url_comes_from_env_then_secrets_then_the_data_folder(tmp_path: Path) -> None:
    assert resolve_url({}, tmp_path) == f"sqlite:///{tmp_path / 'data' / 'karte.sqlite'}"
    assert resolve_url({"KARTE_DATA_DIR": "/srv/k"}, tmp_path) == "sqlite:////srv/k/karte.sqlite"
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text('[connections.sql]\nurl = "postgresql://u:p@db/karte"\n')
    assert resolve_url({}, tmp_path) == "postgresql://u:p@db/karte"
    env = {"KARTE_DATABASE_URL": "postgresql+psycopg://x@y/z"}
    assert resolve_url(env, tmp_path) == "postgresql+psycopg://x@y/z"
    secrets.write_text('[connections.sql]\ndialect = "postgresql"\nhost = "db"\n'
                       'username = "u"\npassword = "p"\ndatabase = "karte"\nport = 5432\n')
    assert resolve_url({}, tmp_path) == "postgresql://u:p@db:5432/karte"


def test_the_sqlite_file_and_its_folder_are_created(tmp_path: Path) -> None:
    s = Store(f"sqlite:///{tmp_path / 'deep' / 'er' / 'karte.sqlite'}")
    s.save(_record())
    s.close()
    assert (tmp_path / "deep" / "er" / "karte.sqlite").is_file()


def test_client_key_folds_width_case_and_spaces() -> None:
    assert client_key("  ＡＢＣ　 Shop ") == client_key("abc shop") == "abc shop"


def test_the_schema_is_plain_sql_that_postgresql_accepts() -> None:
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateTable

    from engine.store import DIAGNOSES, v2_columns_ddl

    dialect = postgresql.dialect()
    create = str(CreateTable(DIAGNOSES).compile(dialect=dialect))
    assert "SERIAL" in create and "AUTOINCREMENT" not in create
    assert "TIMESTAMP WITHOUT TIME ZONE" in create
    assert v2_columns_ddl(dialect) == [
        "ALTER TABLE diagnoses ADD COLUMN client_key VARCHAR(200)",
        "ALTER TABLE diagnoses ADD COLUMN segments TEXT",
        "ALTER TABLE diagnoses ADD COLUMN assumptions TEXT",
        "ALTER TABLE diagnoses ADD COLUMN data_kpis TEXT"]


def test_a_long_text_saves_quickly(store: Store) -> None:
    # The e-mail check rescanned every position of a long word: 20 KB took about 4 s.
    import time

    rec = _record()
    rec["kpis"] = {"note": "x" * 200_000, "other": "y" * 100_000 + "@z"}
    start = time.perf_counter()
    new_id = store.save(rec)
    assert time.perf_counter() - start < 2
    assert store.get(new_id)["kpis"]["note"] == "x" * 200_000
    assert scrub({"client": "c", "kpis": {"m": "連絡先 a.b+c@example.co.jp"}}).removed == ["kpis.m"]
