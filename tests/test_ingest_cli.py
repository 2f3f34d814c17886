"""`python -m engine ingest FILE --json` as a subprocess."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"format", "encoding", "rows_in", "rows_kept", "rows_dropped", "orders", "customers", "revenue",
        "date_min", "date_max"}


def run(*args):
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


def test_json_summary(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes("注文番号,会員ID,受注日,金額\n1,A,2024/1/5,1000\n1,A,2024/1/5,500\n2,B,2024/2/1,700\n"
                     .encode("cp932"))
    proc = run("ingest", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) == KEYS
    assert out["encoding"] == "cp932" and out["orders"] == 2 and out["customers"] == 2
    assert out["revenue"] == 2200 and out["date_min"] == "2024-01-05"


def test_amazon_customers_null(tmp_path):
    path = tmp_path / "all.txt"
    path.write_text("amazon-order-id\tpurchase-date\torder-status\tasin\tquantity\titem-price\n"
                    "1\t2024-01-01T00:00:00+00:00\tShipped\tB1\t1\t100\n", encoding="utf-8")
    out = json.loads(run("ingest", str(path), "--json").stdout)
    assert out["customers"] is None and out["format"] == "amazon_all_orders"


def test_forced_format(tmp_path):
    path = tmp_path / "o.csv"
    path.write_text("date,amount\n2024-01-01,5\n", encoding="utf-8")
    assert json.loads(run("ingest", str(path), "--json", "--format", "generic").stdout)["revenue"] == 5


def test_unanalysable_file_exit_2_with_message(tmp_path):
    path = tmp_path / "page.csv"
    path.write_text("<html><body>login</body></html>", encoding="utf-8")
    proc = run("--lang", "ja", "ingest", str(path), "--json")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "HTML" in proc.stderr and "Traceback" not in proc.stderr


def test_several_files_at_once(tmp_path):
    jan, feb = tmp_path / "jan.csv", tmp_path / "feb.csv"
    jan.write_text("注文番号,会員ID,受注日,金額\n1,A,2024/1/5,1000\n2,B,2024/1/20,700\n", encoding="utf-8")
    feb.write_text("注文番号,会員ID,受注日,金額\n2,B,2024/1/20,700\n3,A,2024/2/3,300\n", encoding="utf-8")
    proc = run("ingest", str(jan), str(feb), "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    # order 2 is in both files: counted once
    assert (out["orders"], out["customers"], out["revenue"]) == (3, 2, 2000)
    assert out["rows_in"] == 4 and out["rows_dropped"] == {"in_other_file": 1}


def test_ingest_imports_no_model_libraries(tmp_path):
    """`python -m engine ingest` loads only what reading needs: no scipy, no scikit-learn."""
    path = tmp_path / "orders.csv"
    path.write_bytes("注文番号,会員ID,受注日,金額\n1,A,2024/1/5,1000\n".encode("cp932"))
    code = ("import sys, runpy; sys.argv = ['engine', 'ingest', sys.argv[1], '--json']\n"
            "try:\n    runpy.run_module('engine', run_name='__main__')\nexcept SystemExit as e:\n"
            "    assert not e.code, e.code\n"
            "print(sorted(m for m in ('scipy', 'sklearn') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"
