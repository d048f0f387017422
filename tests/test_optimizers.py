"""Golden values and the contract of the update rules (optim_lib.optimizers).

Every expected number below is derived by hand in the comment above it, from the
equations of DESIGN.md section 2, so a change of any equation breaks a test.
Shared inputs: w0 = [1, -2], g1 = [0.5, -1], and a second gradient chosen per test.
"""

import math

import numpy as np
import pytest

import optim_lib
from optim_lib import SGD, AdaGrad, Adam, AdamW, Momentum, Nesterov, RMSProp
from optim_lib.landscapes import ill_conditioned_bowl

W0 = [1.0, -2.0]
G1 = [0.5, -1.0]

# Valid hyperparameters for every optimizer (used to build one and then break one argument).
VALID = {
    SGD: dict(lr=0.1),
    Momentum: dict(lr=0.1, rho=0.9),
    Nesterov: dict(lr=0.1, rho=0.9),
    AdaGrad: dict(lr=0.1, eps=1e-7),
    RMSProp: dict(lr=0.1, decay=0.9, eps=1e-8),
    Adam: dict(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8),
    AdamW: dict(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2),
}
STATE = {SGD: (), Momentum: ("v",), Nesterov: ("v",), AdaGrad: ("G",), RMSProp: ("s",),
         Adam: ("m", "v"), AdamW: ("m", "v")}
RULES = (*optim_lib.OPTIMIZERS, AdamW)      # the road trip's six, and AdamW


def make(cls, **override):
    return cls(**{**VALID[cls], **override})


def run(opt, w0, grads):
    """Apply the gradients in turn; return the list of iterates after each step."""
    w = np.array(w0, dtype=float)
    out = []
    for g in grads:
        opt.step(w, np.array(g, dtype=float))
        out.append(w.copy())
    return out


def test_optimizers_tuple_lists_the_six_rules():
    assert [c.__name__ for c in optim_lib.OPTIMIZERS] == \
        ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam"]
    assert set(VALID) == set(RULES)
    assert optim_lib.AdamW is AdamW and "AdamW" in optim_lib.__all__


# --------------------------------------------------------------------------- golden values

def test_sgd_golden():
    w1, w2 = run(SGD(lr=0.1), W0, [G1, [0.25, 2.0]])
    # w1 = w0 - 0.1*g1 = [1 - 0.05, -2 + 0.1]       = [0.95, -1.9]
    np.testing.assert_allclose(w1, [0.95, -1.9], rtol=0, atol=1e-15)
    # w2 = w1 - 0.1*g2 = [0.95 - 0.025, -1.9 - 0.2]  = [0.925, -2.1]
    np.testing.assert_allclose(w2, [0.925, -2.1], rtol=0, atol=1e-15)


def test_momentum_golden():
    w1, w2, w3 = run(Momentum(lr=0.1, rho=0.9), W0, [G1, [0.25, 2.0], [0.0, 0.0]])
    # v1 = 0.9*0 + g1 = [0.5, -1];          w1 = w0 - 0.1*v1 = [0.95, -1.9]
    np.testing.assert_allclose(w1, [0.95, -1.9], rtol=0, atol=1e-15)
    # v2 = 0.9*[0.5, -1] + [0.25, 2] = [0.45 + 0.25, -0.9 + 2] = [0.7, 1.1]
    # w2 = [0.95 - 0.07, -1.9 - 0.11] = [0.88, -2.01]
    np.testing.assert_allclose(w2, [0.88, -2.01], rtol=0, atol=1e-15)
    # zero gradient, yet it keeps moving: v3 = 0.9*[0.7, 1.1] = [0.63, 0.99]
    # w3 = [0.88 - 0.063, -2.01 - 0.099] = [0.817, -2.109]
    np.testing.assert_allclose(w3, [0.817, -2.109], rtol=0, atol=1e-15)


