"""Approach 1: random search — guess weights, keep the best guess.

Two flavours:

* :func:`random_search` draws every guess from scratch: ``W = scale · N(0, 1)``.
* :func:`random_local_search` starts somewhere and tries a random *step* from the
  best point so far, keeping it only if the loss goes down — a first taste of
  "follow the direction that lowers the loss".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import checks

__all__ = ["SearchResult", "random_search", "random_local_search"]


@dataclass
class SearchResult:
    """Outcome of a search.

    Attributes:
        W: the best weights found.
        best_loss: their loss.
        losses: the loss of every try, in order.
        best_so_far: running minimum of ``losses`` (the best loss after each try).
    """

    W: np.ndarray
    best_loss: float
    losses: np.ndarray

    @property
    def best_so_far(self) -> np.ndarray:
        return np.minimum.accumulate(self.losses)

    def __repr__(self) -> str:
        return f"SearchResult(tries={len(self.losses)}, best_loss={self.best_loss:.4f})"


def _check_scale(name, scale):
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < scale < np.inf:
        raise ValueError(f"{name} must be a finite number > 0, got {scale!r}")


def random_search(loss_fn, shape, tries=1000, scale=1e-3, seed=0) -> SearchResult:
    """Try ``tries`` random weight matrices ``scale · N(0, 1)`` and keep the best.

    Args:
        loss_fn: ``W -> loss`` (a float).
        shape: shape of ``W``, e.g. ``(10, 65)``.
        tries: number of random guesses.
        scale: standard deviation of every weight.
        seed: seed of the Generator that draws the guesses.
    """
    checks.count("tries", tries)
    _check_scale("scale", scale)
    rng = np.random.default_rng(seed)
    best_W, best_loss = None, np.inf
    losses = np.empty(tries)
    for n in range(tries):
        W = scale * rng.standard_normal(shape)
        losses[n] = loss = loss_fn(W)
        if loss < best_loss:
            best_W, best_loss = W, loss
    return SearchResult(best_W, float(best_loss), losses)


def random_local_search(loss_fn, W0, tries=1000, step_size=1e-2, seed=0) -> SearchResult:
    """From ``W0``, try ``W_best + step_size · N(0, 1)`` each time and keep it if the loss drops.

    One perturbation ``rng.standard_normal(W0.shape)`` is drawn per try from a
    Generator seeded with ``seed``. ``losses`` records the loss of each *try*.
    """
    checks.count("tries", tries)
    _check_scale("step_size", step_size)
    rng = np.random.default_rng(seed)
    best_W = np.array(W0, dtype=float)
    best_loss = loss_fn(best_W)
    losses = np.empty(tries)
    for n in range(tries):
        W = best_W + step_size * rng.standard_normal(best_W.shape)
        losses[n] = loss = loss_fn(W)
        if loss < best_loss:
            best_W, best_loss = W, loss
    return SearchResult(best_W, float(best_loss), losses)
