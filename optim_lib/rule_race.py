"""The race for the rules after AdamW: their search spaces, stacked twins, and the protocol.

:mod:`optim_lib.protocol` races the six rules of :data:`optim_lib.search_space.RULES`.
Lion, Muon (+ AdamW for the biases) and Schedule-Free AdamW are raced here with the same
protocol on :class:`optim_lib.problems.MLPDigits`: trial 0 = the rule's defaults
(constant rate), trials 1..K drawn at random from its stated space, each budget ``k``
choosing the best validation accuracy of trials 1..k on the tuning seed(s) (nested), the
choice run on fresh seeds and its TEST accuracy read once. The fresh seeds fix the
initialization and the minibatch order, so the values pair seed by seed with the
protocol's own race (``run_race(MLPDigits(data), names=("Adam",))``).

Stated spaces (the protocol's conventions: lr log-uniform over (1e-4, 10); ``1-x``
log-uniform; schedule constant or warmup+cosine, 50/50, warmup share U(0, 0.2)):

* Lion: lr, 1-beta1 (1e-3, 1), 1-beta2 (1e-4, 0.1), schedule;
* Muon: lr (Muon's, the matrices), 1-momentum (1e-3, 1), adamw_lr (the biases), schedule;
* Schedule-Free: lr, 1-beta1 (1e-3, 1), 1-beta2 (1e-4, 0.1), warmup (its linear warmup
  share, U(0, 0.2)) and no schedule: that is the point of the rule.

eps, weight decay and the other settings stay at each rule's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import checks
from .data import DigitsSplit
from .muon_split import MuonAdamW
from .network_train import digits_features, train_networks
from .nn import MLP
from .optimizers import Lion
from .search_space import (RULES, Choice, LogUniform, PerRunSchedule, Trials, Uniform,
                           warmup_cosine_factors)

__all__ = ["SPACES", "DEFAULTS", "sample", "stacked", "ScheduleFreeStack", "race_rules", "RuleRace",
           "choose", "fresh_runs"]

_LR = LogUniform(1e-4, 10.0)
_SCHEDULE = Choice(("constant", "warmup_cosine"))
_WARMUP = Uniform(0.0, 0.2)
SPACES = {
    "Lion": {"lr": _LR, "1-beta1": LogUniform(1e-3, 1), "1-beta2": LogUniform(1e-4, 0.1),
             "schedule": _SCHEDULE, "warmup": _WARMUP},
    "Muon": {"lr": _LR, "1-momentum": LogUniform(1e-3, 1), "adamw_lr": _LR,
             "schedule": _SCHEDULE, "warmup": _WARMUP},
    "Schedule-Free": {"lr": _LR, "1-beta1": LogUniform(1e-3, 1), "1-beta2": LogUniform(1e-4, 0.1),
                      "warmup": _WARMUP},
}
DEFAULTS = {                                    # each rule's class defaults, constant rate
    "Lion": {"lr": 1e-4, "beta1": 0.9, "beta2": 0.99, "schedule": "constant", "warmup": 0.0},
    "Muon": {"lr": 1e-3, "momentum": 0.95, "adamw_lr": 1e-3, "schedule": "constant", "warmup": 0.0},
    "Schedule-Free": {"lr": 0.0025, "beta1": 0.9, "beta2": 0.999, "warmup": 0.0},
}


def _name(name):
    if name not in SPACES:
        raise ValueError(f"name must be one of {tuple(SPACES)}, got {name!r}")
    return name


def sample(name: str, n: int, seed=0) -> list:
    """``n`` random trials of rule ``name`` from its stated space, drawn trial by trial
    (so the first 4 of 32 are the 4 of a budget of 4). ``seed``: an int or a Generator."""
    space = SPACES[_name(name)]
    n = checks.count("n", n, minimum=0)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    trials = []
    for _ in range(n):
        u = rng.random(len(space))
        trial = {}
        for (axis, dist), ui in zip(sorted(space.items()), u):
            value = dist.from_unit(np.array([ui]))[0]
            value = value if isinstance(value, str) else float(value)
            trial[axis[2:] if axis.startswith("1-") else axis] = 1 - value if axis.startswith("1-") else value
        trials.append(trial)
    return trials


def _column(trials, key, shape):
    return np.array([t[key] for t in trials], dtype=float).reshape(shape)


def _factors(trials, total):
    out = np.ones((total, len(trials)))
    for i, t in enumerate(trials):
        if t.get("schedule") == "warmup_cosine":
            out[:, i] = warmup_cosine_factors(total, min(int(round(t["warmup"] * total)), total - 1))
    return out


class ScheduleFreeStack:
    """:class:`optim_lib.optimizers.AdamWScheduleFree` with per-run hyperparameters (arrays
    that broadcast over ``w``'s leading axes; ``warmup_steps`` an integer array too): the
    same equations, stacked. ``eval_point(w)`` returns x, the point to evaluate;
    ``keep_x_at``: step counts after which x is kept in ``kept[t]`` (one run then reads
    Schedule-Free at several stopping times: nothing in its steps depends on when it stops)."""

    name = "Schedule-Free"

    def __init__(self, lr=0.0025, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
                 warmup_steps=0, r=0.0, weight_lr_power=2.0, keep_x_at=()):
        self.lr = np.asarray(lr, dtype=float)
        self.beta1, self.beta2 = np.asarray(beta1, dtype=float), np.asarray(beta2, dtype=float)
        self.warmup_steps = np.asarray(warmup_steps, dtype=float)
        for name, v, lo, hi in (("lr", self.lr, 0, np.inf), ("beta1", self.beta1, 0, 1),
                                ("beta2", self.beta2, -1e-300, 1)):
            if not (np.all(v > lo) and np.all(v < hi)):
                raise ValueError(f"{name} must be in ({max(lo, 0)}, {hi}), got {v!r}")
        if np.any(self.warmup_steps < 0):
            raise ValueError(f"warmup_steps must be >= 0, got {warmup_steps!r}")
        self.eps, self.weight_decay = float(eps), float(weight_decay)
        self.r, self.weight_lr_power = float(r), float(weight_lr_power)
        self.keep_x_at = frozenset(checks.count("keep_x_at", k) for k in keep_x_at)
        self.reset()

    def reset(self):
        self.t, self.z, self.v, self.lr_max, self.weight_sum = 0, None, None, 0.0, 0.0
        self.kept = {}

    def step(self, w, dw):
        if self.z is None:
            self.z, self.v = w.astype(float), np.zeros(w.shape)
        self.t += 1
        warm = np.where(self.warmup_steps > 0, np.minimum(1.0, self.t / np.maximum(self.warmup_steps, 1)), 1.0)
        lr = self.lr * warm
        self.lr_max = np.maximum(self.lr_max, lr)
        weight = self.t**self.r * self.lr_max**self.weight_lr_power
        self.weight_sum = self.weight_sum + weight
        c = np.where(self.weight_sum > 0, weight / np.where(self.weight_sum > 0, self.weight_sum, 1), 0.0)
        y = w.astype(float)
        x = (y - (1 - self.beta1) * self.z) / self.beta1
        self.v = self.beta2 * self.v + (1 - self.beta2) * dw**2
        v_hat = self.v / (1 - self.beta2**self.t)
        g = dw / (np.sqrt(v_hat) + self.eps) + self.weight_decay * y
        self.z = self.z - lr * g
        x = (1 - c) * x + c * self.z
        w[...] = (1 - self.beta1) * self.z + self.beta1 * x
        if self.t in self.keep_x_at:
            self.kept[self.t] = self.eval_point(w)
        return w

    def eval_point(self, w):
        """x = (y − (1 − beta1)·z)/beta1, a new array (a copy of w before the first step)."""
        if self.z is None:
            return w.copy()
        return ((w - (1 - self.beta1) * self.z) / self.beta1).astype(w.dtype)


def stacked(name: str, trials: list, net: MLP, total: int):
    """ONE optimizer for all ``trials`` of rule ``name``, stepping parameters of shape
    ``(len(trials), S, n_params)``; per-trial schedules over ``total`` updates."""
    G = len(trials)
    shape = (G, 1, 1)
    if _name(name) == "Lion":
        opt = Lion(lr=_column(trials, "lr", shape), beta1=_column(trials, "beta1", shape),
                   beta2=_column(trials, "beta2", shape))
        factors = _factors(trials, total)
        return opt if np.all(factors == 1) else PerRunSchedule(opt, factors, shape)
    if name == "Muon":
        factors = _factors(trials, total)
        return MuonAdamW(net, lr=_column(trials, "lr", shape),
                         momentum=_column(trials, "momentum", shape),
                         adamw_lr=_column(trials, "adamw_lr", shape),
                         factors=None if np.all(factors == 1) else factors)
    warm = np.array([min(int(round(t["warmup"] * total)), total - 1) for t in trials])
    return ScheduleFreeStack(lr=_column(trials, "lr", shape), beta1=_column(trials, "beta1", shape),
                             beta2=_column(trials, "beta2", shape), warmup_steps=warm.reshape(shape))


def _accuracies(net, data, opt, runs, test):
    params = runs.params[-1]
    if hasattr(opt, "eval_point"):
        params = opt.eval_point(params)
    _, X_val, X_test = digits_features(data)
    X = (X_test if test else X_val).astype(params.dtype)
    acc = net.accuracy(params, X, data.y_test if test else data.y_val)
    return np.where(runs.diverged | ~np.isfinite(params).all(axis=-1), np.nan, acc)


def choose(score, first: int, last: int) -> int:
    """The index of the best (highest) tuning score among trials ``first .. last``
    (inclusive); a trial whose score is not finite (it diverged) is never chosen over one
    that is. Budget ``k`` is ``choose(score, 1, k)``; a disjoint block such as
    ``choose(score, 17, 32)`` is the same random search with other draws."""
    score = np.asarray(score, dtype=float)
    first = checks.count("first", first, minimum=0)
    last = checks.count("last", last, minimum=first)
    if last >= len(score):
        raise ValueError(f"last must be below the {len(score)} trials, got {last}")
    s = np.where(np.isfinite(score[first:last + 1]), score[first:last + 1], -np.inf)
    return first + int(np.argmax(s))


def fresh_runs(data: DigitsSplit, name: str, configs: list, seeds, net: MLP | None = None,
               epochs: int = 20, batch_size: int = 64) -> np.ndarray:
    """Test accuracy ``(len(configs), len(seeds))`` (nan = diverged) of configurations of
    rule ``name`` — one of :data:`SPACES`, or one of the protocol's rules
    (:data:`optim_lib.search_space.RULES`, e.g. ``race.config(b, "Adam")``) — trained on
    ``seeds``, all stacked in one run, as the final runs of :func:`race_rules` and
    :func:`optim_lib.protocol.run_race` do them."""
    if not configs:
        raise ValueError(f"configs must hold at least one configuration, got {configs!r}")
    net = MLP((64, 32, 10)) if net is None else net
    seeds = checks.seeds(seeds)
    total = checks.count("epochs", epochs) * -(-len(data.y_train) // checks.count("batch_size", batch_size))
    if name in SPACES:
        opt = stacked(name, list(configs), net, total)
    elif name in RULES:
        keys = [k for k in configs[0] if k not in ("schedule", "warmup")]
        trials = Trials(name, {k: np.array([c[k] for c in configs], dtype=float) for k in keys},
                        np.array([c["schedule"] for c in configs]),
                        np.array([c["warmup"] for c in configs], dtype=float))
        opt = trials.optimizer(3, total)
    else:
        raise ValueError(f"name must be one of {tuple(SPACES) + tuple(RULES)}, got {name!r}")
    runs = train_networks(net, opt, data, seeds, epochs, batch_size, groups=len(configs))
    return _accuracies(net, data, opt, runs, test=True)


@dataclass
class RuleRace:
    """What :func:`race_rules` measured: per rule, its trials and tuning scores, per budget
    the chosen trial and the test accuracy on every fresh seed (nan = diverged)."""

    budgets: dict
    seeds: tuple
    trials: dict
    tune_score: dict
    chosen: dict
    value: dict

    def config(self, budget: str, name: str) -> dict:
        return self.trials[name][self.chosen[budget][name]]


def race_rules(data: DigitsSplit, names=tuple(SPACES), budgets=None, seeds=tuple(range(100, 110)),
               tune_seeds=(0,), seed: int = 0, net: MLP | None = None, epochs: int = 20,
               batch_size: int = 64) -> RuleRace:
    """The protocol for the rules of :data:`SPACES` on the MLP on digits (as
    :class:`~optim_lib.problems.MLPDigits`: float32, 20 epochs, batch 64). Rule ``k`` of
    ``SPACES`` draws its trials from ``default_rng([seed, 100 + k, 0])``."""
    names = tuple(_name(n) for n in names)
    budgets = dict({"defaults": 0, "small": 4, "large": 32} if budgets is None else budgets)
    for label, k in budgets.items():
        checks.count(f"budgets[{label!r}]", k, minimum=0)
    seeds, tune_seeds = checks.seeds(seeds), checks.seeds(tune_seeds, "tune_seeds")
    if set(seeds) & set(tune_seeds):
        raise ValueError(f"seeds must be fresh: {sorted(set(seeds) & set(tune_seeds))} also tune")
    net = MLP((64, 32, 10)) if net is None else net
    total = epochs * -(-len(data.y_train) // batch_size)
    K = max(budgets.values()) if budgets else 0
    trials, tune_score, chosen, value = {}, {}, {b: {} for b in budgets}, {b: {} for b in budgets}
    for name in names:
        k = list(SPACES).index(name)
        t = [dict(DEFAULTS[name])] + sample(name, K, np.random.default_rng([seed, 100 + k, 0]))
        trials[name] = t
        opt = stacked(name, t, net, total)
        runs = train_networks(net, opt, data, tune_seeds, epochs, batch_size, groups=len(t))
        tune_score[name] = _accuracies(net, data, opt, runs, test=False).mean(axis=1)
        for label, kk in budgets.items():
            chosen[label][name] = 0 if kk == 0 else choose(tune_score[name], 1, kk)
        unique, where = np.unique([chosen[b][name] for b in budgets], return_inverse=True)
        acc = fresh_runs(data, name, [t[i] for i in unique], seeds, net, epochs, batch_size)
        for i, b in enumerate(budgets):
            value[b][name] = acc[where[i]]
    return RuleRace(budgets, seeds, trials, tune_score, chosen, value)