def test_nesterov_golden():
    w1, w2 = run(Nesterov(lr=0.1, rho=0.9), W0, [G1, [0.25, 2.0]])
    # v1 = g1 = [0.5, -1];  w1 = w0 - 0.1*(g1 + 0.9*v1) = w0 - 0.19*g1
    #    = [1 - 0.095, -2 + 0.19] = [0.905, -1.81]
    np.testing.assert_allclose(w1, [0.905, -1.81], rtol=0, atol=1e-15)
    # v2 = 0.9*v1 + g2 = [0.45 + 0.25, -0.9 + 2] = [0.7, 1.1]
    # w2 = w1 - 0.1*(g2 + 0.9*v2) = w1 - 0.1*[0.25 + 0.63, 2 + 0.99] = w1 - [0.088, 0.299]
    #    = [0.817, -2.109]
    np.testing.assert_allclose(w2, [0.817, -2.109], rtol=0, atol=1e-15)


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9, 0.99])
def test_nesterov_first_step_is_lr_times_one_plus_rho(rho):
    rng = np.random.default_rng(4)
    w0, dw = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    w = w0.copy()
    Nesterov(lr=0.05, rho=rho).step(w, dw)
    # v1 = dw, so w1 = w0 - lr*(dw + rho*dw) = w0 - lr*(1 + rho)*dw
    np.testing.assert_allclose(w, w0 - 0.05 * (1 + rho) * dw, rtol=1e-14, atol=1e-15)


def test_adagrad_golden_eps_outside_the_root():
    eps = 0.5   # large on purpose: inside and outside the root give different numbers
    w1, w2 = run(AdaGrad(lr=0.1, eps=eps), W0, [G1, [1.2, 0.75]])
    # G1 = g1**2 = [0.25, 1];  sqrt(G1) + eps = [0.5 + 0.5, 1 + 0.5] = [1.0, 1.5]
    # w1 = [1 - 0.1*0.5/1.0, -2 - 0.1*(-1)/1.5] = [0.95, -2 + 1/15]
    np.testing.assert_allclose(w1, [0.95, -2 + 1 / 15], rtol=1e-15)
    # G2 = G1 + [1.44, 0.5625] = [1.69, 1.5625];  sqrt(G2) + eps = [1.3 + 0.5, 1.25 + 0.5] = [1.8, 1.75]
    # w2 = [0.95 - 0.1*1.2/1.8, -2 + 1/15 - 0.1*0.75/1.75] = [0.95 - 1/15, -2 + 1/15 - 3/70]
    np.testing.assert_allclose(w2, [0.95 - 1 / 15, -2 + 1 / 15 - 3 / 70], rtol=1e-15)
    # eps inside the root would give w1[0] = 1 - 0.05/sqrt(0.25 + 0.5) = 0.9422...
    inside = 1 - 0.1 * 0.5 / math.sqrt(0.25 + eps)
    assert abs(w1[0] - inside) > 1e-3


def test_rmsprop_golden():
    w1, w2 = run(RMSProp(lr=0.1, decay=0.75, eps=0.25), W0, [G1, [1.0, 2.0]])
    # s1 = 0.75*0 + 0.25*g1**2 = [0.0625, 0.25];  sqrt(s1) + eps = [0.25 + 0.25, 0.5 + 0.25] = [0.5, 0.75]
    # w1 = [1 - 0.1*0.5/0.5, -2 - 0.1*(-1)/0.75] = [0.9, -2 + 2/15]
    np.testing.assert_allclose(w1, [0.9, -2 + 2 / 15], rtol=1e-15)
    # s2 = 0.75*s1 + 0.25*[1, 4] = [0.046875 + 0.25, 0.1875 + 1] = [0.296875, 1.1875]
    # w2 = w1 - 0.1*[1, 2]/(sqrt(s2) + 0.25)
    expected = [0.9 - 0.1 * 1.0 / (math.sqrt(0.296875) + 0.25),
                -2 + 2 / 15 - 0.1 * 2.0 / (math.sqrt(1.1875) + 0.25)]
    np.testing.assert_allclose(w2, expected, rtol=1e-14)
    # a "momentum"-style (1 - decay) on the old average would give s1 = 0.75*g1**2: a different w1
    assert abs(w1[0] - (1 - 0.1 * 0.5 / (math.sqrt(0.75 * 0.25) + 0.25))) > 1e-3


