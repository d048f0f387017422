"""Inclusion measured (optim_lib.inclusion): Momentum(ρ=0) is SGD, Adam(β₁=0) is RMSProp up to
the bias correction."""

import numpy as np
import pytest

from optim_lib import SGD, Adam, Momentum, RMSProp
from optim_lib.inclusion import inclusions, trajectory_difference
from optim_lib.landscapes import ill_conditioned_bowl, rotated


@pytest.mark.parametrize("land", [ill_conditioned_bowl(10), rotated(ill_conditioned_bowl(10), 45)])
def test_the_inclusions_are_exact_except_the_bias_correction(land):
    d = inclusions(land.grad, land.start, lr=0.05, steps=80)
    assert d["Momentum(ρ=0) vs SGD"] == 0.0
    assert d["Nesterov(ρ=0) vs SGD"] == 0.0
    assert d["Adam(β₁=0, no bias correction) vs RMSProp"] == 0.0
    assert d["Adam(β₁=0) vs RMSProp"] > 1e-3


def test_the_measure_sees_a_small_difference():
    bowl = ill_conditioned_bowl(10)
    assert trajectory_difference(Momentum(0.05, rho=0.01), SGD(0.05), bowl.grad, bowl.start) > 0
    assert trajectory_difference(Adam(0.05, beta1=0.0, beta2=0.99, bias_correction=False),
                                 RMSProp(0.05, decay=0.99, eps=1e-7), bowl.grad, bowl.start) > 0


def test_bias_corrected_adam_is_rmsprop_with_a_corrected_rate_and_eps():
    # Adam(β₁=0): lr·g/(√(v/(1−b^t)) + ε) = lr·√(1−b^t)·g/(√v + ε·√(1−b^t))
    bowl, b, lr, eps = ill_conditioned_bowl(10), 0.99, 0.05, 1e-8
    adam, rms = Adam(lr, beta1=0.0, beta2=b, eps=eps), RMSProp(lr, decay=b, eps=eps)
    wa, wr = np.array(bowl.start, float), np.array(bowl.start, float)
    for t in range(1, 60):
        c = np.sqrt(1 - b**t)
        rms.lr, rms.eps = lr * c, eps * c
        adam.step(wa, bowl.grad(wa))
        rms.step(wr, bowl.grad(wr))
    assert np.allclose(wa, wr, rtol=1e-12, atol=1e-15)


def test_bad_input_is_named():
    with pytest.raises(TypeError, match="a must be an optim_lib optimizer"):
        trajectory_difference(SGD, SGD(0.1), lambda w: w, [1.0])
    with pytest.raises(TypeError, match="grad must be callable"):
        trajectory_difference(SGD(0.1), SGD(0.1), None, [1.0])
