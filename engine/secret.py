"""The installation's secret: the key of every keyed hash the app makes of personal data.

Customer keys made from name + phone (engine/ingest/keys.py) are an HMAC of the pair under this
secret, so the same file gives the same keys in every session and every run of one
installation (a list downloaded today matches next month's), while nobody without the secret can
turn a key back into a phone number by hashing candidates. Issue 15 reuses it for campaign keys.

Where it comes from, first found wins:
1. `KARTE_SECRET` in the environment (any text; several servers of one installation share it);
2. `secret` under `[karte]` in `.streamlit/secrets.toml`;
3. the file `secret.key` in `KARTE_DATA_DIR` (else data/): 32 random bytes, created once with
   0600 permissions (owner read/write only) on first use.
Losing the file changes every name + phone key from then on (the figures stay the same; only
the keys of earlier downloads stop matching).
"""
from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path
from typing import Mapping

SECRET_ENV = "KARTE_SECRET"
FILE_NAME = "secret.key"
SECRET_BYTES = 32
PROJECT_ROOT = Path(__file__).resolve().parent.parent
_cache: dict[tuple, bytes] = {}


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("KARTE_DATA_DIR") or PROJECT_ROOT / "data")


def _from_secrets_toml(root: Path) -> bytes | None:
    path = root / ".streamlit" / "secrets.toml"
    if not path.is_file():
        return None
    try:
        with open(path, "rb") as fh:
            value = tomllib.load(fh).get("karte", {}).get("secret")
    except (OSError, tomllib.TOMLDecodeError, AttributeError):
        return None
    return str(value).encode("utf-8", "surrogatepass") if value else None


def _from_file(folder: Path) -> bytes:
    """The secret file's bytes, created (0600, exclusively: two first sessions agree) if absent."""
    path = folder / FILE_NAME
    folder.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        data = path.read_bytes()
        if len(data) >= 16:
            return data
        raise OSError(f"{path} is shorter than 16 bytes: remove it to make a new secret")
    with os.fdopen(fd, "wb") as fh:
        fh.write(secrets.token_bytes(SECRET_BYTES))
    return path.read_bytes()


def installation_secret(env: Mapping[str, str] | None = None, root: Path | None = None) -> bytes:
    """The installation's secret (see the module docstring), read once per place it lives in."""
    env = os.environ if env is None else env
    given = env.get(SECRET_ENV)
    if given:
        return given.encode("utf-8", "surrogatepass")
    root = PROJECT_ROOT if root is None else Path(root)
    folder = data_dir(env)
    cache_key = (str(root), str(folder))
    if cache_key not in _cache:
        _cache[cache_key] = _from_secrets_toml(root) or _from_file(folder)
    return _cache[cache_key]


__all__ = ["installation_secret", "SECRET_ENV", "FILE_NAME", "data_dir"]
