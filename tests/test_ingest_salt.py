"""Customer keys made from name + phone are salted on the command line too: random per run
unless a salt is given (`--salt` / KARTE_SALT), so a key in a report cannot be turned back into
a phone number by hashing candidates."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from engine.ingest import ingest
from engine.ingest.keys import SALT_ENV, hash_name_phone, run_salt

ROOT = Path(__file__).resolve().parent.parent
ORDERS = ("注文日,注文番号,購入者名,電話番号,合計金額\n"
          "2026-01-01,A1,山田太郎,090-1234-5678,1000\n"
          "2026-02-01,A2,山田 太郎,09012345678,2000\n"
          "2026-02-03,A3,佐藤花子,080-0000-1111,500\n").encode()
UNSALTED = hashlib.sha256(b"\x1f" + "山田太郎\x1f09012345678".encode()).hexdigest()[:16]


def test_no_salt_given_means_this_runs_random_salt_not_none(monkeypatch) -> None:
    monkeypatch.delenv(SALT_ENV, raising=False)
    key = hash_name_phone(pd.Series(["山田太郎"]), pd.Series(["090-1234-5678"]), b"")[0]
    assert key != UNSALTED
    assert key == hashlib.sha256(run_salt() + b"\x1f" + "山田太郎\x1f09012345678".encode()
                                 ).hexdigest()[:16]
    book = ingest(ORDERS, "orders.csv")
    ids = book.orders["customer_id"].tolist()
    assert ids[0] == ids[1] == key and ids[2] != key  # one buyer still links her orders


def test_a_given_salt_keeps_keys_stable(monkeypatch) -> None:
    monkeypatch.setenv(SALT_ENV, "shop-secret")
    expected = hashlib.sha256(b"shop-secret\x1f" + "山田太郎\x1f09012345678".encode()
                              ).hexdigest()[:16]
    assert ingest(ORDERS, "orders.csv").orders["customer_id"][0] == expected


def _cli_keys(tmp_path: Path, *options: str) -> list[str]:
    path = tmp_path / "orders.csv"
    path.write_bytes(ORDERS)
    # the command line reads its files through engine.ingest.ingest_files (commands._files)
    script = ("import sys, engine.cli as c, engine.ingest as i\n"
              "orig = i.ingest_files\n"
              "def spy(*a, **k):\n"
              "    b = orig(*a, **k); print('KEYS', list(b.orders['customer_id'])); return b\n"
              "i.ingest_files = spy\n"
              "sys.exit(c.main(sys.argv[1:]))\n")
    env = {k: v for k, v in __import__("os").environ.items() if k != SALT_ENV}
    out = subprocess.run([sys.executable, "-c", script, *options, "ingest", str(path)],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("KEYS"))
    return json.loads(line[5:].replace("'", '"'))


def test_the_command_line_salts_per_run_unless_told(tmp_path) -> None:
    first, second = _cli_keys(tmp_path), _cli_keys(tmp_path)
    assert first[0] == first[1] and second[0] == second[1]
    assert first[0] != second[0] and UNSALTED not in first + second  # unlinkable across runs
    stable = [_cli_keys(tmp_path, "--salt", "s3cret") for _ in range(2)]
    assert stable[0] == stable[1]
    assert stable[0][0] == hashlib.sha256(b"s3cret\x1f" + "山田太郎\x1f09012345678".encode()
                                          ).hexdigest()[:16]
