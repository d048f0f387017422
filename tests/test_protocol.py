"""The race protocol (optim_lib.protocol): budgets, choice on validation, fresh seeds, test once."""

import numpy as np
import pytest

from optim_lib.landscapes import ill_conditioned_bowl
from optim_lib.problems import Landscape2D, Outcome
from optim_lib.protocol import BUDGETS, run_race
from optim_lib.search_space import search_space
from optim_lib.stats import paired_difference


class Toy:
    """A problem whose final loss is |log10(lr) − log10(best_lr)| + seed / 100 (lower is
    better); it counts how often the test split is read."""

    higher_is_better, metric, choose_by, ndim = False, "loss", "final", 3
    total, target = 10, 0.5

    def __init__(self, best_lr=1e-2):
        self.best_lr, self.test_reads, self.calls = best_lr, 0, []

    def run(self, opt, groups, seeds, test=False):
        lr = np.broadcast_to(np.asarray(opt.lr, dtype=float).reshape(-1), (groups,))
        self.calls.append((groups, tuple(seeds), test))
        self.test_reads += test
        final = np.abs(np.log10(lr) - np.log10(self.best_lr))[:, None] + np.array(seeds) / 100
        curve = np.stack([final + 1, final])                       # (2, G, S)
        return Outcome(np.array([0, 10]), curve, final * 0 + 0.9 if test else None)


SPACES = {n: search_space(n, schedule=None) for n in ("SGD", "Momentum")}


def test_budgets_nest_and_choose_the_best_tuning_score():
    prob = Toy()
    race = run_race(prob, names=("SGD", "Momentum"), spaces=SPACES, lr_trials=4)
    assert race.budgets == BUDGETS
    for n in race.names:
        t = race.trials[n]
        assert len(t) == 1 + 32 + 4
        assert race.chosen["defaults"][n] == 0
        assert 1 <= race.chosen["small"][n] <= 4 and 1 <= race.chosen["large"][n] <= 32
        scores = race.tune_score[n]
        assert race.chosen["large"][n] == 1 + int(np.argmin(scores[1:33]))
        assert race.chosen["small"][n] == 1 + int(np.argmin(scores[1:5]))
        assert scores[race.chosen["large"][n]] <= scores[race.chosen["small"][n]]
        # the tuning score is the mean over the tuning seeds of the final metric
        lr = t.hyper["lr"]
        assert np.allclose(scores, np.abs(np.log10(lr) + 2) + 0.0)
    # a wrong chooser (the worst trial) would not pass: the best is far better than the worst
    s = race.tune_score["SGD"][1:33]
    assert s.min() < 0.5 * s.max()


def test_test_is_read_once_on_fresh_seeds_the_same_for_everyone():
    prob = Toy()
    race = run_race(prob, names=("SGD", "Momentum"), spaces=SPACES, seeds=range(50, 60))
    tuning = [c for c in prob.calls if not c[2]]
    final = [c for c in prob.calls if c[2]]
    assert len(final) == 2 and prob.test_reads == 2              # once per optimizer
    assert all(c[1] == (0,) for c in tuning)                     # tuned on the tuning seed
    assert all(c[1] == tuple(range(50, 60)) and c[0] == 3 for c in final)   # 3 budgets stacked
    for b in race.budgets:
        for n in race.names:
            assert race.value[b][n].shape == (10,)


def test_random_search_is_reproducible_by_seed():
    a = run_race(Toy(), names=("SGD",), spaces=SPACES, seed=3)
    b = run_race(Toy(), names=("SGD",), spaces=SPACES, seed=3)
    c = run_race(Toy(), names=("SGD",), spaces=SPACES, seed=4)
    assert np.array_equal(a.trials["SGD"].hyper["lr"], b.trials["SGD"].hyper["lr"])
    assert not np.array_equal(a.trials["SGD"].hyper["lr"], c.trials["SGD"].hyper["lr"])
    assert a.chosen == b.chosen
    # every optimizer gets the same number of trials, from its own stream
    d = run_race(Toy(), names=("SGD", "Momentum"), spaces=SPACES)
    assert len(d.trials["SGD"]) == len(d.trials["Momentum"])
    assert not np.array_equal(d.trials["SGD"].hyper["lr"], d.trials["Momentum"].hyper["lr"])


