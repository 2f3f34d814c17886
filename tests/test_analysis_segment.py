"""The `segment` figures: every count adds up to `customers`, the same file gives the same output,
a file without buyers is said so, and the command line works end to end."""
import json
import subprocess
import sys
from pathlib import Path


from analysis_helpers import make_book, random_orders
from engine.analysis.summary import analyse_book
from engine.orderbook import IngestReport, OrderBook

ROOT = Path(__file__).resolve().parent.parent


def _book(n=400, guests=5):
    orders = random_orders(n, seed=7)
    orders.loc[orders.index[:guests], "customer_id"] = None
    lines = orders.assign(product="P1", quantity=1.0, amount=orders["revenue"], is_product=True)
    lines = lines[["order_id", "customer_id", "order_date", "product", "quantity", "amount",
                   "is_product", "subscription"]]
    return OrderBook(lines=lines, orders=orders,
                     report=IngestReport(format="test", encoding="utf-8", rows_in=len(lines),
                                         rows_kept=len(lines)))


def test_counts_sum_to_customers_and_guests_are_reported():
    out = analyse_book(_book())
    n = out["customers"]
    assert n == out["customers_in_file"] and out["guest_orders"] == 5
    assert sum(out["rfm"]["segments"].values()) == n
    assert sum(c["size"] for c in out["clusters"]) == n and out["k"] == len(out["clusters"])
    assert sum(out["cpm"].values()) == n
    assert out["ranks"]["ambassador"] is None
    assert sum(v for v in out["ranks"].values() if v is not None) == n
    assert 0 <= out["repeat_rate"] <= 1 and 0 <= out["f2_rate"] <= 1
    assert 0 <= out["dormant_high_value"] <= n


def test_same_book_same_output():
    assert json.dumps(analyse_book(_book())) == json.dumps(analyse_book(_book()))


def test_small_shop_explains_why_there_are_no_clusters():
    book = make_book([("1", "A", "2024-01-01", 100), ("2", "B", "2024-01-02", 200)])
    out = analyse_book(book)
    assert out["clusters"] == [] and out["clusters_unavailable"]["key"].startswith(
        "analysis.clusters.")
    assert sum(out["rfm"]["segments"].values()) == 2


CSV = ("注文番号,会員ID,注文日,合計金額\n" + "".join(
    f"{i},M{i % 40:03d},2024/{1 + i % 12}/{1 + i % 27},{1000 + (i * 37) % 9000}\n"
    for i in range(300)))


def test_cli_segment_json(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(CSV.encode("cp932"))
    cmd = [sys.executable, "-m", "engine", "segment", str(path), "--json"]
    runs = [subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
            for _ in range(2)]
    assert runs[0].returncode == 0, runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
    out = json.loads(runs[0].stdout)
    for key in ("rows_in", "repeat_rate", "f2_rate", "active_customers", "rfm", "clusters", "k",
                "cpm", "ranks", "dormant_high_value"):
        assert key in out
    assert sum(out["rfm"]["segments"].values()) == out["customers"] == 40
    assert sum(out["cpm"].values()) == 40


def test_cli_file_without_buyers_gives_figures_and_the_reason(tmp_path, capsys):
    from engine.cli import main

    path = tmp_path / "amazon.csv"
    path.write_text("注文番号,注文日,合計金額\n1,2024/1/1,1000\n2,2024/1/2,2000\n", encoding="utf-8")
    assert main(["--lang", "ja", "segment", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["orders"] == 2 and out["customers"] is None and out["rfm"] is None
    assert out["analysis_unavailable"]["key"] == "analysis.error.no_buyer_column"
    assert "購入者" in out["analysis_unavailable"]["message"]


def test_cli_as_of_and_k(tmp_path, capsys):
    from engine.cli import main

    path = tmp_path / "orders.csv"
    path.write_bytes(CSV.encode("utf-8"))
    assert main(["segment", str(path), "--json", "--as-of", "2024-07-01", "--k", "3"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["as_of"] == "2024-07-01" and out["k"] == 3 and out["k_chosen_by"] == "user"
    # only orders before July count: the CSV's dates run over the 12 months of 2024
    assert out["customers"] == sum(out["cpm"].values()) <= out["customers_in_file"]
