"""`python -m engine report`: HTML or workbook by extension, with or without an order file."""
from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest

from engine.cli import main
from engine.i18n import t

ANSWERS = {"client": "=cmd|' /C calc'!A0 <script>alert(1)</script>",
           "answers": {"q1": 120000000, "q2": 60, "q3": "trial", "q4": "subscription",
                       "q5": ["sns_ads"], "q6": 8000, "q7": 5000, "q8": 25, "q9": 12000,
                       "q10": ["thank_you"], "gross_margin": 60, "active_last_year": 4500,
                       "subscription": True}}
ORDERS = """order_id,customer_id,order_date,product,quantity,amount
1,c1,2025-01-05,A,1,3000
2,c1,2025-03-05,B,2,5000
3,c2,2025-02-01,A,1,3000
4,c3,2025-06-01,C,1,12000
5,c3,2025-07-01,C,1,12000
6,c3,2025-09-01,A,1,3000
7,c4,2025-10-01,B,1,2500
8,=cmd|' /C calc'!A0,2025-10-02,<script>x</script>,1,999
"""


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "answers.json").write_text(json.dumps(ANSWERS, ensure_ascii=False), "utf-8")
    (tmp_path / "orders.csv").write_text(ORDERS, "utf-8")
    return tmp_path


def _run(args: list[str], capsys) -> tuple[int, dict | None, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def test_html_from_the_answers_alone(files: Path, capsys) -> None:
    out = files / "r.html"
    code, printed, _ = _run(["--lang", "ja", "report", str(files / "answers.json"),
                             "--out", str(out)], capsys)
    assert code == 0 and printed["format"] == "html" and printed["orders"] is False
    doc = out.read_text("utf-8")
    assert "<script>alert" not in doc and "&lt;script&gt;alert(1)" in doc
    assert 'id="scores"' in doc and 'id="plan"' in doc and 'id="segments"' not in doc
    assert "http" not in doc


def test_workbook_with_orders_and_every_list(files: Path, capsys) -> None:
    out = files / "r.xlsx"
    code, printed, err = _run(["--lang", "en", "report", str(files / "answers.json"),
                               "--orders", str(files / "orders.csv"), "--lists", "all",
                               "--out", str(out)], capsys)
    assert code == 0, err
    wb = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    for key in ("summary", "scores", "kpis", "segments", "ranks", "dormant", "actions"):
        assert t(f"report.sheet.{key}", "en") in wb.sheetnames
    lists = [n for n in wb.sheetnames if n.startswith(t("report.sheet.list", "en") + "_")]
    assert len(lists) == len(printed["lists"]) >= 2
    from engine.analysis.lists import id_header

    # the key column says what the key is (this file keys by member ID), and every list
    # carries the customer's last order number to find them in the shop's own system
    header = [id_header("member_id", "en")] + [t(f"report.col.{c}", "en") for c in
                                              ("R", "F", "M", "segment", "rank", "top_product",
                                               "last_order_id")]
    listed = {}
    for name in lists:
        ws = wb[name]
        cols = [c.value for c in ws[1]]
        assert set(header) <= set(cols)
        for row in ws.iter_rows(min_row=2, values_only=True):
            listed.setdefault(name, []).append(dict(zip(cols, row)))
    everyone = [r for n, rows in listed.items() if "Dormant" not in n for r in rows]
    keys = sorted(r[header[0]] for r in everyone)
    assert keys == sorted(["c1", "c2", "c3", "c4", "'=cmd|' /C calc'!A0"])  # each once, inert
    top = {r[header[0]]: r[header[-2]] for r in everyone}
    assert top["c1"] == "B" and top["c3"] == "C"    # most bought by quantity
    summary = wb[t("report.sheet.summary", "en")]
    assert summary["B2"].value.startswith("'=cmd")
    ranks = wb[t("report.sheet.ranks", "en")]
    assert sum(r[1] or 0 for r in ranks.iter_rows(min_row=2, values_only=True)) == 5


def test_lists_none_keeps_customers_out(files: Path, capsys) -> None:
    out = files / "r.xlsx"
    code, printed, _ = _run(["report", str(files / "answers.json"), "--orders",
                             str(files / "orders.csv"), "--out", str(out)], capsys)
    assert code == 0 and printed["lists"] == []
    wb = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert not [n for n in wb.sheetnames if n.startswith(t("report.sheet.list", "en"))]


def test_a_wrong_extension_or_answers_file_is_a_clear_error(files: Path, capsys) -> None:
    code, _, err = _run(["report", str(files / "answers.json"), "--out",
                         str(files / "r.pdf")], capsys)
    assert code == 2 and ".html or .xlsx" in err and "Traceback" not in err
    (files / "bad.json").write_text("{not json", "utf-8")
    code, _, err = _run(["--lang", "ja", "report", str(files / "bad.json"), "--out",
                         str(files / "r.html")], capsys)
    assert code == 2 and "回答ファイル" in err
    assert not (files / "r.html").exists()


def test_the_call_to_action_is_passed_through_only_when_http(files: Path, capsys) -> None:
    out = files / "r.html"
    _run(["report", str(files / "answers.json"), "--out", str(out), "--cta-text", "Book",
          "--cta-url", "javascript:alert(1)"], capsys)
    assert "javascript" not in out.read_text("utf-8") and "Book" in out.read_text("utf-8")
    _run(["report", str(files / "answers.json"), "--out", str(out), "--cta-text", "Book",
          "--cta-url", "https://example.jp/x"], capsys)
    assert 'href="https://example.jp/x"' in out.read_text("utf-8")


def test_with_orders_the_report_compares_answers_and_prices_the_plan(tmp_path: Path, capsys):
    from engine import samples
    from engine.ingest import ingest
    from engine.roi import build_data_plan

    data, name = samples.generate("cosmetics")
    (tmp_path / name).write_bytes(data)
    answers = samples.sample_answers("cosmetics")
    (tmp_path / "answers.json").write_text(json.dumps({"answers": answers}), "utf-8")
    out = tmp_path / "r.xlsx"
    code, _, err = _run(["--lang", "en", "report", str(tmp_path / "answers.json"),
                         "--orders", str(tmp_path / name), "--out", str(out)], capsys)
    assert code == 0, err
    book = openpyxl.load_workbook(out)
    plan_sheet = next(ws for ws in book.worksheets
                      if t("report.col.profit", "en") in [c.value for c in ws[1]])
    header = [c.value for c in plan_sheet[1]]
    profits = [row[header.index(t("report.col.profit", "en"))].value
               for row in plan_sheet.iter_rows(min_row=2)]
    expected = [round(r.estimate.profit) for r in build_data_plan(ingest(data, name), answers)
                if r.estimate is not None]          # targets too small to act on are unpriced
    assert profits == expected
    texts = " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows()
                     for c in row if c.value is not None)
    assert t("plan.compare.gap", "en") in texts