def test_adam_golden_with_bias_correction():
    w1, w2 = run(Adam(lr=0.1, beta1=0.5, beta2=0.75, eps=0.25), W0, [G1, [1.0, 2.0]])
    # t=1: m1 = 0.5*g1 = [0.25, -0.5];  v1 = 0.25*g1**2 = [0.0625, 0.25]
    #      m_hat = m1/(1 - 0.5) = [0.5, -1];  v_hat = v1/(1 - 0.75) = [0.25, 1]
    #      w1 = w0 - 0.1*m_hat/(sqrt(v_hat) + 0.25) = [1 - 0.05/0.75, -2 + 0.1/1.25] = [1 - 1/15, -1.92]
    np.testing.assert_allclose(w1, [1 - 1 / 15, -1.92], rtol=1e-15)
    # t=2: m2 = 0.5*m1 + 0.5*[1, 2] = [0.125 + 0.5, -0.25 + 1] = [0.625, 0.75]
    #      v2 = 0.75*v1 + 0.25*[1, 4] = [0.046875 + 0.25, 0.1875 + 1] = [0.296875, 1.1875]
    #      c1 = 1 - 0.5**2 = 0.75;  c2 = 1 - 0.75**2 = 0.4375
    #      m_hat = [0.625/0.75, 0.75/0.75] = [5/6, 1];  v_hat = [0.296875/0.4375, 1.1875/0.4375] = [19/28, 19/7]
    expected = [1 - 1 / 15 - 0.1 * (5 / 6) / (math.sqrt(19 / 28) + 0.25),
                -1.92 - 0.1 * 1.0 / (math.sqrt(19 / 7) + 0.25)]
    np.testing.assert_allclose(w2, expected, rtol=1e-14)


def test_adam_without_bias_correction_differs_on_step_one():
    (w1,) = run(Adam(lr=0.1, beta1=0.5, beta2=0.75, eps=0.25, bias_correction=False), W0, [G1])
    # m1 = [0.25, -0.5], v1 = [0.0625, 0.25], used as they are: sqrt(v1) + 0.25 = [0.5, 0.75]
    # w1 = [1 - 0.1*0.25/0.5, -2 + 0.1*0.5/0.75] = [0.95, -2 + 1/15]
    np.testing.assert_allclose(w1, [0.95, -2 + 1 / 15], rtol=1e-15)
    (w1_corrected,) = run(Adam(lr=0.1, beta1=0.5, beta2=0.75, eps=0.25), W0, [G1])
    assert np.all(np.abs(w1 - w1_corrected) > 1e-3)


def test_adam_first_step_is_about_lr_times_sign():
    # Bias correction makes step 1 m_hat = g, v_hat = g**2: w1 = w0 - lr*g/(|g| + eps)
    g = np.array([1e-3, -50.0, 3.0])
    w = np.zeros(3)
    Adam(lr=0.01, eps=1e-8).step(w, g)
    np.testing.assert_allclose(w, -0.01 * g / (np.abs(g) + 1e-8), rtol=1e-12)


def test_bias_correction_must_be_bool():
    with pytest.raises(TypeError, match="bias_correction"):
        Adam(bias_correction=1)


