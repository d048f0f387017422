"""Search spaces (optim_lib.search_space): stated, validated, drawn reproducibly, stacked."""

import numpy as np
import pytest

from optim_lib import SGD, Adam, Momentum, Nesterov, RMSProp
from optim_lib.schedules import CosineDecay, LinearWarmup
from optim_lib.search_space import (LR_RANGE, RULES, Choice, LogUniform, SearchSpace, Trials,
                                    Uniform, search_space, warmup_cosine_factors)


def test_stated_spaces_search_what_the_literature_tunes():
    axes = {n: set(search_space(n).axes) for n in RULES}
    common = {"lr", "schedule", "warmup"}
    assert axes["SGD"] == common and axes["AdaGrad"] == common
    assert axes["Momentum"] == axes["Nesterov"] == common | {"1-rho"}
    assert axes["RMSProp"] == common | {"1-decay", "eps"}
    assert axes["Adam"] == common | {"1-beta1", "1-beta2", "eps"}
    assert search_space("Adam").axes["lr"] == LogUniform(*LR_RANGE)


def test_sample_is_reproducible_by_seed_and_stays_in_range():
    space = search_space("Adam")
    a, b, c = space.sample(64, seed=5), space.sample(64, seed=5), space.sample(64, seed=6)
    for k in a.hyper:
        assert np.array_equal(a.hyper[k], b.hyper[k])
    assert not np.array_equal(a.hyper["lr"], c.hyper["lr"])
    assert np.array_equal(a.schedule, b.schedule) and np.array_equal(a.warmup, b.warmup)
    assert np.all((a.hyper["lr"] >= 1e-4) & (a.hyper["lr"] <= 10))
    assert np.all((a.hyper["beta1"] >= 0) & (a.hyper["beta1"] <= 0.999))
    assert np.all((a.hyper["beta2"] >= 0.9) & (a.hyper["beta2"] <= 0.9999))
    assert set(a.schedule) == {"constant", "warmup_cosine"}
    assert np.all(a.warmup[a.schedule == "constant"] == 0)
    assert np.all((a.warmup >= 0) & (a.warmup <= 0.2))
    # a Generator works as well as an integer seed
    g = space.sample(64, np.random.default_rng(5))
    assert np.array_equal(g.hyper["lr"], a.hyper["lr"])


def test_log_uniform_spends_as_many_trials_on_every_decade():
    lr = search_space("SGD").sample(20_000, seed=0).hyper["lr"]
    counts = np.histogram(np.log10(lr), bins=5, range=(-4, 1))[0] / len(lr)
    assert np.allclose(counts, 0.2, atol=0.02)
    # and a uniform draw would not (the check can fail)
    flat = np.random.default_rng(0).uniform(1e-4, 10, 20_000)
    assert not np.allclose(np.histogram(np.log10(flat), bins=5, range=(-4, 1))[0] / 2e4, 0.2,
                           atol=0.02)


def test_defaults_are_the_class_defaults_with_a_constant_rate():
    for name, rule in RULES.items():
        d = search_space(name).defaults()
        assert len(d) == 1 and d.schedule[0] == "constant"
        assert d[0] == {**{h.name: h.default for h in rule._hyperparameters
                           if not isinstance(h.default, bool)}, "schedule": "constant",
                        "warmup": 0.0}


def test_inclusion_is_in_the_spaces():
    # rho = 0 (SGD) and beta1 = 0 (RMSProp-like) lie on the boundary of the stated spaces
    assert search_space("Momentum").axes["1-rho"].high == 1.0
    assert search_space("Adam").axes["1-beta1"].high == 1.0
    lr_only = search_space("Adam").lr_only(16, seed=0)
    assert np.all(lr_only.hyper["beta1"] == 0.9) and np.all(lr_only.schedule == "constant")
    assert len(np.unique(lr_only.hyper["lr"])) == 16


@pytest.mark.parametrize("call, error, words", [
    (lambda: search_space("Lion"), ValueError, "name must be one of"),
    (lambda: search_space("SGD", **{"1-rho": (1e-3, 1)}), ValueError, "'1-rho' is not a hyperparameter of SGD"),
    (lambda: search_space("Adam", beta1=(0.1, 0.9)), ValueError, "'beta1' is not a hyperparameter of Adam"),
    (lambda: search_space("SGD", lr=(1.0, 0.1)), ValueError, "lr range must have low < high"),
    (lambda: search_space("SGD", lr=(0.0, 1.0)), ValueError, "log-uniform"),
    (lambda: search_space("Adam", **{"1-beta1": (0.1, 2.0)}), ValueError, "1-beta1 must lie in (0, 1]"),
    (lambda: search_space("SGD", warmup=(0.0, 1.5)), ValueError, "warmup is a share"),
    (lambda: search_space("SGD", lr="big"), TypeError, "lr must be a LogUniform"),
    (lambda: search_space("SGD", schedule=Choice(("step",))), ValueError, "schedule must be a Choice"),
    (lambda: SearchSpace("SGD", {"schedule": Choice(("constant",))}), ValueError, "must search lr"),
    (lambda: SearchSpace("SGD", {"lr": LogUniform(1e-3, 1), "warmup": Uniform(0, 0.1)}),
     ValueError, "warmup is searched only"),
    (lambda: search_space("SGD").sample(0), ValueError, "n must be a positive integer"),
])
def test_bad_spaces_are_named(call, error, words):
    with pytest.raises(error, match=None) as info:
        call()
    assert words in str(info.value)


