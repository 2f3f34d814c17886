"""Who may see what, through Streamlit's AppTest: with a consultant passphrase set, a visitor
sees only the diagnoses their session saved or whose access code they hold; the list of all
diagnoses, comparisons, deletion and the live mode need the passphrase; guessing is slowed
down. Without a passphrase, a server reachable from other computers keeps those closed."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from engine import auth, samples
from engine.auth import new_access_code
from engine.diagnosis import diagnose
from engine.i18n import t
from engine.store import Store, resolve_url

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PASSPHRASE = "seminar-2026 tuesday"
SECRET_CLIENT = "守秘商店"  # another prospect's diagnosis: must never reach a visitor


@pytest.fixture
def address():
    before = config.get_option("server.address")
    yield lambda value: config.set_option("server.address", value)
    config.set_option("server.address", before)


@pytest.fixture
def store(tmp_path, monkeypatch, address) -> Store:
    monkeypatch.setenv("KARTE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("KARTE_DATABASE_URL", raising=False)
    monkeypatch.delenv("KARTE_CONSULTANT_PASSPHRASE_HASH", raising=False)
    monkeypatch.setenv("KARTE_CONSULTANT_PASSPHRASE", PASSPHRASE)
    address("0.0.0.0")  # a seminar server
    db = Store(resolve_url())
    yield db
    db.close()


def _seed(db: Store, client: str, code: str | None = None) -> int:
    answers = samples.sample_answers("cosmetics")
    return db.save({"client": client, "lang": "ja", "answers": answers,
                    "diagnosis": diagnose(answers, "ja").to_json()}, access_code=code)


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception
    return at


def _page(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception
    return at


def _texts(at: AppTest) -> str:
    """Everything the page shows as text: messages, captions, tables, options."""
    parts = [e.value for kind in ("markdown", "caption", "info", "error", "success", "warning",
                                  "code", "title") for e in getattr(at, kind)]
    parts += [df.value.to_string() for df in at.dataframe]
    parts += [str(o) for box in at.selectbox for o in box.options]
    return "\n".join(map(str, parts))


def _login(at: AppTest, phrase: str) -> AppTest:
    at.text_input(key="login_phrase").input(phrase)
    at.button[[b.label for b in at.button].index(t("ui.auth.login", "ja"))].click().run()
    return at


def test_a_visitor_cannot_list_or_open_another_diagnosis(store):
    _seed(store, SECRET_CLIENT, new_access_code())
    _seed(store, "相談先")  # the consultant's, without a code
    at = _page(_app(), "pages/history.py")
    shown = _texts(at)
    assert SECRET_CLIENT not in shown and "相談先" not in shown
    assert t("ui.access.none_yet", "ja") in shown
    keys = {getattr(e, "key", None) for e in at.selectbox}
    assert "hist_client" not in keys and "hist_open" not in keys  # no list, no picker
    assert not at.dataframe and not at.tabs


def test_the_saving_session_and_the_code_holder_open_it_and_no_one_else(store):
    saver = _app()
    saver.session_state["answers"] = samples.sample_answers("cosmetics")
    _page(saver, "pages/result.py")
    saver.text_input(key="save_client").input("見込み客A").run()
    saver.checkbox(key="save_consent").check().run()
    saver.button(key="save_button").click().run()
    assert not saver.exception
    (saved,) = store.list()
    code = saver.code[0].value
    assert store.find_by_code(code) == saved.id
    assert f"history?code={code}" in saver.code[1].value  # the link

    _page(saver, "pages/history.py")  # the session that saved it sees it, without the code
    assert "見込み客A" in saver.caption[-1].value or "見込み客A" in _texts(saver)

    stranger = _page(_app(), "pages/history.py")
    assert "見込み客A" not in _texts(stranger)
    stranger.text_input(key="access_code_input").input(code[:-2] + "xx")
    stranger.button[0].click().run()
    assert t("ui.access.unknown_code", "ja") in _texts(stranger)
    assert "見込み客A" not in _texts(stranger)

    holder = _app()
    holder.query_params["code"] = code  # the link: /history?code=...
    _page(holder, "pages/history.py")
    assert "見込み客A" in _texts(holder)
    labels = [b.label for b in holder.get("download_button")]
    assert t("report.download_html", "ja") in labels
    assert not [b for b in holder.button if b.key == "hist_delete_ask"]  # deletion: consultant


def test_the_consultant_lists_compares_and_deletes_after_the_passphrase(store):
    first = _seed(store, SECRET_CLIENT, new_access_code())
    at = _page(_app(), "pages/history.py")
    _login(at, "not the passphrase")
    assert t("ui.auth.wrong", "ja") in _texts(at) and SECRET_CLIENT not in _texts(at)
    _login(at, PASSPHRASE)
    assert not at.exception
    assert SECRET_CLIENT in _texts(at)
    assert at.selectbox(key="hist_open").value == first
    assert [b for b in at.button if b.key == "hist_delete_ask"]
    _page(at, "pages/live.py")  # the live mode opens in the same session
    assert t("ui.live.title", "ja") in _texts(at)


def test_the_live_mode_needs_the_passphrase(store):
    at = _page(_app(), "pages/live.py")
    assert t("ui.auth.needed", "ja") in _texts(at)
    assert t("ui.live.title", "ja") not in _texts(at)


def test_guessing_is_rate_limited(store):
    from ui import auth as ui_auth

    ui_auth._limiter.clear()
    at = _page(_app(), "pages/history.py")
    limiter = auth.RateLimiter()
    for _ in range(limiter.per_key):
        _login(at, "guess")
    _login(at, PASSPHRASE)  # even the right one waits now
    shown = _texts(at)
    assert t("ui.auth.wait", "ja").split("{")[0] in shown
    assert SECRET_CLIENT not in shown and "hist_client" not in {s.key for s in at.selectbox}
    ui_auth._limiter.clear()


def test_without_a_passphrase_a_public_server_keeps_the_consultant_pages_closed(
        store, monkeypatch, address):
    monkeypatch.delenv("KARTE_CONSULTANT_PASSPHRASE")
    _seed(store, SECRET_CLIENT)
    at = _page(_app(), "pages/history.py")
    assert SECRET_CLIENT not in _texts(at)
    assert t("ui.auth.locked", "ja") in _texts(at)
    address("127.0.0.1")  # the same app on this computer only: single-user mode, all open
    at = _app()
    assert t("ui.auth.single_user", "ja") in "\n".join(c.value for c in at.sidebar.caption)
    _page(at, "pages/history.py")
    assert SECRET_CLIENT in _texts(at)