def test_adamw_golden_decays_w_then_takes_the_adam_step():
    opt = AdamW(lr=0.1, beta1=0.5, beta2=0.75, eps=0.25, weight_decay=0.5)
    w1, w2 = run(opt, W0, [G1, [1.0, 2.0]])
    # t=1: decay first: w *= 1 - 0.1*0.5 = 0.95  ->  [0.95, -1.9]
    #      then Adam's step 1 (test_adam_golden_with_bias_correction, same betas and eps):
    #      - 0.1*m_hat/(sqrt(v_hat) + 0.25) = [-0.05/0.75, +0.1/1.25] = [-1/15, +0.08]
    #      w1 = [0.95 - 1/15, -1.9 + 0.08] = [0.95 - 1/15, -1.82]
    np.testing.assert_allclose(w1, [0.95 - 1 / 15, -1.82], rtol=1e-15)
    # t=2: decay: 0.95*w1 = [0.9025 - 0.95/15, -1.729]
    #      then Adam's step 2: m_hat = [5/6, 1], v_hat = [19/28, 19/7] (as in the Adam test)
    expected = [0.9025 - 0.95 / 15 - 0.1 * (5 / 6) / (math.sqrt(19 / 28) + 0.25),
                -1.729 - 0.1 * 1.0 / (math.sqrt(19 / 7) + 0.25)]
    np.testing.assert_allclose(w2, expected, rtol=1e-14)
    # L2 in the loss instead (Adam on g + 0.5*w) is a different rule: m_hat/sqrt(v_hat)
    # rescales the decay term, so the iterates differ already at step 1.
    w = np.array(W0)
    Adam(lr=0.1, beta1=0.5, beta2=0.75, eps=0.25).step(w, np.array(G1) + 0.5 * np.array(W0))
    assert np.all(np.abs(w - w1) > 1e-3)


def test_adamw_without_decay_is_adam():
    rng = np.random.default_rng(5)
    grads = [rng.standard_normal(6) for _ in range(20)]
    w0 = rng.standard_normal(6)
    np.testing.assert_array_equal(run(AdamW(lr=0.01, weight_decay=0.0), w0, grads)[-1],
                                  run(Adam(lr=0.01), w0, grads)[-1])


def test_adamw_defaults_are_pytorchs():
    opt = AdamW()
    assert opt.hyperparams == dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2)
    assert repr(opt) == "AdamW(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08, weight_decay=0.01)"


def test_adamw_is_adam_plus_the_shrink():
    """AdamW extends Adam: its own code is the decoupled shrink, then Adam's update; it has
    no bias_correction switch (PyTorch's AdamW always corrects)."""
    import inspect
    assert issubclass(AdamW, Adam) and "update" in vars(AdamW) and "reset" not in vars(AdamW)
    src = inspect.getsource(AdamW.update)
    assert src.index("w *= 1 - self.lr * self.weight_decay") < src.index("super().update(w, dw)")
    assert "bias_correction" not in inspect.signature(AdamW).parameters
    assert AdamW().bias_correction is True
    with pytest.raises(TypeError, match="bias_correction"):
        AdamW(bias_correction=False)
    # the shrink really happens before the Adam step: shrinking after it gives other numbers
    rng = np.random.default_rng(1)
    grads, w0 = [rng.standard_normal(4) for _ in range(5)], rng.standard_normal(4)
    after = Adam(lr=0.1)
    w = w0.copy()
    for g in grads:
        after.step(w, g)
        w *= 1 - 0.1 * 0.5
    assert np.max(np.abs(run(AdamW(lr=0.1, weight_decay=0.5), w0, grads)[-1] - w)) > 1e-4


@pytest.mark.parametrize("value", [-0.1, float("nan"), float("inf")])
def test_bad_weight_decay_raises_value_error_naming_it(value):
    with pytest.raises(ValueError, match=r"^weight_decay must") as info:
        AdamW(weight_decay=value)
    assert repr(value) in str(info.value)
    with pytest.raises(TypeError, match=r"^weight_decay must.*'0.01'"):
        AdamW(weight_decay="0.01")
    assert AdamW(weight_decay=0).weight_decay == 0.0


# --------------------------------------------------------------------------- Nesterov forms

