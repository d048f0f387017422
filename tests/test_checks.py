"""Argument checks written once (optim_lib.checks): each names the argument and the value."""

import inspect

import numpy as np
import pytest

from optim_lib import SGD, Adam, AdamW, fused
from optim_lib import checks
from optim_lib.recorder import StateRecorder


@pytest.mark.parametrize("check, good, bad", [
    (checks.positive, [1e-9, 3, np.float32(0.5)], [0, -1.0]),
    (checks.rate, [0, 0.5, 0.999], [1, 1.5, -0.1]),
    (checks.nonnegative, [0, 2.5], [-1e-12]),
])
def test_number_checks_accept_and_refuse(check, good, bad):
    for value in good:
        assert check("x", value) == float(value) and isinstance(check("x", value), float)
    for value in bad + [float("nan"), float("inf")]:
        with pytest.raises(ValueError, match=rf"^x must .*{re_escape(repr(float(value)))}"):
            check("x", value)
    for value in [True, "1", None, [1.0]]:
        with pytest.raises(TypeError, match=r"^x must be a real number"):
            check("x", value)


def re_escape(text):
    import re
    return re.escape(text)


def test_count_and_flag():
    assert checks.count("steps", 0, minimum=0) == 0 and checks.count("n", np.int64(3)) == 3
    for bad in (0, 2.5, True, "3", -1):
        with pytest.raises(ValueError, match=rf"^n must be a positive integer, got {re_escape(repr(bad))}"):
            checks.count("n", bad)
    with pytest.raises(ValueError, match=r"^steps must be an integer >= 0, got -1"):
        checks.count("steps", -1, minimum=0)
    assert checks.flag("b", False) is False
    with pytest.raises(TypeError, match=r"^b must be True or False, got 1"):
        checks.flag("b", 1)


def test_optional_number():
    assert checks.optional_number("t", None) is None
    assert checks.optional_number("t", np.inf) == np.inf
    for bad in (float("nan"), "1", True):
        with pytest.raises(ValueError, match=r"^t must be a number or None"):
            checks.optional_number("t", bad)


def test_optimizer_accepts_anything_that_keeps_the_contract():
    for opt in (SGD(), fused.Adam(), StateRecorder(Adam())):
        assert checks.optimizer(opt) is opt
    for bad in (Adam, "adam", object()):
        with pytest.raises(TypeError, match=r"^opt must be an optim_lib optimizer"):
            checks.optimizer(bad)


def test_hyperparameters_give_the_constructor_its_signature_and_check_every_assignment():
    assert str(inspect.signature(AdamW)) == \
        "(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08, weight_decay=0.01)"
    assert str(inspect.signature(Adam)) == \
        "(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08, bias_correction=True)"
    assert AdamW(0.1, 0.5, 0.6, 0.0, 0.2).hyperparams == \
        dict(lr=0.1, beta1=0.5, beta2=0.6, eps=0.0, weight_decay=0.2)   # positional, in order
    opt = SGD(0.1)
    opt.lr = 0.2
    assert opt.lr == 0.2
    with pytest.raises(ValueError, match=r"^lr must be > 0, got -0.5"):
        opt.lr = -0.5
    with pytest.raises(TypeError, match="unexpected keyword argument 'rho'"):
        SGD(lr=0.1, rho=0.9)
    with pytest.raises(TypeError, match="too many positional arguments"):
        SGD(0.1, 0.9)


def test_step_arrays():
    w = np.ones(3)
    assert isinstance(checks.step_arrays(w, [1, 2, 3], None), np.ndarray)
    with pytest.raises(ValueError, match=r"^dw must have w's shape \(3,\), got shape \(2,\)"):
        checks.step_arrays(w, [1, 2], None)
    with pytest.raises(ValueError, match=r"^w has shape \(3,\) but .* \(4,\); call reset"):
        checks.step_arrays(w, w, (4,))
