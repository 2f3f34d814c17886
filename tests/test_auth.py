"""The consultant's passphrase, the access codes of saved diagnoses and the rate limit
(engine.auth): hashes as configured, constant-time checks, guessing slowed down."""
from __future__ import annotations

import hashlib

import pytest

from engine import auth


def test_a_hash_verifies_its_passphrase_only() -> None:
    stored = auth.hash_passphrase("correct horse battery")
    assert stored.startswith("scrypt$16384$8$1$")
    assert auth.verify("correct horse battery", stored)
    assert not auth.verify("correct horse batterY", stored)
    assert not auth.verify("", stored)
    assert not auth.verify("\ud800", stored)  # odd text is a wrong answer, not a crash


def test_the_hash_is_scrypt_with_its_own_salt() -> None:
    a, b = auth.hash_passphrase("same words"), auth.hash_passphrase("same words")
    assert a != b  # a fresh salt each time
    kind, n, r, p, salt, digest = a.split("$")
    expected = hashlib.scrypt(b"same words", salt=auth._unb64(salt), n=int(n), r=int(r),
                              p=int(p), dklen=32)
    assert auth._unb64(digest) == expected


def test_the_comparison_is_constant_time(monkeypatch) -> None:
    seen = []
    real = auth.hmac.compare_digest
    monkeypatch.setattr(auth.hmac, "compare_digest", lambda a, b: seen.append(1) or real(a, b))
    auth.verify("x" * 10, auth.hash_passphrase("y" * 10))
    assert seen == [1]


def test_configuration_order_env_hash_then_plain_then_secrets(tmp_path) -> None:
    stored = auth.hash_passphrase("from the env hash")
    assert auth.configured_hash({auth.HASH_ENV: stored}, tmp_path) == stored
    plain = auth.configured_hash({auth.PLAIN_ENV: "plain words"}, tmp_path)
    assert plain.startswith("scrypt$") and auth.verify("plain words", plain)
    assert auth.configured_hash({}, tmp_path) is None  # nothing set: single-user mode
    (tmp_path / ".streamlit").mkdir()
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.write_text(f'[consultant]\npassphrase_hash = "{stored}"\n')
    assert auth.configured_hash({}, tmp_path) == stored
    secrets.write_text('[consultant]\npassphrase = "in secrets"\n')
    assert auth.verify("in secrets", auth.configured_hash({}, tmp_path))


def test_an_unreadable_hash_is_an_error_not_an_open_door(tmp_path) -> None:
    with pytest.raises(auth.ConfigError):
        auth.configured_hash({auth.HASH_ENV: "plain-text-by-mistake"}, tmp_path)


def test_local_addresses() -> None:
    assert auth.is_local("127.0.0.1") and auth.is_local("localhost") and auth.is_local("[::1]")
    assert not auth.is_local("0.0.0.0") and not auth.is_local("") and not auth.is_local(None)


def test_access_codes_are_long_random_and_kept_as_digests() -> None:
    codes = {auth.new_access_code() for _ in range(200)}
    assert len(codes) == 200 and all(len(c) >= 22 for c in codes)
    code = next(iter(codes))
    assert auth.code_digest(code) == hashlib.sha256(code.encode()).hexdigest()
    assert auth.code_digest(f"  {code}\n") == auth.code_digest(code)  # pasted with spaces


def test_rate_limit_per_key_and_in_total() -> None:
    now = [1000.0]
    limiter = auth.RateLimiter(per_key=3, total=5, window_s=60, clock=lambda: now[0])
    for _ in range(3):
        assert limiter.allowed("a")
        limiter.failed("a")
    assert not limiter.allowed("a") and limiter.allowed("b")
    assert 0 < limiter.wait_s("a") <= 60
    limiter.failed("b")
    limiter.failed("c")  # 5 failures in total: every key waits
    assert not limiter.allowed("d")
    now[0] += 61
    assert limiter.allowed("a") and limiter.allowed("d") and limiter.wait_s("a") == 0


def test_a_success_clears_the_key_but_not_the_total() -> None:
    limiter = auth.RateLimiter(per_key=2, total=10, window_s=60, clock=lambda: 0.0)
    limiter.failed("a")
    limiter.succeeded("a")
    limiter.failed("a")
    assert limiter.allowed("a")