def test_nesterov_equals_the_look_ahead_form_step_for_step():
    bowl = ill_conditioned_bowl(10)
    lr, rho = 0.02, 0.9
    x = np.array(bowl.start, dtype=float)      # look-ahead form: x and v
    v = np.zeros(2)
    w = x.copy()                               # library form: w is the look-ahead point x + rho*v
    opt = Nesterov(lr=lr, rho=rho)
    for _ in range(60):
        v = rho * v - lr * bowl.grad(x + rho * v)
        x = x + v
        opt.step(w, bowl.grad(w))
        np.testing.assert_allclose(w, x + rho * v, rtol=0, atol=1e-12)
    # the runs went somewhere: the comparison is not between two resting points
    assert np.linalg.norm(w - np.array(bowl.start)) > 1.0


# --------------------------------------------------------------------------- the contract

@pytest.mark.parametrize("cls", RULES)
def test_state_is_created_lazily_with_w_shape(cls):
    opt = make(cls)
    for name in STATE[cls]:
        assert getattr(opt, name) is None
    w = np.ones((2, 3))
    opt.step(w, np.full((2, 3), 0.5))
    for name in STATE[cls]:
        state = getattr(opt, name)
        assert isinstance(state, np.ndarray) and state.shape == (2, 3)
        assert np.all(state != 0)          # the first gradient went into it
    assert opt.t == 1


@pytest.mark.parametrize("cls", RULES)
def test_step_updates_in_place_and_returns_w(cls):
    w = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = w.copy()
    dw = np.array([[0.3, -0.1], [2.0, 0.7]])
    dw_before = dw.copy()
    out = make(cls).step(w, dw)
    assert out is w
    assert np.all(w != before)             # every coordinate moved
    np.testing.assert_array_equal(dw, dw_before)   # the gradient is not touched


@pytest.mark.parametrize("cls", RULES)
def test_reset_makes_the_next_run_identical_to_a_fresh_optimizer(cls):
    rng = np.random.default_rng(1)
    grads = [rng.standard_normal(4) for _ in range(4)]
    w0 = rng.standard_normal(4)
    used = make(cls)
    run(used, rng.standard_normal(4), [rng.standard_normal(4) for _ in range(3)])
    used.reset()
    assert used.t == 0
    again = run(used, w0, grads)
    fresh = run(make(cls), w0, grads)
    np.testing.assert_array_equal(np.array(again), np.array(fresh))


@pytest.mark.parametrize("cls", [c for c in RULES if c is not SGD])
def test_without_reset_the_state_carries_over(cls):
    # The counterpart of the reset test: the state matters, so reset() has something to do.
    rng = np.random.default_rng(2)
    grads = [rng.standard_normal(3) for _ in range(2)]
    used = make(cls)
    run(used, np.zeros(3), [rng.standard_normal(3)])
    assert not np.allclose(run(used, np.ones(3), grads)[-1], run(make(cls), np.ones(3), grads)[-1])


BAD_LR = [0, 0.0, -0.1, float("nan"), float("inf"), float("-inf")]


@pytest.mark.parametrize("cls", RULES)
@pytest.mark.parametrize("lr", BAD_LR)
def test_bad_lr_value_raises_value_error_naming_it(cls, lr):
    with pytest.raises(ValueError, match=r"^lr must") as info:
        make(cls, lr=lr)
    assert repr(float(lr)) in str(info.value)       # ... and the value


@pytest.mark.parametrize("cls", RULES)
@pytest.mark.parametrize("lr", ["0.1", True, None, [0.1]])
def test_bad_lr_type_raises_type_error_naming_it(cls, lr):
    with pytest.raises(TypeError, match=r"^lr must") as info:
        make(cls, lr=lr)
    assert repr(lr) in str(info.value)


RATES = [(Momentum, "rho"), (Nesterov, "rho"), (RMSProp, "decay"), (Adam, "beta1"), (Adam, "beta2"),
         (AdamW, "beta1"), (AdamW, "beta2")]


