"""Customer keys made from name + phone are an HMAC under a secret, on the command line as in the
app: the installation's secret by default (the same keys in every run and session, so a list
downloaded today still matches), or the one given (`--salt` / KARTE_SALT). Never unkeyed: a key
in a report cannot be turned back into a phone number by hashing candidates."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from engine.ingest import ingest
from engine.ingest.keys import SALT_ENV, hash_name_phone, run_salt
from engine.secret import SECRET_ENV

ROOT = Path(__file__).resolve().parent.parent
ORDERS = ("注文日,注文番号,購入者名,電話番号,合計金額\n"
          "2026-01-01,A1,山田太郎,090-1234-5678,1000\n"
          "2026-02-01,A2,山田 太郎,09012345678,2000\n"
          "2026-02-03,A3,佐藤花子,080-0000-1111,500\n").encode()
PAIR = "山田太郎\x1f09012345678".encode()
UNSALTED = hashlib.sha256(b"\x1f" + PAIR).hexdigest()[:16]


def keyed(secret: bytes) -> str:
    """The key an independent HMAC-SHA256 gives (first 16 hex characters)."""
    return hmac.new(secret, PAIR, hashlib.sha256).hexdigest()[:16]


def test_no_salt_given_means_the_installation_secret(monkeypatch) -> None:
    monkeypatch.delenv(SALT_ENV, raising=False)
    monkeypatch.setenv(SECRET_ENV, "installation")
    key = hash_name_phone(pd.Series(["山田太郎"]), pd.Series(["090-1234-5678"]), b"")[0]
    assert key != UNSALTED
    assert run_salt() == b"installation" and key == keyed(b"installation")
    ids = ingest(ORDERS, "orders.csv").orders["customer_id"].tolist()
    assert ids[0] == ids[1] == key and ids[2] != key  # one buyer still links her orders


def test_a_given_salt_wins_over_the_installation_secret(monkeypatch) -> None:
    monkeypatch.setenv(SALT_ENV, "shop-secret")
    assert ingest(ORDERS, "orders.csv").orders["customer_id"][0] == keyed(b"shop-secret")


def _cli_keys(data_dir: Path, *options: str) -> list[str]:
    path = data_dir / "orders.csv"
    path.write_bytes(ORDERS)
    script = ("import sys, engine.cli as c, engine.ingest as i\n"
              "orig = i.read_raw\n"
              "def spy(*a, **k):\n"
              "    b = orig(*a, **k); print('KEYS', list(b.orders['customer_id'])); return b\n"
              "i.read_raw = spy\n"
              "sys.exit(c.main(sys.argv[1:]))\n")
    env = {k: v for k, v in os.environ.items() if k not in (SALT_ENV, SECRET_ENV)}
    env["KARTE_DATA_DIR"] = str(data_dir)
    out = subprocess.run([sys.executable, "-c", script, *options, "ingest", str(path)],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("KEYS"))
    return json.loads(line[5:].replace("'", '"'))


def test_the_command_line_keeps_keys_across_runs_of_one_installation(tmp_path) -> None:
    one, other = tmp_path / "one", tmp_path / "other"
    one.mkdir(), other.mkdir()
    first, second = _cli_keys(one), _cli_keys(one)
    assert first == second and first[0] == first[1] and UNSALTED not in first
    secret = (one / "secret.key").read_bytes()
    assert len(secret) == 32 and first[0] == keyed(secret)
    assert _cli_keys(other)[0] != first[0]   # another installation cannot link them
    stable = [_cli_keys(one, "--salt", "s3cret") for _ in range(2)]
    assert stable[0] == stable[1] and stable[0][0] == keyed(b"s3cret")
