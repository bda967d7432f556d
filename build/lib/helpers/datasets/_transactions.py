"""A simulator of payment-card transactions with three fraud scenarios.

Taught in :ref:`sec_fraud`.

No real card-fraud data may be shared, so the fraud chapter simulates its own,
following the design of the transaction simulator in Le Borgne et al.,
*Reproducible Machine Learning for Credit Card Fraud Detection -- Practical
Handbook* (Universite Libre de Bruxelles, 2022), chapter 3.2, vectorised with
NumPy and with a fraud rate that can be set.
"""

import numbers

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from .._validation import check_fraction, check_positive_int, check_random_state

__all__ = ["make_transactions"]

_SECONDS_PER_DAY = 86_400
_MAP_SIDE = 100.0          # customers and terminals live on a 100 x 100 square
_RADIUS = 5.0              # a customer uses the terminals within this distance
_MEAN_AMOUNT = (5.0, 100.0)       # a customer's mean amount is uniform in this range
_TX_PER_DAY = (0.0, 4.0)          # a customer's mean number of transactions a day
_TIME_OF_DAY = (43_200.0, 20_000.0)  # mean (noon) and std of the time of day, in seconds
_OUTLIER_AMOUNT = (220.0, 500.0)  # scenario 1: amounts drawn uniformly in this range
_TERMINAL_DAYS = 28        # scenario 2: a compromised terminal stays compromised this long
_CARD_DAYS = 14            # scenario 3: a stolen card is used over this many days
_CARD_SHARE = 1 / 3        # scenario 3: share of the card's transactions the fraudster makes
_CARD_FACTOR = 5.0         # scenario 3: the fraudster's amounts are this many times larger

_COLUMNS = ["transaction_id", "customer_id", "terminal_id", "timestamp", "amount", "scenario",
            "is_fraud", "day"]


def _check_shares(scenario_shares):
    """Return the three scenario shares as floats; raise if they are not a distribution."""
    message = ("scenario_shares must be three non-negative numbers that sum to 1 (the shares "
               "of amount outliers, compromised terminals and stolen cards among the frauds); "
               f"got {scenario_shares!r}.")
    try:
        shares = [float(value) for value in scenario_shares]
    except (TypeError, ValueError):
        raise TypeError(message) from None
    if any(isinstance(value, bool) or not isinstance(value, numbers.Real)
           for value in scenario_shares):
        raise TypeError(message)
    if len(shares) != 3 or min(shares) < 0 or not np.isclose(sum(shares), 1.0):
        raise ValueError(message)
    return shares


def _check_start_date(start_date):
    """Return ``start_date`` as a ``numpy.datetime64`` day; raise if it is not a date."""
    if isinstance(start_date, bool) or not isinstance(
            start_date, (str, pd.Timestamp, np.datetime64)) and not hasattr(start_date, "year"):
        raise TypeError(
            "start_date must be a date such as '2024-01-01' (str, datetime or pandas.Timestamp); "
            f"got {start_date!r} of type {type(start_date).__name__}."
        )
    try:
        start = pd.Timestamp(start_date)
    except (TypeError, ValueError):
        start = pd.NaT
    if pd.isna(start):
        raise ValueError(
            f"start_date must be a date such as '2024-01-01'; got {start_date!r}."
        )
    return np.datetime64(start.normalize().date(), "s")