@pytest.mark.parametrize("cls,name", RATES)
@pytest.mark.parametrize("value", [1.0, -0.1, 1.5, float("nan")])
def test_bad_rate_raises_value_error_naming_it(cls, name, value):
    with pytest.raises(ValueError, match=rf"^{name} must") as info:
        make(cls, **{name: value})
    assert repr(value) in str(info.value)


@pytest.mark.parametrize("cls,name", RATES)
def test_rate_zero_is_allowed(cls, name):
    assert getattr(make(cls, **{name: 0.0}), name) == 0.0


@pytest.mark.parametrize("cls", [AdaGrad, RMSProp, Adam, AdamW])
def test_negative_eps_raises_value_error_naming_it(cls):
    with pytest.raises(ValueError, match=r"^eps must.*-1e-08"):
        make(cls, eps=-1e-8)
    assert make(cls, eps=0).eps == 0.0   # eps = 0 is allowed


@pytest.mark.parametrize("cls", RULES)
@pytest.mark.parametrize("shape", [(3,), (2, 1), (1, 2), ()])
def test_dw_of_another_shape_raises_value_error(cls, shape):
    w = np.array([1.0, 2.0])
    with pytest.raises(ValueError, match=r"^dw must"):
        make(cls).step(w, np.ones(shape))
    np.testing.assert_array_equal(w, [1.0, 2.0])


@pytest.mark.parametrize("cls", RULES)
def test_int_w_raises_type_error(cls):
    with pytest.raises(TypeError, match=r"^w must.*int64"):
        make(cls).step(np.array([1, 2], dtype=np.int64), np.array([0.5, 0.5]))


@pytest.mark.parametrize("cls", RULES)
def test_list_w_raises_type_error(cls):
    with pytest.raises(TypeError, match=r"^w must.*list"):
        make(cls).step([1.0, 2.0], np.array([0.5, 0.5]))


@pytest.mark.parametrize("cls", RULES)
def test_reusing_on_another_shape_needs_reset(cls):
    opt = make(cls)
    opt.step(np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match=r"^w has shape \(3,\).*reset"):
        opt.step(np.ones(3), np.ones(3))
    opt.reset()
    w = opt.step(np.ones(3), np.ones(3))
    assert np.all(w < 1)


@pytest.mark.parametrize("cls", RULES)
def test_non_finite_gradient_is_not_an_error(cls):
    w = np.array([1.0, -2.0, 0.5])
    with np.errstate(invalid="ignore"):   # inf/inf inside the adaptive rules is numpy's business
        out = make(cls).step(w, np.array([np.nan, np.inf, 0.25]))
    assert out is w
    assert np.isnan(w[0]) and not np.isfinite(w[1])
    assert np.isfinite(w[2]) and w[2] < 0.5   # the finite coordinate still took its step


# --------------------------------------------------------------------------- stacked runs

N_RUNS = 4
STACKED = {   # one value per run, every hyperparameter different in every run
    SGD: dict(lr=[0.01, 0.05, 0.1, 0.2]),
    Momentum: dict(lr=[0.01, 0.05, 0.1, 0.2], rho=[0.0, 0.5, 0.9, 0.99]),
    Nesterov: dict(lr=[0.01, 0.05, 0.1, 0.2], rho=[0.0, 0.5, 0.9, 0.99]),
    AdaGrad: dict(lr=[0.01, 0.1, 0.3, 1.0], eps=[1e-8, 1e-3, 0.1, 1.0]),
    RMSProp: dict(lr=[0.001, 0.01, 0.03, 0.1], decay=[0.0, 0.5, 0.9, 0.99],
                  eps=[1e-8, 1e-3, 0.1, 1.0]),
    Adam: dict(lr=[0.001, 0.01, 0.03, 0.1], beta1=[0.0, 0.5, 0.9, 0.95],
               beta2=[0.5, 0.9, 0.99, 0.999], eps=[1e-8, 1e-3, 0.1, 1.0]),
    AdamW: dict(lr=[0.001, 0.01, 0.03, 0.1], beta1=[0.0, 0.5, 0.9, 0.95],
                beta2=[0.5, 0.9, 0.99, 0.999], eps=[1e-8, 1e-3, 0.1, 1.0],
                weight_decay=[0.0, 0.5, 0.1, 1.0]),
}


