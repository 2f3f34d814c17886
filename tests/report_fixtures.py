"""A report input with hostile strings in every user-provided place (shared by report tests)."""
from __future__ import annotations

import pandas as pd

XSS = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"


def hostile_input() -> dict:
    return {
        "client": XSS + "山田商店",
        "created_at": "2026-11-24",
        "diagnosis": {
            "areas": [
                {"id": "retention", "label": "リピート", "score": 40, "level": "poor",
                 "confidence": 1.0, "reason": FORMULA},
                {"id": "acquisition", "label": XSS, "score": 80, "level": "good",
                 "confidence": 0.5, "reason": "ok"},
            ],
            "weakest": ["retention", "acquisition"],
            "kpis": {"ltv_cpa_ratio": 0.8, XSS: 1},
            "actions": [{"step": "A", "title": XSS, "why": FORMULA, "area": "retention",
                         "first_step": '"><img src=x onerror=alert(1)>', "top": True}],
        },
        "comparison": [{"kpi": XSS, "answer": 0.25, "data": 0.3}],
        "segments": {"cpm": pd.DataFrame({"segment": [XSS, FORMULA], "customers": [3, 1],
                                          "revenue": [9000.0, 1500.0]}),
                     XSS: {"a": 1}},
        "ranks": {"basic": 3, "premium": 1, "ambassador": None},
        "dormant": [{"layer": FORMULA, "customers": 2, "revenue_at_stake": 500.0}],
        "plan": pd.DataFrame({"action": [FORMULA], "contacts": [10], "cost": [1500],
                              "expected_profit": [-200.0], "roi": [-0.13]}),
        "lists": {"dormant": pd.DataFrame({"customer_id": [FORMULA, "+81-3-1234", "ok"],
                                           "R": [1, 2, 3], "M": [-5.0, 100.0, 3.5]})},
        "cta": {"text": "無料相談 " + XSS, "url": "https://example.jp/book?a=1&b=2"},
    }
