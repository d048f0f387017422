"""The fast twins (optim_lib.fused) equal the reference rules (optim_lib.optimizers).

Each twin runs hundreds of steps beside its reference on the same gradients, on sizes that
fall inside one chunk, exactly on chunk boundaries, one past them, and odd; the iterates
and the state must agree to a relative difference of 1e-12 (norm-wise, over all
coordinates: one coordinate that crosses zero makes a per-coordinate ratio meaningless).
"""

import numpy as np
import pytest

from optim_lib import OPTIMIZERS, SGD, Adam, AdamW, Momentum, fused
from optim_lib.fused import CHUNK

RULES = (*OPTIMIZERS, AdamW)
# (size, chunk): one chunk; exact multiples of a small chunk; one past; odd sizes; the real
# chunk size with two threads sharing an odd number of chunks plus a remainder.
SIZES = [(1, CHUNK), (7, 7), (64, 8), (65, 8), (1001, 97), (3 * CHUNK + 5, CHUNK)]
HYPER = {SGD: dict(lr=0.05), Momentum: dict(lr=0.02, rho=0.9), Adam: dict(lr=0.01),
         AdamW: dict(lr=0.01, weight_decay=0.1)}


def rel(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(b)


@pytest.mark.parametrize("size, chunk", SIZES, ids=[f"{n}by{c}" for n, c in SIZES])
@pytest.mark.parametrize("cls", RULES, ids=[c.__name__ for c in RULES])
def test_fast_twin_equals_the_reference_over_hundreds_of_steps(cls, size, chunk):
    steps = 300 if size < CHUNK else 120
    rng = np.random.default_rng(size)
    ref = cls(**HYPER.get(cls, {}))
    fast = fused.twin(ref)
    fast.chunk = chunk
    w_ref = rng.standard_normal(size)
    w_start = w_ref.copy()
    w_fast = w_ref.copy()
    for _ in range(steps):
        dw = rng.standard_normal(size) + 0.1 * w_ref          # a gradient that follows w
        assert fast.step(w_fast, dw) is w_fast
        ref.step(w_ref, dw)
    assert rel(w_fast, w_ref) <= 1e-12
    assert fast.t == ref.t == steps
    assert fast.state.keys() == ref.state.keys()
    for name, value in ref.state.items():
        assert rel(fast.state[name], value) <= 1e-12, name
    # w really moved (so "equal" is not two untouched copies): by more than the tolerance
    assert rel(w_ref, w_start) > 1e-6


def test_the_comparison_would_catch_a_wrong_twin():
    """A twin that forgot Adam's bias correction fails the same 1e-12 criterion."""
    rng = np.random.default_rng(0)
    wrong = fused.Adam(lr=0.01, bias_correction=False)
    ref = Adam(lr=0.01)
    w1 = rng.standard_normal(50)
    w2 = w1.copy()
    for _ in range(300):
        dw = rng.standard_normal(50)
        wrong.step(w1, dw)
        ref.step(w2, dw)
    assert rel(w1, w2) > 1e-12


@pytest.mark.parametrize("cls", RULES, ids=[c.__name__ for c in RULES])
def test_twin_is_the_rule_with_the_same_contract(cls):
    fast = fused.twin(cls)
    assert issubclass(fast, cls) and issubclass(fast, fused.Fused)
    assert fused.twin(fast) is fast
    opt = fused.twin(cls(**HYPER.get(cls, {})))
    assert opt.hyperparams == cls(**HYPER.get(cls, {})).hyperparams
    assert repr(opt) == "fused." + repr(cls(**HYPER.get(cls, {})))
    assert opt.name == cls.__name__
    w = np.ones((4, 3))
    opt.step(w, np.full((4, 3), 0.5))
    assert all(v.shape == (4, 3) for v in opt.state.values())
    with pytest.raises(ValueError, match=r"^w has shape \(5,\).*reset"):
        opt.step(np.ones(5), np.ones(5))
    opt.reset()
    assert opt.t == 0 and all(getattr(opt, k) is None for k in cls().state) and not opt.state
    opt.step(np.ones(5), np.ones(5))


@pytest.mark.parametrize("cls", RULES, ids=[c.__name__ for c in RULES])
def test_unusual_layouts_take_the_whole_array_path(cls):
    """A strided view and a float32 w with float64 gradients: updated in place, like the reference."""
    base_f, base_r = np.ones((6, 4)), np.ones((6, 4))
    fast, ref = fused.twin(cls)(), cls()
    for k in range(3):
        dw = np.full((6, 2), 0.5 + k)
        fast.step(base_f[:, ::2], dw)
        ref.step(base_r[:, ::2], dw)
    assert rel(base_f, base_r) <= 1e-12 and np.all(base_f[:, 1::2] == 1.0)
    w32 = np.ones(10, dtype=np.float32)
    fused.twin(cls)().step(w32, np.full(10, 0.5))
    assert w32.dtype == np.float32 and np.all(w32 < 1)


def test_one_adam_kernel_serves_adam_and_adamw(monkeypatch):
    """fused.AdamW is fused.Adam plus the shrink: its kernel shrinks w, then runs Adam's kernel
    (super()), on itself; a wrong Adam kernel shows in AdamW's numbers too."""
    assert issubclass(fused.AdamW, fused.Adam) and issubclass(fused.AdamW, AdamW)
    seen = []
    adam_kernel = fused.Adam._kernel

    def spy(self, w, dw, tmp, m, v):
        seen.append(type(self))
        adam_kernel(self, w, dw, tmp, m, v)

    monkeypatch.setattr(fused.Adam, "_kernel", spy)
    fused.AdamW(lr=0.1).step(np.ones(3), np.ones(3))
    assert seen == [fused.AdamW]
    monkeypatch.setattr(fused.Adam, "_kernel", lambda self, w, dw, tmp, m, v: None)  # no step
    w_fast, w_ref = np.ones(3), np.ones(3)
    fused.AdamW(lr=0.1).step(w_fast, np.ones(3))
    AdamW(lr=0.1).step(w_ref, np.ones(3))
    assert rel(w_fast, w_ref) > 1e-3


def test_bad_input_is_refused_as_by_the_reference():
    with pytest.raises(ValueError, match=r"^lr must be > 0, got -1.0"):
        fused.Adam(lr=-1)
    with pytest.raises(ValueError, match=r"^weight_decay must"):
        fused.AdamW(weight_decay=-0.1)
    with pytest.raises(TypeError, match=r"^w must.*int64"):
        fused.SGD().step(np.array([1, 2]), np.ones(2))
    with pytest.raises(ValueError, match=r"^dw must"):
        fused.Momentum().step(np.ones(2), np.ones(3))
    with pytest.raises(TypeError, match="opt must be one of"):
        fused.twin("Adam")


def test_two_threads_share_a_large_step():
    if fused.WORKERS < 2:
        pytest.skip("one CPU: the step runs on one thread")
    opt = fused.SGD(lr=0.5)
    w = np.ones(2 * CHUNK + 1)
    opt.step(w, np.ones_like(w))
    assert np.all(w == 0.5)
    assert opt._scratch.shape == (2, CHUNK)     # one scratch row per thread


def test_fast_twins_refuse_array_hyperparameters():
    with pytest.raises(TypeError, match=r"^lr: a fast twin takes one number .*shape \(2, 1\)"):
        fused.Adam(lr=np.array([[0.1], [0.2]]))
    opt = fused.Momentum(lr=0.1)
    with pytest.raises(TypeError, match=r"^rho: a fast twin .*optim_lib\.Momentum"):
        opt.rho = np.array([0.5, 0.9])
    opt.rho = np.float64(0.5)                        # one number, numpy or not: fine
    assert opt.rho == 0.5
