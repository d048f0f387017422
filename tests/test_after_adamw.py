"""Lion, Muon and Schedule-Free AdamW: golden first steps computed by hand, the contract
(step in place, reset, state, effective_lr), and bad input named. Their comparison with the
reference packages over 300 steps is in tests/test_reference.py."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optim_lib.optimizers.after_adamw import AdamWScheduleFree, Lion, Muon, muon_lr, newton_schulz

A, B, C = 3.4445, -4.775, 2.0315           # torch's Newton–Schulz coefficients


def quintic(s, steps=5, coefficients=(A, B, C)):
    """What Newton–Schulz does to one singular value s (already divided by the norm)."""
    a, b, c = coefficients
    for _ in range(steps):
        s = a * s + b * s**3 + c * s**5
    return s


# Lion ---------------------------------------------------------------------------------

def test_lion_golden_two_steps():
    opt = Lion(lr=0.1, beta1=0.9, beta2=0.99, weight_decay=0.5)
    w = np.array([1.0, -2.0, 0.5])
    out = opt.step(w, np.array([0.3, -0.1, 0.0]))
    assert out is w
    # m = 0: the sign of 0.1·dw = (+, −, 0); decay 1 − 0.1·0.5 = 0.95 first
    np.testing.assert_allclose(w, [0.95 - 0.1, -1.9 + 0.1, 0.475], rtol=1e-15)
    np.testing.assert_allclose(opt.m, [0.003, -0.001, 0.0], rtol=1e-13)
    opt.step(w, np.array([-0.026, 0.05, 0.0]))
    # 0.9·m + 0.1·dw = (0.0027 − 0.0026, −0.0009 + 0.005, 0) = (+0.0001, +0.0041, 0): the old
    # momentum outvotes the gradient's sign (with m updated first it would not:
    # 0.9·0.00271 − 0.0026 < 0); a zero interpolation does not move
    np.testing.assert_allclose(w, [0.85 * 0.95 - 0.1, -1.8 * 0.95 - 0.1, 0.475 * 0.95],
                               rtol=1e-14)
    np.testing.assert_allclose(opt.m, [0.99 * 0.003 - 0.00026, -0.99 * 0.001 + 0.0005, 0.0],
                               rtol=1e-12)


def test_lion_moves_every_coordinate_by_lr_whatever_the_gradient_scale():
    rng = np.random.default_rng(0)
    dw = rng.normal(size=50) * np.logspace(-6, 6, 50)
    for scale in (1e-8, 1.0, 1e8):
        opt, w = Lion(lr=0.01), np.zeros(50)
        opt.step(w, scale * dw)
        np.testing.assert_array_equal(np.abs(w), 0.01)
    assert np.all(opt.effective_lr() == 0.01)


# Muon ---------------------------------------------------------------------------------

def test_newton_schulz_maps_each_singular_value_by_the_quintic():
    rng = np.random.default_rng(1)
    U, _ = np.linalg.qr(rng.normal(size=(5, 3)))        # tall: the transposed branch
    V, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    s = np.array([4.0, 2.0, 1.0])
    G = U @ np.diag(s) @ V.T
    s0 = s / np.linalg.norm(s)                            # the Frobenius norm divides
    for steps in (0, 1, 5):
        expected = U @ np.diag([quintic(x, steps) for x in s0]) @ V.T
        np.testing.assert_allclose(newton_schulz(G, steps=steps), expected, atol=1e-13)
        np.testing.assert_allclose(newton_schulz(G.T, steps=steps), expected.T, atol=1e-13)


def test_newton_schulz_one_iteration_by_hand():
    X = np.array([[0.6, 0.0], [0.0, 0.8]])                # norm 1 already
    one = newton_schulz(X, steps=1)
    np.testing.assert_allclose(np.diag(one), [A * 0.6 + B * 0.6**3 + C * 0.6**5,
                                              A * 0.8 + B * 0.8**3 + C * 0.8**5], rtol=1e-14)
    assert quintic(0.6, 5) == pytest.approx(np.diag(newton_schulz(X))[0], rel=1e-13)


def test_newton_schulz_of_zero_is_zero_not_nan():
    assert np.all(newton_schulz(np.zeros((3, 2))) == 0)


def test_muon_golden_first_step_tall_matrix():
    opt = Muon(lr=0.1, weight_decay=0.2)
    w = np.ones((3, 2))
    dw = np.array([[3.0, 0.0], [0.0, -4.0], [0.0, 0.0]])
    out = opt.step(w, dw)
    assert out is w
    # B = 0.05·dw; M = 0.05·dw + 0.95·B ∝ dw; O = NS(dw): singular values 3/5, 4/5 mapped
    O = np.array([[quintic(0.6), 0.0], [0.0, -quintic(0.8)], [0.0, 0.0]])
    lr_adj = 0.1 * math.sqrt(3 / 2)                       # "original": √max(1, rows/cols)
    np.testing.assert_allclose(w, np.ones((3, 2)) * (1 - 0.1 * 0.2) - lr_adj * O, rtol=1e-13)
    np.testing.assert_allclose(opt.B, 0.05 * dw, rtol=1e-15)
    assert np.all(opt.effective_lr() == lr_adj)


def test_muon_golden_second_step_uses_nesterovs_mix():
    # diagonal gradients keep everything diagonal: Newton–Schulz maps each diagonal entry
    # d (divided by the norm of the diagonal) by the odd quintic
    g1 = np.array([[3.0, 0.0], [0.0, -4.0], [0.0, 0.0]])
    g2 = np.array([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]])
    for nesterov in (True, False):
        opt, w = Muon(lr=0.1, weight_decay=0.0, momentum=0.9, nesterov=nesterov), np.zeros((3, 2))
        opt.step(w, g1)
        w1 = w.copy()
        opt.step(w, g2)
        B = 0.9 * (0.1 * g1) + 0.1 * g2
        M = 0.1 * g2 + 0.9 * B if nesterov else B
        d = np.diag(M[:2])
        O = np.zeros((3, 2))
        O[[0, 1], [0, 1]] = [quintic(x) for x in d / np.linalg.norm(d)]
        np.testing.assert_allclose(w, w1 - 0.1 * math.sqrt(1.5) * O, rtol=1e-13)


def test_muon_adjusted_learning_rates():
    assert muon_lr(0.1, None, (6, 4)) == muon_lr(0.1, "original", (6, 4)) == 0.1 * math.sqrt(1.5)
    assert muon_lr(0.1, "original", (4, 6)) == 0.1
    assert muon_lr(0.1, "match_rms_adamw", (4, 9)) == pytest.approx(0.1 * 0.2 * 3)
    with pytest.raises(ValueError, match="adjust_lr_fn.*'rms'"):
        muon_lr(0.1, "rms", (4, 9))


def test_muon_is_blind_to_the_gradient_scale():
    rng = np.random.default_rng(2)
    dws = rng.normal(size=(4, 5, 3))
    ws = []
    for scale in (1e-3, 1e3):
        opt, w = Muon(lr=0.05, weight_decay=0.0), np.zeros((5, 3))
        for dw in dws:
            opt.step(w, scale * dw)
        ws.append(w)
    np.testing.assert_allclose(ws[0], ws[1], atol=1e-12)


def test_muon_refuses_what_is_not_a_matrix():
    for shape in [(5,), (2, 3, 4)]:
        with pytest.raises(ValueError, match=r"2-D weight matrix.*go to AdamW"):
            Muon().step(np.zeros(shape), np.zeros(shape))
    with pytest.raises(ValueError, match="G must be a 2-D matrix"):
        newton_schulz(np.ones(3))


# Schedule-Free AdamW --------------------------------------------------------------------

def test_schedulefree_golden_two_steps():
    lr, b1, b2 = 0.1, 0.9, 0.999
    opt = AdamWScheduleFree(lr=lr, beta1=b1, beta2=b2, eps=0.0)
    y = np.array([1.0, -2.0])
    g1, g2 = np.array([0.5, -1.0]), np.array([1.0, 0.0])
    out = opt.step(y, g1)
    assert out is y
    # step 1: v̂ = dw², so the z step is lr·sign(dw); c = 1 (one weight): x = z = y
    z1 = np.array([1.0 - lr, -2.0 + lr])
    np.testing.assert_allclose(opt.z, z1, rtol=1e-15)
    np.testing.assert_allclose(y, z1, rtol=1e-15)
    np.testing.assert_allclose(opt.eval_point(y), z1, rtol=1e-15)
    opt.step(y, g2)
    # step 2: equal weights lr², so c = 1/2
    v = b2 * (1 - b2) * g1**2 + (1 - b2) * g2**2
    z2 = z1 - lr * g2 / np.sqrt(v / (1 - b2**2))
    x2 = 0.5 * z1 + 0.5 * z2
    np.testing.assert_allclose(opt.z, z2, rtol=1e-14)
    np.testing.assert_allclose(opt.eval_point(y), x2, rtol=1e-14)
    np.testing.assert_allclose(y, (1 - b1) * z2 + b1 * x2, rtol=1e-14)


def test_schedulefree_warmup_weights_and_decay_at_y():
    lr, b1, wd = 0.1, 0.8, 0.5
    opt = AdamWScheduleFree(lr=lr, beta1=b1, beta2=0.5, eps=0.0, weight_decay=wd,
                            warmup_steps=2)
    y = np.array([2.0])
    opt.step(y, np.array([1.0]))
    # lr_1 = lr/2; g = sign(dw) + wd·y = 1 + 1 = 2; c = 1
    z1 = 2.0 - lr / 2 * 2.0
    np.testing.assert_allclose(y, [z1], rtol=1e-15)
    opt.step(y, np.array([-3.0]))
    # lr_2 = lr; weights (lr/2)², lr²: c = 1/(1/4 + 1) = 0.8; v̂ = (0.25·1 + 0.5·9)/0.75
    g = -3.0 / math.sqrt((0.25 + 4.5) / 0.75) + wd * z1
    z2 = z1 - lr * g
    x2 = 0.2 * z1 + 0.8 * z2
    y2 = (1 - b1) * z2 + b1 * x2
    np.testing.assert_allclose(opt.eval_point(y), [x2], rtol=1e-14)
    np.testing.assert_allclose(y, [y2], rtol=1e-14)
    assert opt.lr_max == lr and opt.weight_sum == pytest.approx(1.25 * lr**2)
    opt.lr = lr / 2                                       # lowered by hand: lr_max stays lr
    opt.step(y, np.array([1.0]))
    # weights (lr/2)², lr², lr²: c = 1/2.25; v̂ = (0.5·4.75 + 0.5·1)/(1 − 0.5³); decay at y ≠ z
    g = 1.0 / math.sqrt((0.5 * 4.75 + 0.5) / 0.875) + wd * y2
    z3 = z2 - lr / 2 * g
    x3 = (1 - 1 / 2.25) * x2 + z3 / 2.25
    np.testing.assert_allclose(opt.eval_point(y), [x3], rtol=1e-14)
    np.testing.assert_allclose(y, [(1 - b1) * z3 + b1 * x3], rtol=1e-14)


def test_schedulefree_eval_point_leaves_w_alone():
    opt, y = AdamWScheduleFree(lr=0.1), np.array([1.0, 2.0])
    x0 = opt.eval_point(y)
    assert x0 is not y and np.array_equal(x0, y)          # before a step: x = y
    opt.step(y, np.array([1.0, -1.0]))
    opt.step(y, np.array([1.0, 1.0]))
    before = y.copy()
    x = opt.eval_point(y)
    assert np.array_equal(y, before) and not np.allclose(x, y)
    with pytest.raises(ValueError, match="shape"):
        opt.eval_point(np.zeros(3))
    with pytest.raises(NotImplementedError, match="no per-coordinate learning rate"):
        opt.effective_lr()


# The contract ----------------------------------------------------------------------------

RULES = [
    (Lion, {"lr": 0.01, "weight_decay": 0.1}, ["m"]),
    (Muon, {"lr": 0.02}, ["B"]),
    (AdamWScheduleFree, {"lr": 0.05, "warmup_steps": 3}, ["v", "z"]),
]


@pytest.mark.parametrize("cls, kwargs, state", RULES)
def test_state_reset_and_reproducibility(cls, kwargs, state):
    rng = np.random.default_rng(3)
    w0, dws = rng.normal(size=(4, 3)), rng.normal(size=(6, 4, 3))
    opt = cls(**kwargs)
    assert opt.state == {}
    runs = []
    for _ in range(2):
        w = w0.copy()
        for dw in dws:
            assert opt.step(w, dw) is w
        assert sorted(opt.state) == state and opt.t == len(dws)
        runs.append(w)
        opt.reset()
        assert opt.state == {} and opt.t == 0
    np.testing.assert_array_equal(runs[0], runs[1])
    opt.step(np.zeros((2, 2)), np.ones((2, 2)))             # a new shape after reset: fine
    with pytest.raises(ValueError, match="call reset"):
        opt.step(np.zeros((4, 3)), np.ones((4, 3)))
    with pytest.raises(ValueError, match="dw must have w's shape"):
        opt.step(np.zeros((2, 2)), np.ones(3))
    with pytest.raises(TypeError, match="float array"):
        cls(**kwargs).step(np.zeros((2, 2), dtype=int), np.ones((2, 2)))


@pytest.mark.parametrize("cls, kwargs", [
    (Lion, {"lr": 0.0}), (Lion, {"lr": float("inf")}), (Lion, {"beta1": 1.0}),
    (Lion, {"beta2": -0.1}), (Lion, {"weight_decay": -1.0}),
    (Muon, {"lr": -1e-3}), (Muon, {"momentum": 1.0}), (Muon, {"eps": -1.0}),
    (Muon, {"weight_decay": float("nan")}), (Muon, {"ns_steps": -1}),
    (Muon, {"ns_coefficients": (1.0, 2.0)}), (Muon, {"ns_coefficients": (1.0, 2.0, np.inf)}),
    (Muon, {"adjust_lr_fn": "rms"}), (Muon, {"adjust_lr_fn": 1}),
    (AdamWScheduleFree, {"beta1": 0.0}), (AdamWScheduleFree, {"beta2": 1.0}),
    (AdamWScheduleFree, {"warmup_steps": -2}), (AdamWScheduleFree, {"r": -1.0}),
    (AdamWScheduleFree, {"weight_lr_power": float("nan")}), (AdamWScheduleFree, {"eps": -1e-8}),
])
def test_bad_hyperparameters_name_the_argument_and_value(cls, kwargs):
    (name, value), = kwargs.items()
    with pytest.raises(ValueError) as err:
        cls(**kwargs)
    assert name in str(err.value)
    if not isinstance(value, tuple):
        assert repr(value) in str(err.value) or str(value) in str(err.value)


@pytest.mark.parametrize("cls, kwargs", [
    (Muon, {"nesterov": 1}), (Muon, {"ns_steps": 2.5}), (Lion, {"lr": "0.1"}),
    (Muon, {"ns_coefficients": (1.0, 2.0, "c")}), (Muon, {"ns_coefficients": "abc"}),
    (AdamWScheduleFree, {"warmup_steps": True}),
])
def test_bad_types_are_refused(cls, kwargs):
    (name, _), = kwargs.items()
    with pytest.raises((TypeError, ValueError), match=name):
        cls(**kwargs)


def test_signatures_and_defaults_are_the_references():
    import inspect

    def defaults(cls):
        return {k: p.default for k, p in inspect.signature(cls).parameters.items()}

    assert defaults(Lion) == {"lr": 1e-4, "beta1": 0.9, "beta2": 0.99, "weight_decay": 0.0}
    assert defaults(Muon) == {"lr": 1e-3, "weight_decay": 0.1, "momentum": 0.95,
                              "nesterov": True, "ns_coefficients": (3.4445, -4.775, 2.0315),
                              "eps": 1e-7, "ns_steps": 5, "adjust_lr_fn": None}
    assert defaults(AdamWScheduleFree) == {
        "lr": 0.0025, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0,
        "warmup_steps": 0, "r": 0.0, "weight_lr_power": 2.0}
    assert list(defaults(Muon)) == ["lr", "weight_decay", "momentum", "nesterov",
                                    "ns_coefficients", "eps", "ns_steps", "adjust_lr_fn"]
    assert repr(Muon(adjust_lr_fn="match_rms_adamw")).endswith("adjust_lr_fn='match_rms_adamw')")
