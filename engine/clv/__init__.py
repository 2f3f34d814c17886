"""Predictive customer lifetime value: who will buy again, how often, and for how much.

- `summary`     frequency / recency / T / monetary per customer from the orders table
- `bgnbd`       BG/NBD purchase-and-dropout model (MLE, closed forms)
- `gamma_gamma` Gamma-Gamma spend-per-order model (MLE)
- `predict`     guard rails, fitting both models, per-customer CLV
"""
from engine.clv.bgnbd import BetaGeoModel
from engine.clv.gamma_gamma import GammaGammaModel
from engine.clv.predict import (ClvFit, PredictionUnavailable, check_data, clv, fit_clv,
                                fit_models)
from engine.clv.summary import CustomerSummary, choose_time_unit, customer_summary

__all__ = ["BetaGeoModel", "GammaGammaModel", "ClvFit", "PredictionUnavailable", "check_data",
           "clv", "fit_clv", "fit_models", "CustomerSummary", "choose_time_unit",
           "customer_summary"]
