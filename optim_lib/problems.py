"""The race's problems, each running many configurations x seeds of one optimizer at once.

A problem takes ONE optimizer whose hyperparameters are arrays of shape ``(G, 1, 1)``
(:meth:`optim_lib.search_space.Trials.optimizer`, ``G`` configurations) and a list of
``S`` seeds, and trains all ``G x S`` runs in one numpy loop. It returns an
:class:`Outcome`: its metric after every evaluation, per run.

=====================  =========================  ===============  =====================
problem                metric (``curve``)          chosen on        target (time-to-target)
=====================  =========================  ===============  =====================
:class:`Landscape2D`   f − f* every step          steps to target  f − f* ≤ ``target``
:class:`LinearDigits`  f − f* (certified f*),     final f − f*     f − f* ≤ ``target``
                       every epoch
:class:`MLPDigits`     validation accuracy,       final val. acc.  val. acc. ≥ ``target``
                       every epoch
=====================  =========================  ===============  =====================

Seed ``s`` is what varies between repeats: the start point on a landscape (on a circle
around the minimum, at the default start's distance), the initial weights and the
minibatch order on digits. The test split is read only when ``test=True``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import checks
from .data import DigitsSplit
from .landscapes import Landscape, rotated
from .linear_race import train_classifiers
from .network_train import train_networks
from .nn import MLP
from .optimum import svm_optimum

__all__ = ["Outcome", "Landscape2D", "LinearDigits", "MLPDigits", "steps_to_target"]


@dataclass
class Outcome:
    """What a problem measured on ``G`` configurations x ``S`` seeds.

    Attributes:
        steps: the number of updates taken at each evaluation, shape ``(K,)``.
        curve: the problem's metric at each evaluation, ``(K, G, S)``; nan once diverged.
        test: test accuracy at the end, ``(G, S)``, or None (not read).
    """

    steps: np.ndarray
    curve: np.ndarray
    test: np.ndarray | None = None

    @property
    def final(self) -> np.ndarray:
        """The metric at the end of the run, ``(G, S)``."""
        return self.curve[-1]


def steps_to_target(steps, curve, target: float, higher_is_better: bool = False,
                    censor: float = np.inf) -> np.ndarray:
    """The first number of updates at which ``curve`` reaches ``target`` (AlgoPerf's
    time-to-target), per run: ``curve`` of shape ``(K, ...)`` measured after ``steps[k]``
    updates. Runs that never reach it get ``censor`` (inf by default)."""
    steps = np.asarray(steps, dtype=float)
    curve = np.asarray(curve, dtype=float)
    if steps.ndim != 1 or curve.shape[:1] != steps.shape:
        raise ValueError(f"curve must have one row per entry of steps ({steps.shape}), "
                         f"got shape {curve.shape}")
    target = checks.real("target", target)
    with np.errstate(invalid="ignore"):
        hit = curve >= target if higher_is_better else curve <= target
    first = np.argmax(hit, axis=0)
    return np.where(hit.any(axis=0), steps[first], censor)


class Landscape2D:
    """A 2-D landscape, aligned or turned by ``degrees`` about its minimum.

    Seed ``s`` starts at the default start's distance from the minimum, at an angle drawn
    by ``default_rng(s)``; the turned problem turns the start with the landscape, so a
    rotation-invariant rule (SGD, Momentum, Nesterov) does the same on both.

    Args:
        landscape: a 2-D :class:`~optim_lib.landscapes.Landscape` (e.g. the κ = 10 bowl).
        degrees: the turn (0: aligned with the axes).
        steps: updates per run.
        target: the gap ``f − f*`` that counts as arrived.
        blowup: a value above this (or non-finite) is divergence: nan from there on.
    """

    higher_is_better = False
    metric = "f − f*"
    choose_by = "steps"
    ndim = 3

    def __init__(self, landscape: Landscape, degrees: float = 0.0, steps: int = 200,
                 target: float = 1e-3, blowup: float = 1e10, name: str | None = None):
        if not isinstance(landscape, Landscape) or landscape.dim != 2:
            raise TypeError(f"landscape must be a 2-D Landscape, got {landscape!r}")
        self.base = landscape
        self.degrees = checks.real("degrees", degrees)
        self.landscape = rotated(landscape, degrees) if degrees else landscape
        self.total = checks.count("steps", steps)
        self.target = checks.positive("target", target)
        self.blowup = checks.positive("blowup", blowup)
        self.name = name or (f"{landscape.name}, turned {degrees:g}°" if degrees else landscape.name)

    def starts(self, seeds) -> np.ndarray:
        """The start point of each seed, shape ``(S, 2)``."""
        seeds = checks.seeds(seeds)
        c = np.array(self.landscape.minima[0], dtype=float)
        r = float(np.hypot(*(np.array(self.base.start) - np.array(self.base.minima[0]))))
        angle = np.array([np.random.default_rng(s).uniform(0, 2 * np.pi) for s in seeds])
        angle += np.deg2rad(self.degrees)
        return c + r * np.stack([np.cos(angle), np.sin(angle)], axis=-1)

    def run(self, opt, groups: int, seeds, test: bool = False) -> Outcome:
        """``groups`` configurations (``opt``'s hyperparameters ``(G, 1, 1)``) x ``seeds``."""
        checks.optimizer(opt)
        G = checks.count("groups", groups)
        p = np.repeat(self.starts(seeds)[None], G, axis=0)          # (G, S, 2)
        at = np.moveaxis(p, -1, 0)          # the landscape's view of p, (2, G, S): p moves in place
        land, f_star = self.landscape, self.landscape.min_value
        opt.reset()
        gaps = np.empty((self.total + 1, G, p.shape[1]))
        gaps[0] = land(at) - f_star
        dead = np.zeros(gaps.shape[1:], dtype=bool)
        with np.errstate(all="ignore"):
            for t in range(1, self.total + 1):
                opt.step(p, np.moveaxis(land.grad(at), 0, -1))
                gap = land(at) - f_star
                dead |= ~np.isfinite(gap) | (np.abs(gap) > self.blowup)
                gaps[t] = np.where(dead, np.nan, gap)
        return Outcome(np.arange(self.total + 1), gaps)

    def __repr__(self) -> str:
        return f"Landscape2D({self.name}, {self.total} steps, target gap {self.target:g})"


class LinearDigits:
    """The linear SVM classifier on digits, measured by ``f − f*`` against the certified optimum.

    Args:
        data: a :class:`~optim_lib.data.DigitsSplit`.
        reg, epochs, batch_size, dtype: as :func:`optim_lib.linear_race.train_classifiers`.
        target: the gap ``f − f*`` that counts as arrived.
        tol: the certificate asked of :func:`optim_lib.optimum.svm_optimum`.
    """

    higher_is_better = False
    metric = "f − f*"
    choose_by = "final"
    ndim = 3

    def __init__(self, data: DigitsSplit, reg: float = 1e-3, epochs: int = 20,
                 batch_size: int = 64, target: float = 0.01, tol: float = 1e-4,
                 dtype=np.float32, name: str = "digits, linear"):
        if not isinstance(data, DigitsSplit):
            raise TypeError(f"data must be a DigitsSplit, got {type(data).__name__}")
        self.data, self.name = data, name
        self.reg = checks.positive("reg", reg)
        self.epochs = checks.count("epochs", epochs)
        self.batch_size = checks.count("batch_size", batch_size)
        self.target = checks.positive("target", target)
        self.dtype = checks.float_dtype(dtype)
        self.optimum = svm_optimum(data.X_train, data.y_train, self.reg, tol=tol)
        self.per_epoch = -(-len(data.y_train) // self.batch_size)
        self.total = self.epochs * self.per_epoch

    def run(self, opt, groups: int, seeds, test: bool = False) -> Outcome:
        runs = train_classifiers(opt, self.data, seeds, self.epochs, self.batch_size, self.reg,
                                 checkpoints=range(1, self.epochs + 1), dtype=self.dtype,
                                 groups=groups, validation=False)    # f − f* is the metric
        acc = None
        if test:
            acc = np.stack([runs.accuracy(self.data.X_test, self.data.y_test, self.epochs, g)
                            for g in range(groups)])
        return Outcome(np.array(runs.checkpoints) * self.per_epoch,
                       runs.train_loss - self.optimum.f_star, acc)

    def __repr__(self) -> str:
        return (f"LinearDigits({self.epochs} epochs x {self.per_epoch} updates, batch "
                f"{self.batch_size}, reg {self.reg:g}, target gap {self.target:g})")


class MLPDigits:
    """The small ReLU network on digits, measured by validation accuracy (test read once).

    Args:
        data: a :class:`~optim_lib.data.DigitsSplit`.
        net: the :class:`~optim_lib.nn.MLP` (default ``MLP((64, 32, 10))``).
        epochs, batch_size: as :func:`optim_lib.network_train.train_networks` (float32).
        target: the validation accuracy that counts as arrived.
    """

    higher_is_better = True
    metric = "validation accuracy"
    choose_by = "final"
    ndim = 3

    def __init__(self, data: DigitsSplit, net: MLP | None = None, epochs: int = 20,
                 batch_size: int = 64, target: float = 0.95, name: str = "digits, MLP"):
        if not isinstance(data, DigitsSplit):
            raise TypeError(f"data must be a DigitsSplit, got {type(data).__name__}")
        self.data, self.name = data, name
        self.net = MLP((64, 32, 10)) if net is None else net
        self.epochs = checks.count("epochs", epochs)
        self.batch_size = checks.count("batch_size", batch_size)
        self.target = checks.in_range("target", target, 0.0, 1.0)
        self.per_epoch = -(-len(data.y_train) // self.batch_size)
        self.total = self.epochs * self.per_epoch

    def run(self, opt, groups: int, seeds, test: bool = False) -> Outcome:
        runs = train_networks(self.net, opt, self.data, seeds, self.epochs, self.batch_size,
                              checkpoints=range(1, self.epochs + 1), groups=groups)
        acc = None
        if test:
            acc = np.stack([runs.test_accuracy(self.data, self.epochs, g) for g in range(groups)])
        return Outcome(np.array(runs.checkpoints) * self.per_epoch, runs.val_acc, acc)

    def __repr__(self) -> str:
        return (f"MLPDigits({self.net.sizes}, {self.epochs} epochs x {self.per_epoch} updates, "
                f"batch {self.batch_size}, target val. acc. {self.target:g})")
