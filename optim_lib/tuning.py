"""Learning-rate sweeps: tune one optimizer's learning rate on a grid, then compare.

:func:`tune_lr` sweeps one optimizer over a grid of learning rates and says which is
best and how wide the band of working ones is (:class:`LRSweep`); :func:`race` does it
for several optimizers on the same grid. The full protocol (every hyperparameter and the
schedule tuned on equal random-search budgets, fresh seeds, verdicts with intervals) is
:mod:`optim_lib.protocol`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import checks

__all__ = ["LRSweep", "tune_lr", "race"]


@dataclass
class LRSweep:
    """One optimizer's learning-rate sweep, as returned by :func:`tune_lr`.

    Attributes:
        name: who was tuned.
        lrs: the learning rates tried, increasing.
        scores: the score of each learning rate (nan when the objective gave a
            non-finite score, e.g. a diverged run).
        results: what the objective returned for each learning rate (a Run, a History, ...).
        higher_is_better: whether a larger score is better.
        working: for each learning rate, whether it counts as working (see :func:`tune_lr`).
        best_index: index of the best learning rate, or None if no score was finite.
    """

    name: str
    lrs: np.ndarray
    scores: np.ndarray
    results: list
    higher_is_better: bool
    working: np.ndarray
    best_index: int | None

    @property
    def best_lr(self) -> float | None:
        return None if self.best_index is None else float(self.lrs[self.best_index])

    @property
    def best_score(self) -> float | None:
        return None if self.best_index is None else float(self.scores[self.best_index])

    @property
    def best_result(self):
        return None if self.best_index is None else self.results[self.best_index]

    @property
    def n_working(self) -> int:
        """How many of the learning rates tried work."""
        return int(self.working.sum())

    @property
    def band_decades(self) -> float:
        """Width, in decades, of the unbroken band of working learning rates around the best.

        ``log10(largest / smallest)`` over the consecutive working learning rates
        that contain the best one: 0 when only the best one works (or none does).
        """
        if self.best_index is None or not self.working[self.best_index]:
            return 0.0
        lo = hi = self.best_index
        while lo > 0 and self.working[lo - 1]:
            lo -= 1
        while hi < len(self.lrs) - 1 and self.working[hi + 1]:
            hi += 1
        return float(np.log10(self.lrs[hi] / self.lrs[lo]))

    def __repr__(self) -> str:
        if self.best_index is None:
            return f"LRSweep({self.name}: no learning rate gave a finite score)"
        return (f"LRSweep({self.name}: best lr {self.best_lr:.3g}, score {self.best_score:.4g}, "
                f"{self.n_working}/{len(self.lrs)} working, band {self.band_decades:.2g} decades)")


def tune_lr(make_optimizer, objective, lrs, score=None, higher_is_better: bool = False,
            tolerance: float | None = None, threshold: float | None = None,
            name: str | None = None) -> LRSweep:
    """Try every learning rate of ``lrs`` and say which is best and how many work.

    For each ``lr`` (in increasing order), ``objective(make_optimizer(lr))`` is run
    and ``score(result)`` (or the result itself, if ``score`` is None) measures it.
    A non-finite score (e.g. a diverged run) is stored as nan: never best, never working.

    A learning rate *works* when its score is finite and
    - within ``tolerance`` of the best score (if ``tolerance`` is given), and
    - at least as good as ``threshold`` (if ``threshold`` is given; e.g. "reached the target").
    With neither given, every finite score works.

    Args:
        make_optimizer: ``lr -> optimizer``, a fresh optimizer for each learning rate.
        objective: ``optimizer -> result``; must be deterministic (seed its randomness).
        lrs: strictly increasing positive learning rates, e.g. ``np.geomspace(1e-4, 10, 11)``.
        score: ``result -> float``, or None if the objective returns the score.
        higher_is_better: True for accuracies, False for losses and step counts.
        tolerance: how far (>= 0) from the best score still counts as working.
        threshold: the worst score that still counts as working.
        name: label of the sweep (default: the repr of the first optimizer's class).
    """
    if not callable(make_optimizer):
        raise TypeError(f"make_optimizer must be callable (lr -> optimizer), got {make_optimizer!r}")
    if not callable(objective):
        raise TypeError(f"objective must be callable (optimizer -> result), got {objective!r}")
    if score is not None and not callable(score):
        raise TypeError(f"score must be callable (result -> float) or None, got {score!r}")
    lrs = checks.increasing("lrs", lrs)
    tolerance = checks.optional_number("tolerance", tolerance)
    if tolerance is not None and tolerance < 0:
        raise ValueError(f"tolerance must be >= 0, got {tolerance!r}")
    threshold = checks.optional_number("threshold", threshold)

    results, scores = [], []
    for lr in lrs:
        opt = make_optimizer(float(lr))
        checks.optimizer(opt)
        name = name or type(opt).__name__
        result = objective(opt)
        value = float(result if score is None else score(result))
        results.append(result)
        scores.append(value if np.isfinite(value) else np.nan)
    scores = np.array(scores)
    finite = np.isfinite(scores)
    if not finite.any():
        return LRSweep(name, lrs, scores, results, higher_is_better, np.zeros(len(lrs), bool), None)
    sign = 1.0 if higher_is_better else -1.0           # compare sign * score: larger is better
    signed = np.where(finite, sign * scores, -np.inf)
    best = int(np.argmax(signed))                      # ties: the smallest learning rate
    working = finite.copy()
    if tolerance is not None:
        working &= signed >= signed[best] - tolerance
    if threshold is not None:
        working &= signed >= sign * threshold
    return LRSweep(name, lrs, scores, results, higher_is_better, working, best)


def race(makers: dict, objective, lrs, report=None, **tune_kw) -> list:
    """Tune every optimizer of ``makers`` with :func:`tune_lr` on the same objective and grid.

    Args:
        makers: ``name -> (lr -> optimizer)``, e.g. ``{"SGD": SGD, "Adam": Adam}``.
        objective, lrs: as in :func:`tune_lr`, the same for every optimizer (a fair race).
        report: ``best_result -> dict`` of extra columns measured at the best learning rate
            (e.g. steps to a target, test accuracy), or None.
        **tune_kw: ``score``, ``higher_is_better``, ``tolerance``, ``threshold`` of :func:`tune_lr`.

    Returns:
        One row (a dict) per optimizer, in the order of ``makers``: ``optimizer``,
        ``best_lr``, ``score``, ``n_working``, ``band_decades``, the columns of
        ``report`` (None when no learning rate had a finite score), and ``sweep``
        (the :class:`LRSweep` itself).
    """
    if not isinstance(makers, dict) or not makers:
        raise ValueError(f"makers must be a non-empty dict name -> (lr -> optimizer), got {makers!r}")
    if report is not None and not callable(report):
        raise TypeError(f"report must be callable (best result -> dict) or None, got {report!r}")
    rows = []
    for label, make in makers.items():
        sweep = tune_lr(make, objective, lrs, name=label, **tune_kw)
        row = {"optimizer": label, "best_lr": sweep.best_lr, "score": sweep.best_score,
               "n_working": sweep.n_working, "band_decades": sweep.band_decades}
        if report is not None and sweep.best_index is not None:
            extra = report(sweep.best_result)
            if not isinstance(extra, dict):
                raise TypeError(f"report must return a dict of columns, got {type(extra).__name__}")
            row.update(extra)
        row["sweep"] = sweep
        rows.append(row)
    return rows