def stacked_and_single(cls, hyper, steps=60, seed=7):
    """The runs stacked (hyperparameters of shape (n, 1, 1), w of shape (n, 3, 2)) and one
    at a time (run i with row i's numbers), on the same starts and gradients."""
    rng = np.random.default_rng(seed)
    w0 = rng.standard_normal((N_RUNS, 3, 2))
    noise = rng.standard_normal((steps, N_RUNS, 3, 2))
    stacked = cls(**{k: np.array(v).reshape(N_RUNS, 1, 1) for k, v in hyper.items()})
    w = w0.copy()
    for g in noise:
        stacked.step(w, g + 0.5 * w)                 # a gradient that follows w
    singles = []
    for i in range(N_RUNS):
        opt, wi = cls(**{k: v[i] for k, v in hyper.items()}), w0[i].copy()
        for g in noise:
            opt.step(wi, g[i] + 0.5 * wi)
        singles.append((wi, opt))
    return w, stacked, singles


@pytest.mark.parametrize("cls", STACKED, ids=[c.__name__ for c in STACKED])
def test_a_stacked_run_equals_one_run_at_a_time(cls):
    w, stacked, singles = stacked_and_single(cls, STACKED[cls])
    for i, (wi, opt) in enumerate(singles):
        np.testing.assert_allclose(w[i], wi, rtol=0, atol=1e-12)
        for name, value in opt.state.items():
            np.testing.assert_allclose(stacked.state[name][i], value, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(stacked.effective_lr()[i], opt.effective_lr(), rtol=1e-12)
    assert np.max(np.abs(w - stacked_and_single(cls, STACKED[cls], steps=0)[0])) > 1e-2  # moved
    assert f"lr=[{N_RUNS} values in" in repr(stacked)
    assert set(stacked.hyperparams) == set(STACKED[cls])
    assert stacked.hyperparams["lr"].shape == (N_RUNS, 1, 1)


@pytest.mark.parametrize("cls", STACKED, ids=[c.__name__ for c in STACKED])
def test_the_stacked_comparison_sees_two_rows_swapped(cls):
    """The same comparison with runs 0 and 1 of the hyperparameters swapped fails."""
    swapped = {k: [v[1], v[0], *v[2:]] for k, v in STACKED[cls].items()}
    w, _, _ = stacked_and_single(cls, swapped)
    _, _, singles = stacked_and_single(cls, STACKED[cls])
    assert np.max(np.abs(w[0] - singles[0][0])) > 1e-6
    assert np.max(np.abs(w[1] - singles[1][0])) > 1e-6


@pytest.mark.parametrize("cls", RULES)
def test_array_hyperparameters_are_checked_entry_by_entry(cls):
    name, bad = ("lr", -0.5) if cls in (SGD, AdaGrad) else \
        ("rho", 1.0) if cls in (Momentum, Nesterov) else ("decay", 1.5) if cls is RMSProp \
        else ("beta1", 1.0)
    good = getattr(cls(), name)
    with pytest.raises(ValueError, match=rf"^{name} must .*got {bad!r} \(entry \(2, 0, 0\)"):
        cls(**{name: np.array([good, good, bad, -1.0]).reshape(4, 1, 1)})
    opt = cls(**{name: np.full(3, good)})
    with pytest.raises(ValueError, match=rf"^{name} must .*got {bad!r} \(entry \(1,\)"):
        setattr(opt, name, np.array([good, bad, good]))
    with pytest.raises(TypeError, match=rf"^{name} must be a real number"):
        cls(**{name: [good, good]})                 # a list is not an array of values
