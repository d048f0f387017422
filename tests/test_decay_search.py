"""Weight decay in the race (optim_lib.decay_search): trials, stacked = one at a time, the choice."""

import numpy as np
import pytest

from optim_lib import Adam, AdamW
from optim_lib.data import load_digits_split
from optim_lib.decay_search import METHODS, decay_optimizer, decay_race, decay_trials
from optim_lib.network_train import train_networks
from optim_lib.nn import MLP
from optim_lib.search_space import LogUniform, search_space


@pytest.fixture(scope="module")
def setup():
    return load_digits_split(seed=0), MLP((64, 8, 10))


def test_trials_reproducible_nested_and_lambda_zero_inside():
    a, b = decay_trials(64, seed=3), decay_trials(8, seed=3)
    assert np.array_equal(a.lam[:8], b.lam)
    assert np.array_equal(a.trials.hyper["lr"][:8], b.trials.hyper["lr"])
    assert not np.array_equal(decay_trials(8, seed=4).lam, b.lam)
    big = decay_trials(4000, seed=0)
    share_off = np.mean(big.lam == 0)
    assert 0.22 < share_off < 0.28                               # off = 0.25
    on = big.lam[big.lam > 0]
    assert on.min() >= 1e-4 and on.max() <= 10
    assert 0.45 < np.mean(on < 10 ** -1.5) < 0.55                # log-uniform: median 10^-1.5
    assert np.all(decay_trials(100, off=0.0).lam > 0)
    assert big.config("Adam", 0)["lam"] == 0.0
    assert set(big.config("AdamW", 1)) >= {"lr", "beta1", "beta2", "lam"}


@pytest.mark.parametrize("kwargs, word", [({"n": 0}, "n"), ({"off": 1.0}, "off"),
                                          ({"lam": (1e-4, 1)}, "lam"),
                                          ({"lam": LogUniform(1.0, 0.1)}, "lam"),
                                          ({"space": search_space("SGD")}, "space")])
def test_bad_arguments_name_themselves(kwargs, word):
    with pytest.raises((ValueError, TypeError), match=word):
        decay_trials(**{"n": 4, **kwargs})


def test_bad_method_and_seeds():
    t = decay_trials(4)
    with pytest.raises(ValueError, match="method"):
        decay_optimizer("SGD", t, [0], 10)
    with pytest.raises(ValueError, match="seeds"):
        decay_race(MLP((64, 8, 10)), load_digits_split(seed=0), n=2, seeds=(0, 1), tune_seeds=(0,))


def test_stacked_equals_one_at_a_time(setup):
    """AdamW with weight_decay = λ and Adam with reg = λ, stacked over trials, are the single
    optimizers of the library trained one trial at a time."""
    data, net = setup
    t = decay_trials(3, seed=1, off=0.0)
    for method in ("AdamW", "Adam + L2"):
        opt, reg = decay_optimizer(method, t, [0, 1, 2], 2 * 29)
        both = train_networks(net, opt, data, (0, 1), epochs=2, reg=reg, groups=3)
        for i in range(3):
            c = t.config(method, i)
            kw = {k: c[k] for k in ("lr", "beta1", "beta2", "eps")}
            single = AdamW(**kw, weight_decay=c["lam"]) if method == "AdamW" else Adam(**kw)
            one = train_networks(net, [single], data, (0, 1), epochs=2,
                                 reg=c["lam"] if method == "Adam + L2" else 0.0)
            assert np.allclose(both.params[-1, i], one.params[-1, 0], rtol=0, atol=1e-5)
    # Adam + L2 with λ > 0 is not AdamW (the check above can fail)
    a, _ = decay_optimizer("AdamW", t, [0], 58)
    b, reg = decay_optimizer("Adam + L2", t, [0], 58)
    ra = train_networks(net, a, data, (0,), epochs=2, groups=1)
    rb = train_networks(net, b, data, (0,), epochs=2, reg=reg, groups=1)
    assert not np.allclose(ra.params, rb.params, atol=1e-5)


def test_race_chooses_the_best_validation_trial_and_reads_test_on_fresh_seeds(setup):
    data, net = setup
    r = decay_race(net, data, n=4, budgets=(2, 4), seeds=(10, 11), tune_seeds=(0,), epochs=2,
                   checkpoints=(1, 2))
    for (b, e), chosen in r.chosen.items():
        for m in METHODS:
            score = r.tune_val[m][r.checkpoints.index(e), :b]
            assert chosen[m] == int(np.nanargmax(score))
            assert r.test[b, e][m].shape == (2,)
    # Adam never decays; trial i of the three methods shares lr and betas
    assert r.config("Adam")["lam"] == 0.0
    i = r.chosen[4, 2]["AdamW"]
    assert r.trials.config("AdamW", i)["lr"] == r.trials.config("Adam", i)["lr"]
    d = r.difference("AdamW", "Adam")
    assert d.n == 2
