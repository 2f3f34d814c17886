"""Who may see what: the consultant's passphrase, the prospect's access code, a rate limit.

Pure Python (no streamlit): the page-side session handling is in `ui/auth.py`.

* The consultant's passphrase is configured as a hash (`KARTE_CONSULTANT_PASSPHRASE_HASH`, or
  `passphrase_hash` under `[consultant]` in `.streamlit/secrets.toml`), or as the plain
  passphrase (`KARTE_CONSULTANT_PASSPHRASE` / `passphrase`), which is hashed once at start and
  never kept. The hash is scrypt: `scrypt$n$r$p$salt_b64$hash_b64` (`hash_passphrase` writes
  one: `python -m engine.auth`). Checks compare in constant time.
* A saved diagnosis gets an access code (`new_access_code`, 128 random bits); the database keeps
  only its SHA-256 (`code_digest`), so a copy of the database does not open anything.
* `RateLimiter` counts failed attempts per client and in total over a sliding window.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import sys
import threading
import time
import tomllib
from collections import deque
from functools import lru_cache
from pathlib import Path
from typing import Callable, Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent
HASH_ENV = "KARTE_CONSULTANT_PASSPHRASE_HASH"
PLAIN_ENV = "KARTE_CONSULTANT_PASSPHRASE"
# scrypt cost: about 50 ms and 16 MB per check on this machine; enough against guessing from a
# stolen hash, cheap enough for a login form.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1
CODE_BYTES = 16
MIN_PASSPHRASE = 8
LOCAL_ADDRESSES = ("127.0.0.1", "localhost", "::1")


class ConfigError(ValueError):
    """A configured passphrase hash that cannot be read."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_passphrase(passphrase: str, salt: bytes | None = None) -> str:
    """The scrypt hash of `passphrase` in the configured form (a fresh random salt by default)."""
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R,
                            p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def _parse(stored: str) -> tuple[int, int, int, bytes, bytes]:
    try:
        kind, n, r, p, salt, digest = stored.strip().split("$")
        if kind != "scrypt":
            raise ValueError(kind)
        return int(n), int(r), int(p), _unb64(salt), _unb64(digest)
    except ValueError as exc:
        raise ConfigError("not a scrypt$n$r$p$salt$hash passphrase hash") from exc


def check_hash(stored: str) -> str:
    """`stored` when it is a readable passphrase hash; ConfigError otherwise."""
    _parse(stored)
    return stored.strip()


def verify(passphrase: str, stored: str) -> bool:
    """Whether `passphrase` matches the hash `stored` (constant-time comparison)."""
    n, r, p, salt, digest = _parse(stored)
    try:
        candidate = hashlib.scrypt(str(passphrase).encode("utf-8", "surrogatepass"), salt=salt,
                                   n=n, r=r, p=p, dklen=len(digest))
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(candidate, digest)


@lru_cache(maxsize=4)
def _hash_of_plain(plain: str) -> str:
    # Hashed once per process (scrypt is slow on purpose); the plain text is in the environment
    # or secrets.toml anyway.
    return hash_passphrase(plain)


def configured_hash(env: Mapping[str, str] | None = None, root: Path | None = None) -> str | None:
    """The consultant's passphrase hash from the environment or secrets.toml; None when unset.

    Order: env hash, env plain passphrase, secrets.toml `[consultant] passphrase_hash`, then
    `[consultant] passphrase`. ConfigError for an unreadable hash (the app must not silently
    run open).
    """
    env = os.environ if env is None else env
    if env.get(HASH_ENV):
        return check_hash(env[HASH_ENV])
    if env.get(PLAIN_ENV):
        return _hash_of_plain(env[PLAIN_ENV])
    secrets_file = (PROJECT_ROOT if root is None else Path(root)) / ".streamlit" / "secrets.toml"
    if secrets_file.is_file():
        with open(secrets_file, "rb") as fh:
            section = tomllib.load(fh).get("consultant", {})
        if section.get("passphrase_hash"):
            return check_hash(str(section["passphrase_hash"]))
        if section.get("passphrase"):
            return _hash_of_plain(str(section["passphrase"]))
    return None


def is_local(address: str | None) -> bool:
    """Whether the server's bind address reaches this computer only."""
    return (address or "").strip("[]") in LOCAL_ADDRESSES


def new_access_code() -> str:
    """An unguessable code for one saved diagnosis (URL-safe, 22 characters)."""
    return secrets.token_urlsafe(CODE_BYTES)


def code_digest(code: str) -> str:
    """What the database keeps of an access code: its SHA-256, hex."""
    return hashlib.sha256(code.strip().encode("utf-8", "surrogatepass")).hexdigest()


class RateLimiter:
    """Failed attempts per key and in total within `window_s`; thread-safe.

    `allowed(key)` is False while `per_key` failures of that key, or `total` failures of all
    keys, fall in the window (so opening new sessions does not buy more guesses).
    """

    def __init__(self, per_key: int = 5, total: int = 30, window_s: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_key, self.total, self.window_s, self.clock = per_key, total, window_s, clock
        self._failures: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()
        self._lock = threading.Lock()

    def _expire(self, queue: deque[float], now: float) -> None:
        while queue and queue[0] <= now - self.window_s:
            queue.popleft()

    def allowed(self, key: str) -> bool:
        with self._lock:
            now = self.clock()
            self._expire(self._all, now)
            mine = self._failures.get(key, deque())
            self._expire(mine, now)
            return len(mine) < self.per_key and len(self._all) < self.total

    def wait_s(self, key: str) -> int:
        """Seconds until the next attempt is allowed (0 when it is)."""
        with self._lock:
            now = self.clock()
            waits = [0.0]
            mine = self._failures.get(key, deque())
            if len(mine) >= self.per_key:
                waits.append(mine[len(mine) - self.per_key] + self.window_s - now)
            if len(self._all) >= self.total:
                waits.append(self._all[len(self._all) - self.total] + self.window_s - now)
            return max(0, int(max(waits) + 0.999))

    def failed(self, key: str) -> None:
        with self._lock:
            now = self.clock()
            self._failures.setdefault(key, deque()).append(now)
            self._all.append(now)
            if len(self._failures) > 10_000:  # bounded memory under a flood of keys
                for stale in [k for k, q in self._failures.items()
                              if not q or q[-1] <= now - self.window_s]:
                    del self._failures[stale]

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


def main(argv: list[str] | None = None) -> int:
    """`python -m engine.auth`: read a passphrase (twice) and print its hash for the config."""
    import getpass

    first = getpass.getpass("consultant passphrase: ")
    if len(first) < MIN_PASSPHRASE:
        print(f"use at least {MIN_PASSPHRASE} characters", file=sys.stderr)
        return 2
    if getpass.getpass("again: ") != first:
        print("the two entries differ", file=sys.stderr)
        return 2
    print(f"{HASH_ENV}='{hash_passphrase(first)}'")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