def test_warmup_cosine_factors_equal_the_schedules_module():
    for total, warm in [(50, 0), (50, 1), (50, 7), (9, 8)]:
        ref = (LinearWarmup(warm, then=CosineDecay(total - warm)) if warm
               else CosineDecay(total)).values(total)
        assert np.allclose(warmup_cosine_factors(total, warm), ref, rtol=1e-15, atol=0)
    # a warmup that ends one step late differs (the comparison can fail)
    assert not np.allclose(warmup_cosine_factors(50, 8), LinearWarmup(
        7, then=CosineDecay(43)).values(50))
    with pytest.raises(ValueError, match="warmup must be shorter"):
        warmup_cosine_factors(10, 10)


def _grad(p):                       # a bowl, batched over leading axes (last axis: coordinates)
    return p * np.array([1.0, 10.0])


@pytest.mark.parametrize("name", list(RULES))
def test_stacked_trials_equal_one_at_a_time(name):
    trials = search_space(name).sample(6, seed=1)
    trials.schedule[:3] = "warmup_cosine"            # make sure both kinds are in
    trials.warmup[:3] = [0.0, 0.1, 0.2]
    total, S = 40, 3
    w0 = np.random.default_rng(0).standard_normal((S, 2))
    W = np.repeat(w0[None], len(trials), axis=0)      # (G, S, 2)
    opt = trials.optimizer(ndim=3, total=total)
    with np.errstate(all="ignore"):
        for _ in range(total):
            opt.step(W, _grad(W))
        for i in range(len(trials)):
            one = trials.single(i, total=total)
            w = w0.copy()
            for _ in range(total):
                one.step(w, _grad(w))
            assert np.allclose(W[i], w, rtol=1e-12, atol=1e-300, equal_nan=True), (name, i)
    # the stack is not a trivial pass: a permuted stack differs
    assert not np.allclose(W[0], W[1], equal_nan=True)


def test_trials_take_join_and_refuse_another_optimizer():
    a, b = search_space("SGD").sample(3, seed=0), search_space("SGD").defaults()
    joined = a + b
    assert len(joined) == 4 and joined[3]["lr"] == SGD().lr
    assert joined.take([3, 0])[1] == a[0]
    with pytest.raises(ValueError, match="same optimizer"):
        a + search_space("Adam").defaults()
    with pytest.raises(ValueError, match="total"):
        Trials("SGD", {"lr": np.ones(1)}, np.array(["warmup_cosine"], dtype=object),
               np.array([0.1])).optimizer(ndim=2)


def test_single_optimizers_are_the_ordinary_rules():
    t = search_space("Adam").sample(2, seed=3)
    t.schedule[:] = "constant"
    one = t.single(0)
    assert isinstance(one, Adam) and one.lr == t[0]["lr"] and one.beta1 == t[0]["beta1"]
    assert isinstance(search_space("Momentum").defaults().single(0), Momentum)
    assert isinstance(search_space("Nesterov").defaults().single(0), Nesterov)
    assert isinstance(search_space("RMSProp").defaults().single(0), RMSProp)


def test_a_small_budget_is_the_start_of_a_large_one():
    space = search_space("Adam")
    small, large = space.sample(4, seed=9), space.sample(32, seed=9)
    for k in small.hyper:
        assert np.array_equal(small.hyper[k], large.hyper[k][:4])
    assert np.array_equal(small.schedule, large.schedule[:4])
    assert np.array_equal(small.warmup, large.warmup[:4])


def test_the_stacked_optimizer_is_built_by_the_public_constructor():
    """No way past the fields' checks: a stacked optimizer holds checked float arrays, and a
    bad value in a trial is refused by the rule's own field, naming it."""
    import optim_lib.search_space as ss
    assert not hasattr(ss, "_build") and not hasattr(ss, "_set")
    opt = search_space("Adam", schedule=Choice(("constant",))).sample(5, seed=0).optimizer(ndim=3)
    assert type(opt) is Adam and opt.beta2.shape == (5, 1, 1) and opt.beta2.dtype == float
    bad = Trials("Momentum", {"lr": np.array([0.1, 0.2]), "rho": np.array([0.5, 1.0])},
                 np.array(["constant"] * 2, dtype=object), np.zeros(2))
    with pytest.raises(ValueError, match=r"^rho must be in \[0, 1\), got 1\.0 \(entry \(1, 0\)"):
        bad.optimizer(ndim=2)
    sched = search_space("SGD", schedule=Choice(("warmup_cosine",))).sample(3, seed=1)
    run = sched.optimizer(ndim=2, total=10)
    w = np.ones((3, 2))
    run.step(w, np.ones((3, 2)))
    assert run.opt.lr.shape == (3, 1)                        # set through the field, checked
    np.testing.assert_allclose(run.opt.lr[:, 0], sched.hyper["lr"] * sched.lr_factors(10)[0])