def test_table_ranking_forgiveness_and_inclusion_on_the_bowl():
    prob = Landscape2D(ill_conditioned_bowl(10), steps=100)
    race = run_race(prob, names=("SGD", "Momentum"), budgets={"defaults": 0, "small": 4},
                    seeds=range(100, 104), lr_trials=4)
    rows = race.table("small", "SGD")
    assert [r["optimizer"] for r in rows] == ["SGD", "Momentum"]
    assert rows[0]["verdict"] == "reference" and rows[0]["diff"] is None
    d = paired_difference(race.value["small"]["Momentum"], race.value["small"]["SGD"])
    if rows[1]["diff"] is not None:
        assert rows[1]["diff"] == d
    assert rows[1]["config"] == race.trials["Momentum"][race.chosen["small"]["Momentum"]]
    ranks = race.ranking()
    assert sorted(r["small"] for r in ranks.values()) == [1, 2]
    # steps to target: censored at total + 1 in the verdict metric, inf in race.steps
    for b in race.budgets:
        for n in race.names:
            never = ~np.isfinite(race.steps[b][n])
            assert np.all(race.value[b][n][never] == prob.total + 1)
    f = race.forgiveness("SGD", 1.5)
    s = race.tune_score["SGD"]
    assert f["best"] == np.nanmin(s)
    assert f["space"] == np.mean(s[1:5] <= 1.5 * f["best"])
    assert f["lr_only"] == np.mean(s[5:] <= 1.5 * f["best"])
    assert set(race.inclusion("small")) == {"Momentum ⊇ SGD"}


def test_bad_races_are_named():
    with pytest.raises(ValueError, match="names must be optimizers"):
        run_race(Toy(), names=("Lion",))
    with pytest.raises(ValueError, match="seeds must be fresh"):
        run_race(Toy(), names=("SGD",), seeds=range(10), tune_seeds=(0,))
    with pytest.raises(ValueError, match="at least 2 fresh seeds"):
        run_race(Toy(), names=("SGD",), seeds=(5,))
    with pytest.raises(ValueError, match="spaces"):
        run_race(Toy(), names=("SGD",), spaces={"SGD": search_space("Adam")})
    with pytest.raises(ValueError, match="budgets"):
        run_race(Toy(), names=("SGD",), budgets={"small": -1})


def test_budget_table_and_points():
    race = run_race(Toy(), names=("SGD", "Momentum"), spaces=SPACES, lr_trials=2)
    rows = race.budget_table()
    assert [r["optimizer"] for r in rows] == ["SGD", "Momentum"]
    for r in rows:
        for b in race.budgets:
            assert r[b] == np.mean(race.value[b][r["optimizer"]])
            assert r[f"{b} rank"] == race.ranking()[r["optimizer"]][b]
    # the toy's fresh-seed value is the chosen trial's distance plus seed/100: ranks follow it
    p = race.points("Momentum")
    assert len(p["lr"]) == race.n_random == 32 and set(p) >= {"lr", "rho", "score", "schedule"}
    assert np.array_equal(p["score"], race.tune_score["Momentum"][1:33])
    assert np.array_equal(p["lr"], race.trials["Momentum"].hyper["lr"][1:33])


def test_final_values_equal_the_chosen_configuration_run_alone():
    from optim_lib.train import run_landscape

    prob = Landscape2D(ill_conditioned_bowl(10), steps=80)
    race = run_race(prob, names=("Adam",), budgets={"defaults": 0, "small": 4},
                    seeds=range(100, 103), lr_trials=0)
    starts = prob.starts(race.seeds)
    for b in race.budgets:
        i = race.chosen[b]["Adam"]
        for j, start in enumerate(starts):
            run = run_landscape(race.trials["Adam"].single(i, prob.total), prob.landscape,
                                steps=prob.total, start=start)
            hit = run.steps_to(prob.landscape.min_value + prob.target)
            assert race.steps[b]["Adam"][j] == (np.inf if hit is None else hit), (b, j)
            assert race.value[b]["Adam"][j] == (prob.total + 1 if hit is None else hit)


def test_ranking_gives_equal_means_one_rank_and_diverged_runs_the_last():
    race = run_race(Toy(), names=("SGD", "Momentum"), spaces=SPACES, lr_trials=2)
    b = next(iter(race.budgets))
    race.value[b]["Momentum"] = race.value[b]["SGD"].copy()          # a tie, whatever the order
    assert race.ranking()["SGD"][b] == race.ranking()["Momentum"][b] == 1
    assert type(race.ranking()["SGD"][b]) is int                      # prints as 1, not np.int64(1)
    race.value[b]["SGD"] = race.value[b]["SGD"] * np.nan               # SGD diverged: last
    assert (race.ranking()["Momentum"][b], race.ranking()["SGD"][b]) == (1, 2)
    race.value[b]["SGD"] = race.value[b]["Momentum"] + 1.0             # lower is better here
    assert (race.ranking()["Momentum"][b], race.ranking()["SGD"][b]) == (1, 2)
