"""Specification of `python -m engine clv FILE --json`."""
from __future__ import annotations

import json
from pathlib import Path


from engine.cli import main

CDNOW_CSV = Path(__file__).parent / "data" / "cdnow_sample.csv"


def test_cdnow_gives_the_published_estimates(capsys):
    code = main(["clv", str(CDNOW_CSV), "--json", "--calibration-end", "1997-09-30",
                 "--time-unit", "W"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    bg, gg = out["bgnbd"], out["gamma_gamma"]
    assert (round(bg["r"], 3), round(bg["alpha"], 3), round(bg["a"], 3), round(bg["b"], 3)) \
        == (0.243, 4.414, 0.793, 2.426)
    assert round(bg["loglik"], 1) == -9582.4
    assert (round(gg["p"], 2), round(gg["q"], 2), round(gg["v"], 2)) == (6.25, 3.74, 15.44)
    assert (out["customers"], out["repeat_customers"], out["time_unit"]) == (2357, 946, "W")


def test_a_file_too_small_to_predict_exits_2_with_the_reason(tmp_path, capsys):
    path = tmp_path / "tiny.csv"
    path.write_text("customer_id,date,amount\n"
                    "a,2024-01-01,1000\nb,2024-01-05,2000\na,2024-03-01,1500\n",
                    encoding="utf-8")
    code = main(["--lang", "en", "clv", str(path), "--json"])
    err = capsys.readouterr().err
    assert code == 2 and "too few" in err
