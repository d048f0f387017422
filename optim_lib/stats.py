"""Seeds compared in pairs: the mean paired difference and its confidence interval.

Two methods run on the same seeds give two arrays ``a`` and ``b`` whose i-th entries share
everything but the method (data order, initialization, noise). Their differences
``a - b`` carry the method's effect without the seed-to-seed spread, so a verdict reads:

    >>> d = paired_difference(loss_adam, loss_sgd)        # same seeds, same order
    >>> d.mean, d.low, d.high                             # Student-t interval, 95 %
    >>> d.verdict(lower_is_better=True)                   # "better", "worse" or "tie"

"tie" is said only when the interval covers 0; "better"/"worse" only when it excludes it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
# Student's t quantile: scipy.stats.t.ppf(q, df) is special.stdtrit(df, q); importing
# scipy.special alone costs a quarter of scipy.stats (tests/test_stats.py: equal to the bit)
from scipy.special import stdtrit as _t_quantile

__all__ = ["PairedDifference", "paired_difference", "verdict_table"]


@dataclass(frozen=True)
class PairedDifference:
    """The mean of ``a - b`` over paired seeds, its standard error and a t interval."""

    mean: float
    se: float
    low: float
    high: float
    n: int
    confidence: float

    def covers_zero(self) -> bool:
        return self.low <= 0.0 <= self.high

    def verdict(self, lower_is_better: bool = True) -> str:
        """'better' if a beats b (the whole interval on a's good side), 'worse', or 'tie'."""
        if self.covers_zero():
            return "tie"
        a_lower = self.high < 0
        return "better" if a_lower == lower_is_better else "worse"

    def __str__(self) -> str:
        return (f"{self.mean:+.3g} (95% CI {self.low:+.3g} to {self.high:+.3g}, n = {self.n})"
                if self.confidence == 0.95 else
                f"{self.mean:+.3g} ({self.confidence:.0%} CI {self.low:+.3g} to {self.high:+.3g},"
                f" n = {self.n})")


def paired_difference(a, b, confidence: float = 0.95) -> PairedDifference:
    """Mean paired difference ``a - b`` with a Student-t confidence interval.

    ``a`` and ``b`` are 1-D arrays of the same length, entry i of each from seed i.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.ndim != 1:
        raise ValueError(f"a must be a 1-D array of per-seed values, got shape {a.shape}")
    if b.shape != a.shape:
        raise ValueError(f"b must pair with a entry by entry: a has shape {a.shape}, "
                         f"b has shape {b.shape}")
    if a.size < 2:
        raise ValueError(f"a needs at least 2 paired seeds for an interval, got {a.size}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("a and b must be finite: a diverged run has no difference to average")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    d = a - b
    n = d.size
    mean = float(d.mean())
    se = float(d.std(ddof=1) / np.sqrt(n))
    half = float(_t_quantile(n - 1, 0.5 + confidence / 2)) * se
    return PairedDifference(mean, se, mean - half, mean + half, n, confidence)


def verdict_table(values: dict, reference: str, lower_is_better: bool = True,
                  confidence: float = 0.95) -> list:
    """Every method against ``reference``, paired seed by seed: the table a race reports.

    Args:
        values: method -> per-seed values, 1-D, the same seeds in the same order for all.
        reference: the method the others are compared with (a key of ``values``).
        lower_is_better: True for losses, gaps and step counts; False for accuracies.
        confidence: of the t interval.

    Returns:
        One dict per method, in the order of ``values``: ``optimizer``, ``mean`` (over the
        seeds), ``diff`` (the :class:`PairedDifference` method − reference, None for the
        reference itself or when a value is not finite), ``verdict`` ("better", "worse",
        "tie", "reference", or "diverged on k seeds").
    """
    if not isinstance(values, dict) or reference not in values:
        raise ValueError(f"reference must be one of the methods {list(values)!r}, got {reference!r}")
    ref = np.asarray(values[reference], dtype=float)
    rows = []
    for name, v in values.items():
        v = np.asarray(v, dtype=float)
        row = {"optimizer": name, "mean": float(np.mean(v)), "diff": None}
        bad = int(np.sum(~np.isfinite(v)) + (0 if name == reference else np.sum(~np.isfinite(ref))))
        if name == reference:
            row["verdict"] = "reference" if np.all(np.isfinite(v)) else \
                f"diverged on {int(np.sum(~np.isfinite(v)))} seeds"
        elif bad:
            row["verdict"] = f"diverged on {bad} seeds"
        else:
            row["diff"] = paired_difference(v, ref, confidence)
            row["verdict"] = row["diff"].verdict(lower_is_better)
        rows.append(row)
    return rows
