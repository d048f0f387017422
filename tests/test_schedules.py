"""Learning-rate schedules (optim_lib.schedules): values, composition, the Scheduled wrapper."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optim_lib import SGD, Adam, AdamW, Momentum
from optim_lib.landscapes import ill_conditioned_bowl
from optim_lib.schedules import (Constant, CosineDecay, LinearWarmup, Schedule, Scheduled,
                                 StepDecay)
from optim_lib.train import run_landscape


def test_constant():
    assert np.array_equal(Constant().values(5), np.ones(5))


def test_step_decay_golden():
    s = StepDecay(every=3, gamma=0.5)
    assert np.allclose(s.values(8), [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25])


def test_cosine_decay_golden():
    s = CosineDecay(total_steps=4)
    assert np.allclose(s.values(6), [1.0, (1 + math.cos(math.pi / 4)) / 2, 0.5,
                                     (1 + math.cos(3 * math.pi / 4)) / 2, 0.0, 0.0])
    assert s(3) > 0, "the last update of the budget still moves"
    floor = CosineDecay(total_steps=10, final=0.1)
    assert floor(0) == 1.0 and floor(5) == pytest.approx(0.55) and floor(10) == floor(99) == 0.1
    assert np.all(np.diff(floor.values(12)) <= 0)


def test_linear_warmup_golden_and_composition():
    w = LinearWarmup(4)
    assert np.allclose(w.values(6), [0.25, 0.5, 0.75, 1.0, 1.0, 1.0])
    wc = LinearWarmup(2, then=CosineDecay(4))
    cos = CosineDecay(4)
    assert np.allclose(wc.values(7), [0.5, 1.0, cos(0), cos(1), cos(2), cos(3), 0.0])
    ws = LinearWarmup(2, then=StepDecay(2, gamma=0.1))
    assert np.allclose(ws.values(6), [0.5, 1.0, 1.0, 1.0, 0.1, 0.1])
    # warmup onto a schedule that does not start at 1: the climb ends where it starts
    nested = LinearWarmup(2, then=LinearWarmup(4))
    assert np.allclose(nested.values(3), [0.125, 0.25, 0.25])


def test_schedules_hold_no_state():
    s = LinearWarmup(3, then=CosineDecay(10))
    first = s.values(15)
    assert np.array_equal(first, s.values(15))
    assert s(7) == first[7]


def test_scheduled_sets_lr_per_step_and_equals_a_manual_loop():
    sched = LinearWarmup(3, then=CosineDecay(7))
    opt = Scheduled(Momentum(lr=0.1, rho=0.9), sched)
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal(5) for _ in range(10)]
    w = np.ones(5)
    manual, ref = np.ones(5), Momentum(lr=0.1, rho=0.9)
    for t, g in enumerate(grads):
        assert opt.lr == pytest.approx(0.1 * sched(t))
        opt.step(w, g)
        ref.lr = 0.1 * sched(t)
        ref.step(manual, g)
        assert opt.opt.lr == pytest.approx(0.1 * sched(t))
    assert np.array_equal(w, manual)
    assert opt.t == 10
    opt.reset()
    assert opt.t == 0 and opt.opt.lr == 0.1 and opt.opt.t == 0


def test_scheduled_constant_equals_the_plain_optimizer():
    bowl = ill_conditioned_bowl(10)
    plain = run_landscape(Adam(lr=0.05), bowl, steps=50)
    wrapped = run_landscape(Scheduled(Adam(lr=0.05), Constant()), bowl, steps=50)
    assert np.array_equal(plain.path, wrapped.path)


def test_scheduled_adamw_decay_follows_the_schedule():
    """PyTorch semantics: the decay w *= 1 − lr·wd uses the scheduled lr."""
    opt = Scheduled(AdamW(lr=0.1, weight_decay=0.5), StepDecay(1, gamma=0.5))
    w = np.array([2.0])
    opt.step(w, np.array([0.0]))    # zero gradient: only the decay moves w
    opt.step(w, np.array([0.0]))
    assert w[0] == pytest.approx(2.0 * (1 - 0.1 * 0.5) * (1 - 0.05 * 0.5))


def test_scheduled_repr_and_hyperparams_show_the_base_lr():
    opt = Scheduled(SGD(lr=0.3), LinearWarmup(5))
    opt.step(np.zeros(2), np.ones(2))
    assert opt.hyperparams["lr"] == 0.3
    assert repr(opt) == "Scheduled(SGD(lr=0.3), LinearWarmup(steps=5, then=Constant()))"


def test_scheduled_keeps_the_optimizer_contract():
    """Its signature is its constructor's, its state is the wrapped optimizer's (empty
    before a step and after reset), its repr rebuilds it at the base lr."""
    import inspect
    assert list(inspect.signature(Scheduled).parameters) == ["opt", "schedule"]
    opt = Scheduled(Adam(lr=0.1), CosineDecay(10))
    assert opt.state == {}
    w = np.array([1.0, -1.0])
    for _ in range(3):
        opt.step(w, np.array([0.5, 2.0]))
    assert opt.state.keys() == {"m", "v"} and opt.state["m"] is opt.opt.m
    assert np.all(opt.state["v"] > 0)
    assert repr(opt) == "Scheduled(Adam(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-08), " \
                        "CosineDecay(total_steps=10, final=0))"
    assert opt.hyperparams == Adam(lr=0.1).hyperparams
    again = Scheduled(Adam(**opt.hyperparams), opt.schedule)      # hyperparams rebuild it
    w2 = np.array([1.0, -1.0])
    for _ in range(3):
        again.step(w2, np.array([0.5, 2.0]))
    np.testing.assert_array_equal(w, w2)
    opt.reset()
    assert opt.state == {} and opt.t == 0


@pytest.mark.parametrize("rule", [SGD(lr=0.2), Momentum(lr=0.2), Adam(lr=0.2)])
def test_scheduled_lr_and_effective_lr_describe_the_next_update(rule):
    """After t updates both give the rate of update t + 1 (factor schedule(t)): the plain
    rule with its lr set to Scheduled.lr has the same effective_lr, and that is the rate
    the next step really takes."""
    sched = StepDecay(1, gamma=0.5)                   # factors 1, 0.5, 0.25, ...
    opt = Scheduled(rule, sched)
    w = np.array([1.0, -2.0])
    for t in range(1, 4):
        opt.step(w, np.array([0.3, -0.4]))
        assert opt.lr == pytest.approx(0.2 * 0.5**t)          # the next update's rate
        assert opt.opt.lr == pytest.approx(0.2 * 0.5**(t - 1))  # the wrapped: the last one's
        plain = type(rule)(**{**rule.hyperparams, "lr": opt.lr})
        for name, value in opt.state.items():
            setattr(plain, name, value.copy())
        plain.t, plain._shape = opt.t, w.shape
        np.testing.assert_allclose(opt.effective_lr(), plain.effective_lr(), rtol=1e-14)
        # the last step's rate would be twice as large: the comparison would see it
        assert not np.allclose(opt.effective_lr(), opt.opt.effective_lr())
    if type(rule) is SGD:                             # for SGD the rate is the step: check it
        before = w.copy()
        rate = opt.effective_lr()
        opt.step(w, np.array([0.3, -0.4]))
        np.testing.assert_allclose(before - w, rate * np.array([0.3, -0.4]), rtol=1e-14)


@pytest.mark.parametrize("opt", [Scheduled(Adam(lr=0.1), Constant()), SGD(), Adam(), AdamW()])
def test_effective_lr_before_a_step_says_so(opt):
    with pytest.raises(ValueError, match=r"has taken no step yet \(t = 0\)"):
        opt.effective_lr()


def test_a_zero_learning_rate_is_a_named_error():
    opt = Scheduled(SGD(lr=0.1), CosineDecay(2))
    w = np.zeros(3)
    opt.step(w, np.ones(3))
    opt.step(w, np.ones(3))
    with pytest.raises(ValueError, match=r"schedule\(2\) = 0"):
        opt.step(w, np.ones(3))


@pytest.mark.parametrize("call, error, words", [
    (lambda: StepDecay(0), ValueError, "every"),
    (lambda: StepDecay(2.5), ValueError, r"every .*got 2\.5"),
    (lambda: StepDecay(2, gamma=0.0), ValueError, "gamma"),
    (lambda: StepDecay(2, gamma=1.5), ValueError, "gamma"),
    (lambda: StepDecay(2, gamma="0.1"), TypeError, "gamma"),
    (lambda: CosineDecay(0), ValueError, "total_steps"),
    (lambda: CosineDecay(True), ValueError, "total_steps .*got True"),
    (lambda: CosineDecay(10, final=-0.1), ValueError, "final"),
    (lambda: CosineDecay(10, final=float("nan")), ValueError, "final"),
    (lambda: LinearWarmup(0), ValueError, "steps"),
    (lambda: LinearWarmup(3, then=0.5), TypeError, "then"),
    (lambda: Constant()(-1), ValueError, "t"),
    (lambda: Constant()(1.5), ValueError, r"t must .*got 1\.5"),
    (lambda: Constant().values(0), ValueError, "n"),
    (lambda: Scheduled("adam", Constant()), TypeError, "opt"),
    (lambda: Scheduled(Scheduled(SGD(0.1), Constant()), Constant()), TypeError, "opt"),
    (lambda: Scheduled(SGD(0.1), lambda t: 1.0), TypeError, "schedule"),
])
def test_bad_input_is_named(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_every_schedule_is_a_schedule():
    for s in (Constant(), StepDecay(3), CosineDecay(5), LinearWarmup(2)):
        assert isinstance(s, Schedule)
        assert all(0 <= v <= 1 for v in s.values(12))
