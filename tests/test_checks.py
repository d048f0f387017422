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


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.longdouble,
                                   np.int64, np.uint8, np.bool_, np.complex128, object])
def test_step_arrays_takes_exactly_the_float_arrays(dtype):
    """w must be a numpy floating array (it is updated in place): every float width, and
    no integer, bool, complex or object array; the same verdict as np.issubdtype(…, floating)."""
    w = np.zeros(2, dtype=dtype)
    if np.issubdtype(w.dtype, np.floating):
        checks.step_arrays(w, [1, 2], None)
    else:
        with pytest.raises(TypeError, match=rf"^w must be a float array .* got dtype {w.dtype}"):
            checks.step_arrays(w, [1, 2], None)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.int8, np.int64, np.uint16,
                                   np.bool_, np.complex64, np.str_, object])
def test_each_takes_exactly_the_integer_and_float_arrays(dtype):
    values = np.array([1, 2]).astype(dtype)
    if np.issubdtype(values.dtype, np.integer) or np.issubdtype(values.dtype, np.floating):
        assert checks.each(checks.positive, "lr", values).tolist() == [1.0, 2.0]
    else:
        with pytest.raises(TypeError, match=r"^lr must be a real number or an array"):
            checks.each(checks.positive, "lr", values)


def test_in_range_closed_and_open_ends():
    assert checks.in_range("gamma", 1.0, 0.0, 1.0, lo_open=True) == 1.0
    assert checks.in_range("final", 0, 0.0, 1.0) == 0.0
    for value, match in [(0.0, r"gamma must be in \(0, 1\], got 0\.0"),
                         (1.5, r"gamma must be in \(0, 1\], got 1\.5")]:
        with pytest.raises(ValueError, match=match):
            checks.in_range("gamma", value, 0.0, 1.0, lo_open=True)
    with pytest.raises(ValueError, match=r"x must be in \[0, 1\), got 1\.0"):
        checks.in_range("x", 1.0, 0.0, 1.0, hi_open=True)
    with pytest.raises(TypeError, match="gamma must be a real number, got '0.1'"):
        checks.in_range("gamma", "0.1", 0.0, 1.0)


def test_increasing_grid():
    assert checks.increasing("lrs", [0.01, 0.1]).tolist() == [0.01, 0.1]
    assert checks.increasing("lrs", [0.1]).tolist() == [0.1]
    for bad in [[], [0.1, 0.1], [0.2, 0.1], [0.0, 1.0], [1.0, float("inf")], [[0.1, 0.2]], "ab"]:
        with pytest.raises(ValueError, match=r"^lrs must .*got "):
            checks.increasing("lrs", bad)
    with pytest.raises(ValueError, match=r"strengths must be at least 2 .*got \[0\.1\]"):
        checks.increasing("strengths", [0.1], min_len=2)


def test_seeds_checkpoints_and_dtype():
    assert checks.seeds(range(3)) == (0, 1, 2) and checks.seeds([np.int64(4)]) == (4,)
    with pytest.raises(ValueError, match="seeds must hold at least one seed"):
        checks.seeds([])
    for bad in [-1, 1.5, True]:
        with pytest.raises(ValueError, match=rf"each seed of seeds must .*got {bad!r}"):
            checks.seeds([0, bad])
    with pytest.raises(TypeError, match="seeds must be a sequence of integer seeds, got 3"):
        checks.seeds(3)
    assert checks.checkpoints(None, 20) == (20,)
    assert checks.checkpoints([20, 5, 5], 20) == (5, 20)
    for bad in [0, 21, 2.0, True]:
        with pytest.raises(ValueError, match=rf"checkpoints must be epochs in \[1, 20\], got {bad!r}"):
            checks.checkpoints([5, bad], 20)
    with pytest.raises(ValueError, match="checkpoints must hold at least one epoch"):
        checks.checkpoints([], 20)
    assert checks.float_dtype(np.float32) is np.float32
    assert checks.float_dtype(np.float64) is np.float64
    for bad in [np.float16, int, "float32x"]:
        with pytest.raises(ValueError, match=rf"dtype must be numpy.float32 or numpy.float64, got"):
            checks.float_dtype(bad)


def test_optimizers_non_empty_distinct_and_each_an_optimizer():
    a, b = SGD(0.1), SGD(0.1)
    assert checks.optimizers((a, b)) == [a, b]
    with pytest.raises(ValueError, match="optimizers must hold at least one optimizer"):
        checks.optimizers([])
    with pytest.raises(ValueError, match="optimizers must be distinct instances"):
        checks.optimizers([a, a])
    with pytest.raises(TypeError, match=r"optimizers\[1\] must be an optim_lib optimizer .*got 'adam'"):
        checks.optimizers([a, "adam"])


def test_each_checks_every_entry_with_the_scalar_rule():
    out = checks.each(checks.rate, "rho", np.array([[0.0], [0.5]]))
    assert out.dtype == float and out.tolist() == [[0.0], [0.5]]
    assert checks.each(checks.positive, "lr", np.array(0.1)) == 0.1      # 0-d: one number
    assert checks.each(checks.positive, "lr", np.array([1, 2])).dtype == float
    for check, values, match in [
            (checks.positive, [0.1, 0.0, -1.0], r"^lr must be > 0, got 0\.0 \(entry \(1,\)"),
            (checks.rate, [0.5, 1.0], r"^lr must be in \[0, 1\), got 1\.0 \(entry \(1,\)"),
            (checks.nonnegative, [np.nan], r"^lr must be finite, got nan \(entry \(0,\)"),
            (checks.positive, [], r"^lr must be a number or a non-empty array")]:
        with pytest.raises(ValueError, match=match):
            checks.each(check, "lr", np.array(values, dtype=float))
    for values in (np.array([True]), np.array(["0.1"]), np.array([0.1], dtype=object)):
        with pytest.raises(TypeError, match=r"^lr must be a real number or an array"):
            checks.each(checks.positive, "lr", values)


def test_only_the_numeric_fields_take_arrays():
    assert checks.Positive.arrays and checks.Rate.arrays and checks.NonNegative.arrays
    with pytest.raises(TypeError, match=r"^bias_correction must be True or False"):
        Adam(bias_correction=np.array([True, False]))
    opt = SGD(np.array([0.1, 0.2]))
    opt.lr = 0.3                                     # back to a number: as before
    assert opt.lr == 0.3 and SGD(np.float32(0.5)).lr == 0.5
