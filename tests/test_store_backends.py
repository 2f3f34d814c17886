"""Saved diagnoses on SQLite and on a real PostgreSQL server alike: any text saves, the schema
upgrades, concurrent writers lose nothing, a process killed mid-save leaves no broken row, and
a diagnosis opens by its access code only."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from engine import store as store_module
from engine.auth import code_digest, new_access_code
from engine.store import CURRENT_VERSION, Store

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ["sqlite", "postgresql"]
# Text a user can type or a file can carry: NUL, lone surrogates of both halves, markup,
# CP932 favourites, an emoji (a surrogate pair in UTF-16, one code point here).
ODD = "山田\x00商店 \ud800 ① ㈱ 髙 \udfff <b>x</b> [a](http://e.example) 🍣"
CLEANED = "山田商店 \ufffd ① ㈱ 髙 \ufffd <b>x</b> [a](http://e.example) 🍣"


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'karte.sqlite'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(url: str) -> Store:
    s = Store(url)
    yield s
    s.close()


def _record(client: str = "山田商店", score: float = 40) -> dict:
    return {"client": client, "lang": "ja", "answers": {"q1": 1_000_000, "q3": "お試し"},
            "areas": [{"id": "retention", "label": "リピート", "score": score}],
            "kpis": {"ltv_cpa_ratio": 1.5}}


def test_any_text_saves_cleaned_and_comes_back(store: Store) -> None:
    rec = _record(ODD)
    rec["answers"] = {"q3": ODD, ODD: 1}
    rec["kpis"] = {"note": ODD}
    new_id = store.save(rec)
    got = store.get(new_id)
    assert got["client"] == CLEANED
    assert got["answers"] == {"q3": CLEANED, CLEANED: 1}
    assert got["kpis"] == {"note": CLEANED}
    assert [s.client for s in store.list(CLEANED)] == [CLEANED]


def test_a_round_trip_keeps_every_value(store: Store) -> None:
    rec = _record("ＡＢＣ商店", 55.5)
    rec["created_at"] = "2026-03-01T08:15:00"
    rec["segments"] = {"cpm": [{"segment": "優良客", "customers": 8, "revenue": 900_000}]}
    rec["assumptions"] = {"dm_cost": 150}
    new_id = store.save(rec)
    got = store.get(new_id)
    assert got["created_at"] == datetime(2026, 3, 1, 8, 15)
    assert got["areas"] == rec["areas"] and got["answers"] == rec["answers"]
    assert got["segments"] == rec["segments"] and got["assumptions"] == rec["assumptions"]
    assert [s.id for s in store.list("abc商店")] == [new_id]  # width and case folded


def test_a_diagnosis_opens_by_its_code_only(store: Store) -> None:
    code = new_access_code()
    mine = store.save(_record("見込み客A"), access_code=code)
    other = store.save(_record("見込み客B"), access_code=new_access_code())
    store.save(_record("相談先"))  # saved without a code: the consultant's only
    assert store.find_by_code(code) == mine
    assert store.find_by_code(f" {code}\n") == mine
    assert store.find_by_code(code[:-1]) is None
    assert store.find_by_code("") is None and store.find_by_code("x" * 500) is None
    assert store.find_by_code("\x00\ud800") is None
    assert other != mine
    with store.engine.begin() as conn:  # the code itself is never written
        keys = [r[0] for r in conn.execute(text("SELECT access_key FROM diagnoses"))]
    assert code not in keys and code_digest(code) in keys and None in keys


def _create_v1(url: str) -> None:
    engine = store_module.make_engine(url)
    with engine.begin() as conn:
        store_module.SCHEMA_VERSION.create(conn)
        conn.execute(text("INSERT INTO schema_version (version) VALUES (1)"))
        store_module._v1(conn)
        for when, score in (("2025-10-01 09:30:00", 35), ("2026-01-01 09:30:00", 45)):
            conn.execute(text(
                "INSERT INTO diagnoses (client, created_at, lang, answers, scores, kpis, plan) "
                "VALUES (:c, :w, 'ja', '{\"q1\": 5}', :s, '{\"ltv\": 8000}', '[]')"),
                {"c": "ＡＢＣ商店", "w": datetime.fromisoformat(when),
                 "s": json.dumps([{"id": "retention", "score": score}])})
    engine.dispose()


def test_a_version_1_database_upgrades_to_the_current_schema(url: str) -> None:
    _create_v1(url)
    store = Store(url)
    try:
        assert store.version == CURRENT_VERSION == 4
        with store.engine.begin() as conn:
            assert conn.execute(text("SELECT version FROM schema_version")).scalar() == 4
            keys = conn.execute(text("SELECT client_key, access_key FROM diagnoses")).all()
        assert keys == [("abc商店", None), ("abc商店", None)]
        assert store.compare(1, 2)["scores"][0]["delta"] == 10
        code = new_access_code()
        new_id = store.save(_record("abc商店"), access_code=code)
        assert store.find_by_code(code) == new_id == 3
    finally:
        store.close()
    again = Store(url)  # opening again changes nothing
    assert again.version == CURRENT_VERSION and len(again.list()) == 3
    again.close()


def test_concurrent_writers_in_threads_and_processes_lose_nothing(url: str) -> None:
    stores = [Store(url) for _ in range(4)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(stores))

    def work(i: int, s: Store) -> None:
        try:
            barrier.wait()
            for n in range(20):
                s.save(_record(f"thread{i}", n), access_code=new_access_code())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    script = textwrap.dedent(f"""
        import sys
        from engine.store import Store
        s = Store({url!r})
        for n in range(20):
            s.save({{"client": "proc" + sys.argv[1], "areas": [{{"id": "a", "score": n}}]}})
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(i)], cwd=ROOT,
                              stderr=subprocess.PIPE) for i in range(3)]
    threads = [threading.Thread(target=work, args=(i, s)) for i, s in enumerate(stores)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    assert errors == []
    check = Store(url)
    everything = check.list()
    assert len(everything) == 4 * 20 + 3 * 20 and len({s.id for s in everything}) == 140
    for i in range(4):
        assert sorted(s.scores["retention"] for s in check.list(f"thread{i}")) == list(range(20))
    for i in range(3):
        assert sorted(s.scores["a"] for s in check.list(f"proc{i}")) == list(range(20))
    for s in [*stores, check]:
        s.close()


KILLED_SAVER = textwrap.dedent("""
    import sys, time
    from sqlalchemy import insert
    from engine.store import DIAGNOSES, Store
    s = Store(sys.argv[1])
    if sys.argv[2] == "open":  # a transaction left open when the process dies
        with s.engine.begin() as conn:
            conn.execute(insert(DIAGNOSES).values(client="half", client_key="half",
                         lang="ja", created_at=__import__("datetime").datetime(2026, 1, 1)))
            print("inserted", flush=True)
            time.sleep(60)
    n = 0
    while True:
        new_id = s.save({"client": "loop", "areas": [{"id": "a", "score": n % 100}],
                         "kpis": {"pad": "x" * 20000}})
        print(new_id, flush=True)
        n += 1
""")


def _kill_after(url: str, mode: str, lines: int) -> list[str]:
    proc = subprocess.Popen([sys.executable, "-c", KILLED_SAVER, url, mode], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    try:
        while len(seen) < lines:
            line = proc.stdout.readline()
            if not line:
                raise AssertionError(proc.stderr.read())
            seen.append(line.strip())
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    return seen


def test_a_process_killed_mid_save_leaves_every_row_whole(url: str) -> None:
    Store(url).close()  # schema first, so the kills land in saves
    acked: list[str] = []
    for _ in range(3):
        acked += _kill_after(url, "loop", 25)
    _kill_after(url, "open", 1)  # killed inside an uncommitted transaction
    store = Store(url)
    try:
        rows = store.list()
        ids = {s.id for s in rows}
        assert {int(a) for a in acked} <= ids  # every acknowledged save is there
        assert "half" not in {s.client for s in rows}  # the open transaction left nothing
        for summary in rows:  # and no row is half written
            got = store.get(summary.id)
            assert got["kpis"] == {"pad": "x" * 20000} and got["areas"][0]["id"] == "a"
        new_id = store.save(_record())  # the database still takes writes
        assert new_id > max(ids)
    finally:
        store.close()
