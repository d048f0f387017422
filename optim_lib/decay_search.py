"""Weight decay in the race: Adam, Adam + L2 and AdamW tuned on one random-search budget.

The protocol's search spaces (:mod:`optim_lib.search_space`) cover the six classic
optimizers; they have no weight-decay axis and no way to put an L2 term in the loss. This
module adds both, built from the protocol's public parts, and runs the protocol's steps
(:mod:`optim_lib.protocol`) on the network of :mod:`optim_lib.network_train`:

1. **Trials.** ``n`` configurations of Adam's space (``search_space("Adam", ...)``: by
   default the learning rate, 1 − β₁ and 1 − β₂, ε at its default, constant rate), and one
   decay strength λ per trial: ``0`` (no decay) with probability ``off``, else log-uniform
   over ``lam``. Trial ``i`` has the same learning rate and β's for the three methods, and the
   same λ for Adam + L2 and AdamW: the methods differ only in where the decay goes. Adam's
   trials have λ = 0 throughout.
2. **Tuning.** Each method's ``n`` trials x ``tune_seeds`` run stacked in one loop
   (Adam + L2: ``reg`` = λ per trial, in the loss; AdamW: ``weight_decay`` = λ per trial);
   a trial's score is its mean validation accuracy (diverged on any seed: worst).
3. **Budgets.** Budget ``k`` chooses the best of trials ``1 .. k`` (nested), at every
   checkpoint (epochs) of the run.
4. **Fresh seeds.** The chosen configurations run on ``seeds``; the test split is read there,
   once, at the checkpoint that chose them.

Until the protocol takes a ``weight_decay`` axis with an atom at 0 and an L2 problem (see
the chapter's report), this is the route: nothing here re-implements an update rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import checks
from .data import DigitsSplit
from .network_train import train_networks
from .nn import MLP
from .optimizers import Adam, AdamW
from .search_space import Choice, LogUniform, PerRunSchedule, SearchSpace, search_space
from .stats import paired_difference

__all__ = ["METHODS", "DecayTrials", "DecayRace", "decay_trials", "decay_optimizer", "decay_race"]

METHODS = ("Adam", "Adam + L2", "AdamW")
LAM_RANGE = LogUniform(1e-4, 10.0)


@dataclass
class DecayTrials:
    """``n`` configurations: Adam's hyperparameters (``trials``, a
    :class:`~optim_lib.search_space.Trials`) and one decay strength per trial, ``lam`` (n,)."""

    trials: object
    lam: np.ndarray

    def __len__(self) -> int:
        return len(self.lam)

    def config(self, method: str, i: int) -> dict:
        """Trial ``i`` of ``method`` as plain numbers (``lam`` is 0 for Adam)."""
        return {**self.trials[i], "lam": 0.0 if method == "Adam" else float(self.lam[i])}


def decay_trials(n: int, seed: int = 0, space: SearchSpace | None = None,
                 lam: LogUniform = LAM_RANGE, off: float = 0.25) -> DecayTrials:
    """``n`` trials, reproducibly: Adam's ``space`` (default: lr, 1 − β₁, 1 − β₂ as stated,
    ε at its default, constant rate) drawn from ``default_rng([seed, 0])``, λ from
    ``default_rng([seed, 1])``: 0 with probability ``off``, else log-uniform over ``lam``.
    The first ``k`` of ``n`` trials are the ``k`` trials drawn alone."""
    n = checks.count("n", n)
    seed = checks.count("seed", seed, minimum=0)
    space = search_space("Adam", eps=None, schedule=None) if space is None else space
    if not isinstance(space, SearchSpace) or space.name != "Adam":
        raise ValueError(f"space must be a SearchSpace of Adam, got {space!r}")
    if not isinstance(lam, LogUniform):
        raise TypeError(f"lam must be a LogUniform, got {lam!r}")
    checks.in_range("lam low", lam.low, 0.0, lam.high, lo_open=True, hi_open=True)
    off = checks.in_range("off", off, 0.0, 1.0, hi_open=True)
    u = np.random.default_rng([seed, 1]).random((n, 2))                      # row i: trial i
    is_off = u[:, 0] < off
    lams = np.where(is_off, 0.0, lam.from_unit(u[:, 1]))
    return DecayTrials(space.sample(n, np.random.default_rng([seed, 0])), lams)


def decay_optimizer(method: str, trials: DecayTrials, idx, total: int):
    """ONE optimizer for trials ``idx`` of ``method`` (hyperparameters ``(G, 1, 1)``), and the
    L2 ``reg`` per group for :func:`~optim_lib.network_train.train_networks` (Adam + L2: λ,
    else 0). A trial with warmup + cosine gets its per-step rate (AdamW's decay follows it)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    idx = np.atleast_1d(np.asarray(idx, dtype=int))
    t = trials.trials.take(idx)
    shape = (len(idx), 1, 1)
    hyper = {k: v.reshape(shape) for k, v in t.hyper.items()}
    lam = trials.lam[idx]
    opt = AdamW(**hyper, weight_decay=lam.reshape(shape)) if method == "AdamW" else Adam(**hyper)
    reg = lam if method == "Adam + L2" else np.zeros(len(idx))
    if np.any(t.schedule != "constant"):
        opt = PerRunSchedule(opt, t.lr_factors(total), shape)
    return opt, reg


@dataclass
class DecayRace:
    """What :func:`decay_race` measured.

    Attributes:
        trials: the :class:`DecayTrials` (shared by the methods).
        budgets: the budgets (trials), increasing; checkpoints: the epochs evaluated.
        tune_val: method -> mean validation accuracy per trial on the tuning seeds,
            ``(len(checkpoints), n)`` (nan: diverged).
        chosen: ``(budget, epoch)`` -> method -> the chosen trial's index.
        test: ``(budget, epoch)`` -> method -> test accuracy per fresh seed ``(S,)``.
        val: ``(budget, epoch)`` -> method -> validation accuracy per fresh seed ``(S,)``.
        seeds, tune_seeds: the fresh seeds and the tuning seeds.
    """

    trials: DecayTrials
    budgets: tuple
    checkpoints: tuple
    tune_val: dict
    chosen: dict
    test: dict
    val: dict
    seeds: tuple
    tune_seeds: tuple

    def config(self, method: str, budget: int | None = None, epoch: int | None = None) -> dict:
        """The configuration ``method`` chose (default: largest budget, last epoch)."""
        key = (budget or self.budgets[-1], epoch or self.checkpoints[-1])
        return self.trials.config(method, self.chosen[key][method])

    def difference(self, a: str, b: str, budget: int | None = None, epoch: int | None = None,
                   split: str = "test"):
        """``a − b`` in test (or validation) accuracy points, paired over the fresh seeds."""
        key = (budget or self.budgets[-1], epoch or self.checkpoints[-1])
        got = self.test if split == "test" else self.val
        return paired_difference(100 * got[key][a], 100 * got[key][b])


def decay_race(net: MLP, data: DigitsSplit, n: int = 32, budgets=None,
               seeds=tuple(range(100, 110)), tune_seeds=(0,), seed: int = 0, epochs: int = 20,
               batch_size: int = 64, checkpoints=None, space: SearchSpace | None = None,
               lam: LogUniform = LAM_RANGE, off: float = 0.25) -> DecayRace:
    """Adam, Adam + L2 and AdamW, each tuned on the same ``n`` random trials (module doc).

    ``budgets`` (default ``(n,)``) are trial counts ≤ ``n``; ``checkpoints`` the epochs at
    which each budget also chooses (default: the last). ``seeds`` must be fresh (not in
    ``tune_seeds``), at least 2.
    """
    seeds, tune_seeds = checks.seeds(seeds), checks.seeds(tune_seeds, "tune_seeds")
    if len(seeds) < 2 or set(seeds) & set(tune_seeds):
        raise ValueError(f"seeds must be at least 2 fresh seeds (none in tune_seeds "
                         f"{tune_seeds}), got {seeds!r}")
    trials = decay_trials(n, seed, space, lam, off)
    budgets = (len(trials),) if budgets is None else tuple(sorted(set(budgets)))
    for b in budgets:
        if checks.count("each budget", b) > len(trials):
            raise ValueError(f"budgets must be at most n = {len(trials)} trials, got {b}")
    checkpoints = checks.checkpoints(checkpoints or (epochs,), epochs)
    per_epoch = -(-len(data.y_train) // checks.count("batch_size", batch_size))
    total = epochs * per_epoch
    keys = [(b, e) for b in budgets for e in checkpoints]
    tune_val, chosen = {}, {k: {} for k in keys}
    test, val = {k: {} for k in keys}, {k: {} for k in keys}
    everything = np.arange(len(trials))
    for method in METHODS:
        opt, reg = decay_optimizer(method, trials, everything, total)
        runs = train_networks(net, opt, data, tune_seeds, epochs, batch_size, reg=reg,
                              checkpoints=checkpoints, groups=len(trials))
        score = runs.val_acc.mean(axis=-1)                                   # (K, n)
        tune_val[method] = score
        for b, e in keys:
            s = np.nan_to_num(score[checkpoints.index(e), :b], nan=-np.inf)
            chosen[b, e][method] = int(np.argmax(s))
        unique = sorted({chosen[k][method] for k in keys})
        opt, reg = decay_optimizer(method, trials, unique, total)
        fresh = train_networks(net, opt, data, seeds, epochs, batch_size, reg=reg,
                               checkpoints=checkpoints, groups=len(unique))
        for b, e in keys:
            g = unique.index(chosen[b, e][method])
            test[b, e][method] = fresh.test_accuracy(data, e, g)
            val[b, e][method] = fresh.val_acc[fresh.at(e), g]
    return DecayRace(trials, budgets, checkpoints, tune_val, chosen, test, val, seeds, tune_seeds)
