"""The race as the benchmarking literature runs it: equal random-search budgets, choose on
validation, fresh seeds, the test split read once, verdicts with intervals.

:func:`run_race` runs the whole protocol on one problem (:mod:`optim_lib.problems`) for
several optimizers, each with its search space (:mod:`optim_lib.search_space`):

1. **Trials.** For each optimizer, from a Generator seeded by ``(seed, optimizer)``: its
   defaults (trial 0), ``max(budgets)`` random configurations of its whole space (trials
   ``1 .. B``), and ``lr_trials`` configurations that search the learning rate alone
   (for :meth:`Race.forgiveness`). Every optimizer gets the same numbers.
2. **Tuning.** All trials x ``tune_seeds`` run stacked in one loop; each trial's score is
   its mean over the tuning seeds (validation accuracy, f − f* or steps to target, as the
   problem says; a run that diverged on any seed is worst).
3. **Budgets** (Schmidt et al. 2021): ``0`` is the one shot (the defaults); ``k > 0``
   chooses the best of trials ``1 .. k``. The budgets nest: the small budget's trials are
   the large budget's first ones.
4. **Final runs.** Each budget's chosen configuration runs on ``seeds`` (fresh, the same for
   every optimizer), stacked again; the test split is read there, once.

A :class:`Race` then gives the verdict table against a reference (mean paired difference
and its t interval, :func:`optim_lib.stats.verdict_table`), the ranking at every budget,
forgiveness, and time-to-target per seed (for :mod:`optim_lib.profile`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import checks
from .problems import Outcome, steps_to_target
from .search_space import RULES, SearchSpace, search_space
from .stats import verdict_table

__all__ = ["BUDGETS", "Race", "run_race", "NAMES", "INCLUDES", "profile_costs"]

NAMES = ("SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam")
INCLUDES = (("Momentum", "SGD"), ("Nesterov", "SGD"), ("Adam", "RMSProp"))
BUDGETS = {"defaults": 0, "small": 4, "large": 32}


@dataclass
class Race:
    """The protocol's record on one problem (see :func:`run_race`).

    Attributes:
        problem: the problem raced on.
        budgets: budget label -> random trials (0: the defaults).
        trials: optimizer -> its :class:`~optim_lib.search_space.Trials` (0: defaults,
            ``1 .. max budget``: the whole space, then the learning-rate-only trials).
        n_random: how many trials searched the whole space.
        tune_score: optimizer -> the tuning score of each trial (mean over the tuning seeds;
            nan if any run diverged).
        chosen: budget label -> optimizer -> index of the chosen trial.
        value: budget label -> optimizer -> the verdict metric on each fresh seed ``(S,)``:
            steps to target (never: censored at ``total + 1``) when the problem chooses by
            steps, else the final metric (for :class:`~optim_lib.problems.MLPDigits`: test
            accuracy, read once).
        steps: budget label -> optimizer -> updates to reach the problem's target, per fresh
            seed (inf: never reached).
        test: budget label -> optimizer -> test accuracy per fresh seed, or None.
        seeds, tune_seeds: the fresh seeds and the tuning seeds.
    """

    problem: object
    budgets: dict
    trials: dict
    n_random: int
    tune_score: dict
    chosen: dict
    value: dict
    steps: dict
    test: dict
    seeds: tuple
    tune_seeds: tuple
    outcomes: dict = field(default_factory=dict, repr=False)

    @property
    def names(self) -> list:
        return list(self.trials)

    @property
    def lower_is_better(self) -> bool:
        return self.problem.choose_by == "steps" or not self.problem.higher_is_better

    def config(self, budget: str, name: str) -> dict:
        """The configuration chosen for ``name`` at ``budget``, as plain numbers."""
        return self.trials[name][self.chosen[budget][name]]

    def table(self, budget: str, reference: str, confidence: float = 0.95) -> list:
        """Every optimizer against ``reference`` at ``budget``, paired over the fresh seeds:
        rows of :func:`optim_lib.stats.verdict_table`, plus the chosen configuration."""
        rows = verdict_table(self.value[budget], reference, self.lower_is_better, confidence)
        for row in rows:
            row["config"] = self.config(budget, row["optimizer"])
        return rows

    def ranking(self) -> dict:
        """Optimizer -> {budget label: rank} (1 = best mean over the fresh seeds). Equal means
        share a rank, the next one skipping (1, 1, 3); a diverged run (nan) ranks last."""
        out = {n: {} for n in self.names}
        sign = 1 if self.lower_is_better else -1
        for b in self.budgets:
            key = {n: sign * np.nan_to_num(float(np.mean(self.value[b][n])), nan=np.inf * sign)
                   for n in self.names}
            for n in self.names:
                out[n][b] = 1 + sum(bool(key[o] < key[n]) for o in self.names)
        return out

    def budget_table(self) -> list:
        """The three-budget table: one row per optimizer, ``optimizer``, then for each budget
        ``label`` the mean verdict metric over the fresh seeds and ``"label rank"``."""
        ranks = self.ranking()
        return [{"optimizer": n, **{k: v for b in self.budgets
                                    for k, v in ((b, float(np.mean(self.value[b][n]))),
                                                 (f"{b} rank", ranks[n][b]))}}
                for n in self.names]

    def points(self, name: str) -> dict:
        """The search itself, for a figure: ``name``'s whole-space trials (1 .. n_random) as
        arrays: ``lr``, its other hyperparameters, ``schedule``, ``warmup`` and ``score``
        (the tuning score; nan: diverged)."""
        t = self.trials[name].take(np.arange(1, 1 + self.n_random))
        return {**t.hyper, "schedule": t.schedule, "warmup": t.warmup,
                "score": self.tune_score[name][1:1 + self.n_random]}

    def inclusion(self, budget: str, pairs=INCLUDES, confidence: float = 0.95) -> dict:
        """``"A ⊇ B"`` -> the verdict row of A against B at ``budget`` (A's space contains
        B's): tuned, A should never be "worse"."""
        out = {}
        for a, b in pairs:
            if a in self.value[budget] and b in self.value[budget]:
                rows = verdict_table({a: self.value[budget][a], b: self.value[budget][b]}, b,
                                     self.lower_is_better, confidence)
                out[f"{a} ⊇ {b}"] = rows[0]
        return out

    def forgiveness(self, name: str, within: float, relative: bool | None = None) -> dict:
        """How forgiving ``name`` is: the share of its whole-space trials, and of its
        learning-rate-only trials, whose tuning score is within ``within`` of its best.

        ``relative`` (default: True when the problem chooses by steps or by f − f*) reads
        ``within`` as a factor (score ≤ within · best); otherwise as a distance (accuracy ≥
        best − within). Returns ``{"space": share, "lr_only": share, "best": best}``.
        """
        within = checks.positive("within", within)
        relative = self.lower_is_better if relative is None else relative
        s = self.tune_score[name]
        finite = np.where(np.isfinite(s), s, np.inf if self.lower_is_better else -np.inf)
        best = float(np.min(finite) if self.lower_is_better else np.max(finite))
        if relative:
            close = finite <= within * best if self.lower_is_better else finite >= best / within
        else:
            close = finite <= best + within if self.lower_is_better else finite >= best - within
        space = close[1:1 + self.n_random]
        lr_only = close[1 + self.n_random:]
        return {"space": float(space.mean()),
                "lr_only": float(lr_only.mean()) if lr_only.size else float("nan"), "best": best}


def _score(problem, outcome) -> np.ndarray:
    """Each trial's tuning score, mean over the tuning seeds (nan if any run diverged)."""
    if problem.choose_by == "steps":
        steps = steps_to_target(outcome.steps, outcome.curve, problem.target,
                                problem.higher_is_better, censor=problem.total + 1)
        final = outcome.final
        # never arrived: censored at total + 1, ordered among themselves by the final gap
        with np.errstate(divide="ignore", invalid="ignore"):
            late = np.where(steps > problem.total,
                            steps + np.clip(np.log10(final) + 20, 0, 40) / 41, steps)
        return np.where(np.isnan(final).any(axis=1), np.nan, late.mean(axis=1))
    return outcome.final.mean(axis=1)


def _best(scores: np.ndarray, candidates: np.ndarray, higher_is_better: bool) -> int:
    s = scores[candidates]
    s = np.where(np.isfinite(s), s, -np.inf if higher_is_better else np.inf)
    return int(candidates[np.argmax(s) if higher_is_better else np.argmin(s)])


def run_race(problem, names=NAMES, budgets=None, seeds=tuple(range(100, 110)),
             tune_seeds=(0,), seed: int = 0, lr_trials: int = 8, spaces=None) -> Race:
    """The protocol on one problem, every optimizer of ``names`` on the same budgets.

    Args:
        problem: a problem of :mod:`optim_lib.problems` (``run(opt, groups, seeds, test)``).
        names: the optimizers, keys of :data:`optim_lib.search_space.RULES`.
        budgets: label -> random trials, default :data:`BUDGETS` (defaults 0, small 4,
            large 32).
        seeds: the fresh seeds of the final runs (at least 2; 10 or more for a verdict).
        tune_seeds: the seeds the trials are tuned on (disjoint from ``seeds``).
        seed: seeds the random search: optimizer ``k`` of ``RULES`` draws its trials from
            ``default_rng([seed, k, 0])`` and its learning-rate-only trials from
            ``default_rng([seed, k, 1])``, so a budget's trials do not depend on the others.
        lr_trials: trials that search the learning rate alone (forgiveness); 0 for none.
        spaces: optimizer -> :class:`~optim_lib.search_space.SearchSpace` to replace the
            stated one (e.g. a narrower learning-rate range).
    """
    names = tuple(names)
    if not names or any(n not in RULES for n in names):
        raise ValueError(f"names must be optimizers among {tuple(RULES)}, got {names!r}")
    budgets = dict(BUDGETS if budgets is None else budgets)
    for label, k in budgets.items():
        checks.count(f"budgets[{label!r}]", k, minimum=0)
    seeds, tune_seeds = checks.seeds(seeds), checks.seeds(tune_seeds, "tune_seeds")
    if len(seeds) < 2:
        raise ValueError(f"seeds must hold at least 2 fresh seeds for an interval, got {seeds!r}")
    if set(seeds) & set(tune_seeds):
        raise ValueError(f"seeds must be fresh: {sorted(set(seeds) & set(tune_seeds))} also tune")
    seed = checks.count("seed", seed, minimum=0)
    lr_trials = checks.count("lr_trials", lr_trials, minimum=0)
    spaces = dict(spaces or {})
    for n, sp in spaces.items():
        if not isinstance(sp, SearchSpace) or sp.name != n:
            raise ValueError(f"spaces[{n!r}] must be the SearchSpace of {n}, got {sp!r}")
    n_random = max(budgets.values()) if budgets else 0
    higher = problem.higher_is_better and problem.choose_by != "steps"

    trials, tune_score, outcomes = {}, {}, {}
    chosen = {b: {} for b in budgets}
    for name in names:
        space = spaces.get(name) or search_space(name)
        k = list(RULES).index(name)
        t = space.defaults()
        if n_random:
            t = t + space.sample(n_random, np.random.default_rng([seed, k, 0]))
        if lr_trials:
            t = t + space.lr_only(lr_trials, np.random.default_rng([seed, k, 1]))
        trials[name] = t
        out = problem.run(t.optimizer(problem.ndim, problem.total), len(t), tune_seeds)
        tune_score[name] = _score(problem, out)
        for label, k in budgets.items():
            chosen[label][name] = 0 if k == 0 else _best(tune_score[name], np.arange(1, k + 1), higher)

    value = {b: {} for b in budgets}
    steps = {b: {} for b in budgets}
    test = {b: {} for b in budgets}
    labels = list(budgets)
    for name in names:
        # budgets that chose the same trial share its runs on the fresh seeds
        unique, where = np.unique([chosen[b][name] for b in labels], return_inverse=True)
        picked = trials[name].take(list(unique))
        ran = problem.run(picked.optimizer(problem.ndim, problem.total), len(unique), seeds,
                          test=True)
        out = Outcome(ran.steps, ran.curve[:, where], None if ran.test is None else ran.test[where])
        outcomes[name] = out
        reached = steps_to_target(out.steps, out.curve, problem.target, problem.higher_is_better)
        for i, b in enumerate(labels):
            steps[b][name] = reached[i]
            test[b][name] = None if out.test is None else out.test[i]
            if problem.choose_by == "steps":
                value[b][name] = np.where(np.isfinite(reached[i]), reached[i], problem.total + 1)
            elif problem.higher_is_better and out.test is not None:
                value[b][name] = out.test[i]
            else:
                value[b][name] = out.final[i]
    return Race(problem, budgets, trials, n_random, tune_score, chosen, value, steps, test,
                seeds, tune_seeds, outcomes)


def profile_costs(races, budget: str, statistic=np.median) -> dict:
    """The costs of a performance profile (:func:`optim_lib.profile.performance_profile`):
    race name -> {optimizer -> ``statistic`` over the fresh seeds of the updates to reach
    the problem's target} at ``budget`` (inf when the statistic is not finite: not solved)."""
    races = dict(races)
    return {name: {n: float(statistic(r.steps[budget][n])) for n in r.names}
            for name, r in races.items()}
