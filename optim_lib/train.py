"""Training loops: an optimizer on a landscape, and the linear classifier on digits.

Both loops stop at the first non-finite value (or a value past ``blowup``) and
report the step where the run diverged, instead of filling the screen with
overflow warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .data import DigitsSplit, minibatches
from .losses import accuracy, svm_loss_vectorized
from .optimizers import Optimizer

__all__ = ["Run", "run_landscape", "History", "fit_linear_classifier", "init_weights",
           "effective_lr", "StateRecorder", "LRSweep", "tune_lr", "race",
           "steps_score", "settle_step",
           "overshoot", "uphill_steps", "escape_step", "crossings", "flip_rate"]


def _check_optimizer(opt):
    if not isinstance(opt, Optimizer):
        raise TypeError(f"opt must be an optim_lib optimizer (SGD, Momentum, ...), got {opt!r}")


def _check_count(name, value, minimum=1):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")


@dataclass
class Run:
    """One optimizer's path on a landscape.

    Attributes:
        label: who ran (the optimizer's repr unless given).
        path: points visited, shape ``(steps + 1, d)``; row 0 is the start.
        losses: value at each point of ``path``.
        diverged_at: the step whose point was non-finite or past ``blowup``, or None.
    """

    label: str
    path: np.ndarray
    losses: np.ndarray
    diverged_at: int | None = None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])

    def steps_to(self, target: float) -> int | None:
        """First step whose loss is at or below ``target``, or None if never reached."""
        hit = np.flatnonzero(self.losses <= target)
        return int(hit[0]) if hit.size else None

    def __repr__(self) -> str:
        end = f"diverged at step {self.diverged_at}" if self.diverged else f"final loss {self.final_loss:.3g}"
        return f"Run({self.label}, {len(self.path) - 1} steps, {end})"


def run_landscape(opt: Optimizer, landscape, steps: int = 100, start=None,
                  blowup: float = 1e10, label: str | None = None) -> Run:
    """Run ``opt`` for ``steps`` steps on ``landscape`` from ``start`` (default: its own).

    The optimizer is reset first, so a Run never depends on an earlier one.
    The run stops early at the first point whose value is non-finite or above
    ``blowup``; that step is reported in ``Run.diverged_at``.
    """
    _check_optimizer(opt)
    _check_count("steps", steps, minimum=0)
    p = np.array(landscape.start if start is None else start, dtype=float)
    if p.shape != (landscape.dim,):
        raise ValueError(f"start must have {landscape.dim} coordinates, got shape {p.shape}")
    opt.reset()
    path = [p.copy()]
    losses = [landscape(p)]
    diverged_at = None
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            opt.step(p, landscape.grad(p))
            value = landscape(p)
            if not (np.all(np.isfinite(p)) and np.isfinite(value) and abs(value) <= blowup):
                diverged_at = t
                break
            path.append(p.copy())
            losses.append(value)
    return Run(label or repr(opt), np.array(path), np.array(losses), diverged_at)


def init_weights(n_classes: int, n_features: int, seed: int = 0, scale: float = 1e-3) -> np.ndarray:
    """Small random weights ``scale · N(0, 1)`` of shape ``(n_classes, n_features)``."""
    return scale * np.random.default_rng(seed).standard_normal((n_classes, n_features))


@dataclass
class History:
    """What happened while fitting the linear classifier.

    Attributes:
        W: the final weights.
        losses: minibatch (or full-batch) training loss before each update.
        epoch_train_loss: full training loss at the end of each epoch (index 0: before training).
        train_acc, val_acc: accuracy at the end of each epoch (index 0: before training).
        grad_evals: number of per-sample gradient evaluations spent (samples seen).
        diverged_at: the update at which the loss became non-finite, or None.
    """

    W: np.ndarray
    losses: list = field(default_factory=list)
    epoch_train_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    val_acc: list = field(default_factory=list)
    grad_evals: list = field(default_factory=list)
    diverged_at: int | None = None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None


def fit_linear_classifier(opt: Optimizer, data: DigitsSplit, epochs: int = 20,
                          batch_size: int | None = None, reg: float = 1e-3, seed: int = 0,
                          W0: np.ndarray | None = None, loss_fn=svm_loss_vectorized) -> History:
    """Train ``W`` (10 x 65) on ``data``'s training set with ``opt``.

    Args:
        opt: an optim_lib optimizer; it is reset first.
        data: a :class:`~optim_lib.data.DigitsSplit`.
        epochs: passes over the training set.
        batch_size: None for full-batch gradient descent (one update per epoch),
            else the minibatch size (minibatches shuffled by a Generator seeded with ``seed``).
        reg: L2 regularization strength.
        seed: seeds the initial weights (unless ``W0`` is given) and the minibatch order.
        W0: starting weights (copied), or None for :func:`init_weights`.
        loss_fn: ``(W, X, y, reg) -> (loss, dW)``.
    """
    _check_optimizer(opt)
    _check_count("epochs", epochs)
    if batch_size is not None:
        _check_count("batch_size", batch_size)
    X, y = data.X_train, data.y_train
    W = (init_weights(data.n_classes, data.n_features, seed) if W0 is None
         else np.array(W0, dtype=float))
    if W.shape != (data.n_classes, data.n_features):
        raise ValueError(f"W0 must have shape {(data.n_classes, data.n_features)}, got {W.shape}")
    opt.reset()
    rng = np.random.default_rng(seed)
    hist = History(W=W)

    def record_epoch():
        hist.epoch_train_loss.append(float(loss_fn(W, X, y, reg)[0]))
        hist.train_acc.append(accuracy(W, X, y))
        hist.val_acc.append(accuracy(W, data.X_val, data.y_val))

    record_epoch()
    seen = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            batches = [(X, y)] if batch_size is None else minibatches(X, y, batch_size, rng)
            for Xb, yb in batches:
                loss, dW = loss_fn(W, Xb, yb, reg)
                if not (np.isfinite(loss) and np.all(np.isfinite(W))):
                    hist.diverged_at = len(hist.losses)
                    return hist
                hist.losses.append(float(loss))
                opt.step(W, dW)
                seen += len(yb)
                hist.grad_evals.append(seen)
            record_epoch()
    return hist



def effective_lr(opt: Optimizer) -> np.ndarray:
    """The per-coordinate learning rate ``opt`` would apply now, from its current state.

    * AdaGrad: ``lr / (√G + eps)``; RMSProp: ``lr / (√s + eps)``;
    * Adam: ``lr / (√v̂ + eps)`` with ``v̂ = v / (1 − beta2^t)`` (``v`` itself when
      ``bias_correction`` is off); Adam applies it to ``m̂``, not to the raw gradient;
    * SGD, Momentum, Nesterov: ``lr`` for every coordinate (their step size does
      not adapt).

    The state exists only after a first ``step``; before it this raises ValueError.
    """
    from .optimizers import AdaGrad, Adam, RMSProp

    _check_optimizer(opt)
    if opt.t == 0:
        raise ValueError(f"opt has no state yet (opt.t == 0): take a step first, got {opt!r}")
    if isinstance(opt, AdaGrad):
        return opt.lr / (np.sqrt(opt.G) + opt.eps)
    if isinstance(opt, RMSProp):
        return opt.lr / (np.sqrt(opt.s) + opt.eps)
    if isinstance(opt, Adam):
        c2 = 1 - opt.beta2 ** opt.t if opt.bias_correction else 1.0
        return opt.lr / (np.sqrt(opt.v / c2) + opt.eps)
    return np.full(opt._shape, opt.lr)


class StateRecorder(Optimizer):
    """Wraps an optimizer and keeps a copy of its state after every step.

    It is an optimizer itself, so it runs anywhere one does
    (:func:`run_landscape`, :func:`fit_linear_classifier`); the wrapped optimizer
    does the work. After each step it stores the gradient (``"dw"``), every state
    array of the wrapped optimizer (``"G"``, ``"s"``, ``"m"``, ``"v"``, ...) and
    :func:`effective_lr` (``"effective_lr"``). ``reset`` forgets the history too.

    Example::

        rec = StateRecorder(AdaGrad(lr=0.1))
        run = run_landscape(rec, ill_conditioned_bowl(50), steps=100)
        rates = rec.stacked("effective_lr")   # shape (100, 2): one row per step

    Args:
        opt: the optim_lib optimizer to run and watch.
    """

    def __init__(self, opt: Optimizer):
        _check_optimizer(opt)
        if isinstance(opt, StateRecorder):
            raise TypeError(f"opt must be a plain optimizer, not another StateRecorder: {opt!r}")
        self.opt = opt
        self.name = opt.name
        super().__init__()

    def reset(self) -> None:
        self.opt.reset()
        self.t = 0
        self.history: list[dict] = []

    @property
    def hyperparams(self):
        return self.opt.hyperparams

    def __repr__(self) -> str:
        return repr(self.opt)

    def step(self, w: np.ndarray, dw) -> np.ndarray:
        self.opt.step(w, dw)
        self.t = self.opt.t
        record = {"dw": np.array(dw, dtype=float)}
        for name in self.opt._state_names:
            record[name] = getattr(self.opt, name).copy()
        record["effective_lr"] = effective_lr(self.opt)
        self.history.append(record)
        return w

    def stacked(self, key: str) -> np.ndarray:
        """One recorded quantity over all steps: shape ``(steps, *w.shape)``; row i is step i + 1."""
        if not self.history:
            raise ValueError("nothing recorded yet: run the recorder for at least one step")
        if key not in self.history[0]:
            raise ValueError(f"key must be one of {sorted(self.history[0])}, got {key!r}")
        return np.stack([record[key] for record in self.history])


# --- Chapter 11: a fair race (tune each optimizer's learning rate, then compare) ---


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


def _check_lrs(lrs) -> np.ndarray:
    try:
        arr = np.asarray(lrs, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"lrs must be a sequence of numbers, got {lrs!r}") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"lrs must be a non-empty 1-D sequence of learning rates, got {lrs!r}")
    if not (np.all(np.isfinite(arr)) and np.all(arr > 0)):
        raise ValueError(f"lrs must all be finite and > 0, got {lrs!r}")
    if np.any(np.diff(arr) <= 0):
        raise ValueError(f"lrs must be strictly increasing, got {lrs!r}")
    return arr


def _check_limit(name, value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or np.isnan(value):
        raise ValueError(f"{name} must be a number or None, got {value!r}")
    return float(value)


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
    lrs = _check_lrs(lrs)
    tolerance = _check_limit("tolerance", tolerance)
    if tolerance is not None and tolerance < 0:
        raise ValueError(f"tolerance must be >= 0, got {tolerance!r}")
    threshold = _check_limit("threshold", threshold)

    results, scores = [], []
    for lr in lrs:
        opt = make_optimizer(float(lr))
        _check_optimizer(opt)
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


def steps_score(run: Run, target: float) -> float:
    """Score of a landscape run for :func:`tune_lr`: lower is better.

    The number of steps after which the loss is at or below ``target`` and stays
    there until the end of the run (passing through the target and leaving again
    does not count). A run that does not end there scores its budget plus ``log10(1 + (final loss - target) / |target|)``
    (worse than any run that got there, and better the closer it ended); a diverged
    run scores nan.
    """
    if not isinstance(run, Run):
        raise TypeError(f"run must be a Run (from run_landscape), got {type(run).__name__}")
    target = _check_limit("target", target)
    if target is None or not np.isfinite(target):
        raise ValueError(f"target must be a finite number, got {target!r}")
    if run.diverged:
        return float("nan")
    hit = settle_step(run, target)
    if hit is not None:
        return float(hit)
    gap = max(run.final_loss - target, 0.0)
    return float(len(run.path) - 1 + np.log10(1.0 + gap / max(abs(target), 1e-300)))


# --- Chapters 6 and 7: measuring momentum (overshoot, uphill steps, escapes) ---


def _check_run(run):
    if not isinstance(run, Run):
        raise TypeError(f"run must be a Run (from run_landscape), got {type(run).__name__}")


def _check_axis(run, axis):
    dim = run.path.shape[1]
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or not 0 <= axis < dim:
        raise ValueError(f"axis must be an integer in [0, {dim}), got {axis!r}")
    return int(axis)


def overshoot(run: Run, minimum, axis: int = 0) -> float:
    """How far ``run`` went past ``minimum`` along one coordinate axis (0 if never).

    The run travels from its start towards the minimum; the overshoot is the
    largest distance, along ``axis``, by which a point of the path lies beyond
    the minimum on the far side:
    ``max(0, max_t s·(path[t, axis] − minimum[axis]))`` with
    ``s = sign(minimum[axis] − path[0, axis])``.

    Args:
        run: a :class:`Run`.
        minimum: the point the run should settle at (its coordinates).
        axis: the coordinate measured (0 for x, 1 for y).
    """
    _check_run(run)
    axis = _check_axis(run, axis)
    m = np.asarray(minimum, dtype=float)
    if m.shape != (run.path.shape[1],):
        raise ValueError(f"minimum must have {run.path.shape[1]} coordinates, got {minimum!r}")
    s = np.sign(m[axis] - run.path[0, axis])
    if s == 0:
        raise ValueError(f"the run starts at the minimum along axis {axis}: "
                         f"start {run.path[0]!r}, minimum {minimum!r}")
    return float(max(0.0, np.max(s * (run.path[:, axis] - m[axis]))))


def uphill_steps(run: Run) -> int:
    """How many steps of ``run`` increased the loss (a sign of overshooting)."""
    _check_run(run)
    return int(np.count_nonzero(np.diff(run.losses) > 0))


def escape_step(run: Run, threshold: float, axis: int = 1) -> int | None:
    """First step whose coordinate ``axis`` is farther than ``threshold`` from 0, or None.

    On :func:`~optim_lib.landscapes.saddle` (saddle point at the origin, minima at
    y = ±1) ``escape_step(run, 0.5)`` is the step at which the run left the saddle.
    """
    _check_run(run)
    axis = _check_axis(run, axis)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.integer,
                                                                  np.floating)) \
            or not np.isfinite(threshold) or threshold < 0:
        raise ValueError(f"threshold must be a finite number >= 0, got {threshold!r}")
    hit = np.flatnonzero(np.abs(run.path[:, axis]) > threshold)
    return int(hit[0]) if hit.size else None


def settle_step(run: Run, target: float) -> int | None:
    """First step from which the loss of ``run`` stays at or below ``target`` to the end.

    None if the run does not end at or below ``target`` (or diverged).
    """
    if not isinstance(run, Run):
        raise TypeError(f"run must be a Run (from run_landscape), got {type(run).__name__}")
    if run.diverged:
        return None
    above = np.flatnonzero(~(np.asarray(run.losses) <= target))
    if above.size == 0:
        return 0
    return None if above[-1] == len(run.losses) - 1 else int(above[-1] + 1)


def crossings(run: Run, minimum, axis: int = 1) -> int:
    """How many times ``run`` crossed ``minimum``'s coordinate ``axis`` (sign changes).

    On :func:`~optim_lib.landscapes.ill_conditioned_bowl`, ``crossings(run, (0, 0))``
    counts the bounces from wall to wall across the valley (the zig-zag).
    Points exactly on the line do not count as a side.
    """
    _check_run(run)
    axis = _check_axis(run, axis)
    m = np.asarray(minimum, dtype=float)
    if m.shape != (run.path.shape[1],):
        raise ValueError(f"minimum must have {run.path.shape[1]} coordinates, got {minimum!r}")
    side = np.sign(run.path[:, axis] - m[axis])
    side = side[side != 0]
    return int(np.count_nonzero(side[1:] != side[:-1]))


def flip_rate(run: Run) -> np.ndarray:
    """Per coordinate: the share of steps whose direction (sign) differs from the step before.

    About 0 for a run that moves steadily, about 0.5 for steps that are as good as random
    (noisy gradients), about 1 for a zig-zag that reverses every step.
    """
    _check_run(run)
    if len(run.path) < 3:
        raise ValueError(f"run must have at least 2 steps to compare, got {len(run.path) - 1}")
    steps = np.diff(run.path, axis=0)
    return np.mean(np.sign(steps[1:]) != np.sign(steps[:-1]), axis=0)