def _nearby_terminals(customer_xy, terminal_xy):
    """Terminals within ``_RADIUS`` of each customer, as compressed rows (CSR).

    A customer with no terminal in reach uses the nearest one.

    Returns
    -------
    offsets : ndarray of shape (n_customers + 1,), int64
        The terminals of customer ``c`` are ``terminals[offsets[c]:offsets[c + 1]]``.
    terminals : ndarray of shape (n_pairs,), int64
    """
    tree = cKDTree(terminal_xy)
    lists = tree.query_ball_point(customer_xy, r=_RADIUS, return_sorted=True)
    lonely = np.flatnonzero([len(found) == 0 for found in lists])
    if len(lonely):
        _, nearest = tree.query(customer_xy[lonely])
        for customer, terminal in zip(lonely, np.atleast_1d(nearest), strict=True):
            lists[customer] = [int(terminal)]
    counts = np.fromiter((len(found) for found in lists), dtype=np.int64, count=len(lists))
    offsets = np.zeros(len(customer_xy) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(counts)
    return offsets, np.concatenate([np.asarray(found, dtype=np.int64) for found in lists])


def _window_counts(entity, day, n_entities, n_days, starts, length, weights=None):
    """Transactions of each entity in its window ``[starts, starts + length)`` of days.

    ``starts`` may be negative (a window that began before the first day).

    Returns
    -------
    ndarray of shape (n_entities,), int64
    """
    per_day = np.bincount(entity * n_days + day, weights=weights,
                          minlength=n_entities * n_days).reshape(n_entities, n_days)
    cumulative = np.zeros((n_entities, n_days + 1))
    cumulative[:, 1:] = np.cumsum(per_day, axis=1)
    first = np.clip(starts, 0, n_days)
    ends = np.clip(starts + length, 0, n_days)
    rows = np.arange(n_entities)
    return np.rint(cumulative[rows, ends] - cumulative[rows, first]).astype(np.int64)


def _choose_until(yields, target):
    """In the given (random) order, take each candidate whose yield still fits in ``target``.

    A greedy fill: candidates that yield nothing, or more than what remains, are
    skipped, so the chosen yields sum to ``target`` or a little less.

    Returns
    -------
    ndarray of shape (n_candidates,), bool
    """
    chosen = np.zeros(len(yields), dtype=bool)
    remaining = int(target)
    for i, value in enumerate(yields.tolist()):
        if remaining == 0:
            break
        if 0 < value <= remaining:
            chosen[i] = True
            remaining -= value
    return chosen


def make_transactions(n_customers, n_days, *, fraud_rate=0.01, n_terminals=None,
                      scenario_shares=(1 / 3, 1 / 3, 1 / 3), start_date="2024-01-01",
                      random_state=0, return_profiles=False):
    """Simulate payment-card transactions, legitimate and fraudulent.

    Taught in :ref:`sec_fraud`.

    The design follows the transaction simulator of Le Borgne et al.'s *Fraud
    Detection Handbook* (2022), chapter 3.2:

    - **Customers** live at a uniform random point of a 100 x 100 map. Each has a
      mean amount, uniform in [5, 100], with a standard deviation of half of it, and
      a mean number of transactions a day, uniform in [0, 4].
    - **Terminals** (merchants' card readers) live at uniform random points too. A
      customer pays only at terminals within a distance of 5 (the nearest one if
      none is that close), chosen uniformly among them.
    - **Transactions**: each day a customer makes a Poisson number of them, at a time
      of day drawn around noon (normal, standard deviation 20,000 s, wrapped into the
      day), for an amount drawn from the customer's normal distribution (a negative
      draw is redrawn uniformly in [0, 2 x mean]).

    Frauds then follow three scenarios, in proportions ``scenario_shares``:

    1. **Amount outliers**: a transaction's amount is replaced by one drawn uniformly
       in [220, 500], whoever the customer. Legitimate amounts rarely exceed 220.
    2. **Compromised terminals**: a terminal is compromised on a random day, and every
       transaction made on it during the next 28 days is fraudulent (amounts unchanged).
    3. **Stolen cards**: a customer's card is stolen on a random day; over the next 14
       days a third of the card's transactions (rounded up) are the fraudster's, with
       amounts five times larger.

    The random day of scenarios 2 and 3 may fall up to 27 (or 13) days before
    ``start_date``, so that frauds are as frequent in the first weeks as later.

    Terminals and cards are compromised at random, one after another, until each
    scenario has its share of ``round(fraud_rate * n_transactions)`` frauds; amount
    outliers fill what the other two leave, so the fraud rate matches ``fraud_rate``
    up to rounding whenever the data are large enough to hold a few frauds of each kind.

    Parameters
    ----------
    n_customers : int >= 1
        Number of customers (card holders).
    n_days : int >= 1
        Number of simulated days, starting at ``start_date``.
    fraud_rate : float in (0, 0.5], default=0.01
        Share of fraudulent transactions.
    n_terminals : int >= 1 or None, default=None
        Number of terminals; ``None`` means as many as customers, so that a terminal
        serves about two transactions a day.
    scenario_shares : sequence of three floats, default=(1/3, 1/3, 1/3)
        Shares of the frauds that are amount outliers, compromised-terminal frauds and
        stolen-card frauds. Non-negative, summing to 1.
    start_date : str, datetime or pandas.Timestamp, default="2024-01-01"
        The first simulated day (its time of day is ignored).
    random_state : int, default=0
        Seed; the same seed gives the same transactions.
    return_profiles : bool, default=False
        Also return the customer and terminal profiles.

    Returns
    -------
    transactions : pandas.DataFrame of shape (n_transactions, 8)
        One row per transaction, in chronological order, with the columns
        ``transaction_id`` (int64, 0, 1, ... in time order), ``customer_id`` (int64),
        ``terminal_id`` (int64), ``timestamp`` (datetime64[ns]), ``amount`` (float64,
        rounded to cents), ``scenario`` (int64: 0 legitimate, 1 amount outlier,
        2 compromised terminal, 3 stolen card), ``is_fraud`` (int64, 1 for a fraud)
        and ``day`` (int64, days since ``start_date``).
    customers : pandas.DataFrame of shape (n_customers, 7)
        Only if ``return_profiles``: ``customer_id``, ``x``, ``y``, ``mean_amount``,
        ``std_amount``, ``mean_tx_per_day``, ``n_nearby_terminals``.
    terminals : pandas.DataFrame of shape (n_terminals, 3)
        Only if ``return_profiles``: ``terminal_id``, ``x``, ``y``.

    Raises
    ------
    TypeError, ValueError
        An argument has the wrong type or value; the message names it.

    Notes
    -----
    The number of transactions is random, about ``2 * n_customers * n_days``. A
    simulation too small to hold a single compromised terminal or stolen card within
    its share gives those frauds to scenario 1. 100 customers over 60 days (about
    12,000 transactions) take about 10 ms; 5,000 customers over half a year (about
    1.8 million transactions), a few seconds.

    Examples
    --------
    >>> from helpers.datasets import make_transactions
    >>> transactions = make_transactions(100, 30, fraud_rate=0.02, random_state=0)
    >>> round(float(transactions["is_fraud"].mean()), 2)
    0.02
    """
    n_customers = check_positive_int(n_customers, "n_customers")
    n_days = check_positive_int(n_days, "n_days")
    fraud_rate = check_fraction(fraud_rate, "fraud_rate", high=0.5,
                                meaning="It is the share of fraudulent transactions.")
    n_terminals = (n_customers if n_terminals is None
                   else check_positive_int(n_terminals, "n_terminals"))
    shares = _check_shares(scenario_shares)
    start = _check_start_date(start_date)
    random_state = check_random_state(random_state)
    if not isinstance(return_profiles, (bool, np.bool_)):
        raise TypeError(f"return_profiles must be True or False; got {return_profiles!r}.")
    rng = np.random.default_rng(random_state)

    # Profiles.
    customer_xy = rng.uniform(0.0, _MAP_SIDE, size=(n_customers, 2))
    mean_amount = rng.uniform(*_MEAN_AMOUNT, size=n_customers)
    std_amount = mean_amount / 2
    tx_per_day = rng.uniform(*_TX_PER_DAY, size=n_customers)
    terminal_xy = rng.uniform(0.0, _MAP_SIDE, size=(n_terminals, 2))
    offsets, nearby = _nearby_terminals(customer_xy, terminal_xy)
    n_nearby = np.diff(offsets)

    # Legitimate transactions: who, which day, what time, where, how much.
    per_customer_day = rng.poisson(np.repeat(tx_per_day, n_days)).astype(np.int64)
    cells = np.repeat(np.arange(n_customers * n_days), per_customer_day)
    customer, day = cells // n_days, cells % n_days
    n = len(customer)
    time_of_day = np.mod(rng.normal(*_TIME_OF_DAY, size=n), _SECONDS_PER_DAY).astype(np.int64)
    terminal = nearby[offsets[customer]
                      + np.minimum((rng.random(n) * n_nearby[customer]).astype(np.int64),
                                   n_nearby[customer] - 1)]
    amount = rng.normal(mean_amount[customer], std_amount[customer])
    negative = amount < 0
    amount[negative] = rng.uniform(0.0, 2 * mean_amount[customer[negative]])
    seconds = day * _SECONDS_PER_DAY + time_of_day
    order = np.argsort(seconds, kind="stable")
    customer, day, terminal, amount, seconds = (
        customer[order], day[order], terminal[order], amount[order], seconds[order])

    # Frauds: compromised terminals, then stolen cards, then amount outliers fill the rest.
    scenario = np.zeros(n, dtype=np.int64)
    n_frauds = int(round(fraud_rate * n))
    target_terminal = int(round(shares[1] * n_frauds))
    target_card = int(round(shares[2] * n_frauds))

    candidates = rng.permutation(n_terminals)
    starts = rng.integers(1 - _TERMINAL_DAYS, n_days, size=n_terminals)
    yields = _window_counts(terminal, day, n_terminals, n_days, starts, _TERMINAL_DAYS)
    chosen = _choose_until(yields[candidates], target_terminal)
    compromised_from = np.full(n_terminals, n_days)  # n_days: never compromised
    compromised_from[candidates[chosen]] = starts[candidates[chosen]]
    in_window = ((day >= compromised_from[terminal])
                 & (day < compromised_from[terminal] + _TERMINAL_DAYS))
    scenario[in_window] = 2

    candidates = rng.permutation(n_customers)
    starts = rng.integers(1 - _CARD_DAYS, n_days, size=n_customers)
    available = _window_counts(customer, day, n_customers, n_days, starts, _CARD_DAYS,
                               weights=(scenario == 0).astype(float))
    n_stolen = np.ceil(_CARD_SHARE * available - 1e-9).astype(np.int64)
    chosen = _choose_until(n_stolen[candidates], target_card)
    stolen_from = np.full(n_customers, n_days)
    stolen_from[candidates[chosen]] = starts[candidates[chosen]]
    in_window = ((scenario == 0) & (day >= stolen_from[customer])
                 & (day < stolen_from[customer] + _CARD_DAYS))
    index = np.flatnonzero(in_window)
    by_card = np.lexsort((rng.random(len(index)), customer[index]))
    index, cards = index[by_card], customer[index[by_card]]
    rank = np.arange(len(index)) - np.searchsorted(cards, cards, side="left")
    stolen = index[rank < n_stolen[cards]]
    scenario[stolen] = 3
    amount[stolen] *= _CARD_FACTOR

    n_outliers = max(n_frauds - int(np.count_nonzero(scenario)), 0)
    outliers = rng.choice(np.flatnonzero(scenario == 0), size=n_outliers, replace=False)
    scenario[outliers] = 1
    amount[outliers] = rng.uniform(*_OUTLIER_AMOUNT, size=n_outliers)

    transactions = pd.DataFrame({
        "transaction_id": np.arange(n, dtype=np.int64),
        "customer_id": customer.astype(np.int64),
        "terminal_id": terminal.astype(np.int64),
        "timestamp": (start + seconds.astype("timedelta64[s]")).astype("datetime64[ns]"),
        "amount": np.round(amount, 2),
        "scenario": scenario,
        "is_fraud": (scenario > 0).astype(np.int64),
        "day": day.astype(np.int64),
    }, columns=_COLUMNS)
    if not return_profiles:
        return transactions
    customers = pd.DataFrame({
        "customer_id": np.arange(n_customers, dtype=np.int64),
        "x": customer_xy[:, 0], "y": customer_xy[:, 1],
        "mean_amount": mean_amount, "std_amount": std_amount,
        "mean_tx_per_day": tx_per_day, "n_nearby_terminals": n_nearby.astype(np.int64),
    })
    terminals = pd.DataFrame({
        "terminal_id": np.arange(n_terminals, dtype=np.int64),
        "x": terminal_xy[:, 0], "y": terminal_xy[:, 1],
    })
    return transactions, customers, terminals
