"""Watching an optimizer (optim_lib.recorder): effective_lr and StateRecorder (chapters 8-10)."""

import numpy as np
import pytest

from optim_lib import SGD, AdaGrad, Adam, AdamW, Momentum, Nesterov, Optimizer, RMSProp, fused
from optim_lib.landscapes import ill_conditioned_bowl
from optim_lib.recorder import StateRecorder, effective_lr
from optim_lib.train import run_landscape


G1 = np.array([0.5, -2.0])


G2 = np.array([1.0, 0.25])


def two_steps(opt):
    w = np.array([1.0, -1.0])
    opt.step(w, G1)
    opt.step(w, G2)
    return w


def test_effective_lr_adagrad_by_hand():
    # G = g1² + g2² = [1.25, 4.0625]; rate = 0.1 / (√G + 1e-7)
    opt = AdaGrad(lr=0.1, eps=1e-7)
    two_steps(opt)
    expected = 0.1 / (np.sqrt([1.25, 4.0625]) + 1e-7)
    np.testing.assert_allclose(effective_lr(opt), expected, rtol=1e-12)


def test_effective_lr_rmsprop_by_hand():
    # s = 0.9·(0.1·g1²) + 0.1·g2² = [0.1225, 0.366250]
    opt = RMSProp(lr=0.01, decay=0.9, eps=1e-8)
    two_steps(opt)
    s = 0.9 * 0.1 * G1**2 + 0.1 * G2**2
    np.testing.assert_allclose(effective_lr(opt), 0.01 / (np.sqrt(s) + 1e-8), rtol=1e-12)


@pytest.mark.parametrize("bias_correction", [True, False])
def test_effective_lr_adam_reproduces_the_step(bias_correction):
    opt = Adam(lr=0.01, bias_correction=bias_correction)
    w = two_steps(opt)
    before = w.copy()
    g3 = np.array([0.3, -0.7])
    opt.step(w, g3)
    m_hat = opt.m / (1 - opt.beta1 ** opt.t) if bias_correction else opt.m
    np.testing.assert_allclose(before - w, effective_lr(opt) * m_hat, rtol=1e-10)


@pytest.mark.parametrize("opt", [SGD(lr=0.05), Momentum(lr=0.05, rho=0.9)])
def test_effective_lr_of_non_adaptive_methods_is_lr(opt):
    two_steps(opt)
    np.testing.assert_array_equal(effective_lr(opt), [0.05, 0.05])


def test_effective_lr_needs_a_step_and_an_optimizer():
    for opt in (AdaGrad(lr=0.1), SGD(lr=0.1), fused.Adam(), StateRecorder(RMSProp())):
        with pytest.raises(ValueError, match=r"has taken no step yet \(t = 0\)"):
            effective_lr(opt)
    with pytest.raises(TypeError, match="opt must be"):
        effective_lr("adam")


def test_recorder_matches_the_plain_optimizer():
    bowl = ill_conditioned_bowl(50)
    plain = run_landscape(AdaGrad(lr=0.1), bowl, steps=30)
    rec = StateRecorder(AdaGrad(lr=0.1))
    recorded = run_landscape(rec, bowl, steps=30)
    np.testing.assert_array_equal(plain.path, recorded.path)
    assert recorded.label == plain.label and rec.name == "AdaGrad"
    G = rec.stacked("G")
    assert G.shape == (30, 2)
    # G is the running sum of the recorded squared gradients
    np.testing.assert_allclose(G, np.cumsum(rec.stacked("dw") ** 2, axis=0), rtol=1e-12)
    np.testing.assert_allclose(rec.stacked("effective_lr"), 0.1 / (np.sqrt(G) + 1e-7))
    assert np.all(np.diff(rec.stacked("effective_lr"), axis=0) <= 0)


def test_recorder_copies_state_and_resets():
    rec = StateRecorder(Adam(lr=0.01))
    two_steps(rec)
    m = rec.stacked("m")
    assert not np.shares_memory(m, rec.opt.m)
    assert not np.allclose(m[0], m[1])         # each row is that step's copy
    assert rec.t == 2
    rec.reset()
    assert rec.history == [] and rec.opt.t == 0 and rec.t == 0


def test_recorder_bad_input():
    with pytest.raises(TypeError, match="opt must be"):
        StateRecorder("sgd")
    with pytest.raises(TypeError, match="StateRecorder"):
        StateRecorder(StateRecorder(SGD(lr=0.1)))
    rec = StateRecorder(RMSProp(lr=0.01))
    with pytest.raises(ValueError, match="nothing recorded"):
        rec.stacked("s")
    two_steps(rec)
    with pytest.raises(ValueError, match="key must be one of"):
        rec.stacked("G")


def test_effective_lr_through_a_recorder():
    """The recorder wraps, so effective_lr and every attribute reach the wrapped optimizer."""
    rec = StateRecorder(AdaGrad(0.1))
    w = np.array([1.0, -1.0])
    rec.step(w, G1)
    np.testing.assert_array_equal(effective_lr(rec), effective_lr(rec.opt))
    np.testing.assert_allclose(effective_lr(rec), 0.1 / (np.abs(G1) + 1e-7), rtol=1e-12)
    assert rec.lr == 0.1 and rec.t == 1 and rec.state.keys() == {"G"}
    assert not isinstance(rec, Optimizer)      # it wraps an optimizer, it is not one


def test_recorder_keeps_the_contract_of_any_rule():
    for opt in (SGD(0.1), Nesterov(0.1, 0.9), AdamW(0.1), fused.Adam(0.1)):
        rec = StateRecorder(opt)
        two_steps(rec)
        assert rec.stacked("dw").shape == (2, 2)
        assert set(rec.history[0]) == {"dw", "effective_lr", *opt.state}


def test_effective_lr_is_the_optimizers_own_method():
    opt = RMSProp(lr=0.01, decay=0.9)
    two_steps(opt)
    np.testing.assert_array_equal(effective_lr(opt), opt.effective_lr())
    adamw = AdamW(lr=0.01, weight_decay=0.5)
    two_steps(adamw)
    v_hat = adamw.v / (1 - adamw.beta2 ** 2)
    np.testing.assert_allclose(effective_lr(adamw), 0.01 / (np.sqrt(v_hat) + 1e-8), rtol=1e-12)
