"""Tests of helpers/datasets/_transactions.py: the transaction simulator of the fraud chapter."""

import re

import numpy as np
import pandas as pd
import pytest

from helpers.datasets import make_transactions

COLUMNS = ["transaction_id", "customer_id", "terminal_id", "timestamp", "amount", "scenario",
           "is_fraud", "day"]


@pytest.fixture(scope="module")
def simulated():
    return make_transactions(200, 60, fraud_rate=0.02, random_state=0, return_profiles=True)


def test_columns_dtypes_and_ids(simulated):
    transactions, customers, terminals = simulated
    assert list(transactions.columns) == COLUMNS
    for column in ("transaction_id", "customer_id", "terminal_id", "scenario", "is_fraud", "day"):
        assert transactions[column].dtype == np.int64, column
    assert transactions["amount"].dtype == np.float64
    assert transactions["timestamp"].dtype == "datetime64[ns]"
    np.testing.assert_array_equal(transactions["transaction_id"], np.arange(len(transactions)))
    assert transactions["customer_id"].between(0, 199).all()
    assert transactions["terminal_id"].between(0, 199).all()  # as many terminals as customers
    assert (transactions["amount"] >= 0).all()
    np.testing.assert_array_equal(transactions["amount"], transactions["amount"].round(2))
    assert customers.shape == (200, 7) and terminals.shape == (200, 3)
    assert list(customers.columns) == ["customer_id", "x", "y", "mean_amount", "std_amount",
                                       "mean_tx_per_day", "n_nearby_terminals"]


def test_size_is_about_two_transactions_per_customer_per_day(simulated):
    transactions, customers, _ = simulated
    expected = customers["mean_tx_per_day"].sum() * 60
    assert len(transactions) == pytest.approx(expected, rel=0.05)


def test_chronological_order_and_days(simulated):
    transactions, _, _ = simulated
    assert transactions["timestamp"].is_monotonic_increasing
    start = pd.Timestamp("2024-01-01")
    assert transactions["timestamp"].min() >= start
    assert transactions["timestamp"].max() < start + pd.Timedelta(days=60)
    np.testing.assert_array_equal((transactions["timestamp"] - start).dt.days,
                                  transactions["day"])


def test_labels_match_scenarios_and_all_scenarios_occur(simulated):
    transactions, _, _ = simulated
    np.testing.assert_array_equal(transactions["is_fraud"], transactions["scenario"] > 0)
    counts = transactions["scenario"].value_counts()
    assert set(counts.index) == {0, 1, 2, 3}
    assert min(counts[1], counts[2], counts[3]) >= 0.1 * transactions["is_fraud"].sum()


@pytest.mark.parametrize(("n_customers", "n_days", "fraud_rate"),
                         [(100, 60, 0.01), (300, 30, 0.005), (50, 90, 0.1), (100, 60, 0.5)])
def test_fraud_rate_follows_the_parameter(n_customers, n_days, fraud_rate):
    transactions = make_transactions(n_customers, n_days, fraud_rate=fraud_rate, random_state=3)
    assert transactions["is_fraud"].mean() == pytest.approx(fraud_rate, abs=0.001)


def test_scenario_shares_are_respected():
    transactions = make_transactions(500, 60, fraud_rate=0.02, scenario_shares=(0.2, 0.3, 0.5),
                                     random_state=1)
    shares = transactions.loc[transactions["is_fraud"] == 1, "scenario"].value_counts(
        normalize=True)
    assert shares[1] == pytest.approx(0.2, abs=0.05)
    assert shares[2] == pytest.approx(0.3, abs=0.05)
    assert shares[3] == pytest.approx(0.5, abs=0.05)
    only_cards = make_transactions(500, 60, fraud_rate=0.02, scenario_shares=(0, 0, 1),
                                   random_state=1)
    frauds = only_cards.loc[only_cards["is_fraud"] == 1, "scenario"]
    assert (frauds == 2).sum() == 0 and (frauds == 3).mean() >= 0.98


def test_scenario_signatures(simulated):
    transactions, customers, _ = simulated
    # 1: amount outliers lie in [220, 500].
    outliers = transactions.loc[transactions["scenario"] == 1, "amount"]
    assert outliers.between(220, 500).all()
    # 2: on a compromised terminal, every transaction of its window is fraudulent.
    compromised = transactions[transactions["scenario"] == 2]
    for terminal, group in compromised.groupby("terminal_id"):
        window = transactions[(transactions["terminal_id"] == terminal)
                              & transactions["day"].between(group["day"].min(),
                                                            group["day"].max())]
        assert (window["scenario"] > 0).all()
        assert group["day"].max() - group["day"].min() < 28
    # 3: stolen-card frauds are inflated amounts of one customer within 14 days.
    stolen = transactions[transactions["scenario"] == 3]
    means = customers.set_index("customer_id")["mean_amount"]
    assert stolen["amount"].mean() > 3 * means[stolen["customer_id"]].mean()
    spans = stolen.groupby("customer_id")["day"].agg(lambda days: days.max() - days.min())
    assert (spans < 14).all()


