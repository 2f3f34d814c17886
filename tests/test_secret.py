"""The installation's secret: from KARTE_SECRET, secrets.toml, else a 0600 file made once."""
from __future__ import annotations

import stat
from pathlib import Path

from engine.secret import FILE_NAME, installation_secret


def test_made_once_private_and_then_the_same(tmp_path) -> None:
    env = {"KARTE_DATA_DIR": str(tmp_path / "data")}
    first = installation_secret(env, root=tmp_path)
    path = tmp_path / "data" / FILE_NAME
    assert path.read_bytes() == first and len(first) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert installation_secret(env, root=tmp_path) == first
    other = {"KARTE_DATA_DIR": str(tmp_path / "elsewhere")}
    assert installation_secret(other, root=tmp_path) != first


def test_environment_then_secrets_toml_come_first(tmp_path) -> None:
    env = {"KARTE_DATA_DIR": str(tmp_path / "data"), "KARTE_SECRET": "from-env"}
    assert installation_secret(env, root=tmp_path) == b"from-env"
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('[karte]\nsecret = "from-toml"\n')
    env.pop("KARTE_SECRET")
    assert installation_secret(env, root=tmp_path) == b"from-toml"
    assert not (tmp_path / "data" / FILE_NAME).exists()   # nothing written when configured


def test_an_existing_file_is_read_not_replaced(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_bytes(b"x" * 32)
    assert installation_secret({"KARTE_DATA_DIR": str(tmp_path)}, root=tmp_path) == b"x" * 32