def test_customers_use_nearby_terminals(simulated):
    transactions, customers, terminals = simulated
    pairs = transactions[["customer_id", "terminal_id"]].drop_duplicates()
    c = customers.set_index("customer_id").loc[pairs["customer_id"], ["x", "y"]].to_numpy()
    t = terminals.set_index("terminal_id").loc[pairs["terminal_id"], ["x", "y"]].to_numpy()
    distance = np.hypot(*(c - t).T)
    lonely = customers.set_index("customer_id").loc[pairs["customer_id"],
                                                    "n_nearby_terminals"].to_numpy() == 1
    assert (distance[~lonely] <= 5).all()


def test_same_seed_same_data_other_seed_other_data():
    first = make_transactions(100, 30, random_state=7)
    again = make_transactions(100, 30, random_state=7)
    other = make_transactions(100, 30, random_state=8)
    pd.testing.assert_frame_equal(first, again)
    assert len(first) != len(other) or not first.equals(other)


def test_start_date_shifts_timestamps_only():
    january = make_transactions(50, 10, random_state=2)
    june = make_transactions(50, 10, random_state=2, start_date=pd.Timestamp("2025-06-01 13:00"))
    shift = pd.Timestamp("2025-06-01") - pd.Timestamp("2024-01-01")
    pd.testing.assert_series_equal(june["timestamp"] - shift, january["timestamp"])
    pd.testing.assert_frame_equal(june.drop(columns="timestamp"),
                                  january.drop(columns="timestamp"))


def test_small_simulation_is_fast_and_valid():
    # The chapter's promise: 100 customers over 60 days in well under a second.
    import time

    begin = time.perf_counter()
    transactions = make_transactions(100, 60, fraud_rate=0.01, random_state=0)
    assert time.perf_counter() - begin < 1.0
    assert len(transactions) > 5_000


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_customers": 0}, ValueError, "n_customers must be an int >= 1; got 0."),
        ({"n_customers": 10.0}, TypeError, "n_customers must be an int; got 10.0 of type float."),
        ({"n_days": -3}, ValueError, "n_days must be an int >= 1; got -3."),
        ({"n_days": "60"}, TypeError, "n_days must be an int; got '60' of type str."),
        ({"fraud_rate": 0}, ValueError,
         "fraud_rate must be in (0, 0.5]; got 0. It is the share of fraudulent transactions."),
        ({"fraud_rate": 0.7}, ValueError, "fraud_rate must be in (0, 0.5]; got 0.7."),
        ({"fraud_rate": "1%"}, TypeError,
             "fraud_rate must be a number in (0, 0.5]; got '1%' of type str."),
        ({"n_terminals": 0}, ValueError, "n_terminals must be an int >= 1; got 0."),
        ({"scenario_shares": (0.5, 0.5)}, ValueError,
         "scenario_shares must be three non-negative numbers that sum to 1"),
        ({"scenario_shares": (0.5, 0.6, -0.1)}, ValueError,
         "scenario_shares must be three non-negative numbers that sum to 1"),
        ({"scenario_shares": (0.5, 0.5, 0.5)}, ValueError, "got (0.5, 0.5, 0.5)."),
        ({"scenario_shares": 1.0}, TypeError,
         "scenario_shares must be three non-negative numbers"),
        ({"start_date": "not a date"}, ValueError,
         "start_date must be a date such as '2024-01-01'; got 'not a date'."),
        ({"start_date": 20240101}, TypeError,
         "start_date must be a date such as '2024-01-01' (str, datetime or pandas.Timestamp); "
         "got 20240101 of type int."),
        ({"random_state": -1}, ValueError, "random_state must be a non-negative int seed; got -1."),
        ({"random_state": None}, TypeError, "random_state must be a non-negative int seed"),
        ({"return_profiles": "yes"}, TypeError,
         "return_profiles must be True or False; got 'yes'."),
    ],
)
def test_bad_arguments_are_named_in_the_error(kwargs, error, message):
    arguments = {"n_customers": 10, "n_days": 5, **kwargs}
    with pytest.raises(error, match=re.escape(message)):
        make_transactions(**arguments)


def test_frauds_are_as_frequent_in_the_first_weeks_as_later():
    # Compromises may start before the first day, so there is no ramp-up.
    transactions = make_transactions(1000, 84, fraud_rate=0.01, random_state=5)
    first_four_weeks = transactions["day"] < 28
    early = transactions.loc[first_four_weeks, "is_fraud"].mean()
    late = transactions.loc[~first_four_weeks, "is_fraud"].mean()
    assert early == pytest.approx(late, rel=0.25)
